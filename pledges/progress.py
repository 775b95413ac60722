"""Progress of the pledge cycle over a subtree, in a fixed number of queries.

Each function reads grouped counts keyed by unit id (one query per kind of figure, whatever the
size of the subtree), then rolls them up the tree in Python by path prefix.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from party.models import Membership, Unit, UnitKind
from pledges.models import Plan, Pledge, PledgeStatus

# Units that make a plan of their own each year.
PLAN_KINDS = (*UnitKind.cells(), UnitKind.MASS_ORGANIZATION)
# What the progress pages read of each unit.
UNIT_FIELDS = ("path", "depth", "code", "short_name", "kind", "dissolved_on")


@dataclass(slots=True)
class UnitProgress:
    """One row of the progress table: a unit, and figures covering it and everything under it."""

    unit: Unit
    active: bool
    has_children: bool = False
    has_plan: bool = False
    members: int = 0
    registered: int = 0
    evaluated: int = 0
    not_evaluated: int = 0
    plan_units: int = 0  # cells and mass organizations expected to have a plan
    planned: int = 0  # of those, how many have one

    @property
    def share(self) -> int | None:
        """Per cent of the people who registered here; None when nobody belongs."""
        return round(100 * self.registered / self.members) if self.members else None


def subtree_progress(unit: Unit, year: int) -> list[UnitProgress]:
    """Rows of the progress table for `unit`'s subtree in tree order; the first row is `unit`.

    Five queries: the units; distinct people per unit in the year; the units of people who
    belonged to more than one unit of the subtree that year; registrations per unit and status;
    the units with a plan.
    """
    units = Unit.objects.filter(path__startswith=unit.path).order_by("path").only(*UNIT_FIELDS)
    rows = [UnitProgress(each, active=each.was_active_in(year)) for each in units]
    by_pk = {row.unit.pk: row for row in rows}
    by_path = {row.unit.path: row for row in rows}

    periods = Membership.objects.overlapping_year(year).filter(unit__path__startswith=unit.path)
    for unit_id, count in (
        periods.values("unit_id")
        .annotate(count=Count("member_id", distinct=True))
        .values_list("unit_id", "count")
        .order_by()
    ):
        by_pk[unit_id].members = count
    for status_unit_id, status, count in (
        Pledge.objects.filter(year=year, unit__path__startswith=unit.path)
        .values("unit_id", "status")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "status", "count")
        .order_by()
    ):
        row = by_pk[status_unit_id]
        row.registered += count
        if status == PledgeStatus.EVALUATED:
            row.evaluated += count
        elif status == PledgeStatus.NOT_EVALUATED:
            row.not_evaluated += count
    for plan_unit_id in (
        Plan.objects.filter(year=year, unit__path__startswith=unit.path)
        .values_list("unit_id", flat=True)
        .order_by()
    ):
        by_pk[plan_unit_id].has_plan = True

    for row in rows:
        if row.unit.kind in PLAN_KINDS and row.active:
            row.plan_units = 1
            row.planned = int(row.has_plan)
    # Children come after their parent in path order, so walking backwards adds each finished
    # subtree into its parent.
    for row in reversed(rows[1:]):
        parent = by_path[row.unit.parent_path]
        parent.has_children = True
        parent.members += row.members
        parent.registered += row.registered
        parent.evaluated += row.evaluated
        parent.not_evaluated += row.not_evaluated
        parent.plan_units += row.plan_units
        parent.planned += row.planned
    _count_movers_once(periods, by_path, unit.depth, year)
    # The first row is the whole subtree's total: it stays even for a dissolved, empty unit.
    return [
        rows[0],
        *(row for row in rows[1:] if row.active or row.members or row.registered or row.has_plan),
    ]


def _count_movers_once(
    periods: QuerySet, by_path: dict[str, UnitProgress], root_depth: int, year: int
) -> None:
    """A person who moved between units of the subtree during the year counts once above them.

    Whoever belonged to two units in a year has a period that ended during it; such periods
    are few, so only those people's (person, unit path) pairs are read.
    """
    ended = periods.filter(ended_on__lte=datetime.date(year, 12, 31)).values("member_id")
    paths_by_member: dict[int, set[str]] = defaultdict(set)
    for member_id, path in (
        periods.filter(member_id__in=ended).values_list("member_id", "unit__path").order_by()
    ):
        paths_by_member[member_id].add(path)
    for paths in paths_by_member.values():
        if len(paths) < 2:
            continue
        prefixes = Counter(
            path[:end]
            for path in paths
            for end in range(root_depth * Unit.steplen, len(path) + 1, Unit.steplen)
        )
        for prefix, times in prefixes.items():
            if times > 1:
                by_path[prefix].members -= times - 1


@dataclass(slots=True)
class IncompleteUnit:
    """A cell or mass organization that still lacks its plan, registrations or evaluation."""

    unit: Unit
    has_plan: bool = False
    members: int = 0
    unregistered: int = 0
    pending: int = 0

    @property
    def is_complete(self) -> bool:
        return self.has_plan and not self.unregistered and not self.pending


def incomplete_units(unit: Unit, year: int) -> list[IncompleteUnit]:
    """Active cells and mass organizations of the subtree with something still missing, in tree order.

    Cells need a plan, every person registered and every registration evaluated (or marked
    "chưa đánh giá"); mass organizations only a plan. Four queries: the units; the units with a
    plan; people per cell, and those with no registration that year (the cell page's view);
    registrations per cell still waiting for evaluation.
    """
    units = (
        Unit.objects.filter(path__startswith=unit.path, kind__in=PLAN_KINDS)
        .active_in_year(year)
        .order_by("path")
        .only(*UNIT_FIELDS)
    )
    rows = {each.pk: IncompleteUnit(each) for each in units}
    cells = Q(unit__path__startswith=unit.path, unit__kind__in=UnitKind.cells())
    plans = Plan.objects.filter(year=year, unit__path__startswith=unit.path, unit__kind__in=PLAN_KINDS)
    for plan_unit_id in plans.values_list("unit_id", flat=True).order_by():
        if plan_unit_id in rows:
            rows[plan_unit_id].has_plan = True

    has_pledge = Exists(Pledge.objects.filter(member_id=OuterRef("member_id"), year=year))
    people = (
        Membership.objects.overlapping_year(year)
        .filter(cells)
        .annotate(has_pledge=has_pledge)
        .values("unit_id")
        .annotate(
            members=Count("member_id", distinct=True),
            unregistered=Count("member_id", distinct=True, filter=Q(has_pledge=False)),
        )
        .values_list("unit_id", "members", "unregistered")
        .order_by()
    )
    for unit_id, members, unregistered in people:
        if unit_id in rows:
            rows[unit_id].members = members
            rows[unit_id].unregistered = unregistered
    waiting = (
        Pledge.objects.filter(cells, year=year, status=PledgeStatus.REGISTERED)
        .values("unit_id")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "count")
        .order_by()
    )
    for unit_id, count in waiting:
        if unit_id in rows:
            rows[unit_id].pending = count
    return [row for row in rows.values() if not row.is_complete]


def leader_pledges(unit: Unit, year: int) -> QuerySet:
    """Registrations of the year made in the subtree by leaders (cán bộ diện BTV quản lý)."""
    return (
        Pledge.objects.for_year(year)
        .in_subtree(unit)
        .filter(member__is_leader=True)
        .select_related("member", "unit")
        .prefetch_related("deeds")
        .order_by("unit__path", "member__sort_key", "member__birth_date", "pk")
    )
