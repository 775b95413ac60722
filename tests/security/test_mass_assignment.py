"""Extra POST fields are ignored: a form never changes what it does not show.

Every create/edit form is posted with valid data plus fields it does not have (unit, member,
card number, staff flags, version, counts, deletion marks, owner...); the saved rows are read back
and the protected fields must hold what the server decided, not what was posted.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from party.models import ImportBatch, Member, Membership, UnitKind
from party.records.registry import by_slug
from pledges.models import Plan, Pledge, PledgeStatus
from reports.models import ExportStatus, ReportExport
from tests.conftest import PASSWORD, make_unit
from tests.pledges.helpers import deed_post
from tests.pledges.test_evaluation import YEAR as EVAL_YEAR
from tests.pledges.test_evaluation import make_pledge, row
from tests.records.test_awards import award_data
from tests.records.test_conferences import conference_data
from tests.records.test_documents import document_data
from tests.records.test_inspections import inspection_data
from tests.records.test_meetings import meeting_data
from tests.records.test_practices import practice_data

YEAR = 2025


@pytest.fixture
def other(db, admin_user):
    """What a forger would point the extra fields at: another committee's cell and an admin."""
    committee = make_unit("XA", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Xã")
    return {"unit": make_unit("XA1", committee, short_name="Chi bộ Xã"), "user": admin_user}


def extras(other, people, **more) -> dict:
    """Fields no entry form shows, set to values that would matter if they were taken."""
    return {
        "unit_id": other["unit"].pk,
        "member": people["cuong"].pk,
        "member_id": people["cuong"].pk,
        "party_card_number": "9999",
        "is_staff": "on",
        "is_superuser": "on",
        "deed_count": "999",
        "deleted_at": "2020-01-01 00:00",
        "deleted_by": other["user"].pk,
        "requested_by": other["user"].pk,
        "uploaded_by": other["user"].pk,
        "search_text": "gia mao",
        "created_at": "2020-01-01 00:00",
        "status": "evaluated",
        "score": "100",
        "rating": "1",
        "was_party_member": "on",
        "file_original_name": "gia-mao.exe",
        "file_size": "1",
        **more,
    }


RECORD_FORMS = {
    "meetings": lambda tree, people: meeting_data(tree["cell_a"]),
    "inspections": lambda tree, people: inspection_data(tree["cell_a"]),
    "documents": lambda tree, people: document_data(tree["cell_a"]),
    "conferences": lambda tree, people: conference_data(tree["cell_a"]),
    "awards": lambda tree, people: award_data(member=people["an"]),
    "practices": lambda tree, people: practice_data(tree["cell_a"]),
}


def assert_untouched(record, tree, user) -> None:
    assert record.unit == tree["cell_a"]
    assert (record.deleted_at, record.deleted_by) == (None, None)
    assert record.search_text != "gia mao"
    assert record.created_at.year == timezone.now().year
    assert user.is_staff is user.is_superuser is False
    assert Member.objects.get(full_name="Nguyễn Văn An").party_card_number == "1001"


@pytest.mark.parametrize("slug", RECORD_FORMS)
def test_record_forms_take_only_their_fields(
    login, secretary_a, tree, people, other, slug, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))  # awards file under the unit then
    client = login(secretary_a)
    data = RECORD_FORMS[slug](tree, people)
    response = client.post(reverse(f"{slug}_create"), {**data, **extras(other, people)})
    assert response.status_code == 302, response.content.decode()[:2000]
    record_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    model = by_slug(slug).model
    record = model.all_objects.get(pk=record_id)
    secretary_a.refresh_from_db()
    assert_untouched(record, tree, secretary_a)
    assert record.version == 1
    if slug == "awards":
        assert record.was_party_member is True  # An is a full member: computed, not posted
    if slug == "documents":
        assert (record.file_original_name, record.file_size) == ("", None)

    # Editing: the version is the form's own (a stale one is refused); the stored one only grows.
    response = client.post(
        reverse(f"{slug}_edit", args=[record.pk]), {**data, **extras(other, people), "version": "1"}
    )
    assert response.status_code == 302
    record = model.all_objects.get(pk=record_id)
    assert_untouched(record, tree, secretary_a)
    assert record.version == 2
    # The unit is a field of these forms, but only units of the person's scope are taken.
    if "unit" in data:
        response = client.post(
            reverse(f"{slug}_edit", args=[record.pk]), {**data, "unit": tree["cell_b"].pk, "version": "2"}
        )
        assert response.status_code == 200
        assert model.all_objects.get(pk=record_id).unit == tree["cell_a"]


