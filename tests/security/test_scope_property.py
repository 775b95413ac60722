"""Property: over random trees, roles and records, every list, search, page, report and export
shows exactly what lies in the reader's scope, as computed here independently (tree paths).

Every name in the data carries a token (U0001X for units, M.. members, R.. records, P.. plans);
each response is searched for tokens and compared with the scope worked out from the role units'
paths. Each example runs in a savepoint that is rolled back.
"""

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from party.models import (
    Conference,
    ConferenceKind,
    Gender,
    Member,
    PartyStatus,
    RoleKind,
    Unit,
    UnitKind,
    UnitRole,
)
from pledges.models import Plan, Pledge
from tests.conftest import force_login_verified, make_unit, make_user

YEAR = 2025
TOKEN = re.compile(r"[UMRP]\d{4}X")
ROLES = [RoleKind.SECRETARY, RoleKind.STAFF, RoleKind.VIEWER]


@st.composite
def worlds(draw):
    size = draw(st.integers(1, 7))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, size)]  # a parent comes first
    unit_index = st.integers(0, size - 1)
    return {
        "parents": parents,
        "members": draw(st.lists(unit_index, max_size=8)),
        "pledged": draw(st.lists(st.booleans(), min_size=8, max_size=8)),
        "plans": draw(st.lists(st.booleans(), min_size=size, max_size=size)),
        "records": draw(st.lists(unit_index, max_size=8)),
        "roles": draw(
            st.lists(st.tuples(unit_index, st.sampled_from(ROLES)), max_size=2, unique_by=lambda r: r[0])
        ),
        "superuser": draw(st.integers(0, 9)) == 0,
        "probe": draw(unit_index),  # the unit whose pages, report and exports are read
        "search": draw(st.integers(0, 7)),  # which record's token to search for
    }


@dataclass
class Built:
    units: list[Unit]
    tokens: dict[str, Unit]  # token -> the unit it belongs to
    members: dict[str, Unit]
    records: dict[str, Unit]
    pledges: dict[str, Unit]  # member token -> unit of the registration
    plans: dict[str, Unit]


def build(spec: dict) -> Built:
    parents = spec["parents"]
    has_children = {p for p in parents if p is not None}
    units: list[Unit] = []
    for index, parent in enumerate(parents):
        kind = UnitKind.GRASSROOTS_COMMITTEE if index in has_children else UnitKind.CELL
        token = f"U{index:04d}X"
        units.append(
            make_unit(token, units[parent] if parent is not None else None, kind=kind, short_name=token)
        )
    members = Member.objects.bulk_create(
        Member(
            unit=units[u],
            full_name=f"Người M{i:04d}X",
            search_name=f"nguoi m{i:04d}x",
            sort_key=f"{i:04d}",
            gender=Gender.MALE,
            birth_date=datetime.date(1980, 1, 1),
            party_status=PartyStatus.FULL,
        )
        for i, u in enumerate(spec["members"])
    )
    Pledge.objects.bulk_create(
        Pledge(member=m, unit=m.unit, year=YEAR)
        for m, pledged in zip(members, spec["pledged"], strict=False)
        if pledged
    )
    Plan.objects.bulk_create(
        Plan(unit=units[i], year=YEAR, title=f"P{i:04d}X") for i, wanted in enumerate(spec["plans"]) if wanted
    )
    Conference.objects.bulk_create(
        Conference(
            unit=units[u],
            kind=ConferenceKind.PRELIMINARY_REVIEW,
            held_on=f"{YEAR}-05-01",
            title=f"Hội nghị R{i:04d}X",
            search_text=f"hoi nghi r{i:04d}x",
        )
        for i, u in enumerate(spec["records"])
    )
    pledged = {i for i, p in enumerate(spec["pledged"]) if p}
    return Built(
        units=units,
        tokens={f"U{i:04d}X": u for i, u in enumerate(units)},
        members={f"M{i:04d}X": units[u] for i, u in enumerate(spec["members"])},
        records={f"R{i:04d}X": units[u] for i, u in enumerate(spec["records"])},
        pledges={f"M{i:04d}X": units[u] for i, u in enumerate(spec["members"]) if i in pledged},
        plans={f"P{i:04d}X": units[i] for i, wanted in enumerate(spec["plans"]) if wanted},
    )


def tokens_in(text: str) -> set[str]:
    return set(TOKEN.findall(text))


def under(units: dict[str, Unit], root: Unit) -> set[str]:
    return {token for token, unit in units.items() if unit.path.startswith(root.path)}


def workbook_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)


