"""The Excel import, through its pages: template, upload and preview, confirmation.

Every test logs a persona in, uploads a workbook built in memory, reads the preview page,
confirms with a POST and reads the database back. A file with any bad row writes nothing.
"""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from party.models import Gender, ImportBatch, Member, Membership, PartyStatus, RoleKind, Unit, UnitKind
from party.text import name_sort_key
from tests.conftest import log_in, make_member, make_unit, make_user
from tests.party.xlsx_helpers import (
    MEMBER_COLUMNS,
    MEMBER_HEADERS,
    MEMBERS_SHEET,
    STAFF_SHEETS,
    UNIT_COLUMNS,
    UNIT_HEADERS,
    UNITS_SHEET,
    member,
    replace_entries,
    unit,
    workbook_bytes,
    zip_bytes,
)

TODAY = datetime.date.today()
NEXT_MONTH = TODAY + datetime.timedelta(days=31)

# Helpers ----------------------------------------------------------------------


def upload(client, data: bytes, name: str = "nhap.xlsx"):
    return client.post(reverse("import_upload"), {"file": SimpleUploadedFile(name, data)})


def preview(client, data: bytes, name: str = "nhap.xlsx") -> tuple[ImportBatch, str]:
    """Upload, follow the redirect to the preview page; the batch and the page's HTML."""
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()
    batch = ImportBatch.objects.latest("pk")
    assert response.url == reverse("import_preview", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    return batch, page.content.decode()


def confirm(client, batch: ImportBatch) -> str:
    """POST the confirmation, follow the redirect back to the preview; the page's HTML."""
    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert response.url == reverse("import_preview", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    batch.refresh_from_db()
    return page.content.decode()


COUNTS = re.compile(
    r"Trang “(?P<title>[^”]+)”</h2>\s*<p>(?:Sẽ|Đã) thêm <strong>(?P<created>\d+)</strong>,\s*"
    r"(?:sẽ|đã) sửa <strong>(?P<updated>\d+)</strong>,\s*giữ nguyên <strong>(?P<unchanged>\d+)</strong>"
)


def sheet_counts(html: str) -> dict[str, tuple[int, int, int]]:
    """{sheet title: (created, updated, unchanged)} as the preview page shows them."""
    return {
        m["title"]: (int(m["created"]), int(m["updated"]), int(m["unchanged"])) for m in COUNTS.finditer(html)
    }


def db_state() -> tuple:
    """Every row of the tables an import writes, to prove nothing was written."""
    return (
        list(Unit.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
    )


def form_errors(response) -> list[str]:
    return list(response.context["form"].errors.get("file", []))


# Fixtures ---------------------------------------------------------------------


@pytest.fixture
def other_root(db):
    """A second committee, outside the staff's scope, with one cell and one member."""
    root = make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ khác")
    cell = make_unit("CBX", root, short_name="Chi bộ X")
    stranger = make_member(cell, "Hoàng Văn Xa", party_card_number="9001")
    return {"root": root, "cell": cell, "stranger": stranger}


def good_workbook() -> bytes:
    """A new cell CBC under DB, and five people in CBC and in existing units."""
    units = [
        unit("CBC", "DB", "Chi bộ C", name="Chi bộ Phòng Kế hoạch", sort_order=3),
        unit("CBA", "DB", "Chi bộ A"),  # exists unchanged
    ]
    members = [
        member(
            "Nguyễn Văn An",
            "CBC",
            birth_date="04/05/1980",  # typed text: 4 May
            party_card_number="0300123",
            admitted_on="02/03/2005",
            confirmed_on=datetime.date(2006, 3, 2),  # a real date cell
            position="Bí thư chi bộ",
            is_leader="Có",
        ),
        member(
            "Trần Thị Bích Ngọc",
            "cbc",  # codes are not case-sensitive
            gender="Nữ",
            birth_date=datetime.date(1992, 11, 23),
            party_status="Người lao động",
            position="Chuyên viên",
        ),
        member(
            "Lê Minh Châu",
            "CBA",
            gender="nữ",
            birth_date=datetime.datetime(1990, 1, 15, 0, 0),
            party_status="Đảng viên dự bị",
            party_card_number=3002,  # a number cell
            admitted_on="15/06/2024",
        ),
        member("Đỗ Quang Huy", "CBB", birth_date="4/5/1975", party_status="dang vien chinh thuc"),
        member("Vũ Thị Hoa", "DTN", gender="Nữ", birth_date="31/12/1999", party_status="Quần chúng"),
    ]
    return workbook_bytes(units, members)


# The template -----------------------------------------------------------------


def test_template_download_has_every_sheet_and_vietnamese_headers(login, staff):
    response = login(staff).get(reverse("import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == STAFF_SHEETS
    units, members = workbook[UNITS_SHEET], workbook[MEMBERS_SHEET]
    assert [c.value for c in units[1]] == UNIT_HEADERS
    assert [c.value for c in members[1]] == MEMBER_HEADERS
    assert units.max_row == 3 and members.max_row == 3  # header + two example rows
    # Codes and card numbers are text cells, so leading zeros survive typing.
    assert members["F2"].value == "01234567"
    assert members["F2"].number_format == "@"
    assert units["A2"].number_format == "@"
    assert isinstance(members["C2"].value, datetime.datetime)

    guide = "\n".join(
        str(value) for row in workbook["Hướng dẫn"].iter_rows(values_only=True) for value in row if value
    )
    assert "dd/mm/yyyy" in guide
    assert "04/05/1980 là ngày 4 tháng 5" in guide
    for header in UNIT_HEADERS + MEMBER_HEADERS:
        assert header in guide


def test_uploading_the_template_unchanged_is_refused_for_staff(login, staff, tree):
    """Its example rows create a root unit, which only an administrator may do: a clear error."""
    client = login(staff)
    template = client.get(reverse("import_template")).content
    before = db_state()
    batch, html = preview(client, template, "mau-nhap-du-lieu.xlsx")

    assert batch.status == ImportBatch.Status.FAILED
    errors = batch.summary["errors"]
    assert len(errors) == 1
    assert errors[0]["sheet"] == UNITS_SHEET
    assert errors[0]["row"] == 2
    assert errors[0]["column"].startswith("B ")
    assert "Chỉ quản trị hệ thống được tạo hoặc sửa đơn vị gốc" in errors[0]["message"]
    assert "chưa ghi dữ liệu nào" in html
    assert "Xác nhận ghi dữ liệu" not in html
    assert db_state() == before


def test_uploading_the_template_unchanged_as_admin_previews_the_examples(login, admin_user, tree):
    """An administrator may create roots: the examples are valid rows, shown before anything is written."""
    client = login(admin_user)
    template = client.get(reverse("import_template")).content
    before = db_state()
    batch, html = preview(client, template)
    assert batch.status == ImportBatch.Status.PENDING
    assert sheet_counts(html) == {
        UNITS_SHEET: (2, 0, 0),
        MEMBERS_SHEET: (2, 0, 0),
        "Sinh hoạt chi bộ": (2, 0, 0),
        "Kiểm tra, giám sát": (1, 0, 0),
        "Văn bản": (2, 0, 0),
        "Hội nghị, sự kiện": (1, 0, 0),
        "Kế hoạch": (1, 0, 0),
        "Đăng ký": (1, 0, 0),
        "Khen thưởng": (2, 0, 0),
        "Mô hình, gương điển hình": (1, 0, 0),
    }
    assert db_state() == before


def test_template_filled_in_and_uploaded(login, staff, tree):
    """The real workflow: download the template, delete the examples, type rows, upload."""
    client = login(staff)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("import_template")).content))
    units, members = workbook[UNITS_SHEET], workbook[MEMBERS_SHEET]
    for title in STAFF_SHEETS[3:]:  # their examples refer to the example unit
        del workbook[title]
    units.delete_rows(2, 2)
    members.delete_rows(2, 2)
    units.append(["CBC", "DB", "Chi bộ C", "Chi bộ Phòng Kế hoạch", "Chi bộ trực thuộc", 1, None])
    members.append(["Nguyễn Văn An", "Nam", "04/05/1980", "CBC", "Đảng viên chính thức", "01234567"])
    output = io.BytesIO()
    workbook.save(output)

    batch, html = preview(client, output.getvalue())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {UNITS_SHEET: (1, 0, 0), MEMBERS_SHEET: (1, 0, 0)}
    confirm(client, batch)
    an = Member.objects.get(party_card_number="01234567")
    assert an.unit.code == "CBC"
    assert an.birth_date == datetime.date(1980, 5, 4)


# A good workbook ---------------------------------------------------------------


def test_good_workbook_previews_then_writes_everything_on_confirm(login, staff, tree):
    client = login(staff)
    before = db_state()
    batch, html = preview(client, good_workbook())

    assert batch.status == ImportBatch.Status.PENDING
    assert batch.uploaded_by == staff
    assert batch.summary["errors"] == []
    assert sheet_counts(html) == {UNITS_SHEET: (1, 0, 1), MEMBERS_SHEET: (5, 0, 0)}
    assert "Sẽ thêm" in html
    assert "CBC — Chi bộ C" in html
    assert "Nguyễn Văn An (CBC)" in html
    assert "Trần Thị Bích Ngọc (CBC)" in html
    assert "Thêm mới" in html
    assert "Xác nhận ghi dữ liệu" in html
    assert db_state() == before  # nothing written by the preview

    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert batch.committed_at is not None
    assert "Đã ghi dữ liệu từ tệp Excel." in html
    assert "Đã thêm" in html
    assert "Xác nhận ghi dữ liệu" not in html

    new_cell = Unit.objects.get(code="CBC")
    assert Unit.objects.get_parent(new_cell) == tree["committee"]
    assert new_cell.kind == UnitKind.CELL
    assert new_cell.short_name == "Chi bộ C"
    assert new_cell.name == "Chi bộ Phòng Kế hoạch"
    assert new_cell.sort_order == 3
    assert new_cell.dissolved_on is None
    assert Unit.objects.count() == 5

    people = {m.full_name: m for m in Member.objects.select_related("unit")}
    assert set(people) == {
        "Nguyễn Văn An",
        "Trần Thị Bích Ngọc",
        "Lê Minh Châu",
        "Đỗ Quang Huy",
        "Vũ Thị Hoa",
    }
    an = people["Nguyễn Văn An"]
    assert an.unit == new_cell
    assert an.gender == Gender.MALE
    assert an.birth_date == datetime.date(1980, 5, 4)
    assert an.party_status == PartyStatus.FULL
    assert an.party_card_number == "0300123"  # leading zero kept
    assert an.admitted_on == datetime.date(2005, 3, 2)
    assert an.confirmed_on == datetime.date(2006, 3, 2)
    assert an.position == "Bí thư chi bộ"
    assert an.is_leader is True
    ngoc = people["Trần Thị Bích Ngọc"]
    assert (ngoc.unit, ngoc.gender, ngoc.party_status) == (new_cell, Gender.FEMALE, PartyStatus.NONE)
    assert ngoc.birth_date == datetime.date(1992, 11, 23)
    assert ngoc.party_card_number is None
    assert ngoc.is_leader is False
    chau = people["Lê Minh Châu"]
    assert (chau.unit, chau.party_status) == (tree["cell_a"], PartyStatus.PROBATIONARY)
    assert chau.birth_date == datetime.date(1990, 1, 15)
    assert chau.party_card_number == "3002"
    assert chau.admitted_on == datetime.date(2024, 6, 15)
    huy = people["Đỗ Quang Huy"]
    assert (huy.unit, huy.party_status, huy.birth_date) == (
        tree["cell_b"],
        PartyStatus.FULL,
        datetime.date(1975, 5, 4),
    )
    assert people["Vũ Thị Hoa"].unit == tree["youth"]

    for person in people.values():
        assert person.search_name
        assert person.sort_key == name_sort_key(person.full_name)
        periods = list(person.memberships.all())
        assert len(periods) == 1
        assert (periods[0].unit, periods[0].started_on, periods[0].ended_on) == (person.unit, TODAY, None)
    assert an.search_name == "nguyen van an"
    assert people["Đỗ Quang Huy"].search_name == "do quang huy"

    # The names are searchable on the new cell's page, without diacritics.
    page = client.get(reverse("unit_detail", args=[new_cell.pk]), {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bích Ngọc" not in page
    page = client.get(reverse("unit_detail", args=[new_cell.pk]), {"q": "BICH ngoc"}).content.decode()
    assert "Trần Thị Bích Ngọc" in page
    assert "Nguyễn Văn An" not in page
    # ... and sorted by given name on the committee's page: An, Châu, Hoa, Huy, Ngọc.
    page = client.get(reverse("unit_detail", args=[tree["committee"].pk])).content.decode()
    order = ["Nguyễn Văn An", "Lê Minh Châu", "Vũ Thị Hoa", "Đỗ Quang Huy", "Trần Thị Bích Ngọc"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)


def test_reimporting_the_same_file_changes_nothing(login, staff, tree):
    client = login(staff)
    data = good_workbook()
    batch, _ = preview(client, data)
    confirm(client, batch)
    after_first = db_state()

    again, html = preview(client, data)
    assert again.status == ImportBatch.Status.PENDING
    assert sheet_counts(html) == {UNITS_SHEET: (0, 0, 2), MEMBERS_SHEET: (0, 0, 5)}
    assert "Thêm mới" not in html
    confirm(client, again)
    assert again.status == ImportBatch.Status.DONE
    assert db_state() == after_first  # not even updated_at moved


def test_reimport_with_decomposed_unicode_changes_nothing(login, staff, tree):
    """Vietnamese typed as combining marks (Unikey “Unicode tổ hợp”) is the same text."""
    import unicodedata

    client = login(staff)
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    data = workbook_bytes(
        [unit("CBC", "DB", nfd("Chi bộ Kế hoạch"), name=nfd("Chi bộ Phòng Kế hoạch"))],
        [member(nfd("Nguyễn Văn Đạt"), "CBC", position=nfd("Phó phòng"))],
    )
    batch, _ = preview(client, data)
    confirm(client, batch)
    assert Unit.objects.get(code="CBC").short_name == "Chi bộ Kế hoạch"
    assert Member.objects.get().search_name == "nguyen van dat"
    after_first = db_state()

    again, html = preview(client, data)
    assert sheet_counts(html) == {UNITS_SHEET: (0, 0, 1), MEMBERS_SHEET: (0, 0, 1)}, again.summary
    confirm(client, again)
    assert db_state() == after_first


# Updates and transfers ---------------------------------------------------------


def fixture_rows(**overrides) -> list[dict]:
    """The four people of the `people` fixture, as they are stored (so: unchanged)."""
    rows = {
        "an": member("Nguyễn Văn An", "CBA", birth_date="01/01/1985", party_card_number="1001"),
        "binh": member("Trần Thị Bình", "CBA", gender="Nữ", birth_date="01/01/1985"),
        "cuong": member("Lê Văn Cường", "CBB", birth_date="01/01/1985", party_card_number="2001"),
        "dung": member("Phạm Thị Dung", "CBB", birth_date="01/01/1985", party_status="Người lao động"),
    }
    for key, fields in overrides.items():
        rows[key].update(fields)
    return list(rows.values())


def test_unchanged_people_are_recognised_by_card_or_by_name_birth_and_unit(login, staff, people):
    client = login(staff)
    before = db_state()
    batch, html = preview(client, workbook_bytes(None, fixture_rows()))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    # Bình's leader flag stays: a blank optional cell keeps what is stored.
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 0, 4)}
    confirm(client, batch)
    assert db_state() == before


def test_changed_position_is_shown_then_updated(login, staff, people):
    client = login(staff)
    rows = fixture_rows(cuong={"position": "Trưởng phòng"}, binh={"position": "Kế toán"})
    batch, html = preview(client, workbook_bytes(None, rows))
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 2, 2)}
    assert "Lê Văn Cường (CBB)" in html
    assert escape("I “Chức vụ”: “(trống)” → “Trưởng phòng”") in html
    assert escape("I “Chức vụ”: “(trống)” → “Kế toán”") in html
    assert Member.objects.get(pk=people["cuong"].pk).position == ""  # not yet

    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    cuong = Member.objects.get(pk=people["cuong"].pk)
    assert cuong.position == "Trưởng phòng"
    assert cuong.unit == people["cuong"].unit
    assert cuong.memberships.count() == 1
    binh = Member.objects.get(pk=people["binh"].pk)
    assert (binh.position, binh.is_leader) == ("Kế toán", True)
    assert Member.objects.count() == 4


