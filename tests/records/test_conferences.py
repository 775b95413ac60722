"""Conferences and events through the browser's HTTP surface: entry, edit, lists, scope, deletion."""

import datetime

import pytest
from django.urls import reverse

from party.models import Conference, ConferenceKind, Theme

pytestmark = pytest.mark.django_db


def conference_data(unit, **overrides) -> dict:
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "kind": ConferenceKind.PRELIMINARY_REVIEW,
        "held_on": "12/06/2025",
        "title": "Hội nghị sơ kết giữa nhiệm kỳ thực hiện Chỉ thị 05",
        "participants": "45",
        "theme": "",
        "note": "Biểu dương 3 tập thể",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_conference(unit, **fields) -> Conference:
    fields.setdefault("kind", ConferenceKind.PRELIMINARY_REVIEW)
    fields.setdefault("held_on", datetime.date(2025, 6, 12))
    fields.setdefault("title", "Hội nghị sơ kết")
    return Conference.objects.create(unit=unit, **fields)


def test_secretary_enters_a_conference_of_their_cell(login, secretary_a, tree):
    theme = Theme.objects.get(kind="term")  # seeded by a migration
    client = login(secretary_a)
    response = client.post(
        reverse("conferences_create"), conference_data(tree["cell_a"], theme=str(theme.pk))
    )
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences_detail", args=[conference.pk])
    assert (
        conference.unit,
        conference.kind,
        conference.held_on,
        conference.participants,
        conference.theme,
    ) == (
        tree["cell_a"],
        ConferenceKind.PRELIMINARY_REVIEW,
        datetime.date(2025, 6, 12),
        45,
        theme,
    )
    assert (conference.version, conference.history.count()) == (1, 1)
    page = client.get(response["Location"]).content.decode()
    for text in ("Hội nghị sơ kết giữa nhiệm kỳ thực hiện Chỉ thị 05", "12/06/2025", "Hội nghị sơ kết", "45"):
        assert text in page
    assert "Biểu dương 3 tập thể" in page
    assert theme.title in page


def test_staff_enters_a_conference_of_the_committee(login, staff, tree):
    client = login(staff)
    data = conference_data(tree["committee"], kind=ConferenceKind.CONTEST, participants="")
    assert client.post(reverse("conferences_create"), data).status_code == 302
    conference = Conference.objects.get()
    assert (conference.unit, conference.kind, conference.participants) == (
        tree["committee"],
        ConferenceKind.CONTEST,
        None,
    )
    page = client.get(reverse("conferences_detail", args=[conference.pk])).content.decode()
    assert "Hội thi" in page


def test_create_page_preselects_the_unit_from_the_query(login, staff, tree):
    page = login(staff).get(reverse("conferences_create"), {"unit": tree["cell_b"].pk}).content.decode()
    assert f'<option value="{tree["cell_b"].pk}" selected>' in page


