"""Good models and practices and exemplary people (mô hình, cách làm hay; gương điển hình)."""

from django.db import models
from simple_history.models import HistoricalRecords

from party.models import Member, Unit
from party.models.records import UnitRecord
from party.years import validate_programme_year


class PracticeKind(models.TextChoices):
    MODEL = "model", "Mô hình"
    PRACTICE = "practice", "Cách làm hay"
    EXEMPLAR = "exemplar", "Gương điển hình"


class GoodPractice(UnitRecord):
    kind = models.CharField("loại", max_length=10, choices=PracticeKind.choices)
    year = models.PositiveSmallIntegerField("năm", validators=[validate_programme_year])
    title = models.CharField("tên mô hình, cách làm, gương", max_length=400)
    description = models.TextField("mô tả, kết quả", blank=True)
    people = models.ManyToManyField(Member, blank=True, related_name="+", verbose_name="cá nhân tham gia")
    units_involved = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="tập thể tham gia"
    )
    replicated_to = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="đơn vị đã nhân rộng"
    )
    history = HistoricalRecords(
        verbose_name="lịch sử mô hình, gương điển hình", m2m_fields=[people, units_involved, replicated_to]
    )

    year_field = "year"

    class Meta(UnitRecord.Meta):
        verbose_name = "mô hình, cách làm hay, gương điển hình"
        verbose_name_plural = "mô hình, cách làm hay, gương điển hình"
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["year"], name="practice_year")]

    def __str__(self) -> str:
        return self.title

    def search_parts(self) -> list:
        return [self.title, self.description]
