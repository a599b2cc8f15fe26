"""The site's type and its Key Takeaways on a phone, in a real browser.

- Fonts: screen.css loads the bundled faces (Source Serif 4, Source Sans 3, Noto Naskh
  Arabic) as WOFF2 made from the TrueType files the PDF prints with, so a reader on Linux no
  longer gets DejaVu. Debian's Chromium (driven by Playwright, the site served on 127.0.0.1)
  says which font drew each element: DevTools' CSS.getPlatformFontsForNode.
- Key Takeaways: on a 390 px screen each bullet shows its headline and lead sentence, the
  rest behind "more…" (the section); wide screens, print and the PDF show it whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT
from tests.support.site_tools import CHROMIUM_ARGS, ToolError, find_chromium, serve

FONTS = ROOT / "themes" / "digest" / "static" / "fonts"
SCREEN_CSS = ROOT / "themes" / "digest" / "static" / "css" / "screen.css"
WEB_FACES = ("source-serif-4", "source-sans-3", "noto-naskh-arabic")
CSS_FAMILIES = ("Source Serif 4", "Source Sans 3", "Noto Naskh Arabic")  # screen.css's names
SLUG = "2024-02-08"
PHONE = {"width": 390, "height": 844}  # an iPhone 12-15's viewport
DESKTOP = {"width": 1280, "height": 800}
LOOK = ROOT / ".cache" / "test-output" / "site-fonts"  # screenshots, for a person to look at
FACE = re.compile(r"@font-face\s*{([^}]*)}")
ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF))


def family(stem: str) -> str:
    """The family name inside a bundled file, which is what DevTools reports: "Source Sans 3
    ExtraLight" for Source Sans 3's regular and bold (the name Fontsource's files carry)."""
    ttf = next(FONTS.glob(f"{stem}-400-normal.ttf"))
    return TTFont(ttf)["name"].getDebugName(1)


def faces() -> list[dict[str, str]]:
    found = []
    for body in FACE.findall(SCREEN_CSS.read_text(encoding="utf-8")):
        declarations = (d.split(":", 1) for d in body.split(";") if ":" in d)
        found.append({k.strip(): " ".join(v.split()) for k, v in declarations})
    return found


def code_points(unicode_range: str) -> set[int]:
    points: set[int] = set()
    for part in unicode_range.split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(start, 16), int(end or start, 16) + 1))
    return points


# --------------------------------------------------------------------------- the files


def test_every_web_face_has_a_woff2_made_from_its_truetype_file():
    ttfs = sorted(p for stem in WEB_FACES for p in FONTS.glob(f"{stem}-*.ttf"))
    assert len(ttfs) == 7
    for ttf in ttfs:
        woff2 = TTFont(ttf.with_suffix(".woff2"))
        truetype = TTFont(ttf)
        assert woff2.flavor == "woff2", woff2
        # Made from this very file (`invoke fonts` writes both): a stale WOFF2 differs.
        assert woff2.getGlyphOrder() == truetype.getGlyphOrder(), ttf.name
        assert woff2.getBestCmap() == truetype.getBestCmap(), ttf.name
        assert woff2["head"].fontRevision == truetype["head"].fontRevision


def test_screen_css_declares_each_face_as_woff2_first_with_swap():
    declared = faces()
    files = sorted(p.name for stem in WEB_FACES for p in FONTS.glob(f"{stem}-*.woff2"))
    assert sorted(re.search(r"fonts/([\w-]+\.woff2)", f["src"]).group(1) for f in declared) == (
        files
    )
    for face in declared:
        assert face["font-display"] == "swap"
        woff2, ttf = re.findall(r'url\("\.\./fonts/([\w.-]+)"\) format\("(\w+)"\)', face["src"])
        assert (woff2[1], ttf[1]) == ("woff2", "truetype")
        assert ttf[0] == woff2[0].replace(".woff2", ".ttf")


def test_the_arabic_face_covers_its_letters_and_only_them():
    arabic = [f for f in faces() if f["font-family"] == '"Noto Naskh Arabic"']
    assert len(arabic) == 2
    for face in arabic:
        declared = code_points(face["unicode-range"])
        font = set(TTFont(FONTS / "noto-naskh-arabic-400-normal.ttf").getBestCmap())
        letters = {c for c in font for lo, hi in ARABIC_BLOCKS if lo <= c <= hi}
        assert letters and letters <= declared
        assert not declared & set(range(0x0000, 0x0250))  # Latin never fetches it


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def site(sample_site: Path) -> Iterator[str]:
    with serve(sample_site / "output") as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Browser]:
    try:
        chromium = find_chromium()
    except ToolError as exc:
        pytest.fail(str(exc), pytrace=False)  # not a skip: it says which package to install
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser: Browser, url: str, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    """The page, loaded with its fonts, and the font files it fetched."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda r: fetched.append(r.url) if "/fonts/" in r.url else None)
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, fetched


def used_fonts(page: Page, selector: str) -> dict[str, int]:
    """Family -> glyphs drawn, for the first element `selector` finds (DevTools' answer)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on the page"
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts if f["isCustomFont"]} | {
        f"system: {f['familyName']}": f["glyphCount"] for f in fonts if not f["isCustomFont"]
    }


