"""What the review report reads instead of every registration and membership period.

At province size (470,000 registrations in five years) even one scan of the registrations takes
longer than the whole report may, so two small tables are kept on write, by unit:
- `PledgeTally`: registrations and deeds per unit, year and rating level, with those of party
  members and of leaders (by the person's current status and leader flag: the counting rule);
- `MemberUnitYears`: per unit and person, the years they registered there and the years they
  belonged to it, as bits. Most people only ever had one unit: they are folded into one row per
  unit and set of years with a head count (member None), so a province is ~13,000 rows, not
  100,000; people with several units (movers) keep a row per unit, ORed per person when counted.

`refresh_tallies(unit_ids)` rebuilds the rows of some units from the truth; every write path
calls it (reports/signals.py for single saves, the bulk paths themselves), and `tally_drift()`
says where the tables disagree with the truth (tests check it stays empty).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.backends.signals import connection_created
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.dispatch import receiver

from party.models import Member, PartyStatus, Unit
from pledges.models import RatingLevel

# Bit (year - BASE_YEAR) of a mask stands for the year; 63 bits keep a BIGINT positive.
BASE_YEAR = 2000
LAST_YEAR = BASE_YEAR + 62
BATCH_SIZE = 2000
MAX_PEOPLE = 5000  # a refresh touching more people rebuilds every unit


def years_mask(first: int, last: int) -> int:
    """The bits of the years first..last, clamped to the years a mask holds."""
    first, last = max(first, BASE_YEAR), min(last, LAST_YEAR)
    if first > last:
        return 0
    return ((1 << (last - first + 1)) - 1) << (first - BASE_YEAR)


class PledgeTally(models.Model):
    """Registrations of a unit in a year at one rating level, summed (số liệu tổng hợp đăng ký)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    rating = models.ForeignKey(RatingLevel, on_delete=models.CASCADE, null=True, related_name="+")
    registrations = models.PositiveIntegerField()
    deeds = models.PositiveIntegerField()
    party_registrations = models.PositiveIntegerField()
    party_deeds = models.PositiveIntegerField()
    leader_registrations = models.PositiveIntegerField()
    leader_deeds = models.PositiveIntegerField()

    class Meta:
        verbose_name = "số liệu tổng hợp đăng ký"
        verbose_name_plural = "số liệu tổng hợp đăng ký"

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.year}: {self.registrations}"


