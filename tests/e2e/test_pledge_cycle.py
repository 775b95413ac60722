from playwright.sync_api import expect

from pledges.models import Pledge


def test_secretary_registers_a_member_with_three_deeds_by_keyboard(
    logged_in, live_server, secretary_a, people, csp_violations
):
    page = logged_in(secretary_a)
    page.get_by_role("link", name="Chi bộ của tôi").click()
    expect(page.get_by_role("heading", name="Chi bộ A — năm")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("0 (0%)")

    page.get_by_role("row", name="Nguyễn Văn An").get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Nội dung cam kết").fill("Rèn luyện đạo đức, lối sống")
    # Type the three pre-shown deed rows using only the keyboard.
    page.get_by_label("Nội dung việc làm").first.focus()
    for content, target in [
        ("Đi làm đúng giờ", "100% ngày công"),
        ("Tiết kiệm điện", "Giảm 10%"),
        ("Giúp đỡ đồng nghiệp", ""),
    ]:
        page.keyboard.type(content)
        page.keyboard.press("Tab")
        page.keyboard.type(target)
        page.keyboard.press("Tab")  # deadline
        page.keyboard.press("Tab")  # the "Bỏ việc làm này" checkbox
        page.keyboard.press("Tab")  # next row's content (or the add button)

    # A fourth row appears without a reload, keeps the others, and can be removed again.
    page.get_by_role("button", name="+ Thêm việc làm").click()
    expect(page.get_by_label("Nội dung việc làm")).to_have_count(4)
    expect(page.get_by_label("Nội dung việc làm").nth(3)).to_be_focused()
    page.keyboard.type("Việc bỏ đi")
    page.get_by_label("Bỏ việc làm này").nth(3).press("Space")
    expect(page.get_by_label("Nội dung việc làm").nth(3)).to_be_hidden()
    expect(page.get_by_label("Nội dung việc làm").first).to_have_value("Đi làm đúng giờ")

    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.get_by_text("Đã lưu bản đăng ký")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("1 (50%)")
    pledge = Pledge.objects.get(member=people["an"])
    assert [d.content for d in pledge.deeds.all()] == [
        "Đi làm đúng giờ",
        "Tiết kiệm điện",
        "Giúp đỡ đồng nghiệp",
    ]

    # Edit one deed.
    page.get_by_role("row", name="Nguyễn Văn An").get_by_role("link", name="Sửa").click()
    page.get_by_label("Nội dung việc làm").nth(1).fill("Tiết kiệm điện, nước")
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.get_by_text("Đã lưu bản đăng ký")).to_be_visible()
    assert pledge.deeds.all()[1].content == "Tiết kiệm điện, nước"

    # Year-end evaluation of the whole cell in one submit.
    page.get_by_role("link", name="Đánh giá cuối năm").click()
    page.get_by_label("Đi làm đúng giờ").check()
    page.get_by_label("Điểm của Nguyễn Văn An", exact=True).fill("92")
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("dl.facts")).to_contain_text("Đã đánh giá1")
    expect(page.get_by_role("row", name="Nguyễn Văn An")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    pledge.refresh_from_db()
    assert pledge.status == "evaluated" and pledge.score == 92
    assert csp_violations == []
