"""seed_demo: the demo committee, its accounts, --if-empty, and a small --scale run."""

import datetime
import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from party.demo.committee import DEMO_PASSWORD, ROOT_CODE
from party.demo.province import SCALE_ROOT_CODE
from party.models import Member, Membership, PartyStatus, Unit, UnitKind
from pledges.models import Plan, Pledge, PledgeStatus
from tests.conftest import delete_demo, log_in


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return seed()


def test_demo_builds_a_committee_with_cells_and_mass_organizations(demo):
    root = Unit.objects.get(code=ROOT_CODE)
    assert root.kind == UnitKind.GRASSROOTS_COMMITTEE
    children = list(Unit.objects.get_children(root))
    cells = [u for u in children if u.kind == UnitKind.CELL]
    assert 7 <= len(cells) <= 9
    assert sum(u.kind == UnitKind.MASS_ORGANIZATION for u in children) == 2
    # Children come in the tree's order (sort_order, code): cells first, the office cell leading.
    assert [(u.sort_order, u.code) for u in children] == sorted((u.sort_order, u.code) for u in children)
    assert children[0].short_name == "Chi bộ Văn phòng"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_demo_people_are_consistent(demo):
    members = list(Member.objects.all())
    assert 140 <= len(members) <= 160
    by_status = {status: [m for m in members if m.party_status == status] for status in PartyStatus.values}
    assert len(by_status[PartyStatus.FULL]) > len(members) / 2
    assert 0 < len(by_status[PartyStatus.PROBATIONARY]) < 20
    assert 0.1 * len(members) <= len(by_status[PartyStatus.NONE]) <= 0.3 * len(members)
    for member in by_status[PartyStatus.FULL]:
        assert len(member.party_card_number) == 8 and member.party_card_number.isdigit()
        assert member.confirmed_on.year == member.admitted_on.year + 1
        assert member.admitted_on.year - member.birth_date.year >= 18
    for member in by_status[PartyStatus.PROBATIONARY] + by_status[PartyStatus.NONE]:
        assert member.party_card_number is None and member.confirmed_on is None
    assert all(m.admitted_on is None for m in by_status[PartyStatus.NONE])
    assert all(1965 <= m.birth_date.year <= 2000 for m in members)
    assert 3 <= sum(m.is_leader for m in members) <= 20
    assert all(m.search_name and m.sort_key for m in members)
    # Real-looking names: family name, middle name(s), given name, with diacritics.
    assert all(len(m.full_name.split()) >= 3 for m in members)
    assert any("Nguyễn" in m.full_name for m in members)


def test_demo_has_transfers_with_closed_history(demo):
    moved = Member.objects.annotate(periods=Count("memberships")).filter(periods=2)
    assert moved.count() >= 3
    for member in moved:
        old, new = member.memberships.order_by("started_on")
        assert old.ended_on is not None and old.ended_on == new.started_on
        assert new.ended_on is None and new.unit_id == member.unit_id != old.unit_id
    # Everyone else has exactly one open period that started in the past.
    assert Membership.objects.filter(ended_on__isnull=True).count() == Member.objects.count()


def test_demo_prints_accounts_that_log_in(demo, client):
    for username in ("admin", "canbo", "bithu"):
        assert username in demo
        assert log_in(client, username, DEMO_PASSWORD), username
        client.logout()
    assert DEMO_PASSWORD in demo


def test_demo_password_meets_the_password_rules(db):
    validate_password(DEMO_PASSWORD)  # raises ValidationError if it is too short or too common


def test_secretary_sees_own_cell_and_not_another(demo, client):
    cells = list(Unit.objects.get_children(Unit.objects.get(code=ROOT_CODE)).filter(kind=UnitKind.CELL))
    assert log_in(client, "bithu", DEMO_PASSWORD)
    own = client.get(reverse("unit_detail", args=[cells[0].pk]))
    assert own.status_code == 200
    some_member = Member.objects.filter(unit=cells[0]).first()
    assert some_member.full_name in own.content.decode()
    assert client.get(reverse("unit_detail", args=[cells[1].pk])).status_code == 404


def test_staff_sees_the_committee(demo, client):
    assert log_in(client, "canbo", DEMO_PASSWORD)
    response = client.get(reverse("unit_detail", args=[Unit.objects.get(code=ROOT_CODE).pk]))
    assert response.status_code == 200


def test_if_empty_adds_nothing_the_second_time(demo):
    before = (Unit.objects.count(), Member.objects.count(), Membership.objects.count())
    output = seed("--if-empty")
    assert (Unit.objects.count(), Member.objects.count(), Membership.objects.count()) == before
    assert "bithu" in output and DEMO_PASSWORD in output


def test_without_if_empty_a_filled_database_is_refused(demo):
    with pytest.raises(CommandError, match="đã có đơn vị"):
        seed()


def test_if_empty_on_an_empty_database_builds_the_demo(db):
    seed("--if-empty")
    assert Unit.objects.filter(code=ROOT_CODE).exists()


def test_demo_is_deterministic(db):
    seed()
    first = list(
        Member.objects.order_by("party_card_number", "full_name").values_list("full_name", "birth_date")
    )
    delete_demo()
    seed()
    again = list(
        Member.objects.order_by("party_card_number", "full_name").values_list("full_name", "birth_date")
    )
    assert first == again


