"""Ends the sessions of inactive accounts: for a deactivation that sent no signal (a bulk
`update(is_active=False)` in the shell or a script); part of nightly_cleanup (docs/operations.md)."""

from django.core.management.base import BaseCommand

from party.accounts.sessions import end_sessions_of_inactive_users


class Command(BaseCommand):
    help = "Kết thúc mọi phiên đăng nhập còn hiệu lực của các tài khoản đã bị khóa."

    def handle(self, *args, **options) -> None:
        ended = end_sessions_of_inactive_users()
        self.stdout.write(f"Đã kết thúc {ended} phiên của tài khoản đã bị khóa.")
