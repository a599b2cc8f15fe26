"""The PDF's finish (issue 23): tables at a page break, a full first page, headings kept
with their text, and fonts: every character printed with a bundled font that has it, or
named in a build warning and left out, never a box; no font of the build machine's.

Pages are read with poppler's tools (pdftotext per page, pdffonts; Debian's poppler-utils,
which .ci/run installs). The machine's own fonts are faked (a font made here, a fontconfig
file naming it), so the check holds with or without fonts installed. The sample's pages
are rendered to PNG in .cache/test-output/pdf-finish/ for a human look.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from digest.publish.pdf import glyphs, workers
from digest.publish.pdf import jobs as pdf
from tests.conftest import ROOT, run_cli

FONTS = ROOT / "themes" / "digest" / "static" / "fonts"
LOOK = ROOT / ".cache" / "test-output" / "pdf-finish"
BUNDLED = {  # families as pdffonts names them
    "Source-Serif-4",
    "Source-Sans-3",
    "Source-Code-Pro",
    "Noto-Naskh-Arabic",
    "Noto-Sans-KR",
    "Noto-Sans-Symbols-2",
}
KOREAN = "이라크 주간 모니터: 정치, 안보, 인도주의와 경제 소식"  # 31 letters that were boxes
HAN = "中国电力建设集团"
ROCKET = "\U0001f680"
PLACES = 40  # incident rows in the edited issue: more than a page holds


def pdftotext(pdf_path: Path, page: int | None = None) -> str:
    pick = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pick, str(pdf_path), "-"], capture_output=True, text=True
    )
    assert done.returncode == 0, f"pdftotext failed ({done.stderr}): install poppler-utils"
    return done.stdout


def pages_of(pdf_path: Path) -> list[str]:
    return pdftotext(pdf_path).split("\f")[:-1]


def body_lines(page: str) -> list[str]:
    """A page's lines without its running head and its "Page N of M"."""
    lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
    return [
        line
        for line in lines
        if not re.fullmatch(r"Page \d+ of \d+", line)
        and line != "Iraq Weekly Monitor"
        and not line.startswith(("Issue ", "Daily digest"))
    ]


def font_families(pdf_path: Path) -> set[str]:
    done = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True)
    assert done.returncode == 0, f"pdffonts failed ({done.stderr}): install poppler-utils"
    names = [row.split()[0] for row in done.stdout.splitlines()[2:]]
    # "ABCDEF+Source-Serif-4-Bold" (a subset of the face) -> "Source-Serif-4"
    return {re.sub(r"-(Bold|Italic|Regular)$", "", n.split("+")[-1].rstrip(",")) for n in names}


def covered() -> frozenset[int]:
    found: set[int] = set()
    for path in sorted(FONTS.glob("*.ttf")):
        found.update(TTFont(path, lazy=True).getBestCmap())
    return frozenset(found)


