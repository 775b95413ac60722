"""Checks an uploaded workbook before openpyxl parses it: size, container, zip structure, macros,
encryption and XML declarations (a DTD, where an entity bomb lives, has no place in a workbook).

Everything here reads the zip's central directory, or at most the head of each XML part up to its
root element, so a hostile file is refused in milliseconds whatever it would expand to.
"""

import datetime
import io
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold before any part is expanded: entries, and how far a part larger than
    `ratio_from` bytes may expand (bombs compress thousands of times)."""

    entries: int
    ratio: int
    ratio_from: int


# Office files attached to documents (party/records/files.py) are only stored: loose limits.
ATTACHMENT_LIMITS = ZipLimits(entries=1000, ratio=200, ratio_from=1024 * 1024)
# Import workbooks, from the largest legal one: every import sheet with 20,000 rows as Excel saves
# it has about 40 parts, and its sheet XML compresses 17-20 times. Smaller parts than
# `ratio_from` expand to at most entries x ratio_from (50 MiB) whatever their ratio.
WORKBOOK_LIMITS = ZipLimits(entries=200, ratio=100, ratio_from=256 * 1024)
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
    check_archive(archive, WORKBOOK_LIMITS)
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


def check_archive(archive: zipfile.ZipFile, limits: ZipLimits = ATTACHMENT_LIMITS) -> None:
    """Refuse a zip bomb from the central directory alone: too many entries, an entry compressed
    far beyond what real documents reach, or too much in all once expanded.

    zipfile stops reading an entry at its declared size, so a lying directory cannot expand
    further than what is checked here.
    """
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise _refuse("Tệp có cấu trúc bất thường (quá nhiều thành phần); không thể đọc.")
    for entry in entries:
        if (
            entry.file_size > limits.ratio * max(entry.compress_size, 1)
            and entry.file_size > limits.ratio_from
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


# What one sheet of an import may hold: 20,000 data rows (base.MAX_ROWS) with room for blank lines,
# and Excel's own last column (XFD). Nothing past these is read, so no file costs more to read
# than the largest legal one.
MAX_ROW_NUMBER = 50_000
MAX_COLUMN_NUMBER = 16_384
CELL_REFERENCE = re.compile(r"([A-Z]+)([1-9][0-9]*)")
SHEET_TAGS = ("{*}c", "{*}row", "{*}dimension")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Each sheet's XML part by title, and the shared strings part, from the workbook's
    relationships (the parts a reader follows)."""
    try:
        relationships = fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
        workbook = fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    except (KeyError, ParseError, DefusedXmlException, zipfile.BadZipFile, zlib.error, ValueError):
        raise _refuse(BROKEN_MESSAGE) from None
    parts: dict[str, tuple[str, str]] = {}
    for relationship in relationships:
        target = relationship.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        parts[relationship.get("Id", "")] = (relationship.get("Type", ""), part)
    sheets = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            sheets[element.get("name", "")] = parts.get(rel_id, ("", ""))[1]
    shared = next((part for kind, part in parts.values() if kind.endswith("/sharedStrings")), None)
    return sheets, shared


