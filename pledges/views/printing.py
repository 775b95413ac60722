"""Printable pages: the cell's list of registrations for a year (the person's form is in registration)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from party.access import get_visible_or_404
from party.models import AccessEvent, Unit
from party.privacy.access_log import log_access
from party.years import check_year
from pledges.models import Pledge


def cell_print(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Every person of the cell in the year with their deeds and rating, as on the cell page."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    rows = Pledge.objects.select_related("rating").prefetch_related("deeds").of_people_in(unit, year)
    log_access(request, AccessEvent.Kind.PRINT, unit=unit, what="cell_print", years=str(year), rows=len(rows))
    return render(
        request,
        "pledges/cell_print.html",
        {
            "unit": unit,
            "parent": unit.ancestors().last(),
            "year": year,
            "rows": rows,
        },
    )