def test_demo_has_evaluated_past_years_and_a_current_year_in_progress(demo):
    this_year = datetime.date.today().year
    current = Pledge.objects.filter(year=this_year)
    assert 0 < current.count() < Member.objects.count()
    assert not current.exclude(status=PledgeStatus.REGISTERED).exists()
    past = Pledge.objects.filter(year=this_year - 1)
    assert past.filter(status=PledgeStatus.EVALUATED, rating__isnull=False).count() > 0.9 * past.count()
    assert all(p.deeds.count() == 3 for p in past[:20])
    assert Plan.objects.filter(year=this_year, unit__kind=UnitKind.MASS_ORGANIZATION).count() == 2


def test_small_scale_run_beside_the_demo(demo):
    output = seed("--scale", "--units", "50", "--members", "2000", "--years", "2")
    this_year = datetime.date.today().year
    scale_pledges = Pledge.objects.filter(unit__path__startswith=Unit.objects.get(code=SCALE_ROOT_CODE).path)
    assert set(scale_pledges.values_list("year", flat=True)) == {this_year - 1, this_year}
    # Most people who belonged to a unit last year registered (people admitted this year did not).
    belonged = Membership.objects.filter(
        member__unit__path__startswith=Unit.objects.get(code=SCALE_ROOT_CODE).path
    )
    belonged = belonged.overlapping_year(this_year - 1).values("member").distinct().count()
    assert 0.88 * belonged < scale_pledges.filter(year=this_year - 1).count() < 0.99 * belonged
    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    subtree = Unit.objects.filter(path__startswith=root.path)
    assert 50 <= subtree.count() <= 120
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert set(subtree.values_list("kind", flat=True)) >= {
        UnitKind.PARTY_COMMITTEE,
        UnitKind.GRASSROOTS_COMMITTEE,
        UnitKind.CELL,
        UnitKind.MASS_ORGANIZATION,
    }
    people = Member.objects.filter(unit__path__startswith=root.path)
    assert people.count() == 2000
    assert not people.exclude(unit__kind=UnitKind.CELL).exists()
    assert Membership.objects.filter(member__in=people, ended_on__isnull=True).count() == 2000
    assert not people.filter(search_name="").exists() and not people.filter(sort_key="").exists()
    assert not subtree.filter(search_name="").exists()
    assert "2.000 người" in output
    # Bulk-loaded units are in the tree's order, so the tree API keeps working on them.
    district = Unit.objects.get_first_child(root)
    for parent in (root, district):
        children = list(Unit.objects.get_children(parent))
        assert [(c.sort_order, c.code) for c in children] == sorted((c.sort_order, c.code) for c in children)
    fields = {"code": "T-H01-C00", "short_name": "Mới", "name": "Mới", "kind": UnitKind.GRASSROOTS_COMMITTEE}
    added = Unit.objects.add_child(district, fields)
    assert Unit.objects.get_children(district).first() == added
    # Search finds bulk-loaded units without diacritics.
    assert Unit.objects.all().search("dang bo tinh son ha").filter(pk=root.pk).exists()

    with pytest.raises(CommandError, match=SCALE_ROOT_CODE):
        seed("--scale", "--units", "50", "--members", "10")


def test_scale_on_an_empty_database_also_builds_the_demo(db, client):
    seed("--scale", "--units", "10", "--members", "100")
    assert Unit.objects.filter(code=ROOT_CODE).exists()
    assert (
        Member.objects.filter(unit__path__startswith=Unit.objects.get(code=SCALE_ROOT_CODE).path).count()
        == 100
    )
    assert log_in(client, "admin", DEMO_PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_scale_people_moved_between_cells_during_the_span(demo):
    seed("--scale", "--units", "50", "--members", "2000", "--years", "2")
    this_year = datetime.date.today().year
    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    people = Member.objects.filter(unit__path__startswith=root.path)
    moved = people.annotate(periods=Count("memberships")).filter(periods=2)
    assert 0.10 * 2000 <= moved.count() <= 0.15 * 2000
    assert not people.annotate(periods=Count("memberships")).filter(periods__gt=2).exists()
    registered_in_old_cell = 0
    for member in moved.prefetch_related("memberships", "pledges"):
        old, new = sorted(member.memberships.all(), key=lambda m: m.started_on)
        # As transfer_member() records it: the old period ends on the day the new one starts.
        assert old.ended_on == new.started_on and new.ended_on is None
        assert new.unit_id == member.unit_id != old.unit_id
        assert this_year - 1 <= new.started_on.year <= this_year
        for pledge in member.pledges.all():
            # Filed in a unit the person belonged to that year, never moved by the transfer.
            units = {m.unit_id for m in member.memberships.all() if m.started_on.year <= pledge.year}
            units -= {
                m.unit_id for m in member.memberships.all() if m.ended_on and m.ended_on.year < pledge.year
            }
            assert pledge.unit_id in units
            registered_in_old_cell += pledge.year == new.started_on.year and pledge.unit_id == old.unit_id
    assert registered_in_old_cell  # someone who moved after registering kept it in the old cell
    # Someone moved inside a grassroots committee, someone out of theirs.
    pairs = [
        (old.unit.path, new.unit.path)
        for old, new in (
            sorted(m.memberships.select_related("unit"), key=lambda p: p.started_on) for m in moved[:200]
        )
    ]
    assert any(a[:12] == b[:12] for a, b in pairs) and any(a[:12] != b[:12] for a, b in pairs)


def test_scale_factor_sets_the_size(db):
    seed("--scale", "0.005", "--years", "0")
    root = Unit.objects.get(code=SCALE_ROOT_CODE)
    assert Member.objects.filter(unit__path__startswith=root.path).count() == 500
    assert not Pledge.objects.filter(unit__path__startswith=root.path).exists()
    with pytest.raises(CommandError):
        seed("--scale", "0")