def test_text_is_drawn_with_the_bundled_faces_not_the_systems(browser, site):
    page, fetched = open_page(browser, f"{site}/issues/{SLUG}/", DESKTOP)
    serif, sans, naskh = (family(stem) for stem in WEB_FACES)
    body = used_fonts(page, "section.digest-section p[dir='auto']:not([lang='ar'])")
    assert list(body) == [serif], body
    assert list(used_fonts(page, "h1.issue-title")) == [serif]
    assert list(used_fonts(page, "p.sources-cited")) == [sans]
    # Arabic letters in Noto Naskh; the spaces, digits and Latin names among them in Serif.
    arabic = used_fonts(page, "p[lang='ar']")
    assert set(arabic) <= {naskh, serif} and arabic[naskh] > 50, arabic
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert set(CSS_FAMILIES) <= {name.strip('"') for name in loaded}
    names = {url.rsplit("/", 1)[1] for url in fetched}
    assert names and all(name.endswith(".woff2") for name in names), names
    page.context.close()


def test_a_page_without_arabic_does_not_fetch_the_arabic_face(browser, site):
    page, fetched = open_page(browser, f"{site}/archives/", DESKTOP)
    assert fetched and not [url for url in fetched if "arabic" in url], fetched
    page.context.close()


# --------------------------------------------------------------------------- Key Takeaways


def box_height(page: Page) -> float:
    return page.locator("nav.key-takeaways-box").bounding_box()["height"]


def test_on_a_phone_each_takeaway_shows_its_headline_and_lead_sentence(browser, site):
    page, _ = open_page(browser, f"{site}/issues/{SLUG}/", PHONE)
    LOOK.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=LOOK / "issue-390.png")
    compact = box_height(page)
    bullets = page.locator("ul.key-takeaways > li")
    assert bullets.count() >= 4
    for i in range(bullets.count()):
        bullet = bullets.nth(i)
        more = bullet.locator("a.more[href^='#']")
        assert more.is_visible() and more.inner_text() == "more…"
        rest = bullet.locator(".takeaway-rest")
        assert rest.count() == 1 and not rest.is_visible()  # every sample takeaway is long
        shown = " ".join(bullet.inner_text().split())  # what is rendered, not what is hidden
        headline = " ".join(bullet.locator(".takeaway-headline").inner_text().split())
        assert shown.startswith(f"{headline} – "), shown
        assert re.search(r"[.!?؟][\"”’)]? more…$", shown), shown
        assert " ".join(rest.text_content().split()) not in shown
    # The same bullets whole, as a wide screen or paper shows them.
    page.add_style_tag(content=".takeaway-rest { display: inline !important; }")
    whole = box_height(page)
    print(f"Key Takeaways at 390 px: {compact:.0f} px, {whole:.0f} px whole")
    assert compact < 0.35 * whole
    assert compact < 1.25 * PHONE["height"], f"{compact:.0f} px: still more than a screen"
    page.context.close()


def test_wide_screens_and_print_show_every_takeaway_whole(browser, site):
    for viewport, media in ((DESKTOP, "screen"), (PHONE, "print")):
        page, _ = open_page(browser, f"{site}/issues/{SLUG}/", viewport)
        page.emulate_media(media=media)  # a phone printing the page gets print.css alone
        if media == "screen":
            LOOK.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=LOOK / "issue-1280.png")
        rests = page.locator("ul.key-takeaways .takeaway-rest")
        assert rests.count() >= 4
        assert all(rests.nth(i).is_visible() for i in range(rests.count())), media
        page.context.close()


def test_the_pdf_prints_every_takeaway_whole(sample_site):
    page = sample_site / "output" / "issues" / SLUG / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    rests = [" ".join(r.get_text().split()) for r in soup.select("ul.key-takeaways .takeaway-rest")]
    assert rests
    reader = pypdf.PdfReader(page.with_name(f"{SLUG}.pdf"))
    printed = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    for rest in rests:
        assert re.sub(r"\s+", "", rest) in printed, rest[:80]
