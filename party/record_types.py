"""The party app's kinds of work records and their pages (see party/record_views.py)."""

from django import forms
from django.http import FileResponse, Http404, HttpRequest

from party.access import get_visible_or_404
from party.files import safe_download_name
from party.forms import valid_values
from party.models import (
    ConductingBody,
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Meeting,
    MeetingKind,
)
from party.record_forms import ConferenceForm, DocumentForm, InspectionForm, MeetingForm, finding_formset
from party.record_views import RecordFilterForm
from party.records.registry import RecordType


class InspectionFilterForm(RecordFilterForm):
    by = forms.ChoiceField(
        label="Chủ thể",
        required=False,
        choices=[("", "Tất cả"), ("committee", "Cơ quan của cấp ủy"), ("cell", "Chi bộ")],
    )
    overdue = forms.BooleanField(label="Có nội dung khắc phục quá hạn", required=False)

    def apply(self, records):
        records = super().apply(records)
        data = valid_values(self)
        # As the report splits them: the cells' own, and everything the committee bodies did.
        if data.get("by") == "cell":
            records = records.filter(conducted_by=ConductingBody.CELL)
        elif data.get("by") == "committee":
            records = records.exclude(conducted_by=ConductingBody.CELL)
        if data.get("overdue"):
            records = records.filter(pk__in=InspectionFinding.objects.overdue().values("inspection_id"))
        return records


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
    filter_form_class=InspectionFilterForm,
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
