"""Benchmark figures, one a line (`name value`; names ending in _s are seconds, _mib memory).

Run with `make bench` (`make bench BENCH_SCALE=10` for ten times a province), i.e.
`DJANGO_SETTINGS_MODULE=config.settings_test python -m tests.bench [--scale 10]`.

First, in a throwaway database (a temporary SQLite file, or, when DATABASE_URL points to PostgreSQL,
a test database next to it, dropped at the end): a 5,000-person import into an empty database
(`import_empty_*`, to compare with the same import into the province), the sheet pre-check, and
the unit page of a 500-member cell.

Then the province-size data, built by `seed_demo --scale FACTOR` (factor 1: about 2,000 units and
100,000 people; 10: ten times that) and kept for the next run of the same factor: the SQLite file
`.bench/scale.sqlite3` (`.bench/scale-x10.sqlite3`), or the PostgreSQL database
`<DATABASE_URL's name>_bench` (`..._bench_x10`). A marker row (`bench_scale_marker`) written only
after the data is complete records `SCALE_DATA_VERSION`, the factor and the year built; without
it, or when one differs, the data is rebuilt from scratch (an interrupted build is never reused).
New migrations are applied to reused data. Force a rebuild with `--rebuild-scale` (or
`BENCH_REBUILD=1 make bench`), or by deleting the file / dropping the database. `--skip-scale`
leaves out the province-size figures.

On it, as the people who use them: pages of units, people, the pledge cycle and work records; the
review report page as province staff, district staff and a cell's secretary for the whole tree, the
district closest to 4,000 people, its largest grassroots committee and that committee's largest
cell (tests/bench_report.py, with `report_totals()` against one hand-written statement); and a
5,000-person import into existing cells of that district through the import pages, preview and
commit, rolled back afterwards so the kept data stays as built.
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
DISTRICT_PEOPLE = 4000  # the district-size subtree: the district closest to this many people
# Bump when seed_demo --scale builds different data, so kept benchmark data is rebuilt.
SCALE_DATA_VERSION = 2
SCALE_DIRECTORY = Path(__file__).resolve().parent.parent / ".bench"
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
    """A 5,000-row “Đảng viên” sheet spread over `cells`, with the template's headers."""
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


def verified_client(user):
    """A test client signed in as `user`, past the second factor: pages are measured, not sign-in."""
    from django.test import Client

    from tests.conftest import force_login_verified

    client = Client()
    force_login_verified(client, user)
    return client


# The throwaway database ---------------------------------------------------------------------------


def bench_empty_import_and_unit_page(admin) -> None:
    from django.urls import reverse

    from party.imports import commit_workbook, preview_workbook
    from party.models import Unit, UnitKind

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
    figure(f"import_empty_preview_{MEMBERS}_members_s", seconds)
    bench_sheet_checks(data)
    result, seconds = timed(lambda: commit_workbook(**arguments))
    if not result.ok:
        sys.exit(f"commit failed: {[str(e) for e in result.errors[:5]]}")
    figure(f"import_empty_commit_{MEMBERS}_members_s", seconds)

    client = verified_client(admin)
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


# The kept province-size data ------------------------------------------------------------------------


def factor_suffix(factor: float) -> str:
    return "" if factor == 1 else f"_x{factor:g}".replace(".", "_")


def scale_marker_ok(factor: float) -> bool:
    """Whether the connected database holds complete scale data of this version, factor and year."""
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, factor, built_year FROM {MARKER}")
        rows = cursor.fetchall()
    return rows == [(SCALE_DATA_VERSION, factor, datetime.date.today().year)]


def postgres_maintenance(settings_dict: dict, *statements: tuple[str, list]) -> list:
    """Run statements on the server's `postgres` database (outside a transaction, as CREATE
    DATABASE needs); returns the rows of the last."""
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    rows = []
    try:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
    finally:
        connection.close()
    return rows


