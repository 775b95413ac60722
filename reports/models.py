"""The reports app's one table: Excel exports of the review report that run in the background.

The report itself has no tables: it reads the other apps through query functions
(reports/queries.py). Only a large export is stored, because it runs in the task worker and the
person who asked for it downloads it later.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from reports.tallies import MemberUnitYears, PledgeTally  # noqa: F401 (the report's tables kept on write)

# Finished files are kept this long, then deleted with their row (see docs/operations.md).
RETENTION = datetime.timedelta(days=7)
EXPORT_DIR = "exports"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang xuất"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class ReportExportQuerySet(models.QuerySet):
    def of_user(self, user) -> "ReportExportQuerySet":
        """A job is visible only to the person who asked for it (superusers included)."""
        return self.filter(requested_by=user)

    def expired(self, now: datetime.datetime | None = None) -> "ReportExportQuerySet":
        return self.filter(created_at__lt=(now or timezone.now()) - RETENTION)

    def purge_expired(self, now: datetime.datetime | None = None) -> int:
        """Delete expired exports and their files; returns how many were deleted."""
        count = 0
        for export in self.expired(now).only("pk", "file"):
            export.delete_file()
            export.delete()
            count += 1
        return count


def export_file_name(instance: "ReportExport", _filename: str) -> str:
    """Files are named by the job's id: the readable name is given at download."""
    return f"{EXPORT_DIR}/{instance.pk}.xlsx"


class ReportExport(models.Model):
    """An Excel export of the review report (báo cáo sơ kết, tổng kết) made by the task worker."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người yêu cầu"
    )
    unit = models.ForeignKey("party.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")
    first_year = models.PositiveSmallIntegerField("từ năm")
    last_year = models.PositiveSmallIntegerField("đến năm")
    aggregate_only = models.BooleanField("chỉ số liệu tổng hợp", default=False)
    status = models.CharField(
        "trạng thái", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField("số dòng đã ghi", default=0)
    rows_total = models.PositiveIntegerField("số dòng ước tính", default=0)
    file = models.FileField("tệp", upload_to=export_file_name, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        verbose_name = "tệp Excel báo cáo"
        verbose_name_plural = "tệp Excel báo cáo"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="report_export_created")]

    def __str__(self) -> str:
        return f"{self.unit} {self.first_year}-{self.last_year} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def file_path(self) -> Path:
        """Where the worker writes the workbook (the media folder, like documents' files)."""
        return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{self.pk}.xlsx"

    def delete_file(self) -> None:
        if self.file:
            self.file.delete(save=False)
