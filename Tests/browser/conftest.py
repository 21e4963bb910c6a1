"""Browser tests of the web pages: a real Chromium (Debian's package) driven by Playwright, against a Calibra server
that scripts/browser-tests.sh starts on the throwaway test cluster with the demo lab.

Environment (set by scripts/browser-tests.sh):
  CALIBRA_URL          the server's base URL
  CALIBRA_SEED         the file holding `lims seed-demo`'s output (staff password, customers' API keys)
  CALIBRA_SCREENSHOTS  the folder screenshots are saved in, for a person to look at
  CHROMIUM             the Chromium executable
"""
import json
import os
import re
import urllib.request
import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

BASE_URL = os.environ.get("CALIBRA_URL", "http://127.0.0.1:8080")
SCREENSHOTS = os.environ.get("CALIBRA_SCREENSHOTS", "/tmp/calibra-screenshots")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def seed_output():
    with open(os.environ["CALIBRA_SEED"], encoding="utf-8") as file:
        return file.read()


@pytest.fixture(scope="session")
def demo():
    """What `lims seed-demo` printed: the staff password and each customer's API key."""
    text = seed_output()
    password = re.search(r"all with the password (\S+)\)", text).group(1)
    keys = dict(re.findall(r"^\s+(.+?): (ck_\S+)$", text, re.MULTILINE))
    return {"password": password, "keys": keys}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class OriginGuard:
    """Records (and blocks) every request that would leave the server's origin."""

    def __init__(self):
        self.foreign = []
        origin = urlparse(BASE_URL)
        self.origin = (origin.scheme, origin.netloc)

    def route(self, route):
        url = urlparse(route.request.url)
        if (url.scheme, url.netloc) != self.origin and url.scheme not in ("data", "blob", "about"):
            self.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def context(browser):
    """A fresh browser profile (no cookies) whose requests may not leave the server's origin."""
    guard = OriginGuard()
    context = browser.new_context(base_url=BASE_URL, locale="en-GB")
    context.route("**/*", guard.route)
    yield context
    context.close()
    assert guard.foreign == [], f"requests left the server's origin: {guard.foreign}"


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page


def sign_in(page, email, password):
    """Signs in through the console's sign-in page, as a person would."""
    page.goto("/console/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console(\?.*)?$|/console/(?!login)"))


def portal_sign_in(page, email, password):
    """Signs in through the customer portal's sign-in page."""
    page.goto("/portal/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/portal(\?.*)?$|/portal/(?!login)"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/console/login"))


def screenshot(page, name):
    """Saves a full-page screenshot for a person to look at."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def api(method, path, key=None, body=None, headers=None):
    """Calls the JSON API (only to set up what a customer's own system would send, never to do the lab's work)."""
    request = urllib.request.Request(BASE_URL + path, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, data=data) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def submit_order(key, service_code="PG-CAL", serial=None, manufacturer="Yichuan", model="Y-100", count=1):
    """A customer's system submits an order of `count` instruments (serial numbers `serial`, `serial-2`…); returns it."""
    serial = serial or f"BT-{uuid.uuid4().hex[:8].upper()}"
    body = {
        "customerReference": f"browser-{serial}",
        "priority": "standard",
        "items": [
            {"serviceCode": service_code,
             "instrument": {"manufacturer": manufacturer, "model": model, "serialNumber": serial if index == 0 else f"{serial}-{index + 1}"}}
            for index in range(count)
        ],
    }
    return api("POST", "/v1/orders", key=key, body=body, headers={"Idempotency-Key": str(uuid.uuid4())})
