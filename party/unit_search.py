"""GET /units/search/?q=…&for=edit|read&kind=…: the units a picker offers for typed text, as JSON.

The scope is the picker's own (`pickable_units`): the user's reading scope, or with `for=edit`
their editing scope, of the given kinds. Units only: codes and names, no personal data.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from party.models import UnitKind
from party.unit_picker import MATCHES, matching_units, pickable_units, unit_label


@require_GET
def unit_search(request: HttpRequest) -> JsonResponse:
    kinds = [kind for kind in request.GET.getlist("kind") if kind in UnitKind.values]
    units = pickable_units(request.user, editing=request.GET.get("for") == "edit", kinds=kinds)
    found = matching_units(units, request.GET.get("q", "")[:100], limit=MATCHES + 1)
    results = [
        {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.short_name,
            "context": unit.parent_name or "",
            "dissolved": not unit.is_active,
            "label": unit_label(unit),
        }
        for unit in found[:MATCHES]
    ]
    return JsonResponse({"results": results, "more": len(found) > MATCHES})
