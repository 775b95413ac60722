"""Checks an uploaded workbook before any XML is parsed: size, zip structure, macros."""

import io
import zipfile

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.workbook.workbook import Workbook

MAX_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Sheet XML of real workbooks compresses 5-30 times; bombs compress thousands of times.
MAX_COMPRESSION_RATIO = 200


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="bad_file")


def check_workbook_bytes(data: bytes, file_name: str) -> None:
    """Raise a ValidationError in Vietnamese if the file is not a plain, sane .xlsx workbook."""
    limit = settings.IMPORT_MAX_BYTES
    if not file_name.lower().endswith(".xlsx"):
        raise _refuse("Chỉ nhận tệp Excel .xlsx (tệp .xls, .xlsm, .csv... hãy lưu lại dưới dạng .xlsx).")
    if len(data) > limit:
        raise _refuse(f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); giới hạn là {limit / 1048576:.0f} MB.")
    if not data:
        raise _refuse("Tệp rỗng.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse("Tệp không phải tệp Excel .xlsx hợp lệ (không đọc được cấu trúc tệp).") from None
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ENTRIES:
        raise _refuse("Tệp có cấu trúc bất thường (quá nhiều thành phần); không thể đọc.")
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise _refuse("Tệp giải nén quá lớn; hãy chia nhỏ dữ liệu thành nhiều tệp.")
    for entry in entries:
        if (
            entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
            and entry.file_size > 1024 * 1024
        ):
            raise _refuse("Tệp có tỷ lệ nén bất thường (nghi là tệp độc hại); không thể đọc.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse("Tệp có chứa macro; hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro.")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse("Tệp không phải tệp Excel .xlsx hợp lệ (thiếu thành phần bắt buộc).")
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise _refuse("Tệp có chứa macro; hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro.")


def open_workbook(data: bytes) -> Workbook:
    """Open a checked workbook for reading values (defusedxml guards the XML parser)."""
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise _refuse(
            "Tệp bị hỏng hoặc không phải tệp Excel .xlsx hợp lệ; không đọc được nội dung."
        ) from None
