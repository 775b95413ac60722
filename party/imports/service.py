"""Preview and commit a whole workbook: every sheet, all or nothing.

The preview reads each registered sheet through its row form and plans the valid rows against
the database; the batch keeps those rows with the plan's fingerprint (validated.py). The
confirmation plans the kept rows again and writes them only if the plan is still the one the
person saw; if anything changed in between, it writes nothing and the batch shows the new plan
(or its errors) to confirm again.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from party.access import can_import_sheet
from party.imports import registry, validated
from party.imports.base import ImportContext, RowError, Sheet, SheetPlan
from party.imports.safety import check_sheets, check_workbook_bytes, open_workbook
from party.imports.validated import SheetRows
from party.models import ImportBatch

logger = logging.getLogger(__name__)
# Also what a card number or unit code taken outside the user's scope meets: the preview cannot
# tell it from a free one (docs/privacy.md), so the message names no row and nobody.
DATABASE_REFUSED = (
    "Cơ sở dữ liệu từ chối ghi một dòng của tệp (có thể ai đó vừa nhập cùng dữ liệu, hoặc một số thẻ "
    "đảng viên trong tệp đã được dùng ở đơn vị ngoài phạm vi quản lý); không dữ liệu nào của tệp được "
    "ghi. Hãy xác nhận lại; nếu vẫn lỗi, hãy báo cán bộ đảng ủy hoặc quản trị hệ thống."
)
# A batch whose rows are gone (blanked after IMPORT_FILE_RETENTION_DAYS, or kept by an older version).
ROWS_GONE = (
    "Không còn dữ liệu đã kiểm tra của lần tải lên này; không dữ liệu nào được ghi. Hãy tải tệp lên lại."
)
# The preview lists this many errors; the rest are counted.
MAX_SHOWN_ERRORS = 1000


@dataclass
class ImportResult:
    plans: list[SheetPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # What a plan without error keeps for its confirmation: the rows and the plan's fingerprint.
    validated: dict = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "sheets": [plan.as_dict() for plan in self.plans],
            "errors": [error.as_dict() for error in self.errors[:MAX_SHOWN_ERRORS]],
            "error_count": len(self.errors),
            "more_errors": max(len(self.errors) - MAX_SHOWN_ERRORS, 0),
        }


def _read(data: bytes, file_name: str, user) -> tuple[SheetRows, list[RowError]]:
    """Each registered sheet of the workbook, its rows read and checked by its row form."""
    sheets = registry.sheets()
    check_workbook_bytes(data, file_name)
    check_sheets(data, [sheet_class.title for sheet_class in sheets])
    workbook = open_workbook(data)
    rows: SheetRows = []
    errors: list[RowError] = []
    try:
        present = [sheet_class for sheet_class in sheets if sheet_class.title in workbook.sheetnames]
        if not present:
            titles = ", ".join(f"“{sheet_class.title}”" for sheet_class in sheets)
            errors.append(
                RowError("(tệp)", None, None, f"Không có trang nào tên {titles}; hãy dùng tệp mẫu.")
            )
        for sheet_class in present:
            if not can_import_sheet(user, sheet_class):
                errors.append(RowError(sheet_class.title, None, None, _staff_only(sheet_class)))
                continue
            sheet = sheet_class(ImportContext(user))
            rows.append((sheet_class, sheet.clean_rows(sheet.read_rows(workbook[sheet_class.title]))))
            errors.extend(sheet.errors)
    finally:
        workbook.close()
    return rows, errors


def _plan(rows: SheetRows, user) -> tuple[ImportResult, list[tuple[Sheet, SheetPlan]]]:
    """The plan of every sheet's valid rows, in order: a sheet may refer to what earlier ones plan."""
    result, planned = ImportResult(), []
    context = ImportContext(user)
    for sheet_class, valid in rows:
        if not can_import_sheet(user, sheet_class):
            result.errors.append(RowError(sheet_class.title, None, None, _staff_only(sheet_class)))
            continue
        sheet = sheet_class(context)
        plan = sheet.plan(valid)
        result.errors.extend(sheet.errors)
        result.plans.append(plan)
        planned.append((sheet, plan))
        context.sheet_plans[sheet_class.title] = plan
    return result, planned


