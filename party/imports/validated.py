"""What a preview keeps for its confirmation: the rows its forms validated, and its plan's fingerprint.

The confirmation plans these rows again (the database lookups only: no workbook to read, no form
to run) and writes only if the plan is the one the person saw: same rows, same actions, same
changes, and the same version of every record it updates (`fingerprint`). Kept as JSON in
`ImportBatch.validated`; the cleaned values of a row form are text, numbers, yes/no, dates,
decimals and tuples of unit codes, and each comes back as the same type.
"""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from party.imports import registry
from party.imports.base import Sheet, SheetPlan, SourceRow, ValidRow

SheetRows = list[tuple[type[Sheet], list[ValidRow]]]


def encode(rows: SheetRows) -> list[dict]:
    """The validated rows of every sheet, as JSON."""
    return [
        {"title": sheet.title, "rows": [[row.number, _values(data)] for row, data in valid]}
        for sheet, valid in rows
    ]


def decode(sheets: list[dict]) -> SheetRows | None:
    """The rows `encode` kept; None if a sheet is no longer registered."""
    rows = []
    for sheet in sheets:
        sheet_class = registry.by_title(sheet["title"])
        if sheet_class is None:
            return None
        valid = [
            (SourceRow(number), {name: _decode(v) for name, v in data.items()})
            for number, data in sheet["rows"]
        ]
        rows.append((sheet_class, valid))
    return rows


def fingerprint(plans: list[SheetPlan]) -> str:
    """A digest of everything the preview shows, with the version of each record an update writes."""
    content = [
        [plan.title, [[a.row, a.action, a.label, a.changes, _state(a)] for a in plan.actions]]
        for plan in plans
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _state(action) -> list | None:
    record = action.record
    if action.action != "update" or record is None:
        return None
    return [record._meta.label, record.pk, getattr(record, "version", None)]


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: _encode(value) for name, value in data.items()}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    raise TypeError(f"An import row holds a {type(value).__name__}, which the batch cannot keep: {value!r}")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((kind, content),) = value.items()
    if kind == "date":
        return datetime.date.fromisoformat(content)
    if kind == "decimal":
        return Decimal(content)
    return tuple(_decode(v) for v in content)
