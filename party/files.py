"""Attached files of documents: accepted types recognised by content, not by name."""

import math
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def _ole2_type(head: bytes) -> str:
    """Word 97 and Excel 97 share the OLE2 container; their stream names tell them apart."""
    if "WordDocument".encode("utf-16-le") in head:
        return DOC
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return XLS
    return ""


def _ooxml_type(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse("Tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx).")
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
        upload.seek(0)
        return _ole2_type(upload.read(64 * 1024))
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


def safe_download_name(name: str) -> str:
    """The original name for the download header, without path parts or control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"') or "tep-dinh-kem"
