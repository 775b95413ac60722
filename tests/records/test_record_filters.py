"""The record lists' query parameters: year ranges, Directive-05 content, who conducted an
inspection (the lists the review report links each total to), and parameters that are not
valid at all (ignored alone, never a 500)."""

import datetime

import pytest
from django.urls import reverse

from party.models import ConductingBody, Inspection, InspectionKind, Meeting
from pledges.models import GoodPractice, PracticeKind
from tests.records.test_awards import make_award

pytestmark = pytest.mark.django_db

# Meetings on both sides of each year boundary, labelled by their date as the list shows it.
DAYS = ["31/12/2023", "01/01/2024", "31/12/2025", "01/01/2026"]


def make_meeting(unit, day: str, *, directive: bool = False, topic: str = "") -> Meeting:
    return Meeting.objects.create(
        unit=unit,
        held_on=datetime.datetime.strptime(day, "%d/%m/%Y").date(),
        includes_directive=directive,
        topic=topic,
        attendance_present=8,
        attendance_expected=10,
    )


def make_inspection(unit, subject: str, *, by: str, directive: bool = True, year: int = 2025) -> Inspection:
    return Inspection.objects.create(
        unit=unit,
        kind=InspectionKind.SUPERVISION,
        conducted_by=by,
        about_directive=directive,
        subject=subject,
        started_on=datetime.date(year, 5, 4),
    )


@pytest.fixture
def meetings(tree, staff):
    made = {day: make_meeting(tree["cell_a"], day) for day in DAYS}
    gone = make_meeting(tree["cell_a"], "15/06/2024")  # deleted: in no list, like in no report
    gone.mark_deleted(staff)
    return made


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year_from": "2024", "year_to": "2025"}, ["01/01/2024", "31/12/2025"]),
        ({"year_from": "2025"}, ["31/12/2025", "01/01/2026"]),
        ({"year_to": "2023"}, ["31/12/2023"]),
        ({"year_from": "2024", "year_to": "2024"}, ["01/01/2024"]),
        ({"year_from": "2026", "year_to": "2024"}, []),
        ({"year": "2025", "year_from": "2024", "year_to": "2026"}, ["31/12/2025"]),
        ({"year_from": "2024", "year_to": "2025", "sort": "date"}, ["01/01/2024", "31/12/2025"]),
    ],
)
def test_meetings_in_a_span_of_calendar_years(login, staff, meetings, shown, params, expected):
    assert shown(login(staff), "meetings", [*DAYS, "15/06/2024"], **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"year_from": "abc"},
        {"year_to": "²"},
        {"year_from": "99999", "year_to": "-1"},
        {"year_from": "2024.5"},
        {"by": "everyone", "directive": ""},
        {"unit": "²", "kind": "none", "year": "x"},
    ],
)
def test_bad_values_are_ignored_not_a_500(login, staff, meetings, shown, params):
    client = login(staff)
    assert shown(client, "meetings", DAYS, **params) == DAYS
    assert client.get(reverse("inspections_list"), params).status_code == 200


def test_a_span_of_years_for_records_filed_by_a_year_number(login, staff, tree, shown):
    for year in (2023, 2024, 2025):
        GoodPractice.objects.create(
            unit=tree["cell_a"], kind=PracticeKind.MODEL, year=year, title=f"Mô hình {year}"
        )
    labels = ["Mô hình 2023", "Mô hình 2024", "Mô hình 2025"]
    client = login(staff)
    assert shown(client, "practices", labels, year_from="2024") == ["Mô hình 2024", "Mô hình 2025"]
    assert shown(client, "practices", labels, year_to="2024") == ["Mô hình 2023", "Mô hình 2024"]


def test_awards_by_span_of_decision_dates_and_category(login, staff, tree, shown):
    make_award(unit=tree["cell_a"], decision_number="QĐ-31-12", decision_date=datetime.date(2024, 12, 31))
    make_award(
        unit=tree["cell_a"], decision_number="QĐ-01-01", decision_date=datetime.date(2025, 1, 1), year=2025
    )
    make_award(
        unit=tree["cell_b"],
        form="Tuyên dương",
        decision_number="QĐ-TD",
        decision_date=datetime.date(2025, 6, 1),
        year=2025,
    )
    labels = ["QĐ-31-12", "QĐ-01-01", "QĐ-TD"]
    client = login(staff)
    assert shown(client, "awards", labels, year_from="2025") == ["QĐ-01-01", "QĐ-TD"]
    assert shown(client, "awards", labels, year_from="2025", kind="award") == ["QĐ-01-01"]
    assert shown(client, "awards", labels, year_to="2025", unit=tree["cell_b"].pk) == ["QĐ-TD"]
    page = client.get(reverse("awards_list")).content.decode()
    assert 'name="directive"' not in page  # awards have no Directive-05 flag
    assert 'name="year_from"' in page and "Từ năm" in page and "Đến năm" in page


