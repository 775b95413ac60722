"""Shared personas and a small unit tree, built through the public model API.

The tree:            DB  (Đảng bộ Sở, grassroots committee)
                    /  \\
                  CBA   CBB   (cells)       ĐTN (mass organization under DB)
Personas: staff (committee staff of DB), secretary_a (of CBA), secretary_b (of CBB),
viewer (viewer of DB), admin (superuser), outsider (no role).
"""

import base64
import contextlib
import datetime
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.test import Client, TestCase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from party.accounts import two_factor
from party.models import Gender, Member, Membership, PartyStatus, RoleKind, Unit, UnitKind, UnitRole

PASSWORD = "mat-khau-thu-nghiem-2026"


def make_unit(code: str, parent: Unit | None = None, kind: str = UnitKind.CELL, **fields) -> Unit:
    data = {"code": code, "short_name": fields.pop("short_name", f"Đơn vị {code}"), "kind": kind, **fields}
    data.setdefault("name", data["short_name"])
    return Unit.objects.add_child(parent, data) if parent else Unit.objects.add_root(data)


def make_member(unit: Unit, full_name: str, **fields) -> Member:
    fields.setdefault("gender", Gender.MALE)
    fields.setdefault("birth_date", datetime.date(1985, 1, 1))
    fields.setdefault("party_status", PartyStatus.FULL)
    return Member.objects.create(unit=unit, full_name=full_name, **fields)


