"""Bench only: the review report by one hand-written PostgreSQL statement, to measure the app against.

`raw_report_totals()` returns a `ReportTotals` equal to `report_totals()`'s (tests/reports/
test_raw_sql.py checks it), computed by one statement a report that reads the records themselves
(registrations, membership periods, people, plans, work records), not any summary table the app
keeps: what a person who knows SQL would write for the same totals. The subtree's units are read
once in a CTE with their child prefix, so facts join on the unit id; distinct people are counted
by child and in all at once with GROUPING SETS.

The figures (`report_figures()`, called by tests/bench.py) time the report page as the users who
open it, `report_totals()` itself with the time its queries spend in the database, this statement,
and the Excel export in a process of its own.
"""

import datetime
import importlib.util
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from party.models import ConductingBody, InspectionKind, PartyStatus, Unit, UnitKind
from pledges.progress import PLAN_KINDS
from reports.totals import (
    COLLECTIVE,
    EMPLOYEE,
    PARTY_MEMBER,
    ChildRow,
    Figures,
    RatingLevelInfo,
    ReportTotals,
)

# Every part returns the same columns: a tag, the year, the child's path prefix, three texts,
# eight numbers and a date; `fetch_all()` turns them back into each part's own rows.
TEXTS, NUMBERS = 3, 8


def _part(tag: str, year: str, child: str, texts=(), numbers=(), day: str = "NULL", rest: str = "") -> str:
    columns = [f"'{tag}'", f"({year})::int", f"({child})::text"]
    columns += [f"({t})::text" for t in texts] + ["NULL::text"] * (TEXTS - len(texts))
    columns += [f"({n})::bigint" for n in numbers] + ["NULL::bigint"] * (NUMBERS - len(numbers))
    columns.append(f"({day})::date")
    return f"SELECT {', '.join(columns)}\n{rest}"


def _dated(tag: str, table: str, column: str, texts=(), numbers=("count(*)",), where: str = "") -> str:
    """A soft-deletable record table grouped by the calendar year of `column`, child and `texts`."""
    group = ", ".join(str(i) for i in range(2, 4 + len(texts)))
    return _part(
        tag,
        f"extract(year FROM r.{column})",
        "sub.child",
        texts,
        numbers,
        rest=f"""FROM {table} r JOIN sub ON sub.id = r.unit_id
WHERE r.deleted_at IS NULL AND r.{column} BETWEEN %(first_day)s AND %(last_day)s {where}
GROUP BY {group}""",
    )


