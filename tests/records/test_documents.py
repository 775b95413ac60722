"""Documents and their attached files through HTTP: upload checks, storage, download, scope, deletion."""

import datetime
import io
import re
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from party.models import Document, DocumentKind
from party.records.files import DOCX, PDF, XLSX

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Kế hoạch thực hiện Chỉ thị 05</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": document})


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Chi bộ", "Số đảng viên"])
    workbook.active.append(["Chi bộ A", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def macro_xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "xl/workbook.xml": "<workbook/>",
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in a temporary directory; returns it to look at what reached the disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def document_data(unit, file=None, **overrides) -> dict:
    data = {
        "version": "0",
        "unit": str(unit.pk),
        "kind": DocumentKind.PLAN,
        "number": "12-KH/CB",
        "issued_on": "15/01/2025",
        "title": "Kế hoạch học tập và làm theo Bác năm 2025",
    }
    if file is not None:
        data["file"] = file
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_document(unit, file: tuple[str, bytes, str] | None = None, **fields) -> Document:
    fields.setdefault("kind", DocumentKind.GUIDANCE)
    fields.setdefault("issued_on", datetime.date(2025, 2, 1))
    fields.setdefault("title", "Hướng dẫn")
    document = Document(unit=unit, **fields)
    if file:
        name, content, content_type = file
        document.file_original_name, document.file_content_type, document.file_size = (
            name,
            content_type,
            len(content),
        )
        document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def download(client, document) -> tuple[int, dict, bytes]:
    response = client.get(reverse("document_file", args=[document.pk]))
    # Reading the stream to its end closes the file (the test client wraps it); closing the
    # response by hand would fire request_finished and close the test's database connection.
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response.status_code, response, content


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("Kế hoạch số 12.pdf", PDF_BYTES, PDF, ".pdf"),
        ("Hướng dẫn.docx", docx_bytes(), DOCX, ".docx"),
        ("BÁO CÁO SỐ LIỆU.XLSX", xlsx_bytes(), XLSX, ".xlsx"),
    ],
)
def test_secretary_uploads_a_document_stored_under_a_generated_name(
    login, secretary_a, tree, media, name, content, content_type, extension
):
    client = login(secretary_a)
    response = client.post(reverse("documents_create"), document_data(tree["cell_a"], upload(name, content)))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents_detail", args=[document.pk])
    assert (document.unit, document.kind, document.number, document.issued_on) == (
        tree["cell_a"],
        DocumentKind.PLAN,
        "12-KH/CB",
        datetime.date(2025, 1, 15),
    )
    assert (document.file_original_name, document.file_content_type, document.file_size) == (
        name,
        content_type,
        len(content),
    )
    assert re.fullmatch(rf"documents/[0-9a-f]{{32}}\{extension}", document.file.name)
    assert stored_files(media) == [document.file.name.removeprefix("documents/")]
    assert (media / document.file.name).read_bytes() == content
    page = client.get(response["Location"]).content.decode()
    assert "Kế hoạch học tập và làm theo Bác năm 2025" in page and "12-KH/CB" in page
    assert f'<a href="{reverse("document_file", args=[document.pk])}">{name}</a>' in page

    status, download_response, body = download(client, document)
    assert status == 200 and body == content
    assert download_response["Content-Type"] == content_type
    assert download_response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"


