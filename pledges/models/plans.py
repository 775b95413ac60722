"""Annual plans of cells and mass organizations (kế hoạch thực hiện Chỉ thị 05)."""

from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from party.models import Unit
from party.models.units import UnitScopedQuerySet


class DeedCountQuerySet(UnitScopedQuerySet):
    """Plans and registrations store how many deeds they hold, so that reports over millions of
    deeds count them without a join; every write path ends with `recount_deeds()`."""

    def recount_deeds(self) -> int:
        relation = self.model.deeds.rel
        parent = relation.field.name
        counts = (
            relation.related_model.objects.filter(**{parent: OuterRef("pk")})
            .order_by()
            .values(parent)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.order_by().update(deed_count=Coalesce(Subquery(counts), 0))

    def with_drifted_deed_counts(self) -> "DeedCountQuerySet":
        """Rows whose stored count disagrees with their deeds (always empty; tests check it)."""
        return self.annotate(actual=Count("deeds")).exclude(deed_count=models.F("actual"))


class Plan(models.Model):
    """A unit's plan for one year with its deeds (kế hoạch và việc làm theo Bác)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans", verbose_name="đơn vị")
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên kế hoạch", max_length=255)
    document_number = models.CharField("số văn bản", max_length=50, blank=True)
    document_date = models.DateField("ngày ban hành", null=True, blank=True)
    deed_count = models.PositiveIntegerField("số việc làm", default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    history = HistoricalRecords(verbose_name="lịch sử kế hoạch", excluded_fields=["deed_count"])

    objects = DeedCountQuerySet.as_manager()

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_and_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit.short_name}, {self.year})"


class PlanDeed(models.Model):
    """A deed of a unit's plan (việc làm theo Bác của tập thể)."""

    parent_field = "plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deeds", verbose_name="kế hoạch")
    content = models.TextField("nội dung việc làm")
    target = models.CharField("chỉ tiêu, kết quả cần đạt", max_length=255, blank=True)
    deadline = models.DateField("thời hạn", null=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    history = HistoricalRecords(verbose_name="lịch sử việc làm của kế hoạch")

    class Meta:
        verbose_name = "việc làm của kế hoạch"
        verbose_name_plural = "việc làm của kế hoạch"
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.content[:80]