REPORT = """WITH sub AS MATERIALIZED (
    SELECT id, kind, substring(path, 1, %(child_length)s) AS child FROM party_unit WHERE path LIKE %(like)s
), pl AS MATERIALIZED (
    SELECT p.year, sub.child, p.member_id, p.rating_id, p.deed_count,
           m.party_status <> %(no_party)s AS party, m.is_leader AS leader
    FROM pledges_pledge p JOIN sub ON sub.id = p.unit_id JOIN party_member m ON m.id = p.member_id
    WHERE p.year BETWEEN %(first_year)s AND %(last_year)s
), belonged AS (
    SELECT y.year, sub.child, ms.member_id
    FROM party_membership ms JOIN sub ON sub.id = ms.unit_id
    JOIN generate_series(%(first_year)s::int, %(last_year)s::int) AS y(year)
      ON ms.started_on <= make_date(y.year, 12, 31)
     AND (ms.ended_on IS NULL OR ms.ended_on >= make_date(y.year, 1, 1))
), pledged AS (
    SELECT year, child, rating_id, count(*) AS n, sum(deed_count) AS deeds,
           count(*) FILTER (WHERE party) AS party_n,
           coalesce(sum(deed_count) FILTER (WHERE party), 0) AS party_deeds,
           count(*) FILTER (WHERE leader) AS leader_n,
           coalesce(sum(deed_count) FILTER (WHERE leader), 0) AS leader_deeds
    FROM pl GROUP BY 1, 2, 3
)
""" + "\nUNION ALL\n".join(
    [
        _part(
            "units",
            "NULL",
            "path",
            ["code", "short_name", "kind"],
            ["id"],
            day="dissolved_on",
            rest="FROM party_unit WHERE path LIKE %(like)s AND depth <= %(child_depth)s",
        ),
        # Cells and mass organizations active each year: not dissolved before 1 January.
        _part(
            "plan_units",
            "y.year",
            "substring(u.path, 1, %(child_length)s)",
            ["u.kind = %(org)s"],
            ["count(*)"],
            rest="""FROM party_unit u JOIN generate_series(%(first_year)s::int, %(last_year)s::int) AS y(year)
  ON u.dissolved_on IS NULL OR u.dissolved_on > make_date(y.year, 1, 1)
WHERE u.path LIKE %(like)s AND u.kind = ANY(%(plan_kinds)s)
GROUP BY 2, 3, 4""",
        ),
        _part(
            "plans",
            "p.year",
            "sub.child",
            ["sub.kind"],
            ["count(*)", "sum(p.deed_count)"],
            rest="""FROM pledges_plan p JOIN sub ON sub.id = p.unit_id
WHERE p.year BETWEEN %(first_year)s AND %(last_year)s AND sub.kind = ANY(%(plan_kinds)s)
GROUP BY 2, 3, 4""",
        ),
        _part(
            "pledges",
            "a.year",
            "a.child",
            ["r.name", "s.name"],
            [
                "a.rating_id",
                "a.n",
                "a.deeds",
                "a.party_n",
                "a.party_deeds",
                "a.leader_n",
                "a.leader_deeds",
                "r.position",
            ],
            day="s.effective_from",
            rest="""FROM pledged a LEFT JOIN pledges_ratinglevel r ON r.id = a.rating_id
LEFT JOIN pledges_ratingscale s ON s.id = r.scale_id""",
        ),
        # Distinct people who registered in the span: by child, and in all (child NULL).
        _part(
            "people",
            "NULL",
            "child",
            ["party"],
            ["count(DISTINCT member_id)"],
            rest="FROM pl GROUP BY GROUPING SETS ((child, party), (party))",
        ),
        # People who belonged at some time of each year: by child, and in all (child NULL).
        _part(
            "belonging",
            "year",
            "child",
            numbers=["count(DISTINCT member_id)"],
            rest="FROM belonged GROUP BY GROUPING SETS ((year, child), (year))",
        ),
        _dated("documents", "party_document", "issued_on", ["r.kind"]),
        _dated(
            "meetings",
            "party_meeting",
            "held_on",
            numbers=["count(*)", "coalesce(sum(r.attendance_present), 0)"],
            where="AND r.includes_directive",
        ),
        _dated(
            "inspections",
            "party_inspection",
            "started_on",
            ["r.kind", "r.conducted_by"],
            where="AND r.about_directive",
        ),
        _part(
            "findings",
            "extract(year FROM i.started_on)",
            "sub.child",
            numbers=[
                "count(*)",
                "count(*) FILTER (WHERE f.closed_on IS NOT NULL)",
                "count(*) FILTER (WHERE i.conducted_by = %(cell)s)",
                "count(*) FILTER (WHERE i.conducted_by = %(cell)s AND f.closed_on IS NOT NULL)",
            ],
            rest="""FROM party_inspectionfinding f JOIN party_inspection i ON i.id = f.inspection_id
JOIN sub ON sub.id = i.unit_id
WHERE i.deleted_at IS NULL AND i.about_directive AND i.started_on BETWEEN %(first_day)s AND %(last_day)s
GROUP BY 2, 3""",
        ),
        _part(
            "awards",
            "extract(year FROM r.decision_date)",
            "sub.child",
            [
                "f.category",
                "i.name",
                "(r.recipient_member_id IS NOT NULL)::text || '/' || coalesce(r.was_party_member::text, '')",
            ],
            ["i.sort_order", "count(*)"],
            rest="""FROM pledges_award r JOIN sub ON sub.id = r.unit_id
JOIN pledges_awardform f ON f.id = r.form_id JOIN pledges_awardissuer i ON i.id = r.issuer_id
WHERE r.deleted_at IS NULL AND r.decision_date BETWEEN %(first_day)s AND %(last_day)s
GROUP BY 2, 3, 4, 5, 6, 7""",
        ),
        _part(
            "practices",
            "r.year",
            "sub.child",
            ["r.kind"],
            ["count(*)"],
            rest="""FROM pledges_goodpractice r JOIN sub ON sub.id = r.unit_id
WHERE r.deleted_at IS NULL AND r.year BETWEEN %(first_year)s AND %(last_year)s
GROUP BY 2, 3, 4""",
        ),
        _dated("conferences", "party_conference", "held_on", ["r.kind"]),
    ]
)


