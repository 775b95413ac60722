"""The review report as an Excel workbook ("Xuất Excel").

`write_report_workbook()` writes, in openpyxl's write-only mode (each sheet's rows streamed to a
temporary file through lxml, memory flat however many rows):
- "Tổng hợp": the formal heading, then every total of the page (reports/layout.py), the
  issuer tables of awards and commendations, the ratings per year, and the list sheets that
  follow with their row counts (and why a list was cut into several sheets);
- "Theo năm", "Theo đơn vị": the two breakdowns with the page's columns and a native bar chart;
- the lists behind the totals (reports/export_lists.py), each as one sheet or, past Excel's
  row limit, several (reports/export_parts.py); left out when `aggregate_only`.
Write-only sheets cannot merge cells, so the heading is written in plain cells over wide columns.
"""

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable
from typing import BinaryIO

from openpyxl.chart import BarChart, Reference
from openpyxl.workbook import Workbook

from party.models import Unit
from party.xlsx import WriteOnlySheet
from pledges.models import AwardCategory
from reports.export_cells import header_row, register_styles, start_sheet, styled, text_cell
from reports.export_lists import LIST_SHEETS, ListSheet, Progress, list_row_estimate
from reports.export_parts import ListPart, plan_list, split_note, write_part
from reports.layout import (
    BREAKDOWN_COLUMNS,
    RECOGNITION_TITLES,
    formal_heading,
    rating_table,
    summary_sections,
)
from reports.queries import Scope
from reports.totals import ChildRow, Figures, ReportTotals, report_totals

Plans = list[tuple[ListSheet, list[ListPart]]]  # each list and the sheets it is written as

# The breakdown columns drawn in the charts (by label, as the page names them).
CHARTED = ("Lượt đăng ký", "Khen thưởng tập thể", "Khen thưởng cá nhân")