def test_other_fields_update_and_blank_cells_keep_stored_values(login, staff, people):
    client = login(staff)
    Member.objects.filter(pk=people["cuong"].pk).update(position="Chuyên viên", admitted_on="2001-02-03")
    rows = fixture_rows(
        cuong={"party_status": "Đảng viên dự bị", "confirmed_on": "05/06/2002"},
        an={"full_name": "Nguyễn Văn Ân", "birth_date": "02/01/1985"},
        binh={"is_leader": "Không"},
    )
    batch, html = preview(client, workbook_bytes(None, rows))
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 3, 1)}
    assert escape("E “Đối tượng*”: “Đảng viên chính thức” → “Đảng viên dự bị”") in html
    assert escape("A “Họ và tên*”: “Nguyễn Văn An” → “Nguyễn Văn Ân”") in html
    assert escape("C “Ngày sinh*”: “01/01/1985” → “02/01/1985”") in html
    assert escape("J “Cán bộ diện BTV quản lý”: “Có” → “Không”") in html
    confirm(client, batch)

    cuong = Member.objects.get(pk=people["cuong"].pk)
    assert cuong.party_status == PartyStatus.PROBATIONARY
    assert cuong.confirmed_on == datetime.date(2002, 6, 5)
    assert cuong.position == "Chuyên viên"  # blank in the file: kept
    assert cuong.admitted_on == datetime.date(2001, 2, 3)  # blank in the file: kept
    an = Member.objects.get(pk=people["an"].pk)
    assert (an.full_name, an.birth_date) == ("Nguyễn Văn Ân", datetime.date(1985, 1, 2))
    assert an.search_name == "nguyen van an"
    assert an.sort_key == name_sort_key("Nguyễn Văn Ân")
    assert Member.objects.get(pk=people["binh"].pk).is_leader is False


