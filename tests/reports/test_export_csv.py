""" "Tải CSV": each list of the report as a CSV file through HTTP with real logins: the workbook's
columns and rows, UTF-8 with a byte-order mark, text that is never a formula, scope and the
access log."""

import csv
import io
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from party.models import AccessEvent, Member, RoleKind
from pledges.models import Award
from reports.export_lists import LIST_SHEETS
from tests.conftest import make_user
from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree where every figure is known


def post(client, unit, which="registrations", first=2024, last=2025):
    data = {"unit": unit.pk, "year_from": first, "year_to": last, "list": which}
    return client.post(reverse("report_export_csv"), data)


def read_csv(response) -> list[list[str]]:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def workbook_lists(client, unit) -> dict[str, list[list[str]]]:
    """The workbook's lists, each cell as the CSV writes it, to compare with the CSV files."""
    response = client.post(reverse("report_export"), {"unit": unit.pk, "year_from": 2024, "year_to": 2025})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    lists = {}
    for sheet in LIST_SHEETS:
        rows = book[sheet.title].iter_rows(values_only=True)
        lists[sheet.key] = [
            ["" if v is None else v.date().isoformat() if hasattr(v, "date") else str(v) for v in row]
            for row in rows
        ]
    return lists


def test_staff_download_each_list_with_the_workbook_columns_and_rows(login, staff, world):
    client = login(staff)
    committee = world["units"]["committee"]
    expected = workbook_lists(client, committee)
    for sheet in LIST_SHEETS:
        response = post(client, committee, sheet.key)
        assert response.status_code == 200, sheet.key
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        assert read_csv(response) == expected[sheet.key], sheet.key
    registrations = read_csv(post(client, committee))
    assert registrations[0] == ["Họ và tên", "Đối tượng", "Đơn vị đăng ký", "Năm", "Số việc làm", "Xếp loại"]
    assert registrations[1][:5] == ["Nguyễn Văn An", "Đảng viên chính thức", "Chi bộ A", "2024", "2"]
    assert len(registrations) == 1 + 9


def test_file_is_named_after_the_list_unit_and_years(login, staff, world):
    response = post(login(staff), world["units"]["committee"], "awards")
    assert (
        f"filename*=utf-8''{quote('Khen-thưởng_Đảng-bộ-Sở_2024-2025.csv')}" in response["Content-Disposition"]
    )


def test_dates_are_iso_so_no_regional_setting_reads_them_wrong(login, staff, world):
    rows = read_csv(post(login(staff), world["units"]["committee"], "awards"))
    assert rows[0][0] == "Ngày quyết định"
    assert rows[1][0] == "2024-08-01"


HOSTILE = ['=HYPERLINK("http://x","y")', "+84 912 345 678", "-1+1", "@SUM(A1)", "\t=1+1", "\r=2"]


def test_text_from_the_data_never_becomes_a_formula(login, staff, world):
    people = world["people"]
    Member.objects.filter(pk=people["an"].pk).update(full_name=HOSTILE[0])
    Member.objects.filter(pk=people["binh"].pk).update(full_name=HOSTILE[4])
    Award.objects.filter(recipient_member=people["dung"]).update(achievement=HOSTILE[1])
    client = login(staff)
    names = [row[0] for row in read_csv(post(client, world["units"]["committee"]))[1:]]
    assert "'" + HOSTILE[0] in names and "'" + HOSTILE[4] in names
    assert HOSTILE[0] not in names
    achievements = [row[8] for row in read_csv(post(client, world["units"]["committee"], "awards"))[1:]]
    assert "'" + HOSTILE[1] in achievements
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in names + achievements)


def test_the_download_is_logged_with_the_list_and_rows(login, staff, world):
    committee = world["units"]["committee"]
    post(login(staff), committee, "meetings")
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.EXPORT)
    assert (event.user, event.unit) == (staff, committee)
    assert event.details == {
        "what": "review_report",
        "list": "meetings",
        "years": "2024-2025",
        "rows": 3,
        "format": "csv",
    }


def test_secretary_gets_their_cell_only(login, world):
    units = world["units"]
    client = login(make_user("bithu_a", RoleKind.SECRETARY, units["cell_a"]))
    rows = read_csv(post(client, units["cell_a"]))
    assert {row[2] for row in rows[1:]} == {"Chi bộ A"}
    assert post(client, units["committee"]).status_code == 404
    assert post(client, units["cell_b"]).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT, unit=units["committee"]).exists()


def test_outsider_gets_404_and_get_is_refused(login, outsider, staff, world):
    assert post(login(outsider), world["units"]["committee"]).status_code == 404
    assert login(staff).get(reverse("report_export_csv")).status_code == 405


@pytest.mark.parametrize(("which", "message"), [("people", "Chọn danh sách."), ("", "Chọn danh sách.")])
def test_an_unknown_list_goes_back_to_the_report_with_a_message(login, staff, world, which, message):
    response = post(login(staff), world["units"]["committee"], which)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]


def test_the_report_page_offers_every_list(login, staff, world):
    committee = world["units"]["committee"]
    query = {"unit": committee.pk, "span_choice": "custom", "year_from": 2024, "year_to": 2025}
    page = login(staff).get(reverse("report"), query)
    html = page.content.decode()
    assert reverse("report_export_csv") in html
    for sheet in LIST_SHEETS:
        assert f'name="list" value="{sheet.key}">{sheet.title}</button>' in html
