"""Member counts per unit, for any page of units, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count
from django.db.models.functions import Substr

from party.models import Member, Unit, subtree_q


def member_counts(units: Sequence[Unit]) -> dict[int, dict[str, int]]:
    """{unit id: {"direct": n, "subtree": n}}: one grouped query per tree depth on the page."""
    counts: dict[int, dict[str, int]] = {unit.pk: {"direct": 0, "subtree": 0} for unit in units}
    by_depth: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_depth[unit.depth].append(unit)
    for depth, same_depth in by_depth.items():
        prefix_length = depth * Unit.steplen
        rows = (
            Member.objects.filter(subtree_q([u.path for u in same_depth], field="unit__path"))
            .annotate(prefix=Substr("unit__path", 1, prefix_length))
            .values("prefix")
            .annotate(total=Count("pk"))
            .order_by()
        )
        totals = {row["prefix"]: row["total"] for row in rows}
        for unit in same_depth:
            counts[unit.pk]["subtree"] = totals.get(unit.path, 0)
    direct = Member.objects.filter(unit__in=[u.pk for u in units]).values("unit").annotate(total=Count("pk"))
    for row in direct.order_by():
        counts[row["unit"]]["direct"] = row["total"]
    return counts