def test_new_unit_code_for_a_card_holder_is_a_transfer(login, staff, people, tree):
    client = login(staff)
    rows = fixture_rows(an={"unit_code": "CBB"})
    batch, html = preview(client, workbook_bytes(None, rows))
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 1, 3)}
    assert "Chuyển sinh hoạt: CBA → CBB" in html
    assert Member.objects.get(pk=people["an"].pk).unit == tree["cell_a"]  # not yet

    confirm(client, batch)
    an = Member.objects.get(pk=people["an"].pk)
    assert an.unit == tree["cell_b"]
    old, new = an.memberships.order_by("pk")
    assert (old.unit, old.ended_on) == (tree["cell_a"], TODAY)
    assert (new.unit, new.started_on, new.ended_on) == (tree["cell_b"], TODAY, None)
    assert Member.objects.count() == 4
    # The person's page tells the story.
    page = client.get(reverse("member_detail", args=[an.pk])).content.decode()
    assert "Chi bộ A" in page and "Chi bộ B" in page


def test_transfer_into_a_unit_created_by_the_same_file(login, staff, people, tree):
    client = login(staff)
    data = workbook_bytes([unit("CBC", "DB", "Chi bộ C")], fixture_rows(cuong={"unit_code": "CBC"}))
    batch, html = preview(client, data)
    assert sheet_counts(html) == {UNITS_SHEET: (1, 0, 0), MEMBERS_SHEET: (0, 1, 3)}
    confirm(client, batch)
    cuong = Member.objects.get(pk=people["cuong"].pk)
    assert cuong.unit.code == "CBC"
    assert [(p.unit.code, p.ended_on) for p in cuong.memberships.order_by("pk")] == [
        ("CBB", TODAY),
        ("CBC", None),
    ]