def use_scale_database(factor: float, rebuild: bool) -> bool:
    """Connect to the kept scale database of `factor` (emptied first when incomplete or stale) and
    migrate it. Returns whether the scale data must be built."""
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{settings_dict['NAME']}_bench{factor_suffix(factor)}"
        exists = bool(
            postgres_maintenance(settings_dict, ("SELECT 1 FROM pg_database WHERE datname = %s", [name]))
        )
        settings_dict["NAME"] = name
        if exists and not rebuild:
            rebuild = not scale_marker_ok(factor)
            connection.close()
        if not exists or rebuild:
            postgres_maintenance(
                settings_dict, (f'DROP DATABASE IF EXISTS "{name}"', []), (f'CREATE DATABASE "{name}"', [])
            )
            rebuild = True
    else:
        path = SCALE_DIRECTORY / f"scale{factor_suffix(factor).replace('_', '-')}.sqlite3"
        SCALE_DIRECTORY.mkdir(exist_ok=True)
        settings_dict["NAME"] = str(path)
        rebuild = rebuild or not path.exists() or not scale_marker_ok(factor)
        connection.close()
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{path}{suffix}").unlink()
    call_command("migrate", verbosity=0)
    return rebuild


def build_scale(factor: float) -> None:
    """seed_demo --scale FACTOR, then the marker that says the data is complete."""
    from django.core.management import call_command
    from django.db import connection

    _, seconds = timed(lambda: call_command("seed_demo", "--scale", f"{factor:g}", stdout=io.StringIO()))
    figure("scale_data_build_s", seconds)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As autovacuum would soon after a bulk load: planner statistics for the new rows and
            # the visibility map that index-only scans rely on.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
        cursor.execute(
            f"CREATE TABLE {MARKER} (version integer NOT NULL, factor double precision NOT NULL, "
            "built_year integer NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s)",
            [SCALE_DATA_VERSION, factor, datetime.date.today().year],
        )


