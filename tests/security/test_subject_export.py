"""A person's own data: the workbook that answers a data-subject request, and no personal
identifiers in URLs (docs/privacy.md)."""

import datetime
import io
import re

import pytest
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from party.models import Member, RoleKind, UnitKind
from pledges.models import Pledge, PledgeDeed
from tests.conftest import make_unit, make_user
from tests.party.test_admin import member_change
from tests.records.test_awards import make_award

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_url(member: Member) -> str:
    return reverse("member_personal_data", args=[member.pk])


def download(client, member: Member):
    response = client.post(export_url(member))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return response, load_workbook(io.BytesIO(response.content))


def sheet_rows(book, title: str) -> list[tuple]:
    return list(book[title].iter_rows(values_only=True))


def column(book, title: str, header: str) -> list:
    rows = sheet_rows(book, title)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def an_with_records(people, tree):
    """Nguyễn Văn An with a registration and its deeds, an award and an earlier period."""
    an = people["an"]
    an.memberships.update(started_on=datetime.date(2020, 3, 1))
    pledge = Pledge.objects.create(
        member=an,
        unit=tree["cell_a"],
        year=2025,
        commitment='=HYPERLINK("http://x")',
        evaluation_comment="Tốt",
    )
    PledgeDeed.objects.create(
        pledge=pledge,
        content="Đi làm đúng giờ",
        target="100% ngày công",
        deadline=datetime.date(2025, 12, 31),
    )
    PledgeDeed.objects.create(pledge=pledge, content="Tiết kiệm điện", position=2, done=True)
    make_award(member=an, decision_number="15-QĐ/ĐU", achievement="Gương mẫu trong công tác")
    return an


def test_staff_downloads_everything_held_on_a_person(login, staff, an_with_records):
    an = an_with_records
    _, book = download(login(staff), an)

    assert book.sheetnames[:2] == ["Giới thiệu", "Thông tin cá nhân"]
    details = dict(sheet_rows(book, "Thông tin cá nhân")[1:])
    assert details["Họ và tên"] == "Nguyễn Văn An"
    assert details["Số thẻ đảng viên"] == "1001"
    assert details["Giới tính"] == "Nam"
    assert details["Ngày sinh"] == datetime.datetime(1985, 1, 1)  # a real date, not text
    assert details["Đơn vị sinh hoạt"] == "Chi bộ A (CBA)"

    periods = sheet_rows(book, "Quá trình sinh hoạt")
    assert periods[1][:4] == ("CBA", "Chi bộ A", datetime.datetime(2020, 3, 1), None)
    assert book["Quá trình sinh hoạt"]["C2"].number_format == "DD/MM/YYYY"

    assert column(book, "Đăng ký làm theo Bác", "Năm") == [2025]
    assert column(book, "Đăng ký làm theo Bác", "Nhận xét") == ["Tốt"]
    assert column(book, "Việc làm đăng ký", "Nội dung việc làm") == ["Đi làm đúng giờ", "Tiết kiệm điện"]
    assert column(book, "Việc làm đăng ký", "Thời hạn")[0] == datetime.datetime(2025, 12, 31)
    assert column(book, "Việc làm đăng ký", "Đã thực hiện") == ["Chưa đánh giá", "Đã thực hiện"]
    assert column(book, "Khen thưởng", "Số quyết định") == ["15-QĐ/ĐU"]
    assert column(book, "Khen thưởng", "Thành tích") == ["Gương mẫu trong công tác"]
    assert "Nhật ký truy cập" in book.sheetnames
    for title in book.sheetnames[1:]:
        assert book[title].freeze_panes == "A2", title


def test_the_file_name_carries_no_name_or_card_number(login, staff, an_with_records):
    response, _ = download(login(staff), an_with_records)
    disposition = response["Content-Disposition"]
    today = datetime.date.today()
    assert disposition == f'attachment; filename="du-lieu-ca-nhan-{an_with_records.pk}-{today:%Y%m%d}.xlsx"'
    assert "1001" not in disposition and "nguyen" not in disposition.lower()


