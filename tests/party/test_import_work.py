"""Meetings, inspections, documents and conferences of past years loaded from Excel, through the
import pages with real logins: upload, preview, confirm, then the rows read back.

The headers below are the public contract of the template; a file with any bad row writes nothing.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from party.models import (
    ConductingBody,
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    ImportBatch,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Meeting,
    MeetingKind,
    Theme,
    UnitKind,
)
from tests.conftest import make_unit

MEETINGS = "Sinh hoạt chi bộ"
INSPECTIONS = "Kiểm tra, giám sát"
DOCUMENTS = "Văn bản"
CONFERENCES = "Hội nghị, sự kiện"
COLUMNS: dict[str, list[tuple[str, str]]] = {
    MEETINGS: [
        ("unit_code", "Mã chi bộ*"),
        ("held_on", "Ngày sinh hoạt*"),
        ("kind", "Hình thức*"),
        ("includes_directive", "Có nội dung Chỉ thị 05"),
        ("topic", "Nội dung, chủ đề"),
        ("theme", "Chuyên đề"),
        ("attendance_present", "Số có mặt*"),
        ("attendance_expected", "Số phải dự*"),
        ("note", "Ghi chú"),
    ],
    INSPECTIONS: [
        ("unit_code", "Mã đơn vị tiến hành*"),
        ("kind", "Loại*"),
        ("conducted_by", "Chủ thể tiến hành*"),
        ("about_directive", "Về Chỉ thị 05"),
        ("subject", "Nội dung kiểm tra, giám sát*"),
        ("target_units", "Đơn vị được kiểm tra, giám sát"),
        ("started_on", "Ngày bắt đầu*"),
        ("ended_on", "Ngày kết thúc"),
        ("conclusion", "Kết luận"),
        ("content", "Hạn chế, khuyết điểm"),
        ("remedy", "Yêu cầu khắc phục"),
        ("deadline", "Thời hạn khắc phục"),
        ("closed_on", "Ngày đã khắc phục"),
    ],
    DOCUMENTS: [
        ("unit_code", "Mã đơn vị ban hành*"),
        ("kind", "Loại văn bản*"),
        ("number", "Số, ký hiệu"),
        ("issued_on", "Ngày ban hành*"),
        ("title", "Trích yếu*"),
    ],
    CONFERENCES: [
        ("unit_code", "Mã đơn vị tổ chức*"),
        ("kind", "Loại*"),
        ("held_on", "Ngày tổ chức*"),
        ("title", "Tên hội nghị, sự kiện*"),
        ("participants", "Số người dự"),
        ("theme", "Chuyên đề"),
        ("note", "Ghi chú"),
    ],
}
STAFF_ONLY = "Chỉ cán bộ đảng ủy được nhập trang"

# Building workbooks and going through the pages -------------------------------------------


def workbook(sheets: dict[str, list[dict]], columns: dict[str, list[tuple[str, str]]] = COLUMNS) -> bytes:
    """An .xlsx with the given sheets; rows are dicts keyed by field name, None a blank line."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        names = [name for name, _ in columns[title]]
        sheet.append([header for _, header in columns[title]])
        for row in rows:
            if row is None:
                sheet.append([])
                continue
            assert not set(row) - set(names), row
            sheet.append([row.get(name) for name in names])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(client, data: bytes):
    return client.post(reverse("import_upload"), {"file": SimpleUploadedFile("nhap.xlsx", data)})


