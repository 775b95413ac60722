"""The report's summary tables (reports/models.py, rebuilt by reports/tallies.py) never drift from
the registrations, membership periods and people they sum: `tally_drift()` is empty after every
write path has committed, and a full rebuild gives the rows the writes left. Writes through the
ORM run inside `django_capture_on_commit_callbacks(execute=True)`, the commit the test's own
transaction never makes; pages go through the committing test client (tests/conftest.py)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from party.models import Member, Membership, PartyStatus, Unit, transfer_member
from party.signals import units_changed
from party.text import search_key
from pledges.models import Pledge, PledgeDeed, PledgeStatus, RatingLevel
from pledges.services import reopen_pledge
from reports.models import LAST_YEAR, MemberUnitYears, PledgeTally, years_mask
from reports.tallies import refresh_tallies, tally_drift
from reports.totals import report_totals
from tests.party.test_admin import admin_client, member_change  # noqa: F401 (admin_client: a fixture)
from tests.party.test_import import fixture_rows
from tests.party.test_import import workbook_bytes as members_workbook
from tests.pledges.helpers import deed_post
from tests.pledges.test_evaluation import post, row
from tests.pledges.test_evaluation import url as evaluation_url
from tests.pledges.test_import_pledges import confirm, good_workbook, preview, sheet_counts

D = datetime.date
YEAR = 2026


def stored() -> tuple[list, list]:
    """Both tables' rows, pks aside."""
    return (
        sorted(PledgeTally.objects.values_list(*(f.attname for f in PledgeTally._meta.fields[1:])), key=str),
        sorted(
            MemberUnitYears.objects.values_list(
                "unit", "member", "registered", "belonged", "party_member", "people"
            ),
            key=str,
        ),
    )


def assert_true() -> None:
    assert tally_drift() == []
    before = stored()
    refresh_tallies()  # a rebuild of everything finds nothing to change
    assert stored() == before


def make_pledge(member, year: int = YEAR, deeds: int = 3) -> Pledge:
    pledge = Pledge.objects.create(member=member, unit=member.unit, year=year, commitment="Cam kết")
    for position in range(1, deeds + 1):
        PledgeDeed.objects.create(pledge=pledge, content=f"Việc {position}", position=position)
    return pledge


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block of ORM writes followed by their commit callbacks, as a committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def joined(people):
    """The people joined their cells in 2016, refreshed as any bulk write must."""
    Membership.objects.update(started_on=D(2016, 1, 1))
    refresh_tallies()
    return people


def test_years_mask_holds_a_span_and_clamps_it():
    assert years_mask(2000, 2000) == 1
    assert years_mask(2024, 2026) == 0b111 << 24
    assert years_mask(1990, 2001) == 0b11
    assert years_mask(2030, 2020) == 0
    assert years_mask(2060, 2100) == years_mask(2060, LAST_YEAR) > 0


def test_new_people_and_registrations_are_tallied(tree, joined, committed):
    an, binh = joined["an"], joined["binh"]
    with committed():
        make_pledge(an, 2024, deeds=2)
        make_pledge(binh, 2024, deeds=1)  # binh is a leader
    assert_true()
    tally = PledgeTally.objects.get(unit=tree["cell_a"], year=2024)
    assert (tally.registrations, tally.deeds, tally.party_registrations, tally.leader_deeds) == (2, 3, 2, 1)
    # an and binh have one unit, the same years and status: one folded row of two people.
    years = MemberUnitYears.objects.get(unit=tree["cell_a"], registered__gt=0)
    assert (years.member, years.people) == (None, 2)
    assert years.registered == years_mask(2024, 2024)
    assert years.belonged == years_mask(2016, LAST_YEAR)  # an open period covers later years


def test_web_registration_save_keeps_the_tallies_true(login, secretary_a, joined):
    an = joined["an"]
    client = login(secretary_a)
    edit = reverse("pledge_edit", args=[an.pk, YEAR])
    deeds = [{"content": "Đi làm đúng giờ"}, {"content": "Tiết kiệm điện"}]
    assert client.post(edit, deed_post(deeds, commitment="Cam kết", version="0")).status_code == 302
    assert_true()
    pledge = Pledge.objects.get(member=an, year=YEAR)
    rows = [{"id": str(d.pk), "content": d.content, "target": "", "deadline": ""} for d in pledge.deeds.all()]
    rows[1]["DELETE"] = True
    data = deed_post(rows, initial=2, commitment="Cam kết", version=str(pledge.version))
    assert client.post(edit, data).status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).deed_count == 1
    assert_true()


