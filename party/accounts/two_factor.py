"""Two-factor sign-in: TOTP (django-otp) after the password, with single-use recovery codes.

Who must: superusers, admin-site staff, committee staff (a STAFF role) and anyone whose role is on
a unit above a single cell (a viewer or secretary of a committee or a mass organization), unless
OTP_REQUIRED_FOR_STAFF is off. Anyone else (a cell's secretary or viewer) may enrol and is then
asked too. Only the code of the current 30-second step is accepted (TOLERANCE).

Where the sign-in stands is kept in the session (STATE), decided once at login, so the pages of a
signed-in user cost no extra query (django-otp's own middleware loads the device on every
request). A device deleted in admin (a reset) ends the owner's sessions instead, so the next
login decides again.
"""

import base64
import contextlib
import contextvars
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from party.accounts import initial_passwords

STATE = "two_factor"
VERIFY = "verify"  # has a device, has not typed a code in this session yet
ENROL = "enrol"  # must use two factors, has no device yet
DONE = "done"  # verified, or not asked to
PENDING_KEY = "two_factor_pending_key"  # the secret shown on the enrolment page, not yet confirmed
NEW_CODES = "two_factor_new_codes"  # recovery codes shown (and downloadable) until acknowledged
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã khôi phục"
# Time steps accepted either side of the current one. django-otp's default is 1 (a code lives
# 90 seconds); ours is 0: a code seen over someone's shoulder dies with its 30-second step. Every
# device gets it when saved (signals.device_saving); migration 0009 gave it to the devices already there.
TOLERANCE = 0

# Set while our own code replaces a user's devices: that is no reset, the session stays.
_replacing: contextvars.ContextVar[bool] = contextvars.ContextVar("two_factor_replacing", default=False)


def is_required(user) -> bool:
    """Superusers, admin-site staff, committee staff, and anyone whose role reaches beyond a
    single cell (a role covers its unit's subtree) must use a second factor."""
    from party.models.roles import RoleKind
    from party.models.units import UnitKind

    if not getattr(settings, "OTP_REQUIRED_FOR_STAFF", True):
        return False
    if user.is_superuser or user.is_staff:
        return True
    above_a_cell = Q(role=RoleKind.STAFF) | ~Q(unit__kind__in=UnitKind.cells())
    return user.unit_roles.filter(above_a_cell).exists()


def app_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def has_device(user) -> bool:
    return app_devices(user).exists()


def step_for(user) -> str:
    """What a user who has just typed the right password still has to do."""
    if has_device(user):
        return VERIFY
    return ENROL if is_required(user) else DONE


def state(request: HttpRequest) -> str:
    """The session's two-factor state, decided (and kept) on first use after login.

    A role given or taken ends the user's sessions (party/accounts/signals.py), but being made superuser
    or admin staff does not: such a session, past login without a second factor, decides again.
    """
    session, user = request.session, request.user
    if STATE not in session or (
        session[STATE] == DONE
        and (user.is_superuser or user.is_staff)
        and getattr(settings, "OTP_REQUIRED_FOR_STAFF", True)
        and django_otp.DEVICE_ID_SESSION_KEY not in session
    ):
        session[STATE] = step_for(user)
    return session[STATE]


def remaining_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- codes -------------------------------------------------------------------------------------


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@dataclass
class Check:
    device: object | None = None  # the device that accepted the code
    recovery: bool = False  # a recovery code (now used up)
    wait: int = 0  # seconds to wait first: too many wrong codes (django-otp's doubling delay)


def check_code(user, code: str) -> Check:
    """Try a code: six digits against the authenticator app, anything else as a recovery code.

    A TOTP code is accepted once (django-otp keeps the last time step used); a recovery code is
    deleted when used. Each wrong code doubles the wait before the next try on that device.
    """
    code = _clean(code)
    recovery = not code.isdigit()
    devices = StaticDevice.objects.filter(user=user, confirmed=True) if recovery else app_devices(user)
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and "locked_until" in data:
            waits.append(max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1))
            continue
        found = django_otp.verify_token(user, device.persistent_id, code)
        if found:
            return Check(found, recovery)
    return Check(wait=max(waits, default=0))


def mark_verified(request: HttpRequest, device) -> None:
    """The second factor is done for this session (a new session key, as at login)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[STATE] = DONE


# --- enrolment ---------------------------------------------------------------------------------


def pending_key(request: HttpRequest) -> str:
    """The secret offered on the enrolment page: the same one until confirmed (a reload keeps it)."""
    if PENDING_KEY not in request.session:
        request.session[PENDING_KEY] = random_hex(20)
    return request.session[PENDING_KEY]


def draft_device(request: HttpRequest) -> TOTPDevice:
    """An unsaved device with the pending secret, for its otpauth:// address and base32 text."""
    return TOTPDevice(user=request.user, key=pending_key(request), name=APP_DEVICE_NAME, tolerance=TOLERANCE)


def secret_text(device: TOTPDevice) -> str:
    """The secret for manual entry, in groups of four letters."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI (drawn here, no script; the CSP allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@contextlib.contextmanager
def replacing() -> Iterator[None]:
    token = _replacing.set(True)
    try:
        yield
    finally:
        _replacing.reset(token)


def is_replacing() -> bool:
    """Whether our own code is replacing the user's devices now (a deletion that is no reset)."""
    return _replacing.get()


def confirm_enrolment(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the pending secret with a first code; the device then counts, the session is
    verified, and fresh recovery codes are returned (None when the code is wrong)."""
    draft = draft_device(request)
    try:
        number = int(_clean(code))
    except ValueError:
        return None
    totp = TOTP(draft.bin_key, draft.step, draft.t0, draft.digits)
    totp.time = time.time()
    if not totp.verify(number, tolerance=draft.tolerance):
        return None
    user = request.user
    with transaction.atomic(), replacing():
        device = TOTPDevice.objects.filter(user=user).order_by("pk").first() or TOTPDevice(user=user)
        device.key, device.name, device.confirmed = draft.key, APP_DEVICE_NAME, True
        # The confirming code is spent: the same code cannot sign in again.
        device.last_t, device.drift = totp.t(), 0
        device.throttle_reset(commit=False)
        device.save()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(user)
    del request.session[PENDING_KEY]
    mark_verified(request, device)
    request.session[NEW_CODES] = codes
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new single-use ones."""
    with transaction.atomic(), replacing():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def turn_off(request: HttpRequest) -> None:
    """Remove the user's devices (only for users not required to use them)."""
    with transaction.atomic(), replacing():
        TOTPDevice.objects.filter(user=request.user).delete()
        StaticDevice.objects.filter(user=request.user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session.pop(NEW_CODES, None)
    request.session[STATE] = DONE


# --- wiring ------------------------------------------------------------------------------------


def exempt(view: Callable) -> Callable:
    """Mark a view reachable before the second factor (the two-factor pages themselves)."""
    view.two_factor_exempt = True
    return view


class TwoFactorMiddleware:
    """Before any page (admin included), a signed-in user who still owes the second factor is
    sent to the code page, or to enrolment. After LoginRequiredMiddleware: public pages
    (login, /healthz/) and logout stay open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True) or getattr(view_func, "two_factor_exempt", False):
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, LogoutView):
            return None
        step = state(request)
        if step == DONE:
            return None
        if (
            step == ENROL
            and request.session.get(initial_passwords.PENDING)
            and view_class is not None
            and issubclass(view_class, initial_passwords.PasswordChangeView)
        ):
            return None  # a new password before enrolling (InitialPasswordMiddleware)
        target = reverse("two_factor_verify" if step == VERIFY else "two_factor_enrol")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
