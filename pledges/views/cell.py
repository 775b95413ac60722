"""The cell's year page ("Chi bộ của tôi — năm 2026") and the cell's plan."""

from functools import cache
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from party.access import get_visible_or_404
from party.editing import StaleEdit
from party.models import PartyStatus, RoleKind, Unit
from party.models.units import in_scope
from pledges.forms import PlanForm, plan_deed_formset
from pledges.models import NotEvaluatedReason, Plan, PledgeStatus
from pledges.models.pledges import pledge_states_of_people_in
from pledges.services import save_with_deeds
from pledges.years import check_year, current_year, year_choices


def my_cell(request: HttpRequest) -> HttpResponse:
    """The secretary's own cell for the current year; others go to the unit list."""
    role = request.user.unit_roles.filter(role=RoleKind.SECRETARY).order_by("unit__path").first()
    role = role or request.user.unit_roles.order_by("unit__path").first()
    if role is None:
        return redirect("home")
    return redirect("cell_year", unit_pk=role.unit_id, year=current_year())


PARTY_STATUS_LABELS = dict(PartyStatus.choices)
STATE_LABELS = dict(PledgeStatus.choices)
REASON_LABELS = dict(NotEvaluatedReason.choices)


# One line of the page's table, filled with escaped values. Built here rather than in the
# template: the page is the busiest one (a secretary opens it all day) and the template's per-row
# work (variable lookups, url tags, display methods) was half of its cost.
ROW = (
    "    <tr>\n"
    '      <td class="num">{}</td>\n'
    "      <td>{}{}</td>\n"
    "      <td>{}</td>\n"
    '      <td><span class="tag state-{}">{}</span></td>\n'
    '      <td class="num">{}</td>\n'
    "      <td>{}</td>\n"
    '      <td><a href="{}">{}</a></td>\n'
    "    </tr>\n"
)
LEADER_TAG = ' <span class="tag">BTV</span>'


def cell_rows(people: list[dict], year: int, can_edit: bool) -> list[SafeString]:
    """The table lines of the cell page, one per person (see pledge_states_of_people_in)."""
    # One reverse() for the page, not one a row.
    before, after = reverse("pledge_edit", args=[0, year]).split("/0/", 1)
    number_text = cache(localize)  # the same few small numbers, formatted as the template would
    rows = []
    for number, person in enumerate(people, start=1):
        status = person["pledge__status"]
        if person["pledge__id"] is None:
            state, state_label, deed_count, rating = "none", "Chưa đăng ký", "", ""
            action = "Đăng ký" if can_edit else "Xem"
        else:
            state, state_label = status, STATE_LABELS.get(status, status)
            deed_count = number_text(person["pledge__deed_count"])
            reason = person["pledge__not_evaluated_reason"]
            rating = person["pledge__rating__name"] or (REASON_LABELS.get(reason, reason) if reason else "")
            # Pledge.is_locked: evaluated registrations are read-only for secretaries.
            action = "Sửa" if can_edit and status == PledgeStatus.REGISTERED else "Xem"
        # html.escape is what django.utils.html.escape does, without its lazy-string wrapper.
        rows.append(
            mark_safe(  # every value is escaped below
                ROW.format(
                    number_text(number),
                    escape(person["full_name"]),
                    LEADER_TAG if person["is_leader"] else "",
                    escape(PARTY_STATUS_LABELS.get(person["party_status"], person["party_status"])),
                    escape(state),
                    escape(state_label),
                    deed_count,
                    escape(rating),
                    escape(f"{before}/{person['pk']}/{after}"),
                    escape(action),
                )
            )
        )
    return rows


def cell_year(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Every person of the unit in the year with the state of their registration."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    people = pledge_states_of_people_in(unit, year)
    registered = sum(1 for person in people if person["pledge__id"] is not None)
    evaluated = sum(1 for person in people if person["pledge__status"] == PledgeStatus.EVALUATED)
    can_edit = in_scope(request.user, unit, editing=True)
    # One plan at most (unique per unit and year): no ordering join on the unit's path.
    plan = Plan.objects.filter(unit=unit, year=year).order_by("pk").values("title", "deed_count").first()
    return render(
        request,
        "pledges/cell_year.html",
        {
            "unit": unit,
            "year": year,
            "years": year_choices(),
            "rows": cell_rows(people, year, can_edit),
            "plan": plan,
            "total": len(people),
            "registered": registered,
            "evaluated": evaluated,
            "share": round(100 * registered / len(people)) if people else 0,
            "can_edit": can_edit,
        },
    )


def plan_edit(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """A cell's or mass organization's plan for the year, with its deeds."""
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    can_edit = Unit.objects.editable_by(request.user).filter(pk=unit.pk).exists()
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
                form.add_error(
                    None,
                    "Kế hoạch vừa được người khác lưu nên chưa lưu được; nội dung đã nhập vẫn còn dưới đây.",
                )
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
