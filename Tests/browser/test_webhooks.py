"""Webhook endpoints in the customer portal's settings: a customer_admin adds one, sees its secret once, and sees its deliveries."""
import re
import time

from conftest import api, portal_sign_in, screenshot, submit_order

ACME_ADMIN = "coordinator@acme.example"
ACME = "Acme Instruments Co., Ltd."


def test_customer_admin_adds_an_endpoint_and_sees_its_deliveries(page, demo):
    portal_sign_in(page, ACME_ADMIN, demo["password"])
    page.goto("/portal/settings")
    endpoints = page.get_by_role("region", name="Webhook endpoints")
    # The demo endpoint is there, disabled.
    assert "erp.acme.example/calibra/webhooks" in endpoints.inner_text()
    assert "Disabled" in endpoints.inner_text()

    url = f"https://erp.acme.example/hooks/{int(time.time())}"
    page.get_by_label("URL").fill(url)
    page.get_by_label("order.accepted").check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
    screenshot(page, "portal-webhooks-secret")

    # Shown once: the next visit does not show it.
    page.goto("/portal/settings")
    assert secret not in page.content()
    assert url in page.content()

    # An accepted order of Acme's is sent to the endpoint; .example never resolves, so the attempt fails and is listed.
    order = submit_order(demo["keys"][ACME], service_code="TW-CAL")
    reception = api("POST", "/v1/auth/login", body={"email": "reception@calibra.test", "password": demo["password"]})["token"]
    api("POST", f"/v1/orders/{order['id']}/accept", key=reception)
    for _ in range(60):
        page.goto("/portal/settings")
        if "Failed" in page.get_by_role("region", name="Webhook endpoints").inner_text():
            break
        time.sleep(0.5)
    region = page.get_by_role("region", name="Webhook endpoints")
    assert "Failed" in region.inner_text()
    assert region.get_by_role("button", name="Replay").count() >= 1
    screenshot(page, "portal-webhooks-deliveries")

    page.get_by_role("button", name=f"Rotate secret {url}").click()
    assert page.get_by_label("Signing secret").input_value().startswith("whsec_")
    page.get_by_role("button", name=f"Delete {url}").click()
    assert url not in page.get_by_role("region", name="Webhook endpoints").inner_text()


def test_webhook_settings_in_chinese(page, demo):
    portal_sign_in(page, ACME_ADMIN, demo["password"])
    page.goto("/portal/settings?lang=zh-Hans")
    assert page.get_by_role("heading", name="Webhook 端点").is_visible()
    screenshot(page, "portal-webhooks-zh")