def test_evaluation_and_reopen_keep_the_tallies_true(login, secretary_a, staff, tree, joined, committed):
    with committed():
        pledge = make_pledge(joined["an"])
        make_pledge(joined["binh"])
    response = login(secretary_a).post(
        evaluation_url(tree["cell_a"]), post(row(pledge, done=("Việc 1",), score="95"))
    )
    assert response.status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).status == PledgeStatus.EVALUATED
    assert_true()
    assert PledgeTally.objects.filter(unit=tree["cell_a"], year=YEAR, rating__isnull=False).exists()

    with committed():
        reopen_pledge(pledge=Pledge.objects.get(pk=pledge.pk), reason="Sửa điểm")
    assert_true()


def test_deleting_a_registration_keeps_the_tallies_true(tree, joined, committed):
    with committed():
        pledge = make_pledge(joined["an"])
    with committed():
        pledge.delete()
    assert_true()
    assert not PledgeTally.objects.filter(unit=tree["cell_a"], year=YEAR).exists()


def test_transfer_keeps_the_tallies_true(tree, joined, committed):
    cuong = joined["cuong"]
    with committed():
        make_pledge(cuong, 2024)
    with committed():
        transfer_member(member=cuong, to_unit=tree["cell_a"], on=D(2025, 3, 1))
        make_pledge(Member.objects.get(pk=cuong.pk), 2025)
    assert_true()
    # A mover has a row per unit; dung, alone in cell B now, is folded.
    old = MemberUnitYears.objects.get(unit=tree["cell_b"], member=cuong)
    assert old.belonged == years_mask(2016, 2025) and old.registered == years_mask(2024, 2024)
    assert MemberUnitYears.objects.get(unit=tree["cell_b"], member=None).people == 1
    # Counted once in the committee, in each cell's row.
    report = report_totals(tree["committee"], 2024, 2025)
    assert report.total.people == 1 + 0 and report.total.member_years == 4 * 2
    assert sum(row.figures.people for row in report.by_child) == 2


