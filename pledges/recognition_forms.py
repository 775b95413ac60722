"""Entry forms of awards and good practices (the shared base is party.records.forms)."""

from django import forms

from party.models import Unit
from party.records.editing import DATE_WIDGET
from party.records.forms import MemberChoiceField, MemberMultipleChoiceField, RecordForm
from party.unit_picker import UnitChoiceField, UnitMultipleChoiceField
from party.years import current_year
from pledges.models import Award, AwardIssuer, GoodPractice


class IssuerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, issuer: AwardIssuer) -> str:
        if issuer.retired_on:
            return f"{issuer.name} (đến {issuer.retired_on:%d/%m/%Y})"
        return issuer.name


# What makes two awards the one the law forbids giving twice (see Award.duplicates()).
DUPLICATE_FIELDS = ("recipient_unit", "recipient_member", "form", "issuer", "year")


class AwardEntryForm(RecordForm):
    """One award to exactly one recipient; a likely duplicate needs an explicit confirmation."""

    people_fields = ("recipient_member",)
    confirm_duplicate = forms.BooleanField(
        label="Tôi đã kiểm tra: đây là khen thưởng cho thành tích khác, vẫn lưu.",
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Award
        fields = [
            "recipient_unit",
            "recipient_member",
            "form",
            "issuer",
            "decision_number",
            "decision_date",
            "year",
            "programme",
            "achievement",
        ]
        field_classes = {
            "recipient_unit": UnitChoiceField,
            "recipient_member": MemberChoiceField,
            "issuer": IssuerChoiceField,
        }
        labels = {"recipient_member": "hoặc cá nhân được khen"}
        help_texts = {"recipient_unit": "Chọn một tập thể, hoặc một cá nhân ở ô dưới; không chọn cả hai."}
        widgets = {"decision_date": DATE_WIDGET, "achievement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_unit"].limit_to(self.user, editing=True)
        self.fields["recipient_unit"].empty_label = "— Không (khen cá nhân) —"
        self.fields["recipient_member"].empty_label = "— Không (khen tập thể) —"
        if not self.instance.pk:
            self.fields["year"].initial = current_year()

    def clean(self):
        data = super().clean()
        unit, member = data.get("recipient_unit"), data.get("recipient_member")
        if unit and member:
            raise forms.ValidationError(
                "Mỗi khen thưởng chỉ có một đối tượng: chọn một tập thể hoặc một cá nhân, không chọn cả hai."
            )
        if (
            not unit
            and not member
            and "recipient_unit" not in self.errors
            and "recipient_member" not in self.errors
        ):
            raise forms.ValidationError("Chọn tập thể hoặc cá nhân được khen.")
        self._check_member_unit(member, data.get("decision_date"))
        return data

    def _check_member_unit(self, member, date) -> None:
        """The award files under the unit the person was in on the decision date: it must be in scope."""
        if not member or not date:
            return
        unit = member.unit_on(date)
        if not Unit.objects.editable_by(self.user).filter(pk=unit.pk).exists():
            self.add_error(
                "recipient_member",
                f"Ngày {date:%d/%m/%Y} người này sinh hoạt ở {unit.short_name}, "
                "ngoài phạm vi nhập liệu của anh/chị.",
            )

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        award = self.instance
        award.fill_recipient_facts()
        if (
            self._may_be_a_new_duplicate()
            and award.duplicates().exists()
            and not self.cleaned_data.get("confirm_duplicate")
        ):
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_duplicate",
                "Đối tượng này đã có khen thưởng cùng hình thức, cùng cấp khen trong năm "
                f"{award.year}. Pháp luật không cho khen hai lần cho một thành tích: hãy kiểm tra lại, "
                "nếu đúng là thành tích khác thì đánh dấu ô xác nhận rồi lưu.",
            )

    def _may_be_a_new_duplicate(self) -> bool:
        """On create, or when what makes a duplicate changed: twins confirmed once stay confirmed."""
        return not self.instance.pk or bool(set(self.changed_data) & set(DUPLICATE_FIELDS))


class GoodPracticeForm(RecordForm):
    people_fields = ("people",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units_involved"].limit_to(self.user, editing=False)
        self.fields["replicated_to"].limit_to(self.user, editing=False)

    class Meta:
        model = GoodPractice
        fields = ["unit", "kind", "year", "title", "description", "people", "units_involved", "replicated_to"]
        field_classes = {
            "unit": UnitChoiceField,
            "people": MemberMultipleChoiceField,
            "units_involved": UnitMultipleChoiceField,
            "replicated_to": UnitMultipleChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "people": forms.SelectMultiple(attrs={"size": 6}),
        }
