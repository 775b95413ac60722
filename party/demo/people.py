"""People for the demo data: Vietnamese names, consistent dates, card numbers, bulk inserts.

Everything is drawn from a `random.Random`, so a seed gives the same people every time (dates that
must stay recent, like a probationary member's admission, count back from today).
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from party.models import Gender, Member, Membership, PartyStatus, Unit

DEMO_SEED = 2026
# People already in a unit when the records start: their first period begins here at the latest.
RECORDS_START = datetime.date(2015, 1, 1)

# Family names with rough weights from Vietnamese population surveys (Nguyễn ~38 %).
FAMILY_NAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 5, "Huỳnh": 4, "Phan": 4, "Vũ": 4, "Võ": 3,
    "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 2, "Ngô": 2, "Dương": 1, "Lý": 1, "Trương": 1, "Đinh": 1,
    "Lương": 1, "Mai": 1,
}  # fmt: skip
MIDDLE_NAMES = {
    Gender.MALE: ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Ngọc", "Xuân",
                  "Đình", "Trọng", "Anh", "Quốc", "Tiến"],
    Gender.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Thúy", "Bích",
                    "Kim", "Diệu", "Hải", "Thị Thu", "Thị Minh"],
}  # fmt: skip
GIVEN_NAMES = {
    Gender.MALE: ["An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa", "Hùng",
                  "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Nam", "Nghĩa", "Phong",
                  "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú",
                  "Tuấn", "Việt", "Vinh", "Vũ", "Ân", "Ánh"],
    Gender.FEMALE: ["Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
                    "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga",
                    "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang",
                    "Tuyết", "Uyên", "Vân", "Xuân", "Yến"],
}  # fmt: skip


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def vietnamese_name(rng: random.Random, gender: str) -> str:
    """A plausible full name: family name, one or two middle names, given name."""
    family = rng.choices(list(FAMILY_NAMES), weights=list(FAMILY_NAMES.values()))[0]
    return f"{family} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"


def random_member(
    rng: random.Random,
    unit: Unit | int,
    today: datetime.date,
    status: str | None = None,
    senior: bool = False,
) -> Member:
    """An unsaved person with consistent dates; `status` is drawn (75 % full, 5 % probationary) if None.

    `senior` people (directors, heads of offices) are born before 1980.
    """
    if status is None:
        draw = rng.random()
        status = (
            PartyStatus.NONE if draw < 0.20 else PartyStatus.PROBATIONARY if draw < 0.25 else PartyStatus.FULL
        )
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    # Most people join the Party young: probationary members are born from 1988 on.
    first_year = 1988 if status == PartyStatus.PROBATIONARY else 1965
    last_year = 1979 if senior else 2000
    born = random_date(rng, datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))
    admitted = confirmed = None
    if status == PartyStatus.PROBATIONARY:
        # Probation lasts 12 months: a probationary member was admitted within the last year.
        admitted = today - datetime.timedelta(days=rng.randint(20, 340))
    elif status == PartyStatus.FULL:
        latest = min(add_years(born, 45), add_years(today, -2))
        admitted = random_date(rng, add_years(born, 20), latest)
        confirmed = add_years(admitted, 1)
    member = Member(
        full_name=vietnamese_name(rng, gender),
        gender=gender,
        birth_date=born,
        party_status=status,
        admitted_on=admitted,
        confirmed_on=confirmed,
    )
    if isinstance(unit, Unit):
        member.unit = unit
    else:
        member.unit_id = unit
    return member


def card_numbers(rng: random.Random, count: int, first: int, last: int) -> Iterator[str]:
    """Distinct 8-digit party card numbers drawn from [first, last)."""
    for number in rng.sample(range(first, last), count):
        yield f"{number:08d}"


@dataclass(frozen=True)
class Move:
    """A person who moved on `on` from `from_unit` to their current unit, as `transfer_member()`
    records it: the old period ends that day and the new one starts it."""

    member: Member
    from_unit: int
    on: datetime.date


def first_day(member: Member) -> datetime.date:
    """When the person's first period starts: on admission, or when the records start."""
    return max(member.admitted_on or RECORDS_START, RECORDS_START)


def insert_members(members: list[Member], moves: list[Move] = (), batch_size: int = 5000) -> list[Member]:
    """Bulk insert people with their membership periods (bulk_create skips Member.save and sends no
    signals: whoever keeps figures over people refreshes them after the whole build)."""
    for member in members:
        member.fill_derived_fields()
    Member.objects.bulk_create(members, batch_size=batch_size)
    moved = {move.member.pk: move for move in moves}
    periods = []
    for member in members:
        move = moved.get(member.pk)
        if move is None:
            periods.append(
                Membership(member_id=member.pk, unit_id=member.unit_id, started_on=first_day(member))
            )
        else:
            periods += [
                Membership(
                    member_id=member.pk,
                    unit_id=move.from_unit,
                    started_on=first_day(member),
                    ended_on=move.on,
                ),
                Membership(member_id=member.pk, unit_id=member.unit_id, started_on=move.on),
            ]
    Membership.objects.bulk_create(periods, batch_size=batch_size)
    return members
