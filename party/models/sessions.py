"""Which account each signed-in session belongs to, so ending someone's sessions is one DELETE."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models


class UserSession(models.Model):
    """A signed-in session and its account (phiên đăng nhập của tài khoản).

    Django's session table keeps the account only inside the encoded data. The row is written
    when a session gains an account (party/accounts/signals.py); the database deletes it with its
    session (logout, expiry, `clearsessions`) and with the account.
    """

    session = models.OneToOneField(
        Session,
        on_delete=models.DB_CASCADE,
        primary_key=True,
        related_name="user_session",
        verbose_name="phiên",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_CASCADE,
        related_name="user_sessions",
        verbose_name="tài khoản",
    )
    created_at = models.DateTimeField("bắt đầu lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%d/%m/%Y %H:%M}"
