"""Login lockout (django-axes): 5 wrong passwords lock one username from one address for 15 minutes."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core import checks
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from config.client_ip import forwarded_client_ip
from tests.conftest import PASSWORD, log_in, make_user

WRONG = "mat-khau-sai"
# Django's own Vietnamese message for a wrong username or password.
INVALID_LOGIN = "Vui lòng điền vào"
LOCKED = "Tài khoản tạm thời bị khóa"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def attempt(client: Client, username: str, password: str = WRONG, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, **extra) -> None:
    """Wrong passwords that are still answered by the normal login form."""
    for _ in range(times):
        response = attempt(client, username, **extra)
        assert response.status_code == 200
        assert INVALID_LOGIN in response.content.decode()
        assert LOCKED not in response.content.decode()


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "thử lại sau 15 phút" in page
    assert "liên hệ quản trị hệ thống" in page
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.fixture
def user(db):
    return make_user("bithu_khoa")


@pytest.fixture
def colleague(db):
    return make_user("bithu_ban")


def test_four_wrong_passwords_keep_the_normal_form_message(client, user):
    fail(client, user.username, 4)
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 4
    assert log_in(client, user.username)


def test_the_fifth_wrong_password_locks_out_with_a_vietnamese_page(client, user):
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))


def test_the_right_password_is_refused_during_the_lockout(client, user):
    fail(client, user.username, 4)
    attempt(client, user.username)
    response = attempt(client, user.username, PASSWORD)
    assert_locked_out(response)
    assert not response.wsgi_request.user.is_authenticated
    assert not log_in(client, user.username)
    assert not AccessLog.objects.filter(username=user.username).exists()


def test_the_lockout_page_follows_the_content_security_policy(client, user):
    fail(client, user.username, 4)
    response = attempt(client, user.username)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_STYLE.search(page)
    assert f"“{user.username}”" in page
    assert "5 lần" in page


def test_another_user_from_the_same_address_is_not_locked(client, user, colleague):
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))
    fail(client, colleague.username, 1)
    assert log_in(client, colleague.username)


def test_the_same_user_from_another_address_is_not_locked(client, user):
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    fail(elsewhere, user.username, 1)
    assert log_in(elsewhere, user.username)


def test_the_lock_lifts_after_fifteen_minutes(client, user):
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))
    record = AccessAttempt.objects.get(username=user.username)
    # Time travel: the last failure happened 14 minutes ago, still locked.
    record.attempt_time -= datetime.timedelta(minutes=14)
    record.save(update_fields=["attempt_time"])
    assert_locked_out(attempt(client, user.username, PASSWORD))
    # Tries during the lockout did not restart it: one more minute and it is over.
    record.attempt_time -= datetime.timedelta(minutes=1, seconds=1)
    record.save(update_fields=["attempt_time"])
    assert log_in(client, user.username)


def test_the_lock_lifts_with_a_wrong_password_answered_normally(client, user):
    fail(client, user.username, 4)
    attempt(client, user.username)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    fail(client, user.username, 1)
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1


def test_a_successful_login_resets_the_count(client, user):
    fail(client, user.username, 4)
    assert log_in(client, user.username)
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert AccessLog.objects.filter(username=user.username).exists()
    client.logout()
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))


def test_the_admin_login_is_locked_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": admin_user.username, "password": WRONG})
        assert response.status_code == 200
    response = client.post(url, {"username": admin_user.username, "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    for _ in range(5):
        response = client.post(url, {"username": admin_user.username, "password": WRONG})
    assert_locked_out(response)


def test_the_admin_lists_access_attempts_and_logins(client, user, admin_user):
    fail(client, user.username, 2)
    admin = Client()
    assert log_in(admin, admin_user.username)
    response = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert user.username in page
    assert "127.0.0.1" in page
    assert "Lượt đăng nhập sai" in page
    assert "Khóa đăng nhập" in page
    assert "lần thử còn lại" in page
    record = AccessAttempt.objects.get(username=user.username)
    assert admin.get(reverse("admin:axes_accessattempt_change", args=[record.pk])).status_code == 200
    logins = admin.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert admin_user.username in logins
    assert (
        reverse("admin:axes_accessattempt_changelist") in admin.get(reverse("admin:index")).content.decode()
    )


def test_an_admin_can_unlock_by_deleting_the_attempt(client, user, admin_user):
    fail(client, user.username, 4)
    assert_locked_out(attempt(client, user.username))
    admin = Client()
    assert log_in(admin, admin_user.username)
    record = AccessAttempt.objects.get(username=user.username)
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[record.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert log_in(client, user.username)


def test_axes_reports_no_configuration_warnings(db):
    assert [message for message in checks.run_checks() if message.id.startswith("axes.")] == []


# --- behind the proxy ------------------------------------------------------------------------------


def forwarded(header: str | None, remote: str = "127.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if header is not None:
        extra["HTTP_X_FORWARDED_FOR"] = header
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "127.0.0.1"),
        ("203.0.113.7", "203.0.113.7"),
        # The client may send its own header; the proxy appends the address it saw.
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),
        ("1.2.3.4,10.1.2.3", "10.1.2.3"),
        ("2001:db8::1", "2001:db8::1"),
        ("203.0.113.7, not-an-address", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_forwarded_client_ip_takes_the_proxys_entry(header, expected):
    assert forwarded_client_ip(forwarded(header)) == expected


@override_settings(AXES_CLIENT_IP_CALLABLE="config.client_ip.forwarded_client_ip")
def test_behind_the_proxy_each_client_address_is_locked_separately(user):
    office_a = Client(HTTP_X_FORWARDED_FOR="10.0.0.5")
    office_b = Client(HTTP_X_FORWARDED_FOR="10.0.0.6")
    fail(office_a, user.username, 4)
    assert_locked_out(attempt(office_a, user.username))
    # A client cannot escape by adding its own X-Forwarded-For: the proxy's entry comes last.
    assert_locked_out(attempt(office_a, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.5"))
    assert log_in(office_b, user.username)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.5"}
