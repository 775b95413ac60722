"""People of the organization (đảng viên, người lao động) and where they belonged when."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from party.models.units import Unit, UnitScopedQuerySet, scope_paths, subtree_q, words_q
from party.text import clean_name, name_sort_key, search_key


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class PartyStatus(models.TextChoices):
    FULL = "full", "Đảng viên chính thức"
    PROBATIONARY = "probationary", "Đảng viên dự bị"
    NONE = "none", "Người lao động (quần chúng)"


class MemberQuerySet(UnitScopedQuerySet):
    """People are in scope through their current unit."""

    def known_to(self, user) -> "MemberQuerySet":
        """People the user may read now or could read then: their unit is in the user's scope, or
        one of their periods was (a cell's past members stay on its past years' pages).

        Looking people up by an identifier the user types (a card number in an import) goes
        through this, so a person outside it is "not found", never named (docs/privacy.md).
        """
        paths = scope_paths(user)
        if paths is None:
            return self
        periods = Membership.objects.filter(subtree_q(paths, field="unit__path"))
        return self.filter(subtree_q(paths, field="unit__path") | Q(pk__in=periods.values("member_id")))

    def search(self, text: str) -> "MemberQuerySet":
        """Every word must start a word of the name, ignoring case and diacritics.

        "nguyen an" finds "Nguyễn Văn An" and "Nguyễn Thị Anh", not "Nguyễn Văn Bình".
        """
        return self.filter(words_q(text))

    def belonging_in_year(self, unit: Unit, year: int) -> "MemberQuerySet":
        """People who were members of this unit at some time during the year (history-true)."""
        return self.belonging(unit, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def belonging(self, unit, first_day, last_day) -> "MemberQuerySet":
        """People who were members of the unit on at least one day from `first_day` to `last_day`."""
        periods = Membership.objects.overlapping(first_day, last_day).filter(unit=unit)
        return self.filter(pk__in=periods.values("member_id"))

    def in_name_order(self) -> "MemberQuerySet":
        return self.order_by("sort_key", "birth_date", "pk")


class Member(models.Model):
    """A party member or employee (đảng viên / người lao động) and their current unit."""

    full_name = models.CharField("họ và tên", max_length=120)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    party_status = models.CharField(
        "đối tượng", max_length=20, choices=PartyStatus.choices, default=PartyStatus.FULL
    )
    # NULL, not "", when absent: the uniqueness constraint only covers real card numbers.
    party_card_number = models.CharField(  # noqa: DJ001
        "số thẻ đảng viên", max_length=30, null=True, blank=True, help_text="Để trống nếu chưa có."
    )
    admitted_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    confirmed_on = models.DateField("ngày chính thức", null=True, blank=True)
    position = models.CharField("chức vụ", max_length=200, blank=True)
    is_leader = models.BooleanField(
        "cán bộ diện BTV quản lý",
        default=False,
        help_text="Cán bộ thuộc diện Ban Thường vụ quản lý: bản đăng ký được công khai.",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name="đơn vị sinh hoạt"
    )
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    # Corrections of personal data keep every earlier version, with who changed it and when.
    history = HistoricalRecords(
        verbose_name="lịch sử thông tin cá nhân", excluded_fields=["search_name", "sort_key"]
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng viên, người lao động"
        verbose_name_plural = "đảng viên, người lao động"
        ordering = ["sort_key", "birth_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=Q(party_card_number__isnull=False),
                name="unique_party_card_number",
                violation_error_message="Số thẻ đảng viên này đã có ở một người khác.",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(confirmed_on__gte=F("admitted_on")),
                name="confirmed_after_admitted",
                violation_error_message="Ngày chính thức không thể trước ngày vào Đảng.",
            ),
        ]
        indexes = [models.Index(fields=["unit", "sort_key"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        creating = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if creating:
                Membership.objects.create(member=self, unit=self.unit, started_on=datetime.date.today())

    def clean(self) -> None:
        errors = {}
        if self.admitted_on and self.confirmed_on and self.confirmed_on < self.admitted_on:
            errors["confirmed_on"] = "Ngày chính thức không thể trước ngày vào Đảng."
        if self.party_status == PartyStatus.NONE and self.party_card_number:
            errors["party_card_number"] = "Người lao động chưa vào Đảng không có số thẻ đảng viên."
        if self.birth_date and self.birth_date > datetime.date.today():
            errors["birth_date"] = "Ngày sinh không thể ở tương lai."
        if errors:
            raise ValidationError(errors)

    def unit_on(self, date: datetime.date) -> Unit:
        """The unit the person belonged to on a date; the rule is `period_on()`'s."""
        period = period_on(self.memberships.select_related("unit"), date)
        return period.unit if period else self.unit

    def was_party_member_on(self, date: datetime.date) -> bool:
        """A party member on that date: not an employee, and admitted by then (if the date is known)."""
        if self.party_status == PartyStatus.NONE:
            return False
        return self.admitted_on is None or self.admitted_on <= date

    def fill_derived_fields(self) -> None:
        """Normalize the name and compute the search and sort keys (also used by bulk inserts)."""
        self.full_name = clean_name(self.full_name)
        self.party_card_number = (self.party_card_number or "").strip() or None
        self.search_name = search_key(self.full_name)
        self.sort_key = name_sort_key(self.full_name)


