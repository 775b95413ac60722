from django.urls import reverse
from playwright.sync_api import expect


def test_secretary_logs_in_and_searches_her_cell(
    logged_in, live_server, secretary_a, people, tree, csp_violations
):
    page = logged_in(secretary_a)
    expect(page.get_by_role("heading", name="Các đơn vị")).to_be_visible()
    page.get_by_role("link", name="Chi bộ A").first.click()
    expect(page.get_by_role("heading", name="Chi bộ A")).to_be_visible()
    expect(page.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()

    page.get_by_label("Tìm theo tên").fill("tran thi binh")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Trần Thị Bình")).to_be_visible()
    expect(page.get_by_role("link", name="Nguyễn Văn An")).to_have_count(0)
    assert csp_violations == []


def test_secretary_gets_not_found_for_other_cell_in_browser(logged_in, live_server, secretary_a, tree):
    page = logged_in(secretary_a)
    response = page.goto(live_server.url + reverse("unit_detail", args=[tree["cell_b"].pk]))
    assert response.status == 404
