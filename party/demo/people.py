"""Demo data: one realistic grassroots committee, and a province-size tree for benchmarks.

Everything is drawn from `random.Random(seed)`, so a seed gives the same people every time
(dates that must stay recent, like a probationary member's admission, count back from today).
Later features extend the demo by adding steps to `build_demo()`.
"""

import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from party.models import (
    Gender,
    Member,
    Membership,
    PartyStatus,
    RoleKind,
    Unit,
    UnitKind,
    UnitRole,
    transfer_member,
)
from reports.tallies import refresh_tallies

DEMO_PASSWORD = "lamtheobac@2026"  # meets the 12-character rule of AUTH_PASSWORD_VALIDATORS
DEMO_SEED = 2026
ROOT_CODE = "DB-SXD"
SCALE_ROOT_CODE = "DB-TINH"
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
PLACE_WORDS = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Xuân", "Đông", "Tây", "Nam", "Bắc",
               "Trung", "Hưng", "Thịnh", "Phước", "Hiệp", "Lộc", "Mỹ", "Quang", "Sơn", "Thủy", "Vĩnh",
               "Yên", "Đức", "Thuận", "Hải", "Lạc", "Cẩm", "Kỳ"]  # fmt: skip

# The small demo: a provincial construction department's party committee.
DEMO_CELLS = [
    # code, short name, head's position, deputy's position, staff positions, size
    ("CB-VP", "Chi bộ Văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng",
     ["Chuyên viên", "Kế toán", "Văn thư", "Lái xe", "Nhân viên"], 22),
    ("CB-QLXD", "Chi bộ Phòng Quản lý xây dựng", "Trưởng phòng Quản lý xây dựng",
     "Phó Trưởng phòng Quản lý xây dựng", ["Chuyên viên", "Chuyên viên chính", "Kỹ sư"], 22),
    ("CB-QHKT", "Chi bộ Phòng Quy hoạch - Kiến trúc", "Trưởng phòng Quy hoạch - Kiến trúc",
     "Phó Trưởng phòng Quy hoạch - Kiến trúc", ["Chuyên viên", "Kiến trúc sư"], 16),
    ("CB-HTKT", "Chi bộ Phòng Hạ tầng kỹ thuật", "Trưởng phòng Hạ tầng kỹ thuật",
     "Phó Trưởng phòng Hạ tầng kỹ thuật", ["Chuyên viên", "Kỹ sư"], 15),
    ("CB-NO", "Chi bộ Phòng Phát triển đô thị và Nhà ở", "Trưởng phòng Phát triển đô thị và Nhà ở",
     "Phó Trưởng phòng Phát triển đô thị và Nhà ở", ["Chuyên viên", "Chuyên viên chính"], 14),
    ("CB-TTR", "Chi bộ Thanh tra Sở", "Chánh Thanh tra Sở", "Phó Chánh Thanh tra Sở",
     ["Thanh tra viên", "Thanh tra viên chính"], 12),
    ("CB-GD", "Chi bộ Trung tâm Giám định chất lượng xây dựng", "Giám đốc Trung tâm",
     "Phó Giám đốc Trung tâm", ["Kỹ sư", "Kỹ thuật viên", "Nhân viên", "Kế toán"], 25),
    ("CB-VQH", "Chi bộ Viện Quy hoạch - Kiến trúc", "Viện trưởng", "Phó Viện trưởng",
     ["Kiến trúc sư", "Kỹ sư", "Chuyên viên"], 24),
]  # fmt: skip
DEMO_MASS_ORGANIZATIONS = [
    ("CD-SXD", "Công đoàn Sở Xây dựng", "Công đoàn cơ sở Sở Xây dựng"),
    ("DTN-SXD", "Đoàn Thanh niên Sở Xây dựng", "Đoàn Thanh niên Cộng sản Hồ Chí Minh Sở Xây dựng"),
]
# The department's directors belong to the office cell.
DIRECTORS = ["Giám đốc Sở", "Phó Giám đốc Sở", "Phó Giám đốc Sở", "Phó Giám đốc Sở"]
SCALE_POSITIONS = ["", "", "", "Chuyên viên", "Nhân viên", "Cán bộ", "Giáo viên", "Kỹ sư", "Kế toán"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str
    created: bool  # False: it existed before and its password was left alone


# People -----------------------------------------------------------------------------------------


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


def insert_members(members: list[Member], batch_size: int = 5000) -> list[Member]:
    """Bulk insert people with their first membership period (bulk_create skips Member.save)."""
    for member in members:
        member.fill_derived_fields()
    Member.objects.bulk_create(members, batch_size=batch_size)
    Membership.objects.bulk_create(
        [
            Membership(
                member_id=m.pk,
                unit_id=m.unit_id,
                started_on=max(m.admitted_on or RECORDS_START, RECORDS_START),
            )
            for m in members
        ],
        batch_size=batch_size,
    )
    refresh_tallies({m.unit_id for m in members})
    return members


# The small demo ---------------------------------------------------------------------------------


@transaction.atomic
def build_demo(seed: int = DEMO_SEED, today: datetime.date | None = None) -> list[DemoAccount]:
    """One grassroots committee with 8 cells, 2 mass organizations, ~150 people and 3 accounts."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    root, cells = build_demo_units()
    build_demo_members(rng, cells, today)
    return ensure_demo_accounts(root, cells[0])


def build_demo_units() -> tuple[Unit, list[Unit]]:
    root = Unit.objects.add_root(
        {
            "code": ROOT_CODE,
            "short_name": "Đảng bộ Sở Xây dựng",
            "name": "Đảng bộ Sở Xây dựng tỉnh Hà Tĩnh",
            "kind": UnitKind.GRASSROOTS_COMMITTEE,
        }
    )
    cells = []
    for order, (code, short_name, *_rest) in enumerate(DEMO_CELLS, start=1):
        fields = {"code": code, "short_name": short_name, "name": f"{short_name} Sở Xây dựng"}
        if "Sở" in short_name:
            fields["name"] = short_name
        cells.append(Unit.objects.add_child(root, {**fields, "kind": UnitKind.CELL, "sort_order": order}))
    for order, (code, short_name, name) in enumerate(DEMO_MASS_ORGANIZATIONS, start=50):
        Unit.objects.add_child(
            root,
            {"code": code, "short_name": short_name, "name": name, "kind": UnitKind.MASS_ORGANIZATION,
             "sort_order": order},
        )  # fmt: skip
    return root, cells


def build_demo_members(rng: random.Random, cells: list[Unit], today: datetime.date) -> None:
    """~150 people: heads and deputies first, then staff; then a few transfers between cells."""
    members: list[Member] = []
    staff: list[Member] = []
    for cell, (_code, _short, head, deputy, positions, size) in zip(cells, DEMO_CELLS, strict=True):
        leaders = [*DIRECTORS, head, deputy] if cell.code == "CB-VP" else [head, deputy]
        for index in range(size):
            heading = index < len(leaders)
            member = random_member(rng, cell, today, PartyStatus.FULL if heading else None, senior=heading)
            member.position = leaders[index] if index < len(leaders) else rng.choice(positions)
            # Directors and heads of office are managed by the Standing Committee (diện BTV quản lý).
            member.is_leader = index < len(leaders) - 1
            members.append(member)
            if not heading:
                staff.append(member)
    full = [m for m in members if m.party_status == PartyStatus.FULL]
    for member, card in zip(full, card_numbers(rng, len(full), 10_000_000, 50_000_000), strict=True):
        member.party_card_number = card
    insert_members(members)

    # A few people moved between cells in the past: their history has two periods.
    movable = [m for m in staff if m.party_status == PartyStatus.FULL]
    for member in rng.sample(movable, 6):
        target = rng.choice([c for c in cells if c.pk != member.unit_id])
        started = max(member.admitted_on or RECORDS_START, RECORDS_START)
        transfer_member(member=member, to_unit=target, on=random_date(rng, started, add_years(today, -1)))


def ensure_demo_accounts(root: Unit, first_cell: Unit) -> list[DemoAccount]:
    """admin (superuser), canbo (staff of the committee), bithu (secretary of the first cell).

    An account that already exists keeps its password: only the missing role is added.
    """
    users = get_user_model().objects
    accounts = []
    wanted = [
        ("admin", None, None, "Quản trị hệ thống (toàn quyền)"),
        ("canbo", RoleKind.STAFF, root, f"Cán bộ Đảng ủy — {root.short_name}"),
        ("bithu", RoleKind.SECRETARY, first_cell, f"Bí thư chi bộ — {first_cell.short_name}"),
    ]
    for username, role, unit, description in wanted:
        user = users.filter(username=username).first()
        created = user is None
        if created and role is None:
            user = users.create_superuser(username=username, password=DEMO_PASSWORD, email="")
        elif created:
            user = users.create_user(username=username, password=DEMO_PASSWORD)
        if role is not None:
            UnitRole.objects.get_or_create(user=user, unit=unit, defaults={"role": role})
        accounts.append(DemoAccount(username, description, created))
    return accounts


def existing_demo_accounts() -> list[DemoAccount]:
    """The demo accounts present in the database (for the table printed on every start)."""
    descriptions = {
        "admin": "Quản trị hệ thống (toàn quyền)",
        "canbo": "Cán bộ Đảng ủy (cả đảng bộ)",
        "bithu": "Bí thư chi bộ (một chi bộ)",
    }
    present = set(
        get_user_model().objects.filter(username__in=descriptions).values_list("username", flat=True)
    )
    return [DemoAccount(name, text, False) for name, text in descriptions.items() if name in present]


# The province-size tree -------------------------------------------------------------------------


def unit_data(code: str, short_name: str, name: str, kind: str, sort_order: int) -> dict:
    """Fields of a unit for a bulk load: bulk_create skips Unit.save, so fill what it fills."""
    unit = Unit(code=code, short_name=short_name, name=name, kind=kind, sort_order=sort_order)
    unit.fill_derived_fields()
    fields = ("code", "short_name", "name", "kind", "sort_order", "search_name")
    return {field: getattr(unit, field) for field in fields}


def _node(data: dict, children: list[dict] | None = None) -> dict:
    # load_bulk keeps the given order: give children as node_order_by (sort_order, code) sorts them.
    ordered = sorted(children or [], key=lambda c: (c["data"]["sort_order"], c["data"]["code"]))
    return {"data": data, "children": ordered}


def place_name(rng: random.Random) -> str:
    first, second = rng.sample(PLACE_WORDS, 2)
    return f"{first} {second}"


def scale_tree(rng: random.Random, units: int) -> dict:
    """Province committee → district-level committees → grassroots committees → cells and mass
    organizations; districts are added until about `units` units (about 50 a district)."""
    districts: list[dict] = []
    total = 1
    while not districts or total < units:
        number = len(districts) + 1
        code = f"T-H{number:02d}"
        place = place_name(rng)
        kind_name = rng.choice(["huyện", "huyện", "huyện", "thị xã", "thành phố"])
        grassroots = []
        for g in range(1, rng.randint(5, 13) + 1):
            g_code = f"{code}-C{g:02d}"
            g_place = place_name(rng)
            cells = [
                _node(unit_data(f"{g_code}-CB{c:02d}", f"Chi bộ thôn {c}", f"Chi bộ thôn {c}, xã {g_place}",
                                UnitKind.CELL, c))
                for c in range(1, rng.randint(2, 4) + 1)
            ]  # fmt: skip
            organizations = [_node(unit_data(f"{g_code}-CD", "Công đoàn", f"Công đoàn xã {g_place}",
                                             UnitKind.MASS_ORGANIZATION, 90))]  # fmt: skip
            if rng.random() < 0.5:
                organizations.append(
                    _node(unit_data(f"{g_code}-DTN", "Đoàn Thanh niên", f"Đoàn Thanh niên xã {g_place}",
                                    UnitKind.MASS_ORGANIZATION, 91))
                )  # fmt: skip
            grassroots.append(
                _node(
                    unit_data(g_code, f"Đảng bộ xã {g_place}", f"Đảng bộ xã {g_place}, {kind_name} {place}",
                              UnitKind.GRASSROOTS_COMMITTEE, g),
                    cells + organizations,
                )
            )  # fmt: skip
            total += 1 + len(cells) + len(organizations)
        districts.append(
            _node(
                unit_data(code, f"Đảng bộ {kind_name} {place}", f"Đảng bộ {kind_name} {place}",
                          UnitKind.PARTY_COMMITTEE, number),
                grassroots,
            )
        )  # fmt: skip
        total += 1
    root = unit_data(
        SCALE_ROOT_CODE, "Đảng bộ tỉnh Sơn Hà", "Đảng bộ tỉnh Sơn Hà", UnitKind.PARTY_COMMITTEE, 100
    )
    return _node(root, districts)


def split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, summing exactly to `total`."""
    whole = sum(weights)
    counts = [int(total * w / whole) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


@dataclass(frozen=True)
class ScaleResult:
    units: int
    members: int
    seconds: float


@transaction.atomic
def build_scale(
    units: int = 2000, members: int = 100_000, seed: int = DEMO_SEED, batch_size: int = 5000
) -> ScaleResult:
    """A province-size tree as a new root beside any existing units, loaded in bulk."""
    started = time.monotonic()
    rng = random.Random(seed)
    today = datetime.date.today()
    added = Unit.objects.load_bulk([scale_tree(rng, units)], parent=None, bulk_create=True)
    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    cell_ids = list(
        Unit.objects.filter(path__startswith=root.path, kind=UnitKind.CELL)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    sizes = split(members, [rng.uniform(0.3, 1.7) for _ in cell_ids])
    # Party card numbers of the scale data live in [50,000,000, 90,000,000): the small demo
    # uses lower numbers, so both fit in one database.
    cards = card_numbers(rng, members, 50_000_000, 90_000_000)
    batch: list[Member] = []
    for cell_id, size in zip(cell_ids, sizes, strict=True):
        for index in range(size):
            # The first two of a cell are its secretary and deputy, who are full members.
            member = random_member(rng, cell_id, today, PartyStatus.FULL if index < 2 else None)
            member.position = (
                ("Bí thư chi bộ", "Phó Bí thư chi bộ")[index] if index < 2 else rng.choice(SCALE_POSITIONS)
            )
            member.is_leader = rng.random() < 0.02
            # Every person takes a card number so the numbers do not depend on who is a full member.
            card = next(cards)
            member.party_card_number = card if member.party_status == PartyStatus.FULL else None
            batch.append(member)
            if len(batch) >= batch_size:
                insert_members(batch, batch_size)
                batch = []
    insert_members(batch, batch_size)
    return ScaleResult(len(added), members, time.monotonic() - started)
