"""The review report in a real browser: pick a span by keyboard, read, follow a figure, print view."""

import re

from playwright.sync_api import expect

from party.models import Meeting
from pledges.models import Pledge, PledgeDeed


def test_staff_pick_a_span_by_keyboard_and_follow_a_figure(
    tree, people, staff, logged_in, live_server, csp_violations
):
    for name, year in (("an", 2024), ("an", 2025), ("cuong", 2025)):
        pledge = Pledge.objects.create(member=people[name], unit=people[name].unit, year=year)
        PledgeDeed.objects.create(pledge=pledge, content="Việc làm", position=1)
    Meeting.objects.create(
        unit=tree["cell_a"],
        held_on="2025-03-03",
        includes_directive=True,
        topic="Chuyên đề năm 2025",
        attendance_present=7,
        attendance_expected=8,
    )
    page = logged_in(staff)
    page.get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đảng bộ Sở")

    page.get_by_label("Từ năm … đến năm …").check()
    page.get_by_label("Từ năm", exact=True).select_option("2024")
    page.get_by_label("Đến năm", exact=True).select_option("2025")
    page.get_by_label("Đến năm", exact=True).focus()
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 năm 2024-2025")
    expect(page.locator(".narrative")).to_contain_text(
        "có 2 cán bộ, đảng viên, người lao động đăng ký học tập và làm theo Bác (3 lượt)"
    )
    expect(page.locator(".narrative")).to_contain_text("1 lượt sinh hoạt chi bộ, với 7 lượt đảng viên")
    expect(page.locator("svg.chart")).to_have_count(2)

    page.get_by_role("row", name=re.compile("^Lượt đăng ký 3")).get_by_role("link").click()
    expect(page.get_by_text("3 lượt đăng ký")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Bản in A4").click()
    expect(page.get_by_text("ĐẢNG CỘNG SẢN VIỆT NAM")).to_be_visible()
    expect(page.locator(".doc-title")).to_contain_text("giai đoạn 2024-2025")
    assert csp_violations == []