def test_no_formula_comes_from_the_data(login, staff, an_with_records):
    _, book = download(login(staff), an_with_records)
    commitment = book["Đăng ký làm theo Bác"]["C2"]
    assert commitment.value == '=HYPERLINK("http://x")'
    assert commitment.data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_an_edit_through_the_admin_page_shows_in_the_history_sheet(
    admin_client, login, staff, an_with_records
):
    an = an_with_records
    response = member_change(admin_client, an, position="Phó bí thư chi bộ")
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = an.history.latest()
    assert latest.history_type == "~" and latest.history_user.username == "quantri"

    _, book = download(login(staff), an)
    history = sheet_rows(book, "Lịch sử thay đổi")[1:]
    edits = [row for row in history if row[2] == "Sửa" and row[3] == "Đảng viên, người lao động"]
    assert len(edits) == 1
    when, who, _, _, record_id, changes, _ = edits[0]
    assert who == "quantri" and record_id == an.pk
    assert changes == "chức vụ: (trống) → Phó bí thư chi bộ"
    assert isinstance(when, datetime.datetime)
    assert any(row[3] == "Bản đăng ký làm theo Bác" and row[2] == "Tạo mới" for row in history)


def test_the_export_is_logged(login, staff, an_with_records):
    from party.models import AccessEvent

    download(login(staff), an_with_records)
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.SUBJECT_EXPORT)
    assert (event.member, event.unit, event.username) == (an_with_records, an_with_records.unit, "canbo")


def test_member_page_offers_the_export_to_staff_only(login, staff, secretary_a, people):
    url = reverse("member_detail", args=[people["an"].pk])
    assert "Xuất toàn bộ dữ liệu cá nhân" in login(staff).get(url).content.decode()
    assert "Xuất toàn bộ dữ liệu cá nhân" not in login(secretary_a).get(url).content.decode()


def test_superuser_downloads_the_workbook(admin_client, people):
    _, book = download(admin_client, people["cuong"])
    assert dict(sheet_rows(book, "Thông tin cá nhân")[1:])["Họ và tên"] == "Lê Văn Cường"


def test_secretary_of_the_cell_is_refused(login, secretary_a, people):
    assert login(secretary_a).post(export_url(people["an"])).status_code == 403


def test_secretary_of_another_cell_gets_not_found(login, secretary_b, people):
    assert login(secretary_b).post(export_url(people["an"])).status_code == 404


def test_staff_of_another_committee_gets_not_found(login, people):
    other = make_unit("DB2", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ khác")
    client = login(make_user("canbo_khac", RoleKind.STAFF, other))
    assert client.post(export_url(people["an"])).status_code == 404
    assert client.post(export_url(Member(pk=10**8))).status_code == 404


def test_get_is_not_allowed(login, staff, people):
    response = login(staff).get(export_url(people["an"]))
    assert response.status_code == 405
    assert "Nguyễn" not in response.content.decode()


# Route parameters that would put a personal identifier into a URL (and so into logs, history,
# bookmarks): card or ID numbers, names, phones, e-mails, birth dates.
IDENTIFIER = re.compile(r"card|cccd|cmnd|national|identity|name|phone|mobile|email|mail|birth|dob", re.I)
OPAQUE = {"int", "uuid"}  # converters that can only carry a database id


def route_parameters():
    """(route, parameter, converter) for every URL pattern, admin included."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            for parameter, converter in entry.pattern.converters.items():
                yield route, parameter, type(converter).__name__.removesuffix("Converter").lower()
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)

    return list(walk(get_resolver().url_patterns))


def test_no_url_carries_a_personal_identifier():
    found = route_parameters()
    assert ("members/<int:pk>/personal-data/", "pk", "int") in found
    offending = [(route, parameter) for route, parameter, _ in found if IDENTIFIER.search(parameter)]
    assert not offending
    # Outside the admin's own generic routes (object ids, app and model labels), parameters are ids.
    ours = [(route, parameter, kind) for route, parameter, kind in found if not route.startswith("admin/")]
    assert all(kind in OPAQUE for _, _, kind in ours), ours