PARTS = ["units", "plan_units", "plans", "pledges", "people", "belonging", "documents", "meetings",
         "inspections", "findings", "awards", "practices", "conferences"]  # fmt: skip


def report_params(unit: Unit, first_year: int, last_year: int) -> dict:
    return {
        "like": unit.path + "%",  # paths are digits and letters: nothing to escape
        "child_length": len(unit.path) + Unit.steplen,
        "child_depth": unit.depth + 1,
        "first_year": first_year,
        "last_year": last_year,
        "first_day": datetime.date(first_year, 1, 1),
        "last_day": datetime.date(last_year, 12, 31),
        "no_party": PartyStatus.NONE.value,
        "org": UnitKind.MASS_ORGANIZATION.value,
        "plan_kinds": [kind.value for kind in PLAN_KINDS],
        "cell": ConductingBody.CELL.value,
    }


def fetch_rows(unit: Unit, first_year: int, last_year: int) -> list[tuple]:
    """The statement's rows: the part the bench times."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the hand-written report SQL is for PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(REPORT, report_params(unit, first_year, last_year))
        return cursor.fetchall()


def fetch_all(unit: Unit, first_year: int, last_year: int) -> dict[str, list[tuple]]:
    """The statement's rows by part, in the shapes `raw_report_totals()` reads."""
    rows: dict[str, list[tuple]] = {tag: [] for tag in PARTS}
    for tag, year, child, t1, t2, t3, n1, n2, n3, n4, n5, n6, n7, n8, day in fetch_rows(
        unit, first_year, last_year
    ):
        match tag:
            case "units":
                rows[tag].append((n1, child, t1, t2, t3, day))
            case "plan_units":
                rows[tag].append((year, child, t1 == "true", n1))
            case "plans":
                rows[tag].append((year, child, t1, n1, n2))
            case "pledges":  # level, n, deeds, party n, party deeds, leader n, leader deeds
                rows[tag].append((year, child, n1, n2, n3, n4, n5, n6, n7, t1, n8, t2, day))
            case "people":
                rows[tag].append((child, t1 == "true", n1))
            case "belonging":
                rows[tag].append((year, child, n1))
            case "documents" | "practices" | "conferences":
                rows[tag].append((year, child, t1, n1))
            case "meetings":
                rows[tag].append((year, child, n1, n2))
            case "inspections":
                rows[tag].append((year, child, t1, t2, n1))
            case "findings":
                rows[tag].append((year, child, n1, n2, n3, n4))
            case "awards":
                individual, party = t3.split("/")
                party = None if party == "" else party == "true"
                rows[tag].append((year, child, t1, t2, n1, individual == "true", party, n2))
    rows["units"].sort(key=lambda row: row[1])
    return rows


