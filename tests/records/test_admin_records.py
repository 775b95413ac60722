"""Work records in the back office: reference data, deleted records restored, awards kept consistent."""

import datetime

import pytest
from django.urls import reverse

from party.models import Meeting
from pledges.models import Award, AwardCategory, AwardForm, AwardIssuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


def test_reference_data_is_seeded_with_real_defaults(db):
    forms = dict(AwardForm.objects.values_list("name", "category"))
    assert forms["Bằng khen"] == forms["Giấy khen"] == AwardCategory.AWARD
    assert forms["Biểu dương"] == forms["Tuyên dương"] == AwardCategory.COMMENDATION
    district = AwardIssuer.objects.get(name="Ban Thường vụ Huyện ủy")
    assert district.retired_on == datetime.date(2025, 7, 1)
    assert AwardIssuer.objects.in_force_on(datetime.date(2025, 6, 30)).filter(pk=district.pk).exists()
    assert not AwardIssuer.objects.in_force_on(datetime.date(2025, 7, 1)).filter(pk=district.pk).exists()
    assert AwardIssuer.objects.filter(name="Thủ tướng Chính phủ", retired_on__isnull=True).exists()


def test_admin_lists_deleted_records_and_restores_them(admin_client, staff, tree):
    meeting = Meeting.objects.create(
        unit=tree["cell_a"], held_on=datetime.date(2025, 4, 1), attendance_present=5, attendance_expected=6
    )
    meeting.mark_deleted(staff)
    changelist = reverse("admin:party_meeting_changelist")
    page = admin_client.get(changelist, {"deleted": "yes"}).content.decode()
    assert reverse("admin:party_meeting_change", args=[meeting.pk]) in page
    response = admin_client.post(changelist, {"action": "restore", "_selected_action": [meeting.pk]})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.deleted_at is None
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_admin_edit_bumps_the_version_so_an_open_browser_edit_is_refused(
    admin_client, login, tree, secretary_a
):
    meeting = Meeting.objects.create(
        unit=tree["cell_a"], held_on=datetime.date(2025, 4, 1), attendance_present=5, attendance_expected=6
    )
    url = reverse("admin:party_meeting_change", args=[meeting.pk])
    data = {
        "unit": tree["cell_a"].pk,
        "held_on": "01/04/2025",
        "kind": "regular",
        "topic": "Sửa trong quản trị",
        "attendance_present": "5",
        "attendance_expected": "6",
        "note": "",
    }
    assert admin_client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.version) == ("Sửa trong quản trị", 2)


def test_admin_award_files_an_individual_under_their_unit(admin_client, people, tree):
    data = {
        "recipient_member": people["dung"].pk,
        "form": AwardForm.objects.get(name="Giấy khen").pk,
        "issuer": AwardIssuer.objects.get(name="Đảng ủy cơ sở").pk,
        "decision_number": "12-QĐ/ĐU",
        "decision_date": "15/01/2026",
        "year": "2025",
        "programme": "directive_05",
        "achievement": "Hoàn thành xuất sắc nhiệm vụ",
    }
    response = admin_client.post(reverse("admin:pledges_award_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    award = Award.objects.get()
    assert (award.unit, award.was_party_member) == (tree["cell_b"], False)


def test_issuers_are_retired_not_deleted(admin_client):
    issuer = AwardIssuer.objects.get(name="Chủ tịch UBND huyện")
    response = admin_client.get(reverse("admin:pledges_awardissuer_delete", args=[issuer.pk]))
    assert response.status_code == 403
