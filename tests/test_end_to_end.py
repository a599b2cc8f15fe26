"""The bundled sample, collected, drafted and built: what a newcomer's `make demo` makes."""

from __future__ import annotations

import csv
import email
import email.policy
import json
import subprocess
from pathlib import Path

import feedparser
import pypdf
import pytest
from bs4 import BeautifulSoup

from digest import config

WEEKS = ("2024-02-01", "2024-02-08")


@pytest.fixture(scope="module")
def site(sample_site: Path) -> Path:
    return sample_site


@pytest.fixture(scope="module")
def source_names(site: Path) -> set[str]:
    return {s.name for s in config.load(site / "pelican.conf.py").sources}


def page(site: Path, week: str) -> BeautifulSoup:
    html = (site / "output" / "issues" / week / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("week", WEEKS)
def test_one_takeaway_per_section_each_linking_to_its_section(site, week):
    soup = page(site, week)
    sections = soup.select("section.digest-section[id]")
    bullets = soup.select("ul.key-takeaways > li")
    assert len(sections) == 4
    assert len(bullets) == len(sections)
    ids = {s["id"] for s in sections}
    for bullet, section in zip(bullets, sections, strict=True):
        (link,) = bullet.select('a[href^="#"]')
        assert link["href"] == f"#{section['id']}"
        assert link["href"][1:] in ids
        assert section.h2 is not None and section.h2.get_text(strip=True)


@pytest.mark.parametrize("week", WEEKS)
def test_every_section_cites_only_the_sources_of_its_own_items(site, week, source_names):
    soup = page(site, week)
    data = json.loads((site / "output" / "issues" / week / "issue.json").read_text())
    for section, exported in zip(
        soup.select("section.digest-section"), data["sections"], strict=True
    ):
        (line,) = section.select("p.sources-cited")
        text = line.get_text(" ", strip=True)
        prefix = "Sources cited in this section include: "
        assert text.startswith(prefix) and text.endswith(".")
        cited = text[len(prefix) : -1].split(", ")
        assert cited and set(cited) <= source_names
        own = {name for item in exported["items"] for name in item["sources"]}
        assert set(cited) == own
        assert cited == exported["sources_cited"]


def test_the_sample_covers_every_section_and_the_arabic_source(site):
    data = json.loads((site / "output" / "issues" / "2024-02-08" / "issue.json").read_text())
    assert [s["key"] for s in data["sections"]] == [
        "politics",
        "security",
        "humanitarian",
        "economy",
    ]
    assert "Al-Rafidain" in data["sources_cited"]
    assert data["incidents"], "security items with casualties make incident rows"
    assert data["period"] == {"start": "2024-02-02", "end": "2024-02-08"}
    merged = [i for s in data["sections"] for i in s["items"] if len(i["sources"]) > 1]
    assert merged, "stories told by several outlets are merged into one entry"


def _markdown_incidents(site: Path, week: str) -> tuple[list[str], list[list[str]]]:
    """The incident table as the editor's Markdown holds it: header, then rows of cells."""
    text = (site / "content" / "issues" / f"{week}.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    table = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header = table[0]
    assert header[:2] == ["Date", "Location"]
    return header, [row for row in table[1:] if not set(row[0]) <= set("-: ")]


# The email nests the table in a layout table: a bare "tbody tr" would match its header too.
BODY_ROWS = ":scope > tbody > tr"


def _table_cells(table) -> tuple[list[str], list[list[str]]]:
    header = [th.get_text(strip=True) for th in table.select(":scope > thead th")]
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select(BODY_ROWS)]
    return header, rows


def test_the_incident_table_reads_the_same_on_the_page_in_the_data_the_pdf_and_the_email(site):
    """Every cell of the editor's table, the unknown count ("?") included, in every output."""
    week = "2024-02-08"
    header, rows = _markdown_incidents(site, week)
    assert header == ["Date", "Location", "Deaths", "Injuries"]
    assert len(rows) >= 5 and any("?" in row for row in rows), "the sample has an unknown count"
    issue = site / "output" / "issues" / week

    for html in (issue / "index.html", site / "output" / "email" / f"{week}.html"):
        table = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one(
            "table.incidents"
        )
        assert _table_cells(table) == (header, rows), html
        assert [th.get("scope") for th in table.select(":scope > thead th")] == ["col"] * len(
            header
        )
        assert table.select_one(":scope > tfoot th")["scope"] == "row"
        for tr in table.select(BODY_ROWS):  # counts line up on the right
            assert [td.get("class") for td in tr.select("td")][2:] == [["num"], ["num"]]

    def number(cell: str) -> int | None:
        return None if cell == "?" else int(cell)

    data = json.loads((issue / "issue.json").read_text(encoding="utf-8"))["incidents"]
    assert [[i["date"], i["location"], i["deaths"], i["injuries"]] for i in data] == [
        [d, place, number(deaths), number(injuries)] for d, place, deaths, injuries in rows
    ]

    with (issue / "incidents.csv").open(encoding="utf-8", newline="") as f:
        exported = list(csv.reader(f))
    assert exported[0] == ["date", "location", "deaths", "injuries"]
    assert exported[1:] == [[cell.replace("?", "") for cell in row] for row in rows]

    laid_out = subprocess.run(
        ["pdftotext", "-layout", str(issue / f"{week}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = [" ".join(line.split()) for line in laid_out.splitlines() if line.strip()]
    start = printed.index(" ".join(header))
    assert printed[start + 1 : start + 1 + len(rows)] == [" ".join(r) for r in rows]
    assert printed[start + 1 + len(rows)].startswith(f"Total {len(rows)} incidents")

    text = (site / "output" / "email" / f"{week}.txt").read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    start = lines.index(" ".join(header))
    assert lines[start + 2 : start + 2 + len(rows)] == [" ".join(r) for r in rows]


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feeds_parse_back_without_errors(site, name):
    feed = feedparser.parse((site / "output" / "feeds" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.link.startswith("https://monitor.example.org/issues/")
        content = entry.get("content", [{}])[0].get("value") or entry.summary
        assert "Key Takeaways" in content
        assert 'href="#' not in content  # in-page links are absolute in feeds


def test_json_feed_is_version_1_1_with_full_content(site):
    feed = json.loads((site / "output" / "feeds" / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in feed["items"]] == [
        "https://monitor.example.org/issues/2024-02-08/",
        "https://monitor.example.org/issues/2024-02-01/",
    ]


@pytest.mark.parametrize("week", WEEKS)
def test_the_pdf_opens_and_contains_every_section_title(site, week):
    pdf = site / "output" / "issues" / week / f"{week}.pdf"
    reader = pypdf.PdfReader(pdf)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    sections = page(site, week).select("section.digest-section h2")
    assert sections
    for section in sections:
        headline = " ".join(section.get_text(" ", strip=True).split())
        assert headline in text


@pytest.mark.parametrize("week", WEEKS)
def test_the_email_is_mime_with_text_and_html_parts(site, week):
    raw = (site / "output" / "email" / f"{week}.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert "key takeaways" in message.get_body(("plain",)).get_content().lower()
    html = message.get_body(("html",)).get_content()
    assert 'style="' in html  # CSS inlined
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert (site / "output" / "email" / f"{week}.txt").read_text() == plain


def test_the_archive_lists_both_issues_newest_first(site):
    soup = BeautifulSoup((site / "output" / "index.html").read_text(), "html.parser")
    links = [
        a["href"]
        for a in soup.select("a[href*='issues/']")
        if a["href"].rstrip("/").endswith(WEEKS)
    ]
    first = [link for link in dict.fromkeys(links)]
    assert "2024-02-08" in first[0] and any("2024-02-01" in link for link in first)
