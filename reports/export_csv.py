"""The review report's lists as CSV files ("Tải CSV"): one list a file, every row of it (a CSV
has no sheet limit), with the workbook's columns and the same formula guard (`party.xlsx`).

UTF-8 with a byte-order mark, which is how Excel knows the file is UTF-8 (without it Vietnamese
letters come out garbled); comma-separated with CRLF line ends (RFC 4180, Python's "excel"
dialect). Dates are written as 2024-08-01: Excel and LibreOffice read that as a date whatever the
computer's regional settings, where 01/08/2024 is read as 8 January on an English-set machine.
"""

import csv
import datetime
import io
from collections.abc import Sequence
from typing import BinaryIO

from party.xlsx import csv_text
from reports.export_cells import INT, ListColumn
from reports.export_lists import ListSheet, stream
from reports.export_parts import ExportError, mismatch_message
from reports.queries import Scope

CSV = "text/csv; charset=utf-8"


def write_list_csv(sheet: ListSheet, scope: Scope, out: BinaryIO) -> int:
    """Write the list of the scope to `out` as CSV; returns the rows written (the header left out).

    Raises `ExportError` when the rows written are not the rows counted just before (the list
    changed while it was written): the caller must not deliver `out` then.
    """
    expected = sheet.records(scope).count()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(sheet.headers)
        written = 0
        for row in stream(sheet.rows(scope)):
            written += 1
            if written > expected:
                break
            writer.writerow(csv_fields(sheet.columns, sheet.convert(row)))
        text.flush()
    finally:
        text.detach()  # `out` stays open for the caller
    if written != expected:
        raise ExportError(mismatch_message(sheet.title, expected))
    return written


def csv_fields(columns: Sequence[ListColumn], values: Sequence) -> list:
    fields = []
    for column, value in zip(columns, values, strict=True):
        if value is None or value == "":
            fields.append("")
        elif column.kind is INT:
            fields.append(value)
        elif isinstance(value, datetime.date):
            fields.append(value.isoformat())
        else:
            fields.append(csv_text(str(value)))
    return fields
