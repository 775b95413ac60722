"""A person's own data: the workbook that answers a data-subject request (docs/privacy.md)."""

import io

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from party.access import can_export_subject_data, get_visible_or_404
from party.models import AccessEvent, Member
from party.privacy.access_log import log_access
from party.xlsx import XLSX_CONTENT_TYPE
from reports.subject_export import write_subject_workbook


@require_POST
def member_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on the person as an .xlsx download; POST only, logged.

    The file name carries the opaque id and the date only: names and card numbers would end up
    in download folders, browser history and logs.
    """
    member = get_visible_or_404(Member, request.user, pk=pk)
    if not can_export_subject_data(request.user, member):
        raise PermissionDenied("Chỉ cán bộ đảng ủy được xuất toàn bộ dữ liệu cá nhân của một người.")
    out = io.BytesIO()
    write_subject_workbook(member, out, exported_by=request.user)
    log_access(request, AccessEvent.Kind.SUBJECT_EXPORT, member=member, unit=member.unit)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"du-lieu-ca-nhan-{member.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response
