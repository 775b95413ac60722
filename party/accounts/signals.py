"""Receivers of signing in: the session's account and limits, the initial password, the second
factor. Connected by importing this module in PartyConfig.ready()."""

import time

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from party.accounts import two_factor
from party.accounts.initial_passwords import PENDING
from party.accounts.sessions import LOGIN_AT, SEEN_AT, end_sessions_of, record
from party.models import InitialPassword, UnitRole

# --- sessions (party/accounts/sessions.py) -----------------------------------------------------


@receiver(user_logged_in, dispatch_uid="party.sessions.start")
def session_started(sender, request, user, **kwargs) -> None:
    """The absolute lifetime counts from now, and the session is the user's. (A login that
    replaced another account's session has no key yet: its row is recorded when it is created,
    below.)"""
    request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())
    if request.session.session_key:
        record(request.session.session_key, user.pk)


@receiver(post_save, sender=Session, dispatch_uid="party.sessions.created")
def session_created(sender, instance: Session, created: bool, **kwargs) -> None:
    """A signed-in session saved under a new key (the second factor and a password change give
    the session a new key, Django's `cycle_key()`) stays the user's."""
    if created:
        user_id = instance.get_decoded().get(SESSION_KEY)
        if user_id is not None:
            record(instance.session_key, user_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="party.sessions.account")
def account_saved(sender, instance, **kwargs) -> None:
    """A deactivated account is signed out everywhere (Django alone keeps its sessions)."""
    if not instance.is_active:
        end_sessions_of([instance.pk])


@receiver([post_save, post_delete], sender=UnitRole, dispatch_uid="party.sessions.role")
def role_changed(sender, instance: UnitRole, **kwargs) -> None:
    """A role given, moved to another unit or taken away: the user signs in again with the new scope."""
    end_sessions_of([instance.user_id])


# --- initial passwords (party/accounts/initial_passwords.py) -----------------------------------


@receiver(user_logged_in, dispatch_uid="party.initial_passwords.login")
def initial_password_pending(sender, request, user, **kwargs) -> None:
    """Does this session owe a new password?"""
    if InitialPassword.objects.filter(user=user).exists():
        request.session[PENDING] = True
    else:
        request.session.pop(PENDING, None)


# --- the second factor (party/accounts/two_factor.py) ------------------------------------------


@receiver(user_logged_in, dispatch_uid="two_factor_logged_in")
def two_factor_decided(sender, request, user, **kwargs) -> None:
    """A new login decides afresh (the session may have been an earlier one's)."""
    request.session[two_factor.STATE] = two_factor.step_for(user)
    request.session.pop(two_factor.PENDING_KEY, None)
    request.session.pop(two_factor.NEW_CODES, None)


@receiver(pre_save, sender=TOTPDevice, dispatch_uid="two_factor_totp_saving")
def device_saving(sender, instance: TOTPDevice, **kwargs) -> None:
    instance.tolerance = two_factor.TOLERANCE


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="two_factor_totp_deleted")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="two_factor_static_deleted")
def device_deleted(sender, instance, **kwargs) -> None:
    """A device deleted in admin (a reset): the owner signs in again and enrols anew."""
    if not two_factor.is_replacing():
        transaction.on_commit(lambda: end_sessions_of([instance.user_id]))
