"""The party app's kinds of work records and their pages (see party/record_views.py)."""

from django.http import FileResponse, Http404, HttpRequest

from party.access import get_visible_or_404
from party.files import safe_download_name
from party.filters import InspectionFilter
from party.models import (
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Inspection,
    InspectionKind,
    Meeting,
    MeetingKind,
)
from party.record_forms import ConferenceForm, DocumentForm, InspectionForm, MeetingForm, finding_formset
from party.records.registry import RecordType

MEETINGS = RecordType(
    slug="meetings",
    model=Meeting,
    form_class=MeetingForm,
    title="Sinh hoạt chi bộ",
    new_label="Ghi buổi sinh hoạt",
    kind_choices=MeetingKind.choices,
    related=("unit", "theme"),
)
INSPECTIONS = RecordType(
    slug="inspections",
    model=Inspection,
    form_class=InspectionForm,
    title="Kiểm tra, giám sát",
    new_label="Thêm cuộc kiểm tra, giám sát",
    kind_choices=InspectionKind.choices,
    prefetch=("findings", "target_units"),
    formsets=(("findings", finding_formset),),
    filterset_class=InspectionFilter,
)
DOCUMENTS = RecordType(
    slug="documents",
    model=Document,
    form_class=DocumentForm,
    title="Văn bản chỉ đạo",
    new_label="Thêm văn bản",
    kind_choices=DocumentKind.choices,
    multipart=True,
)
CONFERENCES = RecordType(
    slug="conferences",
    model=Conference,
    form_class=ConferenceForm,
    title="Hội nghị, sự kiện",
    new_label="Thêm hội nghị, sự kiện",
    kind_choices=ConferenceKind.choices,
    related=("unit", "theme"),
)


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
