"""Benchmark figures, one a line (`name value`; names ending in _s are seconds, _mib memory).

Run with `make bench`, i.e. `DJANGO_SETTINGS_MODULE=config.settings_test python -m tests.bench`.
The import and unit-page figures use a throwaway database: a temporary SQLite file, or, when
DATABASE_URL points to PostgreSQL, a test database next to it (dropped at the end).

The province-size figures use data built once by `seed_demo --scale` (about two minutes) and kept
for the next run: the SQLite file `.bench/scale.sqlite3`, or the PostgreSQL database
`<DATABASE_URL's name>_bench`. A marker row (`bench_scale_marker`) written only after the data is
complete records `SCALE_DATA_VERSION` and the year built; without it, or when either differs, the
data is rebuilt from scratch (an interrupted build is never reused). New migrations are applied to
reused data. Force a rebuild with `--rebuild-scale` (or `BENCH_REBUILD=1 make bench`), or by
deleting the file / dropping the database. `--skip-scale` leaves out the province-size figures.
"""

import argparse
import contextlib
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MEMBERS = 5000
CELLS = 10
PAGE_SIZES = (50, 200)
# Bump when seed_demo --scale builds different data, so kept benchmark data is rebuilt.
SCALE_DATA_VERSION = 1
SCALE_SQLITE = Path(__file__).resolve().parent.parent / ".bench" / "scale.sqlite3"
MARKER = "bench_scale_marker"


