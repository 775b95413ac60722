"""Safe text for every workbook the application writes (reports, cell workbooks, the template).

Text from the data is never a formula: a spreadsheet takes text beginning with "=", "+", "-",
"@" (or a tab or CR before them, the DDE payload trick) for a formula, so such text is written
as a cell forced to the string type with the "quote prefix" Excel and LibreOffice show as text
and keep as text when the cell is edited. Characters XML cannot hold are dropped.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell


def clean_text(value: str) -> str:
    """Characters XML cannot hold (control characters other than tab, LF, CR) are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (or a DDE payload)."""
    return value.startswith(FORMULA_STARTS)


def put_text(cell: Cell, value: str | None) -> Cell:
    """Store text in a cell of a normal (not write-only) worksheet as text, never a formula."""
    value = clean_text(value or "")[:MAX_CELL_TEXT]
    cell.value = value or None
    if value:
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def text_cell(ws: WriteOnlyWorksheet, value: str | None, style: str | None = None) -> Cell | str | None:
    """For a write-only worksheet's row: the fast bare value when it is harmless, otherwise a
    cell forced to the string type with the quote prefix (styled with the named `style`)."""
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


def _styled(ws: WriteOnlyWorksheet, value, style: str | None) -> Cell:
    cell = WriteOnlyCell(ws, value)
    if style:
        cell.style = style
    return cell