def scale_scopes(root) -> dict:
    """The report's scopes: the tree, the district closest to DISTRICT_PEOPLE people, its largest
    grassroots committee, and that committee's largest cell."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from party.models import Member, Unit, UnitKind

    def people_by_prefix(path: str, depth: int) -> dict[str, int]:
        rows = (
            Member.objects.filter(unit__path__startswith=path)
            .annotate(prefix=Substr("unit__path", 1, depth * Unit.steplen))
            .values("prefix")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {row["prefix"]: row["n"] for row in rows}

    sizes = people_by_prefix(root.path, 2)
    district = Unit.objects.get(path=min(sizes, key=lambda path: (abs(sizes[path] - DISTRICT_PEOPLE), path)))
    committees = people_by_prefix(district.path, 3)
    grassroots = Unit.objects.filter(path__in=committees, kind=UnitKind.GRASSROOTS_COMMITTEE)
    committee = max(grassroots, key=lambda unit: (committees[unit.path], unit.path))
    cell = (
        Unit.objects.in_subtree(committee)
        .filter(kind=UnitKind.CELL)
        .annotate(size=Count("members"))
        .order_by("-size", "path")
        .first()
    )
    figure("report_district_people", sizes[district.path])
    figure("report_committee_people", committees[committee.path])
    figure("report_cell_people", cell.size)
    return {"tree": root, "district": district, "committee": committee, "cell": cell}


def reader(username: str, role: str | None, unit):
    """A user with one role on `unit` (the bench's own accounts, kept with the data)."""
    from django.contrib.auth import get_user_model

    from party.models import UnitRole

    user, _ = get_user_model().objects.get_or_create(username=username)
    UnitRole.objects.filter(user=user).exclude(unit=unit, role=role).delete()
    UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def bench_scale(admin, factor: float) -> str:
    """The province-size figures; returns the review report's summary line."""
    from django.db.models import Count
    from django.urls import reverse

    from party.demo.province import SCALE_ROOT_CODE
    from party.models import Member, Membership, RoleKind, Unit, UnitKind

    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    units = Unit.objects.filter(path__startswith=root.path).count()
    people = Member.objects.filter(unit__path__startswith=root.path)
    figure("scale_units", units)
    figure("scale_members", people.count())
    moved = Membership.objects.filter(member__in=people, ended_on__isnull=False).values("member").distinct()
    figure("scale_moved_members", moved.count())
    scopes = scale_scopes(root)
    district = scopes["district"]

    client = verified_client(admin)
    queries, seconds = page(client, reverse("home"))
    figure("home_page_scale_queries", queries)
    figure("home_page_scale_s", seconds)
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
        .filter(kind=UnitKind.CELL)
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
    from party.records.registry import record_types

    queries, seconds = page(client, reverse("work_home"))
    figure("work_home_scale_queries", queries)
    figure("work_home_scale_s", seconds)
    for record_type in record_types():
        for name, unit in [("province", root), ("district", district)]:
            params = {"unit": unit.pk, "year": year - 1}
            queries, seconds = page(client, reverse(f"{record_type.slug}_list"), params)
            figure(f"{record_type.slug}_list_{name}_queries", queries)
            figure(f"{record_type.slug}_list_{name}_s", seconds)
        queries, seconds = page(client, reverse(f"{record_type.slug}_list"), {"q": "chi thi"})
        figure(f"{record_type.slug}_list_search_queries", queries)
        figure(f"{record_type.slug}_list_search_s", seconds)

    # The review report (sơ kết / tổng kết) over five years, as the people who read it.
    from tests.bench_report import report_figures

    province_staff = reader("bench_tinh", RoleKind.STAFF, root)
    clients = {
        "province_staff": verified_client(province_staff),
        "district_staff": verified_client(reader("bench_huyen", RoleKind.STAFF, district)),
        "secretary": verified_client(reader("bench_bithu", RoleKind.SECRETARY, scopes["cell"])),
    }
    summary = report_figures(scopes, clients, factor, figure)
    cells = list(Unit.objects.in_subtree(district).filter(kind=UnitKind.CELL).order_by("path")[:CELLS])
    bench_import(clients["province_staff"], cells)
    return summary


def bench_import(client, cells: list) -> None:
    """A 5,000-person workbook into existing cells through the import pages, as province staff:
    upload (the preview is made there) and confirmation, then the same file again (every row
    unchanged). Work the app leaves to the end of the transaction (`on_commit`) runs inside each
    timed request; everything is rolled back afterwards, so the kept data stays as built."""
    from django.db import transaction
    from django.test import TestCase
    from django.urls import reverse

    from party.models import ImportBatch

    data = build_workbook(cells, datetime.date.today())

    def request(url: str, **payload):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(url, payload)

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = request(reverse("import_upload"), file=SimpleUploadedFile("bench.xlsx", data))
        assert response.status_code == 302, response.content.decode()[-2000:]
        return ImportBatch.objects.latest("pk")

    def sheet(batch) -> dict:
        return batch.summary["sheets"][-1]

    with transaction.atomic():
        batch, seconds = timed(upload)
        if batch.status != ImportBatch.Status.PENDING or sheet(batch)["created"] != MEMBERS:
            sys.exit(f"preview failed: {batch.summary.get('errors', [])[:5]}")
        figure(f"import_preview_{MEMBERS}_members_s", seconds)
        response, seconds = timed(lambda: request(reverse("import_confirm", args=[batch.pk])))
        batch.refresh_from_db()
        if response.status_code != 302 or batch.status != ImportBatch.Status.DONE:
            sys.exit(f"commit failed: {batch.summary.get('errors', [])[:5]}")
        figure(f"import_commit_{MEMBERS}_members_s", seconds)
        batch, seconds = timed(upload)
        figure(f"import_repeat_preview_{MEMBERS}_members_s", seconds)
        figure("import_repeat_unchanged_rows", sheet(batch)["unchanged"])
        figure("import_repeat_changed_rows", sheet(batch)["created"] + sheet(batch)["updated"])
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-scale", action="store_true", help="leave out the province-size figures")
    parser.add_argument("--rebuild-scale", action="store_true", help="rebuild the kept province-size data")
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE") or 1),
        help="size of the province data: 1 (default) about 100,000 people, 10 about a million",
    )
    options = parser.parse_args()
    if not options.scale > 0:
        parser.error("--scale must be positive")

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
        bench_empty_import_and_unit_page(admin)
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
        if use_scale_database(options.scale, rebuild):
            build_scale(options.scale)
        else:
            figure("scale_data_reused", 1)
        admin, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
        summary = bench_scale(admin, options.scale)
        connections.close_all()
    figure("bench_total_s", time.perf_counter() - started)
    if not options.skip_scale:
        print(summary, flush=True)  # the last line: the review report's targets


if __name__ == "__main__":
    main()
