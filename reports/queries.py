"""The grouped queries behind the review report's totals: one query per category.

Every query is filtered to the unit's subtree (a range of paths, see `subtree`) and the
span of years, and grouped by calendar year and by "child": the first `len(unit.path) + steplen`
characters of the record's unit path, that is the path of the direct child the record lies under
(or the unit's own path for records of the unit itself). The number of queries never depends on the data.
The unit and the years enter as slots: each query is built and compiled once (party/compiled.py).
"""

import datetime
import functools
from collections.abc import Mapping

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractYear, Substr

from party.compiled import CompiledQuery, Slot, compiled, fill
from party.models import (
    ConductingBody,
    Conference,
    Document,
    Inspection,
    InspectionFinding,
    Meeting,
    PartyStatus,
    Unit,
)
from pledges.models import Award, GoodPractice, Plan
from pledges.progress import PLAN_KINDS
from reports.tallies import BitOr, MemberUnitYears, PledgeTally, years_mask

CHILD = "child"
YEAR = "report_year"


# The values of a report that enter its queries, left open as slots (party/compiled.py).
SLOTS = {
    "path": Slot("path", CharField()),
    "path_end": Slot("path_end", CharField()),
    "child_length": Slot("child_length", IntegerField()),
    "child_depth": Slot("child_depth", IntegerField()),
    "first_year": Slot("first_year", IntegerField()),
    "last_year": Slot("last_year", IntegerField()),
    "first_day": Slot("first_day", DateField()),
    "last_day": Slot("last_day", DateField()),
    "span": Slot("span", BigIntegerField()),  # the years of the span as bits (reports/tallies.py)
}


class Scope:
    """A unit's subtree over a span of calendar years: the values of the report queries' slots."""

    def __init__(self, unit: Unit, first_year: int, last_year: int) -> None:
        self.unit = unit
        self.first_year = first_year
        self.last_year = last_year
        self.values = {
            "path": unit.path,
            # Paths are ASCII: the subtree is the range from the unit's path to it followed by U+FFFF.
            "path_end": unit.path + "\uffff",
            "child_length": len(unit.path) + Unit.steplen,
            "child_depth": unit.depth + 1,
            "first_year": first_year,
            "last_year": last_year,
            "first_day": datetime.date(first_year, 1, 1),
            "last_day": datetime.date(last_year, 12, 31),
            "span": years_mask(first_year, last_year),
        }

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def records(self, queryset: QuerySet, date_field: str, path_field: str = "unit__path") -> QuerySet:
        """`records()` with this scope's values, for querysets run as they are (the exports)."""
        return records(queryset, date_field, path_field, self.values)


def subtree(path_field: str = "unit__path", values: Mapping = SLOTS) -> Q:
    """Rows of the subtree: the same rows as `__startswith` (paths are ASCII), but as a range
    SQLite serves from the path index; its LIKE ignores case and cannot, so it read every
    registration of the span."""
    return Q(**{f"{path_field}__gte": values["path"], f"{path_field}__lt": values["path_end"]})


def child(path_field: str = "unit__path", values: Mapping = SLOTS) -> Substr:
    return Substr(path_field, 1, values["child_length"])


def records(
    queryset: QuerySet, date_field: str, path_field: str = "unit__path", values: Mapping = SLOTS
) -> QuerySet:
    """Rows of the subtree in the span, annotated with their year and child path.

    A date field is filtered as a range (so its index serves) and its year extracted;
    a plain `year` column is used as it is.
    """
    queryset = queryset.filter(subtree(path_field, values))
    if date_field.endswith("year"):
        queryset = queryset.filter(**{f"{date_field}__range": (values["first_year"], values["last_year"])})
        year = F(date_field)
    else:
        queryset = queryset.filter(**{f"{date_field}__range": (values["first_day"], values["last_day"])})
        year = ExtractYear(date_field)
    return queryset.annotate(**{YEAR: year, CHILD: child(path_field, values)}).order_by()


def grouped(queryset: QuerySet, *fields: str, **aggregates) -> QuerySet:
    """Rows of (year, child, *fields) with the aggregates."""
    return queryset.values(YEAR, CHILD, *fields).annotate(**aggregates).order_by()


@compiled
def units() -> QuerySet:
    """The unit itself and its direct children (dissolved ones too: their history counts)."""
    return (
        Unit.objects.filter(subtree("path"), depth__lte=SLOTS["child_depth"])
        .order_by("path")
        .values("pk", "path", "code", "short_name", "kind", "dissolved_on")
    )


@compiled
def plan_units() -> QuerySet:
    """Cells and mass organizations per child, kind and dissolution date (None: active)."""
    return (
        Unit.objects.filter(subtree("path"), kind__in=PLAN_KINDS)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=SLOTS["first_day"]))
        .annotate(**{CHILD: child("path")})
        .values(CHILD, "kind", "dissolved_on")
        .annotate(n=Count("pk"))
        .order_by()
    )


@compiled
def plans() -> QuerySet:
    return grouped(records(Plan.objects.all(), "year"), "unit__kind", n=Count("pk"), deeds=Sum("deed_count"))


@compiled
def pledges() -> QuerySet:
    """Registrations by year-end rating level, with those of party members and of leaders.

    Read from the tally kept per unit, year and level (reports/tallies.py), a few rows per unit
    instead of every registration; the level's name, position and rule (which depend on the level
    alone) are read with Min().
    """
    return grouped(
        records(PledgeTally.objects.all(), "year"),
        "rating_id",
        n=Sum("registrations"),
        deeds=Sum("deeds"),
        party_n=Sum("party_registrations"),
        party_deeds=Sum("party_deeds"),
        leader_n=Sum("leader_registrations"),
        leader_deeds=Sum("leader_deeds"),
        rating_name=Min("rating__name"),
        rating_position=Min("rating__position"),
        rating_scale_name=Min("rating__scale__name"),
        rating_effective_from=Min("rating__scale__effective_from"),
    )