def check_example(client, spec: dict) -> None:
    world = build(spec)
    user = make_user("nguoidung", is_superuser=spec["superuser"])
    UnitRole.objects.bulk_create(UnitRole(user=user, unit=world.units[u], role=r) for u, r in spec["roles"])
    force_login_verified(client, user)  # the sign-in pages are tested elsewhere; this reads pages

    # The independent scope: the subtrees of the role units (everything for a superuser).
    role_paths = [world.units[u].path for u, _ in spec["roles"]]
    editing_paths = [world.units[u].path for u, r in spec["roles"] if r != RoleKind.VIEWER]

    def in_scope(unit: Unit, paths=role_paths) -> bool:
        return spec["superuser"] or any(unit.path.startswith(p) for p in paths)

    def seen(units: dict[str, Unit]) -> set[str]:
        return {token for token, unit in units.items() if in_scope(unit)}

    everything = world.tokens | world.members | world.records | world.plans

    def assert_shows_only_scope(text: str, where: str, also: frozenset[str] = frozenset()) -> None:
        leaked = {t for t in tokens_in(text) - also if t in everything and not in_scope(everything[t])}
        assert not leaked, f"{where} shows out-of-scope {sorted(leaked)}"

    # Lists and their search.
    page = client.get(reverse("conferences_list")).content.decode()
    assert tokens_in(page) & set(world.records) == seen(world.records)
    assert_shows_only_scope(page, "conference list")
    searched = f"R{spec['search']:04d}X"
    page = client.get(reverse("conferences_list"), {"q": searched.lower()}).content.decode()
    expected = {searched} & seen(world.records)
    assert tokens_in(page) & set(world.records) == expected
    page = client.get(reverse("home"), {"dissolved": "on"}).content.decode()
    assert tokens_in(page) & set(world.tokens) == seen(world.tokens)

    # The probe unit's pages, its report and the lists behind it.
    probe = world.units[spec["probe"]]
    visible = in_scope(probe)
    unit_page = client.get(reverse("unit_detail", args=[probe.pk]), {"per_page": 200})
    assert unit_page.status_code == (200 if visible else 404)
    span = {"unit": probe.pk, "span_choice": "custom", "year_from": YEAR, "year_to": YEAR}
    report = client.get(reverse("report"), span)
    registrations = client.get(reverse("report_registrations"), span)
    plans = client.get(reverse("report_plans"), span)
    for response in (report, registrations, plans):
        assert response.status_code == (200 if visible else 404)
    for member_token, unit in list(world.members.items())[:1]:
        member = Member.objects.get(full_name=f"Người {member_token}")
        assert client.get(reverse("member_detail", args=[member.pk])).status_code == (
            200 if in_scope(unit) else 404
        )
    export = client.post(reverse("report_export"), {"unit": probe.pk, "year_from": YEAR, "year_to": YEAR})
    assert export.status_code == (200 if visible else 404)
    if visible:
        page = unit_page.content.decode()
        assert tokens_in(page) & set(world.members) == under(world.members, probe)
        assert_shows_only_scope(page, "unit page")
        assert_shows_only_scope(report.content.decode(), "report")
        page = registrations.content.decode()
        assert tokens_in(page) & set(world.members) == under(world.pledges, probe)
        page = plans.content.decode()
        cells = {t: u for t, u in world.plans.items() if u.kind == UnitKind.CELL}
        assert tokens_in(page) & set(world.plans) == under(cells, probe)
        text = workbook_text(b"".join(export.streaming_content))
        # A Party document's heading names the superior committee (reports/layout.py formal_heading).
        parent = frozenset(t for t, u in world.tokens.items() if u.path == probe.path[: -Unit.steplen])
        assert_shows_only_scope(text, "report export", also=parent)
        assert tokens_in(text) & set(world.members) <= under(world.pledges, probe)

    # The cell's workbook: only for a unit the user enters data for, with that unit's people only.
    workbook = client.get(reverse("cell_workbook", args=[probe.pk, YEAR]))
    if not visible:
        assert workbook.status_code == 404
    elif not in_scope(probe, editing_paths):
        assert workbook.status_code == 403
    else:
        assert workbook.status_code == 200
        text = workbook_text(workbook.content)
        assert_shows_only_scope(text, "cell workbook")
        assert tokens_in(text) & set(world.members) <= under(world.members, probe)


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=worlds())
def test_every_list_page_report_and_export_stays_in_scope(client, spec):
    with transaction.atomic():
        try:
            check_example(client, spec)
        finally:
            transaction.set_rollback(True)
