"""The cell's pre-filled registration workbook: download, fill offline, upload back, confirm."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from party.models import ImportBatch, Membership
from pledges.imports import PledgeSheet
from pledges.models import Pledge, PledgeDeed, PledgeStatus, RatingLevel
from tests.conftest import make_member
from tests.pledges.test_import_pledges import PLEDGES_SHEET, confirm, db_state, preview, sheet_counts

YEAR = 2025
HEADERS = [column.header for column in PledgeSheet.columns]
COLUMN = {column.name: index for index, column in enumerate(PledgeSheet.columns)}


def url(unit, year=YEAR):
    return reverse("cell_workbook", args=[unit.pk, year])


@pytest.fixture
def cell(people, tree):
    """Cell A in 2025: An registered (two deeds, one with a formula-like text), Bình not yet."""
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    an = people["an"]
    pledge = Pledge.objects.create(member=an, unit=an.unit, year=YEAR, commitment="=1+1 là cam kết")
    PledgeDeed.objects.create(pledge=pledge, content="Đi làm đúng giờ", target="100%", position=1)
    PledgeDeed.objects.create(
        pledge=pledge, content="Tiết kiệm điện", deadline=datetime.date(2025, 12, 31), position=2
    )
    return {"unit": tree["cell_a"], "pledge": pledge, **people}


def download(client, unit, year=YEAR) -> openpyxl.Workbook:
    response = client.get(url(unit, year))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="dang-ky-{unit.code}-{year}.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet) -> list[dict]:
    return [
        {name: values[index] for name, index in COLUMN.items()}
        for values in sheet.iter_rows(min_row=2, values_only=True)
        if any(v is not None for v in values)
    ]


def save(book) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_secretary_downloads_her_cell_with_every_person(login, secretary_a, cell):
    book = download(login(secretary_a), cell["unit"])
    assert book.sheetnames == ["Hướng dẫn", PLEDGES_SHEET]
    sheet = book[PLEDGES_SHEET]
    assert [c.value for c in sheet[1]] == HEADERS
    rows = rows_of(sheet)
    assert [(r["full_name"], r["content"]) for r in rows] == [
        ("Nguyễn Văn An", "Đi làm đúng giờ"),
        ("Nguyễn Văn An", "Tiết kiệm điện"),
        ("Trần Thị Bình", None),  # not registered yet: one row to fill
    ]
    assert {r["full_name"] for r in rows}.isdisjoint({"Lê Văn Cường", "Phạm Thị Dung"})
    first = rows[0]
    assert (first["year"], first["unit_code"], first["party_card_number"]) == (YEAR, "CBA", "1001")
    assert first["birth_date"] == datetime.datetime(1985, 1, 1)
    assert rows[1]["deadline"] == datetime.datetime(2025, 12, 31)
    assert first["target"] == "100%"
    guide = "\n".join(str(v) for row in book["Hướng dẫn"].iter_rows(values_only=True) for v in row if v)
    assert "BẢNG ĐĂNG KÝ LÀM THEO BÁC NĂM 2025" in guide
    assert "Quy định 366-QĐ/TW" in guide
    assert "http://testserver" + reverse("import_upload") in guide
    assert "2 người, 1 người đã đăng ký" in guide


def test_user_text_is_written_as_text_never_as_a_formula(login, secretary_a, cell):
    response = login(secretary_a).get(url(cell["unit"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    commitment = book[PLEDGES_SHEET].cell(row=2, column=COLUMN["commitment"] + 1)
    assert commitment.value == "=1+1 là cam kết"
    assert commitment.data_type == "s"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in archive.read(name) for name in sheets)


def test_round_trip_fill_one_deed_upload_preview_confirm(login, secretary_a, cell):
    client = login(secretary_a)
    book = download(client, cell["unit"])
    sheet = book[PLEDGES_SHEET]
    binh_row = 4
    assert sheet.cell(row=binh_row, column=COLUMN["full_name"] + 1).value == "Trần Thị Bình"
    sheet.cell(row=binh_row, column=COLUMN["content"] + 1).value = "Học một khóa tin học"
    sheet.cell(row=binh_row, column=COLUMN["target"] + 1).value = "Chứng chỉ B"

    batch, html = preview(client, save(book))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {PLEDGES_SHEET: (1, 0, 1)}
    assert "Trần Thị Bình — năm 2025 (CBA): 1 việc làm" in html
    assert not Pledge.objects.filter(member=cell["binh"]).exists()

    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    pledge = Pledge.objects.get(member=cell["binh"], year=YEAR)
    assert (pledge.unit, pledge.status) == (cell["unit"], PledgeStatus.REGISTERED)
    assert [(d.content, d.target) for d in pledge.deeds.all()] == [("Học một khóa tin học", "Chứng chỉ B")]
    assert pledge.history.filter(history_type="+", history_user=secretary_a).exists()
    cell["pledge"].refresh_from_db()
    assert cell["pledge"].version == 1  # An's registration was not touched


def test_uploading_the_workbook_as_downloaded_changes_nothing(login, secretary_a, cell):
    client = login(secretary_a)
    data = client.get(url(cell["unit"])).content
    before = db_state()
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 0, 1)}
    confirm(client, batch)
    assert db_state() == before


def test_year_end_evaluation_filled_offline(login, secretary_a, cell):
    """Score only (Quy định 366): the level follows; deeds done or not; the person is evaluated."""
    client = login(secretary_a)
    book = download(client, cell["unit"])
    sheet = book[PLEDGES_SHEET]
    for row, done in ((2, "Có"), (3, "Không")):
        sheet.cell(row=row, column=COLUMN["done"] + 1).value = done
        sheet.cell(row=row, column=COLUMN["score"] + 1).value = 88.5
    sheet.cell(row=2, column=COLUMN["comment"] + 1).value = "Gương mẫu"
    batch, html = preview(client, save(book))
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 1, 0)}, batch.summary["errors"]
    assert "Trạng thái: Đã đăng ký → Đã đánh giá" in html
    confirm(client, batch)
    pledge = Pledge.objects.get(pk=cell["pledge"].pk)
    assert (pledge.status, pledge.score, pledge.evaluation_comment) == (
        PledgeStatus.EVALUATED,
        Decimal("88.5"),
        "Gương mẫu",
    )
    assert pledge.rating == RatingLevel.objects.get(name="Hoàn thành tốt nhiệm vụ", scale__uses_score=True)
    assert [d.done for d in pledge.deeds.all()] == [True, False]

    # Downloaded again, the evaluated registration comes back as it is stored: unchanged.
    batch, html = preview(client, client.get(url(cell["unit"])).content)
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 0, 1)}, batch.summary["errors"]


def test_a_registration_made_in_another_cell_is_left_out(login, secretary_a, cell, tree):
    """Bình registered in cell B before moving to cell A: that registration stays with cell B."""
    Pledge.objects.create(member=cell["binh"], unit=tree["cell_b"], year=YEAR)
    book = download(login(secretary_a), cell["unit"])
    assert "Trần Thị Bình" not in {r["full_name"] for r in rows_of(book[PLEDGES_SHEET])}
    guide = "\n".join(str(v) for row in book["Hướng dẫn"].iter_rows(values_only=True) for v in row if v)
    assert "đã đăng ký ở đơn vị khác nên không có trong bảng: Trần Thị Bình" in guide


def test_people_who_left_before_the_year_are_not_listed(login, secretary_a, cell, tree):
    gone = make_member(tree["cell_a"], "Đỗ Văn Đi")
    Membership.objects.filter(member=gone).update(
        started_on=datetime.date(2016, 1, 1), ended_on=datetime.date(2024, 6, 30)
    )
    names = {r["full_name"] for r in rows_of(download(login(secretary_a), cell["unit"])[PLEDGES_SHEET])}
    assert "Đỗ Văn Đi" not in names
    names = {r["full_name"] for r in rows_of(download(login(secretary_a), cell["unit"], 2024)[PLEDGES_SHEET])}
    assert "Đỗ Văn Đi" in names


def test_another_cells_secretary_gets_404(login, secretary_b, cell):
    assert login(secretary_b).get(url(cell["unit"])).status_code == 404


def test_outsider_gets_404_and_viewer_may_not_download(login, outsider, viewer, cell, client):
    assert login(outsider).get(url(cell["unit"])).status_code == 404
    client.logout()
    assert login(viewer).get(url(cell["unit"])).status_code == 403


def test_year_outside_the_cycle_is_404(login, secretary_a, cell):
    assert login(secretary_a).get(url(cell["unit"], 2015)).status_code == 404


def test_anonymous_is_sent_to_login(client, cell):
    response = client.get(url(cell["unit"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_downloads_any_cell_of_the_committee(login, staff, cell, tree):
    book = download(login(staff), tree["cell_b"])
    names = [r["full_name"] for r in rows_of(book[PLEDGES_SHEET])]
    assert names == ["Lê Văn Cường", "Phạm Thị Dung"]


def test_cell_page_links_to_the_workbook_and_the_upload_for_editors_only(
    login, secretary_a, viewer, cell, client
):
    page = login(secretary_a).get(reverse("cell_year", args=[cell["unit"].pk, YEAR])).content.decode()
    assert url(cell["unit"]) in page
    assert "Tải bảng đăng ký (Excel)" in page
    assert reverse("import_upload") in page
    assert "Tải lên bảng đã điền" in page
    client.logout()
    page = login(viewer).get(reverse("cell_year", args=[cell["unit"].pk, YEAR])).content.decode()
    assert "Tải bảng đăng ký (Excel)" not in page


def test_secretary_reaches_the_upload_page(login, secretary_a, cell):
    client = login(secretary_a)
    page = client.get(reverse("import_upload"))
    assert page.status_code == 200
    assert reverse("import_upload") in client.get(reverse("home")).content.decode()
