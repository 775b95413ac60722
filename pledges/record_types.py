"""The pledges app's kinds of work records: awards and good practices (see party/records/views.py)."""

from party.records.registry import RecordType
from pledges.models import Award, AwardCategory, GoodPractice, PracticeKind
from pledges.recognition_forms import AwardEntryForm, GoodPracticeForm

AWARDS = RecordType(
    slug="awards",
    model=Award,
    form_class=AwardEntryForm,
    title="Khen thưởng, biểu dương",
    new_label="Thêm khen thưởng, biểu dương",
    kind_choices=AwardCategory.choices,
    related=("unit", "recipient_unit", "recipient_member", "form", "issuer"),
)
PRACTICES = RecordType(
    slug="practices",
    model=GoodPractice,
    form_class=GoodPracticeForm,
    title="Mô hình, cách làm hay, gương điển hình",
    new_label="Thêm mô hình, gương điển hình",
    kind_choices=PracticeKind.choices,
    prefetch=("replicated_to",),
)
