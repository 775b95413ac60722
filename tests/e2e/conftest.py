"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Later features add their flows as tests in this folder and reuse `page` and `logged_in`.
"""

import os
import shutil

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from party.accounts import two_factor
from tests.conftest import PASSWORD, current_code, give_device

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    ours = [item for item in items if str(item.fspath).startswith(here)]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if ours and not chromium_available():
        if os.environ.get("CI") == "true":
            raise pytest.UsageError(f"CI=true but no chromium at {CHROMIUM}: .ci/run must install it.")
        skip = pytest.mark.skip(reason=f"NOTICE: no chromium at {CHROMIUM}; browser tests skipped")
        for item in ours:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-quic",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def csp_violations(page):
    """Console messages about the Content-Security-Policy; a test asserts the list stays empty."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


@pytest.fixture
def logged_in(page, live_server):
    """Log a persona in through the real login form and return the page."""

    def _login(user):
        # Staff and superusers must pass the second factor: they get an authenticator device
        # and type its current code on the real code page.
        device = None
        if two_factor.is_required(user):
            device = two_factor.app_devices(user).first() or give_device(user)
            TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        if device is not None:
            page.wait_for_url(f"{live_server.url}/account/two-factor/verify/**")
            page.get_by_label("Mã xác thực").fill(current_code(device))
            page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Live-server tests flush the database after each test, data migrations' rows included:
    put the seeded reference data (rating rules, award forms and issuers, themes) back."""
    from importlib import import_module

    from django.apps import apps

    for migration in (
        "pledges.migrations.0002_seed_rating_scales",
        "pledges.migrations.0005_seed_award_reference_data",
    ):
        import_module(migration).seed(apps, None)