def write_report_workbook(
    unit: Unit,
    first_year: int,
    last_year: int,
    out: str | BinaryIO,
    *,
    aggregate_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the report's workbook to `out` (a path or a binary file); returns the list rows written.

    `progress(rows_so_far)` is called every few thousand list rows. Raises `ExportError` (with a
    message for the person) when a list sheet did not get the rows counted for it; nothing
    complete is written to `out` then.
    """
    totals = report_totals(unit, first_year, last_year)
    scope = Scope(unit, first_year, last_year)
    plans = [] if aggregate_only else [(sheet, plan_list(sheet, scope)) for sheet in LIST_SHEETS]
    workbook = Workbook(write_only=True)
    register_styles(workbook)
    _summary_sheet(workbook, totals, plans)
    _year_sheet(workbook, totals)
    _child_sheet(workbook, totals)
    counter = Progress(progress)
    try:
        for _sheet, parts in plans:
            for part in parts:
                write_part(workbook, part, counter)
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(out)
    return counter.rows


def _discard(workbook: Workbook) -> None:
    """Close an abandoned workbook's sheets: openpyxl deletes a write-only sheet's temporary file
    when the workbook is saved, otherwise only when the process ends (the worker runs for days)."""
    with contextlib.suppress(Exception), open(os.devnull, "wb") as sink:
        workbook.save(sink)


def estimate_list_rows(unit: Unit, first_year: int, last_year: int, *, aggregate_only: bool = False) -> int:
    """The number of list rows the workbook will hold (a few count queries): decides whether an
    export runs in the request or in the background."""
    if aggregate_only:
        return 0
    return list_row_estimate(Scope(unit, first_year, last_year))


def export_file_name(
    unit: Unit, first_year: int, last_year: int, *, what: str = "Bao-cao", extension: str = "xlsx"
) -> str:
    """'Bao-cao_<short name>_2021-2025.xlsx' ('Đăng-ký_…_2021-2025.csv' for a list): Vietnamese
    letters kept, anything else that is not a letter or a digit becomes '-', so the name is safe
    on every file system."""
    name = _file_safe(unit.short_name or unit.code)[:60] or "don-vi"
    years = str(first_year) if first_year == last_year else f"{first_year}-{last_year}"
    return f"{_file_safe(what)}_{name}_{years}.{extension}"


def _file_safe(text: str) -> str:
    return re.sub(r"[^\w]+|_+", "-", unicodedata.normalize("NFC", text)).strip("-")


def _summary_sheet(workbook: Workbook, totals: ReportTotals, plans: Plans) -> None:
    ws = start_sheet(workbook, "Tổng hợp", [64, 16, 16, 16, 16], freeze=None, title_rows=None)
    ws.print_options.gridLines = False
    heading = formal_heading(totals.unit, totals.first_year, totals.last_year)
    ws.append([styled(ws, heading.superior), None, styled(ws, heading.party_line, "bc_bold")])
    ws.append([styled(ws, heading.issuer, "bc_bold"), None, styled(ws, heading.place_date, "bc_italic")])
    ws.append([])
    ws.append([styled(ws, heading.title, "bc_title")])
    ws.append([styled(ws, heading.subtitle, "bc_wrap")])
    ws.append([f"Đơn vị: {totals.unit.name}"])
    ws.append([])
    for section in summary_sections(totals, links=False):
        ws.append([styled(ws, section.title, "bc_header"), styled(ws, "Số lượng", "bc_header")])
        for line in section.lines:
            label = ("    " * line.level) + line.label
            value = styled(ws, line.value, "bc_share") if line.is_share else line.value
            ws.append([label, value])
        ws.append([])
    for category in (AwardCategory.AWARD, AwardCategory.COMMENDATION):
        _issuer_table(ws, totals, category)
    _ratings(ws, totals)
    _list_sheets(ws, plans)


def _issuer_table(ws: WriteOnlySheet, totals: ReportTotals, category: str) -> None:
    rows = totals.award_table(category)
    if not rows:
        return
    title = f"{RECOGNITION_TITLES[category]} theo cấp khen"
    ws.append(header_row(ws, [title, "Tập thể", "Cá nhân", "Đảng viên", "Người lao động"]))
    for row in rows:
        ws.append(
            [text_cell(ws, row.issuer), row.collectives, row.individuals, row.party_members, row.employees]
        )
    ws.append([])


def _ratings(ws: WriteOnlySheet, totals: ReportTotals) -> None:
    table = rating_table(totals)
    if not table.levels:
        return
    ws.append([styled(ws, "Xếp loại cuối năm (lượt người ở mỗi mức)", "bc_bold")])
    ws.append(header_row(ws, ["Mức xếp loại", *[str(year) for year, _counts in table.rows], "Tổng cộng"]))
    for index, level in enumerate(table.levels):
        counts = [counts[index] for _year, counts in table.rows]
        ws.append([text_cell(ws, level), *counts, styled(ws, table.totals[index], "bc_total")])


def _list_sheets(ws: WriteOnlySheet, plans: Plans) -> None:
    """The list sheets that follow, with their row counts; a list cut into several sheets says
    why and how."""
    if not plans:
        return
    ws.append([])
    ws.append(header_row(ws, ["Danh sách kèm theo (trang tính)", "Số dòng"]))
    for sheet, parts in plans:
        for part in parts:
            label = f"{part.title}: {sheet.title}, {part.note}" if part.note else part.title
            ws.append([text_cell(ws, label), part.rows])
    for sheet, parts in plans:
        if note := split_note(sheet, parts):
            ws.append([text_cell(ws, note, "bc_italic")])


def _figures_row(ws: WriteOnlySheet, figures: Figures, total: bool = False) -> list:
    share_style, number_style = ("bc_total_share", "bc_total") if total else ("bc_share", None)
    row = []
    for column in BREAKDOWN_COLUMNS:
        value = column.value(figures)
        if column.is_share:
            row.append(styled(ws, value, share_style))
        else:
            row.append(styled(ws, value, number_style) if number_style else value)
    return row


def _breakdown_sheet(workbook: Workbook, title: str, first: tuple[str, float]) -> WriteOnlySheet:
    widths = [first[1], *[12] * len(BREAKDOWN_COLUMNS)]
    ws = start_sheet(workbook, title, widths, landscape=True, freeze="B2")
    ws.append(header_row(ws, [first[0], *[column.label for column in BREAKDOWN_COLUMNS]]))
    return ws


def _year_sheet(workbook: Workbook, totals: ReportTotals) -> None:
    ws = _breakdown_sheet(workbook, "Theo năm", ("Năm", 10))
    for year, figures in totals.by_year.items():
        ws.append([year, *_figures_row(ws, figures)])
    ws.append([styled(ws, "Tổng cộng", "bc_total"), *_figures_row(ws, totals.total, total=True)])
    _chart(ws, "Đăng ký và khen thưởng theo năm", len(totals.by_year), horizontal=False)


def _child_name(row: ChildRow) -> str:
    unit = row.unit
    if row.is_self:
        return f"{unit.short_name} (trực tiếp)"
    if unit.dissolved_on:
        return f"{unit.short_name} (giải thể {unit.dissolved_on:%d/%m/%Y})"
    return unit.short_name


def _child_sheet(workbook: Workbook, totals: ReportTotals) -> None:
    ws = _breakdown_sheet(workbook, "Theo đơn vị", ("Đơn vị", 32))
    for row in totals.by_child:
        ws.append([text_cell(ws, _child_name(row), "bc_wrap"), *_figures_row(ws, row.figures)])
    ws.append([styled(ws, "Tổng cộng", "bc_total"), *_figures_row(ws, totals.total, total=True)])
    _chart(ws, "Đăng ký và khen thưởng theo đơn vị", len(totals.by_child), horizontal=True)


def _chart(ws: WriteOnlySheet, title: str, rows: int, *, horizontal: bool) -> None:
    """A native bar chart of the charted columns over the data rows (the total row left out)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = "Số lượng"
    chart.height = max(8, 0.6 * rows + 4) if horizontal else 8
    chart.width = 24
    labels = [column.label for column in BREAKDOWN_COLUMNS]
    for label in CHARTED:
        if label in labels:
            column = labels.index(label) + 2  # column A holds the year or the unit
            data = Reference(ws, min_col=column, max_col=column, min_row=1, max_row=rows + 1)
            chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, max_col=1, min_row=2, max_row=rows + 1))
    ws.add_chart(chart, f"B{rows + 4}")