def test_meetings_with_directive_content_only(login, staff, tree, shown):
    make_meeting(tree["cell_a"], "05/03/2025", directive=True, topic="Học tập tấm gương tiết kiệm")
    make_meeting(tree["cell_a"], "05/04/2025")
    client = login(staff)
    page = client.get(reverse("meetings_list")).content.decode()
    assert "Chỉ nội dung Chỉ thị 05" in page
    assert shown(client, "meetings", ["05/03/2025", "05/04/2025"], directive="1") == ["05/03/2025"]
    assert shown(client, "meetings", ["05/03/2025", "05/04/2025"], directive="1", year_to="2024") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Giám sát của cấp ủy", "Giám sát không về CT05", "Chi bộ tự giám sát"]),
        ({"directive": "1"}, ["Giám sát của cấp ủy", "Chi bộ tự giám sát"]),
        ({"by": "committee"}, ["Giám sát của cấp ủy", "Giám sát không về CT05"]),
        ({"by": "committee", "directive": "1"}, ["Giám sát của cấp ủy"]),
        ({"by": "cell"}, ["Chi bộ tự giám sát"]),
        ({"by": "cell", "year_from": "2026"}, []),
        (
            {"by": "everyone", "year_from": "x"},
            ["Giám sát của cấp ủy", "Giám sát không về CT05", "Chi bộ tự giám sát"],
        ),
    ],
)
def test_inspections_by_conducting_body_and_directive_content(login, staff, tree, shown, params, expected):
    make_inspection(tree["committee"], "Giám sát của cấp ủy", by=ConductingBody.STANDING_COMMITTEE)
    make_inspection(
        tree["committee"], "Giám sát không về CT05", by=ConductingBody.INSPECTION_COMMISSION, directive=False
    )
    make_inspection(tree["cell_a"], "Chi bộ tự giám sát", by=ConductingBody.CELL)
    labels = ["Giám sát của cấp ủy", "Giám sát không về CT05", "Chi bộ tự giám sát"]
    client = login(staff)
    assert sorted(shown(client, "inspections", labels, **params)) == sorted(expected)
    assert "Chủ thể" in client.get(reverse("inspections_list")).content.decode()


def test_the_other_cells_secretary_sees_nothing_of_cell_a_whatever_the_filters(
    login, secretary_b, tree, meetings, shown
):
    make_inspection(tree["cell_a"], "Chi bộ tự giám sát", by=ConductingBody.CELL)
    client = login(secretary_b)
    for params in (
        {"year_from": "2016", "year_to": "2030"},
        {"year_from": "2024", "unit": tree["cell_a"].pk},
        {"directive": "1", "year_to": "2030"},
    ):
        assert shown(client, "meetings", DAYS, **params) == []
    assert shown(client, "inspections", ["Chi bộ tự giám sát"], by="cell", year_from="2024") == []


@pytest.mark.parametrize("value", ["²", "١", "abc", "-1", ""])
def test_a_non_ascii_digit_unit_on_the_entry_page_is_ignored(login, staff, value):
    response = login(staff).get(reverse("meetings_create"), {"unit": value})
    assert response.status_code == 200


def test_the_pages_of_a_filtered_list_keep_its_filters(login, staff, tree):
    for day in range(1, 56):
        make_meeting(
            tree["cell_a"], f"{(day - 1) % 28 + 1:02d}/{(day - 1) // 28 + 1:02d}/2025", directive=True
        )
    make_meeting(tree["cell_a"], "01/01/2024", directive=True)
    client = login(staff)
    first = client.get(reverse("meetings_list"), {"year": "2025", "directive": "on", "sort": "date"})
    page = first.content.decode()
    assert "55 bản ghi" in page and "Trang 1 / 2" in page
    assert "?year=2025&amp;directive=on&amp;sort=date&amp;page=2" in page
    second = client.get(
        reverse("meetings_list"), {"year": "2025", "directive": "on", "sort": "date", "page": 2}
    )
    assert "Trang 2 / 2" in second.content.decode()
    assert "?year=2025&amp;directive=on&amp;sort=date&amp;page=1" in second.content.decode()
    assert "01/01/2024" not in second.content.decode()
