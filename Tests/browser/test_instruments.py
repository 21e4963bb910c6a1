"""The instrument register in the console: filters, an instrument's history, and the same pages in Chinese."""
import re

from conftest import screenshot, sign_in


def test_staff_find_a_failed_mandatory_verification_and_its_certificate(page, demo):
    sign_in(page, "review@calibra.test", demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Instruments").click()
    assert page.get_by_role("heading", level=1, name="Instrument register").is_visible()
    # The demo register holds every status.
    statuses = set(page.locator("tbody tr td:last-child").all_inner_texts())
    assert {"In period", "Due soon", "Overdue", "Failed verification", "No due date"} <= statuses, statuses
    screenshot(page, "instruments")

    page.get_by_label("Status").select_option(label="Failed verification")
    page.get_by_label("Mandatory verification", exact=True).select_option(label="Mandatory verification only")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "Failed verification" in text and "Safety protection" in text, text
    assert page.get_by_label("Status").input_value() == "failed"  # the filter stays chosen

    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/instruments/[0-9a-fA-F-]{36}$"))
    assert page.get_by_role("heading", level=2, name="History").is_visible()
    history = page.locator("table tbody tr")
    assert history.count() >= 1
    assert "Failed" in history.first.inner_text()
    number = history.first.get_by_role("link").inner_text()
    screenshot(page, "instrument")
    history.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/certificates/"))
    assert page.get_by_role("heading", level=1, name=re.compile(re.escape(number))).is_visible()


def test_no_match_and_unknown_instrument(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    page.goto("/console/instruments?status=failed&mandatory=no")
    assert page.get_by_text("No instrument matches these filters.").is_visible()
    response = page.goto("/console/instruments/00000000-0000-4000-8000-000000000000")
    assert response.status == 404


def test_register_in_chinese(page, demo):
    sign_in(page, "review@calibra.test", demo["password"])
    page.goto("/console/instruments?lang=zh-Hans")
    assert page.get_by_role("navigation").get_by_role("link", name="器具").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading and not re.search(r"[A-Za-z]{4,}", heading), heading
