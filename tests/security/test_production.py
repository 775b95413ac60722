"""Production settings: Django's deploy checks pass, and every page carries the security headers.

The suite runs with SECURE_COOKIES=false (plain HTTP test client); here the HTTPS settings of a
production server are put back and checked, through the same middleware a visitor meets.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD, pass_second_factor

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Gq2Lr9Vb4Nw8Ht1Yk6Zp3Ms5Dc0Fj-Ua7Ie2Ro9Wt4Qx1Kl6Bn3Vg8Hy5Tz0Pe",
    "ALLOWED_HOSTS": "dangbo.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dangbo.example.vn",
    "BEHIND_PROXY": "true",
    "DATABASE_URL": "sqlite://:memory:",
}


def test_deploy_checks_pass_under_production_settings():
    # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    ignored = ("SECURE_COOKIES", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env |= PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def https(settings):
    """The HTTPS settings config/settings.py gives a production server."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    return Client(enforce_csrf_checks=True)


def log_in(client, username: str) -> None:
    page = client.get("/login/", secure=True)
    token = client.cookies["__Host-csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(
        "/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        headers={"referer": "https://testserver/login/"},  # browsers send it; CSRF over HTTPS wants it
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert pass_second_factor(client, response.wsgi_request.user, secure=True)


def assert_secure_headers(response, url: str) -> None:
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert "no-store" in response["Cache-Control"], url


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_every_kind_of_page_carries_the_security_headers(https, tree, people, staff):
    client = https
    login_page = client.get("/login/", secure=True)
    assert_secure_headers(login_page, "/login/")
    log_in(client, staff.username)
    cookie = client.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
    assert client.cookies["__Host-csrftoken"]["secure"]
    member = people["an"]
    year = 2025
    for url in [
        "/",
        f"/units/{tree['committee'].pk}/",
        f"/members/{member.pk}/",
        f"/cells/{tree['cell_a'].pk}/{year}/",
        f"/progress/{tree['committee'].pk}/{year}/",
        "/work/",
        "/meetings/",
        "/awards/",
        "/import/",
        f"/reports/?unit={tree['committee'].pk}&span_choice=term",
        f"/reports/print/?unit={tree['committee'].pk}&year_from=2021&year_to=2025",
        "/no-such-page/",
    ]:
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert_secure_headers(response, url)
        assert not EXTERNAL.search(response.content.decode()), f"{url} loads something from elsewhere"


def test_plain_http_is_sent_to_https(https, db):
    response = https.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_the_health_check_needs_no_login_and_reports_the_database(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.urls("tests.security.urls_crash")
def test_an_error_shows_a_plain_vietnamese_page(client, staff, login):
    login(staff)
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã có lỗi hệ thống" in page
    for leak in ("Traceback", "RuntimeError", "/work/", "SELECT", "party_member"):
        assert leak not in page