def use_throwaway_database() -> Path | None:
    """Point DATABASE_URL at a temporary SQLite file unless it is PostgreSQL (must run before setup)."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        return None
    path = Path(tempfile.gettempdir()) / f"lamtheobac-bench-{os.getpid()}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return path


def figure(name: str, value: float | int, digits: int = 2) -> None:
    print(f"{name} {value:.{digits}f}" if isinstance(value, float) else f"{name} {value}", flush=True)


def timed[T](action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def build_workbook(cells: list, today: datetime.date) -> bytes:
    """A 5,000-row “Đảng viên” sheet, 500 people a cell, with the template's headers."""
    from openpyxl import Workbook

    from party.demo.people import card_numbers, random_member
    from party.imports.members import MemberSheet
    from party.models import Gender, PartyStatus

    rng = random.Random(5000)
    cards = card_numbers(rng, MEMBERS, 90_000_000, 100_000_000)  # apart from the demo's numbers
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(MemberSheet.title)
    sheet.append([column.header for column in MemberSheet.columns])
    for index in range(MEMBERS):
        cell = cells[index % len(cells)]
        member = random_member(rng, cell, today)
        card = next(cards)
        values = {
            "full_name": member.full_name,
            "gender": Gender(member.gender).label,
            "birth_date": member.birth_date,
            "unit_code": cell.code,
            "party_status": PartyStatus(member.party_status).label,
            "party_card_number": card if member.party_status == PartyStatus.FULL else None,
            "admitted_on": member.admitted_on,
            "confirmed_on": member.confirmed_on,
            "position": rng.choice(["Chuyên viên", "Nhân viên", None]),
            "is_leader": "Có" if rng.random() < 0.02 else None,
        }
        sheet.append([values[column.name] for column in MemberSheet.columns])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def page(client, url: str, params: dict | None = None, runs: int = 3) -> tuple[int, float]:
    """Queries of one request and the median time of `runs` requests (after a warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url, params).status_code == 200
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            response, seconds = timed(lambda: client.get(url, params))
        assert response.status_code == 200, response.status_code
        times.append(seconds)
    return len(queries), statistics.median(times)


def bench_import_and_unit_page(admin) -> None:
    from django.test import Client
    from django.urls import reverse

    from party.imports import commit_workbook, preview_workbook
    from party.models import Unit, UnitKind
    from tests.conftest import force_login_verified

    root = Unit.objects.add_root({"code": "BENCH", "short_name": "Đảng bộ đo", "name": "Đảng bộ đo hiệu năng",
                                  "kind": UnitKind.GRASSROOTS_COMMITTEE})  # fmt: skip
    cells = [
        Unit.objects.add_child(root, {"code": f"BENCH-CB{i:02d}", "short_name": f"Chi bộ {i}",
                                      "name": f"Chi bộ {i}", "kind": UnitKind.CELL, "sort_order": i})
        for i in range(1, CELLS + 1)
    ]  # fmt: skip
    data = build_workbook(cells, datetime.date.today())
    arguments = {"data": data, "file_name": "bench.xlsx", "user": admin}

    result, seconds = timed(lambda: preview_workbook(**arguments))
    if not result.ok or result.plans[-1].count("create") != MEMBERS:
        sys.exit(f"preview failed: {[str(e) for e in result.errors[:5]]}")
    figure(f"import_preview_{MEMBERS}_members_s", seconds)
    bench_sheet_checks(data)
    result, seconds = timed(lambda: commit_workbook(**arguments))
    if not result.ok:
        sys.exit(f"commit failed: {[str(e) for e in result.errors[:5]]}")
    figure(f"import_commit_{MEMBERS}_members_s", seconds)
    result, seconds = timed(lambda: preview_workbook(**arguments))
    figure(f"import_repeat_preview_{MEMBERS}_members_s", seconds)
    figure("import_repeat_unchanged_rows", result.plans[-1].count("unchanged"))
    figure("import_repeat_changed_rows", result.plans[-1].count("create") + result.plans[-1].count("update"))

    client = Client()
    force_login_verified(client, admin)  # pages measured, not the two-step sign-in
    url = reverse("unit_detail", args=[cells[0].pk])
    size = cells[0].members.count()
    for per_page in PAGE_SIZES:
        queries, seconds = page(client, url, {"per_page": per_page})
        figure(f"unit_page_{size}_members_per_page_{per_page}_queries", queries)
        figure(f"unit_page_{size}_members_per_page_{per_page}_s", seconds)


def bench_sheet_checks(data: bytes) -> None:
    """The pre-check's share of a preview, and what refusing a 10 KB file with one row numbered
    two billion costs (openpyxl alone would walk every empty row up to it)."""
    import zipfile

    from django.core.exceptions import ValidationError

    from party.imports.members import MemberSheet
    from party.imports.safety import check_sheets
    from tests.party.xlsx_helpers import member, replace_entries, workbook_bytes

    _, seconds = timed(lambda: check_sheets(data, [MemberSheet.title]))
    figure(f"import_sheet_check_{MEMBERS}_members_s", seconds)
    small = workbook_bytes(None, [member("Nguyễn Văn Mới", "BENCH-CB01")])
    part = "xl/worksheets/sheet1.xml"
    xml = (
        zipfile.ZipFile(io.BytesIO(small))
        .read(part)
        .replace(b"</sheetData>", b'<row r="2000000000"/></sheetData>')
    )
    gap = replace_entries(small, {part: xml})

    def refuse() -> None:
        try:
            check_sheets(gap, [MemberSheet.title])
        except ValidationError:
            return
        sys.exit("the row-gap workbook was not refused")

    _, seconds = timed(refuse)
    figure("import_row_gap_refusal_s", seconds, digits=4)


def scale_marker_ok() -> bool:
    """Whether the connected database holds complete scale data of this version and year."""
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, built_year FROM {MARKER}")
        rows = cursor.fetchall()
    return rows == [(SCALE_DATA_VERSION, datetime.date.today().year)]


def use_scale_database(rebuild: bool) -> bool:
    """Connect to the kept scale database (emptied first when incomplete or stale) and migrate it.

    Returns whether the scale data must be built.
    """
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{settings_dict['NAME']}_bench"
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
        settings_dict["NAME"] = name
        if exists and not rebuild:
            rebuild = not scale_marker_ok()
            connection.close()
        if not exists or rebuild:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
            rebuild = True
    else:
        SCALE_SQLITE.parent.mkdir(exist_ok=True)
        settings_dict["NAME"] = str(SCALE_SQLITE)
        rebuild = rebuild or not SCALE_SQLITE.exists() or not scale_marker_ok()
        connection.close()
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{SCALE_SQLITE}{suffix}").unlink()
    call_command("migrate", verbosity=0)
    return rebuild


def build_scale() -> None:
    """seed_demo --scale, then the marker that says the data is complete."""
    from django.core.management import call_command
    from django.db import connection

    _, seconds = timed(lambda: call_command("seed_demo", "--scale", stdout=io.StringIO()))
    figure("scale_data_build_s", seconds)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As autovacuum would soon after a bulk load: planner statistics for the new rows and
            # the visibility map that index-only scans rely on.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
        cursor.execute(f"CREATE TABLE {MARKER} (version integer NOT NULL, built_year integer NOT NULL)")
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s)", [SCALE_DATA_VERSION, datetime.date.today().year]
        )


def bench_scale(admin) -> str:
    """The province-size figures; returns the review report's summary line."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from party.demo.people import SCALE_ROOT_CODE
    from party.models import Member, Unit
    from tests.conftest import force_login_verified

    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    units = Unit.objects.filter(path__startswith=root.path).count()
    members = Member.objects.filter(unit__path__startswith=root.path).count()
    figure("scale_units", units)
    figure("scale_members", members)

    client = Client()
    force_login_verified(client, admin)  # pages measured, not the two-step sign-in
    queries, seconds = page(client, reverse("home"))
    figure("home_page_scale_queries", queries)
    figure("home_page_scale_s", seconds)
    district = Unit.objects.get_first_child(root)
    for name, unit, params in [
        ("province", root, None),
        ("district", district, None),
        ("province_search", root, {"q": "nguyen van an"}),
    ]:
        queries, seconds = page(client, reverse("unit_detail", args=[unit.pk]), params)
        figure(f"unit_page_{name}_queries", queries)
        figure(f"unit_page_{name}_s", seconds)

    # The pledge cycle on five years of registrations (seed_demo --scale --years 5).
    year = datetime.date.today().year
    biggest_cell = (
        Unit.objects.in_subtree(root)
        .filter(kind="cell")
        .annotate(size=Count("members"))
        .order_by("-size")
        .first()
    )
    for name, url_name, unit in [
        (f"progress_page_{units}_units", "progress", root),
        ("progress_page_district", "progress", district),
        (f"incomplete_page_{units}_units", "incomplete", root),
        (f"cell_year_page_{biggest_cell.size}_members", "cell_year", biggest_cell),
        (f"evaluation_page_{biggest_cell.size}_members", "cell_evaluation", biggest_cell),
    ]:
        queries, seconds = page(client, reverse(url_name, args=[unit.pk, year - 1]))
        figure(f"{name}_queries", queries)
        figure(f"{name}_s", seconds)

    # Work records (five years of meetings, inspections, documents, conferences, awards,
    # practices): each list for the whole province and for one district, last year, first page.
    from party.record_views import RECORD_TYPES

    queries, seconds = page(client, reverse("work_home"))
    figure("work_home_scale_queries", queries)
    figure("work_home_scale_s", seconds)
    for record_type in RECORD_TYPES:
        for name, unit in [("province", root), ("district", district)]:
            params = {"unit": unit.pk, "year": year - 1}
            queries, seconds = page(client, reverse(f"{record_type.slug}_list"), params)
            figure(f"{record_type.slug}_list_{name}_queries", queries)
            figure(f"{record_type.slug}_list_{name}_s", seconds)
        queries, seconds = page(client, reverse(f"{record_type.slug}_list"), {"q": "chi thi"})
        figure(f"{record_type.slug}_list_search_queries", queries)
        figure(f"{record_type.slug}_list_search_s", seconds)

    # The review report (sơ kết / tổng kết) over the five years: ORM against hand-written SQL.
    from party.models import UnitKind
    from tests.bench_report import report_figures

    committee = Unit.objects.in_subtree(root).filter(kind=UnitKind.GRASSROOTS_COMMITTEE).order_by("path")[0]
    return report_figures(root, committee, biggest_cell, figure)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-scale", action="store_true", help="leave out the province-size figures")
    parser.add_argument("--rebuild-scale", action="store_true", help="rebuild the kept province-size data")
    options = parser.parse_args()

    sqlite_path = use_throwaway_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    started = time.perf_counter()
    old_config = None
    try:
        if sqlite_path is None:
            # A name of its own: never drop the test database of a pytest run going on meanwhile.
            settings_dict = connections["default"].settings_dict
            settings_dict["TEST"]["NAME"] = f"test_{settings_dict['NAME']}_bench"
            old_config = setup_databases(verbosity=0, interactive=False)
        else:
            call_command("migrate", verbosity=0)
        admin = get_user_model().objects.create_superuser(username="bench", password=None, email="")
        bench_import_and_unit_page(admin)
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)  # restores the configured database name
        connections.close_all()
        if sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{sqlite_path}{suffix}").unlink()
    if not options.skip_scale:
        rebuild = options.rebuild_scale or os.environ.get("BENCH_REBUILD", "") not in ("", "0")
        if use_scale_database(rebuild):
            build_scale()
        else:
            figure("scale_data_reused", 1)
        admin, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
        summary = bench_scale(admin)
        connections.close_all()
    figure("bench_total_s", time.perf_counter() - started)
    if not options.skip_scale:
        print(summary, flush=True)  # the last line: the review report's targets


if __name__ == "__main__":
    main()
