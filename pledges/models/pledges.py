"""Personal registrations (bản đăng ký làm theo Bác) and their year-end evaluation."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from party.models import Member, Unit
from party.models.units import in_scope
from pledges.models.plans import DeedCountQuerySet
from pledges.models.ratings import RatingLevel


class PledgeStatus(models.TextChoices):
    REGISTERED = "registered", "Đã đăng ký"
    EVALUATED = "evaluated", "Đã đánh giá"
    NOT_EVALUATED = "not_evaluated", "Chưa đánh giá"


class NotEvaluatedReason(models.TextChoices):
    EXEMPT = "exempt", "Miễn sinh hoạt đảng"
    SICK_LEAVE = "sick_leave", "Nghỉ ốm dài ngày"
    TRANSFERRED_IN = "transferred_in", "Mới chuyển đến"
    OTHER = "other", "Lý do khác"


class PledgeQuerySet(DeedCountQuerySet):
    """Registrations are in scope through the unit they were made in (history stays there)."""

    def for_year(self, year: int) -> "PledgeQuerySet":
        return self.filter(year=year)

    def of_people_in(self, unit: Unit, year: int) -> list[tuple[Member, "Pledge | None"]]:
        """Everyone who belonged to the unit in the year, in name order, with their registration
        of that year (wherever it was made) or None: two queries, whatever the size of the cell.
        """
        members = list(Member.objects.belonging_in_year(unit, year).select_related("unit").in_name_order())
        chosen = self.select_related("unit").filter(year=year, member__in=[m.pk for m in members])
        pledges = {p.member_id: p for p in chosen}
        return [(member, pledges.get(member.pk)) for member in members]


def registration_readable(user, member: Member, pledge: "Pledge | None") -> bool:
    """Whether `user` may open the person's registration page of the year: a registration is read
    through the unit it was made in, a year without one through the person's current unit. Either
    may lie outside the scope of a cell a person moved into or out of during the year."""
    return in_scope(user, pledge.unit if pledge is not None else member.unit)


class Pledge(models.Model):
    """A person's registration for a year: commitment, deeds, and the year-end evaluation."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="pledges", verbose_name="người đăng ký"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="pledges", verbose_name="đơn vị",
        help_text="Đơn vị nơi đăng ký; không đổi khi người này chuyển sinh hoạt.",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("năm")
    commitment = models.TextField("nội dung cam kết", blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.REGISTERED
    )
    rating = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="xếp loại",
    )
    score = models.DecimalField("điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    rating_reason = models.TextField("lý do xếp loại khác mức theo điểm", blank=True)
    evaluation_comment = models.TextField("nhận xét", blank=True)
    not_evaluated_reason = models.CharField(
        "lý do chưa đánh giá", max_length=20, choices=NotEvaluatedReason.choices, blank=True
    )
    evaluated_at = models.DateTimeField("đánh giá lúc", null=True, blank=True)
    deed_count = models.PositiveIntegerField("số việc làm", default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    history = HistoricalRecords(verbose_name="lịch sử bản đăng ký", excluded_fields=["deed_count"])

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = "bản đăng ký làm theo Bác"
        verbose_name_plural = "bản đăng ký làm theo Bác"
        ordering = ["-year", "member__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_pledge_per_member_and_year"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="score_within_0_100"
            ),
        ]
        # The progress table counts one year's registrations per unit and state.
        indexes = [models.Index(fields=["unit", "year"]), models.Index(fields=["year", "unit", "status"])]

    def __str__(self) -> str:
        return f"{self.member.full_name} — {self.year}"

    @property
    def is_locked(self) -> bool:
        """Evaluated registrations are read-only for secretaries until staff reopen them."""
        return self.status != PledgeStatus.REGISTERED


class PledgeDeed(models.Model):
    """A deed a person registers (việc làm theo Bác) and, at year end, whether it was done."""

    parent_field = "pledge"

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="deeds", verbose_name="bản đăng ký"
    )
    content = models.TextField("nội dung việc làm")
    target = models.CharField("chỉ tiêu, kết quả cần đạt", max_length=255, blank=True)
    deadline = models.DateField("thời hạn", null=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    done = models.BooleanField("đã thực hiện", null=True, blank=True)
    history = HistoricalRecords(verbose_name="lịch sử việc làm")

    class Meta:
        verbose_name = "việc làm theo Bác"
        verbose_name_plural = "việc làm theo Bác"
        ordering = ["pledge", "position", "pk"]

    def __str__(self) -> str:
        return self.content[:80]
