""" "Xuất Excel" and "Tải CSV" of the review report: small exports answer at once, large
workbooks are written by the worker.

POST export/ → the workbook (small) or a redirect to the job's status page (large); the status
page refreshes itself (an HTTP `Refresh` header: no script) until the file is ready to download.
POST export/csv/ → one list as CSV, written in the request (CSV costs a fraction of a workbook).
A job is visible only to the person who asked for it; the unit must be in their scope. An export
whose lists do not hold the rows counted for them is not delivered (`ExportError`).
"""

import tempfile
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from party.access import get_visible_or_404
from party.models import AccessEvent, Unit
from party.privacy.access_log import log_access
from party.xlsx import XLSX_CONTENT_TYPE
from party.years import validate_programme_year
from reports.export import estimate_list_rows, export_file_name, write_report_workbook
from reports.export_csv import CSV, write_list_csv
from reports.export_lists import LIST_SHEETS, list_sheet
from reports.export_parts import ExportError
from reports.models import ExportStatus, ReportExport
from reports.queries import Scope
from reports.tasks import start_report_export

REFRESH_SECONDS = 3
SPOOL_BYTES = 8 * 1024 * 1024  # a file written in the request goes to disk past this size
MAX_ECHOED_LENGTH = 20


class ExportForm(forms.Form):
    unit = forms.IntegerField(error_messages={"required": "Chọn đơn vị.", "invalid": "Chọn đơn vị."})
    year_from = forms.IntegerField(
        validators=[validate_programme_year],
        error_messages={"required": "Nhập năm bắt đầu.", "invalid": "Năm bắt đầu phải là một số."},
    )
    year_to = forms.IntegerField(
        validators=[validate_programme_year],
        error_messages={"required": "Nhập năm kết thúc.", "invalid": "Năm kết thúc phải là một số."},
    )
    aggregate_only = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            raise forms.ValidationError("Năm bắt đầu phải trước hoặc bằng năm kết thúc.")
        return data


class CsvExportForm(ExportForm):
    list = forms.ChoiceField(
        choices=[(sheet.key, sheet.title) for sheet in LIST_SHEETS],
        error_messages={"required": "Chọn danh sách.", "invalid_choice": "Chọn danh sách."},
    )


def _refused(request: HttpRequest, form: forms.Form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _back_to_report(request)


def _back_to_report(request: HttpRequest) -> HttpResponse:
    """The report page with what was typed, so the person sees it beside the message; a value
    longer than any real one stays out (it would make an address no redirect may carry)."""
    params = {
        key: value
        for key in ("unit", "year_from", "year_to")
        if (value := request.POST.get(key)) and len(value) <= MAX_ECHOED_LENGTH
    }
    return redirect(f"{reverse('report')}?{urlencode(params)}" if params else reverse("report"))


@require_POST
def report_export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    unit = get_visible_or_404(Unit, request.user, pk=data["unit"])
    first, last, aggregate_only = data["year_from"], data["year_to"], data["aggregate_only"]
    rows = estimate_list_rows(unit, first, last, aggregate_only=aggregate_only)
    logged = {
        "what": "review_report",
        "years": f"{first}-{last}",
        "rows": rows,
        "format": "xlsx",
        "aggregate_only": aggregate_only,
    }
    if rows < settings.REPORT_EXPORT_IMMEDIATE_ROWS:
        log_access(request, AccessEvent.Kind.EXPORT, unit=unit, **logged)
        # Spooled to disk past 8 MiB, so even a mid-sized workbook does not sit in memory.
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
        try:
            write_report_workbook(unit, first, last, out, aggregate_only=aggregate_only)
        except ExportError as error:
            out.close()
            messages.error(request, str(error))
            return _back_to_report(request)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=export_file_name(unit, first, last),
            content_type=XLSX_CONTENT_TYPE,
        )
    export = start_report_export(
        user=request.user,
        unit=unit,
        first_year=first,
        last_year=last,
        aggregate_only=aggregate_only,
        rows_total=rows,
    )
    # Logged when asked for (the row count is the estimate) and again when the file is downloaded.
    log_access(request, AccessEvent.Kind.EXPORT, unit=unit, stage="requested", job=str(export.pk), **logged)
    return redirect("report_export_status", pk=export.pk)


@require_POST
def report_export_csv(request: HttpRequest) -> HttpResponse:
    """One list of the report as CSV, logged like the workbook (the list names people)."""
    form = CsvExportForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    unit = get_visible_or_404(Unit, request.user, pk=data["unit"])
    first, last, sheet = data["year_from"], data["year_to"], list_sheet(data["list"])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    try:
        rows = write_list_csv(sheet, Scope(unit, first, last), out)
    except ExportError as error:
        out.close()
        messages.error(request, str(error))
        return _back_to_report(request)
    log_access(
        request,
        AccessEvent.Kind.EXPORT,
        unit=unit,
        what="review_report",
        list=sheet.key,
        years=f"{first}-{last}",
        rows=rows,
        format="csv",
    )
    out.seek(0)
    name = export_file_name(unit, first, last, what=sheet.title, extension="csv")
    return FileResponse(out, as_attachment=True, filename=name, content_type=CSV)


def _own_export(request: HttpRequest, pk) -> ReportExport:
    """Someone else's job is a 404, exactly like a missing one."""
    return get_object_or_404(ReportExport.objects.of_user(request.user).select_related("unit"), pk=pk)


@require_GET
def report_export_status(request: HttpRequest, pk) -> HttpResponse:
    export = _own_export(request, pk)
    report_url = "{}?{}".format(
        reverse("report"),
        urlencode({"unit": export.unit_id, "year_from": export.first_year, "year_to": export.last_year}),
    )
    response = render(
        request,
        "reports/export_status.html",
        {
            "export": export,
            "file_name": export_file_name(export.unit, export.first_year, export.last_year),
            "report_url": report_url,
            "Status": ExportStatus,
        },
    )
    if not export.is_finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_GET
def report_export_file(request: HttpRequest, pk) -> FileResponse:
    export = _own_export(request, pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404("Tệp chưa sẵn sàng.")
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Tệp không còn.") from missing
    log_access(
        request,
        AccessEvent.Kind.EXPORT,
        unit=export.unit,
        what="review_report",
        stage="downloaded",
        job=str(export.pk),
        years=f"{export.first_year}-{export.last_year}",
        rows=export.rows_total,
        format="xlsx",
        aggregate_only=export.aggregate_only,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export_file_name(export.unit, export.first_year, export.last_year),
        content_type=XLSX_CONTENT_TYPE,
    )