def check_sheets(data: bytes, titles: list[str]) -> None:
    """Refuse the named sheets (those the workbook has) if openpyxl could not read them safely:
    a row or column number past the sheet limits (declared or real), a cell whose value does not
    fit its type, a shared string that does not exist, XML broken part-way. openpyxl trusts all
    of these: it walks every empty row up to a row numbered two billion, and stops with an
    exception on the others.

    One streaming pass per sheet, rows cleared as they go: a legal sheet of 20,000 rows takes
    a fraction of a second (make bench). Messages name the sheet and the row.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts, shared_part = sheet_parts(archive)
    shared_count = _count_shared_strings(archive, shared_part)
    for title in titles:
        if title not in parts:
            continue  # not in this workbook
        if parts[title] not in archive.namelist():
            raise _refuse(f"Trang “{title}” bị hỏng (thiếu nội dung của trang); hãy dùng tệp mẫu.")
        _check_sheet(archive, parts[title], title, shared_count)


def _count_shared_strings(archive: zipfile.ZipFile, part: str | None) -> int:
    if not part or part not in archive.namelist():
        return 0
    count = 0
    try:
        with archive.open(part) as stream:
            for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
                if _local(element.tag) == "si":
                    count += 1
                    element.clear()
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
        raise _refuse(BROKEN_MESSAGE) from None
    return count


class _SheetProblem(Exception):
    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row  # where known


def _check_sheet(archive: zipfile.ZipFile, part: str, title: str, shared_count: int) -> None:
    row = 0  # the last row whose end was read
    try:
        with archive.open(part) as stream:
            # lxml, filtering tags in C: this loop runs once per cell of a 20,000-row sheet. The
            # part has no DTD (check_no_dtd ran first) and entities stay unresolved anyway.
            elements = etree.iterparse(
                stream, events=("end",), tag=SHEET_TAGS, resolve_entities=False, no_network=True
            )
            for _event, element in elements:
                tag = element.tag
                if tag.endswith("}c"):
                    row = _check_cell(element, shared_count) or row
                elif tag.endswith("}row"):
                    row = _row_number(element.get("r"), row)
                    element.clear()
                else:  # dimension
                    for reference in (element.get("ref") or "A1").split(":"):
                        _cell_position(reference)
    except _SheetProblem as problem:
        where = f"Trang “{title}”, dòng {problem.row}" if problem.row else f"Trang “{title}”"
        raise _refuse(f"{where}: {problem}") from None
    except (etree.LxmlError, zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
        after = f" sau dòng {row}" if row else ""
        raise _refuse(
            f"Trang “{title}” bị hỏng{after} (nội dung XML không đọc được); hãy mở tệp bằng Excel, "
            "lưu lại rồi tải lên lại."
        ) from None


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise _SheetProblem(
            f"số dòng “{text[:20]}” không hợp lệ; hãy mở tệp bằng Excel, lưu lại rồi tải lên."
        )
    number = int(text)
    if number > MAX_ROW_NUMBER:
        raise _SheetProblem(_past_limit(f"dòng số {text[:20]}"))
    return number


def _past_limit(what: str) -> str:
    rows, last_column = f"{MAX_ROW_NUMBER:,}".replace(",", "."), get_column_letter(MAX_COLUMN_NUMBER)
    return (
        f"{what} nằm ngoài giới hạn của một trang nhập ({rows} dòng, đến cột {last_column}); hãy xóa "
        "các dòng, cột thừa hoặc chia dữ liệu thành nhiều tệp."
    )


def _cell_position(reference: str) -> tuple[int, int]:
    match = CELL_REFERENCE.fullmatch(reference.replace("$", ""))
    if match is None:
        raise _SheetProblem(
            f"địa chỉ ô “{reference[:20]}” không hợp lệ; hãy mở tệp bằng Excel, lưu lại rồi tải lên."
        )
    letters, digits = match[1], match[2]
    row = int(digits) if len(digits) <= 7 else None
    if len(letters) > 3 or row is None or row > MAX_ROW_NUMBER:
        raise _SheetProblem(
            _past_limit(f"ô {reference[:20]}"), row if row and row <= MAX_ROW_NUMBER else None
        )
    column = _column_number(letters)
    if column > MAX_COLUMN_NUMBER:
        raise _SheetProblem(_past_limit(f"ô {reference}"), row)
    return column, row


TYPE_NAMES = {"n": "số", "b": "đúng/sai", "d": "ngày", "s": "chuỗi dùng chung"}


def _check_cell(element, shared_count: int) -> int | None:
    """Refuse a cell openpyxl cannot read; its row number when the cell gives one."""
    reference = element.get("r")
    row = _cell_position(reference)[1] if reference is not None else None
    kind = element.get("t", "n")
    if kind not in TYPE_NAMES:
        return row
    value = next((child.text for child in element if child.tag.endswith("}v")), None)
    if value is not None and not _fits(kind, value.strip(), shared_count):
        place = f"ô {reference}" if reference else "một ô"
        raise _SheetProblem(
            f"{place} ghi kiểu {TYPE_NAMES[kind]} nhưng chứa “{value[:30]}”; hãy mở tệp bằng Excel, "
            "nhập lại ô này rồi tải lên.",
            row,
        )
    return row


def _fits(kind: str, value: str, shared_count: int) -> bool:
    """Whether openpyxl can read the value as its declared type."""
    try:
        if kind == "s":
            return 0 <= int(value) < shared_count
        if kind == "b":
            return value in ("0", "1")
        if kind == "d":
            try:
                datetime.datetime.fromisoformat(value)
            except ValueError:
                datetime.time.fromisoformat(value)
            return True
        return math.isfinite(float(value))
    except ValueError:
        return False


def open_workbook(data: bytes) -> Workbook:
    """Open a checked workbook for reading values (defusedxml guards the XML parser)."""
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise _refuse(BROKEN_MESSAGE) from None
