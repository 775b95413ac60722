"""The grouped queries behind the review report's totals: one query per category.

Each function takes a `Scope` (a unit's subtree over a span of calendar years) and returns a
`values()` queryset filtered to the subtree and the span, grouped by calendar year and by "child":
the first `len(unit.path) + steplen` characters of the record's unit path, that is the path of
the direct child the record lies under (or the unit's own path for records of the unit itself).
The number of queries never depends on the data.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.db.models.lookups import GreaterThan

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
from reports.models import MemberUnitYears, PledgeTally, years_mask

CHILD = "child"
YEAR = "report_year"


@dataclass(frozen=True)
class Scope:
    """A unit's subtree over a span of calendar years: what every report query is filtered to."""

    unit: Unit
    first_year: int
    last_year: int

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.last_year, 12, 31)

    @cached_property
    def span(self) -> int:
        """The span's years as bits of a `MemberUnitYears` mask."""
        return years_mask(self.first_year, self.last_year)

    def subtree(self, path_field: str = "unit__path") -> Q:
        return subtrees_q(self.unit.path, self.unit.path, path_field)

    def child(self, path_field: str = "unit__path") -> Substr:
        return Substr(path_field, 1, len(self.unit.path) + Unit.steplen)

    def records(self, queryset: QuerySet, date_field: str, path_field: str = "unit__path") -> QuerySet:
        """Rows of the subtree in the span, annotated with their year and child path, unordered.

        A date field is filtered as a range (so its index serves) and its year extracted;
        a plain `year` column is used as it is.
        """
        queryset = queryset.filter(self.subtree(path_field))
        if date_field.endswith("year"):
            queryset = queryset.filter(**{f"{date_field}__range": (self.first_year, self.last_year)})
            year = F(date_field)
        else:
            queryset = queryset.filter(**{f"{date_field}__range": (self.first_day, self.last_day)})
            year = ExtractYear(date_field)
        return queryset.annotate(**{YEAR: year, CHILD: self.child(path_field)}).order_by()


def subtrees_q(first_path: str, last_path: str, path_field: str = "unit__path") -> Q:
    """Rows under the sibling units from `first_path` to `last_path` (one unit when they are the
    same): the same rows as `__startswith` (paths are ASCII), but as a range SQLite serves from
    the path index; its LIKE ignores case and cannot."""
    return Q(**{f"{path_field}__gte": first_path, f"{path_field}__lt": last_path + "\uffff"})


def grouped(queryset: QuerySet, *fields: str, **aggregates) -> QuerySet:
    """Rows of (year, child, *fields) with the aggregates."""
    return queryset.values(YEAR, CHILD, *fields).annotate(**aggregates).order_by()


def units(scope: Scope) -> QuerySet:
    """The unit itself and its direct children (dissolved ones too: their history counts)."""
    return (
        Unit.objects.filter(scope.subtree("path"), depth__lte=scope.unit.depth + 1)
        .order_by("path")
        .only("path", "depth", "code", "short_name", "kind", "dissolved_on")
    )


def plan_units(scope: Scope) -> QuerySet:
    """Cells and mass organizations per child, kind and dissolution date (None: active); those
    that worked in the span's first year, so in any year of it (units have no founding date)."""
    return (
        Unit.objects.filter(scope.subtree("path"), kind__in=PLAN_KINDS)
        .active_in_year(scope.first_year)
        .annotate(**{CHILD: scope.child("path")})
        .values(CHILD, "kind", "dissolved_on")
        .annotate(n=Count("pk"))
        .order_by()
    )


def plans(scope: Scope) -> QuerySet:
    return grouped(
        scope.records(Plan.objects.all(), "year"), "unit__kind", n=Count("pk"), deeds=Sum("deed_count")
    )


def pledges(scope: Scope) -> QuerySet:
    """Registrations by year-end rating level, with those of party members and of leaders.

    Read from the tally kept per unit, year and level (`PledgeTally`), a few rows per unit
    instead of every registration; the level's name, position and rule (which depend on the level
    alone) are read with Min().
    """
    return grouped(
        scope.records(PledgeTally.objects.all(), "year"),
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


def _people_rows(scope: Scope, movers: bool) -> QuerySet:
    """`MemberUnitYears` rows of the subtree that registered or belonged in the span."""
    return (
        MemberUnitYears.objects.filter(scope.subtree(), member__isnull=not movers)
        .alias(in_span=(F("registered").bitor(F("belonged"))).bitand(scope.span))
        .filter(in_span__gt=0)
        .order_by()
    )


def _person_counts(scope: Scope, count) -> dict:
    """People who registered in the span (`registered_people`), and who belonged in each year of it
    (`belonged_<year>`), counted with `count(filter)`."""
    counts = {"registered_people": count(GreaterThan(F("registered").bitand(scope.span), 0))}
    for year in scope.years:
        counts[f"belonged_{year}"] = count(GreaterThan(F("belonged").bitand(years_mask(year, year)), 0))
    return counts


def people(scope: Scope) -> QuerySet:
    """Folded rows, by child and current party status: people who only ever had one unit and
    period, so their head counts add up (a person is in one child, and once in the subtree)."""
    rows = _people_rows(scope, movers=False).annotate(**{CHILD: scope.child()})
    return rows.values(CHILD, "party_member").annotate(
        **_person_counts(scope, lambda where: Coalesce(Sum("people", filter=where), 0))
    )


def movers_by_child(scope: Scope) -> QuerySet:
    """Movers' rows, by child and party status: each person once per child, however many rows."""
    rows = _people_rows(scope, movers=True).annotate(**{CHILD: scope.child()})
    return rows.values(CHILD, "party_member").annotate(
        **_person_counts(scope, lambda where: Count("member", distinct=True, filter=where))
    )


def movers_in_all(scope: Scope) -> QuerySet:
    """Movers in the whole subtree, by party status: each person once."""
    return (
        _people_rows(scope, movers=True)
        .values("party_member")
        .annotate(**_person_counts(scope, lambda where: Count("member", distinct=True, filter=where)))
    )


def documents(scope: Scope) -> QuerySet:
    return grouped(scope.records(Document.objects.all(), Document.year_field), "kind", n=Count("pk"))


def meetings(scope: Scope) -> QuerySet:
    """Meetings that included the Directive-05 content, and the people present at them."""
    queryset = scope.records(Meeting.objects.filter(includes_directive=True), Meeting.year_field)
    return grouped(queryset, n=Count("pk"), present=Coalesce(Sum("attendance_present"), 0))


def inspections(scope: Scope) -> QuerySet:
    """Inspections and supervisions about the Directive-05 work, by kind and conducting body."""
    queryset = scope.records(Inspection.objects.filter(about_directive=True), Inspection.year_field)
    return grouped(queryset, "kind", "conducted_by", n=Count("pk"))


def findings(scope: Scope) -> QuerySet:
    """Their findings and how many were remedied, by conducting body (cells or committee bodies)."""
    queryset = scope.records(
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


def awards(scope: Scope) -> QuerySet:
    """Awards by category, issuer, collective or individual, and party status at the decision."""
    return grouped(
        scope.records(Award.objects.all(), Award.year_field).annotate(
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


def practices(scope: Scope) -> QuerySet:
    return grouped(scope.records(GoodPractice.objects.all(), GoodPractice.year_field), "kind", n=Count("pk"))


def conferences(scope: Scope) -> QuerySet:
    return grouped(scope.records(Conference.objects.all(), Conference.year_field), "kind", n=Count("pk"))


def is_party_member(status: str) -> bool:
    return status != PartyStatus.NONE
