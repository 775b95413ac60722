"""The privacy access log: who viewed or exported whose data, logins and refusals."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessEvent(models.Model):
    """One entry of the access log (nhật ký truy cập). Append-only: written by
    `party.privacy.access_log.log_access()`, read in admin, deleted only by `purge_access_log`."""

    class Kind(models.TextChoices):
        MEMBER_VIEWED = "member_viewed", "Xem hồ sơ đảng viên"
        EXPORT = "export", "Xuất dữ liệu"
        PRINT = "print", "In dữ liệu cá nhân"
        LOGIN = "login", "Đăng nhập"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai"
        LOCKOUT = "lockout", "Khóa đăng nhập"
        REFUSED = "refused", "Bị từ chối (403/404)"
        IMPORT = "import", "Nhập dữ liệu"
        SUBJECT_EXPORT = "subject_export", "Xuất dữ liệu cá nhân"

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tài khoản",
    )
    # Kept when the account is deleted, and the attempted name of a failed login.
    username = models.CharField("tên đăng nhập", max_length=150, blank=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đảng viên",
    )
    unit = models.ForeignKey(
        "party.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đơn vị",
    )
    address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    path = models.CharField("đường dẫn", max_length=500, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)

    class Meta:
        verbose_name = "sự kiện truy cập"
        verbose_name_plural = "nhật ký truy cập"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["member", "at"], name="access_member_at"),
            models.Index(fields=["kind", "at"], name="access_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.username or '?'} ({self.at:%d/%m/%Y %H:%M})"
