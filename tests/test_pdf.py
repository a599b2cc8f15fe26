"""The issue PDF: layout, metadata, accessibility, safety, incremental rendering.

The sample's PDFs are read with pypdf and poppler's tools. Pages 1 and the first incident
table page are rendered to PNG in .cache/test-output/pdf/ for a human look.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from pypdf.generic import IndirectObject, NameObject

from digest import config
from digest.commands.pdf import issue_pdf_jobs, make_pdfs
from digest.errors import RenderError
from digest.publish.pdf import jobs as pdf
from tests.conftest import FROZEN, ROOT, SAMPLE_EPOCH, run_cli
from tests.support.http_server import LocalServer

WEEKS = ("2024-02-01", "2024-02-08")
LOOK = ROOT / ".cache" / "test-output" / "pdf"
A4 = (595, 842)  # points, rounded
LETTER = (612, 792)


def page_soup(site: Path, slug: str) -> BeautifulSoup:
    html = (site / "output" / "issues" / slug / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [squeeze(page.extract_text() or "") for page in reader.pages]


def size(page: pypdf.PageObject) -> tuple[int, int]:
    box = page.mediabox
    return round(float(box.width)), round(float(box.height))


def every_name(reader: pypdf.PdfReader) -> set[str]:
    """Every dictionary key and name value reachable from the trailer."""
    seen: set[tuple[int, int]] = set()
    names: set[str] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, dict):
            names.update(str(key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, NameObject):
            names.add(str(item))
    return names


@pytest.fixture(scope="module")
def site(sample_site: Path) -> Path:
    return sample_site


@pytest.fixture(scope="module", params=WEEKS)
def week(request: pytest.FixtureRequest, site: Path) -> tuple[str, pypdf.PdfReader]:
    slug = request.param
    return slug, pypdf.PdfReader(site / "output" / "issues" / slug / f"{slug}.pdf")


def test_a4_pages_with_a_title_block_running_heads_and_page_numbers(site, week):
    slug, reader = week
    pages = page_texts(reader)
    assert len(pages) >= 3
    assert all(size(page) == A4 for page in reader.pages)
    soup = page_soup(site, slug)
    title = squeeze(soup.select_one("h1.issue-title").get_text())
    meta = squeeze(soup.select_one("p.issue-meta").get_text())  # "Issue 2 · February 2 – 8"
    assert "IRAQ WEEKLY MONITOR" in pages[0]  # the masthead
    assert title in pages[0] and meta in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:  # the running head: publication and issue line
            assert "Iraq Weekly Monitor" in text and meta in text


def test_the_text_holds_every_section_takeaway_source_and_link_address(site, week):
    slug, reader = week
    text = " ".join(page_texts(reader))
    soup = page_soup(site, slug)
    sections = soup.select("section.digest-section")
    assert sections
    for section in sections:
        assert squeeze(section.h2.get_text()) in text
        cited = squeeze(section.select_one("p.sources-cited").get_text())
        for source in cited.split(": ", 1)[1].rstrip(".").split(", "):
            assert source in text
    takeaways = soup.select("ul.key-takeaways strong.takeaway-headline")
    assert takeaways
    for takeaway in takeaways:
        assert squeeze(takeaway.get_text()) in text
    # Link addresses are printed as endnotes, broken anywhere to fit the column.
    unbroken = re.sub(r"\s+", "", text)
    links = {a["href"] for a in soup.select("section.digest-section a[href^=http]")}
    assert links
    assert all(link in unbroken for link in links)


def test_the_takeaways_link_to_their_sections_and_print_their_page_numbers(site, week):
    slug, reader = week
    pages = page_texts(reader)
    soup = page_soup(site, slug)
    keys = [a["href"][1:] for a in soup.select("ul.key-takeaways a.more")]
    headline = {s["id"]: squeeze(s.h2.get_text()) for s in soup.select("section.digest-section")}
    targets = {}
    # Key Takeaways of about 180 words a section may run past the first page.
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                destination = reader.named_destinations[str(link["/Dest"])]
                targets[str(link["/Dest"])] = reader.get_destination_page_number(destination)
    printed = [int(n) for n in re.findall(r"more… \(p\. (\d+)\)", " ".join(pages))]
    assert printed == [targets[key] + 1 for key in keys]
    # Each lands on the page where its section's headline is printed after the takeaways
    # (which repeat the headlines).
    last = max(i for i, text in enumerate(pages) if re.search(r"more… \(p\. \d+\)", text))
    tail = re.split(r"more… \(p\. \d+\)", pages[last])[-1]
    body = ["" if i < last else tail if i == last else text for i, text in enumerate(pages)]
    for key in keys:
        starts = [i for i, text in enumerate(body) if headline[key] in text]
        assert targets[key] == starts[0]


def test_metadata_language_and_creation_date(site, week):
    slug, reader = week
    soup = page_soup(site, slug)
    info = reader.metadata
    assert info.title == squeeze(soup.title.get_text())
    assert info.author == "Monitor Research Team"
    assert info.subject == soup.find("meta", attrs={"name": "description"})["content"]
    labels = [s.get_text() for s in soup.select("section.digest-section .section-label")]
    assert info["/Keywords"] == ", ".join(labels)
    assert info.creation_date == FROZEN  # SOURCE_DATE_EPOCH
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_a_tagged_pdf_ua_with_an_outline_of_the_sections(site, week):
    slug, reader = week
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()  # PDF/UA-1

    def titles(outline):
        for entry in outline:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    soup = page_soup(site, slug)
    headlines = [squeeze(s.h2.get_text()) for s in soup.select("section.digest-section")]
    outline = [squeeze(title) for title in titles(reader.outline)]
    assert [t for t in outline if t in headlines] == headlines


def test_nothing_active_or_attached(week):
    _, reader = week
    names = every_name(reader)
    for forbidden in ("/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/FileAttachment"):
        assert forbidden not in names
    uris = [
        str(annotation.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://monitor.example.org/" in uris  # the masthead: the site, not a file
    assert all(uri.startswith(("https://", "http://", "mailto:")) for uri in uris)


def test_every_font_is_embedded_arabic_included(site):
    listing = subprocess.run(
        ["pdffonts", str(site / "output" / "issues" / "2024-02-08" / "2024-02-08.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert listing
    assert all(row.split()[-5] == "yes" for row in listing), listing  # the "emb" column
    families = " ".join(row.split()[0] for row in listing)
    assert "Source-Serif-4" in families and "Noto-Naskh-Arabic" in families


@pytest.mark.parametrize("slug", WEEKS)
def test_page_one_and_the_first_table_page_render_to_png(site, slug):
    target = site / "output" / "issues" / slug / f"{slug}.pdf"
    pages = page_texts(pypdf.PdfReader(target))
    first_table = next((i for i, text in enumerate(pages) if "incidents" in text.lower()), 0)
    LOOK.mkdir(parents=True, exist_ok=True)
    for number in sorted({1, first_table + 1}):
        out = LOOK / f"{slug}-page{number}"
        pick = ["-f", str(number), "-l", str(number)]
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", *pick, target, out], check=True
        )
        png = out.with_suffix(".png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 10_000  # a page with text on it, not a blank one


# --------------------------------------------------------------------------- rendering


@pytest.fixture
def copied(sample_site: Path, tmp_path: Path) -> config.Settings:
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    return config.load(site / "pelican.conf.py", compile_selectors=False)


def test_only_changed_pages_are_rendered_again_and_the_bytes_repeat(copied):
    jobs = issue_pdf_jobs(copied)
    assert [job.slug for job in jobs] == ["2024-02-01", "2024-02-08"]
    assert make_pdfs(copied, jobs, now=FROZEN).current == 2

    page = jobs[0].page
    page.write_text(page.read_text(encoding="utf-8").replace(">Issue 1<", ">Issue One<"))
    report = make_pdfs(copied, jobs, now=FROZEN)
    assert (report.rendered, report.current, report.problems) == (["2024-02-01"], 1, [])
    assert "Issue One" in " ".join(page_texts(pypdf.PdfReader(jobs[0].target)))

    made = jobs[1].target.read_bytes()
    jobs[1].target.unlink()
    assert make_pdfs(copied, jobs, now=FROZEN).rendered == ["2024-02-08"]
    assert jobs[1].target.read_bytes() == made  # deterministic


def test_a_style_change_renders_every_pdf_again_in_letter_size(copied):
    jobs = issue_pdf_jobs(copied, ["2024-02-01", "2024-02-08"])
    letter = dataclasses.replace(copied, pdf_page_size="Letter")
    report = make_pdfs(letter, jobs, now=FROZEN)
    assert sorted(report.rendered) == ["2024-02-01", "2024-02-08"]
    for job in jobs:
        assert all(size(page) == LETTER for page in pypdf.PdfReader(job.target).pages)


def test_an_unknown_issue_is_named(copied):
    with pytest.raises(RenderError) as info:
        issue_pdf_jobs(copied, ["2031-01-01"])
    assert "2031-01-01: no such issue page" in str(info.value)


HOSTILE = """<!DOCTYPE html><html lang="en"><head><title>Hostile</title>
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="issue.json">
<style>@import url(file:///etc/hostname);</style>
<style>@import url({origin}/imported.css);</style>
<style>
@font-face {{ font-family: evil; src: url(file:///dev/urandom); }}
@font-face {{ font-family: evil2; src: url({origin}/font.ttf); }}
body {{ font-family: evil, evil2, serif; }}
p.zero {{ background: url(file:///dev/zero); }}
</style></head><body>
<p class="zero">Hostile issue body.</p>
<img src="file:///etc/passwd" alt="">
<img src="../../../../../../etc/passwd" alt="">
<img src="/dev/zero" alt="">
<img src="{origin}/tracker.png" alt="">
<img src="http://169.254.169.254/latest/meta-data/" alt="">
<a rel="attachment" href="issue.json">attached</a>
<a href="file:///etc/passwd">local link</a>
<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>
<object data="file:///etc/passwd"></object>
<iframe src="file:///etc/passwd"></iframe>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="a data image is fine">
</body></html>
"""


def test_hostile_references_are_refused_and_the_render_finishes(settings, tmp_path, caplog):
    # BAD-INPUTS 34, 35
    output = tmp_path / "out"
    folder = output / "issues" / "evil"
    folder.mkdir(parents=True)
    (folder / "issue.json").write_text('{"secret": "attached?"}')
    with LocalServer() as server:
        (folder / "index.html").write_text(HOSTILE.format(origin=server.origin))
        job = pdf.PdfJob("evil", folder / "index.html", folder / "evil.pdf")
        hostile = dataclasses.replace(settings, output_path=output, pdf_timeout=60)
        with caplog.at_level("WARNING"):
            report = make_pdfs(hostile, [job], now=FROZEN)
        assert server.requests == []
    assert report.problems == [] and report.rendered == ["evil"]
    reader = pypdf.PdfReader(job.target)
    text = " ".join(page_texts(reader))
    assert "Hostile issue body." in text
    assert "root:" not in text and "secret" not in text
    names = every_name(reader)
    assert "/EmbeddedFiles" not in names and "/FileAttachment" not in names
    assert "evil: PDF: " in caplog.text and "refused file:///etc/passwd" in caplog.text


def huge_page() -> str:
    """BAD-INPUTS 36: 4,000 items, a 20-page table, a 50,000-letter word, width:1e9px
    (about 15 s of WeasyPrint, and more on a slower machine)."""
    items = "".join(f"<li>Item {n}: {'text ' * 60}</li>" for n in range(4000))
    rows = "".join(f"<tr><td>2024-02-0{n % 9 + 1}</td><td>Place {n}</td></tr>" for n in range(900))
    return (
        '<!DOCTYPE html><html lang="en"><head><title>Huge</title></head><body>'
        f'<p style="width:1e9px">{"x" * 50_000}</p><ol>{items}</ol>'
        f"<table><thead><tr><th>Date</th><th>Place</th></tr></thead>{rows}</table></body></html>"
    )


def test_a_huge_issue_is_stopped_and_published_without_a_pdf(sample_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    conf = site / "pelican.conf.py"
    conf.write_text(conf.read_text() + "\nDIGEST_PDF_TIMEOUT = 4\n")
    huge = site / "output" / "issues" / "huge"
    huge.mkdir()
    (huge / "index.html").write_text(huge_page())
    (huge / "huge.pdf").write_bytes(b"%PDF- an older PDF of this issue")
    other = site / "output" / "issues" / "2024-02-08" / "2024-02-08.pdf"
    other.unlink()

    started = time.monotonic()
    result = run_cli(conf, "pdf")
    assert time.monotonic() - started < 60  # the job did not hang
    assert result.exit_code == 1
    assert (
        "error: huge: could not make the PDF: took longer than 4 s, so it was stopped; "
        "the issue is published without one"
    ) in result.output
    assert (huge / "index.html").exists() and not (huge / "huge.pdf").exists()
    assert other.exists()  # one bad issue never stops the others


def test_a_pdf_out_of_memory_says_so_in_one_line(sample_site, tmp_path):
    # At the memory limit WeasyPrint's C libraries fail in several ways (a MemoryError, a
    # SystemError "error return without exception set", a crash), and the dying worker's
    # finalizers printed "Exception ignored in: <object repr() failed>" by the dozen.
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    conf = site / "pelican.conf.py"
    conf.write_text(conf.read_text() + "\nDIGEST_PDF_MEMORY_MB = 256\n")
    big = site / "output" / "issues" / "big"
    big.mkdir()
    items = "".join(f"<li>Item {n}: {'text ' * 60}</li>" for n in range(3000))
    (big / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>Big</title></head><body><ol>{items}</ol>'
        "</body></html>"
    )
    other = site / "output" / "issues" / "2024-02-08" / "2024-02-08.pdf"
    before = other.read_bytes()  # current: only the big page is rendered
    command = [sys.executable, "-m", "digest", "--config", str(conf), "pdf"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1
    lines = (done.stdout + done.stderr).strip().splitlines()
    problems = [line for line in lines if line.startswith("error: big: ")]
    assert len(problems) == 1, lines
    assert re.fullmatch(
        r"error: big: could not make the PDF: .*out of memory.* \(limit 256 MB\)"
        r"; the issue is published without one",
        problems[0],
    )
    assert not any("Exception ignored" in line or "Traceback" in line for line in lines), lines
    assert len(lines) <= 3, lines  # the problem, the summary, a rendered count at most
    assert not (big / "big.pdf").exists()
    assert other.read_bytes() == before
