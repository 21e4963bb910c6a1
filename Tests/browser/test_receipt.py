"""Orders, contract review, the receipt desk and the item page, as the reception does them."""
import re

from playwright.sync_api import expect

from conftest import screenshot, sign_in, submit_order

ACME = "Acme Instruments Co., Ltd."
LAB_NUMBER = re.compile(r"ITM-\d{4}-\d{6}")


def sections(page):
    return page.get_by_role("navigation", name="Sections")


def test_reception_accepts_an_order_receives_its_instrument_and_prints_the_label(page, demo):
    order = submit_order(demo["keys"][ACME], service_code="PG-CAL")
    number = order["number"]
    serial = order["items"][0]["instrument"]["serialNumber"]
    sign_in(page, "reception@calibra.test", demo["password"])

    # The new order is among the submitted ones.
    sections(page).get_by_role("link", name="Orders").click()
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1, name="Orders")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    expect(row).to_contain_text(ACME)
    expect(row).to_contain_text("Submitted")
    screenshot(page, "console-orders")

    # Its page shows the instrument and the quote; the receptionist accepts it.
    row.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_role("table").first).to_contain_text(serial)
    expect(page.get_by_text("Total", exact=True)).to_be_visible()
    screenshot(page, "console-order")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text(f"Order {number} accepted.")
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)

    # At the receipt desk the scan field has the focus; the order number is typed and Enter pressed, as a scanner does.
    sections(page).get_by_role("link", name="Receipt desk").click()
    scan = page.get_by_label("Scan or type")
    expect(scan).to_be_focused()
    scan.press_sequentially(number)
    scan.press("Enter")
    page.wait_for_url(re.compile(r"/console/receipt\?q="))
    expect(page.get_by_role("region", name=f"Line 1 of {number}")).to_contain_text(serial)
    screenshot(page, "console-receipt-receive")
    page.get_by_label("Condition").select_option("ok")
    page.get_by_label("Location").fill("Shelf A")
    page.get_by_role("button", name="Receive").click()

    # Back at the same scan with the new lab number, ready for the next instrument.
    flash = page.get_by_role("status")
    expect(flash).to_contain_text("Received: lab number ITM-")
    lab_number = LAB_NUMBER.search(flash.inner_text()).group(0)
    expect(page.get_by_label("Scan or type")).to_be_focused()
    expect(page.get_by_label("Scan or type")).to_have_value(number)
    expect(page.get_by_role("link", name=lab_number)).to_be_visible()
    expect(page.get_by_role("button", name="Receive")).to_have_count(0)
    screenshot(page, "console-receipt")

    # The label carries the lab number.
    page.get_by_role("link", name="Print label").click()
    expect(page.locator("body")).to_contain_text(lab_number)
    expect(page.locator("svg").first).to_be_visible()
    screenshot(page, "console-label")
    page.go_back()

    # The item page: where it is, and its chain of custody.
    page.get_by_role("link", name=lab_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(lab_number)
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Received")
    expect(timeline).to_contain_text("Location: Shelf A")
    expect(timeline).to_contain_text("Rui Reception")
    screenshot(page, "console-item")

    # A move is recorded in the timeline.
    page.get_by_role("group", name="Move the instrument").get_by_label("Location").fill("Cabinet 3")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text(f"{lab_number} moved to Cabinet 3.")
    expect(timeline).to_contain_text("Location: Shelf A → Cabinet 3")


def test_scanning_a_lab_number_or_something_unknown(page, demo):
    sign_in(page, "reception@calibra.test", demo["password"])
    page.goto("/console/receipt")
    scan = page.get_by_label("Scan or type")
    scan.fill("ORD-1999-000001")
    scan.press("Enter")
    expect(page.get_by_text("Nothing found for “ORD-1999-000001”")).to_be_visible()
    expect(page.get_by_label("Scan or type")).to_be_focused()


def test_rejecting_an_order_asks_for_a_reason(page, demo):
    order = submit_order(demo["keys"][ACME], service_code="TW-CAL")
    sign_in(page, "reception@calibra.test", demo["password"])
    page.goto(f"/console/orders/{order['id']}")
    # The first press asks for the reason; sending it empty shows the problem beside the field.
    page.get_by_role("button", name="Reject").click()
    reason = page.get_by_label("Reason")
    expect(reason).to_be_visible()
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason for rejecting the order.")
    expect(page.locator("#reason-error")).to_have_text("Enter the reason for rejecting the order.")
    screenshot(page, "console-order-reject-error")
    page.get_by_label("Reason").fill("The torque range is outside our accredited scope.")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_contain_text(f"Order {order['number']} rejected.")
    expect(page.locator("dl.facts")).to_contain_text("The torque range is outside our accredited scope.")
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)


def test_only_reception_uses_the_receipt_desk(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    expect(sections(page).get_by_role("link", name="Receipt desk")).to_have_count(0)
    response = page.goto("/console/receipt")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="Not allowed")).to_be_visible()


def test_pages_in_chinese(page, demo):
    order = submit_order(demo["keys"][ACME], service_code="PG-VER")
    item_id = order["items"][0]["id"]
    sign_in(page, "reception@calibra.test", demo["password"])
    page.goto("/console/receipt?lang=zh-Hans")
    expect(page.get_by_role("heading", level=1, name="收样台")).to_be_visible()
    page.get_by_label("扫描或输入").fill(order["number"])
    page.get_by_label("扫描或输入").press("Enter")
    expect(page.get_by_text("只有已受理或进行中的委托单才能接收器具")).to_be_visible()
    screenshot(page, "console-receipt-zh")
    page.goto("/console/orders")
    expect(page.get_by_role("heading", level=1, name="委托单")).to_be_visible()
    page.goto(f"/console/orders/{order['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"委托单 {order['number']}")
    expect(page.get_by_role("button", name="受理")).to_be_visible()
    screenshot(page, "console-order-zh")
    page.goto(f"/console/items/{item_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("待收样")
    expect(page.get_by_text("尚无保管记录")).to_be_visible()
    screenshot(page, "console-item-zh")