def _in_sheet_order(errors: list[RowError]) -> list[RowError]:
    order = {sheet_class.title: index for index, sheet_class in enumerate(registry.sheets())}
    return sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))


def _staff_only(sheet_class: type[Sheet]) -> str:
    titles = [f"“{s.title}”" for s in registry.sheets() if s.open_to_secretaries]
    open_sheets = " và ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)
    return (
        f"Chỉ cán bộ đảng ủy được nhập trang “{sheet_class.title}”. Bí thư chi bộ chỉ nhập các trang "
        f"{open_sheets} cho đơn vị của mình: hãy xóa trang “{sheet_class.title}” khỏi tệp rồi tải lên lại."
    )


def preview_workbook(*, data: bytes, file_name: str, user) -> ImportResult:
    """What the workbook would create and update, or its errors; writes nothing. Without error,
    `validated` holds what the confirmation needs."""
    rows, read_errors = _read(data, file_name, user)
    kept = validated.encode(rows)  # before planning, which adds what it finds to the rows
    result, _ = _plan(rows, user)
    result.errors = _in_sheet_order(read_errors + result.errors)
    if result.ok:
        result.validated = {"sheets": kept, "fingerprint": validated.fingerprint(result.plans)}
    return result


def preview_batch(*, data: bytes, file_name: str, user) -> ImportBatch:
    """Preview an uploaded workbook and keep it as a batch waiting for confirmation (or failed)."""
    result = preview_workbook(data=data, file_name=file_name, user=user)
    return ImportBatch.objects.create(
        uploaded_by=user,
        file_name=file_name[:255],
        content=data,
        status=ImportBatch.Status.PENDING if result.ok else ImportBatch.Status.FAILED,
        summary=result.as_dict(),
        validated=result.validated,
    )


@transaction.atomic
def commit_validated(*, kept: dict, user) -> ImportResult:
    """Write the rows a preview validated if their plan is still the one it showed; otherwise
    write nothing and return the new plan (`written` False), or its errors."""
    rows = validated.decode(kept.get("sheets", []))
    if rows is None or "fingerprint" not in kept:
        return ImportResult(errors=[RowError("(tệp)", None, None, ROWS_GONE)])
    result, planned = _plan(rows, user)
    result.errors = _in_sheet_order(result.errors)
    if not result.ok:
        return result
    result.validated = {"sheets": kept["sheets"], "fingerprint": validated.fingerprint(result.plans)}
    if result.validated["fingerprint"] == kept["fingerprint"]:
        for sheet, plan in planned:
            sheet.commit(plan)
        result.written = True
    return result


@transaction.atomic
def commit_workbook(*, data: bytes, file_name: str, user) -> ImportResult:
    """Read the workbook and write it whole, or nothing if any row is in error, in one step
    (scripts and the benchmark; the pages preview first and confirm with `confirm_batch`)."""
    rows, read_errors = _read(data, file_name, user)
    result, planned = _plan(rows, user)
    result.errors = _in_sheet_order(read_errors + result.errors)
    if result.ok:
        for sheet, plan in planned:
            sheet.commit(plan)
        result.written = True
    return result


def confirm_batch(*, batch: ImportBatch, user) -> ImportResult | None:
    """Write a previewed batch once: None if it was already handled (a second click, another tab).

    The batch row is locked for the whole write, so two confirmations cannot both write. When the
    data changed since the preview, nothing is written: the batch keeps the new plan to confirm
    (still pending), or fails with its errors.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PENDING:
            return None
        try:
            result = commit_validated(kept=batch.validated, user=user)
        except (IntegrityError, DataError):
            # The plan passed every check, yet the database refused a row (a concurrent write of
            # the same key, a value only it rejects): the write's savepoint is rolled back, so
            # nothing of the file is kept and the batch stays pending for another try.
            logger.exception("Import batch %s: the database refused the write", batch.pk)
            raise ValidationError(DATABASE_REFUSED) from None
        batch.summary = result.as_dict()
        if result.written:
            batch.status, batch.committed_at, batch.validated = ImportBatch.Status.DONE, timezone.now(), {}
        elif result.ok:
            batch.validated = result.validated
        else:
            batch.status, batch.validated = ImportBatch.Status.FAILED, {}
        batch.save(update_fields=["summary", "status", "committed_at", "validated"])
    return result
