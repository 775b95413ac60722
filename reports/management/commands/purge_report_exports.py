"""Delete report exports (and their files) older than the retention period: for a daily cron."""

from django.core.management.base import BaseCommand

from reports.models import RETENTION, ReportExport


class Command(BaseCommand):
    help = f"Xóa các tệp Excel báo cáo đã xuất quá {RETENTION.days} ngày."

    def handle(self, *args, **options) -> None:
        count = ReportExport.objects.purge_expired()
        self.stdout.write(f"Đã xóa {count} tệp Excel báo cáo quá {RETENTION.days} ngày.")