def test_edit_reads_back_and_refuses_a_stale_copy(login, secretary_a, tree):
    conference = make_conference(tree["cell_a"], title="Tên cũ")
    client = login(secretary_a)
    url = reverse("conferences_edit", args=[conference.pk])
    assert "Tên cũ" in client.get(url).content.decode()
    data = conference_data(
        tree["cell_a"], version="1", title="Hội thi tìm hiểu về Bác", kind=ConferenceKind.CONTEST
    )
    response = client.post(url, data)
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.title, conference.kind, conference.version) == (
        "Hội thi tìm hiểu về Bác",
        ConferenceKind.CONTEST,
        2,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Hội thi tìm hiểu về Bác" in page and "Tên cũ" not in page
    stale = client.post(url, {**data, "title": "Lần hai"})
    assert stale.status_code == 200
    assert "vừa được người khác lưu" in stale.content.decode()
    conference.refresh_from_db()
    assert conference.title == "Hội thi tìm hiểu về Bác"
    assert conference.history.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Trường này là bắt buộc"),
        ({"kind": ""}, "Trường này là bắt buộc"),
        ({"kind": "party"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"held_on": "31/02/2025"}, "Nhập một ngày hợp lệ"),
        ({"participants": "-3"}, "Đảm bảo giá trị này lớn hơn hoặc bằng với 0"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, overrides, message):
    client = login(secretary_a)
    response = client.post(reverse("conferences_create"), conference_data(tree["cell_a"], **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Chưa lưu được" in response.content.decode()
    assert not Conference.all_objects.exists()


def test_secretary_cannot_enter_a_conference_for_another_cell(login, secretary_a, tree):
    response = login(secretary_a).post(reverse("conferences_create"), conference_data(tree["cell_b"]))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Conference.all_objects.exists()


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree, shown):
    make_conference(tree["cell_a"], title="Sơ kết chi bộ A", kind=ConferenceKind.PRELIMINARY_REVIEW)
    make_conference(
        tree["cell_b"],
        title="Tọa đàm về đạo đức",
        kind=ConferenceKind.SEMINAR,
        held_on=datetime.date(2024, 5, 19),
    )
    make_conference(
        tree["committee"],
        title="Tổng kết Đảng bộ",
        kind=ConferenceKind.FINAL_REVIEW,
        held_on=datetime.date(2025, 12, 20),
    )
    client = login(staff)
    titles = ["Tổng kết Đảng bộ", "Sơ kết chi bộ A", "Tọa đàm về đạo đức"]
    assert shown(client, "conferences", titles) == titles
    assert shown(client, "conferences", titles, year=2024) == ["Tọa đàm về đạo đức"]
    assert shown(client, "conferences", titles, year=2025) == ["Tổng kết Đảng bộ", "Sơ kết chi bộ A"]
    assert shown(client, "conferences", titles, unit=tree["cell_a"].pk) == ["Sơ kết chi bộ A"]
    assert shown(client, "conferences", titles, unit=tree["committee"].pk) == titles  # the whole subtree
    assert shown(client, "conferences", titles, kind=ConferenceKind.SEMINAR) == ["Tọa đàm về đạo đức"]
    assert shown(client, "conferences", titles, q="toa dam dao duc") == ["Tọa đàm về đạo đức"]
    assert shown(client, "conferences", titles, q="TONG KET") == ["Tổng kết Đảng bộ"]
    assert shown(client, "conferences", titles, q="dao", year=2025) == []
    page = client.get(reverse("conferences_list"), {"sort": "date"}).content.decode()
    assert page.index("Tọa đàm về đạo đức") < page.index("Sơ kết chi bộ A") < page.index("Tổng kết Đảng bộ")


def test_secretary_sees_only_their_cells_conferences(login, secretary_a, tree, shown):
    make_conference(tree["cell_a"], title="Của chi bộ A")
    make_conference(tree["cell_b"], title="Của chi bộ B")
    make_conference(tree["committee"], title="Của Đảng bộ")
    client = login(secretary_a)
    titles = ["Của chi bộ A", "Của chi bộ B", "Của Đảng bộ"]
    assert shown(client, "conferences", titles) == ["Của chi bộ A"]
    assert shown(client, "conferences", titles, q="cua") == ["Của chi bộ A"]


def test_other_cells_secretary_gets_404_and_sees_nothing(secretary_b, tree, assert_hidden_from):
    conference = make_conference(tree["cell_a"], title="Riêng của chi bộ A")
    assert_hidden_from(
        secretary_b, "conferences", conference, "Riêng của chi bộ A", "rieng", conference_data(tree["cell_b"])
    )
    assert Conference.objects.get().unit == tree["cell_a"]


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree):
    conference = make_conference(tree["cell_a"], title="Sơ kết")
    client = login(viewer)
    assert client.get(reverse("conferences_detail", args=[conference.pk])).status_code == 200
    assert "Sơ kết" in client.get(reverse("conferences_list")).content.decode()
    assert client.get(reverse("conferences_create")).status_code == 403
    assert client.post(reverse("conferences_create"), conference_data(tree["cell_a"])).status_code == 403
    edit_url = reverse("conferences_edit", args=[conference.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, conference_data(tree["cell_a"], version="1")).status_code == 403
    assert Conference.objects.count() == 1


def test_only_committee_staff_delete_after_confirmation(
    staff, secretary_a, viewer, tree, assert_staff_only_deletion
):
    conference = make_conference(tree["cell_a"])
    assert_staff_only_deletion("conferences", conference, staff=staff, others=[secretary_a, viewer])
