"""The review report's workbook, written for the hand-built subtree of test_totals and read back.

The summary and breakdown sheets must show the page's figures (reports/layout.py over
`report_totals()`); the lists must hold exactly the records the totals count; nothing written from
the data may become a formula; the aggregate-only workbook must name no one.
"""

import io
import tempfile
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from party.models import Inspection, Meeting, Member, Unit
from pledges.models import Award
from reports.export import estimate_list_rows, export_file_name, write_report_workbook
from reports.export_parts import ExportError
from reports.layout import BREAKDOWN_COLUMNS, breakdown_row, formal_heading, summary_sections
from reports.totals import report_totals
from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree where every figure is known

LISTS = ["Đăng ký", "Khen thưởng", "Sinh hoạt chi bộ", "Kiểm tra, giám sát"]


def export(unit, first=2024, last=2025, **options):
    out = io.BytesIO()
    rows = write_report_workbook(unit, first, last, out, **options)
    out.seek(0)
    return rows, load_workbook(out), out.getvalue()


def data_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def committee(world):
    return world["units"]["committee"]


def test_summary_sheet_has_the_heading_and_every_total_of_the_page(committee):
    _rows, book, _raw = export(committee)
    assert book.sheetnames == ["Tổng hợp", "Theo năm", "Theo đơn vị", *LISTS]
    sheet = [row[:2] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    heading = formal_heading(committee, 2024, 2025)
    texts = [cell for row in book["Tổng hợp"].iter_rows(max_row=6, values_only=True) for cell in row if cell]
    for part in (heading.superior, heading.issuer, heading.party_line, heading.title, heading.subtitle):
        if part:
            assert part in texts
    totals = report_totals(committee, 2024, 2025)
    expected = []
    for section in summary_sections(totals, links=False):
        expected.append((section.title, "Số lượng"))
        expected += [("    " * line.level + line.label, line.value) for line in section.lines]
    written = [row for row in sheet if row[0] is not None and (row[0], row[1]) != (None, None)]
    start = written.index(expected[0])
    assert written[start : start + len(expected)] == expected
    # Independent of the layout: a few figures the fixture makes known (test_totals).
    lines = dict(written[start : start + len(expected)])
    assert lines["Lượt đăng ký"] == 9
    assert isinstance(lines["Lượt đăng ký"], int)  # a number, not text


def test_summary_lists_awards_by_issuer_and_ratings(committee, world):
    _rows, book, _raw = export(committee)
    rows = [row[:5] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    assert ("Khen thưởng theo cấp khen", "Tập thể", "Cá nhân", "Đảng viên", "Người lao động") in rows
    # Province: CBA collective (2024) and Cường (a party member, 2024); own: Em (probationary).
    assert (world["province"].name, 1, 1, 1, 0) in rows
    assert (world["own"].name, 0, 1, 1, 0) in rows
    # Commendations by "Đảng ủy (thử)": Cường (party member) and Dung (employee).
    assert (
        "Biểu dương, tuyên dương theo cấp khen",
        "Tập thể",
        "Cá nhân",
        "Đảng viên",
        "Người lao động",
    ) in rows
    assert (world["own"].name, 0, 2, 1, 1) in rows
    assert ("Mức xếp loại", "2024", "2025", "Tổng cộng", None) in rows


def test_breakdown_sheets_show_the_page_columns_with_a_total_row_and_a_chart(committee):
    _rows, book, raw = export(committee)
    totals = report_totals(committee, 2024, 2025)
    labels = [column.label for column in BREAKDOWN_COLUMNS]
    by_year = list(book["Theo năm"].iter_rows(values_only=True))
    assert list(by_year[0]) == ["Năm", *labels]
    assert [list(row) for row in by_year[1:]] == [
        [2024, *breakdown_row(totals.by_year[2024])],
        [2025, *breakdown_row(totals.by_year[2025])],
        ["Tổng cộng", *breakdown_row(totals.total)],
    ]
    by_child = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert list(by_child[0]) == ["Đơn vị", *labels]
    assert [row[0] for row in by_child[1:]] == [
        {
            "DB": "Đảng bộ Sở (trực tiếp)",
            "CBC": "Chi bộ C (giải thể 30/06/2024)",
            "CBX": "Chi bộ X (giải thể 01/05/2023)",
        }.get(child.unit.code, child.unit.short_name)
        for child in totals.by_child
    ] + ["Tổng cộng"]
    assert len(by_child) == 1 + 7 + 1
    for row, child in zip(by_child[1:], totals.by_child, strict=False):
        assert list(row[1:]) == breakdown_row(child.figures)
    assert list(by_child[-1][1:]) == breakdown_row(totals.total)
    share = labels.index("Tỷ lệ đăng ký") + 2
    assert book["Theo năm"].cell(row=2, column=share).number_format == "0.0%"
    assert book["Theo năm"].freeze_panes == "B2"
    charts = [
        name for name in zipfile.ZipFile(io.BytesIO(raw)).namelist() if name.startswith("xl/charts/chart")
    ]
    assert len(charts) == 2


def test_lists_hold_the_records_the_totals_count(committee, world):
    rows, book, _raw = export(committee)
    registrations = data_rows(book["Đăng ký"])
    assert rows == 9 + 5 + 3 + 4
    assert len(registrations) == 9
    # Ordered by year, unit, then given name: 2024 in CBA: An, Bình; Cường in CBB; Em in CBC.
    assert registrations[0] == (
        "Nguyễn Văn An",
        "Đảng viên chính thức",
        "Chi bộ A",
        2024,
        2,
        world["best"].name,
    )
    binh = (
        "Trần Thị Bình",
        "Đảng viên chính thức — lãnh đạo, quản lý",
        "Chi bộ A",
        2024,
        1,
        world["good"].name,
    )
    assert binh in registrations
    # Cường's 2025 registration is where he made it (CBA, after his transfer); 2024 stays in CBB.
    assert {(r[2], r[3]) for r in registrations if r[0] == "Lê Văn Cường"} == {
        ("Chi bộ B", 2024),
        ("Chi bộ A", 2025),
    }
    assert ("Phạm Thị Dung", "Người lao động (quần chúng)", "Chi bộ B", 2025, 4, None) in registrations
    assert "Đỗ Thị Giang" not in {r[0] for r in registrations}  # 2026: after the span

    awards = data_rows(book["Khen thưởng"])
    assert len(awards) == 5
    assert {(r[5], r[6], r[7]) for r in awards} == {
        ("Chi bộ A", "Tập thể", "Chi bộ A"),
        ("Lê Văn Cường", "Cá nhân — đảng viên", "Chi bộ B"),
        ("Lê Văn Cường", "Cá nhân — đảng viên", "Chi bộ A"),
        ("Phạm Thị Dung", "Cá nhân — người lao động", "Chi bộ B"),
        ("Võ Văn Em", "Cá nhân — đảng viên", "Chi bộ D"),
    }
    first = book["Khen thưởng"]["A2"]
    assert first.is_date and first.number_format == "dd/mm/yyyy"
    assert first.value.date().isoformat() == "2024-08-01"

    meetings = data_rows(book["Sinh hoạt chi bộ"])
    assert [(r[0].date().isoformat(), r[1], r[4]) for r in meetings] == [
        ("2024-03-01", "Chi bộ C", 2),
        ("2024-12-31", "Chi bộ A", 5),
        ("2025-01-01", "Chi bộ A", 4),
    ]
    inspections = data_rows(book["Kiểm tra, giám sát"])
    assert [(r[0].date().isoformat(), r[2], r[7], r[8]) for r in inspections] == [
        ("2024-05-01", "Đảng bộ Sở", 2, 1),
        ("2024-11-11", "Chi bộ D", 0, 0),
        ("2025-02-01", "Chi bộ A", 1, 1),
        ("2025-09-01", "Đảng bộ Sở", 1, 0),
    ]
    assert estimate_list_rows(committee, 2024, 2025) == rows
    assert estimate_list_rows(committee, 2024, 2025, aggregate_only=True) == 0


def test_inspection_targets_are_named_without_a_query_per_row(
    committee, world, django_assert_max_num_queries
):
    inspection = Inspection.objects.get(unit=committee, started_on__year=2024)
    inspection.target_units.add(world["units"]["cell_a"], world["units"]["cell_b"])
    inspection.target_members.add(world["people"]["an"])
    for when in ("2025-02-01", "2024-11-11"):
        other = Inspection.objects.get(started_on=when)
        other.target_members.add(world["people"]["binh"])
    # report_totals' 15 queries; per list, one count by year (what each sheet must hold, before
    # anything is written) and the list itself; a few for the heading and named styles.
    with django_assert_max_num_queries(15 + 4 * 2 + 4):
        _rows, book, _raw = export(committee)
    targets = [row[6] for row in data_rows(book["Kiểm tra, giám sát"])]
    assert targets[1:3] == ["Trần Thị Bình", "Trần Thị Bình"]
    assert sorted(targets[0].split("; ")) == ["Chi bộ A", "Chi bộ B", "Nguyễn Văn An"]


DANGEROUS = ['=HYPERLINK("http://x","y")', "+84 912 345 678", "-1+1", "@SUM(A1)", "\t=1+1", "\r=2"]


def test_text_from_the_data_never_becomes_a_formula(committee, world):
    people = world["people"]
    Member.objects.filter(pk=people["an"].pk).update(full_name=DANGEROUS[0])
    Award.objects.filter(recipient_member=people["dung"]).update(achievement=DANGEROUS[1])
    Meeting.objects.filter(held_on__year=2024, unit=world["units"]["cell_c"]).update(topic=DANGEROUS[2])
    Inspection.objects.filter(started_on__year=2024, unit=committee).update(subject=DANGEROUS[3])
    Inspection.objects.filter(started_on__year=2025, unit=committee).update(conclusion=DANGEROUS[4])
    Unit.objects.filter(pk=world["units"]["cell_d"].pk).update(short_name=DANGEROUS[5])
    _rows, book, raw = export(committee)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in DANGEROUS:
                    found[cell.value] = cell
    assert set(found) == set(DANGEROUS)  # every one round-trips unchanged
    assert all(cell.quotePrefix for cell in found.values())
    archive = zipfile.ZipFile(io.BytesIO(raw))
    sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_aggregate_only_leaves_out_every_sheet_that_names_people(committee, world):
    rows, book, _raw = export(committee, aggregate_only=True)
    assert rows == 0
    assert book.sheetnames == ["Tổng hợp", "Theo năm", "Theo đơn vị"]
    names = set(Member.objects.values_list("full_name", flat=True))
    assert "Lê Văn Cường" in names
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and any(name in value for name in names)), (
                    ws.title,
                    value,
                )


def test_print_setup_and_layout(committee):
    _rows, book, _raw = export(committee)
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
    registrations = book["Đăng ký"]
    assert registrations.freeze_panes == "A2"
    assert registrations.print_title_rows == "$1:$1"
    assert registrations.page_setup.orientation == "landscape"
    assert registrations.column_dimensions["A"].width == 28
    assert registrations["A1"].font.bold and registrations["A1"].alignment.wrap_text
    assert book["Khen thưởng"]["F2"].alignment.wrap_text


def test_progress_is_reported_as_rows_are_written(committee, monkeypatch):
    monkeypatch.setattr("reports.export_lists.PROGRESS_EVERY", 5)
    seen = []
    rows = write_report_workbook(committee, 2024, 2025, io.BytesIO(), progress=seen.append)
    assert seen == [5, 10, 15, 20] and rows == 21


def test_a_cell_export_covers_only_the_cell(world):
    _rows, book, _raw = export(world["units"]["cell_a"])
    assert {row[2] for row in data_rows(book["Đăng ký"])} == {"Chi bộ A"}
    assert len(data_rows(book["Đăng ký"])) == 5  # An ×2, Bình ×2, Cường 2025 (made in CBA)


def test_file_name_keeps_vietnamese_letters_and_is_safe(tree):
    unit = tree["committee"]
    assert export_file_name(unit, 2021, 2025) == "Bao-cao_Đảng-bộ-Sở_2021-2025.xlsx"
    assert export_file_name(unit, 2025, 2025) == "Bao-cao_Đảng-bộ-Sở_2025.xlsx"
    unit.short_name = 'Chi bộ "A/B" \\ 1: * ? <> |'
    assert export_file_name(unit, 2024, 2025) == "Bao-cao_Chi-bộ-A-B-1_2024-2025.xlsx"


@pytest.mark.parametrize(
    ("name", "read_back"),
    [
        ("\r=2+3", "\r=2+3"),
        ("  Lê <Văn> & “Tý”  ", "  Lê <Văn> & “Tý”  "),
        ("Trần\x07Văn\x1bBa", "TrầnVănBa"),  # control characters XML cannot hold are dropped
        ("Dòng 1\nDòng 2\tcột", "Dòng 1\nDòng 2\tcột"),
    ],
)
def test_registration_names_round_trip_through_the_fast_list_writer(committee, world, name, read_back):
    Member.objects.filter(pk=world["people"]["an"].pk).update(full_name=name)
    _rows, book, _raw = export(committee)
    cells = [row[0] for row in book["Đăng ký"].iter_rows(min_row=2)]
    mine = [cell for cell in cells if cell.value == read_back]
    assert len(mine) == 2  # An registered in 2024 and 2025
    assert all(cell.data_type == "s" for cell in mine)
    assert all(cell.quotePrefix == read_back.startswith(("=", "\r")) for cell in mine)


def test_a_unit_without_records_still_gets_every_sheet(world):
    rows, book, _raw = export(world["units"]["youth"], 2025, 2025)
    assert rows == 0
    assert book.sheetnames == ["Tổng hợp", "Theo năm", "Theo đơn vị", *LISTS]
    assert [list(r) for r in book["Đăng ký"].iter_rows(values_only=True)] == [
        ["Họ và tên", "Đối tượng", "Đơn vị đăng ký", "Năm", "Số việc làm", "Xếp loại"]
    ]


def list_sheets_of(book) -> dict[str, list[tuple]]:
    """Every sheet after the three summary sheets, with its data rows."""
    return {ws.title: data_rows(ws) for ws in book.worksheets[3:]}


def test_a_list_past_the_sheet_limit_is_split_by_year_then_by_child(committee, world, monkeypatch):
    whole = list_sheets_of(export(committee)[1])
    monkeypatch.setattr("reports.export_parts.SHEET_ROWS", 4)
    rows, book, _raw = export(committee)
    sheets = list_sheets_of(book)
    # Registrations: 9 rows, 4 in 2024, 5 in 2025; 2025 by child in tree order: Chi bộ A (An,
    # Bình, Cường) and B (Dung) fill the first sheet, Đảng bộ P (Em, in Chi bộ D) the second.
    # Awards: 5 rows, 3 in 2024 and 2 in 2025. Meetings (3) and inspections (4) fit one sheet.
    assert {title: len(rows) for title, rows in sheets.items()} == {
        "Đăng ký 2024": 4,
        "Đăng ký 2025 (1)": 4,
        "Đăng ký 2025 (2)": 1,
        "Khen thưởng 2024": 3,
        "Khen thưởng 2025": 2,
        "Sinh hoạt chi bộ": 3,
        "Kiểm tra, giám sát": 4,
    }
    assert rows == 9 + 5 + 3 + 4
    assert {row[2] for row in sheets["Đăng ký 2025 (1)"]} == {"Chi bộ A", "Chi bộ B"}
    assert sheets["Đăng ký 2025 (2)"] == [("Võ Văn Em", "Đảng viên dự bị", "Chi bộ D", 2025, 2, None)]
    # Read one after the other, the parts are the whole list in its order.
    parts = ["Đăng ký 2024", "Đăng ký 2025 (1)", "Đăng ký 2025 (2)"]
    assert [row for title in parts for row in sheets[title]] == whole["Đăng ký"]
    awards = sheets["Khen thưởng 2024"] + sheets["Khen thưởng 2025"]
    assert awards == whole["Khen thưởng"]
    for ws in book.worksheets[3:]:
        assert ws.max_row <= 1 + 4, ws.title


def test_the_summary_names_every_list_sheet_and_says_why_a_list_was_split(committee, monkeypatch):
    monkeypatch.setattr("reports.export_parts.SHEET_ROWS", 4)
    _rows, book, _raw = export(committee)
    summary = [row[:2] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    start = summary.index(("Danh sách kèm theo (trang tính)", "Số dòng"))
    assert summary[start + 1 : start + 8] == [
        ("Đăng ký 2024: Đăng ký, năm 2024", 4),
        ("Đăng ký 2025 (1): Đăng ký, năm 2025, từ Chi bộ A đến Chi bộ B (2 đơn vị)", 4),
        ("Đăng ký 2025 (2): Đăng ký, năm 2025, Đảng bộ P", 1),
        ("Khen thưởng 2024: Khen thưởng, năm 2024", 3),
        ("Khen thưởng 2025: Khen thưởng, năm 2025", 2),
        ("Sinh hoạt chi bộ", 3),
        ("Kiểm tra, giám sát", 4),
    ]
    notes = [row[0] for row in summary[start + 8 :] if row[0]]
    assert notes == [
        "Danh sách “Đăng ký” có 9 dòng, quá giới hạn 4 dòng của một trang tính Excel, nên được chia "
        "theo năm và theo đơn vị trực thuộc thành 3 trang tính; tải CSV để có cả danh sách trong "
        "một tệp.",
        "Danh sách “Khen thưởng” có 5 dòng, quá giới hạn 4 dòng của một trang tính Excel, nên được "
        "chia theo năm thành 2 trang tính; tải CSV để có cả danh sách trong một tệp.",
    ]


def test_the_summary_lists_the_sheets_of_an_unsplit_workbook(committee):
    _rows, book, _raw = export(committee)
    summary = [row[:2] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    start = summary.index(("Danh sách kèm theo (trang tính)", "Số dòng"))
    assert summary[start + 1 :] == [(title, n) for title, n in zip(LISTS, (9, 5, 3, 4), strict=True)]


def test_one_unit_too_long_for_a_sheet_in_one_year_fails_with_a_message(committee, monkeypatch):
    # 2024 fits by child (Chi bộ A 2, B 1, C 1); in 2025 Chi bộ A alone has 3 registrations.
    monkeypatch.setattr("reports.export_parts.SHEET_ROWS", 2)
    out = io.BytesIO()
    with pytest.raises(ExportError) as refused:
        write_report_workbook(committee, 2024, 2025, out)
    assert str(refused.value) == (
        "Danh sách “Đăng ký” năm 2025 của Chi bộ A có 3 dòng, quá giới hạn 2 dòng của một "
        "trang tính Excel. Hãy xuất báo cáo của đơn vị cấp dưới, hoặc tải danh sách này dạng CSV."
    )


def _award_recorded_meanwhile(world):
    award = Award.objects.filter(recipient_member=world["people"]["dung"]).get()
    award.pk = None
    award.decision_number = "99/QĐ-ĐU"
    award.save()


def _meeting_deleted_meanwhile(world):
    meetings = Meeting.objects.filter(held_on__year=2024, unit=world["units"]["cell_c"])
    meetings.update(deleted_at=timezone.now())


@pytest.mark.parametrize(
    ("change", "title", "counted"),
    [(_award_recorded_meanwhile, "Khen thưởng", 5), (_meeting_deleted_meanwhile, "Sinh hoạt chi bộ", 3)],
)
def test_a_list_that_changes_while_it_is_written_fails_the_export(
    committee, world, monkeypatch, tmp_path, change, title, counted
):
    monkeypatch.setattr("reports.export_lists.PROGRESS_EVERY", 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where openpyxl keeps its sheets

    def meanwhile(rows: int) -> None:
        if rows == 1:  # the first registration is written: every list has been counted
            change(world)

    with pytest.raises(ExportError) as refused:
        write_report_workbook(committee, 2024, 2025, io.BytesIO(), progress=meanwhile)
    assert str(refused.value) == (
        f"Danh sách “{title}” không ghi đúng {counted} dòng đã đếm: dữ liệu vừa thay đổi trong lúc "
        "xuất. Tệp không được tạo; vui lòng xuất lại."
    )
    assert not list(tmp_path.iterdir())  # the abandoned sheets' temporary files are deleted
