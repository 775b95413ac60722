"""Pages of two-factor sign-in: the code after the password, enrolment, recovery codes, and the
"Bảo mật tài khoản" page. The rules live in party/accounts/two_factor.py; the URLs in urls.py."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from party.accounts import two_factor
from party.accounts.two_factor import DONE, ENROL, NEW_CODES, VERIFY


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@two_factor.exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    step = two_factor.state(request)
    if step == ENROL:
        return redirect(_with_next("two_factor_enrol", request))
    if step == DONE:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        check = two_factor.check_code(request.user, form.cleaned_data["code"])
        if check.device:
            two_factor.mark_verified(request, check.device)
            if check.recovery:
                left = two_factor.remaining_codes(request.user)
                messages.warning(
                    request,
                    f"Bạn vừa dùng một mã khôi phục (mỗi mã chỉ dùng được một lần); còn {left} mã. "
                    "Nếu mất điện thoại, hãy cài lại ứng dụng xác thực ở trang Bảo mật tài khoản.",
                )
            return redirect(_next(request))
        if check.wait:
            form.add_error(None, f"Bạn đã nhập sai nhiều lần. Hãy chờ {check.wait} giây rồi thử lại.")
        else:
            form.add_error("code", "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy nhập mã mới nhất.")
    return render(request, "account/two_factor_verify.html", {"form": form, "next": _next(request)})


@two_factor.exempt
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text); it counts once a first code from it is typed."""
    if two_factor.state(request) == VERIFY:
        # Someone with only the password must not replace the owner's device.
        return redirect(_with_next("two_factor_verify", request))
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs["inputmode"] = "numeric"
    if form.is_valid():
        if two_factor.confirm_enrolment(request, form.cleaned_data["code"]) is not None:
            messages.success(request, "Đã bật xác thực hai bước.")
            return redirect(_with_next("two_factor_codes", request))
        form.add_error("code", "Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng (6 chữ số).")
    device = two_factor.draft_device(request)
    context = {
        "form": form,
        "next": _next(request),
        "qr": two_factor.qr_data_uri(device.config_url),
        "secret": two_factor.secret_text(device),
        "required": two_factor.is_required(request.user),
        "replacing": two_factor.has_device(request.user),
    }
    return render(request, "account/two_factor_enrol.html", context)


@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown until the user says they are saved."""
    if request.method == "POST":
        request.session.pop(NEW_CODES, None)
        return redirect(_next(request))
    context = {"codes": request.session.get(NEW_CODES), "next": _next(request)}
    return render(request, "account/two_factor_codes.html", context)


@require_GET
def codes_download(request: HttpRequest) -> HttpResponse:
    new_codes = request.session.get(NEW_CODES)
    if not new_codes:
        messages.error(request, "Mã khôi phục chỉ tải được ngay khi vừa tạo. Hãy tạo bộ mã mới nếu cần.")
        return redirect("account_security")
    text = "\r\n".join(
        [
            f"Mã khôi phục đăng nhập — tài khoản {request.user.get_username()}",
            "Mỗi mã chỉ dùng được một lần, thay cho mã của ứng dụng xác thực.",
            "",
            *new_codes,
            "",
        ]
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ma-khoi-phuc.txt"'
    return response


@require_POST
def codes_regenerate(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_device(request.user):
        messages.error(request, "Hãy bật xác thực hai bước trước.")
        return redirect("account_security")
    request.session[NEW_CODES] = two_factor.new_recovery_codes(request.user)
    messages.success(request, "Đã tạo bộ mã khôi phục mới; các mã cũ không còn dùng được.")
    return redirect(f"{reverse('two_factor_codes')}?{urlencode({'next': reverse('account_security')})}")


@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    if two_factor.is_required(request.user):
        messages.error(request, "Tài khoản của bạn bắt buộc dùng xác thực hai bước.")
    else:
        two_factor.turn_off(request)
        messages.success(request, "Đã tắt xác thực hai bước.")
    return redirect("account_security")


@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enabled": two_factor.has_device(user),
        "required": two_factor.is_required(user),
        "remaining": two_factor.remaining_codes(user),
    }
    return render(request, "account/security.html", context)
