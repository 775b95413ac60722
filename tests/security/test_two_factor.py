"""Two-factor sign-in through the real pages: password form, code page, enrolment, recovery codes."""

import base64
import importlib
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from party.models import RoleKind
from tests.conftest import (
    PASSWORD,
    code_for_secret,
    current_code,
    give_device,
    log_in,
    make_user,
    wait_for_a_fresh_step,
)

VERIFY = reverse("two_factor_verify")
ENROL = reverse("two_factor_enrol")


def password_step(client, user, url: str = reverse("login")) -> None:
    """Only the password form, as a person types it."""
    client.logout()
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == user


def redirect_of(client, url: str) -> str:
    response = client.get(url)
    return response["Location"] if response.status_code == 302 else str(response.status_code)


def code_from_secret(secret: str) -> str:
    return code_for_secret(secret)


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that none of the accepted time steps (now, one before, one after) produce."""
    accepted = {f"{totp(device.bin_key, drift=d):06d}" for d in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1, 10) if f"{n:06d}" not in accepted)


def enrol(client) -> list[str]:
    """Enrol through the enrolment page with a code computed from the shown secret; returns the
    recovery codes shown once."""
    html = client.get(ENROL).content.decode()
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    response = client.post(ENROL, {"code": code_from_secret(secret)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_codes"))
    html = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", html)
    assert len(codes) == 10
    return codes


def test_staff_without_device_must_enrol_before_anything_else(client, staff):
    password_step(client, staff)
    for url in [reverse("home"), reverse("password_change"), reverse("report"), reverse("account_security")]:
        assert redirect_of(client, url).startswith(f"{ENROL}?next=")
    assert redirect_of(client, VERIFY).startswith(ENROL)  # no device yet: nothing to verify
    assert client.get(reverse("health")).status_code == 200  # the monitor's page stays public

    html = client.get(ENROL).content.decode()
    assert "phải dùng xác thực hai bước" in html
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    assert base64.b64decode(qr).lstrip().startswith(b"<?xml") or b"<svg" in base64.b64decode(qr)
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert client.get(ENROL).content.decode().count(secret) == 1  # a reload keeps the same secret

    # A wrong first code: nothing counts yet.
    bad = "000000" if code_from_secret(secret) != "000000" else "111111"
    response = client.post(ENROL, {"code": bad})
    assert "Mã không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert redirect_of(client, reverse("home")).startswith(ENROL)

    response = client.post(f"{ENROL}?next=/report/", {"code": code_from_secret(secret), "next": "/report/"})
    assert TOTPDevice.objects.get(user=staff).confirmed
    codes_page = response["Location"]
    html = client.get(codes_page).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", html)
    assert len(set(codes)) == 10
    download = client.get(reverse("two_factor_codes_download"))
    assert download["Content-Disposition"] == 'attachment; filename="ma-khoi-phuc.txt"'
    assert all(code in download.content.decode() for code in codes)
    response = client.post(codes_page, {"next": "/report/"})
    assert response["Location"] == "/report/"
    # Shown once: gone from the page and the download after "saved".
    assert not re.findall(r"<li><code>", client.get(reverse("two_factor_codes")).content.decode())
    assert client.get(reverse("two_factor_codes_download")).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_later_logins_ask_for_the_code_and_refuse_wrong_and_reused_ones(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    device = give_device(staff)
    password_step(client, staff)
    assert redirect_of(client, reverse("home")) == f"{VERIFY}?next=%2F"
    # With only the password, the device cannot be replaced.
    assert redirect_of(client, ENROL).startswith(VERIFY)

    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert "Mã không đúng, đã hết hạn hoặc đã được dùng" in response.content.decode()
    assert redirect_of(client, reverse("home")).startswith(VERIFY)

    code = current_code(device)
    response = client.post(VERIFY, {"code": code, "next": "/report/"})
    assert response["Location"] == "/report/"
    assert client.get(reverse("home")).status_code == 200

    # The same code again, in a new login: refused (django-otp keeps the last time step used).
    client.post(reverse("logout"))
    password_step(client, staff)
    response = client.post(VERIFY, {"code": code})
    assert "đã được dùng" in response.content.decode()
    assert redirect_of(client, reverse("home")).startswith(VERIFY)


def test_wrong_codes_make_the_next_try_wait(client, staff):
    device = give_device(staff)
    password_step(client, staff)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": current_code(device)})
    assert "Bạn đã nhập sai nhiều lần. Hãy chờ" in response.content.decode()
    assert redirect_of(client, reverse("home")).startswith(VERIFY)


def test_a_recovery_code_works_once(client, staff):
    password_step(client, staff)
    codes = enrol(client)
    client.post(reverse("logout"))

    password_step(client, staff)
    response = client.post(VERIFY, {"code": codes[3].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "còn 9 mã" in response.content.decode()

    client.post(reverse("logout"))
    password_step(client, staff)
    response = client.post(VERIFY, {"code": codes[3]})
    assert "Mã không đúng" in response.content.decode()
    assert redirect_of(client, reverse("home")).startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, secretary_a):
    assert log_in(client, secretary_a.username)
    old = enrol(client)
    response = client.post(reverse("two_factor_codes_regenerate"), follow=True)
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10
    kept = StaticToken.objects.filter(device__user=secretary_a).values_list("token", flat=True)
    assert set(kept) == set(new)
    assert not set(old) & set(new)


def test_secretaries_may_enrol_and_are_then_asked(client, secretary_a):
    password_step(client, secretary_a)
    assert client.get(reverse("home")).status_code == 200
    html = client.get(reverse("account_security")).content.decode()
    assert "Chưa bật" in html
    assert f'href="{reverse("account_security")}"' in client.get(reverse("home")).content.decode()

    enrol(client)
    assert "Đang bật" in client.get(reverse("account_security")).content.decode()
    client.post(reverse("logout"))
    password_step(client, secretary_a)
    assert redirect_of(client, reverse("home")).startswith(VERIFY)
    assert pass_code(client, secretary_a)

    # Optional for them: they may turn it off again.
    client.post(reverse("two_factor_off"))
    assert not TOTPDevice.objects.filter(user=secretary_a).exists()
    client.post(reverse("logout"))
    password_step(client, secretary_a)
    assert client.get(reverse("home")).status_code == 200


def pass_code(client, user) -> bool:
    # The enrolment spent this time step's code and only the current step is accepted: a person
    # waits for the app's next code; the test forgets the spent step instead.
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(VERIFY, {"code": current_code(device)})
    return response.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_staff_may_not_turn_it_off(client, staff):
    assert log_in(client, staff.username)
    client.post(reverse("two_factor_off"))
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_admin_needs_the_second_factor(client, admin_user):
    admin_login = reverse("admin:login")
    password_step(client, admin_user, admin_login)
    assert redirect_of(client, reverse("admin:index")).startswith(ENROL)
    device = give_device(admin_user)
    client.post(reverse("logout"))

    password_step(client, admin_user, admin_login)
    assert redirect_of(client, reverse("admin:index")).startswith(f"{VERIFY}?next=%2Fadmin%2F")
    assert redirect_of(client, reverse("admin:party_unit_changelist")).startswith(VERIFY)
    response = client.post(VERIFY, {"code": current_code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_resets_a_users_devices(client, staff, admin_user, django_capture_on_commit_callbacks):
    from django.test import Client

    assert log_in(client, staff.username)
    device = TOTPDevice.objects.get(user=staff)
    admin = Client()
    assert log_in(admin, admin_user.username)
    index = admin.get(reverse("admin:index")).content.decode()
    assert "Xác thực hai bước — ứng dụng trên điện thoại" in index
    assert "Thiết bị xác thực (xóa để đăng ký lại)" in index
    changelist = admin.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert staff.username in changelist
    assert device.key not in changelist  # admin resets devices, it never shows their secrets
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # The reset ends the owner's sessions; the next login asks for a new enrolment.
    assert redirect_of(client, reverse("home")).startswith(reverse("login"))
    password_step(client, staff)
    assert redirect_of(client, reverse("home")).startswith(ENROL)


@pytest.mark.parametrize("required", [True, False])
def test_the_switch_for_small_installs(client, staff, settings, required):
    settings.OTP_REQUIRED_FOR_STAFF = required
    password_step(client, staff)
    assert redirect_of(client, reverse("home")).startswith(ENROL) == required


def test_a_session_made_superuser_is_asked_to_enrol(client, secretary_a):
    assert log_in(client, secretary_a.username)
    assert client.get(reverse("home")).status_code == 200
    secretary_a.is_superuser = True  # another administrator promotes the account
    secretary_a.save()
    assert redirect_of(client, reverse("home")).startswith(ENROL)


def test_only_the_current_time_steps_code_is_accepted(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    device = give_device(staff)  # saved with django-otp's default tolerance of one step
    password_step(client, staff)
    for step in (-1, 1):  # the code of 30 seconds ago, and the next one
        wait_for_a_fresh_step()  # so the step does not turn between the code and the check
        response = client.post(VERIFY, {"code": f"{totp(device.bin_key, drift=step):06d}"})
        assert "Mã không đúng, đã hết hạn hoặc đã được dùng" in response.content.decode()
        assert redirect_of(client, reverse("home")).startswith(VERIFY)
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_devices_enrolled_before_the_change_accept_only_the_current_step(client, staff, settings):
    from django.apps import apps

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_device(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(tolerance=1)  # as django-otp enrolled them
    migration = importlib.import_module("party.migrations.0009_initial_password_totp_tolerance")
    migration.current_step_only(apps, None)
    password_step(client, staff)
    wait_for_a_fresh_step()
    response = client.post(VERIFY, {"code": f"{totp(device.bin_key, drift=-1):06d}"})
    assert "Mã không đúng" in response.content.decode()
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (RoleKind.VIEWER, "committee"),
        (RoleKind.SECRETARY, "committee"),
        (RoleKind.VIEWER, "youth"),  # a mass organization is not a cell either
    ],
)
def test_viewers_and_secretaries_above_a_single_cell_must_enrol(client, tree, role, unit):
    user = make_user("pham_vi_rong", role, tree[unit])
    password_step(client, user)
    assert redirect_of(client, reverse("home")).startswith(ENROL)
    assert "phải dùng xác thực hai bước" in client.get(ENROL).content.decode()


@pytest.mark.parametrize("role", [RoleKind.VIEWER, RoleKind.SECRETARY])
def test_a_single_cells_viewer_or_secretary_needs_no_second_factor(client, tree, role):
    user = make_user("mot_chi_bo", role, tree["cell_a"])
    password_step(client, user)
    assert client.get(reverse("home")).status_code == 200
