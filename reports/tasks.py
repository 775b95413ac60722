"""Background tasks of the reports app, run by the task worker (`manage.py db_worker`)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from reports.export import write_report_workbook
from reports.export_parts import ExportError
from reports.models import EXPORT_DIR, ExportStatus, ReportExport

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "Không xuất được tệp Excel do lỗi hệ thống. Vui lòng thử lại hoặc báo quản trị viên."


@task()
def run_report_export(export_id: str) -> int:
    """Write the export's workbook under MEDIA_ROOT/exports/, recording progress as it goes.

    The file is written under a temporary name and renamed when complete, so a download never
    sees half a workbook. A workbook whose lists did not get the rows counted for them is
    deleted, and the job shows why (`ExportError`'s message). Returns the number of list rows
    written.
    """
    jobs = ReportExport.objects.filter(pk=export_id)
    export = jobs.select_related("unit").get()
    jobs.update(status=ExportStatus.RUNNING)
    path = export.file_path
    partial = path.with_suffix(".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = write_report_workbook(
            export.unit,
            export.first_year,
            export.last_year,
            str(partial),
            aggregate_only=export.aggregate_only,
            progress=lambda done: jobs.update(rows_done=done),
        )
        partial.replace(path)
    except Exception as error:
        logger.exception("Report export %s failed", export_id)
        partial.unlink(missing_ok=True)
        message = str(error) if isinstance(error, ExportError) else FAILED_MESSAGE
        jobs.update(status=ExportStatus.FAILED, error=message, finished_at=timezone.now())
        raise
    jobs.update(
        status=ExportStatus.DONE,
        rows_done=rows,
        file=f"{EXPORT_DIR}/{path.name}",
        finished_at=timezone.now(),
    )
    return rows


def start_report_export(
    *, user, unit, first_year: int, last_year: int, aggregate_only: bool, rows_total: int
) -> ReportExport:
    """Record an export job and queue it once the row is committed (a task queued inside a
    transaction that rolls back would run for a job that does not exist)."""
    ReportExport.objects.purge_expired()
    export = ReportExport.objects.create(
        requested_by=user,
        unit=unit,
        first_year=first_year,
        last_year=last_year,
        aggregate_only=aggregate_only,
        rows_total=rows_total,
    )
    transaction.on_commit(lambda: run_report_export.enqueue(str(export.pk)))
    return export