def make_user(username: str, role: str | None = None, unit: Unit | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    if role:
        UnitRole.objects.create(user=user, unit=unit, role=role)
    return user


def delete_demo() -> None:
    """Every unit, person and record, for tests that rebuild the demo in the same database (the
    report's summary tables follow when the demo is built again: seed_demo rebuilds them)."""
    from pledges.demo.recognition import delete_records
    from pledges.models import Plan, Pledge

    delete_records()  # the work records protect people and units
    for model in (Pledge, Plan, Membership, Member, Unit):
        model._base_manager.all().delete()


# Open `django_capture_on_commit_callbacks` blocks: inside one, the test decides when callbacks run.
_capturing = 0


@contextlib.contextmanager
def capture_on_commit_callbacks(*, using: str = DEFAULT_DB_ALIAS, execute: bool = False):
    """`TestCase.captureOnCommitCallbacks`, noting that a test captures callbacks itself."""
    global _capturing
    _capturing += 1
    try:
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
            yield callbacks
    finally:
        _capturing -= 1


class CommittingClient(Client):
    """The test client, with each request's `transaction.on_commit()` callbacks run when it ends,
    as they run after the request's commit in production (the report's summary tables are
    refreshed that way: reports/signals.py). pytest-django keeps each test in one transaction
    that never commits, so without this they would never run. Inside a test's own
    `django_capture_on_commit_callbacks` block the test runs them: Django would run them twice."""

    def request(self, **request):
        if _capturing:
            return super().request(**request)
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


def log_in(client, username: str, password: str = PASSWORD) -> bool:
    """Log in through the login form, as a person does; True when the client is now that user.

    django-axes (login lockout) needs the request in `authenticate()`, so the test client's
    `login()` fails with AxesBackendRequestParameterRequired; `force_login()` would skip the
    password check. Users who must use two-factor sign-in (staff, superusers) are given an
    authenticator device first and type its current code on the real code page.
    """
    client.logout()
    user = get_user_model().objects.filter(username=username).first()
    if user is not None and two_factor.is_required(user) and not two_factor.has_device(user):
        give_device(user)
    response = client.post(reverse("login"), {"username": username, "password": password})
    if not (response.status_code == 302 and response.wsgi_request.user.get_username() == username):
        return False
    return pass_second_factor(client, user)


def give_device(user) -> TOTPDevice:
    """A confirmed authenticator device, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True)


def current_code(device: TOTPDevice, wait: bool = True) -> str:
    """The code the authenticator app shows now. Only the current 30-second step's code is
    accepted, so with `wait` a code is never handed out in the last 3 seconds of its step (it
    could turn before the request is served): the step turns first, as a person would wait."""
    if wait:
        wait_for_a_fresh_step()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def code_for_secret(secret: str) -> str:
    """The current code of an authenticator set up with this base32 secret (the enrolment page's)."""
    wait_for_a_fresh_step()
    return f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"


def wait_for_a_fresh_step(margin: float = 3) -> None:
    if (remaining := 30 - time.time() % 30) < margin:
        time.sleep(remaining + 0.05)


def pass_second_factor(client, user, secure: bool = False) -> bool:
    """Complete the second step the session asks for, on the real pages: type the device's
    current code, or enrol with a code computed from the secret the enrolment page shows.

    The device's last used time step is cleared first: a test may log the same persona in
    several times within one 30-second step, and a code is accepted only once. Only the current
    step's code is accepted, so a code computed just before the step turns is typed again with
    the new step's code, as a person would. The form's CSRF token is sent too, for clients that
    enforce it (over HTTPS, with the referer browsers send).
    """
    for _attempt in range(2):
        started_in = int(time.time()) // 30
        done = _type_code(client, user, secure)
        if done is None:  # no code asked for
            return True
        if done or int(time.time()) // 30 == started_in:
            return done
        # The step turned while the code was on its way: the device throttles a wrong code.
        TOTPDevice.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
    return False


def _type_code(client, user, secure: bool) -> bool | None:
    """True when the code was accepted, False when refused, None when no code is asked for."""
    step = client.session.get(two_factor.STATE)
    if step == two_factor.VERIFY:
        device = two_factor.app_devices(user).first()
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        url, code = reverse("two_factor_verify"), current_code(device, wait=False)
    elif step == two_factor.ENROL:
        url = reverse("two_factor_enrol")
        page = client.get(url, secure=secure).content.decode()
        secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page).group(1)
        code = f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"
    else:
        return None
    data = {"code": code}
    if settings.CSRF_COOKIE_NAME in client.cookies:
        data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    headers = {"referer": "https://testserver/login/"} if secure else {}
    response = client.post(url, data, secure=secure, headers=headers)
    return response.status_code == 302 and client.session.get(two_factor.STATE) == two_factor.DONE


def force_login_verified(client, user) -> None:
    """`force_login` for scripts that measure pages, not sign-in (tests/bench.py): the session is
    marked as past the second factor."""
    device = two_factor.app_devices(user).first() or give_device(user)
    client.force_login(user)
    session = client.session
    session[two_factor.STATE] = two_factor.DONE
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what django_otp.login() records
    session.save()


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    committee = make_unit("DB", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Sở")
    return {
        "committee": committee,
        "cell_a": make_unit("CBA", committee, short_name="Chi bộ A"),
        "cell_b": make_unit("CBB", committee, short_name="Chi bộ B"),
        "youth": make_unit("DTN", committee, kind=UnitKind.MASS_ORGANIZATION, short_name="Đoàn Thanh niên"),
    }


@pytest.fixture
def people(tree) -> dict[str, Member]:
    return {
        "an": make_member(tree["cell_a"], "Nguyễn Văn An", party_card_number="1001"),
        "binh": make_member(tree["cell_a"], "Trần Thị Bình", gender=Gender.FEMALE, is_leader=True),
        "cuong": make_member(tree["cell_b"], "Lê Văn Cường", party_card_number="2001"),
        "dung": make_member(tree["cell_b"], "Phạm Thị Dung", party_status=PartyStatus.NONE),
    }


@pytest.fixture
def staff(tree):
    return make_user("canbo", RoleKind.STAFF, tree["committee"])


@pytest.fixture
def secretary_a(tree):
    return make_user("bithu_a", RoleKind.SECRETARY, tree["cell_a"])


@pytest.fixture
def secretary_b(tree):
    return make_user("bithu_b", RoleKind.SECRETARY, tree["cell_b"])


@pytest.fixture
def viewer(tree):
    return make_user("nguoixem", RoleKind.VIEWER, tree["committee"])


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="quantri", password=PASSWORD, email="")


@pytest.fixture
def outsider(db):
    return make_user("nguoingoai")


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, seen by `CommittingClient`."""
    return capture_on_commit_callbacks


@pytest.fixture
def client() -> CommittingClient:
    """pytest-django's `client`, committing as production does (`CommittingClient`)."""
    return CommittingClient()


@pytest.fixture
def login(client):
    """Log a persona in through the login form (a real password check) and return the client."""

    def _login(user):
        assert log_in(client, user.username), f"{user.username} could not log in"
        return client

    return _login


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's `admin_client`, but logged in through the forms: password, then the code
    (its own uses `force_login`, which stops at the second factor)."""
    client = CommittingClient()
    assert log_in(client, admin_user.username)
    return client
