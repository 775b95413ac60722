"""Forms of the pledge cycle: a registration with its deed rows, a plan with its deed rows."""

from django import forms
from django.forms import inlineformset_factory

from party.records.editing import DATE_WIDGET, VersionedForm
from pledges.models import Plan, PlanDeed, Pledge, PledgeDeed


class PledgeForm(VersionedForm):
    class Meta:
        model = Pledge
        fields = ["commitment"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 3})}
        labels = {"commitment": "Nội dung cam kết"}


class PlanForm(VersionedForm):
    class Meta:
        model = Plan
        fields = ["title", "document_number", "document_date"]
        widgets = {"document_date": DATE_WIDGET}


class DeedForm(forms.ModelForm):
    class Meta:
        fields = ["content", "target", "deadline"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "deadline": DATE_WIDGET,
        }


class BaseDeedFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("content")
        ]
        if not kept:
            raise forms.ValidationError("Cần ít nhất một việc làm theo Bác.")


def deed_formset(parent_model, deed_model, *, extra: int):
    form = type("DeedForm", (DeedForm,), {"Meta": type("Meta", (DeedForm.Meta,), {"model": deed_model})})
    return inlineformset_factory(
        parent_model, deed_model, form=form, formset=BaseDeedFormSet, extra=extra, can_delete=True
    )


def pledge_deed_formset(*, extra: int = 0):
    return deed_formset(Pledge, PledgeDeed, extra=extra)


def plan_deed_formset(*, extra: int = 0):
    return deed_formset(Plan, PlanDeed, extra=extra)