def preview(client, data: bytes) -> tuple[ImportBatch, str]:
    response = upload(client, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    page = client.get(response.url)
    assert page.status_code == 200
    return batch, page.content.decode()


def confirm(client, batch: ImportBatch) -> str:
    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return client.get(response.url).content.decode()


def load(client, data: bytes) -> str:
    """Preview and confirm a file that must be valid; the confirmation page."""
    batch, _ = preview(client, data)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary["errors"]
    return html


COUNTS = re.compile(
    r"Trang “(?P<title>[^”]+)”</h2>\s*<p>(?:Sẽ|Đã) thêm <strong>(?P<created>\d+)</strong>,\s*"
    r"(?:sẽ|đã) sửa <strong>(?P<updated>\d+)</strong>,\s*giữ nguyên <strong>(?P<unchanged>\d+)</strong>"
)


def sheet_counts(html: str) -> dict[str, tuple[int, int, int]]:
    return {
        m["title"]: (int(m["created"]), int(m["updated"]), int(m["unchanged"])) for m in COUNTS.finditer(html)
    }


def errors_of(batch: ImportBatch) -> list[tuple]:
    return [(e["sheet"], e["row"], e["column"], e["message"]) for e in batch.summary["errors"]]


def db_state() -> tuple:
    """Every row these sheets write (deleted ones too) and their history, to prove nothing was written."""
    state = [
        list(model._base_manager.order_by("pk").values())
        for model in (Meeting, Inspection, InspectionFinding, Document, Conference)
    ]
    state.append(list(Inspection.target_units.through.objects.order_by("pk").values()))
    state += [
        model.history.count() for model in (Meeting, Inspection, InspectionFinding, Document, Conference)
    ]
    return tuple(state)


def assert_refused(client, data: bytes) -> list[tuple]:
    """The file is refused with errors, nothing is written, and no confirmation is offered."""
    before = db_state()
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.FAILED
    assert "chưa ghi dữ liệu nào" in html
    assert "Xác nhận ghi dữ liệu" not in html
    client.post(reverse("import_confirm", args=[batch.pk]))
    assert db_state() == before
    return errors_of(batch)


# Rows ------------------------------------------------------------------------------------------


def meeting(code="CBA", held_on="05/03/2025", kind="Định kỳ", **fields):
    row = {"unit_code": code, "held_on": held_on, "kind": kind}
    return {**row, "attendance_present": 10, "attendance_expected": 12, **fields}


def inspection(code="DB", started_on="08/09/2025", subject="Việc thực hiện Chỉ thị 05 năm 2025", **fields):
    row = {"unit_code": code, "kind": "Kiểm tra", "conducted_by": "Ủy ban Kiểm tra"}
    return {**row, "subject": subject, "started_on": started_on, **fields}


def document(code="DB", issued_on="20/01/2025", title="Thực hiện Chỉ thị 05-CT/TW năm 2025", **fields):
    return {"unit_code": code, "kind": "Kế hoạch", "issued_on": issued_on, "title": title, **fields}


def conference(code="DB", held_on="10/07/2025", title="Hội nghị sơ kết 6 tháng", **fields):
    return {"unit_code": code, "kind": "Hội nghị sơ kết", "held_on": held_on, "title": title, **fields}


def good_sheets() -> dict[str, list[dict]]:
    return {
        MEETINGS: [
            meeting(
                includes_directive="Có",
                topic="Kiểm điểm bản đăng ký quý I",
                attendance_present=11,
                note="Vắng 1 có lý do",
            ),
            meeting(
                held_on=datetime.date(2025, 5, 19), kind="sinh hoat chuyen de", topic="Phong cách Hồ Chí Minh"
            ),
            meeting("cbb", "05/03/2025", attendance_present=8, attendance_expected=8),
            meeting(held_on="05/03/2024", includes_directive="Không"),
        ],
        INSPECTIONS: [
            inspection(
                about_directive="Có",
                target_units="CBA; cbb",
                ended_on="30/09/2025",
                conclusion="Thực hiện tốt",
                content="Chưa sơ kết hằng quý",
                remedy="Tổ chức sơ kết quý IV",
                deadline="31/12/2025",
            ),
            # The same inspection: blank cells take the first row's values.
            inspection(content="Hồ sơ sinh hoạt chưa đủ", remedy="Bổ sung biên bản", closed_on="20/10/2025"),
            inspection(
                "CBA", "15/04/2025", "Tự giám sát việc đăng ký", kind="giam sat", conducted_by="Chi bộ"
            ),
        ],
        DOCUMENTS: [
            document(number="25-KH/ĐU"),
            document("CBA", "25/06/2025", "Sơ kết 6 tháng", kind="Báo cáo", number="08-BC/CB"),
            document(issued_on="01/02/2025", title="Hướng dẫn đăng ký việc làm theo Bác", kind="huong dan"),
        ],
        CONFERENCES: [
            conference(participants=85, note="Biểu dương 5 tập thể"),
            conference(
                held_on="20/12/2025",
                title="Họp mặt gương điển hình",
                kind="Họp mặt, tuyên dương gương điển hình",
                theme=Theme.objects.get().title.upper(),
            ),
        ],
    }


def good_workbook() -> bytes:
    return workbook(good_sheets())


# A good workbook --------------------------------------------------------------------------------


def test_four_kinds_of_records_preview_then_write(login, staff, tree):
    client = login(staff)
    before = db_state()
    batch, html = preview(client, good_workbook())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    counts = {MEETINGS: (4, 0, 0), INSPECTIONS: (2, 0, 0), DOCUMENTS: (3, 0, 0), CONFERENCES: (2, 0, 0)}
    assert sheet_counts(html) == counts
    assert "CBA — Sinh hoạt định kỳ 05/03/2025" in html
    assert "DB — Kiểm tra từ 08/09/2025: Việc thực hiện Chỉ thị 05 năm 2025 (2 nội dung khắc phục)" in html
    assert db_state() == before  # the preview writes nothing

    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert sheet_counts(html) == counts

    cell_a, cell_b, committee = tree["cell_a"], tree["cell_b"], tree["committee"]
    first = Meeting.objects.get(unit=cell_a, held_on=datetime.date(2025, 3, 5))
    assert (first.kind, first.includes_directive, first.topic, first.theme) == (
        MeetingKind.REGULAR,
        True,
        "Kiểm điểm bản đăng ký quý I",
        None,
    )
    assert (first.attendance_present, first.attendance_expected, first.note) == (11, 12, "Vắng 1 có lý do")
    assert first.search_text == "kiem diem ban dang ky quy i vang 1 co ly do"  # bulk rows get their key
    thematic = Meeting.objects.get(unit=cell_a, held_on=datetime.date(2025, 5, 19))
    assert (thematic.kind, thematic.includes_directive) == (MeetingKind.THEMATIC, False)
    assert Meeting.objects.get(unit=cell_b).attendance_present == 8
    assert Meeting.objects.count() == 4

    audit = Inspection.objects.get(unit=committee)
    assert (audit.kind, audit.conducted_by, audit.about_directive) == (
        InspectionKind.INSPECTION,
        ConductingBody.INSPECTION_COMMISSION,
        True,
    )
    assert (audit.started_on, audit.ended_on, audit.conclusion) == (
        datetime.date(2025, 9, 8),
        datetime.date(2025, 9, 30),
        "Thực hiện tốt",
    )
    assert {u.code for u in audit.target_units.all()} == {"CBA", "CBB"}
    assert [(f.content, f.remedy, f.deadline, f.closed_on, f.position) for f in audit.findings.all()] == [
        ("Chưa sơ kết hằng quý", "Tổ chức sơ kết quý IV", datetime.date(2025, 12, 31), None, 1),
        ("Hồ sơ sinh hoạt chưa đủ", "Bổ sung biên bản", None, datetime.date(2025, 10, 20), 2),
    ]
    own = Inspection.objects.get(unit=cell_a)
    assert (own.kind, own.conducted_by, own.about_directive) == (
        InspectionKind.SUPERVISION,
        ConductingBody.CELL,
        False,
    )
    assert not own.findings.exists()
    assert audit.search_text.startswith("viec thuc hien chi thi 05")

    plan = Document.objects.get(number="25-KH/ĐU")
    assert (plan.unit, plan.kind, plan.issued_on, plan.title, plan.file.name) == (
        committee,
        DocumentKind.PLAN,
        datetime.date(2025, 1, 20),
        "Thực hiện Chỉ thị 05-CT/TW năm 2025",
        "",
    )
    assert Document.objects.get(unit=cell_a).kind == DocumentKind.REPORT
    assert Document.objects.get(number="").kind == DocumentKind.GUIDANCE
    assert plan.search_text == "25-kh/du thuc hien chi thi 05-ct/tw nam 2025"

    review = Conference.objects.get(kind=ConferenceKind.PRELIMINARY_REVIEW)
    assert (review.unit, review.held_on, review.participants, review.theme, review.note) == (
        committee,
        datetime.date(2025, 7, 10),
        85,
        None,
        "Biểu dương 5 tập thể",
    )
    gathering = Conference.objects.get(kind=ConferenceKind.EXEMPLARS_MEETING)
    assert gathering.theme == Theme.objects.get()  # found by its title, forgiving case
    assert gathering.participants is None

    # Every record has its history entry, by the person who confirmed.
    for model, count in (
        (Meeting, 4),
        (Inspection, 2),
        (InspectionFinding, 2),
        (Document, 3),
        (Conference, 2),
    ):
        assert model.history.filter(history_type="+").count() == count
        assert set(model.history.values_list("history_user", flat=True)) == {staff.pk}
        assert set(model.history.values_list("history_change_reason", flat=True)) == {"Nhập từ Excel"}


def test_reimporting_the_same_workbook_changes_nothing(login, staff, tree):
    client = login(staff)
    load(client, good_workbook())
    after_first = db_state()

    batch, html = preview(client, good_workbook())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {
        MEETINGS: (0, 0, 4),
        INSPECTIONS: (0, 0, 2),
        DOCUMENTS: (0, 0, 3),
        CONFERENCES: (0, 0, 2),
    }
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert db_state() == after_first


def test_changed_cells_update_the_record_and_the_preview_says_how(login, staff, tree):
    client = login(staff)
    load(client, good_workbook())
    stored = Meeting.objects.get(unit=tree["cell_a"], held_on=datetime.date(2025, 3, 5))
    audit = Inspection.objects.get(unit=tree["committee"])
    kept = audit.findings.get(content="Chưa sơ kết hằng quý")
    dropped = audit.findings.get(content="Hồ sơ sinh hoạt chưa đủ")

    sheets = good_sheets()
    sheets[MEETINGS][0]["attendance_present"] = 12
    sheets[INSPECTIONS][0].update(target_units="CBA", closed_on="15/12/2025")
    sheets[INSPECTIONS][1] = inspection(content="Chưa lưu biên bản", remedy="Lưu đủ biên bản")
    sheets[DOCUMENTS][0]["title"] = "Kế hoạch thực hiện Chỉ thị 05-CT/TW năm 2025"  # same number: an update
    sheets[CONFERENCES][0]["theme"] = Theme.objects.get().title
    batch, html = preview(client, workbook(sheets))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {
        MEETINGS: (0, 1, 3),
        INSPECTIONS: (0, 1, 1),
        DOCUMENTS: (0, 1, 2),
        CONFERENCES: (0, 1, 1),
    }
    assert "Số có mặt: “11” → “12”" in html
    assert "Đơn vị được kiểm tra, giám sát: “CBA, CBB” → “CBA”" in html
    assert "Nội dung khắc phục “Chưa sơ kết hằng quý”: Ngày đã khắc phục “(trống)” → “15/12/2025”" in html
    assert "Thêm nội dung khắc phục: “Chưa lưu biên bản”" in html
    assert "Bỏ nội dung khắc phục: “Hồ sơ sinh hoạt chưa đủ”" in html
    assert "Trích yếu: “Thực hiện Chỉ thị 05-CT/TW năm 2025” → “Kế hoạch thực hiện" in html
    assert "Chuyên đề: “(trống)” → “Học tập và làm theo" in html

    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    updated = Meeting.objects.get(pk=stored.pk)
    assert (updated.attendance_present, updated.version) == (12, stored.version + 1)
    audit.refresh_from_db()
    assert [u.code for u in audit.target_units.all()] == ["CBA"]
    assert audit.version == 2
    assert [(f.pk, f.content, f.closed_on) for f in audit.findings.all()] == [
        (kept.pk, "Chưa sơ kết hằng quý", datetime.date(2025, 12, 15)),  # the same finding, edited
        (audit.findings.get(content="Chưa lưu biên bản").pk, "Chưa lưu biên bản", None),
    ]
    assert InspectionFinding.history.filter(id=dropped.pk, history_type="-", history_user=staff).exists()
    assert Document.objects.get(number="25-KH/ĐU").title.startswith("Kế hoạch thực hiện")
    assert Document.objects.count() == 3
    assert Conference.objects.get(kind=ConferenceKind.PRELIMINARY_REVIEW).theme == Theme.objects.get()
    assert Meeting.history.filter(id=stored.pk, history_type="~", history_user=staff).count() == 1


def test_an_inspection_without_finding_rows_keeps_the_findings_entered_in_the_browser(login, staff, tree):
    client = login(staff)
    rows = [inspection(target_units="CBA")]
    load(client, workbook({INSPECTIONS: rows}))
    audit = Inspection.objects.get()
    InspectionFinding.objects.create(inspection=audit, content="Chậm nộp báo cáo", remedy="Nộp đúng hạn")

    batch, html = preview(client, workbook({INSPECTIONS: rows}))
    assert sheet_counts(html) == {INSPECTIONS: (0, 0, 1)}
    confirm(client, batch)
    assert [f.content for f in audit.findings.all()] == ["Chậm nộp báo cáo"]


def test_a_document_without_number_is_matched_on_its_title(login, staff, tree):
    client = login(staff)
    rows = [document(title="Hướng dẫn đăng ký"), document(title="Hướng dẫn đánh giá")]
    load(client, workbook({DOCUMENTS: rows}))
    rows[0]["title"] = "Hướng  dẫn\nđăng ký"  # the same title, typed over two lines
    rows[1]["title"] = "HƯỚNG DẪN ĐÁNH GIÁ"  # matched whatever the case, then written as the file has it
    rows[1]["kind"] = "Hướng dẫn"
    batch, html = preview(client, workbook({DOCUMENTS: rows}))
    assert sheet_counts(html) == {DOCUMENTS: (0, 1, 1)}
    assert "Loại văn bản: “Kế hoạch” → “Hướng dẫn”" in html
    assert "Trích yếu: “Hướng dẫn đánh giá” → “HƯỚNG DẪN ĐÁNH GIÁ”" in html
    confirm(client, batch)
    assert Document.objects.count() == 2


def test_a_deleted_record_is_not_matched_and_the_row_creates_it_anew(login, staff, tree):
    client = login(staff)
    rows = [meeting()]
    load(client, workbook({MEETINGS: rows}))
    Meeting.objects.get().mark_deleted(staff)
    batch, html = preview(client, workbook({MEETINGS: rows}))
    assert sheet_counts(html) == {MEETINGS: (1, 0, 0)}
    confirm(client, batch)
    assert Meeting.objects.count() == 1
    assert Meeting.all_objects.count() == 2


def test_meeting_themes_are_found_by_title_in_force_that_year(login, staff, tree):
    old = Theme.objects.get()
    newer = Theme.objects.create(kind="term", title=old.title, start_year=2026, end_year=2030)
    client = login(staff)
    rows = [meeting(held_on="05/03/2025", theme=old.title), meeting(held_on="05/03/2026", theme=old.title)]
    load(client, workbook({MEETINGS: rows}))
    assert [m.theme for m in Meeting.objects.order_by("held_on")] == [old, newer]


# Bad files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "rows", "row", "column", "message"),
    [
        pytest.param(
            MEETINGS,
            [meeting(attendance_present=13)],
            2,
            "G “Số có mặt*”",
            "Số có mặt (13) lớn hơn số phải dự (12).",
            id="meeting-more-present-than-expected",
        ),
        pytest.param(
            MEETINGS,
            [meeting(includes_directive="Có")],
            2,
            "E “Nội dung, chủ đề”",
            "Có nội dung Chỉ thị 05 thì ghi nội dung đã học tập, trao đổi.",
            id="meeting-directive-without-topic",
        ),
        pytest.param(
            MEETINGS,
            [meeting("DB")],
            2,
            "A “Mã chi bộ*”",
            "“DB” là Đảng bộ cơ sở; sinh hoạt chi bộ chỉ ghi cho chi bộ.",
            id="meeting-of-a-committee",
        ),
        pytest.param(
            MEETINGS,
            [meeting(theme="Chuyên đề không có")],
            2,
            "F “Chuyên đề”",
            "Không có chuyên đề “Chuyên đề không có” trong danh mục chuyên đề",
            id="meeting-unknown-theme",
        ),
        pytest.param(
            MEETINGS,
            [meeting(), meeting(kind="Sinh hoạt định kỳ", attendance_present=9)],
            3,
            "B “Ngày sinh hoạt*”",
            "Trùng với dòng 2: cùng buổi sinh hoạt (Mã chi bộ CBA, ngày sinh hoạt 05/03/2025, "
            "hình thức Sinh hoạt định kỳ).",
            id="meeting-twice",
        ),
        pytest.param(
            MEETINGS,
            [meeting(held_on="31/02/2025")],
            2,
            "B “Ngày sinh hoạt*”",
            "Nhập một ngày hợp lệ.",
            id="meeting-bad-date",
        ),
        pytest.param(
            MEETINGS,
            [meeting(kind="Bất thường")],
            2,
            "C “Hình thức*”",
            "Giá trị “Bất thường” không hợp lệ; chọn một trong: “Sinh hoạt định kỳ”, “Sinh hoạt chuyên đề”.",
            id="meeting-unknown-kind",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection("CBA")],
            2,
            "C “Chủ thể tiến hành*”",
            "“CBA” là chi bộ, tự tiến hành: ghi “Chi bộ”.",
            id="inspection-cell-with-a-committee-body",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(conducted_by="Chi bộ")],
            2,
            "C “Chủ thể tiến hành*”",
            "“DB” không phải chi bộ",
            id="inspection-committee-as-a-cell",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(ended_on="01/09/2025")],
            2,
            "H “Ngày kết thúc”",
            "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.",
            id="inspection-ends-before-it-starts",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(content="Chưa sơ kết")],
            2,
            "K “Yêu cầu khắc phục”",
            "Ghi yêu cầu khắc phục của hạn chế, khuyết điểm này.",
            id="finding-without-remedy",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(deadline="31/12/2025")],
            2,
            "J “Hạn chế, khuyết điểm”",
            "Ghi hạn chế, khuyết điểm",
            id="finding-deadline-without-content",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(content="A", remedy="B"), inspection(kind="Giám sát", content="C", remedy="D")],
            3,
            "B “Loại*”",
            "Khác với dòng 2 của cùng cuộc kiểm tra, giám sát: “Kiểm tra” và “Giám sát”.",
            id="inspection-rows-disagree",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(content="A", remedy="B"), inspection(content="a", remedy="C")],
            3,
            "J “Hạn chế, khuyết điểm”",
            "Trùng với hạn chế, khuyết điểm ở dòng 2 của cùng cuộc.",
            id="inspection-finding-twice",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(target_units="CBA, CBZ")],
            2,
            "F “Đơn vị được kiểm tra, giám sát”",
            "Không tìm thấy đơn vị mã “CBZ” trong phạm vi được xem.",
            id="inspection-unknown-target",
        ),
        pytest.param(
            DOCUMENTS,
            [document(kind="Thông báo")],
            2,
            "B “Loại văn bản*”",
            "Giá trị “Thông báo” không hợp lệ",
            id="document-unknown-kind",
        ),
        pytest.param(
            DOCUMENTS,
            [document(number="01-KH"), document(number="01-kh", title="Khác")],
            3,
            "D “Ngày ban hành*”",
            "Trùng với dòng 2: cùng văn bản (đơn vị DB, ngày 20/01/2025, số 01-kh).",
            id="document-twice",
        ),
        pytest.param(
            DOCUMENTS,
            [document(title=None)],
            2,
            "E “Trích yếu*”",
            "Trường này là bắt buộc.",
            id="document-without-title",
        ),
        # The web form's finding rules (InspectionFinding), applied to the import too.
        pytest.param(
            INSPECTIONS,
            [inspection(content="Chưa sơ kết", remedy="Sơ kết", closed_on="01/01/2099")],
            2,
            "M “Ngày đã khắc phục”",
            "Ngày đã khắc phục không thể ở tương lai.",
            id="finding-closed-in-the-future",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(content="Chưa sơ kết", remedy="Sơ kết", closed_on="07/09/2025")],
            2,
            "M “Ngày đã khắc phục”",
            "Ngày đã khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát.",
            id="finding-closed-before-the-inspection",
        ),
        pytest.param(
            INSPECTIONS,
            [inspection(content="Chưa sơ kết", remedy="Sơ kết", deadline="31/08/2025")],
            2,
            "L “Thời hạn khắc phục”",
            "Thời hạn khắc phục không thể trước ngày bắt đầu kiểm tra, giám sát.",
            id="finding-deadline-before-the-inspection",
        ),
        pytest.param(
            CONFERENCES,
            [conference(participants=-5)],
            2,
            "E “Số người dự”",
            "Ghi một số nguyên từ 0 trở lên.",
            id="conference-negative-participants",
        ),
        pytest.param(
            CONFERENCES,
            [conference(participants=10**12)],
            2,
            "E “Số người dự”",
            "Số quá lớn: ghi một số nguyên từ 0 đến 100.000.",
            id="conference-huge-participants",
        ),
        pytest.param(
            MEETINGS,
            [meeting(attendance_expected=100_001)],
            2,
            "H “Số phải dự*”",
            "Số quá lớn: ghi một số nguyên từ 0 đến 100.000.",
            id="meeting-huge-attendance",
        ),
        pytest.param(
            CONFERENCES,
            [conference(code="CBX")],
            2,
            "A “Mã đơn vị tổ chức*”",
            "Không tìm thấy đơn vị mã “CBX” trong phạm vi quản lý.",
            id="conference-unit-outside-scope",
        ),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(login, staff, tree, sheet, rows, row, column, message):
    make_unit("CBX", make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE), short_name="Chi bộ khác")
    sheets = good_sheets()
    sheets[sheet] = [*rows, None]  # the good rows of the other sheets are not written either
    errors = assert_refused(login(staff), workbook(sheets))
    assert [(s, number, col) for s, number, col, _ in errors] == [(sheet, row, column)], errors
    assert message in errors[0][3]