def test_person_without_card_gets_the_card_from_the_file(login, staff, people):
    client = login(staff)
    batch, html = preview(client, workbook_bytes(None, fixture_rows(binh={"party_card_number": "1002"})))
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 1, 3)}
    confirm(client, batch)
    assert Member.objects.get(pk=people["binh"].pk).party_card_number == "1002"
    assert Member.objects.count() == 4


def test_unit_rows_update_names_and_order(login, staff, tree):
    client = login(staff)
    data = workbook_bytes(
        [
            unit("CBA", "DB", "Chi bộ A mới", name="Chi bộ Văn phòng", sort_order=9),
            unit("DTN", "DB", "Đoàn Thanh niên", kind="Đoàn thể", dissolved_on="31/12/2025"),
            unit("CBB", "DB", "Chi bộ B"),
        ]
    )
    batch, html = preview(client, data)
    assert sheet_counts(html) == {UNITS_SHEET: (0, 2, 1)}
    assert escape("C “Tên viết tắt*”: “Chi bộ A” → “Chi bộ A mới”") in html
    assert escape("G “Ngày giải thể”: “(trống)” → “31/12/2025”") in html
    confirm(client, batch)
    cell_a = Unit.objects.get(code="CBA")
    assert (cell_a.short_name, cell_a.name, cell_a.sort_order) == ("Chi bộ A mới", "Chi bộ Văn phòng", 9)
    assert Unit.objects.get_parent(cell_a) == tree["committee"]
    # Sort order 9 puts it after its siblings (order 0).
    assert [u.code for u in Unit.objects.get_children(tree["committee"])][-1] == "CBA"
    assert Unit.objects.get(code="DTN").dissolved_on == datetime.date(2025, 12, 31)
    assert Unit.objects.count() == 4


# Bad rows: one error naming sheet, row and column; nothing written --------------

GOOD_UNITS = [unit("CBC", "DB", "Chi bộ C")]
GOOD_MEMBERS = [
    member("Nguyễn Văn An", "CBC", party_card_number="3001"),
    member("Trần Thị Ngọc", "CBA", gender="Nữ"),
]
# Extra unit rows start at row 3 of “Đơn vị”; extra member rows at row 4 of “Đảng viên”.
BAD_MEMBER_ROWS = {
    "missing name": (member("", "CBA"), "A", "Trường này là bắt buộc."),
    "one-word name": (member("Ngọc", "CBA"), "A", "Ghi đủ họ và tên"),
    "missing gender": (member("Lê Văn Sáu", "CBA", gender=None), "B", "Trường này là bắt buộc."),
    "invalid gender": (member("Lê Văn Sáu", "CBA", gender="Khác"), "B", "Giá trị “Khác” không hợp lệ"),
    "31 February": (member("Lê Văn Sáu", "CBA", birth_date="31/02/2020"), "C", "Nhập một ngày hợp lệ."),
    "month 13": (member("Lê Văn Sáu", "CBA", birth_date="2020-13-01"), "C", "Nhập một ngày hợp lệ."),
    "month first": (member("Lê Văn Sáu", "CBA", birth_date="05/13/1980"), "C", "Nhập một ngày hợp lệ."),
    "text date": (member("Lê Văn Sáu", "CBA", birth_date="năm 1980"), "C", "Nhập một ngày hợp lệ."),
    "missing birth date": (member("Lê Văn Sáu", "CBA", birth_date=None), "C", "Trường này là bắt buộc."),
    "born in the future": (
        member("Lê Văn Sáu", "CBA", birth_date=NEXT_MONTH),
        "C",
        "Ngày sinh không hợp lý.",
    ),
    "born before 1900": (
        member("Lê Văn Sáu", "CBA", birth_date="01/01/1899"),
        "C",
        "Ngày sinh không hợp lý.",
    ),
    "admitted in the future": (
        member("Lê Văn Sáu", "CBA", admitted_on=NEXT_MONTH),
        "G",
        "Ngày vào Đảng không thể ở tương lai.",
    ),
    "confirmed in the future": (
        member("Lê Văn Sáu", "CBA", confirmed_on=NEXT_MONTH.strftime("%d/%m/%Y")),
        "H",
        "Ngày chính thức không thể ở tương lai.",
    ),
    "bad admitted date": (
        member("Lê Văn Sáu", "CBA", admitted_on="31/02/2020"),
        "G",
        "Nhập một ngày hợp lệ.",
    ),
    "unknown unit": (member("Lê Văn Sáu", "KHONGCO"), "D", "Không tìm thấy đơn vị mã “KHONGCO”"),
    "unit of another root": (member("Lê Văn Sáu", "CBX"), "D", "Không tìm thấy đơn vị mã “CBX”"),
    "missing unit": (member("Lê Văn Sáu", ""), "D", "Trường này là bắt buộc."),
    "invalid status": (
        member("Lê Văn Sáu", "CBA", party_status="Đảng viên"),
        "E",
        "Giá trị “Đảng viên” không hợp lệ",
    ),
    "duplicate card in the file": (
        member("Lê Văn Sáu", "CBA", party_card_number="3001"),
        "F",
        "Số thẻ “3001” trùng với dòng 2.",
    ),
    # A card of someone outside scope previews like a free card and is refused at the write,
    # naming nobody: tests/security/test_import_privacy.py.
    "employee with a card": (
        member("Lê Văn Sáu", "CBA", party_status="Người lao động", party_card_number="3009"),
        "F",
        "Người lao động chưa vào Đảng không có số thẻ đảng viên.",
    ),
    "confirmed before admitted": (
        member("Lê Văn Sáu", "CBA", admitted_on="02/03/2010", confirmed_on=datetime.date(2009, 3, 2)),
        "H",
        "Ngày chính thức không thể trước ngày vào Đảng.",
    ),
    "invalid leader flag": (
        member("Lê Văn Sáu", "CBA", is_leader="Có lẽ"),
        "J",
        "Ghi “Có”, “Không” hoặc để trống.",
    ),
    "same person twice": (
        member("Trần Thị Ngọc", "CBA", gender="Nữ"),
        "A",
        "Trùng họ tên, ngày sinh và đơn vị với dòng 3.",
    ),
}
BAD_UNIT_ROWS = {
    "duplicate code": (unit("CBC", "DB", "Chi bộ C khác"), "A", "Mã “CBC” trùng với dòng 2."),
    "duplicate code in lower case": (unit("cbc", "DB", "Chi bộ C khác"), "A", "Mã “CBC” trùng với dòng 2."),
    "missing code": (unit("", "DB", "Chi bộ D"), "A", "Trường này là bắt buộc."),
    "missing short name": (unit("CBD", "DB", "", name="Chi bộ D"), "C", "Trường này là bắt buộc."),
    "parent missing": (
        unit("CBD", "KHONGCO", "Chi bộ D"),
        "B",
        "Không tìm thấy đơn vị cấp trên mã “KHONGCO”",
    ),
    "parent in another root": (
        unit("CBD", "DBX", "Chi bộ D"),
        "B",
        "Không tìm thấy đơn vị cấp trên mã “DBX”",
    ),
    "code of a unit outside scope": (
        unit("CBX", "DBX", "Chi bộ X"),
        "A",
        "Mã “CBX” đã được dùng cho một đơn vị ngoài phạm vi quản lý",
    ),
    "new root by staff": (
        unit("DBM", "", "Đảng bộ mới", kind="Đảng bộ cơ sở"),
        "B",
        "Chỉ quản trị hệ thống được tạo hoặc sửa đơn vị gốc",
    ),
    "editing the root by staff": (
        unit("DB", "", "Đảng bộ Sở", kind="Đảng bộ cơ sở"),
        "B",
        "Chỉ quản trị hệ thống được tạo hoặc sửa đơn vị gốc",
    ),
    "moving a unit": (unit("CBA", "CBB", "Chi bộ A"), "B", "Không đổi đơn vị cấp trên qua tệp nhập"),
    "own parent": (unit("CBD", "CBD", "Chi bộ D"), "B", "Đơn vị không thể là cấp trên của chính nó."),
    "invalid kind": (unit("CBD", "DB", "Chi đoàn", kind="Chi đoàn"), "E", "Giá trị “Chi đoàn” không hợp lệ"),
    "bad dissolution date": (
        unit("CBD", "DB", "Chi bộ D", dissolved_on="31/02/2020"),
        "G",
        "Nhập một ngày hợp lệ.",
    ),
    "negative order": (unit("CBD", "DB", "Chi bộ D", sort_order=-1), "F", "Ghi một số nguyên từ 0 trở lên."),
    "text order": (unit("CBD", "DB", "Chi bộ D", sort_order="đầu"), "F", "Ghi một số nguyên từ 0 trở lên."),
}