def raw_report_totals(unit: Unit, first_year: int, last_year: int) -> ReportTotals:
    """The same `ReportTotals` as `reports.totals.report_totals()`, from `fetch_all()`'s rows."""
    rows = fetch_all(unit, first_year, last_year)
    cells: dict[tuple[int, str], Figures] = {}

    def cell(year: int, child: str) -> Figures:
        return cells.setdefault((year, child), Figures())

    _add_units_and_plans(rows, cell)
    levels = _add_pledges(rows["pledges"], cell)
    issuers = _add_records(rows, cell)

    years = range(first_year, last_year + 1)
    total, by_year = Figures(), {year: Figures() for year in years}
    by_child = {row[1]: Figures() for row in rows["units"]}
    for (year, child), figures in cells.items():
        for target in (total, by_year[year], by_child[child]):
            target.add(figures)
    for figures in by_year.values():
        figures.people = figures.registrations
        figures.party_people = figures.party_registrations
        figures.employee_people = figures.employee_registrations
    for child, party, n in rows["people"]:
        figures = total if child is None else by_child[child]
        figures.people += n
        if party:
            figures.party_people += n
        else:
            figures.employee_people += n
    for year, child, n in rows["belonging"]:
        (by_year[year] if child is None else by_child[child]).member_years += n
    total.member_years = sum(figures.member_years for figures in by_year.values())
    return ReportTotals(
        unit=unit,
        first_year=first_year,
        last_year=last_year,
        total=total,
        by_year=by_year,
        by_child=[
            ChildRow(
                Unit(
                    pk=pk, path=path, code=code, short_name=short_name, kind=kind, dissolved_on=dissolved_on
                ),
                path == unit.path,
                by_child[path],
            )
            for pk, path, code, short_name, kind, dissolved_on in rows["units"]
        ],
        issuers=[name for _order, name in sorted(issuers)],
        rating_levels=sorted(
            levels.values(),
            key=lambda lv: (lv.pk is None, lv.effective_from or datetime.date.min, lv.position),
        ),
    )


Cell = Callable[[int, str], Figures]


def _add_units_and_plans(rows: dict, cell: Cell) -> None:
    for year, child, org, n in rows["plan_units"]:
        figures = cell(year, child)
        if org:
            figures.org_years += n
        else:
            figures.cell_years += n
    for year, child, kind, n, deeds in rows["plans"]:
        figures = cell(year, child)
        if kind == UnitKind.MASS_ORGANIZATION:
            figures.org_plans += n
            figures.org_plan_deeds += deeds
        else:
            figures.cell_plans += n
            figures.cell_plan_deeds += deeds


def _add_pledges(rows: list[tuple], cell: Cell) -> dict:
    levels = {}
    for row in rows:
        year, child, level, n, deeds, party_n, party_deeds, leader_n, leader_deeds = row[:9]
        figures = cell(year, child)
        figures.registrations += n
        figures.registration_deeds += deeds
        figures.party_registrations += party_n
        figures.party_registration_deeds += party_deeds
        figures.employee_registrations += n - party_n
        figures.employee_registration_deeds += deeds - party_deeds
        figures.leader_registrations += leader_n
        figures.leader_registration_deeds += leader_deeds
        figures.ratings[level] += n
        name, position, scale, effective = row[9:]
        levels.setdefault(
            level, RatingLevelInfo(level, name or "Chưa xếp loại", position or 0, scale or "", effective)
        )
    return levels


def _add_records(rows: dict, cell: Cell) -> set[tuple[int, str]]:
    for year, child, kind, n in rows["documents"]:
        cell(year, child).documents[kind] += n
    for year, child, n, present in rows["meetings"]:
        figures = cell(year, child)
        figures.meetings += n
        figures.meeting_attendance += present
    for year, child, kind, by, n in rows["inspections"]:
        prefix = "cell" if by == ConductingBody.CELL else "committee"
        name = f"{prefix}_{'inspections' if kind == InspectionKind.INSPECTION else 'supervisions'}"
        figures = cell(year, child)
        setattr(figures, name, getattr(figures, name) + n)
    for year, child, n, remedied, by_cells, remedied_by_cells in rows["findings"]:
        figures = cell(year, child)
        figures.findings += n
        figures.findings_remedied += remedied
        figures.cell_findings += by_cells
        figures.cell_findings_remedied += remedied_by_cells
    issuers = set()
    for year, child, category, issuer, order, individual, party, n in rows["awards"]:
        recipient = (PARTY_MEMBER if party else EMPLOYEE) if individual else COLLECTIVE
        cell(year, child).recognitions[category, issuer, recipient] += n
        issuers.add((order, issuer))
    for year, child, kind, n in rows["practices"]:
        cell(year, child).practices[kind] += n
    for year, child, kind, n in rows["conferences"]:
        cell(year, child).conferences[kind] += n
    return issuers


