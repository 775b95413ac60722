"""Committee pages over a subtree: the progress table, what is still missing, leaders' registrations."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from party.access import get_visible_or_404
from party.models import RoleKind, Unit
from party.years import check_year, current_year, year_choices
from pledges.progress import UnitProgress, incomplete_units, leader_pledges, subtree_progress

ROWS_PER_PAGE = 200
LEADERS_PER_PAGE = 100


def progress_start(request: HttpRequest) -> HttpResponse:
    """The progress table of the user's highest unit (staff roles first) for the current year."""
    roles = request.user.unit_roles.order_by("unit__depth", "unit__path")
    role = roles.filter(role=RoleKind.STAFF).first() or roles.first()
    if role is not None:
        return redirect("progress", unit_pk=role.unit_id, year=current_year())
    if request.user.is_superuser:
        root = Unit.objects.filter(depth=1).first()
        if root is not None:
            return redirect("progress", unit_pk=root.pk, year=current_year())
    return redirect("home")


def progress(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Per unit of the subtree: people, registered, share, evaluated, plan; roll-ups for committees."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    rows = subtree_progress(unit, year)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    table = [
        (row, min(row.unit.depth - unit.depth, 8), _drill_down(row, unit, year)) for row in page.object_list
    ]
    return render(
        request,
        "pledges/progress.html",
        {
            "unit": unit,
            "year": year,
            "years": year_choices(),
            "ancestors": Unit.objects.visible_to(request.user).filter(pk__in=unit.ancestors().values("pk")),
            "totals": rows[0],
            "page": page,
            "table": table,
        },
    )


def _drill_down(row: UnitProgress, unit: Unit, year: int) -> str:
    """Committees open their own progress table, cells and organizations their year page."""
    if not row.has_children:
        return reverse("cell_year", args=[row.unit.pk, year])
    return "" if row.unit.pk == unit.pk else reverse("progress", args=[row.unit.pk, year])


def incomplete(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Cells and mass organizations still lacking a plan, registrations or the year-end evaluation."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    rows = incomplete_units(unit, year)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pledges/incomplete.html",
        {
            "unit": unit,
            "year": year,
            "years": year_choices(),
            "page": page,
            "without_plan": sum(1 for row in rows if not row.has_plan),
            "with_unregistered": sum(1 for row in rows if row.unregistered),
            "with_pending": sum(1 for row in rows if row.pending),
            "unregistered": sum(row.unregistered for row in rows),
            "pending": sum(row.pending for row in rows),
        },
    )


def leaders(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """The public list of leaders' registrations (cán bộ diện BTV quản lý) of the subtree."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    page = Paginator(leader_pledges(unit, year), LEADERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pledges/leaders.html",
        {"unit": unit, "year": year, "years": year_choices(), "page": page},
    )
