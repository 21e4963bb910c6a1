"""Documents for machines: the certificate page offers the DCC beside HTML and text; an imported calibration keeps its DCC."""
import re

from playwright.sync_api import expect

from conftest import screenshot, sign_in


def test_the_certificate_page_offers_the_dcc_beside_html_and_text(page, demo):
    sign_in(page, "sign@calibra.test", demo["password"])
    page.goto("/console/certificates")
    page.get_by_role("link", name=re.compile(r"^CERT-\d{4}-\d{6}$")).first.click()
    expect(page.get_by_role("link", name="HTML document")).to_be_visible()
    expect(page.get_by_role("link", name="Text document")).to_be_visible()
    dcc = page.get_by_role("link", name="Digital Calibration Certificate (DCC, XML)")
    expect(dcc).to_be_visible()
    screenshot(page, "certificate-show-dcc")
    with page.expect_download() as download:
        dcc.click()
    path = download.value.path()
    with open(path, encoding="utf-8") as file:
        xml = file.read()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "dcc:digitalCalibrationCertificate" in xml and 'schemaVersion="3.1.2"' in xml
    assert download.value.suggested_filename.endswith(".dcc.xml")


def test_an_imported_calibration_links_its_providers_dcc(page, demo):
    sign_in(page, "admin@calibra.test", demo["password"])
    page.goto("/console/equipment")
    page.get_by_role("link", name="REF-H-001").click()
    link = page.get_by_role("link", name="DCC", exact=True)
    expect(link).to_be_visible()
    screenshot(page, "equipment-show-imported-dcc")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/vnd.ptb.dcc+xml")
    assert "NIM-REF-H-001-2026" in response.text()
