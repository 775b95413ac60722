"""The cell's registrations for a year as a pre-filled workbook, to fill offline and upload back."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

from party.access import get_visible_or_404
from party.models import AccessEvent, Member, Unit
from party.models.units import in_scope
from party.privacy.access_log import log_access
from party.xlsx import XLSX_CONTENT_TYPE
from party.years import check_year
from pledges.exports import build_cell_workbook


def cell_workbook(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    check_year(year)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk)
    if not in_scope(request.user, unit, editing=True):
        raise PermissionDenied("Anh/chị chỉ được xem đơn vị này, không nhập liệu cho đơn vị này.")
    data = build_cell_workbook(
        unit=unit, year=year, upload_url=request.build_absolute_uri(reverse("import_upload"))
    )
    rows = Member.objects.belonging_in_year(unit, year).count()
    log_access(
        request,
        AccessEvent.Kind.EXPORT,
        unit=unit,
        what="cell_workbook",
        years=str(year),
        rows=rows,
        format="xlsx",
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"dang-ky-{unit.code}-{year}.xlsx"
    )
    return response