def test_every_bad_row_of_every_sheet_is_listed_at_once(login, staff, tree):
    sheets = {
        MEETINGS: [meeting(attendance_expected="mười"), meeting(held_on="06/03/2025")],
        INSPECTIONS: [inspection(kind="Thanh tra")],
        DOCUMENTS: [document(issued_on=None)],
        CONFERENCES: [conference(kind=None, held_on="ngày mai")],
    }
    errors = assert_refused(login(staff), workbook(sheets))
    assert [(sheet, row, column[:1]) for sheet, row, column, _ in errors] == [
        (MEETINGS, 2, "H"),
        (INSPECTIONS, 2, "B"),
        (DOCUMENTS, 2, "D"),
        (CONFERENCES, 2, "B"),
        (CONFERENCES, 2, "C"),
    ]


def test_a_record_after_its_unit_was_dissolved_is_refused(login, staff, tree):
    tree["cell_b"].dissolved_on = datetime.date(2024, 12, 31)
    tree["cell_b"].save()
    errors = assert_refused(login(staff), workbook({MEETINGS: [meeting("CBB", "05/03/2025")]}))
    assert errors == [
        (
            MEETINGS,
            2,
            "B “Ngày sinh hoạt*”",
            "Đơn vị “CBB” đã giải thể ngày 31/12/2024, trước ngày 05/03/2025.",
        )
    ]


