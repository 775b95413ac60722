"""Which report: a unit in the user's scope and a span of calendar years (a preset or from-to)."""

from django import forms
from django.http import Http404

from party.models import Theme, ThemeKind, Unit
from party.unit_picker import UnitChoiceField
from party.years import current_year, year_choices


def term_years(year: int) -> tuple[int, int]:
    """The latest term theme (chuyên đề toàn khóa) begun by `year`; else the five years to `year`."""
    term = Theme.objects.filter(kind=ThemeKind.TERM, start_year__lte=year).order_by("-start_year").first()
    if term is None:
        return year - 4, year
    return term.start_year, term.end_year


class SpanForm(forms.Form):
    """A unit (404 when out of scope, as for a missing one) and the years from-to."""

    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    year_from = forms.TypedChoiceField(label="Từ năm", coerce=int, required=False)
    year_to = forms.TypedChoiceField(label="Đến năm", coerce=int, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].limit_to(user, editing=False)
        years = [(year, str(year)) for year in year_choices()]
        self.fields["year_from"].choices = years
        self.fields["year_to"].choices = years

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and first > last:
            raise forms.ValidationError("“Từ năm” phải trước hoặc bằng “đến năm”.")
        return data

    def span(self) -> tuple[int, int]:
        this_year = current_year()
        first = self.cleaned_data.get("year_from") or self.cleaned_data.get("year_to") or this_year
        return first, self.cleaned_data.get("year_to") or max(first, this_year)

    def check_unit_in_scope(self) -> None:
        """A unit the user may not see is a missing page, never a form error that confirms it exists.
        (Text typed in the picker's search box that names no unit, or several, is a form error.)"""
        if self.is_bound and self.has_error("unit", "invalid_choice") and self.data.get("unit"):
            raise Http404("Không có đơn vị này.")


class ReportForm(SpanForm):
    SPANS = [
        ("year", "Năm nay"),
        ("two", "2 năm gần nhất"),
        ("term", "Cả nhiệm kỳ"),
        ("custom", "Từ năm … đến năm …"),
    ]
    span_choice = forms.ChoiceField(
        label="Khoảng thời gian", choices=SPANS, widget=forms.RadioSelect, initial="year"
    )

    field_order = ["unit", "span_choice", "year_from", "year_to"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first, last = term_years(current_year())
        self.fields["span_choice"].choices = [
            (value, f"{label} ({first}-{last})" if value == "term" else label) for value, label in self.SPANS
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("span_choice") == "custom" and not (data.get("year_from") and data.get("year_to")):
            raise forms.ValidationError("Chọn cả “từ năm” và “đến năm”.")
        return data

    def span(self) -> tuple[int, int]:
        this_year = current_year()
        match self.cleaned_data.get("span_choice"):
            case "two":
                return this_year - 1, this_year
            case "term":
                return term_years(this_year)
            case "custom":
                return super().span()
            case _:
                return this_year, this_year


def default_unit(user) -> Unit | None:
    """The user's highest unit, staff roles first; the top of the tree for a superuser."""
    from party.models import RoleKind

    roles = user.unit_roles.select_related("unit").order_by("unit__depth", "unit__path")
    role = roles.filter(role=RoleKind.STAFF).first() or roles.first()
    if role is not None:
        return role.unit
    if user.is_superuser:
        return Unit.objects.filter(depth=1).first()
    return None
