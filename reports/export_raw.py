"""A fast path for long plain lists (the registrations: up to 500,000 rows for a province).

openpyxl's cell writer costs about 50 µs a row of six cells, most of a whole-province export. A
list whose columns are only text and whole numbers needs nothing from it: its data rows are
written here as sheet XML (inline strings and numbers, the markup openpyxl itself writes) to a
temporary file, about ten times faster, and spliced into the sheet after openpyxl has saved the
workbook with the sheet's layout and header row. Text is escaped; characters XML cannot hold are
dropped; text that a spreadsheet could take for a formula carries the "quote prefix" style, as in
`export_cells.text_cell`.
"""

import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from typing import BinaryIO
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.export_cells import FORMULA_STARTS, INT, TEXT, ListColumn

# Small buffers: they are the export's memory (each buffered row is held as text, joined and
# encoded: three copies), and larger ones are no faster. At 2,000 rows and 1 MiB they cost the
# province's export about 5 MiB more at its peak.
FLUSH_EVERY = 500  # rows buffered before a write to the temporary file
COPY_CHUNK = 64 * 1024  # bytes a part is copied by when the workbook is saved
# XML readers turn a literal CR into LF: written as a character reference it stays a CR.
CARRIAGE_RETURN = {"\r": "&#13;"}


def can_write_raw(columns: Sequence[ListColumn]) -> bool:
    return all(column.kind in (TEXT, INT) for column in columns)


class RawRows:
    """The data rows (from row 2) of one write-only sheet, as XML in a temporary file."""

    def __init__(self, ws: WriteOnlyWorksheet, columns: Sequence[ListColumn]) -> None:
        self.ws = ws
        self.columns = [(get_column_letter(i), column.kind is INT) for i, column in enumerate(columns, 1)]
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by save_workbook)
        self.row = 1  # the header, written by openpyxl
        self.buffer: list[str] = []
        self._quoted_style: int | None = None

    def append(self, values: Sequence) -> None:
        self.row += 1
        row = self.row
        parts = [f'<row r="{row}">']
        for (letter, is_number), value in zip(self.columns, values, strict=True):
            if value is None or value == "":
                continue
            if is_number:
                parts.append(f'<c r="{letter}{row}"><v>{int(value)}</v></c>')
            else:
                parts.append(self._text(f"{letter}{row}", value))
        parts.append("</row>")
        self.buffer.append("".join(parts))
        if len(self.buffer) >= FLUSH_EVERY:
            self.flush()

    def _text(self, ref: str, value: str) -> str:
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        style = f' s="{self.quoted_style}"' if value.startswith(FORMULA_STARTS) else ""
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return (
            f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{escape(value, CARRIAGE_RETURN)}</t></is></c>'
        )

    @property
    def quoted_style(self) -> int:
        """The workbook's style index of a plain cell with the quote prefix (added on first use)."""
        if self._quoted_style is None:
            cell = WriteOnlyCell(self.ws)
            cell.quotePrefix = True
            self._quoted_style = cell.style_id
        return self._quoted_style

    def flush(self) -> None:
        if self.buffer:
            self.file.write("".join(self.buffer).encode())
            self.buffer.clear()

    def splice_into(self, sheet_xml: bytes, dst: BinaryIO) -> None:
        """Write the sheet as openpyxl made it (header only) with these rows before its end."""
        self.flush()
        end = sheet_xml.rindex(b"</sheetData>")
        dst.write(sheet_xml[:end])
        self.file.seek(0)
        shutil.copyfileobj(self.file, dst, COPY_CHUNK)
        dst.write(sheet_xml[end:])

    def close(self) -> None:
        self.file.close()


def save_workbook(workbook: Workbook, out, raw_sheets: list[RawRows]) -> None:
    """Save the workbook to `out` (a path or a binary file), the raw rows spliced into their sheets.

    Every part is streamed from the saved workbook to `out`: memory holds one chunk at a time
    (and the header-only XML of each raw sheet).
    """
    if not raw_sheets:
        workbook.save(out)
        return
    try:
        with tempfile.TemporaryFile() as saved:
            workbook.save(saved)
            targets = {raw.ws.path.lstrip("/"): raw for raw in raw_sheets}
            saved.seek(0)
            with (
                zipfile.ZipFile(saved) as source,
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
            ):
                for info in source.infolist():
                    raw = targets.get(info.filename)
                    with source.open(info) as src, target.open(info.filename, "w", force_zip64=True) as dst:
                        if raw is None:
                            shutil.copyfileobj(src, dst, COPY_CHUNK)
                        else:
                            raw.splice_into(src.read(), dst)
    finally:
        for raw in raw_sheets:
            raw.close()