def test_a_record_on_the_day_its_unit_was_dissolved_is_refused_and_the_day_before_is_not(login, staff, tree):
    """`dissolved_on` is the unit's first day without it (party.models.units.active_in_year)."""
    tree["cell_b"].dissolved_on = datetime.date(2025, 3, 5)
    tree["cell_b"].save()
    client = login(staff)
    errors = assert_refused(client, workbook({MEETINGS: [meeting("CBB", "05/03/2025")]}))
    assert errors == [
        (
            MEETINGS,
            2,
            "B “Ngày sinh hoạt*”",
            "Đơn vị “CBB” đã giải thể ngày 05/03/2025: từ ngày đó đơn vị không còn hoạt động.",
        )
    ]
    load(client, workbook({MEETINGS: [meeting("CBB", "04/03/2025")]}))
    assert Meeting.objects.filter(unit=tree["cell_b"], held_on=datetime.date(2025, 3, 4)).exists()


def test_missing_required_column_is_named(login, staff, tree):
    columns = {**COLUMNS, MEETINGS: [c for c in COLUMNS[MEETINGS] if c[0] != "attendance_expected"]}
    row = {k: v for k, v in meeting().items() if k != "attendance_expected"}
    errors = assert_refused(login(staff), workbook({MEETINGS: [row]}, columns))
    assert errors == [(MEETINGS, 1, None, "Thiếu cột bắt buộc “Số phải dự*”.")]


