"""The built site in a real browser: Debian's Chromium driven by Playwright, the site served
over HTTP from 127.0.0.1 (Pagefind fetches its index, which file:// does not allow).

Accessibility (axe-core, WCAG 2.1 A/AA), the reader's path from the archive to a section
page, search, layouts at phone and desktop widths, and hostile feed items (BAD-INPUTS
28–32) that must stay inert on every page. One browser and one built sample per session;
every request that would leave the loopback server is refused and recorded.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    expect,
    sync_playwright,
)

from tests.conftest import make_project
from tests.support.site_tools import (
    CHROMIUM_ARGS,
    ToolError,
    WebTools,
    axe_violations,
    build_project,
    demo_site,
    ensure_web_tools,
    find_chromium,
    html_pages,
    png_size,
    serve,
)

WIDTHS = (360, 1280)
SECTION = "security"
# Replaces the dialogs a script could open, in every frame, before any page script runs.
HOOK_DIALOGS = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function (...args) { window.__dialogs.push([name, String(args[0])]); return null; };
}
"""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def tools() -> WebTools:
    try:
        return ensure_web_tools()
    except ToolError as exc:
        problem = str(exc)  # it says what to run
    pytest.fail(problem, pytrace=False)  # not a skip: that would hide the missing coverage


@pytest.fixture(scope="module")
def browser(output: Path, hostile: tuple[Path, list[str]]) -> Iterator[Browser]:
    """One Chromium for the module. The sites are built first: Playwright's sync API keeps
    an event loop running in this thread, where `digest collect` could not start its own."""
    try:
        chromium = find_chromium()
    except ToolError as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def output(request: pytest.FixtureRequest) -> Path:
    return demo_site(request)


@pytest.fixture(scope="module")
def site(output: Path) -> Iterator[str]:
    """The sample's base URL on the loopback server."""
    with serve(output) as url:
        yield url


class Tab:
    """A page in its own context, with every outside request refused and recorded."""

    def __init__(self, browser: Browser, base: str, width: int = 1280, **options) -> None:
        self.context: BrowserContext = browser.new_context(
            viewport={"width": width, "height": 800}, device_scale_factor=1, **options
        )
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.base = base

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "").removeprefix(self.base.rstrip("/"))
            self.errors.append(f"console error at {self.page.url}: {message.text} ({where})")

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Browser, site: str) -> Iterator[Tab]:
    opened = Tab(browser, site)
    yield opened
    opened.close()


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize(
    "path", ["", "issues/2024-02-08/", "issues/2024-02/", f"sections/{SECTION}/", "search/"]
)
def test_axe_finds_no_wcag_violations(browser, site, tools, path):
    tab = Tab(browser, site)
    tab.context.add_init_script(path=str(tools.axe_js))
    try:
        page = tab.open(path)
        page.wait_for_load_state("networkidle")  # the search UI has drawn itself
        violations = axe_violations(page)
    finally:
        tab.close()
    assert not violations, f"/{path}: axe-core found:\n  " + "\n  ".join(violations)


# --------------------------------------------------------------------------- navigation


def test_archive_to_issue_to_section_to_section_page(tab):
    page = tab.open("")
    # The newest weekly issue: the month page that may come first has no Key Takeaways.
    issue_links = page.locator("main a[href*='issues/']")
    hrefs = issue_links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    weekly = [i for i, h in enumerate(hrefs) if re.search(r"issues/\d{4}-\d\d-\d\d/", h)]
    assert weekly, f"the archive links to no weekly issue: {hrefs}"
    issue_links.nth(weekly[0]).click()
    page.wait_for_url(re.compile(r".*/issues/\d{4}-\d\d-\d\d/(index\.html)?$"))
    issue_path = path_of(page)

    more = page.locator(f"ul.key-takeaways a[href='#{SECTION}']")
    expect(more).to_have_count(1)
    expect(more).to_have_text(re.compile(r"more"))
    more.click()
    page.wait_for_function("location.hash === '#security'")
    assert path_of(page) == issue_path
    section = page.locator(f"section.digest-section#{SECTION}")
    expect(section).to_be_in_viewport()

    to_page = section.locator(f"a[href*='sections/{SECTION}/']")
    assert to_page.count() >= 1, (
        f"the issue's #{SECTION} section has no link to its section page /sections/{SECTION}/"
        " (the theme should link the section label or heading there)"
    )
    to_page.first.click()
    page.wait_for_url(re.compile(rf".*/sections/{SECTION}/(index\.html)?$"))
    expect(page.locator("h1")).to_have_count(1)
    assert not tab.errors, tab.errors


# --------------------------------------------------------------------------- search

RESULT_LINKS = ".pagefind-ui__result-link, .pf-result-link, .pagefind-modular-list-link"
SEARCH_INPUTS = (
    ".pagefind-ui__search-input, pagefind-input input, pagefind-searchbox input,"
    " main input[type='search']"
)


