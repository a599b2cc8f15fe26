"""Right-to-left paragraphs that cite left-to-right outlets, dates and numbers (issue 23,
item 4): each left-to-right run isolated in `<bdi dir="ltr">` on the site, in the feeds and in
the HTML email, laid out as one unit in the PDF, and between Unicode isolates in the
plain-text email.

The finding: after an Arabic paragraph the credit split as "(Al-" … "Rafidain)" and the PDF
printed ".(²Rafidain". The fixture tests/data/bidi/2024-02-08.md has the sample's Arabic
paragraph, one with a date, a bold Latin phrase, a phone number and two credits, and an
English one; the build adds paragraphs whose credit falls at every place along a line, so
some line break meets the name at any page width. Checked with independent readers of the
result: BeautifulSoup (every left-to-right character sits in a dir="ltr" element), poppler
(words and their boxes in the PDF), Chromium (glyph boxes, and pixels against a paragraph
isolated by hand) and fribidi (a bidi-aware terminal's view of the plain text). Screenshots
and PDF pages go to .cache/test-output/bidi/ for a human look.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from playwright.sync_api import Browser, Page

from digest.models import SectionRule, Source
from digest.render.bidi import isolate, runs
from digest.render.edition import parse_edition
from digest.render.markdown import markdown
from tests.conftest import ROOT, make_project, run_cli
from tests.support.site_tools import chromium, serve

FIXTURE = ROOT / "tests" / "data" / "bidi" / "2024-02-08.md"
LOOK = ROOT / ".cache" / "test-output" / "bidi"
SLUG = "2024-02-08"
RAFIDAIN = "https://alrafidain.example/news/"
TIGRIS = "https://tigriswire.example/2024/02/06/kirkuk-council-elects-governor"
# A sentence cut after 4, 5, ... 33 words, then its credit: the credit lands at every place
# along a line, so at any width some line break falls at or inside it.
SENTENCE = (
    "أعلنت وزارة المالية الاتحادية إطلاق مبلغ مليار دينار لتمويل رواتب موظفي إقليم كردستان "
    "لشهر كانون الثاني بعد اجتماعات بين وفدي بغداد وأربيل ومن المتوقع أن تبدأ حكومة الإقليم "
    "توزيع الرواتب في 12 شباط"
).split()
SWEEP = tuple(range(4, len(SENTENCE) + 1))
WIDTHS = (360, 390, 768, 1280)
LRI, RLI, FSI, PDI, RLM = "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"

SOURCES = (
    Source("Al-Rafidain", "https://alrafidain.example/rss", language="ar",
           domains=("alrafidain.example",)),
    Source("Tigris Wire", "https://tigriswire.example/rss", domains=("tigriswire.example",)),
    Source("Mesopotamia Economic Review", "https://mer.example/rss", domains=("mer.example",)),
)  # fmt: skip
SECTIONS = (SectionRule("economy", "Economy"),)


def sweep_paragraphs() -> str:
    return "".join(
        f"{' '.join(SENTENCE[:n])} ([Al-Rafidain]({RAFIDAIN}{88300 + n})).\n\n" for n in SWEEP
    )


def issue_text() -> str:
    return FIXTURE.read_text(encoding="utf-8") + "\n" + sweep_paragraphs()


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def unisolated(paragraph: Tag) -> list[str]:
    """What is wrong with a right-to-left paragraph: each Latin letter or European digit
    outside a dir="ltr" element, and each Arabic letter inside one."""
    problems = []
    for text in paragraph.find_all(string=True):
        if not isinstance(text, NavigableString):
            continue
        isolated = any(
            parent.get("dir") == "ltr"
            for parent in text.parents
            if parent is not paragraph and paragraph in parent.parents
        )
        for char in str(text):
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "EN") and not isolated:
                problems.append(f"{char!r} outside an isolate in …{str(text)[-40:]!r}")
            if kind in ("R", "AL") and isolated:
                problems.append(f"{char!r} inside a dir=ltr isolate: {str(text)[:40]!r}")
    return problems


def right_to_left(html: str) -> list[Tag]:
    return soup(html).select('p[dir="rtl"], li[dir="rtl"]')


# --------------------------------------------------------------------------- the runs

MD = markdown()


def isolated_html(source: str) -> str:
    children = MD.parseInline(source)[0].children or []
    return MD.renderer.renderInline(isolate(children), MD.options, {})


def bdi(inner: str, nowrap: bool = True) -> str:
    attributes = 'dir="ltr" class="nowrap"' if nowrap else 'dir="ltr"'
    return f"<bdi {attributes}>{inner}</bdi>"


LINK = '<a href="https://alrafidain.example/1">Al-Rafidain</a>'
WIRE = '<a href="https://t.example/1">Tigris Wire</a>'
REUTERS = '<a href="https://r.example/1">Reuters</a>'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # The finding: the credit is isolated with its link, so the PDF's note stays inside.
        (
            "يبلغ 132 ألف دينار ([Al-Rafidain](https://alrafidain.example/1)).",
            f"يبلغ {bdi('132')} ألف دينار ({bdi(LINK)}).",
        ),
        # A number before Latin words belongs to them: unisolated, "February 4" is drawn.
        ("في 4 February 2024 قال", f"في {bdi('4 February 2024')} قال"),
        # Markup inside a Latin phrase is taken in whole: one isolate, not three reversed.
        (
            "عضو في the **Kirkuk** council إن",
            f"عضو في {bdi('the <strong>Kirkuk</strong> council')} إن",
        ),
        # Digit groups stay in order; "2023، 14" is two numbers (an Arabic comma between).
        (
            "على +964 770 123 4567 و 1 200 دينار في 2023، 14 إصابة",
            f"على {bdi('+964 770 123 4567')} و {bdi('1 200')} دينار في {bdi('2023')}، "
            f"{bdi('14')} إصابة",
        ),
        ("ارتفع 10% إلى $7.7 billion", f"ارتفع {bdi('10%')} إلى {bdi('$7.7 billion')}"),
        # A list of credits is one isolate per outlet, ordered as the Arabic sentence reads.
        (
            "قالت ([Tigris Wire](https://t.example/1), [Al-Rafidain](https://alrafidain.example/1)).",
            f"قالت ({bdi(WIRE)}, {bdi(LINK)}).",
        ),
        # A credit's brackets are the paragraph's: a date before it is a run of its own.
        (
            "المياه في 4 February ([Al-Rafidain](https://alrafidain.example/1)).",
            f"المياه في {bdi('4 February')} ({bdi(LINK)}).",
        ),
        # ... but a link inside a Latin phrase is part of that phrase.
        (
            "وفق according to [Reuters](https://r.example/1) on Monday قال",
            f"وفق {bdi(f'according to {REUTERS} on Monday')} قال",
        ),
        # Brackets opened in a run close in it; one that holds Arabic stays outside.
        (
            "اسم Al-Rafidain (Baghdad) هنا و Al-Rafidain (بغداد) هنا",
            f"اسم {bdi('Al-Rafidain (Baghdad)')} هنا و {bdi('Al-Rafidain')} (بغداد) هنا",
        ),
        # A long run may wrap: no nowrap class.
        (
            "قال the United Nations Office for the Coordination of Humanitarian Affairs أمس",
            "قال "
            + bdi(
                "the United Nations Office for the Coordination of Humanitarian Affairs",
                nowrap=False,
            )
            + " أمس",
        ),
        # Inside a link with Arabic text, the isolate stays inside the link.
        (
            "و [تقرير Reuters](https://r.example/1) هنا",
            f'و <a href="https://r.example/1">تقرير {bdi("Reuters")}</a> هنا',
        ),
        # A run that shares an element with Arabic cannot be isolated whole: left as written.
        ("**مجلس Kirkuk** Council قال", "<strong>مجلس Kirkuk</strong> Council قال"),
        # Text is escaped as before; inline code is never cut.
        ("رمز `x < 1` و A&B هنا", f"رمز {bdi('<code>x &lt; 1</code>')} و {bdi('A&amp;B')} هنا"),
    ],
)
def test_each_left_to_right_run_is_isolated_whole(source, expected):
    assert isolated_html(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "نص \u202eAl-Rafidain\u202c و \u2066Reuters\u2069 و \u200eBBC هنا",  # controls kept
        "نص " + "abc ) " * 5000 + "نص",  # lone brackets (BAD-INPUTS 23: size extremes)
        "نص " + "x" * 50_000 + " نص",  # BAD-INPUTS 36: a 50,000-character word
        "نص " + "*a* " * 2000 + "نص",
    ],
)
def test_hostile_text_stays_well_formed(source):
    html = isolated_html(source)
    assert html.count("<bdi") == html.count("</bdi>")
    # Isolating never changes the text, controls included, nor takes in Arabic.
    assert soup(html).get_text() == soup(MD.renderInline(source)).get_text()
    (paragraph,) = right_to_left(f'<p dir="rtl">{html}</p>')
    assert not [problem for problem in unisolated(paragraph) if "inside" in problem]


def test_runs_are_found_in_the_text_itself():
    text = "مساء 1 شباط (Al-Rafidain)."
    assert [text[a:b] for a, b in runs(text)] == ["1", "Al-Rafidain"]
    assert runs("نص عربي فقط") == []


# --------------------------------------------------------------------------- the edition


@pytest.fixture(scope="module")
def edition():
    return parse_edition(issue_text(), slug=SLUG, sections=SECTIONS, sources=SOURCES)


def test_every_left_to_right_run_of_a_right_to_left_paragraph_is_isolated(edition):
    paragraphs = right_to_left(edition.html)
    assert len(paragraphs) == 2 + len(SWEEP)
    for paragraph in paragraphs:
        assert unisolated(paragraph) == [], paragraph
    # The same isolates in the item's own HTML (issue.json, the section pages).
    arabic = [item for item in edition.sections[0].items if item.language == "ar"]
    assert all(f'<bdi dir="ltr" class="nowrap"><a href="{RAFIDAIN}' in i.html for i in arabic)


def test_left_to_right_paragraphs_are_written_as_before(edition):
    """An English paragraph (and every issue without Arabic) renders byte for byte as
    markdown-it renders it: the goldens of English issues do not change."""
    english = [item for item in edition.sections[0].items if item.language is None]
    assert len(english) == 1
    source = next(
        line for line in FIXTURE.read_text(encoding="utf-8").split("\n\n") if "Kifah" in line
    )
    assert english[0].html == MD.renderInline(source.strip())
    assert "<bdi" not in english[0].html
    english_only = FIXTURE.read_text(encoding="utf-8").split("سجّلت")[0]
    page = parse_edition(english_only, slug=SLUG, sections=SECTIONS, sources=SOURCES).html
    assert "<bdi" not in page


DAILY = """\
Title: Iraq Monitor: February 2024
Period: 2024-02-01 to 2024-02-29
Layout: daily

