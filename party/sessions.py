"""Session limits: 30 minutes idle, 8 hours from login, and no session outliving a change of access.

Django alone keeps a deactivated user's sessions in the table (they work again on reactivation)
and keeps a session whose roles changed; here they are deleted when the account is deactivated
or its roles change. A deactivation that sends no signal (a bulk `update()`) is caught where
every request passes: a session whose account the login backend refuses is ended on its next
request (`limits`); sessions with no request in between are ended by `end_inactive_sessions`
(nightly, or by hand after such an update; docs/operations.md). `SessionStore` is the session
engine (SESSION_ENGINE = "party.sessions").
"""

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from party.compiled import Slot, compile_once

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# The session (and its cookie) is renewed at most this often: a write per minute, not per request.
RENEW_EVERY = 60


class SessionStore(db.SessionStore):
    """Django's database sessions, the live row read by a query compiled once per process
    (party/compiled.py), as the user's is (party/auth.py): every signed-in request reads it."""

    def load(self) -> dict:
        rows = _live_session_query().rows({"key": self.session_key, "now": timezone.now()})
        if not rows:
            self._session_key = None  # expired or unknown: a new key if anything is stored
            return {}
        return self.decode(rows[0]["session_data"])


@compile_once
def _live_session_query() -> QuerySet:
    sessions = Session.objects.filter(
        session_key=Slot("key", CharField()), expire_date__gt=Slot("now", DateTimeField())
    )
    return sessions.values("session_data")


def start(sender, request: HttpRequest, user, **kwargs) -> None:
    """On login (user_logged_in): the absolute lifetime counts from now."""
    request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())


def end_sessions_of(user_ids: Iterable[int]) -> int:
    """Delete every live session of these users; returns how many.

    Sessions are decoded one by one: only the live ones (at most 30 minutes idle) are read.
    """
    wanted = {str(pk) for pk in user_ids}
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def end_sessions_of_inactive_users() -> int:
    """End the live sessions of every inactive account; returns how many."""
    inactive = list(get_user_model().objects.filter(is_active=False).values_list("pk", flat=True))
    return end_sessions_of(inactive) if inactive else 0


def account_saved(sender, instance, **kwargs) -> None:
    if not instance.is_active:
        end_sessions_of([instance.pk])


def role_changed(sender, instance, **kwargs) -> None:
    """A role given, moved to another unit or taken away: the user signs in again with the new scope."""
    end_sessions_of([instance.user_id])


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
