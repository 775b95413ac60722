""" "Xuất Excel" through HTTP with real logins: the small export answers with the file, a large one
becomes a job with a status page and a download; scope, ownership and bad input."""

import datetime
import io
import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from party.models import RoleKind
from reports.export_parts import ExportError
from reports.models import ExportStatus, ReportExport
from reports.tasks import run_report_export
from tests.conftest import make_user
from tests.reports import test_totals

world = test_totals.world  # the hand-built subtree where every figure is known

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def background(settings, media):
    """Every export with a list row runs as a job."""
    settings.REPORT_EXPORT_IMMEDIATE_ROWS = 1


def post(client, unit, first=2024, last=2025, **extra):
    data = {"unit": unit.pk, "year_from": first, "year_to": last, **extra}
    return client.post(reverse("report_export"), data)


def read(response) -> bytes:
    # Reading the stream to its end closes the file; closing the response by hand would close
    # the test's database connection (request_finished).
    return b"".join(response.streaming_content)


def error_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_get_a_small_export_at_once(login, staff, world):
    client = login(staff)
    response = post(client, world["units"]["committee"])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Bao-cao_%C4%90%E1%BA%A3ng-b%E1%BB%99-S%E1%BB%9F_2024-2025.xlsx" in disposition
    book = load_workbook(io.BytesIO(read(response)))
    assert book.sheetnames[:3] == ["Tổng hợp", "Theo năm", "Theo đơn vị"]
    assert book["Đăng ký"].max_row == 1 + 9
    assert not ReportExport.objects.exists()  # nothing stored for an immediate export


def test_aggregate_only_checkbox_leaves_out_the_lists(login, staff, world):
    response = post(login(staff), world["units"]["committee"], aggregate_only="on")
    assert load_workbook(io.BytesIO(read(response))).sheetnames == ["Tổng hợp", "Theo năm", "Theo đơn vị"]


def test_secretary_exports_their_cell_only(login, world):
    units = world["units"]
    secretary = make_user("bithu_a", RoleKind.SECRETARY, units["cell_a"])
    client = login(secretary)
    assert post(client, units["cell_a"]).status_code == 200
    assert post(client, units["committee"]).status_code == 404
    assert post(client, units["cell_b"]).status_code == 404


def test_outsider_and_missing_unit_get_404(login, outsider, world):
    client = login(outsider)
    assert post(client, world["units"]["committee"]).status_code == 404
    response = client.post(reverse("report_export"), {"unit": 999999, "year_from": 2024, "year_to": 2025})
    assert response.status_code == 404


def test_export_rejects_get(login, staff, tree):
    assert login(staff).get(reverse("report_export")).status_code == 405


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2025", "2024", "Năm bắt đầu phải trước hoặc bằng năm kết thúc."),
        ("2010", "2024", "Năm phải từ 2016 đến"),
        ("2024", "3000", "Năm phải từ 2016 đến"),
        ("hai", "2024", "Năm bắt đầu phải là một số."),
        ("2024", "", "Nhập năm kết thúc."),
    ],
)
def test_bad_years_go_back_to_the_report_with_a_message(login, staff, tree, first, last, message):
    client = login(staff)
    data = {"unit": tree["committee"].pk, "year_from": first, "year_to": last}
    response = client.post(reverse("report_export"), data)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("report")
    query = parse_qs(target.query)
    assert query["unit"] == [str(tree["committee"].pk)]
    assert query.get("year_from") == ([first] if first else None)
    assert any(text.startswith(message) for text in error_messages(response)), error_messages(response)


def test_a_missing_unit_is_a_message_too(login, staff, tree):
    response = login(staff).post(reverse("report_export"), {"unit": "", "year_from": 2024, "year_to": 2024})
    assert response.status_code == 302
    assert error_messages(response) == ["Chọn đơn vị."]


def test_large_export_runs_as_a_job_with_progress_and_a_download(
    login, staff, world, background, django_capture_on_commit_callbacks
):
    client = login(staff)
    committee = world["units"]["committee"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, committee)
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report_export_status", args=[export.pk])
    assert (export.requested_by, export.unit, export.first_year, export.last_year) == (
        staff,
        committee,
        2024,
        2025,
    )
    assert (export.status, export.rows_total, export.rows_done) == (ExportStatus.QUEUED, 21, 0)
    queued = DBTaskResult.objects.get()  # queued once the job's row was committed
    assert queued.task_path == "reports.tasks.run_report_export"
    assert queued.args_kwargs["args"] == [str(export.pk)]

    status = client.get(response["Location"])
    assert status.status_code == 200
    assert status["Refresh"] == "3"
    page = status.content.decode()
    assert "Đang chờ" in page and "Đã ghi 0/21 dòng" in page
    assert client.get(reverse("report_export_file", args=[export.pk])).status_code == 404  # not ready

    assert run_report_export.call(str(export.pk)) == 21
    export.refresh_from_db()
    assert (export.status, export.rows_done) == (ExportStatus.DONE, 21)
    assert export.finished_at is not None
    assert export.file.name == f"exports/{export.pk}.xlsx"
    status = client.get(response["Location"])
    assert "Refresh" not in status
    page = status.content.decode()
    assert "Đã xong" in page and "Tải về" in page and reverse("report_export_file", args=[export.pk]) in page

    download = client.get(reverse("report_export_file", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert "Bao-cao_" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(read(download)))
    assert book["Đăng ký"].max_row == 1 + 9


def test_a_job_is_visible_only_to_who_asked_for_it(
    login, staff, world, background, django_capture_on_commit_callbacks
):
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world["units"]["committee"])
    export = ReportExport.objects.get()
    run_report_export.call(str(export.pk))
    colleague = make_user("canbo2", RoleKind.STAFF, world["units"]["committee"])
    secretary = make_user("bithu_b", RoleKind.SECRETARY, world["units"]["cell_b"])
    for other in (colleague, secretary):
        client = login(other)
        assert client.get(reverse("report_export_status", args=[export.pk])).status_code == 404
        assert client.get(reverse("report_export_file", args=[export.pk])).status_code == 404


