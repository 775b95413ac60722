"""Delete access-log entries older than ACCESS_LOG_RETENTION_DAYS (run daily by a timer)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from party.models import AccessEvent


class Command(BaseCommand):
    help = "Xóa các mục nhật ký truy cập cũ hơn ACCESS_LOG_RETENTION_DAYS ngày."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Số ngày giữ lại (mặc định theo cấu hình)."
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("Số ngày giữ lại phải từ 1 trở lên.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = AccessEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(
            f"Đã xóa {deleted} mục nhật ký truy cập trước {timezone.localtime(cutoff):%d/%m/%Y}."
        )
