"""The province-size tree for benchmarks, as a new root beside any existing units, loaded in bulk.

Province committee → district-level committees → grassroots committees → cells and mass
organizations. `build_scale()` takes the number of units and people (a factor of 1 is about 2,000
units and 100,000 people); every step costs in proportion to them. Some people moved between cells
during the last years, with the closed and the opened period `transfer_member()` would record.
"""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from party.demo.people import (
    DEMO_SEED,
    Move,
    card_numbers,
    first_day,
    insert_members,
    random_date,
    random_member,
)
from party.demo.tree import analyze
from party.models import Member, Membership, PartyStatus, Unit, UnitKind

SCALE_ROOT_CODE = "DB-TINH"
# A factor of 1: the size of a province.
UNITS = 2000
MEMBERS = 100_000
# Share of people (secretaries aside) transferred to another cell during the last `span_years`;
# of them, half stay in their grassroots committee, a third in their district, the rest go anywhere.
MOVED_SHARE = 0.14
SCALE_POSITIONS = ["", "", "", "Chuyên viên", "Nhân viên", "Cán bộ", "Giáo viên", "Kỹ sư", "Kế toán"]
PLACE_WORDS = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Xuân", "Đông", "Tây", "Nam", "Bắc",
               "Trung", "Hưng", "Thịnh", "Phước", "Hiệp", "Lộc", "Mỹ", "Quang", "Sơn", "Thủy", "Vĩnh",
               "Yên", "Đức", "Thuận", "Hải", "Lạc", "Cẩm", "Kỳ"]  # fmt: skip


def unit_data(code: str, short_name: str, name: str, kind: str, sort_order: int) -> dict:
    """Fields of a unit for a bulk load: bulk_create skips Unit.save, so fill what it fills."""
    unit = Unit(code=code, short_name=short_name, name=name, kind=kind, sort_order=sort_order)
    unit.fill_derived_fields()
    fields = ("code", "short_name", "name", "kind", "sort_order", "search_name")
    return {field: getattr(unit, field) for field in fields}


def _node(data: dict, children: list[dict] | None = None) -> dict:
    # load_bulk keeps the given order: give children as node_order_by (sort_order, code) sorts them.
    ordered = sorted(children or [], key=lambda c: (c["data"]["sort_order"], c["data"]["code"]))
    return {"data": data, "children": ordered}


def place_name(rng: random.Random) -> str:
    first, second = rng.sample(PLACE_WORDS, 2)
    return f"{first} {second}"


def scale_tree(rng: random.Random, units: int) -> dict:
    """Province committee → district-level committees → grassroots committees → cells and mass
    organizations; districts are added until about `units` units (about 50 a district)."""
    districts: list[dict] = []
    total = 1
    while not districts or total < units:
        number = len(districts) + 1
        code = f"T-H{number:02d}"
        place = place_name(rng)
        kind_name = rng.choice(["huyện", "huyện", "huyện", "thị xã", "thành phố"])
        grassroots = []
        for g in range(1, rng.randint(5, 13) + 1):
            g_code = f"{code}-C{g:02d}"
            g_place = place_name(rng)
            cells = [
                _node(unit_data(f"{g_code}-CB{c:02d}", f"Chi bộ thôn {c}", f"Chi bộ thôn {c}, xã {g_place}",
                                UnitKind.CELL, c))
                for c in range(1, rng.randint(2, 4) + 1)
            ]  # fmt: skip
            organizations = [_node(unit_data(f"{g_code}-CD", "Công đoàn", f"Công đoàn xã {g_place}",
                                             UnitKind.MASS_ORGANIZATION, 90))]  # fmt: skip
            if rng.random() < 0.5:
                organizations.append(
                    _node(unit_data(f"{g_code}-DTN", "Đoàn Thanh niên", f"Đoàn Thanh niên xã {g_place}",
                                    UnitKind.MASS_ORGANIZATION, 91))
                )  # fmt: skip
            grassroots.append(
                _node(
                    unit_data(g_code, f"Đảng bộ xã {g_place}", f"Đảng bộ xã {g_place}, {kind_name} {place}",
                              UnitKind.GRASSROOTS_COMMITTEE, g),
                    cells + organizations,
                )
            )  # fmt: skip
            total += 1 + len(cells) + len(organizations)
        districts.append(
            _node(
                unit_data(code, f"Đảng bộ {kind_name} {place}", f"Đảng bộ {kind_name} {place}",
                          UnitKind.PARTY_COMMITTEE, number),
                grassroots,
            )
        )  # fmt: skip
        total += 1
    root = unit_data(
        SCALE_ROOT_CODE, "Đảng bộ tỉnh Sơn Hà", "Đảng bộ tỉnh Sơn Hà", UnitKind.PARTY_COMMITTEE, 100
    )
    return _node(root, districts)


