"""Unit pickers on the pages: only the chosen unit in the HTML when the scope is large, a search
that works without JavaScript, and the scope enforced by the server whatever is sent."""

import re

import pytest
from django.urls import reverse

from party.models import Meeting
from party.unit_picker import LIST_ALL_UP_TO
from pledges.models import GoodPractice
from tests.conftest import make_unit
from tests.records.test_meetings import meeting_data
from tests.records.test_practices import practice_data

pytestmark = pytest.mark.django_db
OPTION = re.compile(r'<option value="(\d+)"( selected)?>([^<]*)</option>')
BOX = re.compile(r'<input type="checkbox" name="(\w+)" value="(\d+)"( checked)?>')


@pytest.fixture
def many_cells(tree) -> list:
    """More cells under the committee than a picker lists whole."""
    return [
        make_unit(f"CB{n:02d}", tree["committee"], short_name=f"Chi bộ số {n}")
        for n in range(1, LIST_ALL_UP_TO + 6)
    ]


def options(page: str, name: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of the select named `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(select)]


def test_a_small_scope_is_listed_whole_without_a_search_box(login, secretary_a, staff, tree):
    page = login(secretary_a).get(reverse("meetings_create")).content.decode()
    assert [label.strip() for _, _, label in options(page, "unit")] == ["Chi bộ A"]
    assert 'name="unit_q"' not in page and "data-search-url" not in page
    page = login(staff).get(reverse("conferences_create")).content.decode()
    assert len(options(page, "unit")) == 4  # the committee, its two cells and its organization


def test_a_large_scope_renders_only_the_chosen_unit_and_a_search(login, staff, tree, many_cells):
    client = login(staff)
    page = client.get(reverse("meetings_create"), {"unit": many_cells[6].pk}).content.decode()
    assert options(page, "unit") == [(str(many_cells[6].pk), True, "Chi bộ số 7 (CB07) — Đảng bộ Sở")]
    assert 'name="unit_q"' in page
    assert 'data-search-url="/units/search/?for=edit&amp;kind=grassroots_cell&amp;kind=cell"' in page
    assert "js/unit-picker.js" in page
    page = client.get(reverse("meetings_create")).content.decode()
    assert options(page, "unit") == []  # nothing chosen yet: only "— Chọn đơn vị —"
    assert "Chi bộ số" not in page


def test_the_page_does_not_grow_with_the_units_in_scope(login, staff, tree, many_cells):
    client = login(staff)
    before = len(client.get(reverse("practices_create")).content)
    for n in range(100, 140):
        make_unit(f"CB{n}", tree["committee"], short_name=f"Chi bộ số {n}")
    # The one-time token and the CSRF token have fixed lengths; nothing else changes.
    assert len(client.get(reverse("practices_create")).content) == before


def test_without_script_a_typed_code_picks_the_unit(login, staff, tree, many_cells):
    client = login(staff)
    response = client.post(
        reverse("meetings_create"), {**meeting_data(many_cells[0]), "unit": "", "unit_q": "cb12"}
    )
    assert response.status_code == 302
    assert Meeting.objects.get().unit == many_cells[11]


def test_without_script_a_name_that_only_one_unit_has_picks_it(login, staff, tree, many_cells):
    response = login(staff).post(
        reverse("meetings_create"), meeting_data(tree["cell_a"], unit_q="chi bo so 35")
    )
    assert response.status_code == 302
    assert Meeting.objects.get().unit.code == "CB35"


def test_without_script_several_matches_come_back_to_choose_from(login, staff, tree, many_cells):
    data = meeting_data(tree["cell_a"], unit_q="chi bo so 1", topic="Giữ nguyên nội dung")
    response = login(staff).post(reverse("meetings_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Có nhiều đơn vị khớp “chi bo so 1”" in page
    assert "Giữ nguyên nội dung" in page
    offered = options(page, "unit")
    assert offered[0] == (str(tree["cell_a"].pk), True, "Chi bộ A (CBA) — Đảng bộ Sở")  # still chosen
    assert [label.split(" (")[0] for _, _, label in offered[1:]] == ["Chi bộ số 1"] + [
        f"Chi bộ số {n}" for n in range(10, 20)
    ]
    assert 'name="unit_q" id="id_unit_q"' in page and 'value="chi bo so 1"' not in page  # the box is empty


def test_without_script_a_name_outside_the_scope_finds_nothing(login, secretary_b, tree, many_cells):
    client = login(secretary_b)
    response = client.post(
        reverse("meetings_create"), {**meeting_data(tree["cell_b"]), "unit": "", "unit_q": "CBA"}
    )
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Không tìm thấy đơn vị nào có mã hoặc tên “CBA”" in response.content.decode()


def test_a_unit_id_outside_the_scope_is_refused_with_the_usual_message(
    login, secretary_b, staff, tree, many_cells
):
    response = login(secretary_b).post(reverse("meetings_create"), meeting_data(tree["cell_a"]))
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    # A large scope too: the committee is in staff's scope but meetings belong to cells only.
    response = login(staff).post(reverse("meetings_create"), meeting_data(tree["committee"]))
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Meeting.objects.exists()


def test_several_units_are_ticked_and_typed_text_adds_one(login, staff, tree, many_cells):
    client = login(staff)
    data = practice_data(tree["cell_a"], units_involved=[str(many_cells[0].pk)], units_involved_q="CB20")
    response = client.post(reverse("practices_create"), data)
    assert response.status_code == 302
    practice = GoodPractice.objects.get()
    assert {unit.code for unit in practice.units_involved.all()} == {"CB01", "CB20"}
    page = client.get(reverse("practices_edit", args=[practice.pk])).content.decode()
    ticked = [(name, value) for name, value, checked in BOX.findall(page) if checked]
    assert ticked == [("units_involved", str(many_cells[0].pk)), ("units_involved", str(many_cells[19].pk))]
    assert 'for="id_units_involved_q"' in page  # the field's label names its search box


def test_several_matches_are_offered_as_boxes_to_tick(login, staff, tree, many_cells):
    data = practice_data(
        tree["cell_a"], replicated_to=[str(tree["cell_b"].pk)], replicated_to_q="chi bo so 2"
    )
    response = login(staff).post(reverse("practices_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not GoodPractice.objects.exists()
    boxes = [(value, bool(checked)) for name, value, checked in BOX.findall(page) if name == "replicated_to"]
    assert boxes[0] == (str(tree["cell_b"].pk), True)
    assert [value for value, checked in boxes[1:] if not checked] == [
        str(unit.pk) for unit in many_cells if unit.short_name.startswith("Chi bộ số 2")
    ]


def test_the_report_takes_a_typed_code_and_explains_several_matches(login, staff, tree, many_cells):
    client = login(staff)
    page = client.get(reverse("report"), {"unit_q": "CB07", "span_choice": "year"}).content.decode()
    assert "Chi bộ số 7," in page  # the heading: the unit and the span
    assert options(page, "unit") == [(str(many_cells[6].pk), True, "Chi bộ số 7 (CB07) — Đảng bộ Sở")]
    response = client.get(reverse("report"), {"unit": tree["committee"].pk, "unit_q": "chi bo so"})
    assert response.status_code == 200  # a form error, not a missing unit
    assert "Có nhiều đơn vị khớp" in response.content.decode()


def test_the_report_is_a_404_for_a_unit_id_out_of_scope(login, secretary_b, tree, many_cells):
    client = login(secretary_b)
    assert client.get(reverse("report"), {"unit": many_cells[0].pk}).status_code == 404
    response = client.get(reverse("report"), {"unit": tree["cell_b"].pk, "unit_q": "CB01"})
    assert response.status_code == 200 and "Không tìm thấy đơn vị nào" in response.content.decode()


def test_record_lists_filter_by_a_typed_unit(login, staff, tree, many_cells):
    from tests.records.test_meetings import make_meeting

    make_meeting(many_cells[2], topic="Ở chi bộ số 3")
    make_meeting(tree["cell_a"], topic="Ở chi bộ A")
    page = login(staff).get(reverse("meetings_list"), {"unit_q": "cb03"}).content.decode()
    assert "1 bản ghi." in page
    assert options(page, "unit") == [(str(many_cells[2].pk), True, "Chi bộ số 3 (CB03) — Đảng bộ Sở")]


def test_the_people_list_follows_a_unit_typed_above_the_form(login, staff, tree, people, many_cells):
    client = login(staff)
    page = client.get(reverse("practices_create"), {"unit_q": "CBB"}).content.decode()
    people_select = re.search(r'<select name="people".*?</select>', page, re.S).group(0)
    assert "Lê Văn Cường" in people_select and "Nguyễn Văn An" not in people_select
    assert 'id="id_scope_unit_q"' in page
