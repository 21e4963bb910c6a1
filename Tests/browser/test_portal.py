"""The customer portal: a manufacturer's people order, follow, download; isolation between customers; settings."""
import re
import uuid

from conftest import api, portal_sign_in, screenshot, sign_in

ACME_USER = "buyer@acme.example"
ACME_ADMIN = "coordinator@acme.example"
PUMP_ADMIN = "quality@hzpump.example"
ACME = "Acme Instruments Co., Ltd."
UUID_PATH = r"[0-9a-fA-F-]{36}"


def staff_token(email, password):
    return api("POST", "/v1/auth/login", body={"email": email, "password": password})["token"]


def certify(demo, order):
    """The lab's side, through the API as its people's systems would: accept, receive, measure, review, sign."""
    password = demo["password"]
    reception = staff_token("reception@calibra.test", password)
    api("POST", f"/v1/orders/{order['id']}/accept", key=reception)
    item = order["items"][0]
    api("POST", f"/v1/items/{item['id']}/receive", key=reception, body={"condition": "ok", "location": "Torque bench 1"})
    technician = staff_token("tech@calibra.test", password)
    others, job = [], None
    while job is None:
        claimed = api("POST", "/v1/jobs/claim", key=technician, body={"serviceCodes": ["TW-CAL"]})
        assert claimed, "the received item's job should be in the queue"
        if claimed["itemId"].lower() == item["id"].lower():
            job = claimed
        else:
            others.append(claimed)
    for other in others:
        api("POST", f"/v1/jobs/{other['id']}/release", key=technician)
    equipment = api("GET", "/v1/equipment?limit=100", key=technician)["items"]
    transducer = next(e for e in equipment if e["assetTag"] == "REF-T-001")
    api("PUT", f"/v1/jobs/{job['id']}/measurements", key=technician, body={
        "equipmentIds": [transducer["id"]],
        "environment": {"temperatureC": "20.4", "relativeHumidityPct": "47"},
        "points": [{
            "quantity": "torque", "unit": "N·m", "nominal": "100", "reference": "100.00", "readings": ["100.3", "100.2", "100.4"],
            "resolution": "0.1", "budget": [{"name": "Torque transducer", "type": "B", "expandedUncertainty": 0.12, "coverageFactor": 2}],
        }],
    })
    api("POST", f"/v1/jobs/{job['id']}/submit", key=technician)
    api("POST", f"/v1/jobs/{job['id']}/review", key=staff_token("review@calibra.test", password), body={"decision": "approve"})
    return api("POST", f"/v1/jobs/{job['id']}/sign", key=staff_token("sign@calibra.test", password))