# Who may load what -----------------------------------------------------------------------------------


def test_secretary_loads_the_meetings_of_her_own_cell(login, secretary_a, tree):
    client = login(secretary_a)
    load(client, workbook({MEETINGS: [meeting(), meeting(held_on="05/04/2025")]}))
    assert Meeting.objects.filter(unit=tree["cell_a"]).count() == 2
    assert set(Meeting.history.values_list("history_user", flat=True)) == {secretary_a.pk}


def test_secretary_cannot_load_meetings_of_another_cell(login, secretary_a, tree):
    errors = assert_refused(login(secretary_a), workbook({MEETINGS: [meeting(), meeting("CBB")]}))
    assert errors == [
        (MEETINGS, 3, "A “Mã chi bộ*”", "Không tìm thấy đơn vị mã “CBB” trong phạm vi quản lý.")
    ]


@pytest.mark.parametrize("sheet", [INSPECTIONS, DOCUMENTS, CONFERENCES])
def test_the_other_work_sheets_are_for_committee_staff_only(login, secretary_a, tree, sheet):
    rows = {INSPECTIONS: inspection("CBA", conducted_by="Chi bộ"), DOCUMENTS: document("CBA")}
    sheets = {MEETINGS: [meeting()], sheet: [rows.get(sheet, conference("CBA"))]}
    errors = assert_refused(login(secretary_a), workbook(sheets))
    assert [(s, row, column) for s, row, column, _ in errors] == [(sheet, None, None)]
    assert errors[0][3].startswith(f"{STAFF_ONLY} “{sheet}”. Bí thư chi bộ chỉ nhập các trang “{MEETINGS}”, ")


