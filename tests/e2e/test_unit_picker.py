"""A unit picker in a real browser, on a phone and on an office screen: type, arrow, Enter."""

import datetime

import pytest
from playwright.sync_api import expect

from party.models import Meeting
from party.unit_picker import LIST_ALL_UP_TO
from tests.conftest import make_unit


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_staff_pick_a_cell_by_typing_and_the_keyboard(
    tree, staff, logged_in, live_server, csp_violations, width, height
):
    cells = [
        make_unit(f"CB{n:02d}", tree["committee"], short_name=f"Chi bộ số {n}")
        for n in range(1, LIST_ALL_UP_TO + 6)
    ]
    page = logged_in(staff)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/meetings/new/")

    picker = page.get_by_role("combobox", name="Đơn vị")  # the field's own label names the box
    expect(page.locator("select[name=unit]")).to_be_hidden()
    picker.press_sequentially("chi bo so 1", delay=30)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(11)  # "Chi bộ số 1" and 10 to 19
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(picker).to_have_attribute("aria-expanded", "true")
    box = page.get_by_role("listbox").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the matches fit the screen

    picker.press("ArrowDown")
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", "id_unit_q-option-2")
    picker.press("Enter")  # picks "Chi bộ số 11", does not send the form
    expect(picker).to_have_value("Chi bộ số 11 (CB11) — Đảng bộ Sở")
    expect(picker).to_have_attribute("aria-expanded", "false")
    assert not Meeting.objects.exists()

    # Escape closes the matches, and once more puts the chosen unit back.
    picker.fill("")
    picker.press_sequentially("cb0", delay=30)
    expect(options).to_have_count(9)
    picker.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    picker.press("Escape")
    expect(picker).to_have_value("Chi bộ số 11 (CB11) — Đảng bộ Sở")

    page.get_by_label("Ngày sinh hoạt").fill("12/03/2026")
    page.get_by_label("Nội dung, chủ đề").fill("Học tập phong cách làm việc khoa học của Bác")
    page.get_by_label("Số có mặt").fill("9")
    page.get_by_label("Số phải dự").fill("10")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    meeting = Meeting.objects.get()
    assert (meeting.unit, meeting.held_on) == (cells[10], datetime.date(2026, 3, 12))
    assert csp_violations == []


def test_text_typed_but_not_picked_is_resolved_when_the_report_is_asked(
    tree, staff, logged_in, live_server, csp_violations
):
    for n in range(1, LIST_ALL_UP_TO + 6):
        make_unit(f"CB{n:02d}", tree["committee"], short_name=f"Chi bộ số {n}")
    page = logged_in(staff)
    page.goto(f"{live_server.url}/reports/")
    picker = page.get_by_role("combobox", name="Đơn vị")
    expect(picker).to_have_value("Đảng bộ Sở (DB)")
    picker.fill("CB07")  # typed and sent at once, before any match is picked
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chi bộ số 7")
    expect(page.get_by_role("combobox", name="Đơn vị")).to_have_value("Chi bộ số 7 (CB07) — Đảng bộ Sở")
    assert csp_violations == []


def test_admin_picks_units_by_search(tree, admin_user, logged_in, live_server, csp_violations):
    page = logged_in(admin_user)
    page.goto(f"{live_server.url}/admin/pledges/goodpractice/add/")
    page.locator(".select2-selection").first.click()  # the practice's unit
    page.keyboard.type("cbb")  # into the search box the selection opens
    expect(page.locator(".select2-results__option").first).to_contain_text("Chi bộ B (CBB)")
    page.keyboard.press("Enter")
    expect(page.locator(".select2-selection__rendered").first).to_contain_text("Chi bộ B (CBB)")
    page.locator(".select2-selection--multiple").first.click()  # the units involved
    page.keyboard.type("chi bo a")
    expect(page.locator(".select2-results__option").first).to_contain_text("Chi bộ A (CBA)")
    page.keyboard.press("Enter")
    expect(page.locator(".select2-selection__choice").first).to_contain_text("Chi bộ A (CBA)")
    assert csp_violations == []
