"""Workbooks whose sheet XML openpyxl would trust: a row numbered two billion, cells that do not
fit their type, XML broken part-way. Each upload ends as a Vietnamese message naming the sheet
(and the row where known), fast, with nothing written: never an error page, never a worker
held for minutes.
"""

import io
import os
import re
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from party.models import ImportBatch, Member
from tests.party.xlsx_helpers import member, replace_entries, workbook_bytes

MEMBERS = "Đảng viên"
# openpyxl writes sheet N of a workbook as xl/worksheets/sheetN.xml.
MEMBERS_PART = "xl/worksheets/sheet1.xml"


def members_workbook() -> bytes:
    """One good row (row 2) in the members sheet, the only sheet."""
    return workbook_bytes(None, [member("Nguyễn Văn Mới", "CBA")])


def edited(data: bytes, part: str, edit) -> bytes:
    """The workbook with one sheet's XML passed through `edit` (text in, text out)."""
    text = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    changed = edit(text)
    assert changed != text
    return replace_entries(data, {part: changed.encode()})


def add_row(number: str, cells: str = ""):
    return lambda xml: xml.replace("</sheetData>", f'<row r="{number}">{cells}</row></sheetData>')


def replace_cell(reference: str, cell: str):
    """Replace the cell at `reference` (row 2 of the good workbook) with raw cell XML."""
    return lambda xml: re.sub(rf'<c r="{reference}"[^>]*?(/>|>.*?</c>)', cell, xml, count=1)


def upload(client, data: bytes) -> tuple[int, str, float]:
    started = time.perf_counter()
    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("nhap.xlsx", data)})
    return response.status_code, response.content.decode(), time.perf_counter() - started


def template_with_gap(client, row_number: int) -> bytes:
    """The template the app serves, with one empty row element far below in the members sheet."""
    template = client.get(reverse("import_template")).content
    index = openpyxl.load_workbook(io.BytesIO(template), read_only=True).sheetnames.index(MEMBERS)
    part = f"xl/worksheets/sheet{index + 1}.xml"
    return edited(template, part, add_row(str(row_number)))


def refused(client, data: bytes, *fragments: str) -> float:
    """The upload form comes back with the message; no batch, no person is written."""
    batches, people = ImportBatch.objects.count(), Member.objects.count()
    status, page, seconds = upload(client, data)
    assert status == 200
    errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', page, re.S)
    assert errors, page[:3000]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    assert (ImportBatch.objects.count(), Member.objects.count()) == (batches, people)
    return seconds


@pytest.mark.parametrize("row_number", [1_000_000, 2_000_000_000])
def test_a_template_with_one_row_numbered_far_below_is_refused_in_under_a_second(
    login, staff, tree, row_number
):
    client = login(staff)
    data = template_with_gap(client, row_number)
    assert len(data) < 30_000  # a small file
    seconds = refused(client, data, f"Trang “{MEMBERS}”", "ngoài giới hạn")
    assert seconds < 1, f"refused in {seconds:.2f} s"


def test_a_declared_dimension_past_the_sheet_limits_is_refused(login, staff, tree):
    data = edited(
        members_workbook(),
        MEMBERS_PART,
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:J2000000000"', xml),
    )
    refused(login(staff), data, f"Trang “{MEMBERS}”", "ngoài giới hạn")


def test_rows_up_to_the_limit_are_read_and_one_past_it_is_refused(login, staff, tree):
    client = login(staff)
    inside = edited(members_workbook(), MEMBERS_PART, add_row("50000"))
    status, _, _ = upload(client, inside)
    assert status == 302  # previewed: the empty row is skipped
    assert ImportBatch.objects.get().status == ImportBatch.Status.PENDING
    outside = edited(members_workbook(), MEMBERS_PART, add_row("50001"))
    refused(client, outside, f"Trang “{MEMBERS}”", "ngoài giới hạn", "50.000")


