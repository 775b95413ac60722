"""Accounts and sessions: lifetimes, sessions ended when access changes, logout by POST, passwords."""

import datetime
import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from party.accounts.sessions import LOGIN_AT, SEEN_AT, end_sessions_of
from party.models import RoleKind, UnitRole, UserSession
from tests.conftest import log_in, make_user
from tests.party.test_admin import form_data


def is_logged_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def set_session(client, **values) -> None:
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


@pytest.fixture
def staff_client(client, staff, login):
    login(staff)
    assert is_logged_in(client)
    return client


def test_thirty_idle_minutes_end_the_session(staff_client):
    set_session(staff_client, **{SEEN_AT: int(time.time()) - 31 * 60})
    response = staff_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not is_logged_in(staff_client)


def test_activity_keeps_the_session_and_renews_the_cookie(staff_client, settings):
    set_session(staff_client, **{SEEN_AT: int(time.time()) - 29 * 60})
    response = staff_client.get("/")
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    assert staff_client.session[SEEN_AT] >= int(time.time()) - 5


def test_a_session_row_past_its_expiry_is_not_read(staff_client, settings):
    # The row's expiry decides, whatever the session's own timestamps say.
    key = staff_client.session.session_key
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    Session.objects.filter(session_key=key).update(expire_date=past)
    response = staff_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # An unknown key is no better, and the visitor can sign in again afterwards.
    staff_client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert staff_client.get("/").status_code == 302
    Session.objects.filter(session_key=key).update(expire_date=past + datetime.timedelta(hours=1))
    staff_client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert is_logged_in(staff_client)


def test_eight_hours_after_login_the_session_ends_even_if_active(staff_client):
    now = int(time.time())
    set_session(staff_client, **{LOGIN_AT: now - 8 * 3600 - 60, SEEN_AT: now})
    assert not is_logged_in(staff_client)


def test_a_deactivated_account_loses_its_sessions_for_good(staff_client, staff):
    staff.is_active = False
    staff.save()
    assert not Session.objects.filter(session_key=staff_client.session.session_key).exists()
    staff.is_active = True  # reactivation must not revive the old session
    staff.save()
    assert not is_logged_in(staff_client)


def test_an_inactive_account_with_a_live_session_is_signed_out(staff_client, staff):
    # A bulk update sends no signal, so the session stays: the login backend still refuses an
    # inactive account.
    get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    assert Session.objects.filter(session_key=staff_client.session.session_key).exists()
    assert not is_logged_in(staff_client)


def test_an_account_without_roles_is_loaded_by_the_login_backend(client, admin_user, login):
    assert not UnitRole.objects.filter(user=admin_user).exists()
    login(admin_user)
    assert is_logged_in(client)


def test_every_role_of_a_user_comes_with_the_user(client, login, tree):
    # Secretary of cell A and viewer of cell B, nothing in the mass organization.
    user = make_user("hai_vai", RoleKind.SECRETARY, tree["cell_a"])
    UnitRole.objects.create(user=user, unit=tree["cell_b"], role=RoleKind.VIEWER)
    login(user)
    year = datetime.date.today().year
    pages = {name: client.get(reverse("cell_year", args=[tree[name].pk, year])) for name in tree}
    assert {name: page.status_code for name, page in pages.items()} == {
        "committee": 404, "cell_a": 200, "cell_b": 200, "youth": 404
    }  # fmt: skip
    workbook_link = "Tải bảng đăng ký (Excel)"  # for the units the user enters data for
    assert workbook_link in pages["cell_a"].content.decode()
    assert workbook_link not in pages["cell_b"].content.decode()


def test_deactivating_through_admin_ends_the_session(client, staff, admin_user, login):
    from django.test import Client

    staff_client = Client()
    assert log_in(staff_client, staff.username)  # password, then the second factor
    assert is_logged_in(staff_client)
    login(admin_user)
    url = f"/admin/auth/user/{staff.pk}/change/"
    data = form_data(client.get(url), "user_form")
    data.pop("is_active", None)  # untick "Còn hoạt động"
    assert client.post(url, data).status_code == 302
    assert not is_logged_in(staff_client)


def _password() -> str:
    from tests.conftest import PASSWORD

    return PASSWORD


def test_moving_a_role_to_another_unit_ends_the_session(staff_client, staff, tree):
    role = UnitRole.objects.get(user=staff)
    role.unit = tree["cell_b"]
    role.save()
    assert not is_logged_in(staff_client)


def test_another_users_sessions_are_kept(staff_client, secretary_a):
    role = UnitRole.objects.get(user=secretary_a)
    role.role = RoleKind.VIEWER
    role.save()
    assert is_logged_in(staff_client)


