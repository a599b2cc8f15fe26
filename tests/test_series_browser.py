"""Series in a real browser (issue 23): a reader clicks from the front page through each
series' archive and its issues' previous and next links, searches with the Section and
Series filters, and the new pages fit a phone and a desktop and pass axe.

Debian's Chromium driven by Playwright, the sample with its three series (test_series)
served over HTTP from 127.0.0.1, as tests/test_browser.py does it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.site_tools import (
    ToolError,
    WebTools,
    axe_violations,
    chromium,
    ensure_web_tools,
    png_size,
    run_vnu,
    serve,
)
from tests.test_series import series_site

WIDTHS = (390, 1280)
# Each series: its title, and its issues from the newest back.
SERIES = {
    "weekly": ("Weekly issues", ["2024-02-08", "2024-02-01"]),
    "report": ("Situation reports", ["2024-02-08-report", "2024-02-01-report"]),
    "daily": ("Daily digests", ["2024-02"]),
}


@pytest.fixture(scope="module")
def output(request: pytest.FixtureRequest) -> Path:
    return series_site(request) / "output"


@pytest.fixture(scope="module")
def browser(output: Path) -> Iterator[Browser]:
    """One Chromium for the module; the site is built first (Playwright's event loop)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(output: Path) -> Iterator[str]:
    with serve(output) as url:
        yield url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A page in its own context; any request off the loopback server fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(site):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    opened = context.new_page()
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(site)
    yield opened
    context.close()
    assert not outside, f"requests off the site: {outside}"
    assert not errors, errors


def slug_of(page: Page) -> str:
    return urlsplit(page.url).path.strip("/").removeprefix("issues/").removesuffix("/index.html")


@pytest.mark.parametrize("name", list(SERIES))
def test_a_reader_walks_each_series_from_its_archive_through_its_issues(page, site, name):
    title, issues = SERIES[name]
    # From the front page's latest of each series to the series' archive.
    page.locator("section.series-latest p.series-kicker a", has_text=title).click()
    page.wait_for_url(re.compile(rf".*/series/{name}/(index\.html)?$"))
    expect(page.locator("h1")).to_have_text(title)
    cards = page.locator("main ol.issue-list li.issue-card h2 a")
    expect(cards).to_have_count(len(issues))
    cards.first.click()
    page.wait_for_url(re.compile(rf".*/issues/{re.escape(issues[0])}/(index\.html)?$"))
    # Back through the series with "Previous issue", then forward again with "Next issue":
    # never into another series.
    walked = [slug_of(page)]
    while page.locator("li.issue-nav-older a").count():
        page.locator("li.issue-nav-older a").click()
        page.wait_for_load_state("load")
        walked.append(slug_of(page))
    assert walked == issues
    expect(page.locator("li.issue-nav-older")).to_have_count(0)
    forward = [slug_of(page)]
    while page.locator("li.issue-nav-newer a").count():
        page.locator("li.issue-nav-newer a").click()
        page.wait_for_load_state("load")
        forward.append(slug_of(page))
    assert forward == list(reversed(issues))
    # The newest issue's kicker leads back to its series.
    page.locator("header p.issue-series a").click()
    page.wait_for_url(re.compile(rf".*/series/{name}/(index\.html)?$"))


def test_the_archive_leads_to_each_series(page):
    page.locator("nav.site-nav a", has_text="Archive").click()
    links = page.locator("nav.series-nav a")
    expect(links).to_have_text([title for title, _ in SERIES.values()])
    links.nth(1).click()
    page.wait_for_url(re.compile(r".*/series/report/(index\.html)?$"))
    expect(page.locator("main .issue-card-meta").first).to_have_text(
        "Situation report · February 2 – 8, 2024"
    )


def test_search_counts_sections_and_filters_by_series(page, site):
    page.goto(site + "search/")
    page.locator(".pagefind-ui__search-input").fill("cholera")
    expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10_000)
    page.wait_for_load_state("networkidle")
    # The filters show the whole index's counts until Pagefind has counted the results,
    # which may come after the first result: wait for the count, then read them all.
    humanitarian = page.locator(".pagefind-ui__filter-label", has_text="Humanitarian (")
    expect(humanitarian).to_have_text("Humanitarian (1)", timeout=10_000)
    labels = page.locator(".pagefind-ui__filter-label").all_text_contents()
    # One paragraph of one Humanitarian section tells of cholera: no other section counts.
    assert "Humanitarian (1)" in labels
    assert {"Politics (0)", "Security (0)", "Economy (0)"} <= set(labels), labels
    assert {"Weekly issues (1)", "Situation reports (1)", "Daily digests (2)"} <= set(labels)
    # A result each: the weekly issue's Humanitarian section, two days of the month page,
    # the report (its sub-results, the headings inside, are links too).
    results = page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title > a")
    expect(results).to_have_count(4)
    page.locator(".pagefind-ui__filter-name", has_text="Series").click()
    page.locator("label", has_text="Situation reports").click()
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("href", "/issues/2024-02-08-report/")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_series_and_report_fit_phone_and_desktop(browser, site, tmp_path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    problems = []
    try:
        for path in ("", "series/report/", "issues/2024-02-08-report/"):
            tab.goto(site + path, wait_until="load")
            scroll = tab.evaluate("document.documentElement.scrollWidth")
            shot = tmp_path / f"{path.strip('/').replace('/', '_') or 'index'}-{width}.png"
            tab.screenshot(path=shot, full_page=True)
            if scroll > width or png_size(shot)[0] != width:
                problems.append(f"/{path}: {scroll} px wide at {width} px ({shot})")
    finally:
        context.close()
    assert not problems, "horizontal scrolling:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module")
def tools() -> WebTools:
    try:
        return ensure_web_tools()
    except ToolError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("path", ["", "series/weekly/", "issues/2024-02-08-report/"])
def test_axe_finds_no_wcag_violations_on_the_new_pages(browser, site, tools, path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(tools.axe_js))
    tab = context.new_page()
    try:
        tab.goto(site + path, wait_until="load")
        violations = axe_violations(tab)
    finally:
        context.close()
    assert not violations, f"/{path}: " + "\n".join(violations)


def test_the_new_pages_are_valid_html(tools, output):
    pages = [
        output / "index.html",
        output / "archives" / "index.html",
        *sorted((output / "series").glob("*/index.html")),
        output / "issues" / "2024-02-08-report" / "index.html",
        output / "email" / "2024-02-08-report.html",
    ]
    messages = [
        m
        for m in run_vnu(tools.vnu_jar, pages)
        # The email edition's client CSS (mso-hide ...) is the checker's to dislike.
        if not m.get("message", "").startswith("CSS: ")
    ]
    assert not messages, "\n".join(f"{m.get('url')}: {m.get('message')}" for m in messages)