def assert_refused_and_nothing_written(client, data, sheet, row, column, fragment, count=1):
    before = db_state()
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.FAILED
    errors = batch.summary["errors"]
    assert batch.summary["error_count"] == count == len(errors), errors
    error = errors[0]
    assert (error["sheet"], error["row"]) == (sheet, row), error
    if column is None:
        assert error["column"] is None
    else:
        assert error["column"].startswith(f"{column} “"), error
    assert fragment in error["message"], error
    # The page names sheet, row, column and the message, and offers no confirmation.
    assert "chưa ghi dữ liệu nào" in html
    assert escape(error["message"]) in html
    assert f"<td>{escape(error['column'] or '')}</td>" in html
    assert "Xác nhận ghi dữ liệu" not in html
    assert db_state() == before
    # Forcing the confirmation writes nothing either.
    response = client.post(reverse("import_confirm", args=[batch.pk]), follow=True)
    assert "đã được xử lý" in response.content.decode()
    assert db_state() == before
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.PENDING).exists()
    return errors


@pytest.mark.parametrize("case", BAD_MEMBER_ROWS, ids=list(BAD_MEMBER_ROWS))
def test_bad_member_row_refuses_the_whole_file(login, staff, tree, other_root, case):
    bad_row, column, fragment = BAD_MEMBER_ROWS[case]
    data = workbook_bytes(GOOD_UNITS, [*GOOD_MEMBERS, bad_row])
    assert_refused_and_nothing_written(login(staff), data, MEMBERS_SHEET, 4, column, fragment)


@pytest.mark.parametrize("case", BAD_UNIT_ROWS, ids=list(BAD_UNIT_ROWS))
def test_bad_unit_row_refuses_the_whole_file(login, staff, tree, other_root, case):
    bad_row, column, fragment = BAD_UNIT_ROWS[case]
    data = workbook_bytes([*GOOD_UNITS, bad_row], GOOD_MEMBERS)
    assert_refused_and_nothing_written(login(staff), data, UNITS_SHEET, 3, column, fragment)


def test_new_units_in_a_loop_are_refused(login, staff, tree):
    data = workbook_bytes([*GOOD_UNITS, unit("CBE", "CBF", "E"), unit("CBF", "CBE", "F")], GOOD_MEMBERS)
    errors = assert_refused_and_nothing_written(
        login(staff), data, UNITS_SHEET, 3, "B", "vòng lặp cấp trên — cấp dưới", count=2
    )
    assert errors[1]["row"] == 4


def test_every_bad_row_is_listed_in_sheet_then_row_order(login, staff, tree):
    members = [*GOOD_MEMBERS, member("X", "CBA", birth_date="31/02/2020"), member("Lê Văn Sáu", "KHONGCO")]
    data = workbook_bytes([*GOOD_UNITS, unit("CBD", "KHONGCO", "Chi bộ D")], members)
    before = db_state()
    batch, _ = preview(login(staff), data)
    where = [(e["sheet"], e["row"], e["column"][0]) for e in batch.summary["errors"]]
    assert where == [
        (UNITS_SHEET, 3, "B"),
        (MEMBERS_SHEET, 4, "A"),
        (MEMBERS_SHEET, 4, "C"),
        (MEMBERS_SHEET, 5, "D"),
    ]
    assert db_state() == before


def test_row_numbers_count_blank_lines(login, staff, tree):
    data = workbook_bytes(None, [GOOD_MEMBERS[1], None, None, member("Lê Văn Sáu", "KHONGCO")])
    assert_refused_and_nothing_written(login(staff), data, MEMBERS_SHEET, 5, "D", "KHONGCO")