def test_plan_form_keeps_unit_year_and_deed_count(login, secretary_a, tree, people, other):
    client = login(secretary_a)
    url = reverse("plan_edit", args=[tree["cell_a"].pk, YEAR])
    data = deed_post([{"content": "Tiết kiệm"}], title="Kế hoạch", version="0")
    response = client.post(url, {**data, **extras(other, people, year="2019", unit=other["unit"].pk)})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.unit, plan.year, plan.deed_count, plan.version) == (tree["cell_a"], YEAR, 1, 1)


def test_registration_form_keeps_member_unit_status_and_rating(login, secretary_a, tree, people, other):
    client = login(secretary_a)
    url = reverse("pledge_edit", args=[people["an"].pk, YEAR])
    data = deed_post([{"content": "Đi làm đúng giờ"}], commitment="Cam kết", version="0")
    response = client.post(url, {**data, **extras(other, people, year="2019", unit=other["unit"].pk)})
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.member, pledge.unit, pledge.year) == (people["an"], tree["cell_a"], YEAR)
    assert (pledge.status, pledge.score, pledge.rating, pledge.deed_count) == (
        PledgeStatus.REGISTERED,
        None,
        None,
        1,
    )
    people["an"].refresh_from_db()
    assert people["an"].party_card_number == "1001"


def test_evaluation_rows_take_only_the_evaluation(login, secretary_a, tree, people, other):
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    pledge = make_pledge(people["an"], year=EVAL_YEAR)
    client = login(secretary_a)
    prefix = f"p{pledge.pk}-"
    shown = {"score", "rating"}  # the row's own fields
    forged = extras(other, people, commitment="Đã sửa", year="2019")
    forged = {prefix + key: value for key, value in forged.items() if key not in shown}
    response = client.post(
        reverse("cell_evaluation", args=[tree["cell_a"].pk, EVAL_YEAR]), {**row(pledge, score="95"), **forged}
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.member, pledge.unit, pledge.year, pledge.commitment) == (
        people["an"],
        tree["cell_a"],
        EVAL_YEAR,
        "Cam kết",
    )
    assert pledge.status == PledgeStatus.EVALUATED
    assert pledge.deed_count == 3


def test_import_confirm_keeps_the_batch_owner(login, secretary_a, people, other):
    batch = ImportBatch.objects.create(
        uploaded_by=secretary_a, file_name="a.xlsx", content=b"PK", status=ImportBatch.Status.FAILED
    )
    client = login(secretary_a)
    response = client.post(
        reverse("import_confirm", args=[batch.pk]), extras(other, people, file_name="x.xlsx")
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.uploaded_by, batch.file_name, batch.status) == (
        secretary_a,
        "a.xlsx",
        ImportBatch.Status.FAILED,
    )


def test_report_export_job_belongs_to_the_person_who_asked(
    login, staff, tree, people, other, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_EXPORT_IMMEDIATE_ROWS = 0  # every export becomes a job
    client = login(staff)
    data = {"unit": tree["cell_a"].pk, "year_from": YEAR, "year_to": YEAR}
    forged = extras(other, people, status=ExportStatus.DONE, rows_done="5", file="exports/x.xlsx", error="x")
    response = client.post(reverse("report_export"), {**data, **forged})
    assert response.status_code == 302
    job = ReportExport.objects.get()
    assert (job.requested_by, job.unit, job.status, job.rows_done, job.file.name, job.error) == (
        staff,
        tree["cell_a"],
        ExportStatus.QUEUED,
        0,
        "",
        "",
    )


def test_password_change_takes_no_account_flags(login, secretary_a, people, other):
    client = login(secretary_a)
    new = "mat-khau-moi-rat-dai-2026"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = client.post(reverse("password_change"), {**data, **extras(other, people, username="quantri2")})
    assert response.status_code == 302
    user = get_user_model().objects.get(pk=secretary_a.pk)
    assert (user.username, user.is_staff, user.is_superuser, user.is_active) == (
        "bithu_a",
        False,
        False,
        True,
    )
    assert user.check_password(new)