def unique_word(output: Path) -> tuple[str, str]:
    """A word found on exactly one built page, an issue, with no other page holding a word
    that shares its first five letters (Pagefind stems words and matches prefixes)."""
    words: dict[str, set[str]] = {}
    for file in html_pages(output, email=False):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style", "template"]):
            tag.decompose()
        for tag in soup.select("[data-pagefind-ignore]"):  # what Pagefind leaves out
            tag.decompose()
        text = (soup.body or soup).get_text(" ")
        page = file.relative_to(output).parent.as_posix() + "/"
        for word in set(re.findall(r"[a-z]{7,}", text.lower())):
            words.setdefault(word, set()).add(page)
    stems = Counter()
    for word, pages in words.items():
        for page in pages:
            stems[(word[:5], page)] += 1
    stem_pages: dict[str, set[str]] = {}
    for stem, page in stems:
        stem_pages.setdefault(stem, set()).add(page)
    for word in sorted(words):
        pages = words[word]
        if len(pages) == 1 and stem_pages[word[:5]] == pages:
            (page,) = pages
            if re.fullmatch(r"issues/[\d-]+/", page):
                return word, page
    raise AssertionError("no word of the sample occurs on one issue page only")


def test_search_finds_the_one_issue_with_a_word(tab, output):
    word, issue = unique_word(output)
    assert (output / "pagefind" / "pagefind.js").is_file(), "no Pagefind index in output/"
    page = tab.open("search/")
    box = page.locator(SEARCH_INPUTS).first
    expect(box).to_be_visible()
    box.fill(word)
    first = page.locator(RESULT_LINKS).first
    expect(first).to_be_visible(timeout=10_000)
    page.wait_for_load_state("networkidle")  # every result (and its sub-results) drawn
    hrefs = page.locator(RESULT_LINKS).evaluate_all("ls => ls.map(a => a.href.split('#')[0])")
    # A result lists its page's matching headings too: count pages, not links.
    assert len(set(hrefs)) == 1, f"{word!r} (only on /{issue}) found on: {sorted(set(hrefs))}"
    first.click()
    page.wait_for_url(re.compile(rf".*/{re.escape(issue)}(index\.html)?$"))
    assert word in page.locator("main").inner_text().lower()
    assert not tab.errors, tab.errors


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_at_phone_and_desktop_widths(browser, site, tmp_path, width):
    tab = Tab(browser, site, width=width)
    problems = []
    try:
        for path in ("", "issues/2024-02-08/", "issues/2024-02/", f"sections/{SECTION}/"):
            response = tab.page.goto(site + path, wait_until="load")
            if response is None or not response.ok:
                problems.append(f"/{path}: HTTP {response and response.status}")
                continue
            scroll = tab.page.evaluate("document.documentElement.scrollWidth")
            shot = tmp_path / f"{path.strip('/').replace('/', '_') or 'index'}-{width}.png"
            tab.page.screenshot(path=shot, full_page=True)
            shot_width, _ = png_size(shot)
            if scroll > width or shot_width != width:
                problems.append(
                    f"/{path}: {scroll} px wide at a {width} px viewport"
                    f" (screenshot {shot_width} px: {shot})"
                )
        assert not tab.errors, tab.errors
    finally:
        tab.close()
    assert not problems, "horizontal scrolling:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- hostile items

