"""Safe text for every spreadsheet file the application writes (workbooks and CSV files).

Text from the data is never a formula: a spreadsheet takes text beginning with "=", "+", "-",
"@" (or a tab or CR before them, the DDE payload trick) for a formula. `looks_like_formula` is
the one test; each writer below applies it in its format:
- `put_text` (a normal worksheet) and `text_cell` (a write-only one): a cell forced to the
  string type with the "quote prefix" Excel and LibreOffice show as text and keep as text when
  the cell is edited;
- `csv_text`: a CSV file has no cell types, so such text gets a leading apostrophe, the usual
  defence against CSV injection (the apostrophe shows in the cell).
Characters XML cannot hold are dropped, and text is cut to what one Excel cell holds.
"""

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# The content type of every workbook the app sends, and of an attached .xlsx file.
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell

# A sheet of `Workbook(write_only=True).create_sheet()`: its class lives in a private module of
# openpyxl, so it is not named here.
WriteOnlySheet = Any


def clean_text(value: str) -> str:
    """Characters XML cannot hold (control characters other than tab, LF, CR) are dropped, and
    the text is cut to one cell's limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (or a DDE payload)."""
    return value.startswith(FORMULA_STARTS)


def put_text(cell: Cell, value: str | None) -> Cell:
    """Store text in a cell of a normal (not write-only) worksheet as text, never a formula."""
    value = clean_text(value or "")
    cell.value = value or None
    if value:
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def text_cell(ws: WriteOnlySheet, value: str | None, style: str | None = None) -> Cell | str | None:
    """For a write-only worksheet's row: the bare text when it is harmless (openpyxl's fast
    path), otherwise a cell forced to the string type with the quote prefix (styled with the
    named `style`)."""
    if not value:
        return None if style is None else _styled(ws, "", style)
    value = clean_text(value)
    if looks_like_formula(value):
        cell = _styled(ws, None, style)
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value if style is None else _styled(ws, value, style)


def csv_text(value: str | None) -> str:
    """Text for a CSV field: harmless text as it is, formula-like text behind an apostrophe."""
    if not value:
        return ""
    value = clean_text(value)
    return f"'{value}" if looks_like_formula(value) else value


def _styled(ws: WriteOnlySheet, value, style: str | None) -> Cell:
    cell = WriteOnlyCell(ws, value)
    if style:
        cell.style = style
    return cell
