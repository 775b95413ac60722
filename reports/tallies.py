"""Rebuilding the review report's summary tables (reports/models.py) from the truth.

`refresh_tallies(unit_ids)` rebuilds the rows of some units, or of every unit (None), inside the
database: one DELETE and one `INSERT … SELECT` per table, so no row passes through Python and a
refresh costs what the units' own registrations and periods cost. The ORM cannot write
`INSERT … SELECT`, hence the two statements below (ANSI SQL that SQLite and PostgreSQL both run;
only the year of a date is spelled per database). reports/signals.py calls this once per
transaction for the units a write touched; `manage.py refresh_report_tallies` and the demo data
call it for everything. `tally_drift()` compares the tables with the same SELECTs (tests check
it stays empty after every write path).
"""

from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from party.models import Membership, PartyStatus
from pledges.models import Pledge
from reports.models import BASE_YEAR, LAST_YEAR, MemberUnitYears, PledgeTally

# Units a statement names in its IN lists at most: well under every database's parameter limit.
CHUNK = 500

# PledgeTally: registrations per unit, year and level, and those of party members and leaders.
PLEDGE_TALLY = """
SELECT p.unit_id, p.year, p.rating_id, COUNT(*), SUM(p.deed_count),
       SUM(CASE WHEN m.party_status <> %(none)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.party_status <> %(none)s THEN p.deed_count ELSE 0 END),
       SUM(CASE WHEN m.is_leader THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.is_leader THEN p.deed_count ELSE 0 END)
FROM pledges_pledge p JOIN party_member m ON m.id = p.member_id
WHERE {units:p.unit_id} AND {people:m.id}
GROUP BY p.unit_id, p.year, p.rating_id"""

# MemberUnitYears. A person's facts: per unit, the years they registered there (one registration a
# person and year, so summing the years' bits ORs them) and each membership period's years. The
# facts of one unit make one row unless the person had several periods there (then a row a period,
# as overlapping years cannot be summed); a person with one row in all is folded into a head count.
# `people` restricts the facts to the people of the refreshed units (their other units included:
# those decide who is folded); the final WHERE keeps the refreshed units' rows.
MEMBER_UNIT_YEARS = """
WITH periods AS (
    SELECT id, unit_id, member_id,
           CASE WHEN {year:started_on} < %(base)s THEN %(base)s ELSE {year:started_on} END AS first_year,
           CASE WHEN ended_on IS NULL OR {year:ended_on} > %(last)s THEN %(last)s
                ELSE {year:ended_on} END AS last_year
    FROM party_membership WHERE {people:member_id}
), facts AS (
    SELECT unit_id, member_id, NULL AS period_id,
           SUM(CAST(1 AS BIGINT) << (year - %(base)s)) AS registered, CAST(0 AS BIGINT) AS belonged
    FROM pledges_pledge WHERE year BETWEEN %(base)s AND %(last)s AND {people:member_id}
    GROUP BY unit_id, member_id
    UNION ALL
    SELECT unit_id, member_id, id, CAST(0 AS BIGINT),
           CASE WHEN last_year < first_year THEN CAST(0 AS BIGINT)
                ELSE ((CAST(1 AS BIGINT) << (last_year - first_year + 1)) - 1) << (first_year - %(base)s) END
    FROM periods
), counted AS (
    SELECT unit_id, member_id, period_id, registered, belonged,
           COUNT(period_id) OVER (PARTITION BY unit_id, member_id) AS periods_here
    FROM facts
), person_rows AS (
    SELECT unit_id, member_id, CAST(SUM(registered) AS BIGINT) AS registered,
           CAST(SUM(belonged) AS BIGINT) AS belonged, COUNT(*) OVER (PARTITION BY member_id) AS rows_of_person
    FROM counted
    GROUP BY unit_id, member_id, CASE WHEN periods_here > 1 THEN period_id END
)
SELECT r.unit_id, CASE WHEN r.rows_of_person > 1 THEN r.member_id END, r.registered, r.belonged,
       m.party_status <> %(none)s, COUNT(*)
FROM person_rows r JOIN party_member m ON m.id = r.member_id
WHERE {units:r.unit_id}
GROUP BY r.unit_id, CASE WHEN r.rows_of_person > 1 THEN r.member_id END, r.registered, r.belonged,
         m.party_status <> %(none)s"""

