"""Every console page in Simplified Chinese and in English: the language is the page's, every heading is translated,
and no catalogue key or raw stored value shows where a text belongs."""
import re

import pytest

from conftest import screenshot, sign_in

PAGES = [
    "/console",
    "/console/orders",
    "/console/receipt",
    "/console/jobs",
    "/console/certificates",
    "/console/equipment",
    "/console/invoices",
    "/console/admin",
]

# What a hole in the catalogue looks like on a page: a dotted key (`jobs.claimNext`) or a stored enum value
# (`awaiting_receipt`) printed as it is.
RAW_KEY = re.compile(r"\b(?:[a-z]+[A-Z]?[a-zA-Z]*\.){1,3}[a-z][a-zA-Z]+\b")
RAW_VALUE = re.compile(r"\b(?:awaiting_receipt|in_review|awaiting_signature|in_progress|on_hold|in_service|out_of_service|in_test)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Text that may look like a key but is data: e-mail addresses and host names of the demo lab, file names.
ALLOWED = re.compile(r"@|calibra\.test|\.example|\.(?:html|txt|csv|svg|css|js)\b|e\.g\.|i\.e\.")


def visible_text(page):
    return page.locator("main").inner_text()


def links_to_detail_pages(page):
    """A few detail pages reachable from the list pages, so they are checked too."""
    found = []
    for list_path, pattern in [("/console/jobs?state=all", r"^/console/jobs/[0-9a-f-]{36}$"),
                               ("/console/certificates", r"^/console/certificates/[0-9a-f-]{36}$"),
                               ("/console/orders", r"^/console/orders/[0-9a-f-]{36}$"),
                               ("/console/equipment", r"^/console/equipment/[0-9a-f-]{36}$"),
                               ("/console/invoices", r"^/console/invoices/[0-9a-f-]{36}$")]:
        page.goto(list_path)
        for href in page.locator("main a").evaluate_all("links => links.map(l => l.getAttribute('href'))"):
            if href and re.match(pattern, href.lower()):
                found.append(href)
                break
    return found


def check_page(page, path, language):
    response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
    assert response.status == 200, f"{path}: {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1, f"{path}: one h1"
    text = visible_text(page)
    suspicious = [m.group(0) for m in RAW_KEY.finditer(text) if not ALLOWED.search(text[max(0, m.start() - 30):m.end() + 5])]
    suspicious = [s for s in suspicious if not re.match(r"^\d", s)]
    assert not suspicious, f"{path} ({language}): catalogue keys on the page: {suspicious[:5]}"
    assert not RAW_VALUE.search(text), f"{path} ({language}): a stored value is shown untranslated: {RAW_VALUE.search(text).group(0)}"
    if language == "zh-Hans":
        # A list page's heading is a text of the catalogue; a detail page's may be the record's own name (data), so
        # there the labels around it must be Chinese.
        where = page.locator("h1") if path in PAGES else page.locator("main")
        assert CJK.search(where.inner_text()), f"{path}: no Chinese where the catalogue's texts belong"
        assert CJK.search(page.locator("nav.sections").inner_text())


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_every_console_page_speaks_the_chosen_language(page, demo, language):
    # The admin also holds the billing role, so every section is open to them.
    sign_in(page, "admin@calibra.test", demo["password"])
    paths = PAGES + links_to_detail_pages(page)
    assert len(paths) >= len(PAGES) + 3, f"detail pages found: {paths[len(PAGES):]}"
    for path in paths:
        check_page(page, path, language)
        if language == "zh-Hans" and path in PAGES:
            screenshot(page, "zh" + path.replace("/", "-"))
