"""The pages in a real headless Chromium: the catalogue, a query form with a parameter, an entity page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from kg.catalogue import catalogue
from kg.server.running import running_server
from tests.browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser: Any, base: str) -> Iterator[Any]:
    """A page that records requests to any other host and script errors."""
    context = browser.new_context()
    found = context.new_page()
    found.elsewhere = []
    found.errors = []
    host = urlsplit(base).netloc
    found.on("request", lambda r: urlsplit(r.url).netloc != host and found.elsewhere.append(r.url))
    found.on("pageerror", lambda e: found.errors.append(str(e)))
    yield found
    assert found.elsewhere == [], "pages must load nothing from elsewhere"
    assert found.errors == []
    context.close()


def test_catalogue_lists_the_saved_queries(page: Any, base: str) -> None:
    page.goto(f"{base}/queries")
    rows = page.locator("#catalogue tbody tr")
    assert rows.count() == len(catalogue())
    page.get_by_role("link", name="who-engages-mid-level-officials").click()
    page.wait_for_url("**/queries/who-engages-mid-level-officials")
    assert "mid-level" in page.locator("h1").inner_text()


def test_query_form_with_a_parameter(page: Any, base: str) -> None:
    page.goto(f"{base}/queries/interventions-by-country")
    page.fill("#param-country", "KE")  # ISO code, resolved by the engine to Kenya
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#results table")
    table = page.locator("#results table").inner_text()
    assert "Kenya" in table or "kenya" in table.lower()
    headers = page.locator("#results th").all_inner_texts()
    assert "placeLabel" in headers and "place" not in headers  # the label links to the IRI instead
    assert not [h for h in headers if h.startswith("_")]  # parameters are not answers
    assert page.locator('#results a[href="/id/place/kenya"]').count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "country=KE" in page.url
    assert "SELECT" in page.locator("#query-text").inner_text()
    csv_link = page.get_by_role("link", name="CSV")
    assert "country=KE" in csv_link.get_attribute("href")


def test_entity_page(page: Any, base: str) -> None:
    response = page.goto(f"{base}/id/case/kenya-nhif-refugee-enrolment/intervention")
    assert response.ok and page.url.endswith("/intervention.html")  # followed the 303
    assert "mid-level" in page.locator("h1").inner_text()
    facts = page.locator("#facts")
    assert "RefugePoint" in facts.inner_text()
    page.locator('#facts a[href="/id/case/kenya-nhif-refugee-enrolment/refugepoint"]').first.click()
    page.wait_for_url("**/refugepoint.html")
    assert page.locator("h1").inner_text() == "RefugePoint"
