"""One world with an object of every kind in each cell, for the access-control tests.

The tree:                 TINH (province committee)
                        /                    \\
              DB1 (committee)              DB2 (sibling committee)
             /      |       \\                    |
          CBA      CBB     DTN1 (organization)   CBX
Actors: secretary_a (CBA), secretary_b (CBB), staff (DB1), staff_x (DB2), viewer (DB1),
admin (superuser), deactivated (a secretary of CBA whose account is switched off after login).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection

from party.models import (
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Gender,
    ImportBatch,
    Meeting,
    PartyStatus,
    RoleKind,
    Unit,
    UnitKind,
)
from pledges.models import GoodPractice, Plan, PlanDeed, Pledge, PledgeDeed, PledgeStatus, RatingScale
from pledges.models.practices import PracticeKind
from reports.models import ExportStatus, ReportExport
from tests.conftest import PASSWORD, make_member, make_unit, make_user
from tests.records.test_awards import make_award
from tests.records.test_inspections import make_inspection

YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Cell:
    """A cell with one object of every kind (members, records, plan, registrations...)."""

    unit: Unit
    members: list = field(default_factory=list)
    records: dict = field(default_factory=dict)  # URL slug -> record
    plan: Plan | None = None
    draft: Pledge | None = None  # a registration still open for editing
    evaluated: Pledge | None = None  # an evaluated (locked) registration


def fill_cell(unit: Unit, code: str) -> Cell:
    cell = Cell(unit)
    cell.members = [
        make_member(unit, f"Đảng viên {code}", party_card_number=f"{code}-1", is_leader=True),
        make_member(unit, f"Người lao động {code}", gender=Gender.FEMALE, party_status=PartyStatus.NONE),
        make_member(unit, f"Quần chúng {code}"),
    ]
    inspection = make_inspection(unit, findings=[{"content": f"Hạn chế {code}", "remedy": "Khắc phục"}])
    document = Document(
        unit=unit, kind=DocumentKind.PLAN, issued_on=datetime.date(YEAR, 2, 1), title=f"VB {code}"
    )
    document.file.save(f"{code}.pdf", ContentFile(PDF), save=False)
    document.file_original_name, document.file_content_type, document.file_size = (
        f"{code}.pdf",
        "application/pdf",
        40,
    )
    document.save()
    cell.records = {
        "meetings": Meeting.objects.create(
            unit=unit, held_on=datetime.date(YEAR, 3, 5), attendance_present=8, attendance_expected=10
        ),
        "inspections": inspection,
        "documents": document,
        "conferences": Conference.objects.create(
            unit=unit,
            kind=ConferenceKind.PRELIMINARY_REVIEW,
            held_on=datetime.date(YEAR, 6, 1),
            title=f"Hội nghị {code}",
        ),
        "awards": make_award(member=cell.members[0], year=YEAR - 1, decision_number=f"{code}-QĐ"),
        "practices": GoodPractice.objects.create(
            unit=unit, kind=PracticeKind.MODEL, year=YEAR, title=f"MH {code}"
        ),
    }
    make_award(unit=unit, year=YEAR - 1, decision_number=f"{code}-TT")
    cell.plan = Plan.objects.create(unit=unit, year=YEAR, title=f"Kế hoạch {code}")
    PlanDeed.objects.create(plan=cell.plan, content="Tiết kiệm")
    cell.draft = Pledge.objects.create(member=cell.members[1], unit=unit, year=YEAR, commitment="Cam kết")
    PledgeDeed.objects.create(pledge=cell.draft, content="Đi làm đúng giờ")
    level = RatingScale.objects.in_force_for_year(YEAR).levels.first()
    cell.evaluated = Pledge.objects.create(
        member=cell.members[0], unit=unit, year=YEAR, status=PledgeStatus.EVALUATED, rating=level
    )
    return cell


@dataclass
class World:
    units: dict
    cells: dict  # code -> Cell
    users: dict  # actor -> user (None for anonymous)
    batch: ImportBatch  # uploaded by secretary_a
    export: ReportExport  # asked for by secretary_a, finished


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    root = make_unit("TINH", kind=UnitKind.PARTY_COMMITTEE, short_name="Tỉnh ủy")
    db1 = make_unit("DB1", root, kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Một")
    db2 = make_unit("DB2", root, kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Hai")
    units = {
        "root": root,
        "db1": db1,
        "db2": db2,
        "a": make_unit("CBA", db1, short_name="Chi bộ A"),
        "b": make_unit("CBB", db1, short_name="Chi bộ B"),
        "org": make_unit("DTN1", db1, kind=UnitKind.MASS_ORGANIZATION, short_name="Đoàn Một"),
        "x": make_unit("CBX", db2, short_name="Chi bộ X"),
    }
    cells = {code: fill_cell(units[code], code.upper()) for code in ("a", "b", "x")}
    users = {
        "anonymous": None,
        "secretary_a": make_user("bithu_a", RoleKind.SECRETARY, units["a"]),
        "secretary_b": make_user("bithu_b", RoleKind.SECRETARY, units["b"]),
        "staff": make_user("canbo", RoleKind.STAFF, db1),
        "staff_x": make_user("canbo_x", RoleKind.STAFF, db2),
        "viewer": make_user("nguoixem", RoleKind.VIEWER, db1),
        "admin": get_user_model().objects.create_superuser(username="quantri", password=PASSWORD, email=""),
        "deactivated": make_user("bithu_cu", RoleKind.SECRETARY, units["a"]),
    }
    batch = ImportBatch.objects.create(
        uploaded_by=users["secretary_a"], file_name="a.xlsx", content=b"PK", status=ImportBatch.Status.FAILED
    )
    export = ReportExport.objects.create(
        requested_by=users["secretary_a"],
        unit=units["a"],
        first_year=YEAR,
        last_year=YEAR,
        status=ExportStatus.DONE,
    )
    export.file.save("x.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    return World(units=units, cells=cells, users=users, batch=batch, export=export)


SKIPPED_TABLES = frozenset({"django_session", "party_accessevent"})


def db_state(skip: frozenset[str] = SKIPPED_TABLES) -> dict[str, tuple[int, int]]:
    """Row count and a checksum of every table (sessions and the access log aside: they record
    activity, not data; a refused request is meant to leave a `refused` entry)."""
    state = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in skip:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            # PostgreSQL gives bytea as memoryview, whose repr is its address: compare the bytes.
            rows = sorted(
                repr([bytes(v) if isinstance(v, memoryview) else v for v in row]) for row in cursor.fetchall()
            )
            state[table] = (len(rows), hash(tuple(rows)))
    return state


def state_diff(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))
