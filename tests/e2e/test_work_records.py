"""A secretary records a cell meeting and committee staff record an award, in a real browser."""

import datetime

from playwright.sync_api import expect

from party.models import Meeting
from pledges.models import Award


def test_secretary_records_a_meeting_by_keyboard(logged_in, live_server, secretary_a, people, csp_violations):
    page = logged_in(secretary_a)
    page.get_by_role("link", name="Hồ sơ công tác").click()
    page.get_by_role("link", name="Sinh hoạt chi bộ").first.click()
    expect(page.get_by_text("Chưa có bản ghi nào.")).to_be_visible()
    page.get_by_role("link", name="+ Ghi buổi sinh hoạt").click()

    # The only cell is preselected by the browser (one choice); fill the rest from the keyboard.
    page.get_by_label("Đơn vị").select_option(label="Chi bộ A")
    page.get_by_label("Ngày sinh hoạt").fill("12/03/2026")
    page.get_by_label("Hình thức").select_option(label="Sinh hoạt chuyên đề")
    page.get_by_label("Có nội dung Chỉ thị 05").press("Space")
    page.get_by_label("Nội dung, chủ đề").fill("Học tập phong cách làm việc khoa học của Bác")
    page.get_by_label("Số có mặt").fill("11")
    page.get_by_label("Số phải dự").fill("10")
    page.get_by_label("Số phải dự").press("Enter")

    # Bad attendance: refused with a clear message, the typed input kept.
    expect(page.get_by_text("Số có mặt không được lớn hơn số phải dự.")).to_be_visible()
    topic = page.get_by_label("Nội dung, chủ đề")
    expect(topic).to_have_value("Học tập phong cách làm việc khoa học của Bác")
    assert not Meeting.objects.exists()
    page.get_by_label("Số phải dự").fill("12")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text("Đã lưu")).to_be_visible()
    meeting = Meeting.objects.get()
    assert (meeting.unit.code, meeting.held_on, meeting.includes_directive) == (
        "CBA",
        datetime.date(2026, 3, 12),
        True,
    )
    page.get_by_role("link", name="Sinh hoạt chi bộ").click()
    expect(page.get_by_role("row", name="12/03/2026")).to_contain_text("11 / 12")
    assert csp_violations == []


def test_staff_records_an_award_and_confirms_a_likely_duplicate(
    logged_in, live_server, staff, people, csp_violations
):
    page = logged_in(staff)
    page.goto(f"{live_server.url}/awards/new/")

    def fill_award(number: str) -> None:
        page.get_by_label("hoặc cá nhân được khen").select_option(label="Nguyễn Văn An (1985, Chi bộ A)")
        page.get_by_label("Hình thức").select_option(label="Giấy khen")
        page.get_by_label("Cấp khen").select_option(label="Đảng ủy cơ sở")
        page.get_by_label("Số quyết định").fill(number)
        page.get_by_label("Ngày quyết định").fill("20/01/2026")
        page.get_by_label("Năm thành tích").fill("2025")
        page.get_by_role("textbox", name="Thành tích").fill("Điển hình học tập và làm theo Bác năm 2025")
        page.get_by_role("button", name="Lưu").click()

    fill_award("15-QĐ/ĐU")
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Cá nhân: Nguyễn Văn An")
    award = Award.objects.get()
    assert (award.unit.code, award.was_party_member) == ("CBA", True)

    # The same recipient, form, issuer and year again: saved only after an explicit confirmation.
    page.goto(f"{live_server.url}/awards/new/")
    fill_award("16-QĐ/ĐU")
    expect(page.get_by_text("Pháp luật không cho khen hai lần")).to_be_visible()
    assert Award.objects.count() == 1
    page.get_by_label("Tôi đã kiểm tra").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    assert Award.objects.count() == 2
    assert csp_violations == []
