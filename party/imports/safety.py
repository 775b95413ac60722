"""Checks an uploaded workbook before openpyxl parses it: size, container, zip structure, macros,
encryption and XML declarations (a DTD, where an entity bomb lives, has no place in a workbook).

Everything here reads the zip's central directory, or at most the head of each XML part up to its
root element, so a hostile file is refused in milliseconds whatever it would expand to.
"""

import io
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.workbook.workbook import Workbook

MAX_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Sheet XML of real workbooks compresses 5-30 times; bombs compress thousands of times.
MAX_COMPRESSION_RATIO = 200
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .xlsx/.docx is not a zip but an OLE2 compound file holding these streams.
ENCRYPTION_STREAMS = tuple(name.encode("utf-16-le") for name in ("EncryptedPackage", "EncryptionInfo"))
XML_SUFFIXES = (".xml", ".rels", ".vml")

ENCRYPTED_MESSAGE = "Tệp đang đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại."
OLD_EXCEL_MESSAGE = (
    "Tệp là bảng tính Excel 97-2003 (.xls) được đổi tên thành .xlsx; hãy mở tệp bằng Excel, "
    "chọn Lưu thành (Save As) kiểu Excel Workbook (.xlsx) rồi tải lên lại."
)
BROKEN_MESSAGE = "Tệp bị hỏng hoặc không phải tệp Excel .xlsx hợp lệ; không đọc được nội dung."
RATIO_MESSAGE = "Tệp có tỷ lệ nén bất thường (nghi là tệp độc hại); không thể đọc."
DTD_MESSAGE = (
    "Tệp có khai báo DTD/thực thể XML, điều một tệp Excel bình thường không có (nghi là tệp độc hại); "
    "không thể đọc."
)


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
    if data.startswith(OLE2_MAGIC):
        raise _refuse(ole2_message(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            "Tệp không phải tệp Excel .xlsx hợp lệ hoặc đã bị hỏng, thiếu phần cuối "
            "(không đọc được cấu trúc tệp)."
        ) from None
    check_archive(archive)
    names = set(archive.namelist())
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse("Tệp có chứa macro; hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro.")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse("Tệp không phải tệp Excel .xlsx hợp lệ (thiếu thành phần bắt buộc).")
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise _refuse("Tệp có chứa macro; hãy lưu lại dưới dạng Excel Workbook (.xlsx) không có macro.")
    check_no_dtd(archive)


def ole2_message(data: bytes) -> str:
    """Why an OLE2 compound file is not a workbook we read: password-protected, or an old .xls."""
    if any(stream in data for stream in ENCRYPTION_STREAMS):
        return ENCRYPTED_MESSAGE
    return OLD_EXCEL_MESSAGE


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from the central directory alone: too many entries, an entry compressed
    far beyond what real documents reach, or too much in all once expanded.

    zipfile stops reading an entry at its declared size, so a lying directory cannot expand
    further than what is checked here.
    """
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise _refuse("Tệp có cấu trúc bất thường (quá nhiều thành phần); không thể đọc.")
    for entry in entries:
        if (
            entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
            and entry.file_size > 1024 * 1024
        ):
            raise _refuse(RATIO_MESSAGE)
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise _refuse("Tệp giải nén quá lớn; hãy chia nhỏ dữ liệu thành nhiều tệp.")


def check_no_dtd(archive: zipfile.ZipFile, broken_message: str = BROKEN_MESSAGE) -> None:
    """Parse each XML part up to its root element with DTDs forbidden; `broken_message` when a
    part is not XML at all.

    openpyxl's own parsers refuse entities too (defusedxml, asserted by party/checks.py), but a
    sheet is parsed lazily, row by row, after this check: refusing here gives the user a message
    instead of an error page, and costs one small read per part.
    """
    for name in archive.namelist():
        if not name.lower().endswith(XML_SUFFIXES):
            continue
        try:
            with archive.open(name) as stream:
                for _event in iterparse(stream, events=("start",), forbid_dtd=True):
                    break  # the root element has begun: no DTD can follow
        except DefusedXmlException:
            raise _refuse(DTD_MESSAGE) from None
        except (ParseError, zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
            raise _refuse(broken_message) from None


def open_workbook(data: bytes) -> Workbook:
    """Open a checked workbook for reading values (defusedxml guards the XML parser)."""
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise _refuse(BROKEN_MESSAGE) from None