## {#2024-02-06}

1. **صحة البصرة: ارتفاع الإصابات بالكوليرا إلى 14** ([Al-Rafidain](https://alrafidain.example/news/88312)). أعلنت دائرة الصحة في 6 February ارتفاع الإصابات.
2. **Kirkuk Council Elects Governor** ([Tigris Wire](https://tigriswire.example/2024/02/06/kirkuk)). The council met.
"""


def test_a_daily_items_title_is_read_before_its_runs_are_isolated():
    day = parse_edition(DAILY, slug="2024-02", sections=SECTIONS, sources=SOURCES).days[0]
    arabic, english = day.items
    assert arabic.title == "صحة البصرة: ارتفاع الإصابات بالكوليرا إلى 14"
    assert arabic.html.startswith("<strong>صحة البصرة: ارتفاع الإصابات بالكوليرا إلى ")
    assert bdi("6 February") in arabic.html
    assert english.title == "Kirkuk Council Elects Governor" and "<bdi" not in english.html
    (item,) = right_to_left(day.body_html)
    assert unisolated(item) == []


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture issue built by `digest build` in a project of its own: its output/."""
    conf = make_project(tmp_path_factory.mktemp("bidi") / "site")
    (conf.parent / "content" / "issues" / f"{SLUG}.md").write_text(issue_text(), encoding="utf-8")
    result = run_cli(conf, "build")
    assert result.exit_code == 0, result.output
    return conf.parent / "output"


FEED_HINT = "its <bdi> is gone: the feeds' allow-list (pelican_plugin/feeds.py FEED) must keep bdi"


def test_the_built_page_isolates_every_run(built):
    html = (built / "issues" / SLUG / "index.html").read_text(encoding="utf-8")
    paragraphs = right_to_left(html)
    assert len(paragraphs) == 2 + len(SWEEP)
    for paragraph in paragraphs:
        assert unisolated(paragraph) == [], paragraph


@pytest.mark.parametrize(
    "feed", ["atom.xml", "rss.xml", "sections/economy.atom.xml", "sections/economy.rss.xml"]
)
def test_the_feeds_carry_the_isolates(built, feed):
    root = ElementTree.parse(built / "feeds" / feed).getroot()
    contents = [
        el.text or ""
        for el in root.iter()
        if el.tag.endswith("}content") or el.tag in ("description",)
    ]
    paragraphs = [p for content in contents for p in right_to_left(content)]
    assert paragraphs, f"{feed}: no right-to-left paragraph in its HTML"
    for paragraph in paragraphs:
        assert unisolated(paragraph) == [], f"{feed}: {FEED_HINT}: {paragraph}"


def test_the_json_feed_carries_the_isolates(built):
    feed = json.loads((built / "feeds" / "feed.json").read_text(encoding="utf-8"))
    paragraphs = [p for item in feed["items"] for p in right_to_left(item["content_html"])]
    assert len(paragraphs) == 2 + len(SWEEP)
    for paragraph in paragraphs:
        assert unisolated(paragraph) == [], f"feed.json: {FEED_HINT}: {paragraph}"


# --------------------------------------------------------------------------- the PDF


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} not found: install the Debian package poppler-utils", pytrace=False)
    return found


def pdf_words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of every word poppler reads, page by page in order;
    y grows with the page number so lines of different pages never meet."""
    out = subprocess.run(
        [poppler("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for number, page in enumerate(soup(out).find_all("page")):
        for word in page.find_all("word"):
            x0, y0, x1, y1 = (float(word[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
            words.append((word.get_text(), x0, y0 + 10_000 * number, x1, y1 + 10_000 * number))
    return words


def test_the_pdf_prints_each_outlet_name_whole_with_its_note_after_it(built):
    pdf = built / "issues" / SLUG / f"{SLUG}.pdf"
    text = subprocess.run(
        [poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    cited = issue_text().count("[Al-Rafidain](")
    # Whole: every "Rafidain" is "Al-Rafidain" (not "²Rafidain", not "Al-" … "Rafidain").
    assert text.count("Rafidain") == text.count("Al-Rafidain") == cited + 1  # + sources line
    assert not re.search(r"[\u00b2\u00b3\u00b9\u2070-\u2079\ufffd]", text)

    words = pdf_words(pdf)
    names = [w for w in words if "Rafidain" in w[0]]
    assert all(w[0].strip(".,()") == "Al-Rafidain" for w in names), [w[0] for w in names]
    assert not [w for w in words if w[0].rstrip("(").endswith("Al-") or w[0] == "Rafidain"]

    def touching(name: tuple, side: str) -> list[str]:
        """Digits set against the name's left or right edge on its line: its note."""
        _, x0, y0, x1, y1 = name
        return [
            w[0]
            for w in words
            if w[0].isdigit()
            and w[2] < y1
            and w[4] > y0  # the same line (a superscript sits a little higher)
            and (abs(w[1] - x1) < 3 if side == "right" else abs(w[3] - x0) < 3)
        ]

    # The note reads after the name, left to right, in the Arabic paragraphs too.
    before = [w[0] for w in names if touching(w, "left")]
    after = [w for w in names if touching(w, "right")]
    assert before == [], f"a note printed before the name: {before}"
    assert len(after) == cited


def test_the_pdf_pages_render_for_a_look(built):
    pdf = built / "issues" / SLUG / f"{SLUG}.pdf"
    LOOK.mkdir(parents=True, exist_ok=True)
    for old in LOOK.glob("pdf-*.png"):
        old.unlink()
    subprocess.run(
        [poppler("pdftoppm"), "-r", "80", "-png", str(pdf), str(LOOK / "pdf")], check=True
    )
    pages = sorted(LOOK.glob("pdf-*.png"))
    assert pages and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser(built: Path) -> Iterator[Browser]:
    """Debian's Chromium; the project is built first (Playwright's sync API keeps an event
    loop running in this thread)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    with serve(built) as url:
        yield url


def issue_page(browser: Browser, site: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    # Nothing leaves the loopback server.
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site) else r.abort())
    page = context.new_page()
    page.goto(f"{site}issues/{SLUG}/", wait_until="load")
    page.evaluate("document.fonts.ready")
    return page


# For each link in a right-to-left paragraph: the boxes of the "(" before it, of its text
# and of the ")" after it, each as [left, right, top, bottom] per line it is on.
CREDIT_BOXES = """
(p) => [...p.querySelectorAll('a')].map((a) => {
  const texts = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
  const inside = texts.filter((t) => a.contains(t));
  const before = texts[texts.indexOf(inside[0]) - 1];
  const after = texts[texts.indexOf(inside[inside.length - 1]) + 1];
  const boxes = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return [...range.getClientRects()].map((r) => [r.left, r.right, r.top, r.bottom]);
  };
  const name = document.createRange();
  name.selectNodeContents(a);
  return {
    name: a.textContent,
    open: before ? before.data.slice(-1) : '',
    close: after ? after.data[0] : '',
    openBox: before ? boxes(before, before.data.length - 1, before.data.length) : [],
    nameBox: [...name.getClientRects()].map((r) => [r.left, r.right, r.top, r.bottom]),
    closeBox: after ? boxes(after, 0, 1) : [],
  };
})
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_in_chromium_each_credit_is_one_box_on_one_line(browser, site, width):
    """ "(Al-Rafidain)" as a reader sees it in an Arabic line: one unbroken box, with the
    paragraph's opening bracket on its right and the closing one on its left."""
    page = issue_page(browser, site, width)
    problems = []
    credits = 0
    for paragraph in page.locator('p[dir="rtl"]').all():
        for credit in paragraph.evaluate(CREDIT_BOXES):
            if credit["open"] not in "(," or credit["close"] not in "),":
                continue
            credits += 1
            name, opening, closing = credit["nameBox"], credit["openBox"], credit["closeBox"]
            if len(name) != 1:
                problems.append(f"{credit['name']} broken over {len(name)} lines: {name}")
                continue
            (left, right, top, bottom) = name[0]
            # In a right-to-left line the opening bracket is drawn on the name's right.
            sides = (
                ("opening bracket", credit["open"], opening, 1),
                ("closing bracket", credit["close"], closing, -1),
            )
            for label, char, box, side in sides:
                if char == ",":  # one of several credits: its neighbour is checked instead
                    continue
                if len(box) != 1 or box[0][2] >= bottom or box[0][3] <= top:
                    problems.append(f"{credit['name']}: the {label} is on another line")
                    continue
                gap = box[0][0] - right if side == 1 else left - box[0][1]
                if not -0.5 <= gap <= 1:
                    problems.append(f"{credit['name']}: the {label} is {gap:.1f}px off")
    page.context.close()
    assert credits == len(SWEEP) + 2  # and Al-Rafidain after ", " in a list of two
    assert problems == [], f"at {width}px:\n  " + "\n  ".join(problems)


def isolated_by_hand(text: str) -> str:
    return f'<bdi dir="ltr" style="white-space: nowrap">{text}</bdi>'


def credit(url: str, name: str) -> str:
    return isolated_by_hand(f'<a href="{url}">{name}</a>')


# The fixture's two Arabic paragraphs, isolated by hand: what the built page must look like.
BY_HAND = {
    "الكفاح": (
        f"سجّلت أسعار صرف الدولار في بورصة الكفاح وسط بغداد، مساء {isolated_by_hand('1')} "
        f"شباط، نحو {isolated_by_hand('152')} ألف دينار لكل {isolated_by_hand('100')} دولار، "
        f"مقابل سعر رسمي يبلغ {isolated_by_hand('132')} ألف دينار "
        f"({credit(RAFIDAIN + '88266', 'Al-Rafidain')})."
    ),
    "كركوك": (
        f"انتخب مجلس محافظة كركوك في {isolated_by_hand('4 February 2024')} محافظاً جديداً، "
        f"وقال عضو في {isolated_by_hand('the <strong>Kirkuk</strong> council')} إن "
        f"{isolated_by_hand('9')} من أصل {isolated_by_hand('16')} عضواً صوتوا له، ويمكن "
        f"الاتصال بالمكتب على {isolated_by_hand('+964 770 123 4567')} "
        f"({credit(TIGRIS, 'Tigris Wire')}, {credit(RAFIDAIN + '88320', 'Al-Rafidain')})."
    ),
}


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("word", BY_HAND)
def test_in_chromium_the_paragraph_looks_as_isolated_by_hand(browser, site, width, word):
    """The built paragraph, screenshot, then the same paragraph with the isolation written
    by hand put in its place and screenshot again: the pixels must match."""
    page = issue_page(browser, site, width)
    paragraph = page.locator('p[dir="rtl"]', has_text=word)
    built_png = paragraph.screenshot()
    paragraph.evaluate("(p, html) => { p.innerHTML = html; }", BY_HAND[word])
    hand_png = paragraph.screenshot()
    page.context.close()
    LOOK.mkdir(parents=True, exist_ok=True)
    name = f"site-{width}-{list(BY_HAND).index(word) + 1}"
    (LOOK / f"{name}.png").write_bytes(built_png)
    (LOOK / f"{name}-by-hand.png").write_bytes(hand_png)
    # The same pixels make the same PNG bytes: one encoder, one run.
    assert built_png == hand_png, (
        f"at {width}px the built paragraph differs from the one isolated by hand: compare "
        f"{LOOK.relative_to(ROOT)}/{name}.png and {name}-by-hand.png"
    )


# --------------------------------------------------------------------------- the email


def test_the_html_email_isolates_every_run(built):
    html = (built / "email" / f"{SLUG}.html").read_text(encoding="utf-8")
    paragraphs = right_to_left(html)
    assert len(paragraphs) == 2 + len(SWEEP)
    for paragraph in paragraphs:
        assert unisolated(paragraph) == [], paragraph
    # Inlined for the clients that drop a <style> block: isolation and no line break.
    first = soup(html).select_one("bdi.nowrap")
    assert first is not None and "white-space: nowrap" in str(first.get("style"))


class Fribidi:
    """GNU FriBidi, the bidi algorithm of terminals (VTE) and of WeasyPrint's Pango."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("fribidi") or "libfribidi.so.0"
        try:
            self.lib = ctypes.CDLL(name)
        except OSError:
            pytest.fail("libfribidi not found: install the Debian package libfribidi0")
        chars = ctypes.POINTER(ctypes.c_uint32)
        self.lib.fribidi_log2vis.argtypes = [
            chars, ctypes.c_int, ctypes.POINTER(ctypes.c_uint32), chars,
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.lib.fribidi_log2vis.restype = ctypes.c_int

    def visual(self, line: str) -> str:
        """The line as a screen shows it, left to right, its paragraph direction found
        from its first strong letter; bidi controls dropped."""
        size = len(line)
        logical = (ctypes.c_uint32 * size)(*map(ord, line))
        shown = (ctypes.c_uint32 * size)()
        direction = ctypes.c_uint32(0x40)  # FRIBIDI_PAR_ON: from the text
        done = self.lib.fribidi_log2vis(
            logical, size, ctypes.byref(direction), shown, None, None, None
        )
        assert done, f"fribidi could not read {line!r}"
        return "".join(chr(c) for c in shown if unicodedata.category(chr(c)) != "Cf")


def test_the_text_email_keeps_each_run_in_order_for_a_bidi_reader(built):
    text = (built / "email" / f"{SLUG}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    # The lines of right-to-left paragraphs: with Arabic letters, or a credit wrapped alone.
    arabic = [
        line
        for line in lines
        if re.search(r"[\u0600-\u06ff]", line) or line.lstrip(" ").startswith(RLM)
    ]
    assert arabic
    for line in arabic:
        # Each line of a right-to-left paragraph says so, and no isolate spans two lines.
        assert line.lstrip(" ").startswith(RLM), repr(line)
        depth = 0
        for char in line:
            depth += char in (LRI, RLI, FSI)
            depth -= char == PDI
            assert depth >= 0, repr(line)
        assert depth == 0, repr(line)
    # In logical order, the credit is one isolate with its link number.
    body = "\n".join(arabic)
    credits = re.findall(rf"\({LRI}Al-Rafidain \[\d+\]{PDI}\)\.", body)
    assert len(credits) == len(SWEEP) + 1
    assert f"{LRI}4 February 2024{PDI}" in body and f"{LRI}+964 770 123 4567{PDI}" in body
    assert f"({LRI}Tigris Wire [" in body

    fribidi = Fribidi()
    shown = [fribidi.visual(line) for line in arabic]
    seen = "\n".join(shown)
    assert len(re.findall(r"\.\(Al-Rafidain \[\d+\]\)", seen)) == len(SWEEP) + 1, seen
    for run in ("4 February 2024", "+964 770 123 4567", "the Kirkuk council"):
        assert run in seen, f"{run!r} not shown in order:\n{seen}"
    # The credits read as the Arabic sentence orders them: Tigris Wire first, at the right.
    assert re.search(r"\(Al-Rafidain \[\d+\] ,Tigris Wire \[\d+\]\)", seen), seen


def test_each_character_has_the_kind_of_its_bidi_class_and_a_mark_its_base_s():
    from digest.render.bidi import kinds

    letters = {"L": "L", "R": "R", "AL": "R", "AN": "R", "EN": "N", "ES": "e", "ET": "t"}
    letters |= {"CS": "c", "WS": "s", "S": "s", "B": "x"}
    letters |= dict.fromkeys(("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"), "x")
    text = "".join(map(chr, range(0x30000)))
    got = kinds(text)
    assert len(got) == len(text)
    for at, char in enumerate(text):
        bidi = unicodedata.bidirectional(char)
        if bidi == "NSM":
            assert got[at] == (got[at - 1] if at else "o"), hex(ord(char))
        else:
            want = "o" if char == "\u200e" else letters.get(bidi, "o")
            assert got[at] == want, hex(ord(char))
    assert kinds("\u0651x\u0651") == "oLL"  # a mark with no base before it: a neutral
    assert kinds("قال \u200e 4") == "RRRsosN"
