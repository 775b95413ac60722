"""The party app's kinds of work records (meetings, inspections, documents, conferences), registered
in PartyConfig.ready(); their pages are party/records/views.py."""

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
from party.records.filters import InspectionFilter
from party.records.forms import ConferenceForm, DocumentForm, InspectionForm, MeetingForm, finding_formset
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