def split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, summing exactly to `total`."""
    whole = sum(weights)
    counts = [int(total * w / whole) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


class CellMap:
    """The cells of the loaded tree, by grassroots committee and district, to draw transfers from."""

    def __init__(self, root: Unit) -> None:
        cells = Unit.objects.filter(path__startswith=root.path, kind=UnitKind.CELL).order_by("path")
        self.cells: list[tuple[int, str]] = list(cells.values_list("pk", "path"))
        self.below: dict[str, list[int]] = defaultdict(list)  # a committee's path -> its cells
        for pk, path in self.cells:
            for depth in (2, 3):
                self.below[path[: depth * Unit.steplen]].append(pk)

    def destination(self, rng: random.Random, cell: tuple[int, str]) -> int | None:
        """Another cell: in the same grassroots committee, else the same district, else anywhere."""
        pk, path = cell
        draw = rng.random()
        depth = 3 if draw < 0.5 else 2 if draw < 0.85 else None
        pool = self.below[path[: depth * Unit.steplen]] if depth else None
        if not pool or len(pool) < 2:
            pool = [c for c, _ in self.cells] if len(self.cells) > 1 else []
        if not pool:
            return None
        target = rng.choice(pool)
        while target == pk:
            target = rng.choice(pool)
        return target


@dataclass(frozen=True)
class ScaleResult:
    units: int
    members: int
    moved: int
    seconds: float


@transaction.atomic
def build_scale(
    units: int = UNITS,
    members: int = MEMBERS,
    seed: int = DEMO_SEED,
    span_years: int = 5,
    batch_size: int = 5000,
) -> ScaleResult:
    """A province-size tree with `members` people; about MOVED_SHARE of them moved between cells
    during the last `span_years` calendar years."""
    started = time.monotonic()
    rng = random.Random(seed)
    today = datetime.date.today()
    moves_from = max(datetime.date(today.year - max(span_years, 1) + 1, 1, 1), datetime.date(2016, 1, 1))
    moves_until = today - datetime.timedelta(days=7)
    added = Unit.objects.load_bulk([scale_tree(rng, units)], parent=None, bulk_create=True)
    cell_map = CellMap(Unit.objects.get(code=SCALE_ROOT_CODE))
    sizes = split(members, [rng.uniform(0.3, 1.7) for _ in cell_map.cells])
    # Party card numbers of the scale data live in [50,000,000, 90,000,000): the small demo
    # uses lower numbers, so both fit in one database.
    cards = card_numbers(rng, members, 50_000_000, 90_000_000)
    batch: list[Member] = []
    moves: list[Move] = []
    moved = 0
    for cell, size in zip(cell_map.cells, sizes, strict=True):
        for index in range(size):
            # The first two of a cell are its secretary and deputy, who are full members.
            member = random_member(rng, cell[0], today, PartyStatus.FULL if index < 2 else None)
            member.position = (
                ("Bí thư chi bộ", "Phó Bí thư chi bộ")[index] if index < 2 else rng.choice(SCALE_POSITIONS)
            )
            member.is_leader = rng.random() < 0.02
            # Every person takes a card number so the numbers do not depend on who is a full member.
            card = next(cards)
            member.party_card_number = card if member.party_status == PartyStatus.FULL else None
            if index >= 2 and rng.random() < MOVED_SHARE:
                earliest = max(moves_from, first_day(member) + datetime.timedelta(days=30))
                target = cell_map.destination(rng, cell)
                if target is not None and earliest <= moves_until:
                    moves.append(Move(member, cell[0], random_date(rng, earliest, moves_until)))
                    member.unit_id = target
            batch.append(member)
            if len(batch) >= batch_size:
                insert_members(batch, moves, batch_size)
                moved += len(moves)
                batch, moves = [], []
    insert_members(batch, moves, batch_size)
    moved += len(moves)
    analyze(Unit, Member, Membership)
    return ScaleResult(len(added), members, moved, time.monotonic() - started)
