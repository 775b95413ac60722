"""The client address django-axes records and locks when the app runs behind one reverse proxy."""

import ipaddress

from django.http import HttpRequest


def forwarded_client_ip(request: HttpRequest) -> str | None:
    """The right-most X-Forwarded-For entry, else REMOTE_ADDR.

    The proxy (nginx `$proxy_add_x_forwarded_for`) appends the address it saw, so the right-most
    entry is the one a client cannot forge; entries to its left come from the client. Anything that
    is not an IP address falls back to REMOTE_ADDR.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
