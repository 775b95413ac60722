"""Initial passwords: a password an administrator typed, to be replaced at the first login."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class InitialPassword(models.Model):
    """A password set for an account in admin (mật khẩu ban đầu), not yet replaced by its owner.

    The row exists from the admin form until the owner sets a password of their own; while it
    exists the owner can do nothing but set one, and after INITIAL_PASSWORD_MAX_AGE_DAYS the
    password no longer signs in (party/accounts/initial_passwords.py).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="initial_password",
        verbose_name="tài khoản",
    )
    set_at = models.DateTimeField("thời điểm đặt", default=timezone.now)

    class Meta:
        verbose_name = "mật khẩu ban đầu"
        verbose_name_plural = "mật khẩu ban đầu"

    def __str__(self) -> str:
        return f"{self.user} — {self.set_at:%d/%m/%Y %H:%M}"

    @property
    def expired(self) -> bool:
        age = datetime.timedelta(days=settings.INITIAL_PASSWORD_MAX_AGE_DAYS)
        return timezone.now() > self.set_at + age
