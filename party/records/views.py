"""List, detail, entry and deletion pages shared by every kind of work record.

Each kind is described once by a `RecordType` (model, form, templates) registered in
party.records.registry; `record_urls()` gives every registered kind its five URLs (urls.py). Scope is the
unit's, as everywhere: out of scope is 404; in scope but read-only is 403; deleting is for
committee staff of the record's unit and only marks the record.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from party.access import get_visible_or_404
from party.models import Document, Unit
from party.models.units import is_staff_for
from party.records.editing import StaleEdit, save_versioned, stale_message
from party.records.files import safe_download_name
from party.records.filters import RecordFilter
from party.records.forms import PeopleUnitForm
from party.records.registry import RecordType, record_types
from party.years import current_year

USED_FORM_MESSAGE = (
    "Biểu mẫu này đã được dùng để lưu một bản ghi, nên không lưu thêm lần nữa. "
    "Nếu cần nhập bản ghi mới, hãy mở lại trang thêm mới."
)


def record_list(request: HttpRequest, record_type: RecordType) -> HttpResponse:
    filterset_class = record_type.filterset_class or RecordFilter
    records = record_type.model.objects.visible_to(request.user).select_related(*record_type.related)
    records = filterset_class(request.GET, records, user=request.user, record_type=record_type)
    page = Paginator(records.qs.prefetch_related(*record_type.prefetch), 50).get_page(request.GET.get("page"))
    chosen = records.chosen
    unit = chosen.get("unit")
    can_add = Unit.objects.editable_by(request.user).exists()
    return render(
        request,
        "records/list.html",
        {
            "record_type": record_type,
            "rows_template": f"records/{record_type.slug}_rows.html",
            "form": records.form,
            "page": page,
            "filtered": any(value for name, value in chosen.items() if name != "sort"),
            "can_add": can_add,
            "add_url": record_type.url("create") + (f"?unit={unit.pk}" if unit else ""),
        },
    )


def record_detail(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    record = get_visible_or_404(record_type.model, request.user, pk=pk)
    return render(
        request,
        "records/detail.html",
        {
            "record_type": record_type,
            "record": record,
            "detail_template": f"records/{record_type.slug}_detail.html",
            "can_edit": _can_edit(request.user, record),
            "can_delete": is_staff_for(request.user, record.unit),
        },
    )


def _can_edit(user, record) -> bool:
    return type(record).objects.editable_by(user).filter(pk=record.pk).exists()


def _bound_formsets(record_type: RecordType, request: HttpRequest, instance, *, creating: bool) -> list:
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    return [
        factory(extra=1 if creating and not data else 0)(*data, instance=instance, prefix=name)
        for name, factory in record_type.formsets
    ]


def record_edit(request: HttpRequest, record_type: RecordType, pk: int | None = None) -> HttpResponse:
    """Create (pk None) or edit a record; a stale or repeated save is refused, the input kept."""
    if pk is None:
        if not Unit.objects.editable_by(request.user).exists():
            raise PermissionDenied("Tài khoản này chỉ được xem, không được nhập liệu.")
        instance = record_type.model()
    else:
        instance = get_visible_or_404(record_type.model, request.user, pk=pk)
        if not _can_edit(request.user, instance):
            raise PermissionDenied("Anh/chị không được sửa bản ghi này.")
    people_unit = PeopleUnitForm(request.GET or None, user=request.user)  # ?unit=, if in editing scope
    form_kwargs = {"instance": instance, "user": request.user, "scope_unit": people_unit.chosen_unit()}
    if request.method == "POST":
        form = record_type.form_class(request.POST, request.FILES, **form_kwargs)
        formsets = _bound_formsets(record_type, request, instance, creating=pk is None)
        valid = form.is_valid() and all(f.is_valid() for f in formsets)
        # A new form sent again shows the record its first send created. Looked up after the
        # checks, which may already see that record (an award's duplicate warning).
        token = request.POST.get("submit_token", "") if pk is None else ""
        if done := _created_by_token(request, record_type, token):
            return _already_saved(request, record_type, done)
        if valid:
            try:
                record = save_versioned(form=form, formsets=formsets)
            except StaleEdit:
                # Sent at the same instant: the other send saved first, its record holds the token.
                if done := _created_by_token(request, record_type, token):
                    return _already_saved(request, record_type, done)
                form.add_error(None, _refusal(record_type, token))
            else:
                messages.success(request, f"Đã lưu: {record}.")
                return redirect(record_type.url("detail", record.pk))
    else:
        form = record_type.form_class(**form_kwargs)
        formsets = _bound_formsets(record_type, request, instance, creating=pk is None)
    return render(
        request,
        "records/form.html",
        {
            "record_type": record_type,
            "record": instance if pk else None,
            "form": form,
            "formsets": formsets,
            "people_unit_form": people_unit if form.people_fields else None,
        },
    )


def _created_by_token(request: HttpRequest, record_type: RecordType, token: str) -> int | None:
    """The record this new form's one-time token created, if the user can see it."""
    if not token:
        return None
    records = record_type.model.objects.visible_to(request.user).filter(submit_token=token)
    return records.values_list("pk", flat=True).first()


