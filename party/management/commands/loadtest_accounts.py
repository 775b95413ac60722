"""Creates N secretary accounts on N cells with a known password, for the load test (tests/load/).

Refuses to run unless the database's name ends with `_load`: it is meant for a throwaway copy of the
province data, never for a real database. Writes `username,cell id,members,session` lines (CSV) to
--output; the session is a signed-in session made through Django's `login()` (the login signals
run) without the password hash, so the browsing scenario is not a login storm: logins are
measured by a scenario of their own.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Abs
from django.test import Client

from party.models import RoleKind, Unit, UnitKind, UnitRole

PREFIX = "load_secretary_"
PASSWORD = "tai-thu-nghiem-2026"  # tests/load/locustfile.py logs in with it


class Command(BaseCommand):
    help = "Load test only (database name ending with _load): N secretaries on N cells, known password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--members", type=int, help="cells of about this many members (default: largest)")
        parser.add_argument("--output", type=Path, required=True, help="CSV of username, cell id, members")

    def handle(self, *args, count: int, output: Path, members: int | None, **options) -> None:
        name = connection.settings_dict["NAME"]
        if not str(name).endswith("_load"):
            raise CommandError(f"Refusing: database {name!r} does not end with _load (a throwaway copy).")
        live = (
            Unit.objects.filter(kind=UnitKind.CELL, dissolved_on__isnull=True)
            .annotate(member_count=Count("members"))
            .filter(member_count__gt=0)
        )
        # The largest cells by default: the heaviest cell pages a secretary can have.
        order = Abs(F("member_count") - members) if members else F("member_count").desc()
        cells = list(live.order_by(order, "pk")[:count])
        if len(cells) < count:
            raise CommandError(f"Only {len(cells)} cells with members; asked for {count}.")
        users = get_user_model().objects
        with transaction.atomic():
            # The copy's sessions first: nobody else signs in to a throwaway copy.
            Session.objects.all().delete()
            users.filter(username__startswith=PREFIX).delete()
            password = make_password(PASSWORD)  # hashed once: the same hash for every account
            created = users.bulk_create(
                [users.model(username=f"{PREFIX}{index:04d}", password=password) for index in range(count)]
            )
            UnitRole.objects.bulk_create(
                [
                    UnitRole(user=user, unit=cell, role=RoleKind.SECRETARY)
                    for user, cell in zip(created, cells, strict=True)
                ]
            )
        with output.open("w", newline="") as file:
            writer = csv.writer(file)
            for user, cell in zip(created, cells, strict=True):
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                writer.writerow([user.username, cell.pk, cell.member_count, session])
        self.stdout.write(f"{count} secretaries written to {output} (password {PASSWORD!r}).")