def test_staff_cannot_load_records_of_another_committee(login, staff, tree):
    other = make_unit("CBX", make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE), short_name="Chi bộ khác")
    sheets = {
        MEETINGS: [meeting(other.code)],
        INSPECTIONS: [
            inspection(target_units="CBX"),  # a target outside what staff may see
            inspection("DBX", subject="Giám sát đảng bộ khác"),
        ],
        DOCUMENTS: [document("DBX")],
    }
    errors = assert_refused(login(staff), workbook(sheets))
    assert [(sheet, row, column[:1]) for sheet, row, column, _ in errors] == [
        (MEETINGS, 2, "A"),
        (INSPECTIONS, 2, "F"),
        (INSPECTIONS, 3, "A"),
        (DOCUMENTS, 2, "A"),
    ]


def test_records_of_a_cell_created_by_the_same_workbook(login, staff, tree):
    units_sheet = [
        ["Mã đơn vị*", "Mã đơn vị cấp trên", "Tên viết tắt*", "Tên đầy đủ*", "Loại*"],
        ["CBC", "DB", "Chi bộ C", "Chi bộ C", "Chi bộ trực thuộc"],
        ["DTN2", "DB", "Công đoàn", "Công đoàn cơ sở", "Tổ chức đoàn thể"],
    ]
    book = openpyxl.load_workbook(io.BytesIO(workbook({MEETINGS: [meeting("CBC"), meeting("DTN2")]})))
    sheet = book.create_sheet("Đơn vị", 0)
    for row in units_sheet:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    errors = assert_refused(login(staff), output.getvalue())
    assert errors == [
        (MEETINGS, 3, "A “Mã chi bộ*”", "“DTN2” là Tổ chức đoàn thể; sinh hoạt chi bộ chỉ ghi cho chi bộ.")
    ]
    book[MEETINGS].delete_rows(3)
    output = io.BytesIO()
    book.save(output)
    load(login(staff), output.getvalue())
    assert Meeting.objects.get().unit.code == "CBC"


