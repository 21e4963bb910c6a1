"""The lab's whole flow through the console's pages: a customer's system submits an order, and four different people
take one instrument from receipt to a signed certificate: the receptionist, the technician, the reviewer and the
signatory. A second instrument of the same order is measured by a technician who is also a reviewer, who is then not
offered the review of their own work."""
import re

from playwright.sync_api import expect

from conftest import screenshot, sign_in, sign_out, submit_order

ACME = "Acme Instruments Co., Ltd."


def receive_order(page, order_number, location):
    """The receptionist accepts the order and receives each of its instruments at the receipt desk; returns lab numbers."""
    page.goto("/console/orders")
    page.get_by_role("link", name=order_number).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    page.get_by_role("link", name="Receipt desk", exact=True).click()
    scan = page.get_by_label("Scan or type")
    expect(scan).to_be_focused()
    lab_numbers = []
    while True:
        page.get_by_label("Scan or type").fill(order_number)
        page.get_by_label("Scan or type").press("Enter")
        receive = page.get_by_role("button", name="Receive")
        if receive.count() == 0:
            break
        form = page.locator("form").filter(has=page.get_by_role("button", name="Receive")).first
        form.get_by_label("Condition").select_option("ok")
        form.get_by_label("Location").fill(location)
        form.get_by_label("Notes").fill("Received in its case.")
        form.get_by_role("button", name="Receive").click()
        flash = page.locator(".flash").first.inner_text()
        lab_numbers.append(re.search(r"ITM-\d{4}-\d{6}", flash).group(0))
        # The scanner can go on at once: the focus is back in the scan field.
        expect(page.get_by_label("Scan or type")).to_be_focused()
    return lab_numbers


def claim_job(page, service_code, lab_numbers):
    """A technician claims the next job of a service from the queue; returns the lab number of the job claimed."""
    page.get_by_role("link", name="Jobs").click()
    page.get_by_label("Service").select_option(service_code)
    page.get_by_role("button", name="Show").click()
    page.get_by_role("button", name="Claim next job").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    number = re.search(r"ITM-\d{4}-\d{6}", heading).group(0)
    assert number in lab_numbers
    return number


def measure(page, readings):
    """Fills the measurement form for one point of a torque wrench and saves the draft, then submits it."""
    page.get_by_label(re.compile(r"REF-T-001")).check()
    page.get_by_label("Temperature (°C)").fill("20.3")
    page.get_by_label("Relative humidity (%)").fill("48")
    point = page.get_by_role("group", name="Point 1", exact=True)
    point.get_by_label("Nominal").fill("100")
    point.get_by_label("Reference").fill("100.00")
    point.get_by_label("Readings").fill("\n".join(readings))
    point.get_by_label("Resolution").fill("0.1")
    component = point.get_by_role("group", name="Component 1")
    component.get_by_label("Component").fill("Torque transducer (certificate NIM-REF-T-001-2026)")
    component.get_by_label("Expanded uncertainty").fill("0.12")
    component.get_by_label("Coverage factor").fill("2")
    other = point.get_by_role("group", name="Component 2")
    other.get_by_label("Component").fill("Temperature effect")
    other.get_by_label("Half-width").fill("0.05")
    other.get_by_label("Distribution").select_option("rectangular")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash")).to_contain_text("Draft saved")
    # After saving, the point shows its derived values.
    result = page.get_by_role("group", name="Point 1", exact=True).locator("dl.result")
    expect(result).to_contain_text("Mean")
    expect(result).to_contain_text("U =")


def test_receipt_to_signed_certificate_with_four_people(page, demo):
    password = demo["password"]
    order = submit_order(demo["keys"][ACME], service_code="TW-CAL", manufacturer="Norbar", model="TTi 100", count=2)
    number = order["number"]

    # Receptionist: contract review and receipt of both instruments.
    sign_in(page, "reception@calibra.test", password)
    lab_numbers = receive_order(page, number, "Bench 3")
    assert len(lab_numbers) == 2
    screenshot(page, "flow-1-receipt")
    sign_out(page)

    # Technician: claims a job, measures, and submits it for review.
    sign_in(page, "tech@calibra.test", password)
    first = claim_job(page, "TW-CAL", lab_numbers)
    measure(page, ["100.2", "100.4", "100.3", "100.3"])
    screenshot(page, "flow-2-measurements")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash")).to_contain_text("Submitted for review")
    job_url = page.url
    sign_out(page)

    # A technician who is also a reviewer measures the second instrument: once it is submitted, the page offers them
    # no review of their own work.
    sign_in(page, "review@calibra.test", password)
    second = claim_job(page, "TW-CAL", lab_numbers)
    assert second != first
    measure(page, ["99.8", "99.9", "99.9"])
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash")).to_contain_text("Submitted for review")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)
    own_job_url = page.url

    # The same reviewer reviews the first technician's work: a rejection needs a comment, then Approve.
    page.goto("/console")
    page.get_by_role("region", name="Awaiting my review").get_by_role("link").first.wait_for()
    page.goto(job_url)
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert")).to_contain_text("Comment")
    page.get_by_label("Comment").fill("Readings and budget checked against the method.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash")).to_contain_text("Approved")
    sign_out(page)

    # Signatory: reads the preview and signs.
    sign_in(page, "sign@calibra.test", password)
    page.goto(job_url)
    preview = page.get_by_label("Certificate preview")
    expect(preview).to_contain_text(first)
    expect(preview).to_contain_text("Torque transducer")
    screenshot(page, "flow-3-signing")
    page.get_by_role("button", name="Sign certificate").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("CERT-")
    certificate_number = re.search(r"CERT-\d{4}-\d{6}", heading.inner_text()).group(0)
    expect(page.locator("dl.facts")).to_contain_text(first)
    screenshot(page, "flow-4-certificate")
    # The issued document states what was recorded.
    page.get_by_role("link", name="Text document").click()
    body = page.locator("body").inner_text()
    assert certificate_number in body and first in body and "Bench 3" not in body
    assert "Mei Reviewer" in body and "Tao Technician" in body and "Sun Signatory" in body
    # And the certificate is found by the instrument's serial number.
    page.goto("/console/certificates")
    page.get_by_label("Serial number").fill(order["items"][0]["instrument"]["serialNumber"])
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=certificate_number)).to_be_visible()

    # The signatory may review the second instrument (they did not perform it); its performer was not offered that.
    page.goto(own_job_url)
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