@pytest.mark.parametrize(
    ("sheet", "drop", "header"),
    [
        (MEMBERS_SHEET, "birth_date", "Ngày sinh*"),
        (MEMBERS_SHEET, "full_name", "Họ và tên*"),
        (MEMBERS_SHEET, "party_status", "Đối tượng*"),
        (UNITS_SHEET, "kind", "Loại*"),
        (UNITS_SHEET, "code", "Mã đơn vị*"),
    ],
)
def test_missing_required_column_is_named(login, staff, tree, sheet, drop, header):
    unit_columns = [c for c in UNIT_COLUMNS if sheet != UNITS_SHEET or c[0] != drop]
    member_columns = [c for c in MEMBER_COLUMNS if sheet != MEMBERS_SHEET or c[0] != drop]
    units = [{k: v for k, v in row.items() if k != drop} for row in GOOD_UNITS]
    # Members of an existing cell only: a units sheet in error plans no new unit.
    members = [{k: v for k, v in row.items() if k != drop} for row in GOOD_MEMBERS[1:]]
    data = workbook_bytes(units, members, unit_columns=unit_columns, member_columns=member_columns)
    assert_refused_and_nothing_written(login(staff), data, sheet, 1, None, f"Thiếu cột bắt buộc “{header}”.")


def test_workbook_without_known_sheets_is_refused(login, staff, tree):
    data = workbook_bytes(
        extra_sheets={"Sheet1": [["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", "04/05/1980"]]}
    )
    before = db_state()
    batch, html = preview(login(staff), data)
    assert batch.status == ImportBatch.Status.FAILED
    [error] = batch.summary["errors"]
    assert error["sheet"] == "(tệp)"
    assert "Không có trang nào tên" in error["message"]
    assert "hãy dùng tệp mẫu" in html
    assert db_state() == before


def test_member_sheet_alone_is_enough(login, staff, tree):
    client = login(staff)
    batch, html = preview(client, workbook_bytes(None, [GOOD_MEMBERS[1]]))
    assert sheet_counts(html) == {MEMBERS_SHEET: (1, 0, 0)}
    confirm(client, batch)
    assert Member.objects.get().full_name == "Trần Thị Ngọc"


def test_inconsistent_with_stored_values_is_refused(login, staff, people):
    """A blank cell keeps the stored value: the row is checked against what the person will become."""
    client = login(staff)
    Member.objects.filter(pk=people["cuong"].pk).update(admitted_on="2010-03-02")
    data = workbook_bytes(None, fixture_rows(cuong={"confirmed_on": "02/03/2009"}))
    assert_refused_and_nothing_written(
        client,
        data,
        MEMBERS_SHEET,
        4,
        "H",
        "Ngày chính thức 02/03/2009 không thể trước ngày vào Đảng 02/03/2010 (ô để trống giữ ngày đang lưu).",
    )
    # A card holder made an employee, the card cell left blank, would keep the card: refused.
    data = workbook_bytes(
        None, fixture_rows(an={"party_status": "Người lao động", "party_card_number": None})
    )
    assert_refused_and_nothing_written(
        client, data, MEMBERS_SHEET, 2, "E", "Người này đang có số thẻ đảng viên “1001”"
    )


# Scope -------------------------------------------------------------------------


def test_staff_of_a_cell_cannot_import_into_another_cell(login, tree, people):
    """Staff scoped to cell A: cell B (secretary B's) and the committee are outside the scope."""
    cell_staff = make_user("canbo_a", RoleKind.STAFF, tree["cell_a"])
    client = login(cell_staff)
    assert_refused_and_nothing_written(
        client, workbook_bytes(None, [member("Lê Văn Sáu", "CBB")]), MEMBERS_SHEET, 2, "D", "“CBB”"
    )
    assert_refused_and_nothing_written(
        client, workbook_bytes([unit("CBC", "DB", "Chi bộ C")]), UNITS_SHEET, 2, "B", "“DB”"
    )
    # Cường's card (cell B) previews like a free card, then the write is refused whole.
    before = db_state()
    batch, _ = preview(
        client, workbook_bytes(None, [member("Lê Văn Cường", "CBA", party_card_number="2001")])
    )
    assert "Cường" not in confirm(client, batch).replace("Lê Văn Cường (CBA)", "")
    assert batch.status == ImportBatch.Status.PENDING
    assert db_state() == before
    # Inside the scope it works, a sub-unit of cell A included.
    batch, html = preview(client, workbook_bytes([unit("TOA", "CBA", "Tổ 1")], [member("Lê Văn Sáu", "TOA")]))
    assert sheet_counts(html) == {UNITS_SHEET: (1, 0, 0), MEMBERS_SHEET: (1, 0, 0)}
    confirm(client, batch)
    assert Unit.objects.get_parent(Member.objects.get(full_name="Lê Văn Sáu").unit) == tree["cell_a"]


def test_admin_may_create_a_new_root(login, admin_user, tree, other_root):
    client = login(admin_user)
    data = workbook_bytes(
        [unit("DBM", "", "Đảng bộ mới", kind="Đảng bộ cơ sở"), unit("CBM", "DBM", "Chi bộ M")],
        [member("Hoàng Văn Xa", "CBM", party_card_number="9001", birth_date="01/01/1985")],
    )
    batch, html = preview(client, data)
    assert sheet_counts(html) == {UNITS_SHEET: (2, 0, 0), MEMBERS_SHEET: (0, 1, 0)}
    confirm(client, batch)
    assert Unit.objects.get(code="DBM").is_root()
    assert Unit.objects.get_parent(Unit.objects.get(code="CBM")).code == "DBM"
    assert Member.objects.get(pk=other_root["stranger"].pk).unit.code == "CBM"


# Bad files -----------------------------------------------------------------------


def real_workbook() -> bytes:
    return workbook_bytes(GOOD_UNITS, GOOD_MEMBERS)


def content_types_with_macros() -> bytes:
    original = zipfile.ZipFile(io.BytesIO(real_workbook())).read("[Content_Types].xml")
    return original.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )


BAD_FILES = {
    ".xls name": (lambda: ("nhap.xls", real_workbook()), "Chỉ nhận tệp Excel .xlsx"),
    ".xlsm name": (lambda: ("nhap.xlsm", real_workbook()), "Chỉ nhận tệp Excel .xlsx"),
    ".csv name": (lambda: ("nhap.csv", "Họ và tên;Ngày sinh\n".encode()), "Chỉ nhận tệp Excel .xlsx"),
    "no extension": (lambda: ("nhap", real_workbook()), "Chỉ nhận tệp Excel .xlsx"),
    "text named .xlsx": (
        lambda: ("nhap.xlsx", "Họ và tên,Ngày sinh\nNguyễn Văn An,04/05/1980\n".encode()),
        "không đọc được cấu trúc tệp",
    ),
    "empty": (lambda: ("nhap.xlsx", b""), "Tập tin được gửi là rỗng."),
    "macro": (
        lambda: (
            "nhap.xlsx",
            replace_entries(real_workbook(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64}),
        ),
        "Tệp có chứa macro",
    ),
    "macro content type": (
        lambda: (
            "nhap.xlsx",
            replace_entries(real_workbook(), {"[Content_Types].xml": content_types_with_macros()}),
        ),
        "Tệp có chứa macro",
    ),
    "zip bomb": (
        # 64 MiB of zeros deflate to about 64 KiB: a ratio near 1000.
        lambda: (
            "nhap.xlsx",
            replace_entries(real_workbook(), {"xl/media/image1.png": bytes(64 * 1024 * 1024)}),
        ),
        "tỷ lệ nén bất thường",
    ),
    "no xl/workbook.xml": (
        lambda: ("nhap.xlsx", replace_entries(real_workbook(), {"xl/workbook.xml": None})),
        "thiếu thành phần bắt buộc",
    ),
    "plain zip": (
        lambda: ("nhap.xlsx", zip_bytes({"readme.txt": "Danh sách đảng viên".encode()})),
        "thiếu thành phần bắt buộc",
    ),
    "broken workbook xml": (
        lambda: ("nhap.xlsx", replace_entries(real_workbook(), {"xl/workbook.xml": b"<workbook><sheets"})),
        "Tệp bị hỏng hoặc không phải tệp Excel .xlsx hợp lệ",
    ),
    "too many entries": (
        lambda: (
            "nhap.xlsx",
            replace_entries(real_workbook(), {f"xl/media/{i}.txt": b"x" for i in range(1001)}),
        ),
        "quá nhiều thành phần",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_is_refused_on_the_form(login, staff, people, case):
    make_file, fragment = BAD_FILES[case]
    name, data = make_file()
    client = login(staff)
    before = db_state()
    response = upload(client, data, name)
    assert response.status_code == 200
    assert "party/import_form.html" in [t.name for t in response.templates]
    [message] = form_errors(response)
    assert fragment in message
    assert escape(message) in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert db_state() == before


def test_too_large_file_is_refused(login, staff, people, settings):
    settings.IMPORT_MAX_BYTES = 2000
    data = real_workbook()
    assert len(data) > 2000
    before = db_state()
    response = upload(login(staff), data)
    assert response.status_code == 200
    [message] = form_errors(response)
    assert message.startswith("Tệp quá lớn")
    assert "giới hạn là" in message
    assert escape(message) in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert db_state() == before


def test_huge_uncompressed_total_is_refused(login, staff, tree, monkeypatch):
    monkeypatch.setattr("party.imports.safety.MAX_UNCOMPRESSED_BYTES", 10_000)
    response = upload(login(staff), real_workbook())
    assert response.status_code == 200
    assert "Tệp giải nén quá lớn" in form_errors(response)[0]
    assert not ImportBatch.objects.exists()


def test_no_file_at_all(login, staff, tree):
    response = login(staff).post(reverse("import_upload"), {})
    assert response.status_code == 200
    assert form_errors(response) == ["Trường này là bắt buộc."]
    assert not ImportBatch.objects.exists()


# Dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "04/05/1980",
        "4/5/1980",
        " 04/05/1980 ",
        datetime.date(1980, 5, 4),
        datetime.datetime(1980, 5, 4),
    ],
    ids=["text dd/mm/yyyy", "text d/m/yyyy", "text with spaces", "date cell", "datetime cell"],
)
def test_dates_are_day_first(login, staff, tree, typed):
    client = login(staff)
    data = workbook_bytes(None, [member("Nguyễn Văn An", "CBA", birth_date=typed, admitted_on=typed)])
    batch, _ = preview(client, data)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    confirm(client, batch)
    an = Member.objects.get()
    assert an.birth_date == datetime.date(1980, 5, 4)
    assert an.admitted_on == datetime.date(1980, 5, 4)


