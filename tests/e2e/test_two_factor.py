"""The enrolment page in a real browser: QR code shown as an image, no CSP violation."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, code_for_secret


def test_staff_enrols_in_the_browser(page, live_server, staff, csp_violations):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(staff.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/account/two-factor/enrol/**")

    qr = page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Mã xác thực").fill(code_for_secret(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()

    page.wait_for_url(f"{live_server.url}/account/two-factor/codes/**")
    assert page.locator("ol.recovery-codes li").count() == 10
    page.get_by_role("button", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_url(f"{live_server.url}/")
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert csp_violations == []
