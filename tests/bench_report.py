"""Bench only: the review report's totals by hand-written PostgreSQL, to measure the ORM against.

`raw_report_totals()` returns a `ReportTotals` equal to `report_totals()`'s (tests/reports/
test_raw_sql.py checks it), computed by the fastest SQL we could write: the subtree's units are
read once per query in a CTE with their child prefix, so facts join on the unit id; registrations
come from the tally the app keeps (reports/tallies.py), and distinct people and the people who
belonged each year from its rows of person and unit, in one query each (by child and in all
together) instead of COUNT(DISTINCT) per group.
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

from party.models import ConductingBody, InspectionKind, Unit, UnitKind
from pledges.progress import PLAN_KINDS
from reports.queries import Scope
from reports.tallies import years_mask
from reports.totals import (
    COLLECTIVE,
    EMPLOYEE,
    PARTY_MEMBER,
    ChildRow,
    Figures,
    RatingLevelInfo,
    ReportTotals,
)

SUBTREE = """sub AS (
    SELECT id, kind, substring(path, 1, %(child_length)s) AS child FROM party_unit WHERE path LIKE %(like)s
)"""

UNITS = """
SELECT id, path, code, short_name, kind, dissolved_on FROM party_unit
WHERE path LIKE %(like)s AND depth <= %(child_depth)s ORDER BY path"""

# Cells / mass organizations active each year: not dissolved before 1 January.
PLAN_UNITS = """
SELECT y.year, substring(u.path, 1, %(child_length)s), u.kind = %(org)s, count(*)
FROM party_unit u JOIN generate_series(%(first_year)s, %(last_year)s) AS y(year)
  ON u.dissolved_on IS NULL OR u.dissolved_on > make_date(y.year, 1, 1)
WHERE u.path LIKE %(like)s AND u.kind = ANY(%(plan_kinds)s)
GROUP BY 1, 2, 3"""

PLANS = f"""
WITH {SUBTREE}
SELECT p.year, sub.child, sub.kind, count(*), sum(p.deed_count)
FROM pledges_plan p JOIN sub ON sub.id = p.unit_id
WHERE p.year BETWEEN %(first_year)s AND %(last_year)s AND sub.kind = ANY(%(plan_kinds)s)
GROUP BY 1, 2, 3"""

PLEDGES = f"""
WITH {SUBTREE}, agg AS (
    SELECT t.year, sub.child, t.rating_id, sum(t.registrations) AS n, sum(t.deeds) AS deeds,
           sum(t.party_registrations) AS party_n, sum(t.party_deeds) AS party_deeds,
           sum(t.leader_registrations) AS leader_n, sum(t.leader_deeds) AS leader_deeds
    FROM reports_pledgetally t JOIN sub ON sub.id = t.unit_id
    WHERE t.year BETWEEN %(first_year)s AND %(last_year)s
    GROUP BY 1, 2, 3
)
SELECT agg.*, r.name, r.position, s.name, s.effective_from
FROM agg LEFT JOIN pledges_ratinglevel r ON r.id = agg.rating_id
LEFT JOIN pledges_ratingscale s ON s.id = r.scale_id"""

# Distinct people who registered: by child (child set) and in all (child NULL), from the rows of
# reports/tallies.py whose year bits meet the span: folded rows count their people, a mover's
# rows are ORed per person.
PEOPLE = f"""
WITH {SUBTREE}, r AS MATERIALIZED (
    SELECT sub.child, y.member_id, y.party_member, y.people
    FROM reports_memberunityears y JOIN sub ON sub.id = y.unit_id
    WHERE y.registered & %(span)s <> 0
)
SELECT child, party_member, sum(people) FROM (
    SELECT child, party_member, people FROM r WHERE member_id IS NULL
    UNION ALL SELECT DISTINCT child, party_member, 1 FROM r WHERE member_id IS NOT NULL
) c GROUP BY 1, 2
UNION ALL
SELECT NULL, party_member, sum(people) FROM (
    SELECT party_member, people FROM r WHERE member_id IS NULL
    UNION ALL SELECT DISTINCT ON (member_id) party_member, 1 FROM r WHERE member_id IS NOT NULL
) a GROUP BY 2"""

# People who belonged at some time of each year: by child, and in all (child NULL); one column
# a year (added by `_belonging()`).
BELONGING = f"""
WITH {SUBTREE}, r AS MATERIALIZED (
    SELECT sub.child, y.member_id, y.belonged AS bel, y.people
    FROM reports_memberunityears y JOIN sub ON sub.id = y.unit_id
    WHERE y.belonged & %(span)s <> 0
)
SELECT child, {{years}} FROM (
    SELECT child, bel, people FROM r WHERE member_id IS NULL
    UNION ALL SELECT child, bit_or(bel), 1 FROM r WHERE member_id IS NOT NULL GROUP BY child, member_id
) c GROUP BY 1
UNION ALL
SELECT NULL, {{years}} FROM (
    SELECT bel, people FROM r WHERE member_id IS NULL
    UNION ALL SELECT bit_or(bel), 1 FROM r WHERE member_id IS NOT NULL GROUP BY member_id
) a"""


def _belonging(first_year: int, last_year: int) -> str:
    years = ", ".join(
        f"coalesce(sum(people) FILTER (WHERE bel & {years_mask(year, year)} <> 0), 0)"
        for year in range(first_year, last_year + 1)
    )
    return BELONGING.replace("{years}", years)


def _dated(table: str, column: str, columns: str, group: str, where: str = "") -> str:
    """A soft-deletable record table grouped by the calendar year of `column`, child and `group`."""
    return f"""
