"""The reference equipment register (register, calibrate, book, status) and the invoices (payments, CSV, documents)."""
import datetime
import re
import uuid
from decimal import Decimal

from conftest import screenshot, sign_in


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def money(text):
    """`1234.50 CNY` → Decimal('1234.50')."""
    return Decimal(re.search(r"-?\d+(\.\d+)?", text).group(0))


def test_admin_registers_calibrates_and_books_equipment(page, demo):
    sign_in(page, "admin@calibra.test", demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Equipment").click()
    assert page.get_by_role("heading", level=1, name="Reference equipment").is_visible()
    assert page.get_by_role("link", name="REF-P-001").is_visible()
    screenshot(page, "equipment-list")

    # Filter: equipment falling due within 30 days (the demo torque transducer is due in 20).
    page.get_by_label("Calibration due within (days)").fill("30")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="REF-T-001").is_visible()
    assert page.get_by_role("link", name="REF-P-001").count() == 0
    page.get_by_role("link", name="Show all").click()

    tag = f"REF-BT-{uuid.uuid4().hex[:5].upper()}"
    page.get_by_label("Asset tag", exact=True).fill(tag)
    page.get_by_label("Name", exact=True).fill("Hydraulic pressure calibrator")
    page.get_by_label("Manufacturer", exact=True).fill("Additel")
    page.get_by_label("Model", exact=True).fill("ADT761")
    page.get_by_label("Serial number", exact=True).fill("761-00042")
    page.get_by_label("Quantity", exact=True).fill("pressure")
    page.get_by_label("Range", exact=True).fill("0 to 100 MPa")
    page.get_by_label(re.compile(r"^PG-CAL ")).check()
    page.get_by_label(re.compile(r"^PG-VER ")).check()
    page.get_by_role("button", name="Register equipment").click()
    page.wait_for_url(re.compile(r"/console/equipment/[0-9a-fA-F-]{36}$"))
    assert page.get_by_role("heading", level=1, name=re.compile(tag)).is_visible()
    assert page.get_by_role("status").filter(has_text=f"Registered {tag}").is_visible()
    assert page.get_by_text("No calibration on record").first.is_visible()
    screenshot(page, "equipment-registered")

    # A due date before the calibration date comes back beside the field.
    calibrated = today() - datetime.timedelta(days=3)
    page.get_by_label("Certificate number").fill("NIM-BT-2026-001")
    page.get_by_label("Calibrated by").fill("National Institute of Metrology, China")
    page.get_by_label("Calibrated on").fill(calibrated.isoformat())
    page.get_by_label("Due on").fill((calibrated - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Traceability").fill("Traceable to the SI through NIM")
    page.get_by_role("button", name="Record calibration").click()
    assert page.locator("#cal-dueOn-error").inner_text() == "must be after the calibration date"
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Certificate number").input_value() == "NIM-BT-2026-001"
    screenshot(page, "equipment-calibration-error")

    page.get_by_label("Due on").fill((calibrated + datetime.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Record calibration").click()
    page.wait_for_url(re.compile(r"/console/equipment/[0-9a-fA-F-]{36}$"))
    assert page.get_by_role("status").filter(has_text="Recorded calibration NIM-BT-2026-001").is_visible()
    assert page.get_by_text("Usable today").is_visible()
    assert page.get_by_role("cell", name="NIM-BT-2026-001").first.is_visible()

    # Book it for a slot today (times are UTC) and see the booking on this week's view.
    day = today().isoformat()
    page.get_by_label("Start", exact=True).fill(f"{day}T13:00")
    page.get_by_label("End", exact=True).fill(f"{day}T15:30")
    page.get_by_role("button", name="Book", exact=True).click()
    assert page.get_by_role("status").filter(has_text="Booked from").is_visible()
    week = page.locator("table.week")
    column = [d.isoformat() for d in (today() - datetime.timedelta(days=today().weekday() - i) for i in range(7))].index(day)
    cell = week.locator("tbody td").nth(column)
    assert cell.locator(".booking").filter(has_text="13:00–15:30").is_visible()
    assert cell.locator(".booking").filter(has_text="Ada Admin").is_visible()
    screenshot(page, "equipment-booked")

    # The same slot again is refused beside the start.
    page.get_by_label("Start", exact=True).fill(f"{day}T14:00")
    page.get_by_label("End", exact=True).fill(f"{day}T14:30")
    page.get_by_role("button", name="Book", exact=True).click()
    assert "overlaps the booking" in page.locator("#book-start-error").inner_text()

    # Next week is empty; previous week leads back.
    page.get_by_role("link", name="Next week").click()
    assert page.locator("table.week .booking").count() == 0
    page.get_by_role("link", name="Previous week").click()
    assert page.locator("table.week .booking").filter(has_text="13:00–15:30").is_visible()

    # Out of service, with the reason: no longer usable, and no booking form.
    page.get_by_label("Status", exact=True).select_option(label="Out of service")
    page.get_by_label("Reason", exact=True).fill("Zero drift found at the intermediate check")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_role("status").filter(has_text="Out of service").is_visible()
    assert page.get_by_text("Not usable").is_visible()
    assert page.get_by_role("button", name="Book", exact=True).count() == 0
    screenshot(page, "equipment-out-of-service")


def test_equipment_impact_lists_the_certificates_issued_with_it(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    page.goto("/console/equipment")
    page.get_by_role("link", name="REF-P-001").click()
    impact = page.locator("section", has=page.get_by_role("heading", name="Certificates issued with this equipment"))
    assert impact.get_by_role("link", name=re.compile(r"^[A-Z]+-\d{4}-\d+")).count() >= 1
    assert impact.get_by_text("Acme Instruments Co., Ltd.").first.is_visible()
    # A technician may book but not administer.
    assert page.get_by_role("button", name="Book", exact=True).is_visible()
    assert page.get_by_role("button", name="Record calibration").count() == 0
    assert page.get_by_role("button", name="Change status").count() == 0
    screenshot(page, "equipment-show-technician")
    response = page.goto("/console/invoices")
    assert response.status == 403
    assert page.get_by_role("heading", level=1, name="Not allowed").is_visible()


def test_billing_clerk_records_a_payment_downloads_the_csv_and_opens_the_document(page, demo):
    sign_in(page, "billing@calibra.test", demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Invoices").click()
    assert page.get_by_role("heading", level=1, name="Invoices").is_visible()
    screenshot(page, "invoices-list")
    row = page.get_by_role("row").filter(has_text=re.compile(r"ORD-\d{4}-000005"))
    number = row.get_by_role("link").first.inner_text()
    row.get_by_role("link", name=number).click()
    assert page.get_by_role("heading", level=1, name=f"Invoice {number}").is_visible()
    totals = page.locator("table.totals")
    before = money(totals.get_by_role("row", name=re.compile(r"^Balance")).inner_text())
    assert before > Decimal("100")
    screenshot(page, "invoice-show")

    page.get_by_label("Amount (CNY)").fill("100.00")
    page.get_by_label("Received on").fill(today().isoformat())
    page.get_by_label("Reference").fill("ICBC-TT-20260001")
    page.get_by_role("button", name="Record payment").click()
    assert page.get_by_role("status").filter(has_text="Recorded a payment of 100.00 CNY").is_visible()
    after = money(page.locator("table.totals").get_by_role("row", name=re.compile(r"^Balance")).inner_text())
    assert after == before - Decimal("100.00")
    assert page.get_by_role("cell", name="ICBC-TT-20260001").is_visible()
    assert page.locator(".lead .tag").inner_text() == "Partly paid"
    screenshot(page, "invoice-paid-partly")

    # An amount finer than the currency allows is refused beside the field, not rounded.
    page.get_by_label("Amount (CNY)").fill("1.005")
    page.get_by_label("Reference").fill("ICBC-TT-20260002")
    page.get_by_role("button", name="Record payment").click()
    assert page.locator("#pay-amount-error").inner_text() == "CNY amounts have at most 2 decimal places"
    screenshot(page, "invoice-payment-error")

    # The HTML document, as the customer receives it.
    response = page.goto(page.get_by_role("link", name="Invoice document (HTML)").get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert number in page.content()
    screenshot(page, "invoice-document")

    # The CSV of this year's invoices.
    page.goto("/console/invoices")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    with open(download.value.path(), encoding="utf-8") as file:
        csv = file.read()
    assert csv.startswith("type,number,issuedOn,dueOn,customerCode,customerName")
    assert number in csv
    href = page.get_by_role("link", name="Download CSV").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_equipment_and_invoice_lists_in_chinese(page, demo):
    sign_in(page, "admin@calibra.test", demo["password"])
    page.goto("/console/equipment?lang=zh-Hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1, name="参考设备").is_visible()
    assert page.get_by_role("button", name="登记设备").is_visible()
    screenshot(page, "equipment-list-zh")
    page.get_by_role("link", name="REF-P-001").click()
    assert page.get_by_role("heading", name="使用此设备出具的证书").is_visible()
    screenshot(page, "equipment-show-zh")
    page.goto("/console/invoices")
    assert page.get_by_role("heading", level=1, name="发票").is_visible()
    assert page.get_by_role("link", name="下载 CSV").is_visible()
    screenshot(page, "invoices-list-zh")
    page.get_by_role("row").filter(has_text=re.compile(r"ORD-\d{4}-000005")).get_by_role("link").first.click()
    assert page.get_by_role("button", name="记录收款").is_visible()
    screenshot(page, "invoice-show-zh")