# BAD-INPUTS 28–32 as one outlet's feed, items spread over both sample weeks.
HOSTILE_ITEMS = [
    # 28: mXSS
    ("Security forces report mXSS one", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("Security forces report mXSS two", "<svg><style><img src=x onerror=alert(2)></style></svg>"),
    ("Security forces report mXSS three", "<math><mtext><table><mglyph><style><img src=x onerror=alert(3)>"),
    ("Security forces report mXSS four", "<!--><img src=x onerror=alert(4)>-->"),
    ("Security forces report mXSS five", "sa<!-- -- nonwhitespace >fe<script>alert(5)</script>"),
    ("Security forces report mXSS six", "safe<!--"),
    # 29: markup in text fields
    ("<img src=x onerror=alert(6)>", "A title that is markup."),
    ("</title><script>alert(7)</script>", "<p>an attack in Baghdad</p>"),
    # 30: metadata injection
    ("Foo\nSave_as: ../output-evil/index.html", "Save_as in a title."),
    ("Bar\nTemplate: x", "Template in a title."),
    ("Baz\nStatus: draft", "Status in a title."),
    ("Qux\nSlug: ../../x", "Slug in a title."),
    ("Link summary", "[x](javascript:alert(8)) in Baghdad"),
    ("Jinja summary", "{{ 7*7 }} and {% include '/etc/passwd' %} in Basra"),
    ("Body with a header", "Title: evil\nSlug: ../../evil\n\nSaid in Mosul."),
    # 32: slug collisions
    ("Café", "A cafe in Erbil."),
    ("Cafe", "Another cafe in Erbil."),
    ("C++", "Programmers in Basra."),
    ("C", "A letter in Basra."),
    ("Untitled", "Untitled one in Kirkuk."),
    ("Untitled", "Untitled two in Kirkuk."),
]  # fmt: skip
HOSTILE_NAME = '"><script>alert(9)</script>'


def hostile_feed() -> str:
    from xml.sax.saxutils import escape

    items = []
    for n, (title, html) in enumerate(HOSTILE_ITEMS):
        day = 26 + n % 13  # January 26 to February 7
        date = f"{'Fri Sat Sun Mon Tue Wed Thu'.split()[(day - 26) % 7]}, " + (
            f"{day:02d} Jan 2024" if day <= 31 else f"{day - 31:02d} Feb 2024"
        )
        items.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>https://hostile.example/{n}</link><guid>hostile-{n}</guid>"
            f"<author>x@hostile.example (&lt;/title&gt;&lt;script&gt;alert(10)&lt;/script&gt;)</author>"
            f"<pubDate>{date} 09:00:00 +0000</pubDate>"
            f"<description>{escape(html)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(HOSTILE_NAME)}</title><link>https://hostile.example/</link>"
        f"<description>x</description>{''.join(items)}</channel></rss>\n"
    )


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The sample plus the hostile outlet, built; and every path the run changed outside
    output/, content/issues/*.md and the store."""
    top = tmp_path_factory.mktemp("hostile")
    extra = textwrap.dedent(
        f"""
        DIGEST_SOURCES = DIGEST_SOURCES + [{{
            "name": {HOSTILE_NAME!r},
            "url": "samples/feeds/hostile.rss",
            "domains": ["hostile.example"],
            "language": "en",
        }}]
        """
    )
    conf = make_project(top / "site", extra)
    (conf.parent / "samples" / "feeds" / "hostile.rss").write_text(hostile_feed())
    tmp_before = {p.name for p in Path("/tmp").iterdir()}
    before = tree(top)
    output = build_project(conf)
    after = tree(top)
    # output/, the build's cache (CACHE_PATH), the drafted issues and the store.
    allowed = re.compile(
        r"site/(output/.*|\.cache/pelican/.*|content/issues/[\d-]+(-report)?\.md|digest\.sqlite3(-\w+)?)"
    )
    changed = [p for p in sorted(set(before) | set(after)) if before.get(p) != after.get(p)]
    strays = [p for p in changed if not allowed.fullmatch(p)]
    strays += [
        f"/tmp/{name}"
        for name in sorted({p.name for p in Path("/tmp").iterdir()} - tmp_before)
        if "evil" in name or name == "x"
    ]
    return output, strays


def test_hostile_items_write_nothing_outside_output(hostile):
    output, strays = hostile
    assert not strays, f"written outside output/: {strays}"
    assert (output / "issues" / "2024-02-08" / "index.html").is_file()
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*.html"))
    assert "hostile.example" in text, "the hostile outlet's items were not published"


def test_hostile_items_stay_inert_in_the_browser(browser, hostile):
    output, _ = hostile
    pages = [p.relative_to(output).as_posix() for p in sorted(output.rglob("*.html"))]
    pages = [p for p in pages if not p.startswith("pagefind/")]
    assert len(pages) >= 5, pages
    problems = []
    with serve(output) as base:
        tab = Tab(browser, base)
        tab.context.add_init_script(HOOK_DIALOGS)
        dialogs: list[str] = []
        tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            # A control: the hook counts a handler's call (the image src=x fails to load).
            tab.open(pages[0])
            tab.page.set_content("<img src=x onerror=\"alert('control')\">")
            tab.page.wait_for_function("window.__dialogs.length > 0")
            assert tab.page.evaluate("window.__dialogs") == [["alert", "control"]]
            for path in pages:
                tab.errors.clear()
                tab.open(path)
                calls = tab.page.evaluate("window.__dialogs")
                if calls or dialogs or tab.errors:
                    problems.append(f"/{path}: calls {calls}, dialogs {dialogs}, {tab.errors}")
                dialogs.clear()
            # The payloads did reach the pages, as text.
            tab.open("issues/2024-02/")
            shown = tab.page.locator("main").inner_text()
            assert "<img src=x onerror=alert(6)>" in shown, "BAD-INPUTS 29 title not shown"
            assert "</title><script>alert(7)</script>" in shown, "BAD-INPUTS 29 title not shown"
            outside = list(tab.outside)
        finally:
            tab.close()
    assert not problems, "\n".join(problems)
    assert not outside, f"pages asked for outside resources: {outside}"
