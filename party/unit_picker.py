"""Unit pickers: a unit (or several) chosen by search or from a short list, never a `<select>`
of every unit in the user's scope, so a page costs the same for a province and a cell.

A scope of at most `LIST_ALL_UP_TO` units is listed whole (a cell secretary picks from a few).
A larger one renders only the chosen unit(s) and a search box. With JavaScript
(static/js/unit-picker.js) the box is a combobox fed by `party.unit_search` through the same
scope as the field; without it, the text typed in the box is resolved when the form is sent: an
exact code or a single match is taken, several matches come back as the choices to pick from.
The field still validates every id against the scope (docs/decisions.md, "Unit pickers").
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length, Substr
from django.forms import Script
from django.urls import reverse

from party.models import Unit
from party.models.units import UnitQuerySet, words_q
from party.text import search_key

LIST_ALL_UP_TO = 30  # a scope this small is a plain list: nothing to type
MATCHES = 20  # matches offered for one search
MIN_CHARACTERS = 2  # shorter text matches too much to be worth a query
SEARCH_SUFFIX = "_q"  # the search box's name: the field's name + this


def pickable_units(user, *, editing: bool, kinds: Sequence[str] = ()) -> UnitQuerySet:
    """The units a picker offers: the user's editing or reading scope, of the given kinds."""
    units = Unit.objects.editable_by(user) if editing else Unit.objects.visible_to(user)
    return units.filter(kind__in=kinds) if kinds else units


def with_parent_name(units: UnitQuerySet) -> UnitQuerySet:
    """Each unit with its parent's short name (`parent_name`), to tell same-named cells apart."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parent = Unit.objects.filter(path=parent_path).order_by().values("short_name")[:1]
    return units.annotate(parent_name=Subquery(parent))


def matching_units(units: UnitQuerySet, text: str, limit: int = MATCHES) -> list[Unit]:
    """Up to `limit` of `units` whose code contains `text`, or where each word of `text` starts a
    word of the unit's code and names or of its parent's, without diacritics ("thon 1 hoa loc":
    the village cell of that commune, among hundreds of "Chi bộ thôn 1"). The exact code first,
    then tree order. Text of fewer than two letters or digits matches nothing."""
    if len(search_key(text).replace(" ", "")) < MIN_CHARACTERS:
        return []
    code = text.strip().upper()
    words = Q()
    for word in search_key(text).split():
        # Uncorrelated: the database finds the parents matching a word once, then looks each unit up.
        parents = Unit.objects.filter(words_q(word)).order_by().values("path")
        words &= words_q(word) | Q(path_above__in=Subquery(parents))
    found = units.annotate(path_above=Substr("path", 1, Length("path") - Unit.steplen))
    found = found.filter(words | Q(code__contains=code))
    exact_first = Case(When(code=code, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(with_parent_name(found).order_by(exact_first, "path")[:limit])


def unit_label(unit: Unit) -> str:
    """A unit as pickers show it: short name, code, the parent's name, dissolved or not."""
    label = f"{unit.short_name} ({unit.code})"
    if not unit.is_active:
        label += " (đã giải thể)"
    parent = getattr(unit, "parent_name", None)
    return f"{label} — {parent}" if parent else label


def resolve_unit(units: UnitQuerySet, text: str) -> Unit:
    """The one unit of `units` that typed text names: its exact code, or the only match."""
    exact = units.filter(code=text.strip().upper()).first()
    if exact is not None:
        return exact
    matches = matching_units(units, text, limit=2)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            "Không tìm thấy đơn vị nào có mã hoặc tên “%(text)s” (gõ ít nhất 2 ký tự).",
            code="no_match",
            params={"text": text},
        )
    raise ValidationError(
        "Có nhiều đơn vị khớp “%(text)s”: chọn một đơn vị trong danh sách rồi gửi lại.",
        code="ambiguous",
        params={"text": text},
    )


@dataclass(frozen=True)
class UnitQuery:
    """Text typed in a picker's search box (a form sent without JavaScript) and the id(s) sent
    with it. Not iterable, so Django's choice fields never take it for a list of ids."""

    text: str
    chosen: str | list[str] | None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