class MemberUnitYears(models.Model):
    """The years people registered in, and belonged to, one unit, as bits (năm đăng ký, sinh hoạt).

    A row is one person with several units (`member` set, `people` 1), or every person of the
    unit with no other unit and the same years and status (`member` None, `people` how many).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, related_name="+")
    registered = models.BigIntegerField()  # bit (year - BASE_YEAR): a registration made here that year
    belonged = models.BigIntegerField()  # a membership period here overlapping that year
    party_member = models.BooleanField()  # the people's current party status is not "none"
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = "năm đăng ký và sinh hoạt theo đơn vị"
        verbose_name_plural = "năm đăng ký và sinh hoạt theo đơn vị"
        constraints = [models.UniqueConstraint(fields=["unit", "member"], name="one_member_years_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.member_id}"


TALLY_FIELDS = [
    "unit_id",
    "year",
    "rating_id",
    "registrations",
    "deeds",
    "party_registrations",
    "party_deeds",
    "leader_registrations",
    "leader_deeds",
]
YEARS_FIELDS = ["unit_id", "member_id", "registered", "belonged", "party_member", "people"]


def _true_rows(unit_ids: list[int] | None, apps) -> tuple[list[tuple], list[tuple]]:
    """The rows both tables should hold for those units (None: every unit), from the truth.

    Models come from `apps` so the data migration can use the historical ones.
    """
    pledge_model = apps.get_model("pledges", "Pledge")
    membership_model = apps.get_model("party", "Membership")
    member_model = apps.get_model("party", "Member")
    where = Q() if unit_ids is None else Q(unit_id__in=unit_ids)
    pledges = pledge_model._base_manager.filter(where)
    party = ~Q(member__party_status=PartyStatus.NONE)  # as reports.queries.is_party_member()
    leader = Q(member__is_leader=True)
    tallies = [
        tuple(row[name] for name in TALLY_FIELDS)
        for row in pledges.values("unit_id", "year", "rating_id")
        .annotate(
            registrations=Count("pk"),
            deeds=Coalesce(Sum("deed_count"), 0),
            party_registrations=Count("pk", filter=party),
            party_deeds=Coalesce(Sum("deed_count", filter=party), 0),
            leader_registrations=Count("pk", filter=leader),
            leader_deeds=Coalesce(Sum("deed_count", filter=leader), 0),
        )
        .order_by()
    ]

    masks: dict[tuple[int, int], list[int]] = {}
    for unit_id, member_id, year in pledges.values_list("unit_id", "member_id", "year").order_by():
        masks.setdefault((unit_id, member_id), [0, 0])[0] |= years_mask(year, year)
    periods = membership_model._base_manager.filter(where).order_by()
    for unit_id, member_id, started, ended in periods.values_list(
        "unit_id", "member_id", "started_on", "ended_on"
    ):
        last = ended.year if ended else LAST_YEAR  # an open period covers every later year
        masks.setdefault((unit_id, member_id), [0, 0])[1] |= years_mask(started.year, last)
    people = member_model._base_manager.all()
    if unit_ids is not None:
        people = people.filter(Q(pk__in=pledges.values("member_id")) | Q(pk__in=periods.values("member_id")))
    status = dict(people.values_list("pk", "party_status").order_by())
    # Units of each person anywhere: one registered or belonging elsewhere too is a mover.
    pairs = masks if unit_ids is None else units_of_people(status, apps=apps, pairs=True)
    units_of: dict[int, set[int]] = {}
    for unit_id, member_id in pairs:
        units_of.setdefault(member_id, set()).add(unit_id)
    years, folded = [], {}
    for (unit_id, member_id), (registered, belonged) in masks.items():
        party = status[member_id] != PartyStatus.NONE
        if len(units_of[member_id]) > 1:
            years.append((unit_id, member_id, registered, belonged, party, 1))
        else:
            key = (unit_id, None, registered, belonged, party)
            folded[key] = folded.get(key, 0) + 1
    years += [(*key, n) for key, n in folded.items()]
    return tallies, years


@transaction.atomic
def refresh_tallies(unit_ids: Iterable[int | None] | None = None, *, apps=global_apps) -> None:
    """Rebuild both tables' rows of those units (None: every unit) from the registrations,
    membership periods and people: a cell takes a few milliseconds."""
    ids = None if unit_ids is None else {pk for pk in unit_ids if pk is not None}
    if ids == set():
        return
    tally_model = apps.get_model("reports", "PledgeTally")
    years_model = apps.get_model("reports", "MemberUnitYears")
    if ids is not None:
        # A person who gains or loses a unit here may turn from folded to mover rows, or back,
        # in their other units too: those are rebuilt with these.
        movers = years_model._base_manager.filter(unit_id__in=ids, member__isnull=False)
        people = set(movers.values_list("member_id", flat=True))
        for label in ("pledges.Pledge", "party.Membership"):
            rows = apps.get_model(label)._base_manager.filter(unit_id__in=ids).order_by()
            people |= set(rows.values_list("member_id", flat=True))
        # Lists of ids go into the SQL: a write touching thousands of people (a large import, the
        # demo data) rebuilds everything instead, a few seconds for a province.
        ids = None if len(people) > MAX_PEOPLE else sorted(ids | units_of_people(people, apps=apps))
    tallies, years = _true_rows(ids, apps)
    where = Q() if ids is None else Q(unit_id__in=ids)
    tally_model._base_manager.filter(where).delete()
    years_model._base_manager.filter(where).delete()
    tally_model._base_manager.bulk_create(
        [tally_model(**dict(zip(TALLY_FIELDS, row, strict=True))) for row in tallies], batch_size=BATCH_SIZE
    )
    years_model._base_manager.bulk_create(
        [years_model(**dict(zip(YEARS_FIELDS, row, strict=True))) for row in years], batch_size=BATCH_SIZE
    )


# Units noted inside `refreshed_once()`, refreshed when it ends; None outside.
_pending_units: ContextVar[set[int] | None] = ContextVar("pending_tally_units", default=None)


def note_units(unit_ids: Iterable[int | None]) -> None:
    """Refresh these units now, or at the end of the enclosing `refreshed_once()`."""
    pending = _pending_units.get()
    if pending is None:
        refresh_tallies(unit_ids)
    else:
        pending.update(pk for pk in unit_ids if pk is not None)


@contextmanager
def refreshed_once() -> Iterator[None]:
    """Saves inside note their units, refreshed once at the end: a cell's evaluation saves every
    registration and deed, and one refresh of the cell is all they need. Nothing is refreshed
    if the block raises (its transaction rolls back)."""
    if _pending_units.get() is not None:
        yield
        return
    units: set[int] = set()
    token = _pending_units.set(units)
    try:
        yield
    finally:
        _pending_units.reset(token)
    refresh_tallies(units)


def units_of_people(member_ids: Iterable[int], *, apps=global_apps, pairs: bool = False) -> set:
    """The units where these people registered or belonged: where their rows are
    (with `pairs`: (unit, member) pairs)."""
    ids = list(member_ids)
    found: set = set()
    for label in ("pledges.Pledge", "party.Membership"):
        rows = apps.get_model(label)._base_manager.filter(member_id__in=ids).order_by()
        found |= (
            set(rows.values_list("unit_id", "member_id"))
            if pairs
            else set(rows.values_list("unit_id", flat=True))
        )
    return found


def tally_drift() -> list[tuple]:
    """Rows stored but untrue or true but missing, as ("tally" | "years", "stored" | "missing", row):
    empty unless a write path forgot to refresh (tests check it after each one)."""
    tallies, years = _true_rows(None, global_apps)
    drift = []
    for name, model, fields, truth in [
        ("tally", PledgeTally, TALLY_FIELDS, tallies),
        ("years", MemberUnitYears, YEARS_FIELDS, years),
    ]:
        stored = set(model.objects.values_list(*fields))
        drift += [(name, "stored", row) for row in stored - set(truth)]
        drift += [(name, "missing", row) for row in set(truth) - stored]
    return drift


class BitOr(models.Aggregate):
    """BIT_OR(): PostgreSQL has it; SQLite gets it from `_add_sqlite_bit_or()`."""

    function = "BIT_OR"
    output_field = models.BigIntegerField()


class _SqliteBitOr:
    def __init__(self) -> None:
        self.value = 0

    def step(self, value: int | None) -> None:
        if value is not None:
            self.value |= value

    def finalize(self) -> int:
        return self.value


@receiver(connection_created, dispatch_uid="sqlite_bit_or")
def _add_sqlite_bit_or(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("BIT_OR", 1, _SqliteBitOr)
