"""Excel import pages (/import/, urls.py): template download, upload and preview, confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from party.access import can_import, can_import_sheet
from party.forms import ImportUploadForm
from party.imports import registry
from party.imports.service import confirm_batch, preview_batch
from party.imports.template import build_template
from party.models import AccessEvent, ImportBatch
from party.privacy.access_log import log_access
from party.xlsx import XLSX_CONTENT_TYPE


def _require_importer(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied("Chỉ cán bộ đảng ủy và bí thư chi bộ được nhập dữ liệu từ Excel.")


def _own_batch(request: HttpRequest, pk: int) -> ImportBatch:
    batches = (
        ImportBatch.objects.all()
        if request.user.is_superuser
        else ImportBatch.objects.filter(uploaded_by=request.user)
    )
    # The file and its rows are read only when confirming (confirm_batch fetches them under a lock).
    return get_object_or_404(batches.defer("content", "validated"), pk=pk)


def import_template(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    # A secretary's template has only the sheets she may upload.
    sheets = [sheet for sheet in registry.sheets() if can_import_sheet(request.user, sheet)]
    response = HttpResponse(build_template(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response


def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(upload.size + 1) if upload.size is not None else upload.read()
        try:
            batch = preview_batch(data=data, file_name=upload.name, user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("import_preview", pk=batch.pk)
    recent = ImportBatch.objects.filter(uploaded_by=request.user).defer("content", "validated")[:10]
    return render(request, "party/import_form.html", {"form": form, "recent": recent})


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    batch = _own_batch(request, pk)
    return render(request, "party/import_preview.html", {"batch": batch, "summary": batch.summary})


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    batch = _own_batch(request, pk)
    try:
        result = confirm_batch(batch=batch, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import_preview", pk=batch.pk)
    if result is not None:
        # A workbook may name several units; the unit logged is the importer's own when they have one.
        roles = list(request.user.unit_roles.select_related("unit")[:2])
        log_access(
            request,
            AccessEvent.Kind.IMPORT,
            unit=roles[0].unit if len(roles) == 1 else None,
            batch=batch.pk,
            ok=result.written,
            sheets=[
                {"title": plan.title, "created": plan.count("create"), "updated": plan.count("update")}
                for plan in result.plans
            ],
        )
    if result is None:
        messages.warning(request, "Lần nhập này đã được xử lý; không ghi lại lần nữa.")
    elif result.written:
        messages.success(request, "Đã ghi dữ liệu từ tệp Excel.")
    elif result.ok:
        messages.warning(
            request,
            "Dữ liệu đã thay đổi từ lúc xem trước nên chưa ghi gì. Dưới đây là bản xem trước mới: "
            "hãy xem lại rồi xác nhận lần nữa.",
        )
    else:
        messages.error(request, "Dữ liệu đã thay đổi từ lúc xem trước và tệp nay có lỗi; không ghi gì.")
    return redirect("import_preview", pk=batch.pk)