def _already_saved(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    messages.info(request, "Bản ghi này đã được lưu ở lần gửi trước; không tạo thêm bản thứ hai.")
    return redirect(record_type.url("detail", pk))


def _refusal(record_type: RecordType, token: str) -> str:
    """Why a save was refused; a token whose record the user cannot see (deleted since, or out of
    scope) is only said to be used, never named."""
    if token and record_type.model.all_objects.filter(submit_token=token).exists():
        return USED_FORM_MESSAGE
    return stale_message()


def record_delete(request: HttpRequest, record_type: RecordType, pk: int) -> HttpResponse:
    """Confirm, then mark the record deleted (it leaves lists and reports; history keeps it)."""
    record = get_visible_or_404(record_type.model, request.user, pk=pk)
    if not is_staff_for(request.user, record.unit):
        raise PermissionDenied("Chỉ cán bộ đảng ủy được xóa bản ghi.")
    if request.method == "POST":
        record.mark_deleted(request.user)
        messages.success(request, f"Đã xóa: {record}. Quản trị viên có thể khôi phục nếu cần.")
        return redirect(record_type.url("list"))
    return render(request, "records/confirm_delete.html", {"record_type": record_type, "record": record})


def work_home(request: HttpRequest) -> HttpResponse:
    """Every kind of record with this year's count in the user's scope."""
    year = current_year()
    kinds = [
        (record_type, record_type.model.objects.visible_to(request.user).in_year(year).count())
        for record_type in record_types()
    ]
    return render(request, "records/home.html", {"kinds": kinds, "year": year})


def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The attached file, to users who may see the document; always a download, never inline."""
    document = get_visible_or_404(Document, request.user, pk=pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(
            document.file_original_name, fallback=f"van-ban{document.file_extension}"
        ),
        content_type=document.file_content_type or "application/octet-stream",
    )


def record_urls() -> list[URLPattern]:
    """The five URLs of every registered kind (party.records.registry)."""
    patterns = []
    for record_type in record_types():
        slug, kwargs = record_type.slug, {"record_type": record_type}
        patterns += [
            path(f"{slug}/", record_list, kwargs, name=f"{slug}_list"),
            path(f"{slug}/new/", record_edit, kwargs, name=f"{slug}_create"),
            path(f"{slug}/<int:pk>/", record_detail, kwargs, name=f"{slug}_detail"),
            path(f"{slug}/<int:pk>/edit/", record_edit, kwargs, name=f"{slug}_edit"),
            path(f"{slug}/<int:pk>/delete/", record_delete, kwargs, name=f"{slug}_delete"),
        ]
    return patterns
