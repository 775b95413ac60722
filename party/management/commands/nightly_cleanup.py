"""Everything that must not be kept forever, in one command for one daily timer
(docs/operations.md, docs/privacy.md): expired sessions and those of inactive accounts, old
access-log entries and login records, report exports past their week, finished background-task
results, old import files."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from party.models import ImportBatch


class Command(BaseCommand):
    help = "Dọn dữ liệu hết hạn lưu giữ (chạy hằng đêm): phiên, nhật ký, tệp xuất, tệp nhập."

    def handle(self, *args, **options) -> None:
        days = settings.ACCESS_LOG_RETENTION_DAYS
        call_command("clearsessions", stdout=self.stdout, stderr=self.stderr)
        call_command("end_inactive_sessions", stdout=self.stdout, stderr=self.stderr)
        call_command("purge_access_log", stdout=self.stdout, stderr=self.stderr)
        call_command("axes_reset_logs", age=days, stdout=self.stdout, stderr=self.stderr)
        call_command("purge_report_exports", stdout=self.stdout, stderr=self.stderr)
        call_command("prune_db_task_results", min_age_days=14, stdout=self.stdout, stderr=self.stderr)
        kept = settings.IMPORT_FILE_RETENTION_DAYS
        blanked = ImportBatch.objects.forget_files(kept)
        self.stdout.write(f"Đã xóa tệp của {blanked} lần nhập Excel quá {kept} ngày.")
