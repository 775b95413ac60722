"""The cell's year-end evaluation table: every registration rated in one submit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from party.access import get_visible_or_404
from party.models import Unit
from party.models.units import in_scope
from party.years import check_year
from pledges.evaluation import EvaluationTable, StaleEvaluation, evaluate_cell, refreshed_versions
from pledges.models import PledgeStatus, RatingScale


def _stale_message(rows) -> str:
    names = ", ".join(row.member.full_name for row in rows) or "một số người"
    return (
        f"Chưa lưu gì cả: bản đăng ký của {names} vừa được người khác thay đổi sau khi anh/chị mở "
        "trang này. Những gì anh/chị đã nhập vẫn còn dưới đây; các dòng được đánh dấu đã cập nhật "
        "theo bản mới nhất. Hãy xem lại các dòng đó rồi bấm “Lưu đánh giá” lần nữa."
    )


@require_http_methods(["GET", "POST"])
def cell_evaluation(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    can_edit = in_scope(request.user, unit, editing=True)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Anh/chị chỉ được xem bảng đánh giá này.")
    scale = RatingScale.objects.in_force_for_year(year)
    table = EvaluationTable(unit=unit, year=year, scale=scale, can_edit=can_edit, user=request.user)
    stale_message = ""

    if request.method == "POST":
        table.bind(request.POST)
        stale = table.stale_rows(request.POST)
        stale_ids = {row.pledge.pk for row in stale}
        if not stale and table.is_valid():
            try:
                counts = evaluate_cell(table=table)
            except StaleEvaluation as exc:
                stale_ids = exc.pledge_ids
            else:
                evaluated, skipped = counts[PledgeStatus.EVALUATED], counts[PledgeStatus.NOT_EVALUATED]
                if evaluated or skipped:
                    messages.success(
                        request,
                        f"Đã lưu đánh giá cuối năm {year} của {unit.short_name}: {evaluated} người được "
                        f"xếp loại, {skipped} người chưa đánh giá.",
                    )
                else:
                    messages.info(request, "Chưa có dòng nào được điền nên không có gì thay đổi.")
                return redirect("cell_year", unit_pk=unit.pk, year=year)
        if stale_ids:
            # Show the registrations as they are now, with what the person typed on top.
            table = EvaluationTable(unit=unit, year=year, scale=scale, can_edit=can_edit, user=request.user)
            table.bind(refreshed_versions(request.POST, table))
            stale_message = _stale_message(table.mark_stale(stale_ids))
    else:
        table.bind()

    return render(
        request,
        "pledges/evaluation.html",
        {
            "unit": unit,
            "year": year,
            "scale": scale,
            "table": table,
            "can_edit": can_edit,
            "can_save": any(row.form is not None for row in table.rows),
            "stale_message": stale_message,
        },
    )
