"""The reports app's tables: the summary tables the review report reads, and Excel exports.

`PledgeTally` and `MemberUnitYears` are kept by this app alone (reports/tallies.py rebuilds them,
reports/signals.py decides when); the report reads them instead of every registration and
membership period (docs/decisions.md). `ReportExport` is a large export run by the task worker
and downloaded later by the person who asked for it.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

# Bit (year - BASE_YEAR) of a `MemberUnitYears` mask stands for the year: 62 bits, so that a mask
# and the arithmetic that builds one (reports/tallies.py) stay inside a positive BIGINT.
BASE_YEAR = 2000
LAST_YEAR = BASE_YEAR + 61


def years_mask(first: int, last: int) -> int:
    """The bits of the years first..last, clamped to the years a mask holds."""
    first, last = max(first, BASE_YEAR), min(last, LAST_YEAR)
    if first > last:
        return 0
    return ((1 << (last - first + 1)) - 1) << (first - BASE_YEAR)


COUNTS = [
    "registrations",
    "deeds",
    "party_registrations",
    "party_deeds",
    "leader_registrations",
    "leader_deeds",
]


class PledgeTally(models.Model):
    """Registrations of a unit in a year at one rating level, summed (số liệu tổng hợp đăng ký).

    Party members and leaders by the person's current status and flag, as the report counts them.
    """

    # Indexed below, with the columns the report reads.
    unit = models.ForeignKey("party.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    rating = models.ForeignKey("pledges.RatingLevel", on_delete=models.CASCADE, null=True, related_name="+")
    registrations = models.PositiveIntegerField()
    deeds = models.PositiveIntegerField()
    party_registrations = models.PositiveIntegerField()
    party_deeds = models.PositiveIntegerField()
    leader_registrations = models.PositiveIntegerField()
    leader_deeds = models.PositiveIntegerField()

    class Meta:
        verbose_name = "số liệu tổng hợp đăng ký"
        verbose_name_plural = "số liệu tổng hợp đăng ký"
        # Every column the report reads, after the unit: PostgreSQL reads a subtree's rows from
        # the index alone, unit by unit, instead of scanning the table.
        indexes = [models.Index(fields=["unit", "year", "rating", *COUNTS], name="pledge_tally_by_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.year}: {self.registrations}"


class MemberUnitYears(models.Model):
    """The years people registered in, and belonged to, one unit, as bits (năm đăng ký, sinh hoạt).

    Most people only ever had one unit and one membership period there: they are folded into a row
    per unit, years and status with a head count (`member` None, `people` how many). Anyone else
    (a mover) keeps their own rows, `member` set: one per unit they registered or belonged in, or
    one per period where they had several in the same unit. The report merges a mover's rows
    per person when it counts, so a mover counts once.
    """

    unit = models.ForeignKey("party.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, null=True, related_name="+")
    registered = models.BigIntegerField()  # bit (year - BASE_YEAR): a registration made here that year
    belonged = models.BigIntegerField()  # a membership period here overlapping that year
    party_member = models.BooleanField()  # the people's current party status is not "none"
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = "năm đăng ký và sinh hoạt theo đơn vị"
        verbose_name_plural = "năm đăng ký và sinh hoạt theo đơn vị"
        indexes = [  # as PledgeTally's
            models.Index(
                fields=["unit", "member", "registered", "belonged", "party_member", "people"],
                name="member_years_by_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.member_id}"


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