WITH {SUBTREE}
SELECT extract(year FROM r.{column})::int, sub.child, {columns}
FROM {table} r JOIN sub ON sub.id = r.unit_id
WHERE r.deleted_at IS NULL AND r.{column} BETWEEN %(first_day)s AND %(last_day)s {where}
GROUP BY 1, 2{group}"""


DOCUMENTS = _dated("party_document", "issued_on", "r.kind, count(*)", ", 3")
MEETINGS = _dated(
    "party_meeting",
    "held_on",
    "count(*), coalesce(sum(r.attendance_present), 0)",
    "",
    "AND r.includes_directive",
)
INSPECTIONS = f"""
WITH {SUBTREE}
SELECT extract(year FROM r.started_on)::int, sub.child, r.kind, r.conducted_by, count(*)
FROM party_inspection r JOIN sub ON sub.id = r.unit_id
WHERE r.deleted_at IS NULL AND r.about_directive AND r.started_on BETWEEN %(first_day)s AND %(last_day)s
GROUP BY 1, 2, 3, 4"""
FINDINGS = f"""
WITH {SUBTREE}
SELECT extract(year FROM i.started_on)::int, sub.child, count(*),
       count(*) FILTER (WHERE f.closed_on IS NOT NULL),
       count(*) FILTER (WHERE i.conducted_by = %(cell)s),
       count(*) FILTER (WHERE i.conducted_by = %(cell)s AND f.closed_on IS NOT NULL)