def test_logout_is_by_post_only(staff_client):
    assert staff_client.get("/logout/").status_code == 405
    assert is_logged_in(staff_client)
    assert staff_client.post("/logout/").status_code == 302
    assert not is_logged_in(staff_client)


def test_passwords_shorter_than_twelve_characters_are_refused(client, staff, login):
    login(staff)
    short = "Qx7#pLm2wZ9"  # 11 characters
    response = client.post(
        "/password/",
        {"old_password": _password(), "new_password1": short, "new_password2": short},
    )
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in response.content.decode()
    assert get_user_model().objects.get(pk=staff.pk).check_password(_password())
    longer = short + "!"
    response = client.post(
        "/password/",
        {"old_password": _password(), "new_password1": longer, "new_password2": longer},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=staff.pk).check_password(longer)


def test_unknown_user_and_wrong_password_get_the_same_answer(client, staff):
    def error_of(username: str) -> str:
        page = client.post("/login/", {"username": username, "password": "sai-mat-khau-roi"}).content.decode()
        return page.split('class="errors"')[1].split("</div>")[0]

    assert error_of(staff.username) == error_of("khong-co-ai")
    assert "mật khẩu chính xác" in error_of("khong-co-ai")


def deactivate_in_bulk(user, active: bool = False) -> None:
    """A deactivation (or reactivation) that sends no signal, as from the shell or a script."""
    get_user_model().objects.filter(pk=user.pk).update(is_active=active)


def test_a_session_refused_after_a_bulk_deactivation_does_not_return_on_reactivation(staff_client, staff):
    deactivate_in_bulk(staff)
    assert not is_logged_in(staff_client)
    deactivate_in_bulk(staff, active=True)
    assert not is_logged_in(staff_client)
    assert not Session.objects.filter(session_key=staff_client.session.session_key).exists()


def test_the_nightly_cleanup_ends_sessions_of_accounts_deactivated_in_bulk(staff_client, staff, secretary_a):
    other = Client()
    assert log_in(other, secretary_a.username)
    deactivate_in_bulk(staff)  # and no request from that session before the reactivation
    call_command("nightly_cleanup", stdout=io.StringIO())
    deactivate_in_bulk(staff, active=True)
    assert not is_logged_in(staff_client)
    assert is_logged_in(other)  # an active account keeps its session


def test_reactivating_in_admin_ends_a_session_left_by_a_bulk_deactivation(staff_client, staff, admin_user):
    deactivate_in_bulk(staff)  # no request from that session before the reactivation
    admin = Client()
    assert log_in(admin, admin_user.username)
    url = f"/admin/auth/user/{staff.pk}/change/"
    data = form_data(admin.get(url), "user_form")
    data["is_active"] = ["on"]  # tick "Còn hoạt động"
    assert admin.post(url, data).status_code == 302
    assert get_user_model().objects.get(pk=staff.pk).is_active
    assert not is_logged_in(staff_client)


def test_a_new_session_key_after_a_password_change_still_belongs_to_the_account(staff_client, staff):
    key = staff_client.session.session_key
    new_password = "mot-mat-khau-moi-2026"
    response = staff_client.post(
        "/password/",
        {"old_password": _password(), "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302 and is_logged_in(staff_client)
    assert staff_client.session.session_key != key  # Django gives the session a new key
    staff.refresh_from_db()
    staff.is_active = False
    staff.save()
    assert not Session.objects.filter(session_key=staff_client.session.session_key).exists()
    staff.is_active = True
    staff.save()
    assert not is_logged_in(staff_client)


def test_ending_an_accounts_sessions_is_one_delete_whatever_the_other_sessions(
    staff_client, staff, secretary_a, secretary_b, django_assert_num_queries
):
    others = [Client() for _ in range(3)]
    for other, user in zip(others, [secretary_a, secretary_b, secretary_a], strict=True):
        assert log_in(other, user.username)
    second = Client()
    assert log_in(second, staff.username)  # a second browser of the same account
    with django_assert_num_queries(1):  # DELETE the sessions whose UserSession names the account
        assert end_sessions_of([staff.pk]) == 2
    assert not is_logged_in(staff_client) and not is_logged_in(second)
    assert all(is_logged_in(other) for other in others)


def test_logout_and_expiry_take_the_sessions_account_record_with_them(staff_client, secretary_a):
    other = Client()
    assert log_in(other, secretary_a.username)
    assert UserSession.objects.count() == 2
    other.post("/logout/")
    assert list(UserSession.objects.values_list("user__username", flat=True)) == ["canbo"]
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    Session.objects.filter(session_key=staff_client.session.session_key).update(expire_date=past)
    call_command("nightly_cleanup", stdout=io.StringIO())  # clearsessions: expired rows go
    assert not Session.objects.exists() and not UserSession.objects.exists()
