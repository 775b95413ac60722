"""Inspections and supervisions (kiểm tra, giám sát) and the follow-up of their findings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from party.models.records import UnitRecord


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class ConductingBody(models.TextChoices):
    """Who conducts it: a body of the unit's committee, or the cell itself."""

    INSPECTION_COMMISSION = "inspection_commission", "Ủy ban Kiểm tra"
    STANDING_COMMITTEE = "standing_committee", "Ban Thường vụ"
    EXECUTIVE_COMMITTEE = "executive_committee", "Đảng ủy (Ban Chấp hành)"
    CELL = "cell", "Chi bộ"

    @classmethod
    def of_committee(cls) -> list[str]:
        return [cls.INSPECTION_COMMISSION, cls.STANDING_COMMITTEE, cls.EXECUTIVE_COMMITTEE]


class Inspection(UnitRecord):
    """An inspection or supervision conducted by the unit (through one of its bodies)."""

    kind = models.CharField("loại", max_length=12, choices=InspectionKind.choices)
    conducted_by = models.CharField("chủ thể tiến hành", max_length=25, choices=ConductingBody.choices)
    about_directive = models.BooleanField(
        "nội dung về Chỉ thị 05",
        default=False,
        help_text="Việc thực hiện Chỉ thị 05 là nội dung kiểm tra, giám sát.",
    )
    subject = models.CharField("nội dung", max_length=400)
    target_units = models.ManyToManyField(
        "party.Unit", blank=True, related_name="+", verbose_name="tổ chức đảng được kiểm tra, giám sát"
    )
    target_members = models.ManyToManyField(
        "party.Member", blank=True, related_name="+", verbose_name="đảng viên được kiểm tra, giám sát"
    )
    started_on = models.DateField("ngày bắt đầu")
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    conclusion = models.TextField("kết luận", blank=True)
    history = HistoricalRecords(
        verbose_name="lịch sử kiểm tra, giám sát", m2m_fields=[target_units, target_members]
    )

    year_field = "started_on"
    directive_field = "about_directive"

    class Meta(UnitRecord.Meta):
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "kiểm tra, giám sát"
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["started_on"], name="inspection_started_on")]
        constraints = [
            *UnitRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="inspection_dates_in_order",
                violation_error_message="Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def search_parts(self) -> list:
        return [self.subject, self.conclusion]

    @property
    def finding_summary(self) -> dict[str, int]:
        """Counts for the list page, from the prefetched findings."""
        findings = list(self.findings.all())
        return {
            "total": len(findings),
            "closed": sum(1 for f in findings if f.closed_on),
            "overdue": sum(1 for f in findings if f.is_overdue),
        }

    def clean(self) -> None:
        if not self.unit_id or not self.conducted_by:
            return
        if self.unit.is_cell and self.conducted_by != ConductingBody.CELL:
            raise ValidationError({"conducted_by": "Chi bộ tự tiến hành: chọn “Chi bộ”."})
        if not self.unit.is_cell and self.conducted_by == ConductingBody.CELL:
            raise ValidationError(
                {"conducted_by": "Đơn vị này là đảng bộ: chọn cơ quan của cấp ủy tiến hành."}
            )


class FindingQuerySet(models.QuerySet):
    def open(self) -> "FindingQuerySet":
        return self.filter(closed_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> "FindingQuerySet":
        return self.open().filter(deadline__lt=today or datetime.date.today())


class InspectionFinding(models.Model):
    """A shortcoming found, the remedy required and its follow-up (khắc phục sau kiểm tra)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name="cuộc kiểm tra, giám sát"
    )
    content = models.TextField("hạn chế, khuyết điểm")
    remedy = models.TextField("yêu cầu khắc phục")
    deadline = models.DateField("thời hạn khắc phục", null=True, blank=True)
    closed_on = models.DateField("ngày đã khắc phục", null=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    history = HistoricalRecords(verbose_name="lịch sử nội dung khắc phục")

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "nội dung phải khắc phục"
        verbose_name_plural = "nội dung phải khắc phục"
        ordering = ["inspection", "position", "pk"]

    def __str__(self) -> str:
        return self.content[:80]

    def clean(self) -> None:
        try:
            started_on = self.inspection.started_on
        except Inspection.DoesNotExist:  # the formset validates rows before the inspection exists
            started_on = None
        errors = self.date_errors(started_on=started_on, deadline=self.deadline, closed_on=self.closed_on)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def date_errors(
        *, started_on: datetime.date | None, deadline: datetime.date | None, closed_on: datetime.date | None
    ) -> dict[str, str]:
        """The finding's date rules, by field: the entry form (through clean()) and the import share them."""
        errors = {}
        if closed_on and closed_on > datetime.date.today():
            errors["closed_on"] = "Ngày đã khắc phục không thể ở tương lai."
        if started_on:
            if closed_on and closed_on < started_on:
                errors["closed_on"] = "Ngày đã khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát."
            if deadline and deadline < started_on:
                errors["deadline"] = "Thời hạn khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát."
        return errors

    @property
    def is_overdue(self) -> bool:
        return self.closed_on is None and self.deadline is not None and self.deadline < datetime.date.today()
