"""Rating rules (quy định đánh giá, xếp loại): reference data with an effective date."""

import datetime
from decimal import Decimal

from django.db import models


class RatingScaleQuerySet(models.QuerySet):
    def in_force_for_year(self, year: int) -> "RatingScale | None":
        """The rule a year is rated under: the newest one in force at the year's end."""
        return (
            self.filter(effective_from__lte=datetime.date(year, 12, 31))
            .order_by("-effective_from", "-pk")
            .prefetch_related("levels")
            .first()
        )


class RatingScale(models.Model):
    """A rating rule, e.g. Quy định 124-QĐ/TW, in force from a date until the next one."""

    name = models.CharField("tên quy định", max_length=200)
    effective_from = models.DateField("có hiệu lực từ ngày")
    uses_score = models.BooleanField(
        "xếp loại theo điểm",
        default=False,
        help_text="Mức xếp loại suy ra từ điểm (thang 100), trừ khi chi bộ ghi lý do.",
    )
    note = models.TextField("ghi chú", blank=True)

    objects = RatingScaleQuerySet.as_manager()

    class Meta:
        verbose_name = "quy định xếp loại"
        verbose_name_plural = "quy định xếp loại"
        ordering = ["-effective_from"]
        # Two rules in force from the same day would make the year's rule a coin toss (and a
        # double-clicked admin "Lưu" would create the twin).
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                name="one_rating_scale_per_start_date",
                violation_error_message="Đã có một quy định xếp loại có hiệu lực từ ngày này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (từ {self.effective_from:%d/%m/%Y})"

    def level_for_score(self, score: Decimal) -> "RatingLevel | None":
        """The best level whose minimum the score reaches."""
        for level in sorted(self.levels.all(), key=lambda lv: lv.position):
            if level.min_score is not None and score >= level.min_score:
                return level
        return None


class RatingLevel(models.Model):
    """One level of a rating rule (mức xếp loại), best first."""

    scale = models.ForeignKey(
        RatingScale, on_delete=models.CASCADE, related_name="levels", verbose_name="quy định"
    )
    name = models.CharField("mức xếp loại", max_length=100)
    position = models.PositiveSmallIntegerField("thứ tự", default=1, help_text="1 là mức cao nhất.")
    min_score = models.DecimalField(
        "điểm tối thiểu", max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="Chỉ dùng khi quy định xếp loại theo điểm.",
    )  # fmt: skip

    class Meta:
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"
        ordering = ["scale", "position"]
        constraints = [models.UniqueConstraint(fields=["scale", "position"], name="one_level_per_position")]

    def __str__(self) -> str:
        return self.name
