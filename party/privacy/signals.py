"""Receivers that write sign-ins into the access log: logins, failed logins and axes lockouts.
Connected by importing this module in PartyConfig.ready()."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from party.models import AccessEvent
from party.privacy.access_log import log_access


@receiver(user_logged_in, dispatch_uid="party.access_log.login")
def logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    log_access(request, AccessEvent.Kind.LOGIN, user=user)


@receiver(user_login_failed, dispatch_uid="party.access_log.failed")
def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the attempted name: Django masks the password in `credentials`, we never store it.
    log_access(request, AccessEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="party.access_log.lockout")
def locked_out(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    log_access(request, AccessEvent.Kind.LOCKOUT, username=str(username or ""))
