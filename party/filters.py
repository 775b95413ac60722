"""The filters of the organization's lists (django-filter): units and a unit's members. Each is
given the queryset already scoped to the user (`visible_to(user)`): it narrows and sorts it,
never widens it. The work records' filters build on these (party/records/filters.py).

Every parameter is optional and a bad value is dropped alone, the others still apply: a FilterSet
filters with the form's `cleaned_data`, which holds only the fields that validated.
"""

import django_filters
from django import forms

from party.models import UnitKind


def valid_values(filterset: django_filters.FilterSet) -> dict:
    """The parameters that validated, with their values (what the FilterSet filtered with)."""
    filterset.form.is_valid()
    return getattr(filterset.form, "cleaned_data", {})


class CheckboxFilter(django_filters.BooleanFilter):
    """A tick box: ticked is True, anything else False (never "unknown")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, widget=forms.CheckboxInput, **kwargs)


class UnitFilter(django_filters.FilterSet):
    """The units list (home page): words of the code or names, kind, and dissolved units on demand."""

    q = django_filters.CharFilter(label="Tìm đơn vị", max_length=100, method="search")
    kind = django_filters.ChoiceFilter(label="Loại", choices=UnitKind.choices, empty_label="Tất cả loại")
    dissolved = CheckboxFilter(label="Gồm cả đơn vị đã giải thể", method="with_dissolved")

    def search(self, units, name: str, text: str):
        return units.search(text)

    def with_dissolved(self, units, name: str, wanted: bool):
        return units if wanted else units.active()


class MemberFilter(django_filters.FilterSet):
    """A unit's member list: words of the name (without diacritics) and the column to sort by."""

    SORTS = {
        "name": ("sort_key", "birth_date", "pk"),
        "-name": ("-sort_key", "-birth_date", "-pk"),
        "birth": ("birth_date", "sort_key", "pk"),
        "-birth": ("-birth_date", "sort_key", "pk"),
        "status": ("party_status", "sort_key", "pk"),
        "unit": ("unit__path", "sort_key", "pk"),
        "card": ("party_card_number", "pk"),
    }
    DEFAULT_SORT = "name"

    q = django_filters.CharFilter(label="Tìm theo tên", max_length=100, method="search")
    sort = django_filters.ChoiceFilter(
        label="Sắp xếp", choices=[(key, key) for key in SORTS], empty_label=None, method="order"
    )

    def __init__(self, data=None, queryset=None, **kwargs) -> None:
        super().__init__(data, queryset.order_by(*self.SORTS[self.DEFAULT_SORT]), **kwargs)

    def search(self, members, name: str, text: str):
        return members.search(text)

    def order(self, members, name: str, sort: str):
        return members.order_by(*self.SORTS[sort])

    @property
    def current_sort(self) -> str:
        return valid_values(self).get("sort") or self.DEFAULT_SORT
