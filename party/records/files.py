"""Attached files of documents: accepted types recognised by content, not by name."""

import math
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from party.imports.safety import ENCRYPTED_MESSAGE, check_archive, check_no_dtd
from party.xlsx import XLSX_CONTENT_TYPE

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = XLSX_CONTENT_TYPE

EXTENSIONS = {PDF: ".pdf", DOC: ".doc", XLS: ".xls", DOCX: ".docx", XLSX: ".xlsx"}
# The name's extension must agree with the content: a .pdf that is really a workbook is refused.
ALLOWED_BY_EXTENSION = {".pdf": {PDF}, ".doc": {DOC}, ".xls": {XLS}, ".docx": {DOCX}, ".xlsx": {XLSX}}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ALLOWED_TEXT = "PDF, Word (.doc, .docx) hoặc Excel (.xls, .xlsx)"


def megabytes(size: int) -> str:
    """Rounded up to a tenth, Vietnamese style: a file just over 20 MB reads "20,1", not "20,0"."""
    tenths = math.ceil(size * 10 / 1048576)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}" if tenth else str(whole)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="bad_file")


# Stream and storage names of the OLE2 directory, UTF-16LE as stored. Word 97 and Excel 97 share
# the container; their main stream tells them apart. A macro project lives in a storage named
# "Macros" (Word), "_VBA_PROJECT_CUR" (Excel) or "VBA" inside them; directory names end with a
# UTF-16 NUL, which text in the document's body does not have, so a document that merely
# mentions "VBA" is not refused.
OLE2_TYPE_NAMES = {DOC: ("WordDocument",), XLS: ("Workbook", "Book")}
OLE2_MACRO_NAMES = ("Macros", "_VBA_PROJECT_CUR", "VBA")
# A password-protected .docx/.xlsx is an OLE2 file holding the encrypted zip in these streams:
# no one else could open it, so it is refused with a message saying why.
OLE2_ENCRYPTION_NAMES = ("EncryptedPackage", "EncryptionInfo")
_OLE2_PATTERNS = {name: name.encode("utf-16-le") for names in OLE2_TYPE_NAMES.values() for name in names}
_OLE2_PATTERNS |= {name: (name + "\0").encode("utf-16-le") for name in OLE2_MACRO_NAMES}
_OLE2_PATTERNS |= {name: (name + "\0").encode("utf-16-le") for name in OLE2_ENCRYPTION_NAMES}
SCAN_CHUNK = 1024 * 1024
BROKEN_MESSAGE = "Tệp bị hỏng, không đọc được nội dung; hãy mở tệp, lưu lại rồi tải lên lại."
MACRO_MESSAGE = "Tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx)."


def _ole2_names(upload: UploadedFile) -> set[str]:
    """The known directory names found anywhere in the file (the directory may sit at its end).

    Read in chunks; each chunk is searched together with the end of the previous one, so a name
    split across two chunks is still found.
    """
    overlap = max(len(pattern) for pattern in _OLE2_PATTERNS.values()) - 1
    found: set[str] = set()
    tail = b""
    upload.seek(0)
    while chunk := upload.read(SCAN_CHUNK):
        window = tail + chunk
        found |= {name for name, pattern in _OLE2_PATTERNS.items() if pattern in window}
        tail = window[-overlap:]
    return found


def _ole2_type(upload: UploadedFile) -> str:
    names = _ole2_names(upload)
    if names & set(OLE2_ENCRYPTION_NAMES):
        raise _refuse(ENCRYPTED_MESSAGE)
    if names & set(OLE2_MACRO_NAMES):
        raise _refuse(MACRO_MESSAGE)
    for content_type, type_names in OLE2_TYPE_NAMES.items():
        if names & set(type_names):
            return content_type
    return ""


def _ooxml_type(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            # A zip bomb or an entity bomb is refused even though the server never expands it:
            # the people who download the file would.
            check_archive(archive)
            check_no_dtd(archive, broken_message=BROKEN_MESSAGE)
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(MACRO_MESSAGE)
    if "[Content_Types].xml" not in names:
        return ""
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return ""


def detect_content_type(upload: UploadedFile) -> str:
    """The file's real type among the accepted ones, from its bytes; "" when not accepted."""
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(OLE2_MAGIC):
        return _ole2_type(upload)
    if head.startswith(ZIP_MAGIC):
        return _ooxml_type(upload)
    return ""


def check_document_file(upload: UploadedFile) -> str:
    """Raise a Vietnamese ValidationError unless the upload is an accepted type within the limit.

    Returns the content type recognised from the bytes.
    """
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise _refuse(f"Tệp quá lớn ({megabytes(upload.size)} MB); giới hạn là {megabytes(limit)} MB.")
    if upload.size == 0:
        raise _refuse("Tệp rỗng.")
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    allowed = ALLOWED_BY_EXTENSION.get(extension)
    if allowed is None:
        raise _refuse(f"Chỉ nhận tệp {ALLOWED_TEXT}.")
    content_type = detect_content_type(upload)
    upload.seek(0)
    if content_type not in allowed:
        raise _refuse(
            f"Nội dung tệp không đúng định dạng {extension} (tệp có thể bị đổi tên hoặc bị hỏng). "
            f"Chỉ nhận tệp {ALLOWED_TEXT}."
        )
    return content_type


def safe_download_name(name: str, fallback: str) -> str:
    """The original name for the download header, without path parts or control characters;
    `fallback` when nothing printable is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"') or fallback