def period_on(periods: Iterable["Membership"], date: datetime.date) -> "Membership | None":
    """The membership period that files something dated `date` (awards, imports), or None.

    The period covering the date (the latest started, should periods overlap); before the first
    period, the first one: a record dated before the person's history starts (a decision entered
    late, a period opened on the day of data entry) stays with the unit they started in and is not
    re-filed to wherever they belong after a transfer. None (the caller uses the current unit)
    only for a person without periods or a date in a gap between two periods.
    Pure over already-loaded periods, so an import can apply it to prefetched rows without queries.
    """
    periods = sorted(periods, key=lambda m: (m.started_on, m.pk))
    covering = [m for m in periods if m.started_on <= date and (m.ended_on is None or m.ended_on >= date)]
    if covering:
        return covering[-1]
    if periods and date < periods[0].started_on:
        return periods[0]
    return None


class MembershipQuerySet(models.QuerySet):
    def overlapping_year(self, year: int) -> "MembershipQuerySet":
        """Periods that cover at least one day of the year."""
        return self.overlapping(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def overlapping(self, first_day, last_day) -> "MembershipQuerySet":
        """Periods that cover at least one day from `first_day` to `last_day`."""
        started = self.filter(started_on__lte=last_day)
        return started.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first_day))


class Membership(models.Model):
    """A period a person belonged to a unit; a transfer closes one and opens the next."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", verbose_name="người"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="đơn vị"
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    history = HistoricalRecords(verbose_name="lịch sử quá trình sinh hoạt")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        ordering = ["member", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="one_open_membership",
                violation_error_message="Mỗi người chỉ có một quá trình sinh hoạt chưa có “đến ngày”.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
                violation_error_message="“Đến ngày” không thể trước “từ ngày”.",
            ),
        ]

    def __str__(self) -> str:
        end = self.ended_on.strftime("%d/%m/%Y") if self.ended_on else "nay"
        return f"{self.unit.short_name}: {self.started_on:%d/%m/%Y} – {end}"


def check_transfer_date(member: Member, on: datetime.date) -> Membership | None:
    """The open period a transfer on that date would close; refused if the date is before it."""
    current = member.memberships.filter(ended_on__isnull=True).first()
    if current is not None and on < current.started_on:
        raise ValidationError(
            f"Ngày chuyển phải từ {current.started_on:%d/%m/%Y} (ngày bắt đầu sinh hoạt hiện tại) trở đi."
        )
    return current


@transaction.atomic
def transfer_member(*, member: Member, to_unit: Unit, on: datetime.date) -> Membership:
    """Move a person to another unit, closing the current period so past reports stay true."""
    if to_unit.pk == member.unit_id:
        raise ValidationError("Người này đã sinh hoạt ở đơn vị đó.")
    current = check_transfer_date(member, on)
    if current is not None:
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    member.unit = to_unit
    member.save(update_fields=["unit", "updated_at"])  # through save(): the history records the move
    return Membership.objects.create(member=member, unit=to_unit, started_on=on)
