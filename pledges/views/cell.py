"""The cell's year page ("Chi bộ của tôi — năm 2026") and the cell's plan."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from party.access import get_visible_or_404
from party.models import RoleKind, Unit
from party.models.units import in_scope
from party.records.editing import StaleEdit, stale_message
from party.years import check_year, current_year, year_choices
from pledges.forms import PlanForm, plan_deed_formset
from pledges.models import Plan, Pledge, PledgeStatus, registration_readable
from pledges.services import save_with_deeds


def my_cell(request: HttpRequest) -> HttpResponse:
    """The secretary's own cell for the current year; others go to the unit list."""
    role = request.user.unit_roles.filter(role=RoleKind.SECRETARY).order_by("unit__path").first()
    role = role or request.user.unit_roles.order_by("unit__path").first()
    if role is None:
        return redirect("home")
    return redirect("cell_year", unit_pk=role.unit_id, year=current_year())


def cell_year(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Every person of the unit in the year with the state of their registration."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    people = Pledge.objects.select_related("rating").of_people_in(unit, year)
    registered = sum(1 for _, pledge in people if pledge)
    evaluated = sum(1 for _, pledge in people if pledge and pledge.status == PledgeStatus.EVALUATED)
    return render(
        request,
        "pledges/cell_year.html",
        {
            "unit": unit,
            "year": year,
            "years": year_choices(),
            "plan": Plan.objects.filter(unit=unit, year=year).first(),
            "people": people,
            "readable": {m.pk for m, pledge in people if registration_readable(request.user, m, pledge)},
            "total": len(people),
            "registered": registered,
            "evaluated": evaluated,
            "share": round(100 * registered / len(people)) if people else 0,
            "can_edit": in_scope(request.user, unit, editing=True),
        },
    )


def plan_edit(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """A cell's or mass organization's plan for the year, with its deeds."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    can_edit = in_scope(request.user, unit, editing=True)
    plan = Plan.objects.filter(unit=unit, year=year).first()
    instance = plan or Plan(unit=unit, year=year, title=f"Kế hoạch thực hiện Chỉ thị 05-CT/TW năm {year}")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Anh/chị chỉ được xem kế hoạch này.")
        form = PlanForm(request.POST, instance=instance)
        formset = plan_deed_formset()(request.POST, instance=instance, prefix="deeds")
        if form.is_valid() and formset.is_valid():
            try:
                save_with_deeds(form=form, formset=formset)
            except StaleEdit:
                form.add_error(None, stale_message("Kế hoạch này"))
            else:
                messages.success(request, f"Đã lưu kế hoạch năm {year} của {unit.short_name}.")
                return redirect("cell_year", unit_pk=unit.pk, year=year)
    else:
        form = PlanForm(instance=instance)
        formset = plan_deed_formset(extra=0 if plan else 3)(instance=instance, prefix="deeds")
    return render(
        request,
        "pledges/plan_form.html",
        {
            "unit": unit,
            "year": year,
            "plan": plan,
            "form": form,
            "formset": formset,
            "read_only": not can_edit,
        },
    )