def reach(pdf_path: Path) -> list[float]:
    """How far down each page its text reaches (0 top, 1 bottom), page footer aside."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    xhtml = "{http://www.w3.org/1999/xhtml}"
    found = []
    for page in root.iter(f"{xhtml}page"):
        height = float(page.get("height"))
        bottoms = [float(word.get("yMax")) for word in page.iter(f"{xhtml}word")]
        body = [y for y in bottoms if y < height - 70]  # the footer sits in the margin
        found.append(max(body) / height if body else 0.0)
    return found


def headings(page: Path) -> set[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = soup.select("h1, h2, h3, h4, caption, .section-label, .takeaway-headline")
    return {" ".join(tag.get_text().split()) for tag in found}


# --------------------------------------------------------------------------- the sample


def edit_issue(path: Path) -> None:
    """A Korean title, a company name in Chinese and an emoji, and an incident table
    longer than a page."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^Title: .*$", f"Title: {KOREAN}", text, count=1, flags=re.MULTILINE)
    text = text.replace(
        "On February 3, the Diyala",
        f"On February 3, PowerChina ({HAN}) {ROCKET} said the Diyala",
        1,
    )
    rows = [line for line in text.splitlines() if line.startswith("| 2024-")]
    assert rows, "the sample's issue has no incident table"
    many = "\n".join(
        f"| 2024-02-0{n % 7 + 2} | Place {n:02d}, Diyala | {n % 3} | {n % 4} |"
        for n in range(1, PLACES + 1)
    )
    text = text.replace("\n".join(rows), many)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def finished(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample with its daily digest too, and issue 2024-02-08 edited (edit_issue),
    built; returns the site and what the build printed."""
    site = tmp_path_factory.mktemp("finish") / "site"
    shutil.copytree(sample_site, site)
    conf = site / "pelican.conf.py"
    drafted = run_cli(conf, "draft", "--layout", "daily", "--month", "2024-02")
    assert drafted.exit_code == 0, drafted.output
    edit_issue(site / "content" / "issues" / "2024-02-08.md")
    built = run_cli(conf, "build")
    assert built.exit_code == 0, built.output
    return site, built.output


def issue_pdf(site: Path, slug: str) -> Path:
    return site / "output" / "issues" / slug / f"{slug}.pdf"


def test_the_sample_pages_render_to_png_for_a_look(finished):
    site, _ = finished
    LOOK.mkdir(parents=True, exist_ok=True)
    for slug in ("2024-02-01", "2024-02-08", "2024-02"):
        out = LOOK / slug
        subprocess.run(["pdftoppm", "-r", "60", "-png", issue_pdf(site, slug), out], check=True)
        assert len(list(LOOK.glob(f"{slug}-*.png"))) >= 3


@pytest.mark.parametrize("slug", ["2024-02-01", "2024-02-08", "2024-02"])
def test_the_issue_starts_on_page_one_and_no_page_but_the_last_is_mostly_empty(finished, slug):
    # The first section (the first day) used to open a fresh page after the takeaways
    # (the contents), leaving page 1 or 2 a third to two thirds empty.
    site, _ = finished
    reaches = reach(issue_pdf(site, slug))
    assert len(reaches) >= 3
    assert all(depth > 0.75 for depth in reaches[:-1]), [round(d, 2) for d in reaches]
    first = pages_of(issue_pdf(site, slug))[0]
    soup = BeautifulSoup(
        (site / "output" / "issues" / slug / "index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    opening = soup.select_one(".key-takeaways li, .digest-day h2")
    assert opening is not None
    words = " ".join(opening.get_text().split()).split()[:5]
    assert " ".join(words) in " ".join(first.split())


@pytest.mark.parametrize("slug", ["2024-02-01", "2024-02-08", "2024-02"])
def test_no_page_ends_with_a_heading(finished, slug):
    site, _ = finished
    titles = headings(site / "output" / "issues" / slug / "index.html")
    for number, page in enumerate(pages_of(issue_pdf(site, slug))[:-1], start=1):
        last = body_lines(page)[-1]
        assert not any(title.endswith(last) for title in titles), (number, last)


def test_a_table_longer_than_a_page_keeps_three_rows_on_each_side(finished):
    site, _ = finished
    pages = pages_of(issue_pdf(site, "2024-02-08"))
    rows = [len(re.findall(r"Place \d\d, Diyala", page)) for page in pages]
    spans = [(i, count) for i, count in enumerate(rows) if count]
    assert sum(rows) == PLACES and len(spans) >= 2, rows  # it crosses a page break
    assert all(count >= 3 for _, count in spans), rows
    for index, _ in spans[:-1]:  # a page the table leaves: it ends with a row
        assert re.search(r"Place \d\d, Diyala|^\d+$", "\n".join(body_lines(pages[index])[-4:]))
        assert body_lines(pages[index])[-1] not in ("Security incidents", "Injuries")


def test_only_bundled_fonts_reach_the_pdf(finished):
    # The build machine has DejaVu (fonts-dejavu-core): the PDF used it for letters the
    # bundled fonts lacked and for the CSS's "DejaVu Sans".
    site, _ = finished
    for slug in ("2024-02-01", "2024-02-08", "2024-02"):
        families = font_families(issue_pdf(site, slug))
        assert families <= BUNDLED, families
    assert "Noto-Sans-KR" in font_families(issue_pdf(site, "2024-02-08"))


def test_a_korean_title_prints_in_hangul_and_nothing_prints_as_a_box(finished):
    site, output = finished
    first = " ".join(pages_of(issue_pdf(site, "2024-02-08"))[0].split())
    assert KOREAN in first
    # WeasyPrint says so when it draws a glyph the font lacks (an empty box).
    assert ".notdef" not in output
    # Every character printed is one a bundled font has (and only those are used).
    have = covered()
    for slug in ("2024-02-01", "2024-02-08", "2024-02"):
        text = pdftotext(issue_pdf(site, slug))
        lacking = {c for c in text if glyphs.needs_glyph(c) and ord(c) not in have}
        assert not lacking, (slug, sorted(lacking))


def test_characters_no_font_has_are_named_in_a_warning_and_a_note_stands_in(finished):
    site, output = finished
    assert (
        f"warning: 2024-02-08: PDF: cannot print 8 characters of Han (“{HAN}”) and 1 symbol "
        f"(“{ROCKET}”), which no bundled font has: printed as [Han text] and [symbol] "
        "instead; add a font that has them to the theme's static/fonts/ and print.css"
    ) in output
    text = " ".join(pdftotext(issue_pdf(site, "2024-02-08")).split())
    assert "On February 3, PowerChina ([Han text]) [symbol] said the Diyala" in text
    assert HAN[0] not in text and ROCKET not in text
    assert output.count("cannot print") == 1  # the other issues print whole
    # `digest pdf` says it too when it makes that PDF again.
    issue_pdf(site, "2024-02-08").unlink()
    again = run_cli(site / "pelican.conf.py", "pdf", "2024-02-08")
    assert again.exit_code == 0, again.output
    assert again.output.count("warning: 2024-02-08: PDF: cannot print 8 characters of Han") == 1


# --------------------------------------------------------------------------- page breaks


def table_pages(site: Path, tmp_path: Path) -> list[pdf.PdfJob]:
    """Pages with the sample's incident table (its markup as built) of 12 rows after 20
    to 45 lines of text: the page break falls before, within and after the table."""
    built = site / "output" / "issues" / "2024-02-01" / "index.html"
    soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
    wrap = soup.select_one("div.table-wrap")
    body = wrap.select_one("tbody")
    template = copy.copy(body.select_one("tr"))
    body.clear()
    for n in range(1, 13):
        row = copy.copy(template)
        row.select("td")[1].string = f"Place {n:02d}, Diyala"
        body.append(row)
    output = tmp_path / "output"
    shutil.copytree(site / "output" / "theme", output / "theme")
    made = []
    for lines in range(20, 46):
        slug = f"table-{lines}"
        folder = output / "issues" / slug
        folder.mkdir(parents=True)
        text = "<br>".join(f"Line {n}" for n in range(1, lines + 1))
        (folder / "index.html").write_text(
            f'<!DOCTYPE html><html lang="en">{soup.head}<body><main class="site-main">'
            f"<h1>A table after {lines} lines</h1><p>{text}</p>{wrap}</main></body></html>",
            encoding="utf-8",
        )
        made.append(pdf.PdfJob(slug, folder / "index.html", folder / f"{slug}.pdf"))
    return made


def test_a_table_at_a_page_break_keeps_three_rows_on_each_side_and_its_header(
    sample_site, tmp_path
):
    # WeasyPrint left one or two rows under the repeated header (or above the break).
    jobs = table_pages(sample_site, tmp_path)
    report = pdf.make_pdfs(
        jobs,
        page_size="A4",
        output=tmp_path / "output",
        theme=ROOT / "themes" / "digest",
        site_url="",
        created=None,
        limits=workers.Limits(seconds=60, memory_mb=2000, workers=2),
    )
    assert report.problems == [] and len(report.rendered) == len(jobs)
    split = 0
    for job in jobs:
        pages = pages_of(job.target)
        rows = [len(re.findall(r"Place \d\d, Diyala", page)) for page in pages]
        assert sum(rows) == 12, (job.slug, rows)
        assert all(count == 0 or count >= 3 for count in rows), (job.slug, rows)
        split += sum(1 for count in rows if count) > 1
        for page, count in zip(pages, rows, strict=True):
            if count == 0:  # the table starts on the next page: not its caption or header
                last = body_lines(page)[-1]
                assert last.startswith("Line "), (job.slug, last)
    assert split >= 8  # the sweep did put page breaks inside the table


# --------------------------------------------------------------------------- fonts


def fake_font(folder: Path, family: str) -> None:
    """A font installed on "the build machine": boxes for Latin letters and 中."""
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz中"
    names = [".notdef", *(f"g{ord(c)}" for c in chars)]
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 700))
    pen.lineTo((550, 700))
    pen.lineTo((550, 0))
    pen.closePath()
    box = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c)}" for c in chars})
    builder.setupGlyf({name: box for name in names})
    builder.setupHorizontalMetrics({name: (600, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(folder / "fake.ttf")


def test_the_machines_fonts_never_reach_the_pdf(sample_site, tmp_path, monkeypatch):
    # A page that asks for a font the machine has, by name and as the generic family:
    # the PDF is the same as on a machine without it.
    output = tmp_path / "output"
    shutil.copytree(sample_site / "output" / "theme", output / "theme")
    folder = output / "issues" / "fonts"
    folder.mkdir(parents=True)
    head = '<link rel="stylesheet" href="../../theme/css/print.css" media="print">'
    (folder / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fonts</title>{head}'
        "</head><body><p style=\"font-family: 'Machine Face'\">Asked by name.</p>"
        '<p style="font-family: serif">A generic family.</p>'
        # Never printed (the previous issue's title, say): no part of what it cannot print.
        f'<!--digest:screen-only--><a href="../x/">{HAN}</a><!--/digest:screen-only-->'
        "</body></html>",
        encoding="utf-8",
    )
    job = pdf.PdfJob("fonts", folder / "index.html", folder / "fonts.pdf")

    def render() -> bytes:
        job.target.unlink(missing_ok=True)
        (folder / pdf.CACHE_NAME).unlink(missing_ok=True)
        report = pdf.make_pdfs(
            [job],
            page_size="A4",
            output=output,
            theme=ROOT / "themes" / "digest",
            site_url="",
            created=None,
            limits=workers.Limits(seconds=60, memory_mb=2000, workers=1),
        )
        assert report.rendered == ["fonts"], report.problems
        assert report.warnings == []
        return job.target.read_bytes()

    plain = render()
    machine = tmp_path / "machine"
    machine.mkdir()
    fake_font(machine, "Machine Face")
    conf = machine / "fonts.conf"
    conf.write_text(
        f"<fontconfig><dir>{machine}</dir><dir>/usr/share/fonts</dir>"
        f"<cachedir>{machine / 'cache'}</cachedir>"
        "<alias><family>serif</family><prefer><family>Machine Face</family></prefer></alias>"
        "</fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))  # the workers inherit it
    assert render() == plain
    families = font_families(job.target)
    assert families <= BUNDLED, families
    assert "Asked by name. A generic family." in " ".join(pdftotext(job.target).split())


def test_a_theme_without_fonts_is_named_and_no_pdf_is_made(tmp_path):
    output = tmp_path / "output"
    folder = output / "issues" / "bare"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><p>Text.</p>", encoding="utf-8")
    job = pdf.PdfJob("bare", folder / "index.html", folder / "bare.pdf")
    empty = tmp_path / "theme"
    (empty / "static" / "fonts").mkdir(parents=True)
    report = pdf.make_pdfs(
        [job],
        page_size="A4",
        output=output,
        theme=empty,
        site_url="",
        created=None,
        limits=workers.Limits(seconds=60, memory_mb=2000, workers=1),
    )
    assert report.problems == [
        f"bare: could not make the PDF: could not start: PDF: no fonts in "
        f"{empty / 'static' / 'fonts'}: the theme's static/fonts/ must hold the fonts the PDF "
        "prints with (.ttf or .otf); the issue is published without one"
    ]
    assert not job.target.exists()


# --------------------------------------------------------------------------- glyphs


def test_a_run_of_unprintable_letters_becomes_one_note():
    have = frozenset(range(0x20, 0x250))  # Latin
    tally = glyphs.Tally(have)
    assert tally.printable("Minister नई दिल्ली में said") == "Minister [Devanagari text] said"
    assert tally.printable("PowerChina (中国电建), a firm") == "PowerChina ([Han text]), a firm"
    assert tally.printable("Hi 👩\u200d💻!") == "Hi [symbol]!"  # one emoji of three code points
    assert tally.printable("Plain text stays.") == "Plain text stays."
    assert tally.missing() == (
        glyphs.Missing("Devanagari", 11, "नई दिल्ली में"),
        glyphs.Missing("Han", 4, "中国电建"),
        glyphs.Missing("symbol", 2, "👩\u200d💻"),
    )


def test_marks_joiners_and_direction_controls_need_no_font():
    have = frozenset(range(0x20, 0x250)) | {0x2764}
    tally = glyphs.Tally(have)
    # U+2066..2069 isolate an outlet's name in right-to-left text; U+FE0F asks for the
    # emoji form of a heart the fonts have; U+00AD is a soft hyphen.
    text = "\u2066Al-Rafidain\u2069 \u2764\ufe0f co\u00adoperation"
    assert tally.printable(text) == text
    assert tally.missing() == ()
    assert all(not glyphs.needs_glyph(c) for c in "\u200d\u200c\u2066\u2069\ufe0f\u00a0 ")
    assert unicodedata.category("\u0301") == "Mn" and glyphs.needs_glyph("\u0301")


def test_the_warning_names_each_script_and_its_note():
    line = glyphs.warning(
        "2024-02-08",
        [glyphs.Missing("Hangul", 31, "한국어 제목"), glyphs.Missing("symbol", 1, ROCKET)],
    )
    assert line == (
        f"2024-02-08: PDF: cannot print 31 characters of Hangul (“한국어 제목”) and 1 symbol "
        f"(“{ROCKET}”), which no bundled font has: printed as [Hangul text] and [symbol] "
        "instead; add a font that has them to the theme's static/fonts/ and print.css"
    )


def test_the_bundled_fonts_cover_latin_arabic_kurdish_korean_and_common_symbols():
    have = covered()
    text = "Šđčćž ệ Ωλ Жд عربي کوردی ڕێگە ڵ 한국어 가나다 ひらがな カタカナ → ✓ ★ € №"
    assert {c for c in text if glyphs.needs_glyph(c) and ord(c) not in have} == set()
    assert ord(HAN[0]) not in have  # Han is left out on purpose (fetch_fonts.py says why)
    for path in FONTS.glob("*.ttf"):
        licence = FONTS / (re.sub(r"-\d00-(normal|italic)$", "", path.stem) + "-OFL.txt")
        assert "SIL Open Font License" in licence.read_text(encoding="utf-8"), path.name