FROM party_inspectionfinding f JOIN party_inspection i ON i.id = f.inspection_id
JOIN sub ON sub.id = i.unit_id
WHERE i.deleted_at IS NULL AND i.about_directive AND i.started_on BETWEEN %(first_day)s AND %(last_day)s
GROUP BY 1, 2"""
AWARDS = f"""
WITH {SUBTREE}, agg AS (
    SELECT extract(year FROM r.decision_date)::int AS year, sub.child, r.form_id, r.issuer_id,
           r.recipient_member_id IS NOT NULL AS individual, r.was_party_member, count(*) AS n
    FROM pledges_award r JOIN sub ON sub.id = r.unit_id
    WHERE r.deleted_at IS NULL AND r.decision_date BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT agg.year, agg.child, f.category, i.name, i.sort_order, agg.individual, agg.was_party_member, agg.n
FROM agg JOIN pledges_awardform f ON f.id = agg.form_id JOIN pledges_awardissuer i ON i.id = agg.issuer_id"""
PRACTICES = f"""
WITH {SUBTREE}
SELECT r.year, sub.child, r.kind, count(*)
FROM pledges_goodpractice r JOIN sub ON sub.id = r.unit_id
WHERE r.deleted_at IS NULL AND r.year BETWEEN %(first_year)s AND %(last_year)s
GROUP BY 1, 2, 3"""
CONFERENCES = _dated("party_conference", "held_on", "r.kind, count(*)", ", 3")

QUERIES = {
    "units": UNITS,
    "plan_units": PLAN_UNITS,
    "plans": PLANS,
    "pledges": PLEDGES,
    "people": PEOPLE,
    "belonging": BELONGING,  # completed with the span's years
    "documents": DOCUMENTS,
    "meetings": MEETINGS,
    "inspections": INSPECTIONS,
    "findings": FINDINGS,
    "awards": AWARDS,
    "practices": PRACTICES,
    "conferences": CONFERENCES,
}


def fetch_all(unit: Unit, first_year: int, last_year: int) -> dict[str, list[tuple]]:
    """Every raw query's rows, by name (the part the bench times against the ORM's queries)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the hand-written report SQL is for PostgreSQL")
    # The ORM queries' values (reports/queries.py), and what only this SQL needs.
    params = Scope(unit, first_year, last_year).values | {
        "like": unit.path + "%",  # paths are digits and letters: nothing to escape
        "org": UnitKind.MASS_ORGANIZATION.value,
        "plan_kinds": [kind.value for kind in PLAN_KINDS],
        "cell": ConductingBody.CELL.value,
    }
    rows = {}
    with connection.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(_belonging(first_year, last_year) if name == "belonging" else sql, params)
            rows[name] = cursor.fetchall()
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
    for child, *counts in rows["belonging"]:
        for year, n in zip(years, counts, strict=True):
            (by_year[year] if child is None else by_child[child]).member_years += n
    total.member_years = sum(figures.member_years for figures in by_year.values())
    return ReportTotals(
        unit=unit,
        first_year=first_year,
        last_year=last_year,
        total=total,
        by_year=by_year,
        by_child=[
            ChildRow(pk, path, code, short_name, kind, dissolved_on, path == unit.path, by_child[path])
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

TARGETS = {"tree_s": 0.3, "committee_s": 0.1, "ratio": 1.5, "export_s": 60, "export_mib": 100}
RUNS = 5


def _median_seconds(action: Callable[[], object]) -> float:
    action()  # warm-up: caches and plans, as in a server that has run a while
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report_figures(root: Unit, committee: Unit, cell: Unit, figure: Callable) -> str:
    """ORM and raw SQL seconds, queries and ratio for the tree, a committee and a cell over five
    years; memory of the tree's computation; the export. Returns the summary line."""
    from reports.totals import report_totals

    last = datetime.date.today().year
    first = last - 4
    raw_ok = connection.vendor == "postgresql"
    if not raw_ok:
        print("report_raw_sql skipped (hand-written SQL is PostgreSQL only)", flush=True)
    seen: dict[str, float] = {}
    counts = {}
    for name, unit in [("tree", root), ("committee", committee), ("cell", cell)]:
        with CaptureQueriesContext(connection) as queries:
            report = report_totals(unit, first, last)
        counts[name] = len(queries)
        orm = _median_seconds(lambda unit=unit: report_totals(unit, first, last))
        figure(f"report_{name}_5y_registrations", report.total.registrations)
        figure(f"report_{name}_5y_queries", counts[name])
        figure(f"report_{name}_5y_s", orm, 3)
        seen[f"{name}_s"] = orm
        if raw_ok:
            raw = _median_seconds(lambda unit=unit: raw_report_totals(unit, first, last))
            figure(f"report_{name}_5y_raw_sql_s", raw, 3)
            figure(f"report_{name}_5y_orm_to_raw_ratio", orm / raw)
            seen[f"{name}_raw"] = raw
    tracemalloc.start()
    report_totals(root, first, last)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figure("report_tree_5y_peak_mib", peak)
    export = _export_figures(root, first, last, figure)
    return _summary(seen, counts, export)


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


def _summary(seen: dict, counts: dict, export: dict | None) -> str:
    missed = []
    parts = [f"report_tree_s={seen['tree_s']:.3f}"]
    if "tree_raw" in seen:
        ratio = seen["tree_s"] / seen["tree_raw"]
        parts[0] += f" (raw {seen['tree_raw']:.3f}, {ratio:.2f}x)"
        for name in ("tree", "committee", "cell"):
            if seen[f"{name}_s"] > TARGETS["ratio"] * seen[f"{name}_raw"]:
                missed.append(f"{name} ORM/raw > {TARGETS['ratio']}x")
    parts.append(f"committee_s={seen['committee_s']:.3f} cell_s={seen['cell_s']:.3f}")
    parts.append(f"queries={counts['cell']}/{counts['tree']}")
    if seen["tree_s"] >= TARGETS["tree_s"]:
        missed.append(f"tree >= {TARGETS['tree_s']} s")
    if seen["committee_s"] >= TARGETS["committee_s"]:
        missed.append(f"committee >= {TARGETS['committee_s']} s")
    if len(set(counts.values())) != 1:
        missed.append("query counts differ")
    if export is None:
        missed.append("export not measured")
    else:
        parts.append(
            f"export_s={export['s']:.1f} export_rows={export['rows']} export_peak_mib={export['mib']:.0f}"
        )
        if export["s"] >= TARGETS["export_s"]:
            missed.append(f"export >= {TARGETS['export_s']} s")
        if export["mib"] >= TARGETS["export_mib"]:
            missed.append(f"export peak >= {TARGETS['export_mib']} MiB")
    if "tree_raw" not in seen:
        missed.append("raw SQL not measured (not PostgreSQL)")
    verdict = "all targets met" if not missed else "missed: " + "; ".join(missed)
    return f"summary {' '.join(parts)} — {verdict}"