@functools.cache
def _people_rows(bits: str, by_child: bool) -> tuple[str, list]:
    """The SQL (with slots) of a person's rows from `MemberUnitYears` whose `bits` meet the span:
    folded rows (people with one unit) as they are, a mover's rows ORed per person first."""
    rows = (
        MemberUnitYears.objects.filter(subtree())
        .alias(in_span=F(bits).bitand(SLOTS["span"]))
        .filter(in_span__gt=0)
        .annotate(**{CHILD: child()})
        .order_by()
    )
    columns = [CHILD, "party_member"] if by_child else ["party_member"]
    folded = rows.filter(member__isnull=True).values(*columns).annotate(bits=F(bits), n=F("people"))
    movers = (
        rows.filter(member__isnull=False)
        .values(*columns, "member_id")
        .annotate(bits=BitOr(bits), n=Min("people"))
        .values(*columns, "bits", "n")
    )
    folded, movers = CompiledQuery(folded), CompiledQuery(movers)
    return f"{folded.sql} UNION ALL {movers.sql}", [*folded.params, *movers.params]


def _count_people(scope: Scope, bits: str, masks: list[int], keys: list[str]) -> list[tuple]:
    """Rows of (*keys, people with a bit of each mask), a person once per group.

    Django cannot group over a union of grouped queries, so the outer part is plain SQL around the
    ORM's, portable to SQLite and PostgreSQL.
    """
    people_sql, people_params = _people_rows(bits, CHILD in keys)
    counts = ", ".join(["SUM(CASE WHEN (bits & %s) <> 0 THEN n ELSE 0 END)"] * len(masks))
    group = ", ".join(keys)
    sql = f"SELECT {group + ', ' if keys else ''}{counts} FROM ({people_sql}) people" + (
        f" GROUP BY {group}" if keys else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*masks, *fill(people_params, scope.values)])
        return cursor.fetchall()


def people_by_child(scope: Scope) -> list[tuple]:
    """(child, party member, people who registered in the span), by the current party status."""
    return _count_people(
        scope, "registered", [years_mask(scope.first_year, scope.last_year)], [CHILD, "party_member"]
    )


def people_in_all(scope: Scope) -> list[tuple]:
    """(party member, people who registered in the span anywhere in the subtree)."""
    return _count_people(
        scope, "registered", [years_mask(scope.first_year, scope.last_year)], ["party_member"]
    )


def belonging_by_child(scope: Scope) -> list[tuple]:
    """(child, people who belonged to it at some time of each year of the span...)."""
    return _count_people(scope, "belonged", [years_mask(year, year) for year in scope.years], [CHILD])


def belonging_in_all(scope: Scope) -> list[int]:
    """People who belonged to some unit of the subtree during each year (a mover counts once)."""
    rows = _count_people(scope, "belonged", [years_mask(year, year) for year in scope.years], [])
    return [n or 0 for n in rows[0]] if rows else [0] * len(scope.years)


@compiled
def documents() -> QuerySet:
    return grouped(records(Document.objects.all(), Document.year_field), "kind", n=Count("pk"))


@compiled
def meetings() -> QuerySet:
    """Meetings that included the Directive-05 content, and the people present at them."""
    queryset = records(Meeting.objects.filter(includes_directive=True), Meeting.year_field)
    return grouped(queryset, n=Count("pk"), present=Coalesce(Sum("attendance_present"), 0))


@compiled
def inspections() -> QuerySet:
    """Inspections and supervisions about the Directive-05 work, by kind and conducting body."""
    queryset = records(Inspection.objects.filter(about_directive=True), Inspection.year_field)
    return grouped(queryset, "kind", "conducted_by", n=Count("pk"))


@compiled
def findings() -> QuerySet:
    """Their findings and how many were remedied, by conducting body (cells or committee bodies)."""
    queryset = records(
        InspectionFinding.objects.filter(
            inspection__deleted_at__isnull=True, inspection__about_directive=True
        ),
        f"inspection__{Inspection.year_field}",
        path_field="inspection__unit__path",
    )
    by_cell = Q(inspection__conducted_by=ConductingBody.CELL)
    return grouped(
        queryset,
        n=Count("pk"),
        remedied=Count("pk", filter=Q(closed_on__isnull=False)),
        by_cells=Count("pk", filter=by_cell),
        remedied_by_cells=Count("pk", filter=by_cell & Q(closed_on__isnull=False)),
    )


@compiled
def awards() -> QuerySet:
    """Awards by category, issuer, collective or individual, and party status at the decision."""
    return grouped(
        records(Award.objects.all(), Award.year_field).annotate(
            individual=ExpressionWrapper(Q(recipient_member__isnull=False), output_field=BooleanField())
        ),
        "form__category",
        "issuer_id",
        "issuer__name",
        "issuer__sort_order",
        "individual",
        "was_party_member",
        n=Count("pk"),
    )


@compiled
def practices() -> QuerySet:
    return grouped(records(GoodPractice.objects.all(), GoodPractice.year_field), "kind", n=Count("pk"))


@compiled
def conferences() -> QuerySet:
    return grouped(records(Conference.objects.all(), Conference.year_field), "kind", n=Count("pk"))


def is_party_member(status: str) -> bool:
    return status != PartyStatus.NONE
