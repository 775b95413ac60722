"""The browser suite once against the production command: scripts/serve (gunicorn, whitenoise's
hashed static files, DEBUG off, CSP, __Host- cookies) on the migrated PostgreSQL test database.

The browser talks plain HTTP to loopback and sends the proxy's `X-Forwarded-Proto: https`, as
nginx would: Django then treats the requests as HTTPS (no redirect, Secure cookies), which
Chromium keeps for 127.0.0.1 like for any secure origin.
"""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.conftest import PASSWORD
from tests.security.test_serve import ON_POSTGRESQL, environment, migrated_database_url, serving

pytestmark = [ON_POSTGRESQL, pytest.mark.production_server, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def production_server():
    env = environment(DATABASE_URL=migrated_database_url(), WEB_WORKERS="2")  # sync workers, as by default
    env["CSRF_TRUSTED_ORIGINS"] = f"http://127.0.0.1:{env['PORT']}"
    with serving(env) as served:
        assert served["answer"] == (200, {"status": "ok", "database": "ok"})
        yield f"http://127.0.0.1:{env['PORT']}"
    assert "Traceback" not in served["output"], served["output"]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "extra_http_headers": {"X-Forwarded-Proto": "https"}}


def test_a_secretary_works_on_the_production_server(
    production_server, page, secretary_a, people, csp_violations
):
    # The tests hash passwords with MD5 for speed; the served settings know only Django's default.
    secretary_a.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    secretary_a.save(update_fields=["password"])
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{production_server}/login/")
    page.get_by_label("Tên đăng nhập").fill(secretary_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{production_server}/")

    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["__Host-sessionid"]["secure"] and cookies["__Host-sessionid"]["httpOnly"]

    # whitenoise serves the hashed, compressed files collectstatic wrote, and they apply.
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet.startswith("/static/css/app.") and stylesheet != "/static/css/app.css"
    assert page.locator("body").evaluate("b => getComputedStyle(b).fontFamily") != "Times New Roman"

    page.get_by_role("link", name="Chi bộ của tôi").click()
    page.get_by_role("row", name="Nguyễn Văn An").get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Nội dung cam kết").fill("Rèn luyện đạo đức, lối sống")
    page.get_by_label("Nội dung việc làm").first.fill("Đi làm đúng giờ")
    # The static JavaScript runs under the CSP: a deed row is added without a reload.
    page.get_by_role("button", name="+ Thêm việc làm").click()
    expect(page.get_by_label("Nội dung việc làm").last).to_be_focused()
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.get_by_text("Đã lưu bản đăng ký")).to_be_visible()
    assert Pledge.objects.get(member=people["an"]).deeds.get().content == "Đi làm đúng giờ"

    page.get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{production_server}/login/**")

    pages = [r for r in responses if r.request.resource_type == "document"]
    assert pages and all("script-src 'self'" in r.headers["content-security-policy"] for r in pages)
    assert all("no-store" in r.headers.get("cache-control", "") for r in pages if r.status == 200)
    assert all(r.url.startswith(production_server) for r in responses)  # nothing loaded from elsewhere
    assert csp_violations == []