# --- Bench figures (called by tests/bench.py on the province-size data) ---

RUNS = 5
# The targets: the province's page, every other page (seconds), at 1× and from 10× on.
TARGETS = {1: {"tree": 0.3, "page": 0.05}, 10: {"tree": 1.5, "page": 0.5}}
RATIO = 1.5  # the province's page within this many times the hand-written statement
EXPORT = {"s": 60, "mib": 100}
# Who opens which report: province staff any, district staff their district and below, a secretary
# their cell.
READERS = {
    "province_staff": ["tree", "district", "committee", "cell"],
    "district_staff": ["district", "committee", "cell"],
    "secretary": ["cell"],
}


def _median_seconds(action: Callable[[], object]) -> float:
    action()  # warm-up: caches and plans, as in a server that has run a while
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _timed_runs(action: Callable[[], object]) -> tuple[float, float]:
    """Median seconds of RUNS runs after a warm-up, and the median of the time those runs spent in
    the database driver's execute() (the queries themselves and the transfer of their rows)."""
    spent = [0.0]

    def timed_execute(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    action()
    runs = []
    with connection.execute_wrapper(timed_execute):
        for _ in range(RUNS):
            spent[0] = 0.0
            started = time.perf_counter()
            action()
            runs.append((time.perf_counter() - started, spent[0]))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def report_figures(scopes: dict[str, Unit], clients: dict, factor: float, figure: Callable) -> str:
    """The report page as each reader opens it, `report_totals()` and the hand-written statement for
    each scope, over the last five years; memory; the export. Returns the summary line."""
    last = datetime.date.today().year
    first = last - 4
    seen: dict[str, float] = {}
    counts: dict[str, int] = {}
    for reader, names in READERS.items():
        for name in names:
            queries, seconds, database = _page(clients[reader], scopes[name], first, last)
            figure(f"report_page_{reader}_{name}_5y_queries", queries)
            figure(f"report_page_{reader}_{name}_5y_s", seconds, 3)
            figure(f"report_page_{reader}_{name}_5y_database_s", database, 3)
            seen[f"page_{reader}_{name}"] = seconds
            counts[f"page_{reader}_{name}"] = queries
    _function_figures(scopes, first, last, figure, seen)
    tracemalloc.start()
    _report_totals(scopes["tree"], first, last)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figure("report_tree_5y_peak_mib", peak)
    export = _export_figures(scopes["tree"], first, last, figure)
    return _summary(seen, counts, export, factor)


def _page(client, unit: Unit, first: int, last: int) -> tuple[int, float, float]:
    """Queries of one GET of the report page, its median seconds and database seconds."""
    url = reverse("report")
    params = {"unit": unit.pk, "span_choice": "custom", "year_from": first, "year_to": last}

    def get() -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)

    with CaptureQueriesContext(connection) as queries:
        get()
    return len(queries), *_timed_runs(get)


def _report_totals(unit: Unit, first: int, last: int):
    from reports.totals import report_totals

    return report_totals(unit, first, last)


