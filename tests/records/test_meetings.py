"""Cell meetings through the browser's HTTP surface: entry, edit, lists, scope, deletion."""

import datetime
import re

import pytest
from django.urls import reverse

from party.models import Meeting, MeetingKind

pytestmark = pytest.mark.django_db


def meeting_data(unit, **overrides) -> dict:
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "held_on": "05/03/2025",
        "kind": MeetingKind.THEMATIC,
        "includes_directive": "on",
        "topic": "Học tập tấm gương tiết kiệm của Bác",
        "theme": "",
        "attendance_present": "9",
        "attendance_expected": "10",
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_meeting(unit, **fields) -> Meeting:
    fields.setdefault("held_on", datetime.date(2025, 3, 5))
    fields.setdefault("attendance_present", 8)
    fields.setdefault("attendance_expected", 10)
    return Meeting.objects.create(unit=unit, **fields)


def test_secretary_enters_a_meeting_of_their_cell(login, secretary_a, tree):
    client = login(secretary_a)
    response = client.post(reverse("meetings_create"), meeting_data(tree["cell_a"]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings_detail", args=[meeting.pk])
    assert (meeting.unit, meeting.held_on, meeting.includes_directive) == (
        tree["cell_a"],
        datetime.date(2025, 3, 5),
        True,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Học tập tấm gương tiết kiệm của Bác" in page
    assert meeting.history.count() == 1


def test_secretary_cannot_enter_a_meeting_for_another_cell(login, secretary_a, tree):
    client = login(secretary_a)
    response = client.post(reverse("meetings_create"), meeting_data(tree["cell_b"]))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attendance_present": "12"}, "Số có mặt không được lớn hơn số phải dự."),
        ({"topic": ""}, "Ghi nội dung Chỉ thị 05"),
        ({"held_on": "03/15/2025"}, "Nhập một ngày hợp lệ"),
        ({"attendance_expected": ""}, "Trường này là bắt buộc"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, overrides, message):
    client = login(secretary_a)
    response = client.post(reverse("meetings_create"), meeting_data(tree["cell_a"], **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_meetings_belong_to_cells_only(login, staff, tree):
    client = login(staff)
    response = client.post(reverse("meetings_create"), meeting_data(tree["committee"]))
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_edit_keeps_history_and_refuses_a_stale_copy(login, secretary_a, tree):
    meeting = make_meeting(tree["cell_a"], topic="Cũ")
    client = login(secretary_a)
    url = reverse("meetings_edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    data = meeting_data(tree["cell_a"], version="1", topic="Mới")
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.version) == ("Mới", 2)
    # The same form sent again carries the old version: refused, the input kept.
    response = client.post(url, {**data, "topic": "Lần hai"})
    assert response.status_code == 200
    assert "vừa được người khác lưu" in response.content.decode()
    assert "Lần hai" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "Mới"
    assert meeting.history.count() == 2


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree):
    make_meeting(tree["cell_a"], topic="Tiết kiệm", includes_directive=True, kind=MeetingKind.THEMATIC)
    make_meeting(tree["cell_b"], held_on=datetime.date(2024, 6, 1), topic="Đoàn kết")
    client = login(staff)
    url = reverse("meetings_list")

    def dates(**params) -> list[str]:
        page = client.get(url, params).content.decode()
        return [d for d in ("05/03/2025", "01/06/2024") if d in page]

    assert dates() == ["05/03/2025", "01/06/2024"]
    assert dates(year=2024) == ["01/06/2024"]
    assert dates(unit=tree["cell_a"].pk) == ["05/03/2025"]
    assert dates(kind=MeetingKind.THEMATIC) == ["05/03/2025"]
    assert dates(q="doan ket") == ["01/06/2024"]
    assert dates(unit=tree["committee"].pk) == ["05/03/2025", "01/06/2024"]
    assert dates(year="not-a-year") == ["05/03/2025", "01/06/2024"]


def test_other_cells_secretary_gets_404_and_sees_nothing_in_lists(login, secretary_b, tree):
    meeting = make_meeting(tree["cell_a"], topic="Riêng của chi bộ A")
    client = login(secretary_b)
    for name in ("meetings_detail", "meetings_edit", "meetings_delete"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    edit_url = reverse("meetings_edit", args=[meeting.pk])
    assert client.post(edit_url, meeting_data(tree["cell_b"])).status_code == 404
    assert "Riêng của chi bộ A" not in client.get(reverse("meetings_list"), {"q": "rieng"}).content.decode()
    meeting.refresh_from_db()
    assert meeting.unit == tree["cell_a"]


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree):
    meeting = make_meeting(tree["cell_a"])
    client = login(viewer)
    assert client.get(reverse("meetings_detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings_create")).status_code == 403
    edit_url = reverse("meetings_edit", args=[meeting.pk])
    assert client.post(edit_url, meeting_data(tree["cell_a"])).status_code == 403


def test_only_committee_staff_delete_after_confirmation_and_history_stays(login, staff, secretary_a, tree):
    meeting = make_meeting(tree["cell_a"])
    url = reverse("meetings_delete", args=[meeting.pk])
    assert login(secretary_a).post(url).status_code == 403
    client = login(staff)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Xóa" in confirm.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()  # a GET deletes nothing
    assert client.post(url).status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert Meeting.all_objects.get(pk=meeting.pk).deleted_by == staff
    assert client.get(reverse("meetings_detail", args=[meeting.pk])).status_code == 404
    assert meeting.history.count() == 2


def test_unit_page_links_to_its_records_of_the_year(login, staff, tree):
    page = login(staff).get(reverse("unit_detail", args=[tree["cell_a"].pk])).content.decode()
    year = datetime.date.today().year
    assert f"{reverse('meetings_list')}?unit={tree['cell_a'].pk}&amp;year={year}" in page
    assert f"{reverse('awards_list')}?unit={tree['cell_a'].pk}&amp;year={year}" in page


def test_work_home_counts_this_years_records_in_scope(login, secretary_b, tree):
    make_meeting(tree["cell_a"], held_on=datetime.date.today())
    make_meeting(tree["cell_b"], held_on=datetime.date.today())
    response = login(secretary_b).get(reverse("work_home"))
    assert response.status_code == 200
    kinds = dict((rt.slug, count) for rt, count in response.context["kinds"])
    assert kinds["meetings"] == 1


def test_the_same_new_form_sent_twice_creates_one_meeting(login, secretary_a, tree):
    client = login(secretary_a)
    page = client.get(reverse("meetings_create")).content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', page).group(1)
    data = meeting_data(tree["cell_a"], submit_token=token)
    first = client.post(reverse("meetings_create"), data)
    again = client.post(reverse("meetings_create"), data)  # reload, or back and send again
    meeting = Meeting.objects.get()
    assert first["Location"] == again["Location"] == reverse("meetings_detail", args=[meeting.pk])
    page = client.get(again["Location"]).content.decode()
    assert "Bản ghi này đã được lưu ở lần gửi trước; không tạo thêm bản thứ hai." in page
    # A new form (a new token) is a new meeting, even with the same content.
    token = re.search(
        r'name="submit_token" value="([^"]+)"', client.get(reverse("meetings_create")).content.decode()
    )
    assert (
        client.post(reverse("meetings_create"), {**data, "submit_token": token.group(1)}).status_code == 302
    )
    assert Meeting.objects.count() == 2