def test_a_document_without_a_file_is_fine_and_its_file_url_is_404(login, staff, tree, media):
    client = login(staff)
    response = client.post(
        reverse("documents_create"), document_data(tree["committee"], kind=DocumentKind.DIRECTIVE)
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.unit, document.kind, document.file.name) == (
        tree["committee"],
        DocumentKind.DIRECTIVE,
        "",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Chỉ thị" in page and reverse("document_file", args=[document.pk]) not in page
    assert download(client, document)[0] == 404
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "Chỉ nhận tệp PDF, Word (.doc, .docx) hoặc Excel (.xls, .xlsx).",
        ),
        (
            "ghi chu.txt",
            "Nội dung".encode(),
            "Chỉ nhận tệp PDF, Word (.doc, .docx) hoặc Excel (.xls, .xlsx).",
        ),
        ("khong-duoi", PDF_BYTES, "Chỉ nhận tệp PDF"),
        ("bang-tinh.pdf", xlsx_bytes(), "Nội dung tệp không đúng định dạng .pdf (tệp có thể bị đổi tên"),
        ("van-ban.docx", PDF_BYTES, "Nội dung tệp không đúng định dạng .docx (tệp có thể bị đổi tên"),
        ("van-ban.xlsx", docx_bytes(), "Nội dung tệp không đúng định dạng .xlsx"),
        ("hong.pdf", b"khong phai PDF", "Nội dung tệp không đúng định dạng .pdf"),
        ("co-macro.xlsx", macro_xlsx_bytes(), "Tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro"),
        ("co-macro.xlsm", macro_xlsx_bytes(), "Chỉ nhận tệp PDF"),
        ("rong.pdf", b"", "Tập tin được gửi là rỗng."),
    ],
)
def test_refused_files_save_nothing(login, secretary_a, tree, media, name, content, message):
    client = login(secretary_a)
    response = client.post(reverse("documents_create"), document_data(tree["cell_a"], upload(name, content)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.all_objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused_one_at_the_limit_accepted(
    login, secretary_a, tree, media, settings
):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    client = login(secretary_a)
    too_big = PDF_BYTES + b" " * (1536 * 1024 - len(PDF_BYTES))
    response = client.post(
        reverse("documents_create"), document_data(tree["cell_a"], upload("lon.pdf", too_big))
    )
    assert response.status_code == 200
    assert "Tệp quá lớn (1,5 MB); giới hạn là 1 MB." in response.content.decode()
    one_byte_over = PDF_BYTES + b" " * (1024 * 1024 + 1 - len(PDF_BYTES))
    response = client.post(
        reverse("documents_create"), document_data(tree["cell_a"], upload("lon.pdf", one_byte_over))
    )
    assert "Tệp quá lớn (1,1 MB); giới hạn là 1 MB." in response.content.decode()
    assert not Document.all_objects.exists() and stored_files(media) == []
    just_fits = PDF_BYTES + b" " * (1024 * 1024 - len(PDF_BYTES))
    response = client.post(
        reverse("documents_create"), document_data(tree["cell_a"], upload("vua.pdf", just_fits))
    )
    assert response.status_code == 302
    assert Document.objects.get().file_size == 1024 * 1024


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Trường này là bắt buộc"),
        ({"issued_on": ""}, "Trường này là bắt buộc"),
        ({"issued_on": "2025/01/15"}, "Nhập một ngày hợp lệ"),
        ({"kind": "memo"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, media, overrides, message):
    client = login(secretary_a)
    data = document_data(tree["cell_a"], upload("kh.pdf", PDF_BYTES), **overrides)
    response = client.post(reverse("documents_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.all_objects.exists() and stored_files(media) == []


def test_edit_keeps_the_file_unless_replaced_and_clear_keeps_it_in_storage(login, secretary_a, tree, media):
    document = make_document(tree["cell_a"], file=("Cũ.pdf", PDF_BYTES, PDF), title="Tên cũ")
    first_name = document.file.name
    client = login(secretary_a)
    url = reverse("documents_edit", args=[document.pk])
    form_page = client.get(url).content.decode()
    # The current file by its original name, linked to the checked download; the stored name stays hidden.
    assert f'<a href="{reverse("document_file", args=[document.pk])}">Cũ.pdf</a>' in form_page
    assert first_name.removeprefix("documents/") not in form_page

    # Saving without touching the file keeps it.
    assert client.post(url, document_data(tree["cell_a"], version="1", title="Tên mới")).status_code == 302
    document.refresh_from_db()
    assert (document.title, document.file.name, document.file_original_name) == (
        "Tên mới",
        first_name,
        "Cũ.pdf",
    )

    # A new upload replaces it under a new generated name, with its own facts.
    new = xlsx_bytes()
    data = document_data(tree["cell_a"], upload("Số liệu.xlsx", new), version="2")
    assert client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.file.name != first_name and document.file.name.endswith(".xlsx")
    assert (document.file_original_name, document.file_content_type, document.file_size) == (
        "Số liệu.xlsx",
        XLSX,
        len(new),
    )
    assert download(client, document)[2] == new
    second_name = document.file.name

    # "Clear" detaches the file from the document; the stored file stays for the history.
    data = document_data(tree["cell_a"], version="3", **{"file-clear": "on"})
    response = client.post(url, data)
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.file.name, document.file_original_name, document.file_size) == ("", "", None)
    assert (media / second_name).read_bytes() == new
    assert (media / first_name).exists()
    assert download(client, document)[0] == 404
    assert "Số liệu.xlsx" not in client.get(response["Location"]).content.decode()
    assert document.history.count() == 4


def test_clearing_and_uploading_at_once_is_refused(login, secretary_a, tree, media):
    document = make_document(tree["cell_a"], file=("Cũ.pdf", PDF_BYTES, PDF))
    client = login(secretary_a)
    data = document_data(tree["cell_a"], upload("moi.pdf", PDF_BYTES), version="1", **{"file-clear": "on"})
    response = client.post(reverse("documents_edit", args=[document.pk]), data)
    assert response.status_code == 200
    assert "Vui lòng gửi một tập tin hoặc để ô chọn trắng, không chọn cả hai." in response.content.decode()
    document.refresh_from_db()
    assert document.file_original_name == "Cũ.pdf" and document.version == 1


def test_download_name_has_no_quotes_or_path(login, staff, tree, media):
    document = make_document(tree["cell_a"], file=('..\\tmp\\bao "cao".pdf', PDF_BYTES, PDF))
    status, response, _ = download(login(staff), document)
    assert status == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao cao.pdf"'


def test_file_url_is_404_outside_scope_and_after_deletion(
    login, staff, secretary_a, secretary_b, viewer, outsider, tree, media
):
    document = make_document(tree["cell_a"], file=("Kế hoạch.pdf", PDF_BYTES, PDF))
    assert download(login(secretary_a), document)[:3:2] == (200, PDF_BYTES)
    assert download(login(viewer), document)[:3:2] == (200, PDF_BYTES)
    assert download(login(secretary_b), document)[0] == 404
    assert download(login(outsider), document)[0] == 404
    client = login(staff)
    assert client.post(reverse("documents_delete", args=[document.pk])).status_code == 302
    assert download(client, document)[0] == 404
    assert (media / document.file.name).exists()  # marked deleted: an admin can restore it whole


def test_file_url_needs_a_login(client, tree, media):
    document = make_document(tree["cell_a"], file=("Kế hoạch.pdf", PDF_BYTES, PDF))
    response = client.get(reverse("document_file", args=[document.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_missing_stored_file_gives_404(login, staff, tree, media):
    document = make_document(tree["cell_a"], file=("Kế hoạch.pdf", PDF_BYTES, PDF))
    (media / document.file.name).unlink()
    assert download(login(staff), document)[0] == 404


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree, shown):
    make_document(tree["cell_a"], title="Kế hoạch của chi bộ A", kind=DocumentKind.PLAN, number="05-KH/CB")
    make_document(
        tree["cell_b"],
        title="Báo cáo sơ kết chi bộ B",
        kind=DocumentKind.REPORT,
        issued_on=datetime.date(2024, 7, 1),
    )
    make_document(
        tree["committee"],
        title="Nghị quyết Đảng bộ",
        kind=DocumentKind.RESOLUTION,
        issued_on=datetime.date(2025, 9, 2),
    )
    client = login(staff)
    titles = ["Nghị quyết Đảng bộ", "Kế hoạch của chi bộ A", "Báo cáo sơ kết chi bộ B"]
    assert shown(client, "documents", titles) == titles
    assert shown(client, "documents", titles, year=2024) == ["Báo cáo sơ kết chi bộ B"]
    assert shown(client, "documents", titles, unit=tree["cell_a"].pk) == ["Kế hoạch của chi bộ A"]
    assert shown(client, "documents", titles, unit=tree["committee"].pk) == titles
    assert shown(client, "documents", titles, kind=DocumentKind.RESOLUTION) == ["Nghị quyết Đảng bộ"]
    assert shown(client, "documents", titles, q="bao cao so ket") == ["Báo cáo sơ kết chi bộ B"]
    assert shown(client, "documents", titles, q="05-kh") == ["Kế hoạch của chi bộ A"]  # by number


def test_secretary_sees_only_their_cells_documents(login, secretary_a, tree, shown):
    make_document(tree["cell_a"], title="Của chi bộ A")
    make_document(tree["cell_b"], title="Của chi bộ B")
    make_document(tree["committee"], title="Của Đảng bộ")
    client = login(secretary_a)
    titles = ["Của chi bộ A", "Của chi bộ B", "Của Đảng bộ"]
    assert shown(client, "documents", titles) == ["Của chi bộ A"]
    assert shown(client, "documents", titles, q="cua") == ["Của chi bộ A"]


def test_other_cells_secretary_gets_404_and_sees_nothing(secretary_b, tree, media, assert_hidden_from):
    document = make_document(tree["cell_a"], title="Riêng của chi bộ A", file=("a.pdf", PDF_BYTES, PDF))
    data = document_data(tree["cell_b"], upload("b.pdf", PDF_BYTES))
    assert_hidden_from(secretary_b, "documents", document, "Riêng của chi bộ A", "rieng", data)
    document.refresh_from_db()
    assert document.file_original_name == "a.pdf"
    assert len(stored_files(media)) == 1


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree, media):
    document = make_document(tree["cell_a"], title="Hướng dẫn số 3")
    client = login(viewer)
    assert "Hướng dẫn số 3" in client.get(reverse("documents_detail", args=[document.pk])).content.decode()
    assert client.get(reverse("documents_create")).status_code == 403
    data = document_data(tree["cell_a"], upload("a.pdf", PDF_BYTES))
    assert client.post(reverse("documents_create"), data).status_code == 403
    edit_url = reverse("documents_edit", args=[document.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {**data, "version": "1"}).status_code == 403
    assert Document.objects.count() == 1 and stored_files(media) == []


def test_only_committee_staff_delete_after_confirmation(
    staff, secretary_a, viewer, tree, media, assert_staff_only_deletion
):
    document = make_document(tree["cell_a"], file=("a.pdf", PDF_BYTES, PDF))
    assert_staff_only_deletion("documents", document, staff=staff, others=[secretary_a, viewer])


# OLE2 (.doc, .xls) files: built here as the signature, padding and 128-byte directory entries
# (a UTF-16LE name padded with NULs), which is all the check reads.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_REFUSED = "Tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx)."


def ole2_entry(name: str) -> bytes:
    return name.encode("utf-16-le").ljust(128, b"\x00")


def ole2_bytes(*names: str, at: int = 70 * 1024, size: int | None = None) -> bytes:
    """An OLE2-like file whose directory entries start at byte `at` (beyond the first 64 KB)."""
    head = OLE2_SIGNATURE.ljust(at, b"\x00")
    content = head + b"".join(ole2_entry(name) for name in names)
    return content.ljust(size or len(content), b"\x00")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Nghị quyết.doc", ole2_bytes("Root Entry", "WordDocument"), "application/msword"),
        ("Số liệu.xls", ole2_bytes("Root Entry", "Workbook"), "application/vnd.ms-excel"),
        # Body text that mentions VBA (no NUL after it) is no macro storage.
        (
            "Hướng dẫn VBA.doc",
            ole2_bytes("WordDocument") + "Tài liệu về VBA và Macros.".encode("utf-16-le"),
            "application/msword",
        ),
    ],
)
def test_word_and_excel_97_files_are_recognised_beyond_the_first_64_kb(
    login, secretary_a, tree, media, name, content, content_type
):
    client = login(secretary_a)
    response = client.post(reverse("documents_create"), document_data(tree["cell_a"], upload(name, content)))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.file_content_type, document.file_size) == (content_type, len(content))
    assert (media / document.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("co-macro.doc", ole2_bytes("Root Entry", "WordDocument", "Macros", "VBA")),
        ("co-macro.xls", ole2_bytes("Root Entry", "Workbook", "_VBA_PROJECT_CUR", "VBA")),
        ("chi-vba.xls", ole2_bytes("Root Entry", "Workbook", "VBA")),
        # "Macros" split across the first two 1 MiB chunks the check reads.
        (
            "giua-hai-doan.doc",
            ole2_bytes("WordDocument", "Macros", at=1024 * 1024 - 128 - 5, size=1100 * 1024),
        ),
    ],
)
def test_word_and_excel_97_files_with_macros_are_refused(login, secretary_a, tree, media, name, content):
    client = login(secretary_a)
    response = client.post(reverse("documents_create"), document_data(tree["cell_a"], upload(name, content)))
    assert response.status_code == 200
    assert MACRO_REFUSED in response.content.decode()
    assert not Document.all_objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("original", ["", "\x1f\x7f", "thu-muc/"])
def test_a_file_without_a_usable_name_downloads_as_van_ban_with_its_extension(
    login, staff, tree, media, original
):
    document = make_document(tree["cell_a"], file=("tep.pdf", PDF_BYTES, PDF))
    document.file_original_name = original
    document.save()
    status, response, _ = download(login(staff), document)
    assert status == 200
    assert response["Content-Disposition"] == 'attachment; filename="van-ban.pdf"'
