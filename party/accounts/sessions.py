"""Session limits: 30 minutes idle, 8 hours from login, and no session outliving a change of access.

Sessions are Django's database sessions; `UserSession` (party/models/sessions.py) records which
account each signed-in one belongs to, so ending an account's sessions is one DELETE. The
receivers that keep it and end sessions are in party/accounts/signals.py.

Django alone keeps a deactivated user's sessions in the table (they work again on reactivation)
and keeps a session whose roles changed; here they are deleted when the account is deactivated
or its roles change. A deactivation that sends no signal (a bulk `update()`) is caught where
every request passes: a session whose account the login backend refuses is ended on its next
request (`limits`); sessions with no request in between are ended by `end_inactive_sessions`
(nightly, or by hand after such an update; docs/operations.md).
"""

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse

from party.models import UserSession

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# The session (and its cookie) is renewed at most this often: a write per minute, not per request.
RENEW_EVERY = 60


def record(session_key: str, user_id: int | str) -> None:
    """The session is this account's (a login, or a signed-in session saved under a new key)."""
    UserSession.objects.update_or_create(session_id=session_key, defaults={"user_id": user_id})


def end_sessions_of(user_ids: Iterable[int]) -> int:
    """Delete every session of these users; returns how many."""
    deleted, _ = Session.objects.filter(user_session__user__in=list(user_ids)).delete()
    return deleted


def end_sessions_of_inactive_users() -> int:
    """End the sessions of every inactive account; returns how many."""
    deleted, _ = Session.objects.filter(user_session__user__is_active=False).delete()
    return deleted


def limits(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Log out a session idle for SESSION_COOKIE_AGE or older than SESSION_MAX_AGE_FROM_LOGIN, and
    end a session whose account may no longer sign in."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.get(LOGIN_AT, 0)
            seen_at = session.get(SEEN_AT, 0)
            if (
                now - login_at > settings.SESSION_MAX_AGE_FROM_LOGIN
                or now - seen_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)  # LoginRequiredMiddleware then sends the visitor to the login page
            elif now - seen_at >= RENEW_EVERY:
                session[SEEN_AT] = now  # saving renews the cookie and the row for another idle period
        elif SESSION_KEY in request.session:
            # Signed in, but the login backend refuses the account now (deactivated, perhaps by a
            # bulk update() that ended no session, or deleted): end the session, or it would
            # sign in again on reactivation.
            request.session.flush()
        return get_response(request)

    return middleware
