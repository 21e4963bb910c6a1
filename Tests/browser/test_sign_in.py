"""Signing in and out of the staff console, the form token, the security headers and the languages."""
import re
import urllib.error
import urllib.request

from conftest import BASE_URL, screenshot, sign_in, sign_out


def test_staff_member_signs_in_and_out(page, demo):
    page.goto("/console")
    page.wait_for_url(re.compile(r"/console/login"))
    screenshot(page, "console-login")
    sign_in(page, "reception@calibra.test", demo["password"])
    assert page.get_by_role("heading", level=1, name="My work").is_visible()
    assert page.get_by_text("Rui Reception").first.is_visible()
    screenshot(page, "console-home")
    sign_out(page)
    # The session ended in the database: going back to the console asks for sign-in again.
    page.goto("/console")
    page.wait_for_url(re.compile(r"/console/login"))


def test_wrong_password_shows_an_alert_and_opens_no_session(page, context):
    page.goto("/console/login")
    page.get_by_label("Email").fill("reception@calibra.test")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert "wrong" in alert.inner_text()
    assert not any(cookie["name"] == "calibra_console" for cookie in context.cookies())
    page.goto("/console")
    assert "/console/login" in page.url


def test_post_without_form_token_is_refused_and_changes_nothing(page, context, demo):
    sign_in(page, "reception@calibra.test", demo["password"])
    cookie = next(c for c in context.cookies() if c["name"] == "calibra_console")
    # The same browser session, but a form posted from elsewhere: no token.
    response = page.request.post("/console/logout", form={"anything": "1"})
    assert response.status == 403
    # Still signed in: the sign-out without a token changed nothing.
    page.goto("/console")
    assert page.get_by_role("heading", level=1, name="My work").is_visible()
    # And with a wrong token.
    response = page.request.post("/console/logout", form={"_csrf": "x" * 43})
    assert response.status == 403
    assert any(c["value"] == cookie["value"] for c in context.cookies() if c["name"] == "calibra_console")


def test_pages_carry_the_security_headers(page):
    response = page.goto("/console/login")
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_chinese_sign_in_page(page):
    page.goto("/console/login?lang=zh-Hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("button", name="登录").is_visible()
    # The choice sticks in a cookie.
    page.goto("/console/login")
    assert page.get_by_role("button", name="登录").is_visible()
    screenshot(page, "console-login-zh")


def test_accept_language_chooses_chinese(browser):
    context = browser.new_context(base_url=BASE_URL, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    page = context.new_page()
    page.goto("/console/login")
    assert page.get_by_role("button", name="登录").is_visible()
    context.close()


def test_unknown_console_page_is_a_404_page(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    response = page.goto("/console/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", level=1, name="Page not found").is_visible()