def test_a_failed_job_says_so_in_vietnamese(
    login, staff, world, background, django_capture_on_commit_callbacks
):
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world["units"]["committee"])
    export = ReportExport.objects.get()
    ReportExport.objects.filter(pk=export.pk).update(first_year=2026, last_year=2025)  # cannot be counted
    with pytest.raises(ValueError):
        run_report_export.call(str(export.pk))
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    page = client.get(reverse("report_export_status", args=[export.pk]))
    assert "Refresh" not in page
    assert "Không xuất được tệp Excel" in page.content.decode()
    assert client.get(reverse("report_export_file", args=[export.pk])).status_code == 404
    assert not export.file_path.exists() and not export.file_path.with_suffix(".part").exists()


def test_old_exports_and_their_files_are_deleted_when_a_new_one_starts(
    login, staff, world, background, django_capture_on_commit_callbacks
):
    old = ReportExport.objects.create(
        requested_by=staff, unit=world["units"]["committee"], first_year=2024, last_year=2024
    )
    old.file.save("x.xlsx", ContentFile(b"old"), save=True)
    path = old.file.path
    ReportExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = ReportExport.objects.create(
        requested_by=staff, unit=world["units"]["committee"], first_year=2025, last_year=2025
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(login(staff), world["units"]["committee"])
    assert not ReportExport.objects.filter(pk=old.pk).exists()
    assert ReportExport.objects.filter(pk=recent.pk).exists()
    assert ReportExport.objects.count() == 2
    assert not os.path.exists(path)


def test_purge_command_deletes_only_expired_exports(staff, world, media):
    old = ReportExport.objects.create(
        requested_by=staff, unit=world["units"]["committee"], first_year=2024, last_year=2024
    )
    old.file.save("x.xlsx", ContentFile(b"old"), save=True)
    ReportExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    fresh = ReportExport.objects.create(
        requested_by=staff, unit=world["units"]["committee"], first_year=2024, last_year=2024
    )
    out = io.StringIO()
    call_command("purge_report_exports", stdout=out)
    assert "Đã xóa 1 tệp" in out.getvalue()
    assert list(ReportExport.objects.all()) == [fresh]
    assert not os.path.exists(old.file.path)


def test_admin_lists_exports_read_only(login, admin_user, staff, world):
    export = ReportExport.objects.create(
        requested_by=staff, unit=world["units"]["committee"], first_year=2024, last_year=2025
    )
    client = login(admin_user)
    changelist = reverse("admin:reports_reportexport_changelist")
    assert client.get(changelist).status_code == 200
    page = client.get(changelist, {"q": "DB"})
    assert page.status_code == 200 and "Đảng bộ Sở" in page.content.decode()
    assert client.get(reverse("admin:reports_reportexport_change", args=[export.pk])).status_code == 200
    assert client.get(reverse("admin:reports_reportexport_add")).status_code == 403
    view = client.post(reverse("admin:reports_reportexport_change", args=[export.pk]), {"first_year": 2020})
    assert view.status_code == 403
    export.refresh_from_db()
    assert export.first_year == 2024


@pytest.mark.parametrize("field", ["unit", "year_from", "year_to"])
def test_a_field_of_17000_characters_is_a_message_not_a_bad_request(login, staff, tree, field):
    data = {"unit": tree["committee"].pk, "year_from": "2024", "year_to": "2025", field: "1" * 17_000}
    response = login(staff).post(reverse("report_export"), data)
    assert response.status_code == 302
    assert len(response["Location"]) < 200
    assert error_messages(response)


def test_a_job_that_cannot_be_written_in_sheets_shows_why(
    login, staff, world, background, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reports.export_parts.SHEET_ROWS", 2)  # Chi bộ A alone has 3 in 2025
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world["units"]["committee"])
    export = ReportExport.objects.get()
    with pytest.raises(ExportError):
        run_report_export.call(str(export.pk))
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    assert export.error.startswith("Danh sách “Đăng ký” năm 2025 của Chi bộ A có 3 dòng, quá giới hạn")
    page = client.get(reverse("report_export_status", args=[export.pk])).content.decode()
    assert "Danh sách “Đăng ký” năm 2025 của Chi bộ A có 3 dòng" in page
    assert not export.file_path.exists() and not export.file_path.with_suffix(".part").exists()


def test_a_small_export_that_cannot_be_written_goes_back_with_the_reason(login, staff, world, monkeypatch):
    monkeypatch.setattr("reports.export_parts.SHEET_ROWS", 2)
    response = post(login(staff), world["units"]["committee"])
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("report")
    [message] = error_messages(response)
    assert message.startswith("Danh sách “Đăng ký” năm 2025 của Chi bộ A có 3 dòng")
