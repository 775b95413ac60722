"""Back office of accounts: users with their roles inline, and the initial password an
administrator sets (party/accounts/initial_passwords.py)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from party.accounts import initial_passwords
from party.accounts.sessions import end_sessions_of
from party.models import UnitRole


class UnitRoleInline(admin.TabularInline):
    model = UnitRole
    extra = 1
    autocomplete_fields = ["unit"]
    verbose_name_plural = "Vai trò trong đơn vị"


class InitialPasswordForm(AdminPasswordChangeForm):
    """The admin's "Đặt lại mật khẩu" form: the password it sets is an initial one."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if user.has_usable_password():
            initial_passwords.record(user)
        else:
            initial_passwords.forget(user)
        return user


# The admin site's own login refuses an expired initial password too, and its "Đổi mật khẩu"
# page, like ours, makes the password the owner's own.
admin.site.login_form = initial_passwords.AdminLoginForm
admin.site.password_change_form = initial_passwords.AdminNewPasswordForm

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    inlines = [UnitRoleInline]
    change_password_form = InitialPasswordForm
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "roles"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("unit_roles__unit")

    def save_model(self, request, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            initial_passwords.record(obj)  # the password typed on the add form is an initial one
        if change and obj.is_active and "is_active" in form.changed_data:
            # Reactivated: a session left by a deactivation that sent no signal (a bulk update())
            # must not come back with the account (party/accounts/sessions.py).
            end_sessions_of([obj.pk])

    @admin.display(description="Vai trò")
    def roles(self, user) -> str:
        return "; ".join(
            f"{r.get_role_display().split(' (')[0]} — {r.unit.short_name}" for r in user.unit_roles.all()
        )


@admin.register(UnitRole)
class UnitRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "unit__code", "unit__search_name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["unit"]