MALFORMED = {
    "XML broken after the root element": (
        lambda xml: xml[: xml.index("</sheetData>")] + '<row r="3"><c r="A3" t="inlineStr"><is><t>x',
        ["Trang “Đảng viên” bị hỏng sau dòng 2"],
    ),
    "a shared string past the table": (
        replace_cell("A2", '<c r="A2" t="s"><v>99999</v></c>'),
        ["Trang “Đảng viên”, dòng 2: ô A2", "99999"],
    ),
    "a number cell holding text": (
        replace_cell("C2", '<c r="C2" t="n"><v>abc</v></c>'),
        ["Trang “Đảng viên”, dòng 2: ô C2 ghi kiểu số"],
    ),
    "a true/false cell holding text": (
        replace_cell("C2", '<c r="C2" t="b"><v>abc</v></c>'),
        ["Trang “Đảng viên”, dòng 2: ô C2 ghi kiểu đúng/sai"],
    ),
    "a date cell holding text": (
        replace_cell("C2", '<c r="C2" t="d"><v>abc</v></c>'),
        ["Trang “Đảng viên”, dòng 2: ô C2 ghi kiểu ngày"],
    ),
    "a number of INF": (
        replace_cell("C2", '<c r="C2"><v>INF</v></c>'),
        ["Trang “Đảng viên”, dòng 2: ô C2 ghi kiểu số", "INF"],
    ),
    "a cell in column ZZZZZZ": (
        replace_cell("C2", '<c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c>'),
        ["Trang “Đảng viên”, dòng 2: ô ZZZZZZ2 nằm ngoài giới hạn"],
    ),
    "a row numbered abc": (
        lambda xml: xml.replace('<row r="2"', '<row r="abc"', 1),
        ["Trang “Đảng viên”: số dòng “abc” không hợp lệ"],
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_members_sheet_content_gets_a_message_naming_sheet_and_row(login, staff, tree, case):
    edit, fragments = MALFORMED[case]
    refused(login(staff), edited(members_workbook(), MEMBERS_PART, edit), *fragments)


def registrations_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đăng ký"
    sheet.append(["Năm*", "Mã đơn vị*", "Họ và tên*", "Ngày sinh*", "Nội dung việc làm*"])
    sheet.append([2025, "CBA", "Nguyễn Văn An", "01/01/1985", "Đi làm đúng giờ"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.mark.parametrize("case", ["a shared string past the table", "a number of INF", "a row numbered abc"])
def test_malformed_registrations_sheet_content_gets_a_message_naming_the_sheet(
    login, secretary_a, people, case
):
    edit, fragments = MALFORMED[case]
    data = edited(registrations_workbook(), MEMBERS_PART, edit)
    refused(login(secretary_a), data, *(f.replace("Đảng viên", "Đăng ký") for f in fragments))


def test_content_only_openpyxl_refuses_still_names_the_sheet_and_row(login, staff, tree):
    """A date in ISO basic form passes the pre-check but not openpyxl's reader: the read itself
    ends as an error on the preview, never as an error page."""
    data = edited(members_workbook(), MEMBERS_PART, replace_cell("C2", '<c r="C2" t="d"><v>19800504</v></c>'))
    client = login(staff)
    status, _, _ = upload(client, data)
    assert status == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    [error] = batch.summary["errors"]
    assert (error["sheet"], error["row"]) == (MEMBERS, 2)
    assert "Không đọc được nội dung từ dòng này" in error["message"]
    assert not Member.objects.filter(full_name="Nguyễn Văn Mới").exists()


# Zip limits, set from the largest legal workbook (party/imports/safety.py WORKBOOK_LIMITS) ---------


def with_parts(count: int, part: bytes = b"x") -> bytes:
    """The good workbook with extra stored parts, up to `count` entries in all."""
    data = members_workbook()
    have = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    return replace_entries(data, {f"xl/media/extra{i}.bin": part for i in range(count - have)})


def part_compressing(ratio: int, size: int = 300 * 1024) -> bytes:
    """`size` bytes that deflate about `ratio` times: random bytes, then zeros."""
    return os.urandom(size // ratio) + bytes(size - size // ratio)


def stored_ratio(data: bytes) -> float:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/extra0.bin")
    return info.file_size / info.compress_size


def test_a_workbook_of_200_parts_is_read_and_one_of_201_is_refused(login, staff, tree):
    client = login(staff)
    status, _, _ = upload(client, with_parts(200))
    assert status == 302
    refused(client, with_parts(201), "quá nhiều thành phần")


def test_a_large_part_compressing_80_times_is_read_and_one_compressing_130_times_is_refused(
    login, staff, tree
):
    client = login(staff)
    have = len(zipfile.ZipFile(io.BytesIO(members_workbook())).infolist())
    legal = with_parts(have + 1, part_compressing(80))
    assert 60 < stored_ratio(legal) < 100
    status, _, _ = upload(client, legal)
    assert status == 302
    bomb = with_parts(have + 1, part_compressing(130))
    assert 100 < stored_ratio(bomb) < 200  # below the old limit of 200
    refused(client, bomb, "tỷ lệ nén bất thường")
