"""Initial passwords set by an administrator: replaced at the first login, expired when unused.

Everything through the real pages: the admin's add and "đặt lại mật khẩu" forms, the login form,
the password page, the second factor.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from party.models import InitialPassword, RoleKind, UnitRole
from tests.conftest import PASSWORD, current_code, give_device, log_in, pass_second_factor
from tests.party.test_admin import form_data

INITIAL = "mat-khau-ban-dau-do-quan-tri-cap"
OWN = "mat-khau-rieng-cua-toi-2026"
PASSWORD_PAGE = reverse("password_change")


@pytest.fixture
def admin(admin_user) -> Client:
    client = Client()
    assert log_in(client, admin_user.username)
    return client


def add_in_admin(admin: Client, username: str, password: str = INITIAL):
    url = reverse("admin:auth_user_add")
    data = form_data(admin.get(url), "user_form")
    data.update(username=[username], password1=[password], password2=[password], usable_password=["true"])
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return get_user_model().objects.get(username=username)


def reset_in_admin(admin: Client, user, password: str = INITIAL) -> None:
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = form_data(admin.get(url), "user_form")
    data.update(password1=[password], password2=[password])
    assert admin.post(url, data).status_code == 302


def password_step(client: Client, username: str, password: str = INITIAL, url: str = reverse("login")):
    client.logout()
    return client.post(url, {"username": username, "password": password})


def redirect_of(client: Client, url: str) -> str:
    response = client.get(url)
    return response["Location"] if response.status_code == 302 else str(response.status_code)


def set_own_password(client: Client, old: str = INITIAL, new: str = OWN, next_page: str = ""):
    data = {"old_password": old, "new_password1": new, "new_password2": new, "next": next_page}
    return client.post(PASSWORD_PAGE, data)


def test_a_password_given_on_the_admin_add_form_must_be_replaced_before_anything_else(client, admin, tree):
    user = add_in_admin(admin, "bithu_moi")
    UnitRole.objects.create(user=user, unit=tree["cell_a"], role=RoleKind.SECRETARY)

    assert password_step(client, "bithu_moi").status_code == 302
    names = ["home", "report", "account_security", "two_factor_enrol", "admin:index"]
    for url in map(reverse, names):
        assert redirect_of(client, url).startswith(f"{PASSWORD_PAGE}?next=")
    page = client.get(PASSWORD_PAGE).content.decode()
    assert "Đặt mật khẩu mới" in page and "do quản trị hệ thống cấp" in page
    assert client.get(reverse("health")).status_code == 200

    # The initial password again is no new password.
    response = set_own_password(client, new=INITIAL)
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.content.decode()
    assert redirect_of(client, reverse("home")).startswith(PASSWORD_PAGE)

    response = set_own_password(client, next_page="/reports/")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert client.get(reverse("home")).status_code == 200
    assert not InitialPassword.objects.filter(user=user).exists()

    # The next login goes straight in with the new password; the initial one is gone.
    assert password_step(client, "bithu_moi", OWN).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert password_step(client, "bithu_moi").status_code == 200


def test_the_new_password_comes_before_enrolling_the_second_factor(client, admin, tree):
    user = add_in_admin(admin, "canbo_moi")
    UnitRole.objects.create(user=user, unit=tree["committee"], role=RoleKind.STAFF)
    password_step(client, "canbo_moi")
    assert redirect_of(client, reverse("two_factor_enrol")).startswith(PASSWORD_PAGE)
    response = set_own_password(client)
    assert response.status_code == 302
    assert redirect_of(client, reverse("home")).startswith(reverse("two_factor_enrol"))
    assert pass_second_factor(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_a_password_reset_in_admin_is_an_initial_one_too(client, admin, staff):
    """An account that already has a device types its code first: a reset password alone cannot
    become the owner's password. Then the new password, before anything else."""
    device = give_device(staff)
    reset_in_admin(admin, staff)
    password_step(client, staff.username)
    assert redirect_of(client, reverse("home")).startswith(reverse("two_factor_verify"))
    assert redirect_of(client, PASSWORD_PAGE).startswith(reverse("two_factor_verify"))
    assert set_own_password(client).status_code == 302
    assert InitialPassword.objects.filter(user=staff).exists()  # refused: no code yet
    assert client.post(reverse("two_factor_verify"), {"code": current_code(device)}).status_code == 302
    assert redirect_of(client, reverse("home")).startswith(PASSWORD_PAGE)
    assert set_own_password(client).status_code == 302
    assert not InitialPassword.objects.filter(user=staff).exists()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("login_url", [reverse("login"), reverse("admin:login")])
def test_an_unused_initial_password_expires_after_the_configured_days(client, admin, settings, login_url):
    settings.INITIAL_PASSWORD_MAX_AGE_DAYS = 3
    user = add_in_admin(admin, "cham_dang_nhap")
    user.is_staff = True  # so the admin site's own login would let it in
    user.save()
    now = datetime.datetime.now(datetime.UTC)
    InitialPassword.objects.filter(user=user).update(set_at=now - datetime.timedelta(days=2, hours=23))
    assert password_step(client, user.username, url=login_url).status_code == 302
    assert redirect_of(client, reverse("home")).startswith(PASSWORD_PAGE)

    InitialPassword.objects.filter(user=user).update(set_at=now - datetime.timedelta(days=3, minutes=1))
    response = password_step(client, user.username, url=login_url)
    assert response.status_code == 200
    assert "Mật khẩu ban đầu do quản trị hệ thống cấp đã hết hạn (chỉ dùng được trong 3 ngày)" in (
        response.content.decode()
    )
    assert not response.wsgi_request.user.is_authenticated
    # Only someone who typed it right learns that: a wrong password gets the usual answer.
    wrong = password_step(client, user.username, "khong-phai-mat-khau", url=login_url).content.decode()
    assert "hết hạn" not in wrong

    # A new initial password from the administrator starts a new period.
    reset_in_admin(admin, user)
    assert password_step(client, user.username, url=login_url).status_code == 302


def test_a_password_the_owner_sets_is_not_an_initial_one(client, secretary_a, login):
    login(secretary_a)
    assert set_own_password(client, old=PASSWORD).status_code == 302
    assert not InitialPassword.objects.exists()
    assert password_step(client, secretary_a.username, OWN).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_setting_their_own_password_on_the_admin_site_makes_it_theirs(admin, admin_user):
    InitialPassword.objects.create(user=admin_user)  # as if another administrator had set it
    url = reverse("admin:password_change")
    data = {"old_password": PASSWORD, "new_password1": OWN, "new_password2": OWN}
    assert admin.post(url, data).status_code == 302
    assert not InitialPassword.objects.exists()
