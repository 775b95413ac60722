"""Routine party work of a unit: themes studied, cell meetings, conferences and events."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from party.models.records import UnitRecord


class ThemeKind(models.TextChoices):
    TERM = "term", "Chuyên đề toàn khóa"
    ANNUAL = "annual", "Chuyên đề năm"


class ThemeQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "ThemeQuerySet":
        """The themes in force in a year: the term theme and that year's annual theme."""
        return self.filter(start_year__lte=year, end_year__gte=year)


class Theme(models.Model):
    """A theme of study (chuyên đề): reference data kept in admin."""

    kind = models.CharField("loại", max_length=10, choices=ThemeKind.choices)
    title = models.CharField("tên chuyên đề", max_length=400)
    start_year = models.PositiveSmallIntegerField("từ năm")
    end_year = models.PositiveSmallIntegerField("đến năm", help_text="Chuyên đề năm: bằng “từ năm”.")
    history = HistoricalRecords(verbose_name="lịch sử chuyên đề")

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = "chuyên đề"
        verbose_name_plural = "chuyên đề"
        ordering = ["-start_year", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="theme_years_in_order",
                violation_error_message="“Đến năm” phải bằng hoặc sau “từ năm”.",
            ),
            models.UniqueConstraint(
                fields=["start_year"],
                condition=Q(kind="annual"),
                name="one_annual_theme_per_year",
                violation_error_message="Năm này đã có chuyên đề năm.",
            ),
        ]

    def __str__(self) -> str:
        years = (
            str(self.start_year) if self.start_year == self.end_year else f"{self.start_year}-{self.end_year}"
        )
        return f"{self.title} ({years})"

    def clean(self) -> None:
        if self.kind == ThemeKind.ANNUAL and self.start_year and self.end_year != self.start_year:
            raise ValidationError(
                {"end_year": "Chuyên đề năm chỉ áp dụng cho một năm: “đến năm” bằng “từ năm”."}
            )


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Sinh hoạt định kỳ"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"


class Meeting(UnitRecord):
    """A cell meeting (sinh hoạt chi bộ) and whether it studied the Directive-05 content."""

    held_on = models.DateField("ngày sinh hoạt")
    kind = models.CharField(
        "hình thức", max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    includes_directive = models.BooleanField(
        "có nội dung Chỉ thị 05",
        default=False,
        help_text="Buổi sinh hoạt có nội dung học tập và làm theo Bác.",
    )
    topic = models.CharField("nội dung, chủ đề", max_length=400, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="chuyên đề"
    )
    attendance_present = models.PositiveIntegerField("số có mặt")
    attendance_expected = models.PositiveIntegerField("số phải dự")
    note = models.TextField("ghi chú", blank=True)
    history = HistoricalRecords(verbose_name="lịch sử buổi sinh hoạt")

    year_field = "held_on"
    directive_field = "includes_directive"

    class Meta(UnitRecord.Meta):
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "sinh hoạt chi bộ"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"], name="meeting_held_on")]
        constraints = [
            *UnitRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(attendance_present__lte=models.F("attendance_expected")),
                name="meeting_present_within_expected",
                violation_error_message="Số có mặt không được lớn hơn số phải dự.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"

    def search_parts(self) -> list:
        return [self.topic, self.note]

    def clean(self) -> None:
        if self.includes_directive and not self.topic.strip():
            raise ValidationError(
                {"topic": "Ghi nội dung Chỉ thị 05 đã học tập, trao đổi trong buổi sinh hoạt."}
            )
        if self.unit_id and not self.unit.is_cell:
            raise ValidationError({"unit": "Sinh hoạt chi bộ chỉ ghi cho chi bộ."})


class ConferenceKind(models.TextChoices):
    PRELIMINARY_REVIEW = "preliminary_review", "Hội nghị sơ kết"
    FINAL_REVIEW = "final_review", "Hội nghị tổng kết"
    EXEMPLARS_MEETING = "exemplars_meeting", "Họp mặt, tuyên dương gương điển hình"
    CONTEST = "contest", "Hội thi"
    SEMINAR = "seminar", "Tọa đàm"
    OTHER = "other", "Sự kiện khác"


class Conference(UnitRecord):
    """A conference or event (hội nghị sơ kết, tổng kết, họp mặt, hội thi, tọa đàm)."""

    kind = models.CharField("loại", max_length=20, choices=ConferenceKind.choices)
    held_on = models.DateField("ngày tổ chức")
    title = models.CharField("tên hội nghị, sự kiện", max_length=400)
    participants = models.PositiveIntegerField("số người tham dự", null=True, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="chuyên đề"
    )
    note = models.TextField("ghi chú", blank=True)
    history = HistoricalRecords(verbose_name="lịch sử hội nghị, sự kiện")

    year_field = "held_on"

    class Meta(UnitRecord.Meta):
        verbose_name = "hội nghị, sự kiện"
        verbose_name_plural = "hội nghị, sự kiện"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"], name="conference_held_on")]

    def __str__(self) -> str:
        return self.title

    def search_parts(self) -> list:
        return [self.title, self.note]
