"""A person's registration for a year: one page with the commitment and the deed rows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from party.access import get_visible_or_404
from party.models import AccessEvent, Member
from party.models.units import in_scope, is_staff_for
from party.privacy.access_log import log_access
from party.records.editing import StaleEdit, stale_message
from party.years import check_year
from pledges.forms import PledgeForm, pledge_deed_formset
from pledges.models import Pledge, registration_readable
from pledges.services import reopen_pledge, save_with_deeds


def _pledge_and_member(request: HttpRequest, member_pk: int, year: int) -> tuple[Pledge | None, Member]:
    """The registration if it exists and is in scope, else the member (404 outside scope)."""
    pledge = Pledge.objects.select_related("member", "unit").filter(member_id=member_pk, year=year).first()
    if pledge is not None:
        if not registration_readable(request.user, pledge.member, pledge):
            raise Http404
        return pledge, pledge.member
    return None, get_visible_or_404(Member, request.user, pk=member_pk)


def pledge_edit(request: HttpRequest, member_pk: int, year: int) -> HttpResponse:
    check_year(year)
    pledge, member = _pledge_and_member(request, member_pk, year)
    unit = pledge.unit if pledge else member.unit
    can_edit = in_scope(request.user, unit, editing=True)
    locked = pledge is not None and pledge.is_locked
    instance = pledge or Pledge(member=member, unit=unit, year=year)
    previous = Pledge.objects.filter(member=member, year=year - 1).prefetch_related("deeds").first()

    if request.method == "POST":
        if not can_edit or locked:
            raise PermissionDenied("Bản đăng ký này không sửa được.")
        form = PledgeForm(request.POST, instance=instance)
        formset = pledge_deed_formset()(request.POST, instance=instance, prefix="deeds")
        if form.is_valid() and formset.is_valid():
            try:
                save_with_deeds(form=form, formset=formset)
            except StaleEdit:
                form.add_error(None, stale_message("Bản đăng ký này"))
            else:
                messages.success(request, f"Đã lưu bản đăng ký năm {year} của {member.full_name}.")
                return redirect("cell_year", unit_pk=unit.pk, year=year)
    else:
        initial, deed_initial = {}, []
        if pledge is None and previous is not None and request.GET.get("copy") == "1":
            initial = {"commitment": previous.commitment}
            deed_initial = [{"content": d.content, "target": d.target} for d in previous.deeds.all()]
        form = PledgeForm(instance=instance, initial=initial)
        extra = len(deed_initial) if deed_initial else (3 if pledge is None else 0)
        formset = pledge_deed_formset(extra=extra)(instance=instance, prefix="deeds", initial=deed_initial)

    return render(
        request,
        "pledges/pledge_form.html",
        {
            "member": member,
            "unit": unit,
            "year": year,
            "pledge": pledge,
            "form": form,
            "formset": formset,
            "read_only": locked or not can_edit,
            "locked": locked,
            "can_reopen": locked and is_staff_for(request.user, unit),
            "previous": previous,
        },
    )


def pledge_print(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user).select_related("member", "unit", "rating"), pk=pk
    )
    log_access(
        request,
        AccessEvent.Kind.PRINT,
        member=pledge.member,
        unit=pledge.unit,
        what="pledge_print",
        years=str(pledge.year),
    )
    return render(request, "pledges/pledge_print.html", {"pledge": pledge, "deeds": pledge.deeds.all()})


@require_POST
def pledge_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user).select_related("unit", "member"), pk=pk
    )
    if not is_staff_for(request.user, pledge.unit):
        raise PermissionDenied("Chỉ cán bộ đảng ủy được mở lại bản đăng ký đã đánh giá.")
    if pledge.is_locked:
        reopen_pledge(pledge=pledge)
        messages.success(request, f"Đã mở lại bản đăng ký của {pledge.member.full_name} để sửa.")
    return redirect("pledge_edit", member_pk=pledge.member_id, year=pledge.year)