def _function_figures(scopes: dict[str, Unit], first: int, last: int, figure: Callable, seen: dict) -> None:
    raw_ok = connection.vendor == "postgresql"
    if not raw_ok:
        print("report_raw_sql skipped (the hand-written statement is PostgreSQL only)", flush=True)
    for name, unit in scopes.items():
        with CaptureQueriesContext(connection) as queries:
            report = _report_totals(unit, first, last)
        figure(f"report_{name}_5y_registrations", report.total.registrations)
        figure(f"report_{name}_5y_queries", len(queries))
        orm, database = _timed_runs(lambda unit=unit: _report_totals(unit, first, last))
        figure(f"report_{name}_5y_s", orm, 3)
        figure(f"report_{name}_5y_database_s", database, 3)
        if raw_ok:
            raw = _median_seconds(lambda unit=unit: fetch_rows(unit, first, last))
            figure(f"report_{name}_5y_raw_sql_s", raw, 3)
            figure(f"report_{name}_5y_orm_to_raw_ratio", orm / raw)
            seen[f"raw_{name}"] = raw


def _export_figures(root: Unit, first: int, last: int, figure: Callable) -> dict | None:
    """The export of the whole tree, in a child process so that its peak memory is its own."""
    if importlib.util.find_spec("reports.export") is None:
        print("report_export skipped (reports.export missing)", flush=True)
        return None
    command = [sys.executable, "-m", "tests.bench_export", str(root.pk), str(first), str(last)]
    command += ["--database-name", str(connection.settings_dict["NAME"])]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"report_export failed ({done.returncode}): {done.stderr.strip()[-500:]}", flush=True)
        return None
    child = dict(line.split(" ", 1) for line in done.stdout.splitlines() if line.count(" ") == 1)
    peak = float(child["peak_mib"])  # the export process's own, not the largest child's so far
    result = {"s": float(child["seconds"]), "rows": int(child["rows"]), "mib": peak}
    figure("report_export_tree_5y_rows", result["rows"])
    figure("report_export_tree_5y_s", result["s"])
    figure("report_export_tree_5y_process_s", seconds)  # with Django's start-up
    figure("report_export_tree_5y_peak_mib", peak)
    figure("report_export_tree_5y_mib_file", int(child["bytes"]) / 2**20)
    return result


def _summary(seen: dict, counts: dict, export: dict | None, factor: float) -> str:
    targets = TARGETS[10 if factor >= 10 else 1]
    tree = seen["page_province_staff_tree"]
    missed = []
    parts = [f"scale={factor:g}x", f"tree_page_s={tree:.3f}"]
    if "raw_tree" in seen:
        parts[-1] += f" (raw {seen['raw_tree']:.3f}, {tree / seen['raw_tree']:.2f}x)"
        if tree > RATIO * seen["raw_tree"]:
            missed.append(f"tree page > {RATIO}x the hand-written statement")
    else:
        missed.append("raw SQL not measured (not PostgreSQL)")
    if tree > targets["tree"]:
        missed.append(f"tree page > {targets['tree']} s")
    others = {
        key[5:]: value
        for key, value in seen.items()
        if key.startswith("page_") and key != "page_province_staff_tree"
    }
    slowest = max(others, key=others.get)
    parts.append(f"slowest_other_page={slowest}:{others[slowest]:.3f}")
    if others[slowest] > targets["page"]:
        missed.append(f"{slowest} page > {targets['page']} s")
    parts.append(
        f"page_queries cell/tree={counts['page_province_staff_cell']}/{counts['page_province_staff_tree']}"
    )
    if counts["page_province_staff_cell"] != counts["page_province_staff_tree"]:
        missed.append("page query counts differ between the cell and the province")
    if export is None:
        missed.append("export not measured")
    else:
        parts.append(
            f"export_s={export['s']:.1f} export_rows={export['rows']} export_peak_mib={export['mib']:.0f}"
        )
        if export["s"] > EXPORT["s"]:
            missed.append(f"export > {EXPORT['s']} s")
        if export["mib"] > EXPORT["mib"]:
            missed.append(f"export peak > {EXPORT['mib']} MiB")
    verdict = "all targets met" if not missed else "missed: " + "; ".join(missed)
    return f"summary {' '.join(parts)} — {verdict}"
