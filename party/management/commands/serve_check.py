"""Refuses to serve with an unsafe setting: Django's deploy checks, failing on any warning.

Run by scripts/serve before gunicorn starts. It is `manage.py check --deploy --fail-level WARNING`
with one allowance: with SECURE_COOKIES=false (a plain-HTTP box on loopback, e.g. the load test)
the four HTTPS-only warnings are shown but tolerated. DEBUG, the key, hosts and the rest still fail.
"""

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand, CommandError

# HSTS, the HTTPS redirect and the two Secure cookie flags: only meaningful over HTTPS.
HTTPS_ONLY = {"security.W004", "security.W008", "security.W012", "security.W016"}


class Command(BaseCommand):
    help = "Deploy checks at WARNING level; the HTTPS-only ones are tolerated with SECURE_COOKIES=false."
    requires_system_checks = []  # run_checks below does it, with the deployment checks

    def handle(self, *args, **options) -> None:
        tolerated = set() if settings.HTTPS else HTTPS_ONLY
        found = [
            message
            for message in checks.run_checks(include_deployment_checks=True)
            if message.level >= checks.WARNING and not message.is_silenced()
        ]
        problems = [message for message in found if message.id not in tolerated]
        for message in found:
            self.stderr.write(f"{'' if message in problems else '(tolerated) '}{message}")
        if tolerated:
            self.stderr.write("SECURE_COOKIES=false: plain HTTP, for a loopback test box only.")
        if problems:
            raise CommandError(
                f"Refusing to start: {len(problems)} unsafe setting(s) above; fix .env (docs/operations.md)."
            )
        self.stdout.write("Deploy checks passed.")
