"""Preview and commit a whole workbook: every sheet, all or nothing."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from party.access import can_import_sheet
from party.imports.base import ImportContext, RowError, Sheet, SheetPlan
from party.imports.inspections import InspectionSheet
from party.imports.members import MemberSheet
from party.imports.safety import check_sheets, check_workbook_bytes, open_workbook
from party.imports.units import UnitSheet
from party.imports.work import ConferenceSheet, DocumentSheet, MeetingSheet
from party.models import ImportBatch

# In dependency order: a sheet may refer to records an earlier sheet creates.
# Later features append their sheets here (pledges: PledgesConfig.ready()).
SHEETS: list[type[Sheet]] = [
    UnitSheet,
    MemberSheet,
    MeetingSheet,
    InspectionSheet,
    DocumentSheet,
    ConferenceSheet,
]
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


def _plan(data: bytes, file_name: str, user) -> tuple[ImportResult, list[tuple[Sheet, SheetPlan]]]:
    check_workbook_bytes(data, file_name)
    check_sheets(data, [sheet_class.title for sheet_class in SHEETS])
    workbook = open_workbook(data)
    result, planned = ImportResult(), []
    try:
        context = ImportContext(user)
        known = {sheet_class.title for sheet_class in SHEETS}
        if not known & set(workbook.sheetnames):
            titles = ", ".join(f"“{title}”" for title in known)
            result.errors.append(
                RowError("(tệp)", None, None, f"Không có trang nào tên {titles}; hãy dùng tệp mẫu.")
            )
        for sheet_class in SHEETS:
            if sheet_class.title not in workbook.sheetnames:
                continue
            if not can_import_sheet(user, sheet_class):
                result.errors.append(RowError(sheet_class.title, None, None, _staff_only(sheet_class)))
                continue
            sheet = sheet_class(context)
            rows = sheet.read_rows(workbook[sheet_class.title])
            plan = sheet.plan(rows)
            result.errors.extend(sheet.errors)
            result.plans.append(plan)
            planned.append((sheet, plan))
            context.sheet_plans[sheet_class.title] = plan
    finally:
        workbook.close()
    result.errors.sort(
        key=lambda e: ([s.title for s in SHEETS].index(e.sheet) if e.sheet in known else -1, e.row or 0)
    )
    return result, planned


def _staff_only(sheet_class: type[Sheet]) -> str:
    titles = [f"“{s.title}”" for s in SHEETS if getattr(s, "open_to_secretaries", False)]
    open_sheets = " và ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)
    return (
        f"Chỉ cán bộ đảng ủy được nhập trang “{sheet_class.title}”. Bí thư chi bộ chỉ nhập các trang "
        f"{open_sheets} cho đơn vị của mình: hãy xóa trang “{sheet_class.title}” khỏi tệp rồi tải lên lại."
    )


def preview_workbook(*, data: bytes, file_name: str, user) -> ImportResult:
    """What the workbook would create and update, or its errors; writes nothing."""
    result, _ = _plan(data, file_name, user)
    return result


@transaction.atomic
def commit_workbook(*, data: bytes, file_name: str, user) -> ImportResult:
    """Re-read the workbook and write it whole, or nothing if any row is in error."""
    result, planned = _plan(data, file_name, user)
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
