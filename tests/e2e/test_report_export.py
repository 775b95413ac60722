"""Committee staff download the review report's workbook from the report page, at once and
through the background worker, in a real browser."""

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.reports import test_totals
from tests.reports.test_export_task import run_worker

world = test_totals.world  # the hand-built subtree where every figure is known


def report_page(page, live_server, unit) -> None:
    page.goto(f"{live_server.url}/reports/?unit={unit.pk}&span_choice=custom&year_from=2024&year_to=2025")


def registrations_in(path) -> int:
    summary = load_workbook(path)["Tổng hợp"]
    return next(row[1] for row in summary.iter_rows(values_only=True) if row[0] == "Lượt đăng ký")


def test_staff_download_the_workbook_from_the_report_page(
    logged_in, live_server, staff, world, tmp_path, csp_violations
):
    committee = world["units"]["committee"]
    page = logged_in(staff)
    report_page(page, live_server, committee)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất Excel").click()
    download = download_info.value
    assert download.suggested_filename == "Bao-cao_Đảng-bộ-Sở_2024-2025.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert registrations_in(path) == 9
    assert "Đăng ký" in load_workbook(path).sheetnames

    # A download leaves the page in place; the export form may be sent again (after a moment).
    page.get_by_label("Chỉ số liệu tổng hợp").check()
    expect(page.get_by_role("button", name="Xuất Excel")).not_to_have_attribute("aria-disabled", "true")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất Excel").click()
    download_info.value.save_as(tmp_path / "aggregate.xlsx")
    assert load_workbook(tmp_path / "aggregate.xlsx").sheetnames == ["Tổng hợp", "Theo năm", "Theo đơn vị"]
    assert csp_violations == []


def test_a_large_export_waits_for_the_worker_then_downloads(
    logged_in, live_server, staff, world, settings, tmp_path, csp_violations
):
    settings.REPORT_EXPORT_IMMEDIATE_ROWS = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    page = logged_in(staff)
    report_page(page, live_server, world["units"]["committee"])
    page.get_by_role("button", name="Xuất Excel").click()
    expect(page.get_by_text("Đã ghi 0/21 dòng")).to_be_visible()

    run_worker()

    # The status page refreshes itself (HTTP Refresh header, every 3 seconds).
    link = page.get_by_role("link", name="Tải về")
    expect(link).to_be_visible(timeout=10_000)
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "large.xlsx"
    download_info.value.save_as(path)
    assert registrations_in(path) == 9
    assert csp_violations == []
