"""Pages of the party app: home, unit page, member page. Every lookup goes through the scope API."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from party.access import can_export_subject_data, get_visible_or_404
from party.filters import MemberFilter, UnitFilter
from party.forms import PageSizeForm
from party.models import AccessEvent, Member, Unit
from party.privacy.access_log import log_access
from party.records.registry import record_types
from party.stats import member_counts
from party.years import current_year


def home(request: HttpRequest) -> HttpResponse:
    """The units the user may see, as an indented tree, with member counts."""
    units = UnitFilter(request.GET, Unit.objects.visible_to(request.user))
    page = Paginator(units.qs, 50).get_page(request.GET.get("page"))
    counts = member_counts(page.object_list)
    own_units = request.user.unit_roles.select_related("unit").order_by("unit__path")
    base_depth = min((u.depth for u in page.object_list), default=1)
    return render(
        request,
        "party/home.html",
        {
            "form": units.form,
            "page": page,
            "rows": [(unit, counts[unit.pk], min(unit.depth - base_depth, 8)) for unit in page.object_list],
            "own_roles": own_units,
        },
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit, its sub-units and its members (of the whole subtree), searchable and sortable."""
    unit = get_visible_or_404(Unit, request.user, pk=pk)
    visible = Unit.objects.visible_to(request.user)
    ancestors = list(visible.filter(pk__in=unit.ancestors().values("pk")))
    children = list(visible.filter(path__startswith=unit.path, depth=unit.depth + 1))
    counts = member_counts([unit, *children])
    members = MemberFilter(request.GET, Member.objects.in_subtree(unit).select_related("unit"))
    page_size = PageSizeForm(request.GET)
    page = Paginator(members.qs, page_size.size).get_page(request.GET.get("page"))
    return render(
        request,
        "party/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": [(child, counts[child.pk]) for child in children],
            "counts": counts[unit.pk],
            "form": members.form,
            "page_size_form": page_size,
            "page": page,
            "sort": members.current_sort,
            "current_year": current_year(),
            "record_types": record_types(),
        },
    )


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member, request.user, pk=pk)
    memberships = member.memberships.select_related("unit").order_by("-started_on", "-pk")
    awards = member.awards.visible_to(request.user).select_related("form", "issuer", "unit")
    response = render(
        request,
        "party/member_detail.html",
        {
            "member": member,
            "memberships": memberships,
            "awards": awards,
            "can_export_personal_data": can_export_subject_data(request.user, member),
        },
    )
    if request.method == "GET":
        log_access(request, AccessEvent.Kind.MEMBER_VIEWED, member=member)
    return response
