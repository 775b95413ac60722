"""The filters of the work-record lists (django-filter): every kind's `RecordFilter`, and
inspections' own. As the organization's lists (party/filters.py), each is given the queryset
already scoped to the user and a bad parameter is dropped alone."""

import django_filters
from django import forms

from party.filters import CheckboxFilter, valid_values
from party.models import InspectionFinding, Unit
from party.models.inspections import ConductingBody
from party.records.registry import RecordType
from party.unit_picker import UnitChoiceField
from party.years import year_choices


class UnitPickerFilter(django_filters.Filter):
    """A unit of the user's reading scope, chosen with the unit picker; `limit_to()` sets the scope."""

    field_class = UnitChoiceField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, queryset=Unit.objects.none(), **kwargs)


class YearInputFilter(django_filters.Filter):
    """A year typed in a box: text, not type=number (four digits fit a size-4 box with no spinner)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        attrs = {"size": 4, "maxlength": 4, "inputmode": "numeric", "placeholder": "yyyy"}
        widget = forms.TextInput(attrs=attrs)
        super().__init__(*args, min_value=1900, max_value=2100, widget=widget, **kwargs)


def _year_options() -> list[tuple[str | int, str]]:
    return [("", "Mọi năm"), *((year, str(year)) for year in year_choices())]


class RecordFilter(django_filters.FilterSet):
    """A kind of work record (party.records.registry): a year or a span of years, a unit with its
    subtree, the kind, Directive-05 content only and words to search. The review report links each
    total here with `year_from`/`year_to`/`directive` (and `by` for inspections)."""

    q = django_filters.CharFilter(label="Tìm", max_length=100, method="search")
    year = django_filters.TypedChoiceFilter(
        label="Năm", choices=_year_options, coerce=int, empty_value=None, method="in_year"
    )
    year_from = YearInputFilter(label="Từ năm", method="from_year")
    year_to = YearInputFilter(label="Đến năm", method="to_year")
    unit = UnitPickerFilter(label="Đơn vị", empty_label="Tất cả", method="in_subtree")
    kind = django_filters.ChoiceFilter(label="Loại", empty_label="Tất cả", method="of_kind")
    directive = CheckboxFilter(label="Chỉ nội dung Chỉ thị 05", method="about_directive")
    sort = django_filters.ChoiceFilter(
        label="Sắp xếp",
        choices=[("-date", "Mới nhất trước"), ("date", "Cũ nhất trước")],
        empty_label=None,
        method="order",
    )

    def __init__(self, data=None, queryset=None, *, user, record_type: RecordType, **kwargs) -> None:
        self.record_type = record_type
        date = record_type.model.year_field
        super().__init__(data, queryset.order_by(f"-{date}", "-pk"), **kwargs)
        if record_type.kind_choices:
            self.filters["kind"].extra["choices"] = record_type.kind_choices
        else:
            del self.filters["kind"]
        if not record_type.model.directive_field:
            del self.filters["directive"]
        self.form.fields["unit"].limit_to(user, editing=False)

    def search(self, records, name: str, text: str):
        return records.search(text)

    def in_year(self, records, name: str, year: int):
        return records.in_year(year)

    def from_year(self, records, name: str, year: int):
        return records.in_years(first=year)

    def to_year(self, records, name: str, year: int):
        return records.in_years(last=year)

    def in_subtree(self, records, name: str, unit: Unit):
        return records.in_subtree(unit)

    def of_kind(self, records, name: str, kind: str):
        return records.filter(**{self.record_type.model.kind_field: kind})

    def about_directive(self, records, name: str, wanted: bool):
        return records.filter(**{self.record_type.model.directive_field: True}) if wanted else records

    def order(self, records, name: str, sort: str):
        date = self.record_type.model.year_field
        return records.order_by(date, "pk") if sort == "date" else records.order_by(f"-{date}", "-pk")

    @property
    def chosen(self) -> dict:
        return valid_values(self)


class InspectionFilter(RecordFilter):
    """Inspections also by who conducted them, as the report splits them, and with overdue remedies."""

    by = django_filters.ChoiceFilter(
        label="Chủ thể",
        choices=[("committee", "Cơ quan của cấp ủy"), ("cell", "Chi bộ")],
        empty_label="Tất cả",
        method="conducted_by",
    )
    overdue = CheckboxFilter(label="Có nội dung khắc phục quá hạn", method="with_overdue")

    def conducted_by(self, records, name: str, by: str):
        # As the report splits them: the cells' own, and everything the committee bodies did.
        if by == "cell":
            return records.filter(conducted_by=ConductingBody.CELL)
        return records.exclude(conducted_by=ConductingBody.CELL)

    def with_overdue(self, records, name: str, wanted: bool):
        if not wanted:
            return records
        return records.filter(pk__in=InspectionFinding.objects.overdue().values("inspection_id"))
