"""Management reports in the console: turnaround, open work, equipment due, revenue and receivables, with SVG charts."""
import re

from conftest import screenshot, sign_in


def test_a_manager_reads_the_reports_for_a_period_with_tables_and_charts(page, demo):
    sign_in(page, "admin@calibra.test", demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Reports").click()
    assert page.get_by_role("heading", level=1, name="Management reports").is_visible()
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/console/reports\?from=2020-01-01"))
    # Open work is always tabled and charted; the chart is one image with a title, the table beside it has the figures.
    assert page.get_by_role("heading", name="Open work").is_visible()
    assert page.get_by_role("table", name="Open work").is_visible()
    chart = page.get_by_role("img", name="Open jobs by state")
    assert chart.is_visible()
    assert chart.locator("rect").count() == 4
    # The admin also holds the billing role: money is shown.
    assert page.get_by_role("heading", name="Revenue by month").is_visible()
    assert page.get_by_role("heading", name="Receivables").is_visible()
    screenshot(page, "reports")


def test_a_bad_date_is_named_beside_its_field(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    page.goto("/console/reports?from=2026-02-30")
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("Enter a date as YYYY-MM-DD").first.is_visible()
    # A technician sees the work figures, not the money.
    assert page.get_by_role("heading", name="Open work").is_visible()
    assert page.get_by_role("heading", name="Revenue by month").count() == 0


def test_the_reports_page_in_chinese(page, demo):
    sign_in(page, "admin@calibra.test", demo["password"])
    page.goto("/console/reports?lang=zh-Hans")
    assert page.get_by_role("heading", level=1, name="管理报表").is_visible()
    assert page.get_by_role("img", name="各状态未完成任务数").is_visible()
    screenshot(page, "reports-zh")
