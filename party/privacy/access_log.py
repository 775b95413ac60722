"""Writing the privacy access log (`AccessEvent`): one function, `log_access()`, for views, the
admin, the refusal middleware and the sign-in receivers (party/privacy/signals.py)."""

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from config.client_ip import forwarded_client_ip
from party.models import AccessEvent, Member, Unit


def client_address(request: HttpRequest | None) -> str | None:
    """The address axes sees: behind the proxy the entry it appended, else REMOTE_ADDR."""
    if request is None:
        return None
    if getattr(settings, "AXES_CLIENT_IP_CALLABLE", None):
        address = forwarded_client_ip(request)
    else:
        address = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def log_access(
    request: HttpRequest | None,
    kind: str,
    *,
    member: Member | None = None,
    unit: Unit | None = None,
    user: AbstractBaseUser | None = None,
    username: str | None = None,
    **details: Any,
) -> None:
    """Append one event: the request's user (or `user`), address and path (never the query
    string, which may hold a searched name), the member and unit concerned, and `details`
    (JSON-serialisable: years, rows, format, ...). `username` overrides the recorded name, for a
    failed login whose account may not exist."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if username is None:
        username = user.get_username() if user is not None else ""
    if unit is None and member is not None:
        unit = member.unit
    AccessEvent.objects.create(
        user=user,
        username=username[:150],
        kind=kind,
        member=member,
        unit=unit,
        address=client_address(request),
        path=request.path[:500] if request is not None else "",
        details=details,
    )
