"""Cells and sheet setup shared by the review report's workbook (reports/export.py).

The workbook is written in openpyxl's write-only mode, so a sheet's layout (widths, frozen
header, print setup) is set before its first row and styled cells are `WriteOnlyCell`s. Plain
numbers and safe text are written as bare values, the fast path for long lists.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from party.xlsx import WriteOnlySheet, text_cell

TEXT, WRAP, INT, DATE, SHARE = "text", "wrap", "int", "date", "share"

_thin = Side(style="thin", color="999999")


def _styles() -> list[NamedStyle]:
    header = NamedStyle("bc_header")
    header.font = Font(bold=True)
    header.fill = PatternFill("solid", fgColor="DDE6F0")
    header.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header.border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
    wrap = NamedStyle("bc_wrap")
    wrap.alignment = Alignment(wrap_text=True, vertical="top")
    date = NamedStyle("bc_date")
    date.number_format = "dd/mm/yyyy"
    date.alignment = Alignment(vertical="top")
    share = NamedStyle("bc_share")
    share.number_format = "0.0%"
    total = NamedStyle("bc_total")
    total.font = Font(bold=True)
    total_share = NamedStyle("bc_total_share")
    total_share.font = Font(bold=True)
    total_share.number_format = "0.0%"
    bold = NamedStyle("bc_bold")
    bold.font = Font(bold=True)
    title = NamedStyle("bc_title")
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="left")
    italic = NamedStyle("bc_italic")
    italic.font = Font(italic=True)
    return [header, wrap, date, share, total, total_share, bold, title, italic]


def register_styles(workbook: Workbook) -> None:
    for style in _styles():
        workbook.add_named_style(style)


def styled(ws: WriteOnlySheet, value, style: str | None = None):
    """A value with a named style; text goes through `text_cell`, so it is never a formula."""
    if isinstance(value, str):
        return text_cell(ws, value, style)
    cell = WriteOnlyCell(ws, value)
    if style:
        cell.style = style
    return cell


@dataclass(frozen=True)
class ListColumn:
    header: str
    width: float
    kind: str = TEXT


def start_sheet(
    workbook: Workbook,
    title: str,
    widths: Sequence[float],
    *,
    landscape: bool = False,
    freeze: str | None = "A2",
    title_rows: str | None = "1:1",
) -> WriteOnlySheet:
    """A write-only sheet with its columns, frozen header rows and A4 page set before any row."""
    ws = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    # Fit the columns on the page width; as many pages down as the rows need.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    return ws


def header_row(ws: WriteOnlySheet, labels: Iterable[str]) -> list[WriteOnlyCell]:
    return [styled(ws, label, "bc_header") for label in labels]


def list_cells(ws: WriteOnlySheet, columns: Sequence[ListColumn], values: Sequence) -> list:
    """One list row: dates and long text styled, numbers and harmless short text bare (openpyxl
    writes a bare value without making a cell object of its own for it)."""
    row = []
    append = row.append
    for column, value in zip(columns, values, strict=True):
        kind = column.kind
        if kind is INT:
            append(value)
        elif not value:
            append(None)  # no cell at all
        elif kind is TEXT:
            append(text_cell(ws, value))
        elif kind is WRAP:
            append(text_cell(ws, value, "bc_wrap"))
        elif kind is DATE:
            append(styled(ws, value, "bc_date") if isinstance(value, datetime.date) else None)
        else:
            append(styled(ws, value, "bc_share"))
    return row
