"""The background path for real: the view queues the job in the database, the django-tasks-db
worker (`manage.py db_worker --batch`) runs it and records progress, the person downloads it.

Transactional: the view's queueing waits for the commit, and the worker commits as it goes.
"""

import io
import re
import signal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from party.models import RoleKind, UnitKind
from pledges.models import Pledge
from reports.models import ExportStatus, ReportExport
from tests.conftest import log_in, make_member, make_unit, make_user

PEOPLE, YEARS = 30, range(2021, 2026)


def run_worker() -> None:
    """Run every queued task once, as `manage.py db_worker --batch` does, then put back the
    signal handlers the worker installs (they would outlive it in the test process)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_worker_writes_a_large_export_reporting_progress(client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_EXPORT_IMMEDIATE_ROWS = 100
    monkeypatch.setattr("reports.export_lists.PROGRESS_EVERY", 50)
    committee = make_unit("DB", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Sở")
    cells = [make_unit(f"CB{n}", committee, short_name=f"Chi bộ {n}") for n in (1, 2)]
    people = [make_member(cells[n % 2], f"Người Thứ {n}") for n in range(PEOPLE)]
    Pledge.objects.bulk_create(
        Pledge(member=person, unit=person.unit, year=year) for person in people for year in YEARS
    )
    staff = make_user("canbo", RoleKind.STAFF, committee)
    assert log_in(client, staff.username)

    response = client.post(
        reverse("report_export"), {"unit": committee.pk, "year_from": 2021, "year_to": 2025}
    )
    export = ReportExport.objects.get()
    assert response["Location"] == reverse("report_export_status", args=[export.pk])
    assert export.rows_total == PEOPLE * len(YEARS)
    assert DBTaskResult.objects.get().task_path == "reports.tasks.run_report_export"

    with CaptureQueriesContext(connection) as queries:
        run_worker()
    progress = [
        int(match.group(1))
        for query in queries.captured_queries
        if "reportexport" in query["sql"]
        for match in [re.search(r'"rows_done" = (\d+)', query["sql"])]
        if match
    ]
    assert progress == [50, 100, 150, 150]  # every 50 rows, then the final count with "done"
    export.refresh_from_db()
    assert (export.status, export.rows_done) == (ExportStatus.DONE, 150)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    page = client.get(reverse("report_export_status", args=[export.pk])).content.decode()
    assert "Tải về" in page
    download = client.get(reverse("report_export_file", args=[export.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    registrations = list(book["Đăng ký"].iter_rows(min_row=2, values_only=True))
    assert len(registrations) == 150
    assert {row[3] for row in registrations} == set(YEARS)