def test_member_status_change_in_admin_keeps_the_tallies_true(admin_client, joined, committed):  # noqa: F811
    dung = joined["dung"]
    with committed():
        make_pledge(dung, 2025)
    response = member_change(
        admin_client, dung, party_status=PartyStatus.PROBATIONARY, admitted_on="01/01/2024"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Member.objects.get(pk=dung.pk).party_status == PartyStatus.PROBATIONARY
    assert_true()
    assert PledgeTally.objects.get(unit=dung.unit, year=2025).party_registrations == 1
    assert MemberUnitYears.objects.get(unit=dung.unit, member=None, registered__gt=0).party_member


def test_member_import_keeps_the_tallies_true(login, staff, joined, committed):
    with committed():
        make_pledge(joined["dung"], 2025)
    client = login(staff)
    rows = fixture_rows(dung={"party_status": "Đảng viên dự bị", "admitted_on": "01/01/2024"})
    rows.append({**rows[0], "full_name": "Người Mới", "party_card_number": "", "birth_date": "02/02/1990"})
    batch, _ = preview(client, members_workbook(None, rows))
    assert batch.status == batch.Status.PENDING, batch.summary["errors"]
    confirm(client, batch)
    assert Member.objects.get(pk=joined["dung"].pk).party_status == PartyStatus.PROBATIONARY
    assert Member.objects.filter(search_name=search_key("Người Mới")).exists()
    assert_true()


def test_plan_and_registration_import_keeps_the_tallies_true(login, staff, joined):
    client = login(staff)
    batch, html = preview(client, good_workbook())
    assert batch.status == batch.Status.PENDING, batch.summary["errors"]
    confirm(client, batch)
    assert batch.status == batch.Status.DONE, batch.summary["errors"]
    assert Pledge.objects.count() == sum(counts[0] for counts in [sheet_counts(html)["Đăng ký"]])
    assert_true()
    # Importing it again changes nothing; the tallies stay true.
    batch, _ = preview(client, good_workbook())
    confirm(client, batch)
    assert_true()


def test_demo_seed_keeps_the_tallies_true(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert Pledge.objects.exists() and RatingLevel.objects.exists()
    assert_true()


def test_scale_seed_keeps_the_tallies_true(db):
    call_command(
        "seed_demo", "--scale", "--units", "12", "--members", "150", "--years", "2", stdout=io.StringIO()
    )
    assert_true()


def test_a_raw_update_drifts_until_refreshed(tree, joined, committed):
    """What `refresh_report_tallies` is for: a write that bypassed every path."""
    with committed():
        make_pledge(joined["an"])
    assert tally_drift() == []
    Pledge.objects.update(deed_count=9)
    assert tally_drift()
    call_command("refresh_report_tallies", stdout=io.StringIO())
    assert tally_drift() == []


def test_a_transaction_refreshes_once_when_it_commits(login, secretary_a, tree, joined, committed):
    with committed():
        pledges = [make_pledge(person) for person in (joined["an"], joined["binh"])]
    client = login(secretary_a)
    with CaptureQueriesContext(connection) as queries:
        rows = [row(pledge, done=("Việc 1", "Việc 2"), score="95") for pledge in pledges]
        response = client.post(evaluation_url(tree["cell_a"]), post(*rows))
    assert response.status_code == 302
    # Two registrations and four deeds saved; each table rebuilt once, after the commit.
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO reports_")]
    assert len(inserts) == 2
    assert_true()


def test_a_transaction_that_rolls_back_refreshes_nothing(tree, joined, committed):
    before = stored()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        make_pledge(joined["an"])
        raise RuntimeError("the import failed")
    assert stored() == before
    assert tally_drift() == []


def test_a_bulk_write_is_refreshed_from_the_units_it_names(tree, joined, committed):
    """What an import does: a bulk write sends no model signal, so it says which units changed."""
    an = joined["an"]
    with committed():
        Pledge.objects.bulk_create([Pledge(member=an, unit=an.unit, year=2025, deed_count=2)])
        assert tally_drift()  # nothing refreshed yet
        units_changed.send(sender=Pledge, unit_ids={an.unit_id})
    assert_true()
    assert PledgeTally.objects.get(unit=an.unit, year=2025).deeds == 2


def test_refreshing_a_unit_leaves_the_others_rows_alone(tree, joined):
    cell_b = MemberUnitYears.objects.filter(unit=tree["cell_b"])
    before = set(cell_b.values_list("pk", flat=True))
    refresh_tallies([tree["cell_a"].pk])
    assert set(cell_b.values_list("pk", flat=True)) == before  # not deleted and written again
    assert tally_drift() == []


def test_moving_a_registration_to_another_unit_refreshes_both(tree, joined, committed):
    with committed():
        pledge = make_pledge(joined["an"], 2024)
    with committed():
        pledge = Pledge.objects.get(pk=pledge.pk)
        pledge.unit = tree["cell_b"]  # as the admin's registration form may
        pledge.save()
    assert_true()
    assert not PledgeTally.objects.filter(unit=tree["cell_a"], year=2024).exists()


def test_a_person_who_left_a_cell_and_came_back_counts_once(tree, joined, committed):
    """Two periods in one cell: a row a period (their years overlap in 2024), merged when counted."""
    an = joined["an"]
    with committed():
        period = Membership.objects.get(member=an)
        period.ended_on = D(2024, 3, 31)
        period.save()
        Membership.objects.create(member=an, unit=an.unit, started_on=D(2024, 9, 1))
        make_pledge(an, 2024)
    assert_true()
    assert MemberUnitYears.objects.filter(unit=tree["cell_a"], member=an).count() == 3
    report = report_totals(tree["cell_a"], 2024, 2025)
    assert report.total.people == 1
    assert report.by_year[2024].member_years == 2  # an once, binh
    assert Unit.objects.get(pk=tree["cell_a"].pk).members.count() == 2
