"""The deeds of the plan and registration sheets: one row per deed (việc làm).

The rows of one plan or one registration are grouped (their record cells must agree:
`Sheet.merge_group`); the file's list of deeds replaces the stored one only when it differs.
Every write goes through django-simple-history, so an import shows in the records' history like
an edit in the browser.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from party.imports.base import (
    CHANGE_REASON,
    RowProblem,
    Sheet,
    SourceRow,
    ValidRow,
    norm,
    short,
    show,
    text_key,
)
from party.imports.fields import date_field
from party.models import Unit


def deed_fields() -> dict[str, forms.Field]:
    """The deed columns every deed sheet has."""
    return {
        "content": forms.CharField(max_length=2000),
        "target": forms.CharField(max_length=255, required=False),
        "deadline": date_field(required=False),
    }


@dataclass
class DeedRow:
    """A deed as the file has it."""

    row: int
    content: str
    target: str = ""
    deadline: datetime.date | None = None
    done: bool | None = None


@dataclass
class DeedWork:
    """What writing the file's deed list over the stored one takes."""

    create: list[tuple[int, DeedRow]] = field(default_factory=list)
    update: list[tuple[Any, dict[str, Any], int]] = field(default_factory=list)
    delete: list[Any] = field(default_factory=list)


DEED_LABELS = {"content": "Nội dung", "target": "Chỉ tiêu", "deadline": "Thời hạn", "done": "Đã thực hiện"}


def diff_deeds(existing: Sequence[Any], wanted: list[DeedRow], fields: tuple[str, ...]):
    """Changes (for the preview) and work (for the commit) from the stored deeds to the file's.

    Deeds are matched on their content (ignoring case and spacing), so a deed keeps its identity
    (and its history) when only its target, deadline or result changes; unmatched stored deeds
    are removed.
    Stored positions are only rewritten when something else changed: deeds entered in the
    browser all keep position 1 and their order of entry.
    """
    pool: dict[str, list[Any]] = {}
    for deed in existing:
        pool.setdefault(text_key(deed.content), []).append(deed)
    changes: list[str] = []
    work = DeedWork()
    matched = []
    for position, item in enumerate(wanted, start=1):
        candidates = pool.get(text_key(item.content))
        deed = candidates.pop(0) if candidates else None
        if deed is None:
            work.create.append((position, item))
            changes.append(f"Thêm việc làm: “{short(item.content)}”")
            continue
        matched.append(deed)
        values = {}
        for name in ("content", *fields):
            old, new = getattr(deed, name), getattr(item, name)
            if name in ("content", "target"):
                old = norm(old)
            if old != new:
                values[name] = new
                changes.append(
                    f"Việc làm “{short(item.content)}”: {DEED_LABELS[name]} “{show(old)}” → “{show(new)}”"
                )
        work.update.append((deed, values, position))
    work.delete = [deed for deeds in pool.values() for deed in deeds]
    changes.extend(f"Bỏ việc làm: “{short(deed.content)}”" for deed in work.delete)
    matched_ids = {id(deed) for deed in matched}
    kept_in_stored_order = [deed for deed in existing if id(deed) in matched_ids]
    if [d.pk for d in matched] != [d.pk for d in kept_in_stored_order]:
        changes.append("Đổi thứ tự các việc làm.")
    work.update = [
        (deed, values, position)
        for deed, values, position in work.update
        if values or (changes and deed.position != position)
    ]
    return changes, work


def write_deeds(deed_model, parent_field: str, jobs: Iterable[tuple[Any, DeedWork]], fields, user) -> None:
    """Apply the deed work of many parents: bulk inserts and updates with history, deletes one by one."""
    new, changed = [], []
    for parent, work in jobs:
        for position, item in work.create:
            deed = deed_model(
                content=item.content, target=item.target, deadline=item.deadline, position=position
            )
            setattr(deed, parent_field, parent)
            if "done" in fields:
                deed.done = item.done
            new.append(deed)
        for deed, values, position in work.update:
            for name, value in values.items():
                setattr(deed, name, value)
            deed.position = position
            changed.append(deed)
        for deed in work.delete:
            deed._history_user = user
            deed._change_reason = CHANGE_REASON
            deed.delete()
    if new:
        bulk_create_with_history(
            new, deed_model, batch_size=500, default_user=user, default_change_reason=CHANGE_REASON
        )
    if changed:
        bulk_update_with_history(
            changed,
            deed_model,
            ["content", *fields, "position"],
            batch_size=500,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )


def write_records(
    model,
    deed_model,
    parent_field: str,
    *,
    created: list[tuple[Any, list[DeedRow]]],
    updated: list[tuple[Any, DeedWork | None]],
    fields: Sequence[str],
    deed_field_names: tuple[str, ...],
    user,
    now: datetime.datetime,
) -> None:
    """Insert the new records with their deeds, save the updated ones as a new version, apply their
    deed work (None: deeds unchanged). Bulk writes with history: a few queries for any file size."""
    records = bulk_create_with_history(
        [record for record, _ in created],
        model,
        batch_size=500,
        default_user=user,
        default_change_reason=CHANGE_REASON,
    )
    jobs = [
        (record, DeedWork(create=list(enumerate(deeds, start=1))))
        for record, (_, deeds) in zip(records, created, strict=True)
    ]
    for record, work in updated:
        record.version += 1
        record.updated_at = now
        if work is not None:
            jobs.append((record, work))
    if updated:
        bulk_update_with_history(
            [record for record, _ in updated],
            model,
            [*fields, "version", "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )
    write_deeds(deed_model, parent_field, jobs, deed_field_names, user)
    model.objects.filter(pk__in=[record.pk for record, _ in jobs]).recount_deeds()


def unit_existed_in_year(sheet: Sheet, row: SourceRow, data: dict, units: dict[str, Unit]) -> bool:
    """The row's unit is in scope (or created by this workbook) and not dissolved before the
    row's year; else an error on the row."""
    code = data["unit_code"]
    if not sheet.check_unit_code(row, code, units):
        return False
    try:
        sheet.check_unit_existed(code, units, "year", data["year"])
    except RowProblem as problem:
        sheet.error(row.number, problem.column, problem.message)
        return False
    return True


def deed_rows(sheet: Sheet, group: list[ValidRow], describe: str) -> list[DeedRow] | None:
    """The group's deeds in file order; the same deed twice is an error."""
    seen: dict[str, int] = {}
    deeds, ok = [], True
    for row, data in group:
        key = text_key(data["content"])
        if key in seen:
            sheet.error(
                row.number,
                "content",
                f"Việc làm trùng với dòng {seen[key]} của cùng {sheet.record_name} ({describe}).",
            )
            ok = False
            continue
        seen[key] = row.number
        deeds.append(
            DeedRow(
                row.number, norm(data["content"]), norm(data["target"]), data["deadline"], data.get("done")
            )
        )
    return deeds if ok else None
