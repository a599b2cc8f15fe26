"""The audio edition in a real browser (issue 24): Debian's Chromium, driven by Playwright,
loads the issue page from a loopback HTTP server, the player reads the file's metadata,
its duration is the file's, the chapters are listed in the order of the .chapters.json,
and a click on a chapter seeks the player there. The page with its player is valid HTML
(vnu) and passes axe, and fits a phone.

Two sites: test_audio_publish's (a weekly issue with a tone made by ffmpeg and a
hand-written .chapters.json, so every detail is known), and one whose audio `digest build`
makes itself with DIGEST_AUDIO on (eSpeak NG, the fastest engine): what a reader gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import feedparser
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import run_cli
from tests.support.site_tools import (
    ToolError,
    WebTools,
    axe_violations,
    chromium,
    describe,
    ensure_web_tools,
    png_size,
    run_vnu,
    serve,
)
from tests.test_audio_publish import MONTH, SITE, WEEK, Site, audio_site, length, new_site

PATH = f"issues/{WEEK}/"
PLAYER = "section.audio-edition audio"


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest) -> Site:
    return audio_site(request)


@pytest.fixture(scope="module")
def browser(built: Site) -> Iterator[Browser]:
    """One Chromium for the module; the site is built first (Playwright's event loop)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(built: Site) -> Iterator[str]:
    with serve(built.output) as url:
        yield url


def _open(browser: Browser, site: str, **options) -> tuple[Page, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **options)
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(site):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    return tab, outside, errors


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """The issue page with audio; any request off the server or script error fails."""
    tab, outside, errors = _open(browser, site)
    tab.goto(site + PATH, wait_until="load")
    yield tab
    tab.context.close()
    assert not outside, f"requests off the site: {outside}"
    assert not errors, errors


def _ready(page: Page) -> None:
    page.wait_for_function(
        f"document.querySelector({PLAYER!r}).readyState >= 1", timeout=10_000
    )  # HAVE_METADATA: the file was fetched and read


def test_the_player_loads_the_file_and_knows_its_duration(page, built):
    _ready(page)
    player = page.locator(PLAYER)
    assert player.evaluate("a => a.currentSrc").endswith(f"/{PATH}{WEEK}.opus")
    assert player.evaluate("a => a.error") is None
    duration = player.evaluate("a => a.duration")
    assert duration == pytest.approx(length(built.folder(WEEK) / f"{WEEK}.opus"), abs=0.5)
    expect(page.locator("section.audio-edition h2")).to_have_text("Listen to this issue · 1 min")


def test_the_chapters_list_the_sections_in_the_order_of_the_chapters_file(page, built):
    data = json.loads((built.folder(WEEK) / f"{WEEK}.chapters.json").read_text())
    titles = [c["title"] for c in data["chapters"]]
    expect(page.locator("ol.audio-chapters > li .audio-chapter-title")).to_have_text(titles)
    starts = page.locator("ol.audio-chapters > li").evaluate_all(
        "items => items.map(li => Number(li.dataset.start))"
    )
    assert starts == [c["startTime"] for c in data["chapters"]]
    # The issue's own sections are among them, in the page's order.
    sections = page.locator("section.digest-section .section-label").all_text_contents()
    assert [t for t in titles if t in sections] == sections


@pytest.mark.parametrize("index", [3, 1])
def test_a_click_on_a_chapter_seeks_the_player_there(page, index):
    _ready(page)
    chapter = page.locator("ol.audio-chapters > li").nth(index)
    start = float(chapter.get_attribute("data-start"))
    chapter.locator("a").click()
    player = page.locator(PLAYER)
    # Still on the issue page: the script seeks instead of following the link.
    assert page.url.endswith(PATH)
    page.wait_for_function(
        f"Math.abs(document.querySelector({PLAYER!r}).currentTime - {start}) < 1",
        timeout=5_000,
    )
    current = player.evaluate("a => a.currentTime")
    assert start - 0.05 <= current < start + 1
    # Once the player reports its time, the chapter heard is marked.
    page.wait_for_function(
        "document.querySelector('ol.audio-chapters a[aria-current]') !== null", timeout=5_000
    )
    expect(chapter.locator("a")).to_have_attribute("aria-current", "true")


def test_without_javascript_the_chapters_are_links_into_the_file(browser, site):
    tab, outside, errors = _open(browser, site, java_script_enabled=False)
    try:
        tab.goto(site + PATH, wait_until="load")
        links = tab.locator("ol.audio-chapters > li > a")
        expect(links).to_have_count(5)
        hrefs = links.evaluate_all("links => links.map(a => a.href)")
        starts = tab.locator("ol.audio-chapters > li").evaluate_all(
            "items => items.map(li => li.dataset.start)"
        )
        assert hrefs == [f"{site}{PATH}{WEEK}.opus#t={s}" for s in starts]
        expect(tab.locator("section.audio-edition a", has_text="Transcript")).to_be_visible()
        transcript = tab.request.get(site + f"{PATH}{WEEK}.vtt")
        assert transcript.ok and transcript.text().startswith("WEBVTT")
    finally:
        tab.context.close()
    assert not outside and not errors


def test_an_issue_without_audio_has_no_player_in_the_browser(browser, site):
    tab, outside, errors = _open(browser, site)
    try:
        tab.goto(site + f"issues/{MONTH}/", wait_until="load")
        expect(tab.locator("audio")).to_have_count(0)
        expect(tab.locator("#feeds a", has_text="Podcast")).to_have_count(1)
    finally:
        tab.context.close()
    assert not outside and not errors


@pytest.fixture(scope="module")
def tools() -> WebTools:
    try:
        return ensure_web_tools()
    except ToolError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


def test_the_page_with_its_player_is_valid_html(tools, built):
    pages = [built.folder(WEEK) / "index.html", built.output / "index.html"]
    messages = run_vnu(tools.vnu_jar, pages)
    assert not messages, describe(messages, built.output)


def test_axe_finds_no_wcag_violations_on_the_page_with_its_player(browser, site, tools):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(tools.axe_js))
    tab = context.new_page()
    try:
        tab.goto(site + PATH, wait_until="load")
        violations = axe_violations(tab)
    finally:
        context.close()
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_player_fits_phone_and_desktop(browser, site, tmp_path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(site + PATH, wait_until="load")
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        box = tab.locator(PLAYER).bounding_box()
        shot = tmp_path / f"audio-{width}.png"
        tab.screenshot(path=shot, full_page=True)
    finally:
        context.close()
    assert scroll <= width and png_size(shot)[0] == width, f"{scroll} px wide ({shot})"
    assert box["width"] > 0.6 * min(width, 700), box


# --------------------------------------------------------------------------- made by digest build


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Both issues read aloud by `digest build` (DIGEST_AUDIO on, eSpeak NG)."""
    made = new_site(
        tmp_path_factory.mktemp("spoken") / "site",
        extra='DIGEST_AUDIO = True\nDIGEST_AUDIO_ENGINE = "espeak"\n',
    )
    result = run_cli(made.conf, "build")
    assert result.exit_code == 0, result.output
    return made


def test_the_audio_digest_build_made_plays_with_the_issue_s_sections_as_chapters(browser, spoken):
    chapters = json.loads((spoken.folder(WEEK) / f"{WEEK}.chapters.json").read_text())
    titles = [c["title"] for c in chapters["chapters"]]
    audio_file = spoken.folder(WEEK) / f"{WEEK}.opus"
    with serve(spoken.output) as url:
        tab, outside, errors = _open(browser, url)
        try:
            tab.goto(url + PATH, wait_until="load")
            _ready(tab)
            duration = tab.locator(PLAYER).evaluate("a => a.duration")
            shown = tab.locator("ol.audio-chapters > li .audio-chapter-title").all_text_contents()
            sections = tab.locator("section.digest-section .section-label").all_text_contents()
            heading = tab.locator("section.audio-edition h2").text_content()
        finally:
            tab.context.close()
    assert not outside and not errors
    assert duration == pytest.approx(length(audio_file), abs=0.5)
    assert shown == titles
    assert sections == ["Politics", "Security", "Humanitarian"]
    assert [t for t in titles if t in sections] == sections
    minutes = max(1, round(length(audio_file) / 60))
    assert " ".join(heading.split()) == f"Listen to this issue · {minutes} min"
    text = (spoken.output / "email" / f"{WEEK}.txt").read_text()
    assert f"Listen to this issue ({minutes} min):\n{SITE}/{PATH}{WEEK}.opus\n" in text
    assert spoken.issue_json(WEEK)["audio"]["size"] == audio_file.stat().st_size
    feed = feedparser.parse((spoken.output / "feeds" / "podcast.xml").read_bytes())
    sizes = {e.link: int(e.enclosures[0].length) for e in feed.entries}
    assert sizes == {
        f"{SITE}/issues/{slug}/": (spoken.folder(slug) / f"{slug}.opus").stat().st_size
        for slug in (WEEK, MONTH)
    }
