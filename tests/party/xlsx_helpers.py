"""Build import workbooks and raw zip files in memory for the import tests.

Rows are dicts keyed by field name; the sheet's header row is written from the Vietnamese
headers below (the public contract of the template), so a test can drop, rename or reorder
columns by passing its own header list.
"""

import io
import zipfile
from typing import Any

from openpyxl import Workbook

UNIT_COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã đơn vị*"),
    ("parent_code", "Mã đơn vị cấp trên"),
    ("short_name", "Tên viết tắt*"),
    ("name", "Tên đầy đủ*"),
    ("kind", "Loại*"),
    ("sort_order", "Thứ tự"),
    ("dissolved_on", "Ngày giải thể"),
]
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("full_name", "Họ và tên*"),
    ("gender", "Giới tính*"),
    ("birth_date", "Ngày sinh*"),
    ("unit_code", "Mã đơn vị*"),
    ("party_status", "Đối tượng*"),
    ("party_card_number", "Số thẻ đảng viên"),
    ("admitted_on", "Ngày vào Đảng"),
    ("confirmed_on", "Ngày chính thức"),
    ("position", "Chức vụ"),
    ("is_leader", "Cán bộ diện BTV quản lý"),
]
UNIT_HEADERS = [header for _, header in UNIT_COLUMNS]
MEMBER_HEADERS = [header for _, header in MEMBER_COLUMNS]
UNITS_SHEET = "Đơn vị"
MEMBERS_SHEET = "Đảng viên"


def unit(code: str, parent: str, short_name: str, **fields: Any) -> dict[str, Any]:
    """A row of the units sheet; a new cell by default."""
    row = {"code": code, "parent_code": parent, "short_name": short_name, "kind": "Chi bộ trực thuộc"}
    row["name"] = fields.pop("name", short_name)
    row.update(fields)
    return row


def member(full_name: str, unit_code: str, **fields: Any) -> dict[str, Any]:
    """A row of the members sheet; a male full member born 04/05/1980 by default."""
    row = {
        "full_name": full_name,
        "gender": "Nam",
        "birth_date": "04/05/1980",
        "unit_code": unit_code,
        "party_status": "Đảng viên chính thức",
    }
    row.update(fields)
    return row


def _fill(sheet, columns: list[tuple[str, str]], headers: list[str] | None, rows) -> None:
    names = [name for name, _ in columns]
    sheet.append(headers if headers is not None else [header for _, header in columns])
    for row in rows:
        if row is None:  # a blank line in the middle of the data
            sheet.append([])
            continue
        unknown = set(row) - set(names)
        assert not unknown, f"unknown columns {unknown}"
        sheet.append([row.get(name) for name in names])


def workbook_bytes(
    units: list | None = None,
    members: list | None = None,
    *,
    unit_headers: list[str] | None = None,
    member_headers: list[str] | None = None,
    unit_columns: list[tuple[str, str]] = UNIT_COLUMNS,
    member_columns: list[tuple[str, str]] = MEMBER_COLUMNS,
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> bytes:
    """An .xlsx with a units sheet (if `units` is not None) and a members sheet (likewise)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if units is not None:
        _fill(workbook.create_sheet(UNITS_SHEET), unit_columns, unit_headers, units)
    if members is not None:
        _fill(workbook.create_sheet(MEMBERS_SHEET), member_columns, member_headers, members)
    for title, rows in (extra_sheets or {}).items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if not workbook.sheetnames:
        workbook.create_sheet("Sheet1")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive with the given entries (to forge broken or hostile "workbooks")."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def replace_entries(data: bytes, entries: dict[str, bytes | None]) -> bytes:
    """A copy of a zip with some entries replaced, added, or removed (value None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename in entries:
                continue
            archive.writestr(info.filename, source.read(info.filename))
        for name, content in entries.items():
            if content is not None:
                archive.writestr(name, content)
    return output.getvalue()


# Every sheet of the import template, in order, as committee staff download it.
STAFF_SHEETS = [
    "Hướng dẫn",
    "Đơn vị",
    "Đảng viên",
    "Sinh hoạt chi bộ",
    "Kiểm tra, giám sát",
    "Văn bản",
    "Hội nghị, sự kiện",
    "Kế hoạch",
    "Đăng ký",
    "Khen thưởng",
    "Mô hình, gương điển hình",
]
