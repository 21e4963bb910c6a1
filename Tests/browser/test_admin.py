"""The console's administration: staff and their authorisations, customers and their API keys, the catalogue and
its prices, as an administrator does them."""
import re
import urllib.error
import uuid

import pytest

from conftest import api, screenshot, sign_in, sign_out

ADMIN = "admin@calibra.test"


def any_key(demo):
    """A demo customer's API key, to read the catalogue as a customer's system does."""
    return next(iter(demo["keys"].values()))


def test_admin_adds_a_technician_and_authorises_them_for_pg_cal(page, demo):
    sign_in(page, ADMIN, demo["password"])
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Admin").click()
    assert page.get_by_role("heading", level=1, name="Administration").is_visible()
    screenshot(page, "admin-overview")
    page.get_by_role("link", name="Staff", exact=True).click()
    assert page.get_by_role("heading", level=1, name="Staff").is_visible()
    assert page.get_by_role("cell", name="tech@calibra.test").is_visible()

    # A weak password is refused beside the field, and nothing typed (but the password) is lost.
    email = f"tina.{uuid.uuid4().hex[:6]}@calibra.test"
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Name", exact=True).fill("Tina Torque")
    page.get_by_label("Technician").check()
    page.get_by_label("Initial password").fill("short")
    page.get_by_role("button", name="Add staff member").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#password-error").inner_text() == "Use at least 12 characters."
    assert page.get_by_label("Email", exact=True).input_value() == email
    assert page.get_by_label("Technician").is_checked()
    screenshot(page, "admin-staff-weak-password")

    page.get_by_label("Initial password").fill("torque wrench 2026")
    page.get_by_role("button", name="Add staff member").click()
    assert page.get_by_role("heading", level=1, name="Tina Torque").is_visible()
    assert page.get_by_role("status").filter(has_text="Tina Torque was added.").is_visible()

    page.get_by_label("Service").select_option("PG-CAL")
    page.get_by_label("Activity").select_option(label="Perform")
    page.get_by_label("Valid until").fill("2027-12-31")
    page.get_by_role("button", name="Grant authorisation").click()
    assert page.get_by_role("status").filter(has_text="Authorised for PG-CAL (Perform) until 2027-12-31.").is_visible()
    row = page.get_by_role("row").filter(has_text="PG-CAL")
    assert "Perform" in row.inner_text() and "2027-12-31" in row.inner_text() and "Valid" in row.inner_text()
    assert page.get_by_role("button", name="Deactivate").is_visible()
    screenshot(page, "admin-staff-member")

    # The admin's own page offers no Deactivate.
    page.goto("/console/admin/staff")
    screenshot(page, "admin-staff")
    page.get_by_role("link", name="Ada Admin").click()
    assert page.get_by_role("button", name="Unlock").is_visible()
    assert page.get_by_role("button", name="Deactivate").count() == 0
    screenshot(page, "admin-staff-own")

    # The new technician signs in with the initial password.
    sign_out(page)
    sign_in(page, email, "torque wrench 2026")
    assert page.get_by_role("heading", level=1, name="My work").is_visible()
    assert page.get_by_role("navigation", name="Sections").get_by_role("link", name="Admin").count() == 0


def test_admin_adds_a_customer_and_issues_an_api_key_shown_once(page, demo):
    sign_in(page, ADMIN, demo["password"])
    page.goto("/console/admin/customers")
    assert page.get_by_role("heading", level=1, name="Customers").is_visible()
    assert page.get_by_role("link", name="Acme Instruments Co., Ltd.").is_visible()
    code = f"BT{uuid.uuid4().hex[:6].upper()}"
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Name", exact=True).fill("Ningbo Gauge Factory")
    page.get_by_label("Address").fill("8 Harbour Road, Ningbo, China")
    page.get_by_label("Billing email").fill("not an email")
    page.get_by_label("Tax rate (%)").fill("6")
    page.get_by_role("button", name="Add customer").click()
    assert page.locator("#billingEmail-error").is_visible()
    screenshot(page, "admin-customers-error")
    page.get_by_label("Billing email").fill("ap@ningbo-gauge.example")
    page.get_by_label("Discount (%)").fill("5")
    page.get_by_role("button", name="Add customer").click()
    assert page.get_by_role("heading", level=1, name="Ningbo Gauge Factory").is_visible()
    assert page.get_by_text("No API keys yet.").is_visible()

    page.get_by_label("Label (optional)").fill("ERP system")
    page.get_by_role("button", name="Issue API key").click()
    assert page.get_by_text("it will not be shown again").is_visible()
    key = page.get_by_label("The new key").input_value()
    assert key.startswith("ck_")
    screenshot(page, "admin-customer-key-issued")
    # The key works as the customer's system would use it.
    orders = api("GET", "/v1/orders", key=key)
    assert orders["items"] == []

    # Shown once: the customer's page afterwards has only its public tag.
    page.goto(page.url)
    assert key not in page.content()
    row = page.get_by_role("row").filter(has_text="ERP system")
    assert "Active" in row.inner_text()
    screenshot(page, "admin-customer")
    row.get_by_role("button", name="Revoke").click()
    assert page.get_by_role("status").filter(has_text="was revoked").is_visible()
    with pytest.raises(urllib.error.HTTPError) as refused:
        api("GET", "/v1/orders", key=key)
    assert refused.value.code == 401

    page.goto("/console/admin/customers")
    assert page.get_by_role("row").filter(has_text=code).filter(has_text="5%").is_visible()
    screenshot(page, "admin-customers")


