"""Initial passwords: a password an administrator sets in admin is for the first login only.

Setting a password in admin (the add form, or "đặt lại mật khẩu" on an account) records an
`InitialPassword` (party/admin/accounts.py). At login, such a password older than
INITIAL_PASSWORD_MAX_AGE_DAYS is refused; otherwise the session can open nothing but the password
page until its owner sets a new password, before the second factor too. A password the owner sets
there removes the record. Accounts made by commands (seed_demo, createsuperuser, changepassword)
are not recorded: no administrator typed their password for someone else.

As with the second factor (party/accounts/two_factor.py), the pending step is kept in the session,
decided at login (party/accounts/signals.py): the pages of a signed-in user cost no extra query.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from party.models import InitialPassword

PENDING = "initial_password"  # in the session: signed in with an initial password, not yet replaced


def record(user) -> None:
    """The account's password was just set by an administrator."""
    InitialPassword.objects.update_or_create(user=user, defaults={"set_at": timezone.now()})


def forget(user) -> None:
    """The account's owner has set a password of their own (or it has none)."""
    InitialPassword.objects.filter(user=user).delete()


# --- login -------------------------------------------------------------------------------------


class RefuseExpired:
    """An initial password past its age does not sign in. Only someone who typed it right sees
    why, so saying so leaks nothing."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        initial = InitialPassword.objects.filter(user=user).first()
        if initial is not None and initial.expired:
            raise ValidationError(
                "Mật khẩu ban đầu do quản trị hệ thống cấp đã hết hạn (chỉ dùng được trong "
                "%(days)s ngày). Hãy đề nghị quản trị hệ thống cấp mật khẩu mới.",
                code="initial_password_expired",
                params={"days": settings.INITIAL_PASSWORD_MAX_AGE_DAYS},
            )


class LoginForm(RefuseExpired, AuthenticationForm):
    pass


class AdminLoginForm(RefuseExpired, AdminAuthenticationForm):
    pass


# --- the password page -------------------------------------------------------------------------


class NewPasswordForm(PasswordChangeForm):
    """Django's password change, refusing the current password as the new one; saving it makes
    the password the owner's own."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password"):
            self.add_error("new_password1", "Mật khẩu mới phải khác mật khẩu hiện tại.")
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            forget(user)
        return user


class AdminNewPasswordForm(NewPasswordForm):
    """The same, for the admin site's own "Đổi mật khẩu" page."""

    required_css_class = "required"


class PasswordChangeView(auth_views.PasswordChangeView):
    """The "Đổi mật khẩu" page, titled "Đặt mật khẩu mới" after a login with an initial password."""

    form_class = NewPasswordForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initial"] = bool(self.request.session.get(PENDING))
        context["next"] = _next(self.request)
        return context

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)  # saves, and keeps this session signed in
        if self.request.session.pop(PENDING, False):
            messages.success(self.request, "Đã đặt mật khẩu mới.")
            return HttpResponseRedirect(_next(self.request) or reverse("home"))
        return response


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


class InitialPasswordMiddleware:
    """A session signed in with an initial password is sent to the password page from every
    other page (admin and enrolment included) until a new password is set. Public pages and
    logout stay open. An account that already has a device types its code first. Before
    TwoFactorMiddleware, which lets the password page through while this step is pending."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from party.accounts import two_factor

        if not request.user.is_authenticated or not request.session.get(PENDING):
            return None
        if request.session.get(two_factor.STATE) == two_factor.VERIFY:
            # The account has a device: its code comes first, so a password reset by an
            # administrator alone cannot be turned into the owner's password (TwoFactorMiddleware).
            return None
        if not getattr(view_func, "login_required", True):
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, (auth_views.LogoutView, PasswordChangeView)):
            return None
        target = reverse("password_change")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
