"""What every sheet of unit records shares (`RecordSheet`): scope, natural key, duplicates in the
file, the preview's list of changes, and the writes with history.

Each row is one record (an inspection takes one row per finding), matched to a live stored record
on a natural key the sheet defines (for most: the unit and the record's date plus a kind or a
title). A matched record takes the file's values, and the preview lists each change; records the
file does not name are left alone; a deleted record is not matched, so a row creates it anew.
Meetings, documents and conferences are in work.py, inspections in inspections.py, awards and good
practices in pledges.imports.awards and pledges.imports.practices.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from party.imports.base import (
    CHANGE_REASON,
    RowAction,
    RowProblem,
    Sheet,
    SheetPlan,
    SourceRow,
    ValidRow,
    differs,
    short,
    show,
    text_key,
)
from party.imports.units import UnitSheet
from party.models import Theme, Unit, UnitKind
from party.models.records import UnitRecord
from party.text import search_key


@dataclass
class Item:
    """One record the file describes: its first row, its unit code, its values and its natural key."""

    row: int
    code: str
    values: dict[str, Any]
    key: tuple


class RecordSheet(Sheet):
    """A sheet of unit records: scope, natural key, in-file duplicates, diff and writes."""

    model: ClassVar[type[UnitRecord]]
    # With the unit, the natural key; the first is the record's date (or year), checked against
    # the unit's dissolution and used to fetch the stored records.
    key_fields: ClassVar[tuple[str, ...]]
    fields: ClassVar[tuple[str, ...]]  # the other model fields the file sets
    m2m_fields: ClassVar[tuple[str, ...]] = ()  # unit codes in the file, units in the database
    related: ClassVar[tuple[str, ...]] = ()  # select_related for the stored records
    unit_kinds: ClassVar[list[str] | None] = None  # the kinds of unit a record may belong to
    unit_kind_message: ClassVar[str] = ""
    bulk: ClassVar[bool] = True  # bulk writes; False: save() one by one (many-to-many, child rows)
    unit_columns: ClassVar[tuple[str, ...]] = ("unit_code",)  # unit codes checked against the scope

    # Reading ---------------------------------------------------------------------------

    def prepare(self, cleaned: list[ValidRow]) -> None:
        """Load what the rows refer to (themes, units planned or referenced), once for the sheet."""
        self.themes: dict[str, list[Theme]] = {}
        if "theme" in self.fields:
            for theme in Theme.objects.all():
                self.themes.setdefault(search_key(theme.title), []).append(theme)
        plan = self.context.sheet_plans.get(UnitSheet.title)
        self.planned_kinds: dict[str, str] = {}
        for action in plan.actions if plan else ():
            data = action.payload if action.action == "create" else action.payload[1]
            self.planned_kinds[data["code"]] = data["kind"]
        codes = {code for _, data in cleaned for name in self.m2m_fields for code in data[name]}
        self.visible_codes = set(
            Unit.objects.visible_to(self.context.user).filter(code__in=codes).values_list("code", flat=True)
        )

    def values(self, data: dict) -> dict[str, Any]:
        """The model values of a valid row; raises RowProblem."""
        return {name: data[name] for name in (*self.key_fields, *self.fields)}

    def key(self, code: str, values: dict) -> tuple:
        return (code, *(text_key(values[name]) for name in self.key_fields))

    # Checks ---------------------------------------------------------------------------

    def planned_kind(self, code: str, units: dict[str, Unit]) -> str | None:
        """The unit's kind after the “Đơn vị” sheet of the same workbook (None if unknown)."""
        if code in self.planned_kinds:
            return self.planned_kinds[code]
        return units[code].kind if code in units else None

    def check_unit(self, code: str, values: dict, units: dict[str, Unit]) -> None:
        """The unit may hold this kind of record and still existed on the record's date."""
        kind = self.planned_kind(code, units)
        if self.unit_kinds and kind is not None and kind not in self.unit_kinds:
            raise RowProblem("unit_code", self.unit_kind_message.format(code=code, kind=UnitKind(kind).label))
        first = self.key_fields[0]
        self.check_unit_existed(code, units, first, values[first])

    def check_codes(self, name: str, codes: tuple[str, ...]) -> None:
        unknown = [
            c for c in codes if c not in self.visible_codes and c not in self.context.planned_unit_codes
        ]
        if unknown:
            listed = ", ".join(f"“{c}”" for c in unknown)
            raise RowProblem(name, f"Không tìm thấy đơn vị mã {listed} trong phạm vi được xem.")

    def find_theme(self, title: str, year: int) -> Theme | None:
        """The theme of that title (forgiving case and diacritics); of several, the one in force that year."""
        if not title:
            return None
        found = self.themes.get(search_key(title), [])
        if len(found) > 1:
            found = [t for t in found if t.start_year <= year <= t.end_year] or found
        if not found:
            raise RowProblem(
                "theme",
                f"Không có chuyên đề “{title}” trong danh mục chuyên đề; ghi đúng tên như trong danh mục "
                "hoặc để trống.",
            )
        if len(found) > 1:
            raise RowProblem(
                "theme", f"Có {len(found)} chuyên đề tên “{title}”; hãy chọn chuyên đề trên trang web."
            )
        return found[0]

    # Planning ------------------------------------------------------------------------

    def plan(self, cleaned: list[ValidRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        codes = {data[name] for _, data in cleaned for name in self.unit_columns}
        units = self.units_in_scope(codes - {""})
        self.prepare(cleaned)
        items = self.collect(cleaned, units)
        stored = self.stored(units, items)
        for item in items:
            try:
                current = self.match(item, stored)
            except RowProblem as problem:
                self.error(item.row, problem.column, problem.message)
                continue
            if current is None:
                plan.actions.append(
                    RowAction(item.row, "create", self.describe(item.code, item.values), payload=item)
                )
                continue
            changes = self.diff(current, item.values)
            plan.actions.append(
                RowAction(
                    item.row,
                    "update" if changes else "unchanged",
                    self.describe(item.code, item.values),
                    changes,
                    (current, item),
                    record=current,
                )
            )
        return plan

    def collect(self, cleaned: list[ValidRow], units: dict[str, Unit]) -> list[Item]:
        """One record per row; a second row with the same natural key is an error."""
        items, seen = [], {}
        for row, data in cleaned:
            item = self.item(row, data, units)
            if item is None:
                continue
            if item.key in seen:
                self.error(
                    row.number,
                    self.key_fields[0],
                    f"Trùng với dòng {seen[item.key]}: cùng {self.record_name} "
                    f"({self.key_text(item)}). Mỗi {self.record_name} ghi một dòng.",
                )
                continue
            seen[item.key] = row.number
            items.append(item)
        return items

    def item(self, row: SourceRow, data: dict, units: dict[str, Unit]) -> Item | None:
        code = data["unit_code"]
        if not self.check_unit_code(row, code, units):
            return None
        try:
            values = self.values(data)
            self.check_unit(code, values, units)
            for name in self.m2m_fields:
                self.check_codes(name, values[name])
        except RowProblem as problem:
            self.error(row.number, problem.column, problem.message)
            return None
        return Item(row.number, code, values, self.key(code, values))

    def key_text(self, item: Item) -> str:
        parts = [self.header("unit_code") + " " + item.code]
        parts += [
            f"{self.header(name).lower()} {self.show_value(name, item.values[name])}"
            for name in self.key_fields
        ]
        return ", ".join(parts)

    def stored(self, units: dict[str, Unit], items: list[Item]) -> dict[tuple, UnitRecord]:
        """The live stored records the items may match, by natural key (the newest of twins)."""
        first = self.key_fields[0]
        records = (
            self.model.objects.filter(
                unit__in=units.values(), **{f"{first}__in": {i.values[first] for i in items}}
            )
            .select_related("unit", *self.related)
            .prefetch_related(*self.m2m_fields)
        )
        found: dict[tuple, UnitRecord] = {}
        for record in self.prefetch(records):
            found.setdefault(self.key(record.unit.code, self.stored_values(record)), record)
        return found

    def prefetch(self, records: models.QuerySet) -> models.QuerySet:
        return records

    def match(self, item: Item, stored: dict) -> UnitRecord | None:
        """The stored record the item updates, or None to create one; raises RowProblem."""
        return stored.get(item.key)

    def stored_values(self, record: UnitRecord) -> dict[str, Any]:
        values = {name: getattr(record, name) for name in (*self.key_fields, *self.fields)}
        for name in self.m2m_fields:
            values[name] = tuple(sorted(unit.code for unit in getattr(record, name).all()))
        return values

    def diff(self, current: UnitRecord, values: dict) -> list[str]:
        old, show_value = self.stored_values(current), self.show_value
        return [
            f"{self.header(name)}: “{show_value(name, old[name])}” → “{show_value(name, values[name])}”"
            for name in self.fields
            if differs(old[name], values[name])
        ]

    def show_value(self, name: str, value: Any) -> str:
        if isinstance(value, tuple):
            return ", ".join(value) or show(None)
        if isinstance(value, models.Model):
            return short(str(getattr(value, "title", value)))
        field = self.model._meta.get_field(name)
        if field.choices and value:
            return str(dict(field.choices).get(value, value))
        if isinstance(value, str):
            return short(value) or show(None)
        return show(value)

    def describe(self, code: str, values: dict) -> str:
        raise NotImplementedError

    # Writing ---------------------------------------------------------------------------

    def commit(self, plan: SheetPlan) -> None:
        user, now = self.context.user, timezone.now()
        creates = [a.payload for a in plan.actions if a.action == "create"]
        updates = [a.payload for a in plan.actions if a.action == "update"]
        codes = {item.code for item in creates}
        codes |= {code for _, item in updates for name in self.m2m_fields for code in item.values[name]}
        codes |= {code for item in creates for name in self.m2m_fields for code in item.values[name]}
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        scalar = [name for name in (*self.key_fields, *self.fields) if name not in self.m2m_fields]
        new = [
            (self.model(unit=units[item.code], **{name: item.values[name] for name in scalar}), item)
            for item in creates
        ]
        changed = []
        for current, item in updates:
            for name in self.fields:
                if name not in self.m2m_fields:
                    setattr(current, name, item.values[name])
            current.version += 1
            current.updated_at = now
            changed.append((current, item))
        if not self.bulk:
            for record, item in [*new, *changed]:
                record._history_user, record._change_reason = user, CHANGE_REASON
                record.save()
                for name in self.m2m_fields:
                    wanted = [units[code] for code in item.values[name]]
                    if {u.pk for u in getattr(record, name).all()} != {u.pk for u in wanted}:
                        getattr(record, name).set(wanted)
                self.after_save(record, item)
            return
        for record, _ in [*new, *changed]:
            record.fill_derived_fields()
        history = {"batch_size": 500, "default_user": user, "default_change_reason": CHANGE_REASON}
        if new:
            bulk_create_with_history([record for record, _ in new], self.model, **history)
        if changed:
            fields = [name for name in self.fields if name not in self.m2m_fields]
            bulk_update_with_history(
                [record for record, _ in changed],
                self.model,
                [*fields, "search_text", "version", "updated_at"],
                **history,
            )

    def after_save(self, record: UnitRecord, item: Item) -> None:
        """Child rows of a record saved one by one (the findings of an inspection)."""