class UnitPicker(forms.Widget):
    """The chosen unit in a `<select>` of one, and a search box (see the module's docstring).

    The field sets `choices` (its ModelChoiceIterator: the queryset and the labels) and
    `search_url`; nothing is listed beyond what the module's docstring says.
    """

    template_name = "party/widgets/unit_picker.html"
    multiple = False
    search_url = ""

    class Media:
        js = [Script("js/unit-picker.js", defer=True)]

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.choices: forms.models.ModelChoiceIterator | tuple = ()
        self._probed = None  # the choices whose small scope `_whole_scope` read
        self._whole: list[Unit] | None = None

    def value_from_datadict(self, data, files, name: str):
        chosen = data.getlist(name) if self.multiple and hasattr(data, "getlist") else data.get(name)
        text = (data.get(name + SEARCH_SUFFIX) or "").strip()
        return UnitQuery(text, chosen) if text else chosen

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        if self.multiple:
            return False  # no box ticked sends nothing: an empty choice, not an omitted field
        return name not in data and name + SEARCH_SUFFIX not in data

    def format_value(self, value) -> list[str]:
        if value is None:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v is not None and str(v) != ""]

    def id_for_label(self, id_: str) -> str:
        if not self.multiple or not id_:
            return id_
        # Ticked boxes have no one control to label: the label names the search box, if any.
        return id_ + SEARCH_SUFFIX if self._whole_scope() is None else ""

    def get_context(self, name: str, value, attrs) -> dict:
        query = value if isinstance(value, UnitQuery) else UnitQuery("", value)
        context = super().get_context(name, query.chosen, attrs)
        widget = context["widget"]
        chosen = widget["value"]
        listed, matches = self._units(chosen, query.text)
        widget["options"] = self._options(listed, chosen, whole_list=matches is None)
        widget["matches"] = self._options(matches or [], [], whole_list=False)
        widget["searching"] = matches is not None
        widget["search_name"] = name + SEARCH_SUFFIX
        widget["search_url"] = self.search_url
        widget["multiple"] = self.multiple
        widget["empty_label"] = getattr(getattr(self.choices, "field", None), "empty_label", None)
        return context

    def _whole_scope(self) -> list[Unit] | None:
        """Every unit offered when they are few enough to list, else None (one query, kept)."""
        if self._probed is not self.choices:
            units = getattr(self.choices, "queryset", None)
            first = list(units[: LIST_ALL_UP_TO + 1]) if units is not None else []
            self._whole = first if len(first) <= LIST_ALL_UP_TO else None
            self._probed = self.choices
        return self._whole

    def _units(self, chosen: list[str], text: str) -> tuple[list[Unit], list[Unit] | None]:
        """(units to list, matches of the typed text or None when the whole scope is listed)."""
        whole = self._whole_scope()
        if whole is not None:
            return whole, None
        units = self.choices.queryset
        ids = [int(v) for v in chosen if v.isascii() and v.isdigit() and len(v) < 10]
        listed = list(with_parent_name(units.filter(pk__in=ids))) if ids else []
        matches = matching_units(units.exclude(pk__in=ids), text) if text else []
        return listed, matches

    def _options(self, units: list[Unit], chosen: list[str], *, whole_list: bool) -> list[Option]:
        field = getattr(self.choices, "field", None)
        label = field.label_from_instance if whole_list and field is not None else unit_label
        return [Option(str(unit.pk), label(unit), str(unit.pk) in chosen) for unit in units]


class UnitMultiplePicker(UnitPicker):
    """The chosen units as ticked boxes, and a search box that adds one."""

    multiple = True


class UnitFieldMixin:
    """What both unit fields share: the scope, and typed text resolved to one unit."""

    queryset: UnitQuerySet
    widget: UnitPicker

    def limit_to(self, user, *, editing: bool, kinds: Sequence[str] = ()) -> None:
        """Offer and accept only these units; the search box asks the same scope."""
        self.queryset = pickable_units(user, editing=editing, kinds=kinds)
        query = urlencode({"for": "edit" if editing else "read", "kind": list(kinds)}, doseq=True)
        self.widget.search_url = f"{reverse('unit_search')}?{query}"

    def label_from_instance(self, unit: Unit) -> str:
        """Units as an indented list in tree order, dissolved ones marked (a whole small scope)."""
        label = "\u2003" * max(unit.depth - 1, 0) + unit.short_name
        return label if unit.is_active else f"{label} (đã giải thể)"

    def resolve(self, text: str) -> Unit:
        """`resolve_unit()` in this field's scope, once per text (the page shows the result)."""
        if not hasattr(self, "_resolved"):
            self._resolved = {}
        if text not in self._resolved:
            try:
                self._resolved[text] = resolve_unit(self.queryset, text)
            except ValidationError as error:
                self._resolved[text] = error
        if isinstance(self._resolved[text], ValidationError):
            raise self._resolved[text]
        return self._resolved[text]

    def bound_data(self, data, initial):
        """Typed text that names one unit shows as that unit chosen, in an empty search box."""
        if not isinstance(data, UnitQuery):
            return super().bound_data(data, initial)
        try:
            unit = self.resolve(data.text)
        except ValidationError:
            return data  # the widget lists the matches
        return self.with_resolved(data.chosen, unit)

    def has_changed(self, initial, data) -> bool:
        return isinstance(data, UnitQuery) or super().has_changed(initial, data)


class UnitChoiceField(UnitFieldMixin, forms.ModelChoiceField):
    """A unit of the user's scope; `limit_to()` sets the scope, the field refuses any other."""

    widget = UnitPicker

    def to_python(self, value):
        if isinstance(value, UnitQuery):
            return self.resolve(value.text)
        return super().to_python(value)

    def with_resolved(self, chosen, unit: Unit):
        return unit.pk


class UnitMultipleChoiceField(UnitFieldMixin, forms.ModelMultipleChoiceField):
    """Units of the user's scope, ticked in a list; typed text adds the unit it names."""

    widget = UnitMultiplePicker

    def clean(self, value):
        if isinstance(value, UnitQuery):
            value = self.with_resolved(value.chosen, self.resolve(value.text))
        return super().clean(value)

    def with_resolved(self, chosen, unit: Unit) -> list[str]:
        return [*(chosen or []), str(unit.pk)]
