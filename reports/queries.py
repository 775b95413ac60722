"""The grouped queries behind the review report's totals: one query per category.

Every query is filtered to the unit's subtree (a path prefix) and the span of years, and grouped
by calendar year and by "child": the first `len(unit.path) + steplen` characters of the record's
unit path, that is the path of the direct child the record lies under (or the unit's own path
for records of the unit itself). The number of queries never depends on the data.
"""

import datetime
from collections.abc import Iterator

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, Substr

from party.models import (
    ConductingBody,
    Conference,
    Document,
    Inspection,
    InspectionFinding,
    Meeting,
    Membership,
    PartyStatus,
    Unit,
)
from pledges.models import Award, GoodPractice, Plan, Pledge
from pledges.progress import PLAN_KINDS

CHILD = "child"
YEAR = "report_year"


class Scope:
    """A unit's subtree over a span of calendar years, and the expressions every query groups by."""

    def __init__(self, unit: Unit, first_year: int, last_year: int) -> None:
        self.unit = unit
        self.first_year = first_year
        self.last_year = last_year
        self.first_day = datetime.date(first_year, 1, 1)
        self.last_day = datetime.date(last_year, 12, 31)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def child(self, path_field: str = "unit__path") -> Substr:
        return Substr(path_field, 1, len(self.unit.path) + Unit.steplen)

    def records(self, queryset: QuerySet, date_field: str, path_field: str = "unit__path") -> QuerySet:
        """Rows of the subtree in the span, annotated with their year and child path.

        A date field is filtered as a range (so its index serves) and its year extracted;
        a plain `year` column is used as it is.
        """
        queryset = queryset.filter(**{f"{path_field}__startswith": self.unit.path})
        if date_field.endswith("year"):
            queryset = queryset.filter(**{f"{date_field}__range": (self.first_year, self.last_year)})
            year = F(date_field)
        else:
            queryset = queryset.filter(**{f"{date_field}__range": (self.first_day, self.last_day)})
            year = ExtractYear(date_field)
        return queryset.annotate(**{YEAR: year, CHILD: self.child(path_field)}).order_by()


def grouped(queryset: QuerySet, *fields: str, **aggregates) -> Iterator[dict]:
    """Rows of (year, child, *fields) with the aggregates."""
    return iter(queryset.values(YEAR, CHILD, *fields).annotate(**aggregates).order_by())


def units(scope: Scope) -> list[dict]:
    """The unit itself and its direct children (dissolved ones too: their history counts)."""
    return list(
        Unit.objects.filter(path__startswith=scope.unit.path, depth__lte=scope.unit.depth + 1)
        .order_by("path")
        .values("pk", "path", "code", "short_name", "kind", "dissolved_on")
    )


def plan_units(scope: Scope) -> Iterator[dict]:
    """Cells and mass organizations per child, kind and dissolution date (None: active)."""
    return iter(
        Unit.objects.filter(path__startswith=scope.unit.path, kind__in=PLAN_KINDS)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=scope.first_day))
        .annotate(**{CHILD: scope.child("path")})
        .values(CHILD, "kind", "dissolved_on")
        .annotate(n=Count("pk"))
        .order_by()
    )


def plans(scope: Scope) -> Iterator[dict]:
    return grouped(
        scope.records(Plan.objects.all(), "year"), "unit__kind", n=Count("pk"), deeds=Sum("deed_count")
    )


def pledges(scope: Scope) -> Iterator[dict]:
    """Registrations by the person's status, leader flag and year-end rating level."""
    return grouped(
        scope.records(Pledge.objects.all(), "year"),
        "member__party_status",
        "member__is_leader",
        "rating_id",
        "rating__name",
        "rating__position",
        "rating__scale__name",
        "rating__scale__effective_from",
        n=Count("pk"),
        deeds=Sum("deed_count"),
    )


def _people(queryset: QuerySet, *group: str) -> list[dict]:
    return list(
        queryset.values(*group, "member__party_status")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )


def people_by_child(scope: Scope) -> list[dict]:
    """Distinct people who registered in the span, per child and party status."""
    return _people(scope.records(Pledge.objects.all(), "year"), CHILD)


def people_in_all(scope: Scope) -> list[dict]:
    """Distinct people who registered in the span anywhere in the subtree, per party status."""
    return _people(scope.records(Pledge.objects.all(), "year"))


def _belonging(scope: Scope) -> tuple[QuerySet, dict]:
    periods = (
        Membership.objects.filter(unit__path__startswith=scope.unit.path, started_on__lte=scope.last_day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=scope.first_day))
        .annotate(**{CHILD: scope.child()})
        .order_by()
    )
    # One column per year keeps the query count fixed whatever the span.
    counts = {
        f"y{year}": Count(
            "member_id",
            distinct=True,
            filter=Q(started_on__lte=datetime.date(year, 12, 31))
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=datetime.date(year, 1, 1))),
        )
        for year in scope.years
    }
    return periods, counts


def belonging_by_child(scope: Scope) -> list[dict]:
    """People who belonged to each child at some time of each year (y2024: ...)."""
    periods, counts = _belonging(scope)
    return list(periods.values(CHILD).annotate(**counts).order_by())


def belonging_in_all(scope: Scope) -> dict:
    """People who belonged to some unit of the subtree during each year (a mover counts once)."""
    periods, counts = _belonging(scope)
    return periods.aggregate(**counts)


def documents(scope: Scope) -> Iterator[dict]:
    return grouped(scope.records(Document.objects.all(), Document.year_field), "kind", n=Count("pk"))


def meetings(scope: Scope) -> Iterator[dict]:
    """Meetings that included the Directive-05 content, and the people present at them."""
    queryset = scope.records(Meeting.objects.filter(includes_directive=True), Meeting.year_field)
    return grouped(queryset, n=Count("pk"), present=Coalesce(Sum("attendance_present"), 0))


def inspections(scope: Scope) -> Iterator[dict]:
    """Inspections and supervisions about the Directive-05 work, by kind and conducting body."""
    queryset = scope.records(Inspection.objects.filter(about_directive=True), Inspection.year_field)
    return grouped(queryset, "kind", "conducted_by", n=Count("pk"))


def findings(scope: Scope) -> Iterator[dict]:
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


def awards(scope: Scope) -> Iterator[dict]:
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


def practices(scope: Scope) -> Iterator[dict]:
    return grouped(scope.records(GoodPractice.objects.all(), GoodPractice.year_field), "kind", n=Count("pk"))


def conferences(scope: Scope) -> Iterator[dict]:
    return grouped(scope.records(Conference.objects.all(), Conference.year_field), "kind", n=Count("pk"))


def is_party_member(status: str) -> bool:
    return status != PartyStatus.NONE
