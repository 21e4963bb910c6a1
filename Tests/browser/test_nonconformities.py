"""Reverse traceability in the console: a standard found out of tolerance, the certificates in doubt, dispositions."""
import re

from conftest import screenshot, sign_in


def test_a_signatory_decides_the_demo_nonconformity_and_opens_another_from_the_equipment_page(page, demo):
    sign_in(page, "sign@calibra.test", demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Nonconformities").click()
    assert page.get_by_role("heading", level=1, name="Nonconformities").is_visible()
    page.get_by_role("link", name=re.compile(r"^NC-\d{4}-\d{6}$")).first.click()
    page.wait_for_url(re.compile(r"/console/nonconformities/[0-9a-f-]{36}$"))
    assert page.get_by_text("Pending").first.is_visible()
    screenshot(page, "nonconformity")

    form = page.locator("form", has=page.get_by_role("button", name="Record disposition")).first
    form.get_by_label("Disposition").select_option("no_impact")
    form.get_by_role("button", name="Record disposition").click()
    # No justification: the problem is shown beside the field and nothing is recorded.
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("Pending").first.is_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Record disposition")).first
    form.get_by_label("Disposition").select_option("no_impact")
    form.get_by_label("Justification").fill("The notice's points were all checked against REF-P-001 as well; the check standard's error is below the MPE/3.")
    form.get_by_role("button", name="Record disposition").click()
    assert page.get_by_role("status").is_visible()
    assert page.get_by_text("No impact").first.is_visible()

    # The check standard's page shows its as-found result and lets the signatory open another nonconformity.
    page.goto("/console/equipment")
    page.get_by_role("link", name="REF-P-002").click()
    assert page.get_by_text("Out of tolerance").first.is_visible()
    assert page.get_by_role("heading", name="Nonconforming work").is_visible()
    page.get_by_label("What was found").fill("Second check after transport: still high")
    page.get_by_role("button", name="Open nonconformity").click()
    page.wait_for_url(re.compile(r"/console/nonconformities/[0-9a-f-]{36}$"))
    assert "opened" in page.get_by_role("status").inner_text()
    screenshot(page, "nonconformity-opened")


def test_a_technician_sees_nonconformities_but_cannot_decide(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    page.goto("/console/nonconformities")
    page.get_by_role("link", name=re.compile(r"^NC-")).first.click()
    assert page.get_by_role("button", name="Record disposition").count() == 0
    page.goto("/console/nonconformities?lang=zh-Hans")
    assert page.get_by_role("heading", level=1, name="不符合工作").is_visible()
