"""Entry forms of the work records: the shared base (unit and people in the user's editing scope)
and the forms of meetings, inspections, documents and conferences."""

from dataclasses import dataclass

from django import forms
from django.forms import inlineformset_factory
from django.urls import reverse

from party.models import (
    Conference,
    Document,
    Inspection,
    InspectionFinding,
    Meeting,
    Member,
    Unit,
    UnitKind,
)
from party.records.editing import DATE_WIDGET, VersionedForm, new_submit_token
from party.records.files import ALLOWED_TEXT, check_document_file
from party.unit_picker import UnitChoiceField, UnitMultipleChoiceField, UnitPicker

# Above this many people in the user's scope, people lists show one unit's people at a time.
MEMBER_CHOICES_LIMIT = 600


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return f"{member.full_name} ({member.birth_date:%Y}, {member.unit.short_name})"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = MemberChoiceField.label_from_instance


class PeopleUnitForm(forms.Form):
    """The page's ?unit=: a unit the user may enter data for, whose people the record form's
    lists show and where a new record starts. Sent by the small form above the record's."""

    unit = UnitChoiceField(
        label="Danh sách người của đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn đơn vị —",
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "id_scope_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].limit_to(user, editing=True)

    def chosen_unit(self) -> Unit | None:
        """The unit asked for, or None when none is, or it is out of scope."""
        return self.cleaned_data["unit"] if self.is_bound and self.is_valid() else None


class RecordForm(VersionedForm):
    """A record's form: its unit (and any people) limited to what the user may enter data for.

    `scope_unit` (the page's ?unit=) preselects the unit and narrows people lists to its subtree,
    so a province-wide account never gets a list of a hundred thousand names.
    """

    unit_kinds: list[str] | None = None  # units a record of this kind may belong to
    people_fields: tuple[str, ...] = ()
    # One-time token of a new record's form, saved with the record: one form creates one record.
    submit_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, user, scope_unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["submit_token"].initial = new_submit_token()
        self.user = user
        self.scope_unit = scope_unit
        if "unit" in self.fields:
            self.fields["unit"].limit_to(user, editing=True, kinds=self.unit_kinds or ())
            self.fields["unit"].empty_label = "— Chọn đơn vị —"
            if not self.instance.pk:
                # The form's initial (from the new instance: unit None) wins over the field's.
                only = list(self.fields["unit"].queryset.values_list("pk", flat=True)[:2])
                if scope_unit:
                    self.initial["unit"] = scope_unit.pk
                elif len(only) == 1:  # a secretary's own cell: nothing to choose
                    self.initial["unit"] = only[0]
        for field in self.fields.values():
            if isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field.widget, UnitPicker):
                field.help_text = field.help_text or "Giữ phím Ctrl (hoặc Shift) để chọn nhiều."
            elif isinstance(field, forms.ModelChoiceField) and not field.required:
                field.empty_label = "— Không —"  # required ones read "— Chọn —" (locale/vi)
        self.people_narrowed = False
        for name in self.people_fields:
            self._limit_people(name)

    def save(self, commit: bool = True):
        if not self.instance.pk:
            self.instance.submit_token = self.cleaned_data.get("submit_token") or None
        return super().save(commit)

    def _limit_people(self, name: str) -> None:
        members = Member.objects.editable_by(self.user).select_related("unit").in_name_order()
        narrowing = self.scope_unit or (self.instance.unit if self.instance.pk else None)
        if narrowing is not None:
            members = members.in_subtree(narrowing)
        elif members.count() > MEMBER_CHOICES_LIMIT:
            members = members.none()
            self.people_narrowed = True
        chosen = self._chosen_people(name)
        if chosen:
            members = members | Member.objects.filter(pk__in=chosen).select_related("unit")
        self.fields[name].queryset = members.distinct()

    def _chosen_people(self, name: str) -> list[int]:
        """People already on the record stay selectable, whatever the narrowing."""
        if not self.instance.pk:
            return []
        value = getattr(self.instance, name)
        if hasattr(value, "all"):
            return list(value.values_list("pk", flat=True))
        return [value.pk] if value is not None else []


class MeetingForm(RecordForm):
    unit_kinds = UnitKind.cells()

    class Meta:
        model = Meeting
        fields = [
            "unit",
            "held_on",
            "kind",
            "includes_directive",
            "topic",
            "theme",
            "attendance_present",
            "attendance_expected",
            "note",
        ]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"held_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}


class InspectionForm(RecordForm):
    people_fields = ("target_members",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_units"].limit_to(self.user, editing=False)

    class Meta:
        model = Inspection
        fields = [
            "unit",
            "kind",
            "conducted_by",
            "about_directive",
            "subject",
            "target_units",
            "target_members",
            "started_on",
            "ended_on",
            "conclusion",
        ]
        labels = {"unit": "Đơn vị tiến hành"}
        field_classes = {
            "unit": UnitChoiceField,
            "target_units": UnitMultipleChoiceField,
            "target_members": MemberMultipleChoiceField,
        }
        widgets = {
            "started_on": DATE_WIDGET,
            "ended_on": DATE_WIDGET,
            "conclusion": forms.Textarea(attrs={"rows": 3}),
            "target_members": forms.SelectMultiple(attrs={"size": 6}),
        }


class FindingForm(forms.ModelForm):
    class Meta:
        model = InspectionFinding
        fields = ["content", "remedy", "deadline", "closed_on"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "remedy": forms.Textarea(attrs={"rows": 2}),
            "deadline": DATE_WIDGET,
            "closed_on": DATE_WIDGET,
        }


def finding_formset(*, extra: int = 0):
    return inlineformset_factory(
        Inspection, InspectionFinding, form=FindingForm, extra=extra, can_delete=True
    )


@dataclass(frozen=True)
class DownloadLink:
    url: str
    name: str

    def __str__(self) -> str:
        return self.name


class AttachedFileInput(forms.ClearableFileInput):
    """The current file by its original name, linked to the download that checks scope.

    The default widget links to MEDIA_URL, which is not served (files go out only through
    `document_file`), and shows the generated storage name.
    """

    def format_value(self, value):
        if self.is_initial(value):
            document = value.instance
            name = document.file_original_name or "Tệp đính kèm"
            return DownloadLink(reverse("document_file", args=[document.pk]), name)
        return super().format_value(value)


class DocumentForm(RecordForm):
    class Meta:
        model = Document
        fields = ["unit", "kind", "number", "issued_on", "title", "file"]
        labels = {"unit": "Đơn vị ban hành"}
        field_classes = {"unit": UnitChoiceField}
        widgets = {
            "issued_on": DATE_WIDGET,
            "title": forms.Textarea(attrs={"rows": 2}),
            "file": AttachedFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx"}),
        }
        help_texts = {"file": f"Không bắt buộc. Nhận tệp {ALLOWED_TEXT}."}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.detected_content_type = check_document_file(upload)
        return upload

    def save(self, commit: bool = True) -> Document:
        document = self.instance
        upload = self.cleaned_data.get("file")
        if upload is False or not upload:  # cleared, or never had one
            document.file_original_name = document.file_content_type = ""
            document.file_size = None
        elif hasattr(self, "detected_content_type"):
            document.file_original_name = upload.name[-255:]
            document.file_content_type = self.detected_content_type
            document.file_size = upload.size
        return super().save(commit)


class ConferenceForm(RecordForm):
    class Meta:
        model = Conference
        fields = ["unit", "kind", "held_on", "title", "participants", "theme", "note"]
        labels = {"unit": "Đơn vị tổ chức"}
        field_classes = {"unit": UnitChoiceField}
        widgets = {"held_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}
