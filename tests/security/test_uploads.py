"""Hostile and oversized uploads through HTTP as a real user: refused fast, in Vietnamese, and
nothing written (no import batch, no record, no stored file). The files are built in memory
by tests/security/hostile_files.py; each request is timed on its own (building a file is not).
"""

import io
import time

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from django.utils.html import escape

from party.models import Document, DocumentKind, ImportBatch, Member, Membership, Unit
from tests.security import hostile_files

ENCRYPTED = "Tệp đang đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại."
MACRO = "Tệp có chứa macro"
RATIO = "Tệp có tỷ lệ nén bất thường (nghi là tệp độc hại)"
DTD = "Tệp có khai báo DTD/thực thể XML"
OLD_EXCEL = "Tệp là bảng tính Excel 97-2003 (.xls) được đổi tên thành .xlsx"
TRUNCATED = "hoặc đã bị hỏng, thiếu phần cuối"
TOO_LARGE = "Tệp quá lớn"


def encrypted_xlsx() -> bytes:
    # What Excel writes for "Encrypt with password": the zip, encrypted, inside an OLE2 file.
    return hostile_files.cfb_bytes(
        {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x99" * 9000}
    )


def renamed_xls() -> bytes:
    return hostile_files.cfb_bytes({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" * 600})


HOSTILE_IMPORTS = {
    "zip bomb": (hostile_files.zip_bomb, RATIO),
    "billion laughs": (hostile_files.billion_laughs, DTD),
    "renamed .xls": (renamed_xls, OLD_EXCEL),
    "encrypted": (encrypted_xlsx, ENCRYPTED),
    "macro workbook": (hostile_files.macro_workbook, MACRO),
    "truncated": (hostile_files.truncated, TRUNCATED),
}


def db_state() -> tuple:
    return (
        list(Unit.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        ImportBatch.objects.count(),
    )


def timed_post(client, url: str, fields: dict):
    """POST as a browser sends a form with a file; the response and the seconds the server took.

    The multipart body is encoded before the clock starts: the test client builds it in memory,
    which a browser does on the person's computer, not on the server.
    """
    body = encode_multipart(BOUNDARY, fields)
    started = time.perf_counter()
    response = client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    return response, time.perf_counter() - started


def post_import(client, data: bytes, name: str = "nhap.xlsx"):
    return timed_post(client, reverse("import_upload"), {"file": SimpleUploadedFile(name, data)})


def form_message(response) -> str:
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert escape(message) in response.content.decode()  # shown on the page, not only in the form
    return message


@pytest.mark.parametrize("case", HOSTILE_IMPORTS, ids=list(HOSTILE_IMPORTS))
def test_hostile_workbook_is_refused_fast_with_nothing_written(login, staff, people, settings, case):
    make, fragment = HOSTILE_IMPORTS[case]
    data = make()
    # Raised so the 15 MB bomb reaches the structure check instead of stopping at the size limit.
    settings.IMPORT_MAX_BYTES = 20 * 1024 * 1024
    client = login(staff)
    before = db_state()
    response, seconds = post_import(client, data)
    assert fragment in form_message(response)
    assert seconds < 1, f"{case}: {seconds:.2f} s"
    assert db_state() == before
    assert not ImportBatch.objects.exists()


def test_the_bomb_is_about_15_mb_and_expands_past_600_mb():
    import zipfile

    data = hostile_files.zip_bomb()
    assert 14 * 1024 * 1024 < len(data) < 16 * 1024 * 1024
    archive = zipfile.ZipFile(io.BytesIO(data))
    expanded = 0
    with archive.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(64 * 1024 * 1024):
            expanded += len(chunk)
    assert expanded > 600 * 1024 * 1024


def test_a_good_workbook_still_previews(login, staff, people):
    response, _ = post_import(login(staff), hostile_files.real_workbook())
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


def test_openpyxl_itself_refuses_entities_in_a_sheet():
    """The parser behind the upload check: even unchecked, a billion-laughs sheet never expands."""
    with pytest.raises(Exception) as raised:  # the type varies; its cause is checked below
        book = openpyxl.load_workbook(io.BytesIO(hostile_files.billion_laughs()), read_only=True)
        list(book.worksheets[0].iter_rows(values_only=True))
    error, causes = raised.value, []
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(cause, DefusedXmlException) for cause in causes), causes


# Size: past Django's in-memory limits, the form's own message --------------------------------


def test_import_past_every_django_upload_limit_gets_the_vietnamese_message(login, staff, people, settings):
    size = settings.IMPORT_MAX_BYTES + 5 * 1024 * 1024
    assert size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    client = login(staff)
    before = db_state()
    response, _ = post_import(client, hostile_files.real_workbook().ljust(size, b"\0"))
    message = form_message(response)
    assert message.startswith(TOO_LARGE) and "giới hạn là 10 MB" in message
    assert db_state() == before


def test_the_bomb_at_the_default_limit_stops_at_the_size_check(login, staff, people):
    response, seconds = post_import(login(staff), hostile_files.zip_bomb())
    assert form_message(response).startswith(TOO_LARGE)
    assert seconds < 1
    assert not ImportBatch.objects.exists()


# Document attachments -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post_document(client, unit, name: str, content: bytes):
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "kind": DocumentKind.PLAN,
        "number": "12-KH/CB",
        "issued_on": "15/01/2025",
        "title": "Kế hoạch năm 2025",
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    }
    return timed_post(client, reverse("documents_create"), data)


def broken_docx() -> bytes:
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    return hostile_files.replace_entries(
        hostile_files.real_workbook(),
        {"[Content_Types].xml": types, "word/document.xml": b"<w:document><w:body"},
    )


HOSTILE_ATTACHMENTS = {
    "encrypted .xlsx": ("so-lieu.xlsx", encrypted_xlsx, ENCRYPTED),
    "encrypted .docx": ("ke-hoach.docx", encrypted_xlsx, ENCRYPTED),
    "zip bomb .xlsx": ("so-lieu.xlsx", hostile_files.zip_bomb, RATIO),
    "billion laughs .xlsx": ("so-lieu.xlsx", hostile_files.billion_laughs, DTD),
    "macro workbook": ("so-lieu.xlsx", hostile_files.macro_workbook, MACRO),
    "renamed .xls": ("so-lieu.xlsx", renamed_xls, "Nội dung tệp không đúng định dạng .xlsx"),
    "truncated": ("so-lieu.xlsx", hostile_files.truncated, "Nội dung tệp không đúng định dạng .xlsx"),
    "broken XML part": ("ke-hoach.docx", broken_docx, "Tệp bị hỏng, không đọc được nội dung"),
}


@pytest.mark.parametrize("case", HOSTILE_ATTACHMENTS, ids=list(HOSTILE_ATTACHMENTS))
def test_hostile_attachment_is_refused_with_nothing_stored(login, secretary_a, tree, media, case):
    name, make, fragment = HOSTILE_ATTACHMENTS[case]
    content = make()
    response, seconds = post_document(login(secretary_a), tree["cell_a"], name, content)
    assert response.status_code == 200
    assert escape(fragment) in response.content.decode()
    assert seconds < 1, f"{case}: {seconds:.2f} s"
    assert not Document.all_objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_attachment_past_every_django_upload_limit_gets_the_vietnamese_message(
    login, secretary_a, tree, media, settings
):
    size = settings.DOCUMENT_MAX_BYTES + 1024 * 1024
    assert size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    content = b"%PDF-1.4\n".ljust(size, b" ")
    response, _ = post_document(login(secretary_a), tree["cell_a"], "lon.pdf", content)
    assert response.status_code == 200
    assert "Tệp quá lớn (21 MB); giới hạn là 20 MB." in response.content.decode()
    assert not Document.all_objects.exists()


# Start-up assertion ---------------------------------------------------------------------------


# The model checks ask the database about JSON support.
@pytest.mark.django_db
def test_system_check_passes_with_defusedxml_in_use():
    call_command("check")


@pytest.mark.django_db
def test_system_check_refuses_to_run_without_defusedxml(monkeypatch):
    monkeypatch.setattr("openpyxl.xml.DEFUSEDXML", False)
    with pytest.raises(SystemCheckError, match=r"party\.E001"):
        call_command("check")


@pytest.mark.django_db
def test_system_check_refuses_when_openpyxl_parses_with_the_standard_library(monkeypatch):
    from xml.etree.ElementTree import iterparse

    monkeypatch.setattr("openpyxl.xml.functions.iterparse", iterparse)
    with pytest.raises(SystemCheckError, match=r"party\.E001"):
        call_command("check")
