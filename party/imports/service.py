"""Preview and commit a whole workbook: every sheet, all or nothing.

Each registered sheet is read through its row form, then its valid rows are planned against the
database, in the registry's order; the commit reads and plans the file again and writes it.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from party.access import can_import_sheet
from party.imports import registry
from party.imports.base import ImportContext, RowError, Sheet, SheetPlan, ValidRow
from party.imports.safety import check_sheets, check_workbook_bytes, open_workbook
from party.models import ImportBatch

# The rows its form found valid, of each sheet of a workbook, in the registry's order.
SheetRows = list[tuple[type[Sheet], list[ValidRow]]]

logger = logging.getLogger(__name__)
# Also what a card number or unit code taken outside the user's scope meets: the preview cannot
# tell it from a free one (docs/privacy.md), so the message names no row and nobody.
DATABASE_REFUSED = (
    "Cơ sở dữ liệu từ chối ghi một dòng của tệp (có thể ai đó vừa nhập cùng dữ liệu, hoặc một số thẻ "
    "đảng viên trong tệp đã được dùng ở đơn vị ngoài phạm vi quản lý); không dữ liệu nào của tệp được "
    "ghi. Hãy xác nhận lại; nếu vẫn lỗi, hãy báo cán bộ đảng ủy hoặc quản trị hệ thống."
)
# The preview lists this many errors; the rest are counted.
MAX_SHOWN_ERRORS = 1000


@dataclass
class ImportResult:
    plans: list[SheetPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

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
    """What the workbook would create and update, or its errors; writes nothing."""
    rows, read_errors = _read(data, file_name, user)
    result, _ = _plan(rows, user)
    result.errors = _in_sheet_order(read_errors + result.errors)
    return result


@transaction.atomic
def commit_workbook(*, data: bytes, file_name: str, user) -> ImportResult:
    """Re-read the workbook and write it whole, or nothing if any row is in error."""
    rows, read_errors = _read(data, file_name, user)
    result, planned = _plan(rows, user)
    result.errors = _in_sheet_order(read_errors + result.errors)
    if result.ok:
        for sheet, plan in planned:
            sheet.commit(plan)
    return result


def confirm_batch(*, batch: ImportBatch, user) -> ImportResult | None:
    """Write a previewed batch once: None if it was already handled (a second click, another tab).

    The batch row is locked for the whole write, so two confirmations cannot both write.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PENDING:
            return None
        try:
            result = commit_workbook(data=bytes(batch.content), file_name=batch.file_name, user=user)
        except (IntegrityError, DataError):
            # The plan passed every check, yet the database refused a row (a concurrent write of
            # the same key, a value only it rejects): the write's savepoint is rolled back, so
            # nothing of the file is kept and the batch stays pending for another try.
            logger.exception("Import batch %s: the database refused the write", batch.pk)
            raise ValidationError(DATABASE_REFUSED) from None
        batch.summary = result.as_dict()
        if result.ok:
            batch.status, batch.committed_at = ImportBatch.Status.DONE, timezone.now()
        else:
            batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["summary", "status", "committed_at"])
    return result
