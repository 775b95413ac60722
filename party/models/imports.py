"""An uploaded workbook waiting for confirmation, and the record of what it wrote."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportBatchQuerySet(models.QuerySet):
    def forget_files(self, days: int) -> int:
        """Blank the uploaded files, and the rows read from them, of batches older than `days` (the
        workbooks hold personal data; the batch row and its summary stay as the record of what
        was written)."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = self.filter(created_at__lt=cutoff).exclude(content=b"", validated={})
        return old.update(content=b"", validated={})


class ImportBatch(models.Model):
    """One upload of an .xlsx workbook (lần nhập dữ liệu từ Excel)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ xác nhận"
        DONE = "done", "Đã ghi"
        FAILED = "failed", "Có lỗi"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người tải lên"
    )
    file_name = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField("nội dung tệp")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField("tóm tắt", default=dict, blank=True)
    # The rows the preview validated and its plan's fingerprint, for the confirmation
    # (party/imports/validated.py); emptied once the batch is written or fails.
    validated = models.JSONField("dữ liệu đã kiểm tra", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    committed_at = models.DateTimeField("ghi lúc", null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "lần nhập Excel"
        verbose_name_plural = "lần nhập Excel"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"