def test_admin_changes_a_price_and_sees_the_history(page, demo):
    sign_in(page, ADMIN, demo["password"])
    page.goto("/console/admin/catalogue")
    assert page.get_by_role("heading", level=1, name="Service catalogue").is_visible()
    screenshot(page, "admin-catalogue")
    page.get_by_role("link", name="PG-CAL").click()
    assert page.get_by_role("heading", level=1, name=re.compile("PG-CAL")).is_visible()
    history = page.get_by_role("region", name="Price history")
    before = history.get_by_role("row").nth(1).inner_text()
    page.get_by_label("New price").fill("4.205")
    page.get_by_role("button", name="Change price").click()
    assert "at most 2 decimal places" in page.locator("#amount-error").inner_text()
    page.get_by_label("New price").fill("480.00")
    page.get_by_role("button", name="Change price").click()
    assert page.get_by_role("status").filter(has_text="The price of PG-CAL is now 480.00 CNY.").is_visible()
    rows = page.get_by_role("region", name="Price history").get_by_role("row")
    assert rows.count() == 3
    assert "480.00 CNY" in rows.nth(1).inner_text() and "Current" in rows.nth(1).inner_text()
    assert before.split("\t")[0].split(" Current")[0].strip() in rows.nth(2).inner_text()
    screenshot(page, "admin-service")
    assert api("GET", "/v1/services/PG-CAL", key=any_key(demo))["price"] == {"amountMinor": 48000, "currency": "CNY"}


def test_admin_adds_a_service(page, demo):
    sign_in(page, ADMIN, demo["password"])
    page.goto("/console/admin/catalogue")
    code = f"TQ-{uuid.uuid4().hex[:4].upper()}"
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Title").fill("Torque wrench calibration")
    page.get_by_label("Kind").select_option(label="Calibration")
    page.get_by_label("Instrument category").fill("Torque wrench")
    page.get_by_label("Quantity").fill("torque")
    page.get_by_label("Unit", exact=True).fill("N·m")
    page.get_by_label("Range").fill("2 to 200 N·m")
    page.get_by_label("Method").fill("ISO 6789-2:2017")
    page.get_by_label("Price", exact=True).fill("280")
    page.get_by_label("Verification period (months)").fill("12")
    page.get_by_role("button", name="Add service").click()
    assert page.locator("#verificationPeriodMonths-error").is_visible()
    screenshot(page, "admin-catalogue-error")
    page.get_by_label("Verification period (months)").fill("")
    page.get_by_role("button", name="Add service").click()
    assert page.get_by_role("heading", level=1, name=re.compile(code)).is_visible()
    assert api("GET", f"/v1/services/{code}", key=any_key(demo))["price"] == {"amountMinor": 28000, "currency": "CNY"}


def test_admin_pages_in_chinese(page, demo):
    sign_in(page, ADMIN, demo["password"])
    page.goto("/console/admin?lang=zh-Hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1, name="系统管理").is_visible()
    screenshot(page, "admin-overview-zh")
    page.goto("/console/admin/staff")
    assert page.get_by_role("heading", level=1, name="员工").is_visible()
    assert page.get_by_role("button", name="添加员工").is_visible()
    assert page.get_by_label("检测员").is_visible()
    screenshot(page, "admin-staff-zh")
    page.goto("/console/admin/customers")
    assert page.get_by_role("heading", level=1, name="客户").is_visible()
    page.get_by_role("link", name="Acme Instruments Co., Ltd.").click()
    assert page.get_by_role("button", name="签发 API 密钥").is_visible()
    screenshot(page, "admin-customer-zh")
    page.goto("/console/admin/catalogue")
    assert page.get_by_role("heading", level=1, name="服务目录").is_visible()
    screenshot(page, "admin-catalogue-zh")
    page.get_by_role("link", name="PG-VER").click()
    assert page.get_by_role("heading", level=2, name="价格历史").is_visible()
    page.get_by_role("button", name="调整价格").click()
    assert page.locator("#amount-error").inner_text() == "此项为必填项。"
    screenshot(page, "admin-service-zh")
    page.goto("/console/admin?lang=en")


def test_only_admins_see_the_admin_pages(page, demo):
    sign_in(page, "tech@calibra.test", demo["password"])
    assert page.get_by_role("navigation", name="Sections").get_by_role("link", name="Admin").count() == 0
    response = page.goto("/console/admin/staff")
    assert response.status == 403
    assert page.get_by_role("heading", level=1, name="Not allowed").is_visible()