# The template ------------------------------------------------------------------------------------------


def test_template_has_the_work_sheets_with_their_headers_and_guidance(login, staff):
    response = login(staff).get(reverse("import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    for title, columns in COLUMNS.items():
        assert title in book.sheetnames
        assert [c.value for c in book[title][1]] == [header for _, header in columns]
        assert book[title].max_row >= 2  # example rows
    names = book.sheetnames
    assert names.index("Đảng viên") < names.index(MEETINGS) < names.index(CONFERENCES)
    guide = "\n".join(str(v) for row in book["Hướng dẫn"].iter_rows(values_only=True) for v in row if v)
    for title, columns in COLUMNS.items():
        assert f"Trang “{title}”" in guide
        for _, header in columns:
            assert header in guide
    assert "danh sách nội dung khắc phục trong tệp thay cho danh sách đang lưu" in guide
    assert "Tệp đính kèm không nhập qua Excel" in guide


def test_secretary_template_has_the_meetings_sheet_only_of_these(login, secretary_a):
    book = openpyxl.load_workbook(io.BytesIO(login(secretary_a).get(reverse("import_template")).content))
    assert MEETINGS in book.sheetnames
    assert not {INSPECTIONS, DOCUMENTS, CONFERENCES} & set(book.sheetnames)


def test_template_examples_are_valid_rows(login, admin_user, tree):
    """Uploaded unchanged by an administrator (who may create the example root unit), every example
    row of these sheets previews as a new record."""
    client = login(admin_user)
    batch, html = preview(client, client.get(reverse("import_template")).content)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    counts = sheet_counts(html)
    assert {title: counts[title] for title in COLUMNS} == {
        MEETINGS: (2, 0, 0),
        INSPECTIONS: (1, 0, 0),
        DOCUMENTS: (2, 0, 0),
        CONFERENCES: (1, 0, 0),
    }


# Size ------------------------------------------------------------------------------------------------------


def many_meetings(count: int) -> bytes:
    start = datetime.date(2020, 1, 1)
    rows = [
        meeting("CBA" if i % 2 else "CBB", start + datetime.timedelta(days=i), topic=f"Buổi {i}")
        for i in range(count)
    ]
    return workbook({MEETINGS: rows})


def test_meeting_preview_queries_do_not_grow_with_the_rows(login, staff, tree):
    client = login(staff)
    with CaptureQueriesContext(connection) as few:
        upload(client, many_meetings(3))
    with CaptureQueriesContext(connection) as many:
        upload(client, many_meetings(60))
    assert len(many) == len(few)


def test_a_few_hundred_meetings_write_in_bulk(login, staff, tree):
    client = login(staff)
    batch, html = preview(client, many_meetings(300))
    assert sheet_counts(html) == {MEETINGS: (300, 0, 0)}
    with CaptureQueriesContext(connection) as queries:
        confirm(client, batch)
    assert len(queries) < 40
    assert Meeting.objects.count() == Meeting.history.count() == 300
    assert Meeting.objects.filter(search_text="buoi 7").exists()