def test_a_customer_orders_through_the_form_follows_it_and_downloads_its_documents(page, demo):
    portal_sign_in(page, ACME_USER, demo["password"])
    assert page.get_by_role("heading", level=1, name="Overview").is_visible()
    screenshot(page, "portal-overview")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Orders").click()
    page.get_by_role("link", name="New order").first.click()
    assert page.get_by_role("heading", level=1, name="New order").is_visible()

    # Nothing filled in: the form says so and makes nothing.
    page.get_by_role("button", name="Submit order").click()
    assert page.get_by_role("alert").is_visible()
    assert "at least one instrument" in page.get_by_role("alert").inner_text()

    serial = f"PT-{uuid.uuid4().hex[:6].upper()}"
    reference = f"PO-PORTAL-{serial}"
    page.get_by_label("Your reference").fill(reference)
    first = page.get_by_role("group", name="Instrument 1")
    first.get_by_label("Service").select_option("TW-CAL")
    first.get_by_label("Manufacturer").fill("Norbar")
    first.get_by_label("Model").fill("TTi 100")
    # A second row with a service but no serial number comes back beside its field, the first row's text kept.
    second = page.get_by_role("group", name="Instrument 2")
    second.get_by_label("Service").select_option("TW-CAL")
    second.get_by_label("Manufacturer").fill("Norbar")
    page.get_by_role("button", name="Submit order").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_role("group", name="Instrument 1").get_by_label("Manufacturer").input_value() == "Norbar"
    screenshot(page, "portal-new-order-errors")
    assert page.locator("#items-1-instrument-serialNumber-error").is_visible()

    page.get_by_role("group", name="Instrument 1").get_by_label("Serial number").fill(serial)
    page.get_by_role("group", name="Instrument 2").get_by_label("Service").select_option("")
    page.get_by_role("group", name="Instrument 2").get_by_label("Manufacturer").fill("")
    # The same form sent twice (a double click) and then submitted by the button: one order.
    body = page.evaluate(
        "() => new URLSearchParams(new FormData(document.querySelector('form[action=\"/portal/orders/new\"]'))).toString()"
    ) + "&action=submit"
    first_try = page.request.post("/portal/orders/new", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, max_redirects=0)
    second_try = page.request.post("/portal/orders/new", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, max_redirects=0)
    assert first_try.status == 303 and second_try.status == 303
    assert first_try.headers["location"] == second_try.headers["location"]
    page.get_by_role("button", name="Submit order").click()
    page.wait_for_url(re.compile(rf"/portal/orders/{UUID_PATH}$"))
    assert page.url.endswith(first_try.headers["location"])
    assert "already submitted" in page.get_by_role("status").inner_text()
    order_id = page.url.rsplit("/", 1)[1]
    acme_key = demo["keys"][ACME]
    mine = [o for o in api("GET", "/v1/orders?limit=200", key=acme_key)["items"] if o["customerReference"] == reference]
    assert len(mine) == 1
    assert page.get_by_text("Submitted", exact=True).first.is_visible()
    assert page.get_by_text("Not received by the lab yet.").is_visible()

    # The lab does its work; the page follows it.
    certificate = certify(demo, mine[0])
    page.reload()
    items = page.get_by_role("table", name="Instruments")
    assert "Certified" in items.inner_text()
    assert certificate["number"] in items.inner_text()
    timeline = page.locator("ol.timeline").first.inner_text()
    assert "Torque bench 1" in timeline
    screenshot(page, "portal-order")

    page.get_by_role("link", name=certificate["number"]).first.click()
    page.wait_for_url(re.compile(rf"/portal/certificates/{UUID_PATH}$"))
    assert page.get_by_role("heading", level=1, name=re.compile(re.escape(certificate["number"]))).is_visible()
    screenshot(page, "portal-certificate")
    html = page.request.get(page.get_by_role("link", name="Download HTML").get_attribute("href"))
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    assert certificate["number"] in html.text()
    text = page.request.get(page.get_by_role("link", name="Download text").get_attribute("href"))
    assert text.status == 200 and text.headers["content-type"].startswith("text/plain")
    assert serial in text.text()
    dcc = page.request.get(page.get_by_role("link", name="Download DCC (XML)").get_attribute("href"))
    assert dcc.status == 200 and "xml" in dcc.headers["content-type"]
    assert certificate["number"] in dcc.text()

    page.goto(f"/portal/orders/{order_id}")
    page.get_by_role("link", name=re.compile(r"^INV-")).click()
    page.wait_for_url(re.compile(rf"/portal/invoices/{UUID_PATH}$"))
    invoice_number = page.get_by_role("heading", level=1).inner_text().split()[-1]
    document = page.request.get(page.get_by_role("link", name="Download text").get_attribute("href"))
    assert document.status == 200 and invoice_number in document.text()
    screenshot(page, "portal-invoice")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Invoices").click()
    assert page.get_by_role("link", name=invoice_number).is_visible()


def test_another_customers_things_are_404_pages_whatever_the_link(page, demo):
    acme_key = demo["keys"][ACME]
    completed = next(o for o in api("GET", "/v1/orders?status=completed&limit=50", key=acme_key)["items"])
    certificate = api("GET", f"/v1/certificates?orderId={completed['id']}", key=acme_key)["items"][0]
    invoice = next(i for i in api("GET", "/v1/invoices?limit=50", key=acme_key)["items"] if i["orderId"].lower() == completed["id"].lower())
    instrument = api("GET", "/v1/instruments?limit=1", key=acme_key)["items"][0]

    portal_sign_in(page, PUMP_ADMIN, demo["password"])
    for path in [
        f"/portal/orders/{completed['id']}", f"/portal/certificates/{certificate['id']}", f"/portal/certificates/{certificate['id']}/document.html",
        f"/portal/invoices/{invoice['id']}", f"/portal/invoices/{invoice['id']}/document.txt", f"/portal/instruments/{instrument['id']}",
    ]:
        response = page.goto(path)
        assert response.status == 404, path
        assert page.get_by_role("heading", level=1).is_visible()
    page.goto(f"/portal/certificates?number={certificate['number']}")
    assert page.get_by_text("No certificate matches.").is_visible()
    # The list pages show only the customer's own.
    page.goto("/portal/orders")
    assert page.get_by_role("link", name=completed["number"]).count() == 0
    # Posting a re-order of another customer's instrument is refused and makes nothing.
    page.goto("/portal/instruments")


