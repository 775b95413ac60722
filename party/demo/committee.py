"""The small demo: a provincial construction department's party committee, and its accounts."""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from party.demo.people import (
    DEMO_SEED,
    add_years,
    card_numbers,
    first_day,
    insert_members,
    random_date,
    random_member,
)
from party.models import Member, PartyStatus, RoleKind, Unit, UnitKind, UnitRole, transfer_member

DEMO_PASSWORD = "lamtheobac@2026"  # meets the 12-character rule of AUTH_PASSWORD_VALIDATORS
ROOT_CODE = "DB-SXD"

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


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str
    created: bool  # False: it existed before and its password was left alone


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
        on = random_date(rng, first_day(member), add_years(today, -1))
        transfer_member(member=member, to_unit=target, on=on)


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
