"""The subtree that demo work records are drawn for, read once, and the helpers that insert them.

Used by party/demo/records.py (meetings, inspections, documents, conferences) and
pledges/demo/recognition.py (awards, good practices). Demo and benchmark data only: bulk inserts
leave no edit history.
"""

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, models

from party.models import Membership, PartyStatus, Theme, ThemeKind, Unit, UnitKind
from party.models.records import UnitRecord

BATCH_SIZE = 1000
COMMITTEE_KINDS = (UnitKind.PARTY_COMMITTEE, UnitKind.GRASSROOTS_COMMITTEE, UnitKind.PARTIAL_COMMITTEE)


@dataclass(eq=False, slots=True)
class DemoUnit:
    pk: int
    path: str
    kind: str
    short_name: str
    name: str
    dissolved_on: datetime.date | None
    parent: "DemoUnit | None" = None
    children: list["DemoUnit"] = field(default_factory=list)

    @property
    def is_cell(self) -> bool:
        return self.kind in UnitKind.cells()

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS

    def alive_on(self, day: datetime.date) -> bool:
        return self.dissolved_on is None or day < self.dissolved_on

    def subtree(self) -> list["DemoUnit"]:
        units = [self]
        for child in self.children:
            units.extend(child.subtree())
        return units


@dataclass(eq=False, slots=True)
class Person:
    pk: int
    full_name: str
    party_status: str
    admitted_on: datetime.date | None
    periods: list[tuple[int, datetime.date, datetime.date | None]] = field(default_factory=list)

    def unit_on(self, day: datetime.date) -> int | None:
        """As Member.unit_on: the covering period that started last."""
        covering = [
            (start, unit) for unit, start, end in self.periods if start <= day and (end is None or end >= day)
        ]
        return max(covering, key=lambda c: c[0])[1] if covering else None

    def party_member_on(self, day: datetime.date) -> bool:
        """As Member.was_party_member_on."""
        return self.party_status != PartyStatus.NONE and (self.admitted_on is None or self.admitted_on <= day)


class DemoTree:
    """Units of a subtree with their people's periods, for drawing records without more queries."""

    def __init__(self, root: Unit) -> None:
        rows = Unit.objects.in_subtree(root).order_by("path")
        self.units: dict[str, DemoUnit] = {}
        for pk, path, kind, short_name, name, dissolved_on in rows.values_list(
            "pk", "path", "kind", "short_name", "name", "dissolved_on"
        ):
            unit = DemoUnit(pk, path, kind, short_name, name, dissolved_on, self.units.get(path[:-4]))
            if unit.parent:
                unit.parent.children.append(unit)
            self.units[path] = unit
        self.people: dict[int, Person] = {}
        self.people_of: dict[int, list[Person]] = {}
        periods = (
            Membership.objects.filter(unit__path__startswith=root.path)
            .order_by("member_id", "started_on", "pk")
            .values_list(
                "member_id",
                "unit_id",
                "started_on",
                "ended_on",
                "member__full_name",
                "member__party_status",
                "member__admitted_on",
            )
        )
        for member_id, unit_id, start, end, name, status, admitted in periods:
            person = self.people.get(member_id)
            if person is None:
                person = self.people[member_id] = Person(member_id, name, status, admitted)
            person.periods.append((unit_id, start, end))
            listed = self.people_of.setdefault(unit_id, [])
            if not listed or listed[-1] is not person:
                listed.append(person)

    def committees(self) -> list[DemoUnit]:
        return [u for u in self.units.values() if u.is_committee]

    def cells(self) -> list[DemoUnit]:
        return [u for u in self.units.values() if u.is_cell]

    def present_on(self, units: Iterable[DemoUnit], day: datetime.date) -> list[tuple[Person, int]]:
        """(person, unit pk) for the people whose unit on `day` is one of `units`."""
        wanted = {u.pk for u in units}
        seen: dict[int, tuple[Person, int]] = {}
        for unit_pk in wanted:
            for person in self.people_of.get(unit_pk, ()):
                if person.pk not in seen and (unit := person.unit_on(day)) in wanted:
                    seen[person.pk] = (person, unit)
        return sorted(seen.values(), key=lambda pair: pair[0].pk)

    def headcounts(self, day: datetime.date) -> dict[int, int]:
        """People in each unit's subtree on `day`, by unit pk."""
        direct = Counter(unit for person in self.people.values() if (unit := person.unit_on(day)) is not None)
        totals: dict[int, int] = {}
        for unit in reversed(self.units.values()):  # path order reversed: children before parents
            totals[unit.pk] = direct[unit.pk] + sum(totals[child.pk] for child in unit.children)
        return totals

    def party_members_on(self, units: Iterable[DemoUnit], day: datetime.date) -> list[tuple[Person, int]]:
        return [pair for pair in self.present_on(units, day) if pair[0].party_member_on(day)]


def term_theme(year: int) -> Theme | None:
    """The term theme in force in a year (the migration seeds 2021-2025); None outside any term."""
    return Theme.objects.for_year(year).filter(kind=ThemeKind.TERM).order_by("start_year", "pk").first()


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def in_month(
    rng: random.Random, year: int, first_month: int, last_month: int, last_day: int = 28
) -> datetime.date:
    """A working day between the 1st of `first_month` and `last_day` of `last_month`."""
    return working_day(
        random_day(rng, datetime.date(year, first_month, 1), datetime.date(year, last_month, last_day))
    )


def working_day(day: datetime.date) -> datetime.date:
    """Saturdays and Sundays move to the Monday after."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def save_all(model: type[models.Model], objects: list, keep_pks: bool = False) -> list:
    """Insert in bulk; unit records fill their search key first (bulk inserts skip save()).

    bulk_create when the new pks are needed (they come back on SQLite and PostgreSQL); otherwise
    multi-row INSERTs with each value prepared by its field, several times faster at province scale.
    """
    for obj in objects:
        if isinstance(obj, UnitRecord):
            obj.fill_derived_fields()
    if keep_pks:
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy: read per value
    quote = db.ops.quote_name
    insert = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    row = f"({', '.join(['%s'] * len(fields))})"
    size = max(1, min(BATCH_SIZE, db.ops.bulk_batch_size(fields, objects)))
    with db.cursor() as cursor:
        for start in range(0, len(objects), size):
            chunk = objects[start : start + size]
            params = [f.get_db_prep_save(f.pre_save(obj, True), db) for obj in chunk for f in fields]
            cursor.execute(insert + ", ".join([row] * len(chunk)), params)
    return objects


def analyze(*models: type[models.Model]) -> None:
    """Planner statistics for tables a build has just filled, before its transaction commits
    (PostgreSQL). The foreign-key checks Django defers to the commit are planned then, from the
    statistics of the referenced tables: with those of a nearly empty table each check scans it
    whole, so a ten-times province took hours to commit instead of minutes."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {db.ops.quote_name(model._meta.db_table)}")


def save_links(relation, links: list[tuple[int, int]]) -> int:
    """Rows of a many-to-many relation (e.g. Inspection.target_units) through its through model."""
    field = relation.field
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    save_all(relation.through, [relation.through(**{source: a, target: b}) for a, b in links])
    return len(links)


def drawing(seed: int, kind: str) -> random.Random:
    """A random sequence of its own for each kind, so changing one kind leaves the others alone."""
    return random.Random(f"{seed}/{kind}")
