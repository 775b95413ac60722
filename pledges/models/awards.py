"""Awards and commendations (khen thưởng, biểu dương) with their reference data."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from party.models import Member, Unit
from party.models.records import UnitRecord
from party.years import validate_programme_year


class AwardCategory(models.TextChoices):
    """Reports count the two apart: a commendation is not an award under the emulation law."""

    COMMENDATION = "commendation", "Biểu dương, tuyên dương"
    AWARD = "award", "Khen thưởng"


class AwardForm(models.Model):
    """A form of recognition (Bằng khen, Giấy khen, Biểu dương...): reference data."""

    name = models.CharField("hình thức", max_length=120, unique=True)
    category = models.CharField("nhóm", max_length=15, choices=AwardCategory.choices)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "hình thức khen thưởng"
        verbose_name_plural = "hình thức khen thưởng"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class IssuerQuerySet(models.QuerySet):
    def in_force_on(self, date: datetime.date) -> "IssuerQuerySet":
        """Issuers that may sign a decision of that date (`AwardIssuer.retired_by()` in SQL)."""
        return self.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=date))


class AwardIssuer(models.Model):
    """Who grants it (Thủ tướng Chính phủ, Chủ tịch UBND tỉnh, Ban Thường vụ Tỉnh ủy...)."""

    name = models.CharField("cấp khen thưởng", max_length=200, unique=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)
    retired_on = models.DateField(
        "thôi áp dụng từ ngày",
        null=True,
        blank=True,
        help_text="Cấp này không còn khen thưởng từ ngày này (vd. cấp huyện từ 01/7/2025); "
        "các khen thưởng trước đó vẫn giữ nguyên.",
    )

    objects = IssuerQuerySet.as_manager()

    class Meta:
        verbose_name = "cấp khen thưởng"
        verbose_name_plural = "cấp khen thưởng"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def retired_by(self, date: datetime.date) -> bool:
        """No longer awarding on that date: a decision of that date cannot be this issuer's."""
        return self.retired_on is not None and date >= self.retired_on

    def retired_message(self, date: datetime.date) -> str:
        return (
            f"“{self.name}” thôi khen thưởng từ ngày {self.retired_on:%d/%m/%Y}; quyết định ngày "
            f"{date:%d/%m/%Y} không thể của cấp này."
        )


class Programme(models.TextChoices):
    DIRECTIVE_05 = "directive_05", "Chỉ thị 05-CT/TW"
    CONCLUSION_01 = "conclusion_01", "Kết luận 01-KL/TW"


class Award(UnitRecord):
    """One recognition of exactly one recipient: a collective (a unit) or an individual (a member).

    `unit` is the scope: the collective itself, or the unit the individual belonged to on the
    decision date (kept when they move, like registrations).
    """

    recipient_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tập thể được khen",
    )
    recipient_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name="cá nhân được khen",
    )
    was_party_member = models.BooleanField(
        "là đảng viên tại thời điểm khen", null=True, blank=True, editable=False
    )
    form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+", verbose_name="hình thức")
    issuer = models.ForeignKey(
        AwardIssuer, on_delete=models.PROTECT, related_name="+", verbose_name="cấp khen"
    )
    decision_number = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    year = models.PositiveSmallIntegerField("năm thành tích", validators=[validate_programme_year])
    programme = models.CharField(
        "chương trình", max_length=15, choices=Programme.choices, default=Programme.DIRECTIVE_05
    )
    achievement = models.TextField("thành tích")
    history = HistoricalRecords(verbose_name="lịch sử khen thưởng")

    year_field = "decision_date"
    kind_field = "form__category"

    class Meta(UnitRecord.Meta):
        verbose_name = "khen thưởng, biểu dương"
        verbose_name_plural = "khen thưởng, biểu dương"
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["decision_date"], name="award_decision_date")]
        constraints = [
            *UnitRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False, recipient_member__isnull=True)
                | Q(recipient_unit__isnull=True, recipient_member__isnull=False),
                name="award_has_one_recipient",
                violation_error_message="Mỗi khen thưởng có đúng một đối tượng: tập thể hoặc cá nhân.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} — {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        if self.recipient_member_id:
            return self.recipient_member.full_name
        return self.recipient_unit.name if self.recipient_unit_id else ""

    @property
    def is_individual(self) -> bool:
        return self.recipient_member_id is not None

    def search_parts(self) -> list:
        return [self.recipient_name, self.decision_number, self.achievement]

    def fill_recipient_facts(self) -> None:
        """Scope and party status follow the recipient as they were on the decision date."""
        if self.recipient_member_id and self.decision_date:
            member = self.recipient_member
            self.unit = member.unit_on(self.decision_date)
            self.was_party_member = member.was_party_member_on(self.decision_date)
        elif self.recipient_unit_id:
            self.unit = self.recipient_unit
            self.was_party_member = None

    def clean(self) -> None:
        if bool(self.recipient_unit_id) == bool(self.recipient_member_id):
            raise ValidationError(
                "Chọn đúng một đối tượng được khen: một tập thể hoặc một cá nhân, không cả hai."
            )
        issuer = self.issuer if self.issuer_id else None
        errors = self.decision_errors(decision_date=self.decision_date, year=self.year, issuer=issuer)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def decision_errors(
        *, decision_date: datetime.date | None, year: int | None, issuer: AwardIssuer | None
    ) -> dict[str, str]:
        """The decision's rules, by field: the entry form (through clean()) and the import share them."""
        errors = {}
        if decision_date and year and decision_date.year < year:
            errors["decision_date"] = f"Ngày quyết định ở trước năm thành tích {year}."
        if decision_date and issuer is not None and issuer.retired_by(decision_date):
            errors["issuer"] = issuer.retired_message(decision_date)
        return errors

    def duplicates(self) -> models.QuerySet:
        """Other awards to the same recipient with the same form, issuer and year."""
        same = Award.objects.filter(form_id=self.form_id, issuer_id=self.issuer_id, year=self.year)
        if self.recipient_member_id:
            same = same.filter(recipient_member_id=self.recipient_member_id)
        else:
            same = same.filter(recipient_unit_id=self.recipient_unit_id)
        return same.exclude(pk=self.pk) if self.pk else same