def test_date_cells_formatted_month_first_still_mean_the_stored_date(login, staff, tree):
    """A real date cell is a date whatever its display format: no dd/mm vs mm/dd guessing."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = MEMBERS_SHEET
    sheet.append(MEMBER_HEADERS)
    sheet.append(["Nguyễn Văn An", "Nam", datetime.date(1980, 5, 4), "CBA", "Đảng viên chính thức"])
    sheet["C2"].number_format = "mm/dd/yyyy"
    output = io.BytesIO()
    workbook.save(output)
    client = login(staff)
    batch, _ = preview(client, output.getvalue())
    confirm(client, batch)
    assert Member.objects.get().birth_date == datetime.date(1980, 5, 4)


# Header matching --------------------------------------------------------------------


def test_headers_forgive_case_diacritics_spaces_star_and_order(login, staff, tree):
    member_columns = [
        ("unit_code", "ma don vi"),
        ("note", "Ghi chú"),  # unknown columns are ignored
        ("full_name", "HỌ VÀ TÊN"),
        ("gender", "  Giới   tính  "),
        ("birth_date", "Ngày Sinh *"),
        ("party_status", "DOI TUONG*"),
        ("party_card_number", "so the dang vien"),
        ("position", "CHỨC VỤ"),
    ]
    unit_columns = [
        ("kind", "LOAI"),
        ("code", "mã đơn vị"),
        ("parent_code", "Ma don vi cap tren"),
        ("short_name", "tên viết tắt*"),
        ("name", "TEN DAY DU"),
    ]
    data = workbook_bytes(
        [unit("CBC", "DB", "Chi bộ C")],
        [member("Nguyễn Văn An", "CBC", note="ghi chú bất kỳ", party_card_number="3001", position="Bí thư")],
        unit_columns=unit_columns,
        member_columns=member_columns,
    )
    client = login(staff)
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {UNITS_SHEET: (1, 0, 0), MEMBERS_SHEET: (1, 0, 0)}
    confirm(client, batch)
    an = Member.objects.get()
    assert (an.unit.code, an.party_card_number, an.position) == ("CBC", "3001", "Bí thư")
    assert an.birth_date == datetime.date(1980, 5, 4)


def test_labels_forgive_case_and_diacritics(login, staff, tree):
    client = login(staff)
    data = workbook_bytes(
        [
            unit("CBC", "DB", "Chi bộ C", kind="chi bo truc thuoc"),
            unit("CD", "DB", "Công đoàn", kind="Đoàn thể"),
        ],
        [
            member("Nguyễn Văn An", "CBC", gender="NAM", party_status="dang vien du bi", is_leader="x"),
            member("Trần Thị Ngọc", "CBC", gender="nu", party_status="nguoi lao dong", is_leader="có"),
        ],
    )
    batch, _ = preview(client, data)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    confirm(client, batch)
    assert Unit.objects.get(code="CBC").kind == UnitKind.CELL
    assert Unit.objects.get(code="CD").kind == UnitKind.MASS_ORGANIZATION
    an, ngoc = Member.objects.get(full_name="Nguyễn Văn An"), Member.objects.get(full_name="Trần Thị Ngọc")
    assert (an.gender, an.party_status, an.is_leader) == (Gender.MALE, PartyStatus.PROBATIONARY, True)
    assert (ngoc.gender, ngoc.party_status, ngoc.is_leader) == (Gender.FEMALE, PartyStatus.NONE, True)


# Permissions and the confirmation ---------------------------------------------------


def test_secretary_reaches_the_import_page_but_not_someone_elses_batch(login, staff, secretary_a, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    client.logout()
    client = login(secretary_a)
    assert client.get(reverse("import_upload")).status_code == 200
    assert client.get(reverse("import_preview", args=[batch.pk])).status_code == 404
    before = db_state()
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_only_editors_and_admins_reach_the_import_pages(login, staff, persona, request, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    client.logout()
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("import_upload")).status_code == 403
    assert client.get(reverse("import_template")).status_code == 403
    assert upload(client, real_workbook()).status_code == 403
    assert client.get(reverse("import_preview", args=[batch.pk])).status_code == 403
    before = db_state()
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 403
    assert db_state() == before
    assert ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_anonymous_is_sent_to_the_login_page(client, tree):
    for url in (reverse("import_upload"), reverse("import_template"), reverse("import_preview", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_staff_cannot_see_or_confirm_another_users_batch(login, staff, tree):
    batch, _ = preview(login(staff), real_workbook())
    colleague = make_user("canbo2", RoleKind.STAFF, tree["committee"])
    other = Client()
    assert log_in(other, colleague.username)
    assert other.get(reverse("import_preview", args=[batch.pk])).status_code == 404
    before = db_state()
    assert other.post(reverse("import_confirm", args=[batch.pk])).status_code == 404
    assert db_state() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert "nhap.xlsx" not in other.get(reverse("import_upload")).content.decode()
    assert other.get(reverse("import_preview", args=[batch.pk + 1000])).status_code == 404


def test_admin_may_open_any_batch(login, staff, admin_user, tree):
    batch, _ = preview(login(staff), real_workbook())
    other = Client()
    assert log_in(other, admin_user.username)
    assert other.get(reverse("import_preview", args=[batch.pk])).status_code == 200


def test_form_page_lists_own_recent_batches(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook(), "danh-sach-2026.xlsx")
    page = client.get(reverse("import_upload")).content.decode()
    assert "danh-sach-2026.xlsx" in page
    assert reverse("import_preview", args=[batch.pk]) in page
    assert "Chờ xác nhận" in page


def test_confirming_twice_writes_once(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    confirm(client, batch)
    after_first = db_state()
    assert Member.objects.count() == 2
    html = confirm(client, batch)
    assert "Lần nhập này đã được xử lý; không ghi lại lần nữa." in html
    assert batch.status == ImportBatch.Status.DONE
    assert db_state() == after_first


def test_confirm_by_get_is_not_allowed(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    before = db_state()
    assert client.get(reverse("import_confirm", args=[batch.pk])).status_code == 405
    assert db_state() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_confirm_rechecks_data_changed_since_the_preview(login, staff, tree, other_root):
    """Someone took the new unit code elsewhere in the meantime: the confirmation writes nothing."""
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    assert batch.status == ImportBatch.Status.PENDING
    make_unit("CBC", other_root["root"], short_name="Chi bộ C khác")
    before = db_state()
    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "Dữ liệu đã thay đổi từ lúc xem trước" in html
    assert "đã được dùng cho một đơn vị ngoài phạm vi" in html
    assert db_state() == before


def test_confirm_after_losing_the_staff_role_is_refused(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    staff.unit_roles.all().delete()  # a role change ends the person's sessions (party/accounts/signals.py)
    before = db_state()
    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert db_state() == before


# Volume ------------------------------------------------------------------------------


def many_members(count: int) -> bytes:
    rows = [member(f"Nguyễn Văn Số{i}", "CBA", party_card_number=f"5{i:05d}") for i in range(count)]
    return workbook_bytes([unit("CBA", "DB", "Chi bộ A")], rows)


def test_preview_queries_do_not_grow_with_the_rows(login, staff, tree):
    client = login(staff)
    with CaptureQueriesContext(connection) as small:
        upload(client, many_members(5))
    with CaptureQueriesContext(connection) as large:
        upload(client, many_members(300))
    assert len(large) == len(small)


def test_a_few_hundred_rows_import_in_bulk(login, staff, tree):
    client = login(staff)
    batch, html = preview(client, many_members(300))
    assert sheet_counts(html) == {UNITS_SHEET: (0, 0, 1), MEMBERS_SHEET: (300, 0, 0)}
    with CaptureQueriesContext(connection) as queries:
        confirm(client, batch)
    assert len(queries) < 60
    assert Member.objects.filter(unit=tree["cell_a"]).count() == 300
    assert Membership.objects.filter(unit=tree["cell_a"], ended_on=None).count() == 300
    assert not Member.objects.filter(search_name="").exists()


def test_same_person_by_card_and_by_name_in_one_file_is_refused(login, staff, people):
    """Row 2 finds Nguyễn Văn An by card (and moves him); row 3 finds him again by name, birth and unit."""
    rows = [
        member("Nguyễn Văn An", "CBB", birth_date="01/01/1985", party_card_number="1001"),
        member("Nguyễn Văn An", "CBA", birth_date="01/01/1985", position="Chuyên viên"),
    ]
    assert_refused_and_nothing_written(
        login(staff), workbook_bytes(None, rows), MEMBERS_SHEET, 3, "A", "Người này đã có ở dòng 2."
    )
