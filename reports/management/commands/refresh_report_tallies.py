"""Rebuild the review report's tallies from the registrations, membership periods and people:
after a restore of only some tables or a manual SQL fix, which bypass the writes that keep them."""

import time

from django.core.management.base import BaseCommand

from reports.tallies import refresh_tallies, tally_drift


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp của báo cáo sơ kết, tổng kết từ dữ liệu gốc."

    def handle(self, *args, **options) -> None:
        drifted = len(tally_drift())
        started = time.monotonic()
        refresh_tallies()
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        self.stdout.write(
            f"Đã tính lại số liệu tổng hợp trong {seconds} giây ({drifted} dòng sai lệch trước đó)."
        )