def test_settings_are_the_customer_admins_and_a_new_key_is_shown_once(page, demo):
    portal_sign_in(page, ACME_USER, demo["password"])
    assert page.get_by_role("navigation", name="Sections").get_by_role("link", name="Settings").count() == 0
    assert page.goto("/portal/settings").status == 403
    page.goto("/portal")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/portal/login"))

    portal_sign_in(page, ACME_ADMIN, demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Settings").click()
    assert page.get_by_role("heading", level=1, name="Settings").is_visible()
    email = f"metrology-{uuid.uuid4().hex[:6]}@acme.example"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill("Sun Ming")
    page.get_by_label("Role").select_option("customer_user")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Add person").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#person-password-error").is_visible()
    page.get_by_label("Password").fill("calibrated gauges every spring")
    page.get_by_role("button", name="Add person").click()
    assert page.get_by_role("status").filter(has_text=email).is_visible()
    assert page.get_by_role("cell", name=email).is_visible()

    page.get_by_label("Label").fill("ERP production")
    page.get_by_role("button", name="Create API key").click()
    key = page.get_by_label("API key", exact=True).input_value()
    assert key.startswith("ck_")
    screenshot(page, "portal-settings")
    assert api("GET", "/v1/orders?limit=1", key=key) is not None
    page.goto("/portal/settings")
    assert key not in page.content()  # shown once only

    # The new person signs in and cannot open the settings either.
    page.get_by_role("button", name="Sign out").click()
    portal_sign_in(page, email, "calibrated gauges every spring")
    assert page.get_by_role("heading", level=1, name="Overview").is_visible()
    assert page.goto("/portal/settings").status == 403


def test_each_area_admits_its_own_people_only(page, demo):
    page.goto("/portal/login")
    page.get_by_label("Email").fill("tech@calibra.test")
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    assert "does not sign in here" in page.get_by_role("alert").inner_text()
    assert page.goto("/portal").url.endswith("/portal/login?next=%2Fportal") or "/portal/login" in page.url

    page.goto("/console/login")
    page.get_by_label("Email").fill(ACME_USER)
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    assert "does not sign in here" in page.get_by_role("alert").inner_text()
    assert "/console/login" in page.goto("/console").url


def test_re_order_selected_instruments(page, demo):
    portal_sign_in(page, ACME_USER, demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Instruments").click()
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    name = rows.first.get_by_role("link").inner_text()
    page.get_by_role("checkbox", name=name).check()
    screenshot(page, "portal-instruments")
    page.get_by_role("button", name="Re-order selected").click()
    page.wait_for_url(re.compile(rf"/portal/orders/{UUID_PATH}$"))
    assert page.get_by_role("status").is_visible()
    assert name in page.get_by_role("table", name="Instruments").inner_text()


def test_every_portal_page_in_chinese(page, demo):
    portal_sign_in(page, ACME_ADMIN, demo["password"])
    page.goto("/portal?lang=zh-Hans")
    acme_key = demo["keys"][ACME]
    completed = next(o for o in api("GET", "/v1/orders?status=completed&limit=50", key=acme_key)["items"])
    certificate = api("GET", f"/v1/certificates?orderId={completed['id']}", key=acme_key)["items"][0]
    invoice = api("GET", "/v1/invoices?limit=1", key=acme_key)["items"][0]
    instrument = api("GET", "/v1/instruments?limit=1", key=acme_key)["items"][0]
    paths = [
        "/portal", "/portal/orders", "/portal/orders/new", f"/portal/orders/{completed['id']}", "/portal/instruments",
        f"/portal/instruments/{instrument['id']}", "/portal/certificates", f"/portal/certificates/{certificate['id']}", "/portal/invoices",
        f"/portal/invoices/{invoice['id']}", "/portal/settings", "/portal/account",
    ]
    english = ["Overview", "Orders", "Certificates", "Invoices", "Settings", "Sign out", "Status", "Download"]
    for path in paths:
        assert page.goto(path).status == 200, path
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert re.search(r"[\u4e00-\u9fff]", page.title()), (path, page.title())  # some headings are an instrument's name
        text = page.locator("body").inner_text()
        for word in english:
            assert word not in text, (path, word)
    screenshot(page, "portal-zh")