# Each table with the columns its SELECT gives, in order.
TABLES = [
    (
        PledgeTally,
        "unit_id, year, rating_id, registrations, deeds, party_registrations, party_deeds,"
        " leader_registrations, leader_deeds",
        PLEDGE_TALLY,
    ),
    (MemberUnitYears, "unit_id, member_id, registered, belonged, party_member, people", MEMBER_UNIT_YEARS),
]


def _year(column: str) -> str:
    """The calendar year of a date column, as an integer."""
    if connection.vendor == "sqlite":
        return f"CAST(STRFTIME('%%Y', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"


def _statement(template: str, units: list[int] | None, people: set[int] | None) -> str:
    """The SELECT for those units and the people in them (None: everyone), their ids written
    into it as numbers: the planner then knows how few rows a refresh reads."""
    sql = template
    for column in ("started_on", "ended_on"):
        sql = sql.replace(f"{{year:{column}}}", _year(column))
    for name, ids in (("units", units), ("people", people)):
        for column in ("p.unit_id", "r.unit_id", "m.id", "member_id"):
            sql = sql.replace(f"{{{name}:{column}}}", _in(column, ids))
    return sql


def _in(column: str, ids: Iterable[int] | None) -> str:
    if ids is None:
        return "1 = 1"
    listed = ", ".join(str(int(pk)) for pk in sorted(ids))
    return f"{column} IN ({listed})" if listed else "1 = 0"


PARAMS = {"none": PartyStatus.NONE.value, "base": BASE_YEAR, "last": LAST_YEAR}


@transaction.atomic
def refresh_tallies(
    unit_ids: Iterable[int | None] | None = None, *, people: Iterable[int] | None = None
) -> None:
    """Rebuild both tables' rows of those units (None: every unit) from the registrations,
    membership periods and people.

    The people whose facts changed (None: anyone in those units) may have turned from folded to
    mover rows, or back, or changed party status: their other units are rebuilt too.
    """
    if unit_ids is None:
        parts: list[tuple[list[int] | None, set[int] | None]] = [(None, None)]
    else:
        ids = {pk for pk in unit_ids if pk is not None}
        changed = _people_in(ids, movers=True) if people is None else set(people)
        units = ids | _units_of(changed)
        parts = [(chunk, _people_in(set(chunk))) for chunk in _chunks(units)]
    with connection.cursor() as cursor:
        for units, in_units in parts:
            for model, columns, select in TABLES:
                rows = model.objects.all() if units is None else model.objects.filter(unit_id__in=units)
                rows.delete()
                sql = _statement(select, units, in_units)
                cursor.execute(f"INSERT INTO {model._meta.db_table} ({columns}) {sql}", PARAMS)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _people_in(unit_ids: set[int], movers: bool = False) -> set[int]:
    """People with a registration or a period in the units (`movers`: or a mover's row there,
    which outlives a deleted registration until the refresh)."""
    sources = [Pledge._base_manager.order_by(), Membership._base_manager.order_by()]
    if movers:
        sources.append(MemberUnitYears.objects.filter(member__isnull=False).order_by())
    people: set[int] = set()
    for chunk in _chunks(unit_ids):
        for rows in sources:
            people.update(rows.filter(unit_id__in=chunk).values_list("member_id", flat=True))
    return people


def _units_of(people: set[int]) -> set[int]:
    """The units where these people have a registration, a period or a mover's row."""
    units: set[int] = set()
    for chunk in _chunks(people):
        for model in (Pledge, Membership, MemberUnitYears):
            rows = model._base_manager.filter(member_id__in=chunk).order_by()
            units.update(rows.values_list("unit_id", flat=True).distinct())
    return units


def tally_drift() -> list[tuple]:
    """Rows stored but untrue or true but missing, as (table, "stored" | "missing", row): empty
    unless a write path forgot to tell reports/signals.py (tests check it after each one)."""
    drift = []
    with connection.cursor() as cursor:
        for model, columns, select in TABLES:
            cursor.execute(_statement(select, None, None), PARAMS)
            truth = {tuple(row) for row in cursor.fetchall()}
            stored = set(model.objects.values_list(*columns.split(", ")))
            name = model._meta.model_name
            drift += [(name, "stored", row) for row in stored - truth]
            drift += [(name, "missing", row) for row in truth - stored]
    return drift
