"""The back office: the unit tree, people, accounts and their roles, in Vietnamese."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from party import initial_passwords
from party.access_log import log_access
from party.models import (
    AccessEvent,
    ImportBatch,
    Member,
    Membership,
    Unit,
    UnitRole,
    check_transfer_date,
    transfer_member,
)
from party.sessions import end_sessions_of
from party.text import search_key


class SearchKeyMixin:
    """Search the stored diacritic-free keys with the typed text folded the same way."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))


class UnitAdminForm(forms.ModelForm):
    """The parent is typed as a unit code: a select of 15,000 units would weigh a megabyte."""

    parent_code = forms.CharField(
        label="Mã đơn vị cấp trên",
        required=False,
        help_text="Để trống nếu là đơn vị gốc. Đổi mã này để chuyển đơn vị (cùng toàn bộ đơn vị trực thuộc).",
    )

    class Meta:
        model = Unit
        fields = ["code", "short_name", "name", "kind", "sort_order", "dissolved_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.depth > 1:
            self.fields["parent_code"].initial = Unit.objects.get_parent(self.instance).code

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip().upper()
        if not code:
            return None
        parent = Unit.objects.filter(code=code).first()
        if parent is None:
            raise ValidationError(f"Không có đơn vị mã “{code}”.")
        if self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó.")
        return parent


@admin.register(Unit)
class UnitAdmin(SearchKeyMixin, admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["tree_name", "code", "kind", "sort_order", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "search_name"]
    list_per_page = 100
    ordering = ["path"]
    fields = ["code", "parent_code", "short_name", "name", "kind", "sort_order", "dissolved_on"]

    @admin.display(description="Đơn vị (theo cây)", ordering="path")
    def tree_name(self, unit: Unit) -> str:
        return format_html("{}{}", "— " * (unit.depth - 1), unit.short_name)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Units are dissolved, never deleted: their history must stay in the reports.
        return False

    @transaction.atomic
    def save_model(self, request, obj: Unit, form, change: bool) -> None:
        parent = form.cleaned_data["parent_code"]
        if not change:
            created = (
                Unit.objects.add_child(parent, instance=obj)
                if parent
                else Unit.objects.add_root(instance=obj)
            )
            obj.pk = created.pk
            return
        old_parent = Unit.objects.get_parent(obj, update=True)
        moved = (old_parent.pk if old_parent else None) != (parent.pk if parent else None)
        obj.save()
        if moved or "sort_order" in form.changed_data:
            obj.refresh_from_db()
            if parent is not None:
                Unit.objects.move(obj, parent, "sorted-child")
            else:
                Unit.objects.move(obj, Unit.objects.get_first_root_node(), "sorted-sibling")
            if moved:
                messages.info(request, f"Đã chuyển “{obj.short_name}” sang đơn vị cấp trên mới.")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["unit", "started_on", "ended_on"]
    readonly_fields = ["unit"]
    can_delete = False
    verbose_name_plural = "Quá trình sinh hoạt (chuyển đơn vị bằng cách đổi “Đơn vị sinh hoạt” ở trên)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MemberAdminForm(forms.ModelForm):
    transfer_date = forms.DateField(
        label="Ngày chuyển sinh hoạt",
        required=False,
        help_text="Chỉ dùng khi đổi đơn vị sinh hoạt; để trống là hôm nay.",
    )

    class Meta:
        model = Member
        fields = [
            "full_name", "gender", "birth_date", "position", "is_leader",
            "party_status", "party_card_number", "admitted_on", "confirmed_on", "unit",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        # transfer_member() refuses a date before the current period; say so here, not with a 500.
        if self.instance.pk and "unit" in self.changed_data:
            try:
                check_transfer_date(self.instance, cleaned.get("transfer_date") or datetime.date.today())
            except ValidationError as error:
                self.add_error("transfer_date", error)
        return cleaned


@admin.register(Member)
class MemberAdmin(SearchKeyMixin, SimpleHistoryAdmin):
    # “Lịch sử” lists every earlier version of a person's details, with who changed it and when.
    form = MemberAdminForm
    list_display = ["full_name", "birth_date", "party_status", "party_card_number", "unit", "is_leader"]
    list_filter = ["party_status", "gender", "is_leader"]
    list_select_related = ["unit"]
    search_fields = ["search_name", "party_card_number", "unit__code"]
    autocomplete_fields = ["unit"]  # searched by code or name (UnitAdmin.search_fields)
    list_per_page = 100
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["full_name", "gender", "birth_date", "position", "is_leader"]}),
        ("Đảng tịch", {"fields": ["party_status", "party_card_number", "admitted_on", "confirmed_on"]}),
        ("Đơn vị", {"fields": ["unit", "transfer_date"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        member = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and member is not None:
            log_access(request, AccessEvent.Kind.MEMBER_VIEWED, member=member)
        return response

    @transaction.atomic
    def save_model(self, request, obj: Member, form, change: bool) -> None:
        if change and "unit" in form.changed_data:
            new_unit = obj.unit
            obj.unit_id = form.initial["unit"]
            obj.save()
            on = form.cleaned_data.get("transfer_date") or datetime.date.today()
            transfer_member(member=obj, to_unit=new_unit, on=on)
            messages.info(request, f"Đã chuyển sinh hoạt sang {new_unit.short_name} từ ngày {on:%d/%m/%Y}.")
            return
        obj.save()


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
            # must not come back with the account (party/sessions.py).
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


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "status", "created_at", "committed_at"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = ["file_name", "uploaded_by", "status", "summary", "created_at", "committed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request) -> bool:
        return False


# Work records (meetings, inspections, documents, conferences) and themes; the access log.
from party import admin_access, admin_records  # noqa: E402, F401
