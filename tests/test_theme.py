"""The theme's pages: sections across issues, archives, about/404, search, sitemap, meta.

The sample (collected and drafted once per session by `sample_site`) is copied with the
repository's content/pages and the daily digest of February 2024, then built with Pelican
only (no PDF or email): what the theme and digest/pelican_plugin/pages.py produce.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import jinja2
import pytest
from bs4 import BeautifulSoup
from pelican import Pelican

from digest import config
from digest.models import SectionRule
from digest.pelican_plugin import pages
from digest.pelican_plugin.reader import RUNTIME_KEY
from digest.pelican_plugin.stored import StoredEdition
from digest.render.issue_check import check_bytes
from tests.conftest import ROOT, make_project, run_cli

SITE = "https://monitor.example.org"
SUBSCRIBE = "https://monitor.example.org/subscriptions/subscribe"
TAGS = {"2024-02-08": "Kirkuk, Elections", "2024-02-01": "Kirkuk"}  # the editor's, per issue


def build_site(folder: Path, **overrides: Any) -> Path:
    """Pelican alone over the project in folder, into folder/output; returns output."""
    settings = config.load(folder / "pelican.conf.py")
    pelican_settings = dict(settings.pelican)
    pelican_settings[RUNTIME_KEY] = settings
    pelican_settings.update(overrides)
    out = Path(pelican_settings["OUTPUT_PATH"])
    shutil.rmtree(out, ignore_errors=True)
    Pelican(pelican_settings).run()
    return out


@pytest.fixture(scope="module")
def project(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("theme") / "site"
    shutil.copytree(sample_site, folder, ignore=shutil.ignore_patterns("output"))
    shutil.copytree(ROOT / "content" / "pages", folder / "content" / "pages")
    result = run_cli(folder / "pelican.conf.py", "draft", "--layout", "daily", "--month", "2024-02")
    assert result.exit_code == 0, result.output
    for slug, tags in TAGS.items():
        issue = folder / "content" / "issues" / f"{slug}.md"
        issue.write_text(f"Tags: {tags}\n" + issue.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def out(project: Path) -> Path:
    return build_site(project)


def soup(out: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path).read_text(encoding="utf-8"), "html.parser")


def html_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


def issue_data(out: Path, slug: str) -> dict[str, Any]:
    return json.loads((out / "issues" / slug / "issue.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- sections


def test_a_page_per_section_lists_that_section_of_every_issue_newest_first(out):
    weeks = ["2024-02-08", "2024-02-01"]  # newest first
    for key in ("politics", "security", "humanitarian", "economy"):
        page = soup(out, f"sections/{key}/index.html")
        blocks = page.select("article.section-issue")
        expected = [
            (week, s)
            for week in weeks
            for s in issue_data(out, week)["sections"]
            if s["key"] == key
        ]
        assert len(blocks) == len(expected) == 2
        for block, (week, section) in zip(blocks, expected, strict=True):
            link = block.select_one("h2 a")
            assert link["href"].endswith(f"issues/{week}/#{key}")
            assert link.get_text(strip=True) == issue_data(out, week)["title"]
            headline = block.select_one("h3").get_text(" ", strip=True)
            assert " ".join(headline.split()) == " ".join(section["headline"].split())
            takeaway = block.select_one(".section-issue-takeaway").get_text(" ", strip=True)
            assert section["takeaway"].split()[0] in takeaway
            # Every paragraph is an item but the note under the incident table.
            paragraphs = block.select(".section-issue-body > p:not(.incidents-note)")
            assert len(paragraphs) == len(section["items"])
        assert page.h1.get_text(strip=True) == expected[0][1]["title"]


def test_each_issue_section_links_its_section_page(out):
    page = soup(out, "issues/2024-02-08/index.html")
    sections = page.select("section.digest-section[id]")
    assert sections
    for section in sections:
        link = section.select_one(".section-label a")
        assert link["href"] == f"../../sections/{section['id']}/"


def test_the_sections_index_links_every_section_in_settings_order(out):
    links = soup(out, "sections/index.html").select(".section-list h2 a")
    assert [a["href"] for a in links] == [
        "../sections/politics/",
        "../sections/security/",
        "../sections/humanitarian/",
        "../sections/economy/",
    ]


@pytest.mark.parametrize("name", ["2024-02-08.md", "2024-02-01-report.md", "2024-02.md"])
def test_an_issue_page_reads_only_what_the_stored_edition_keeps(project, tmp_path, name):
    """A full build writes an issue's page and its exports in different processes: the page
    must not unpack the whole Edition (stored.py) only to list its sections' labels."""
    site = project
    if name.endswith("-report.md"):
        # Drafted in a copy, so the module's site keeps the issues the other tests expect.
        site = tmp_path / "site"
        shutil.copytree(project, site, ignore=shutil.ignore_patterns("output"))
        result = run_cli(
            site / "pelican.conf.py", "draft", "--layout", "report", "--week-ending", "2024-02-01"
        )
        assert result.exit_code == 0, result.output
    settings = config.load(site / "pelican.conf.py")
    path = site / "content" / "issues" / name
    verdict = check_bytes(path.read_bytes(), name, settings.sections, settings.sources)
    stored = StoredEdition(verdict.edition)
    expected = {
        "labels": [s.label for s in verdict.edition.sections],
        "csv": verdict.edition.layout == "weekly" or bool(verdict.edition.incidents),
    }
    stored._edition, stored._packed = None, b"not a pickle: unpacking it fails the test"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "themes/digest/templates"))
    generator = SimpleNamespace(context={}, settings=settings.pelican, env=env)
    pages.prepare_templates(generator)
    article = SimpleNamespace(
        digest=stored,
        title=stored.title,
        date=datetime(2024, 2, 8, tzinfo=UTC),
        url=f"issues/{stored.slug}/",
        slug=stored.slug,
        content=stored.html,
        status="published",
        lang="en",
        tags=[],
        locale_date="8 February 2024",
    )
    html = env.get_template("article.html").render(
        article=article, SITEURL="", SITENAME="Monitor", DEFAULT_LANG="en", **generator.context
    )
    page = BeautifulSoup(html, "html.parser")
    keywords = page.select_one('meta[name="keywords"]')
    assert (keywords and keywords["content"]) == (", ".join(expected["labels"]) or None)
    sections = page.select('meta[property="article:section"]')
    assert [m["content"] for m in sections][: len(expected["labels"])] == expected["labels"]
    linked = [a.get_text() for a in page.select(".section-label a")]
    assert linked == expected["labels"]
    assert bool(page.select_one('a[type="text/csv"]')) is expected["csv"]
    assert stored._edition is None


def test_section_labels_are_linked_from_the_pairs_or_from_the_sections():
    # The theme passes `section_keys`; a theme copied from an earlier digest, the sections.
    body = '<p class="section-label">Security &amp; Order</p><p class="section-label">Aid</p>'
    sections = [SimpleNamespace(key="security", label="Security & Order"), ("aid", "Aid")]
    linked = str(pages.link_section_labels(body, sections, "https://m.example"))
    assert linked == (
        '<p class="section-label"><a href="https://m.example/sections/security/">'
        'Security &amp; Order</a></p><p class="section-label">'
        '<a href="https://m.example/sections/aid/">Aid</a></p>'
    )


def test_section_pages_come_from_issue_data_only():
    class Article:
        def __init__(self, slug, date, keys):
            self.slug, self.date = slug, date
            self.digest = type("E", (), {"section_keys": [(k, k.title()) for k in keys]})()

    rules = [SectionRule("security", "Security"), SectionRule("economy", "Economy")]
    found = pages.section_pages(
        [Article("a", 1, ["economy"]), Article("b", 2, ["security", "sport"])], rules
    )
    assert [p.key for p in found] == ["security", "economy", "sport"]
    assert [b.article.slug for b in found[0].blocks] == ["b"]
    assert found[2].url == "sections/sport/"


def test_a_section_shows_its_latest_issues_and_every_issue_by_year():
    class Article:
        def __init__(self, day):
            self.slug, self.date = day.isoformat(), day
            self.digest = type("E", (), {"section_keys": [("security", "Security")]})()

    weeks = [date(2023, 12, 7) + timedelta(weeks=n) for n in range(pages.SECTION_LATEST + 3)]
    (page,) = pages.section_pages([Article(d) for d in weeks], [SectionRule("security", "S")])
    latest, *years = page.views()
    assert latest.url == "sections/security/" and latest.year is None
    newest = sorted(weeks, reverse=True)
    assert [b.article.date for b in latest.blocks] == newest[: pages.SECTION_LATEST]
    assert [(v.year, v.save_as) for v in years] == [
        (2024, "sections/security/2024/index.html"),
        (2023, "sections/security/2023/index.html"),
    ]
    assert [b.article.date for v in years for b in v.blocks] == newest
    assert all(v.years == latest.years for v in years)


# --------------------------------------------------------------------------- archives


def test_the_by_year_archive_lists_the_years_issues_newest_first(out):
    page = soup(out, "archives/2024/index.html")
    titles = [h.get_text(strip=True) for h in page.select(".issue-card-title a")]
    feed = json.loads((out / "feeds" / "feed.json").read_text(encoding="utf-8"))
    assert titles == [i["title"] for i in feed["items"]]
    assert len(titles) == 3
    assert page.select(".issue-card-summary")
    year_link = soup(out, "archives/index.html").select_one("#year-2024 a")
    assert year_link["href"] == "../archives/2024/"


def test_issue_pages_link_previous_and_next_issues(out):
    middle = soup(out, "issues/2024-02-08/index.html")
    assert middle.select_one('a[rel="prev"]')["href"] == "../../issues/2024-02-01/"
    # The month page, published after it, is another series: no "next" within the weekly one.
    assert middle.select_one('a[rel="next"]') is None
    oldest = soup(out, "issues/2024-02-01/index.html")
    assert oldest.select_one('a[rel="prev"]') is None
    assert oldest.select_one('a[rel="next"]')["href"] == "../../issues/2024-02-08/"


def test_issue_pages_link_their_pdf_and_email_edition(out):
    links = soup(out, "issues/2024-02-08/index.html").select(".issue-links a")
    hrefs = [a["href"] for a in links]
    assert "../../issues/2024-02-08/2024-02-08.pdf" in hrefs
    assert "../../email/2024-02-08.html" in hrefs


# --------------------------------------------------------------------------- pages


def test_about_and_404_use_the_theme(out):
    about = soup(out, "about/index.html")
    assert about.h1.get_text(strip=True) == "About"
    assert about.select_one("nav.site-nav")
    missing = soup(out, "404.html")
    assert missing.h1.get_text(strip=True) == "Page not found"
    assert missing.select_one('meta[name="robots"]')["content"] == "noindex"
    # Served at any missing address: links and styles start from the site root.
    assert missing.select_one('link[rel="stylesheet"]')["href"] == "/theme/css/screen.css"
    assert missing.select_one("a[rel=home]")["href"] == "/"


def test_the_search_page_loads_pagefind_ui_and_says_it_needs_javascript(out):
    page = soup(out, "search/index.html")
    assert page.select_one('link[href="../pagefind/pagefind-ui.css"]')
    assert page.select_one('script[src="../pagefind/pagefind-ui.js"]')
    assert "JavaScript" in page.noscript.get_text()
    nav = soup(out, "index.html").select("nav.site-nav a")
    assert any(a.get_text() == "Search" and a["href"] == "./search/" for a in nav)


def test_only_issue_pages_are_indexed_by_pagefind(out):
    for path in html_pages(out):
        body = soup(out, path).select("[data-pagefind-body]")
        if path.startswith("issues/"):
            assert len(body) == 1, path
        else:
            assert not body, path
    filters = soup(out, "issues/2024-02-08/index.html").select("[data-pagefind-filter]")
    assert [f["content"] for f in filters] == ["Politics", "Security", "Humanitarian", "Economy"]


# --------------------------------------------------------------------------- meta


def test_the_sitemap_lists_every_page_but_404_with_absolute_urls(out):
    tree = ElementTree.parse(out / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in tree.getroot().findall("s:url/s:loc", ns)]
    assert locs == sorted(locs)
    expected = sorted(
        f"{SITE}/" + re.sub(r"(^|/)index\.html$", r"\1", p)
        for p in html_pages(out)
        if p != "404.html"
    )
    assert locs == expected
    for must in ("/", "/about/", "/archives/2024/", "/sections/security/", "/search/"):
        assert f"{SITE}{must}" in locs


def test_robots_txt_points_to_the_sitemap(out):
    text = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()


@pytest.mark.parametrize("kind", ["issue", "other"])
def test_every_page_has_canonical_and_open_graph_meta(out, kind):
    paths = [p for p in html_pages(out) if p.startswith("issues/") == (kind == "issue")]
    assert paths
    for path in paths:
        page = soup(out, path)
        url = f"{SITE}/" + re.sub(r"(^|/)index\.html$", r"\1", path)
        assert page.select_one('link[rel="canonical"]')["href"] == url, path
        assert page.select_one('meta[property="og:url"]')["content"] == url, path
        og_type = page.select_one('meta[property="og:type"]')["content"]
        assert og_type == ("article" if kind == "issue" else "website"), path
        title = page.select_one('meta[property="og:title"]')["content"]
        assert title and page.select_one('meta[name="twitter:title"]')["content"] == title
        assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"
        assert len(page.select("h1")) == 1, path
        if kind == "issue":
            assert title == page.h1.get_text(strip=True)


# --------------------------------------------------------------------------- subscribe


def test_every_page_has_a_subscribe_form_posting_to_the_setting(out):
    for path in html_pages(out):
        form = soup(out, path).select_one("section.subscribe form")
        assert form is not None, path
        assert form["method"] == "post" and form["action"] == SUBSCRIBE
        field = form.select_one('input[name="email"]')
        assert field["type"] == "email" and field.has_attr("required")
        label = form.select_one(f'label[for="{field["id"]}"]')
        assert label and label.get_text(strip=True)


def test_without_a_subscribe_url_the_box_links_to_the_feeds(project, tmp_path):
    out = build_site(project, DIGEST_SUBSCRIBE_URL=None, OUTPUT_PATH=str(tmp_path / "out"))
    for path in ("index.html", "issues/2024-02-08/index.html", "404.html"):
        box = soup(out, path).select_one("section.subscribe")
        assert box.select_one("form") is None
        assert box.select_one('a[href="#feeds"]')
        assert box.select_one('a[href$="/feeds/atom.xml"]')


# --------------------------------------------------------------------------- direction


def test_tagged_issues_have_tag_pages_and_a_tags_index(out):
    kirkuk = soup(out, "tags/kirkuk/index.html")
    assert [a["href"] for a in kirkuk.select(".archive-list a")] == [
        "../../issues/2024-02-08/",
        "../../issues/2024-02-01/",
    ]
    assert [
        a["href"] for a in soup(out, "tags/elections/index.html").select(".archive-list a")
    ] == ["../../issues/2024-02-08/"]
    index = soup(out, "tags/index.html")
    assert [(a.get_text(), a["href"]) for a in index.select(".archive-list a")] == [
        ("Elections", "../tags/elections/"),
        ("Kirkuk", "../tags/kirkuk/"),
    ]
    issue = soup(out, "issues/2024-02-08/index.html")
    assert [a.get_text() for a in issue.select(".issue-tags a[rel=tag]")] == ["Kirkuk", "Elections"]


def test_arabic_paragraphs_and_items_carry_their_direction(out):
    arabic = re.compile(r"[\u0600-\u06ff]{4,}")
    for path in ("issues/2024-02-08/index.html", "issues/2024-02/index.html"):
        page = soup(out, path)
        blocks = [
            b
            for b in page.select(".issue-body p, .issue-body li")
            if arabic.search(b.get_text()) and not b.find(["p", "li"])
        ]
        mostly = [b for b in blocks if len(arabic.findall(b.get_text())) > 3]
        assert mostly, path
        for block in mostly:
            assert block.get("dir") in {"rtl", "auto"}, block.get_text()[:60]
    economy = soup(out, "sections/economy/index.html")
    assert economy.select('.section-issue-body p[dir="rtl"]')


# --------------------------------------------------------------------------- drafts


DRAFT_HEADER = "Status: draft\nTags: Kirkuk, Drafted\n"


def test_an_issue_marked_draft_is_a_preview_in_no_list_feed_tag_export_or_sitemap(
    sample_site: Path, tmp_path: Path
):
    folder = tmp_path / "site"
    shutil.copytree(sample_site, folder, ignore=shutil.ignore_patterns("output"))
    issues = folder / "content" / "issues"
    for slug, header in (("2024-02-01", "Tags: Kirkuk\n"), ("2024-02-08", DRAFT_HEADER)):
        issue = issues / f"{slug}.md"
        issue.write_text(header + issue.read_text(encoding="utf-8"), encoding="utf-8")
    out = build_site(folder)
    preview = soup(out, "drafts/2024-02-08/index.html")
    assert preview.select_one(".issue-title").get_text() == (
        "Iraq Weekly Monitor: February 2 – 8, 2024"
    )
    assert not (out / "issues" / "2024-02-08").exists()  # no page, issue.json, incidents.csv
    assert (out / "issues" / "2024-02-01" / "issue.json").is_file()
    assert not (out / "tags" / "drafted").exists()
    assert [a.get_text() for a in soup(out, "tags/index.html").select(".archive-list a")] == [
        "Kirkuk"
    ]
    lists = [
        "index.html",
        "archives/index.html",
        "archives/2024/index.html",
        "sections/security/index.html",
        "tags/kirkuk/index.html",
        "feeds/atom.xml",
        "feeds/rss.xml",
        "feeds/feed.json",
        "feeds/sections/security.atom.xml",
        "sitemap.xml",
    ]
    for name in lists:
        text = (out / name).read_text(encoding="utf-8")
        assert "2024-02-01" in text, name  # the published issue is listed ...
        assert "2024-02-08" not in text and "February 2 – 8" not in text, name  # ... not this
    assert "Disallow: /drafts/" in (out / "robots.txt").read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- incidents

KIND_ISSUE = """\
Title: Iraq Weekly Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Bombs Hit Diyala {#security}

Takeaway: Bombs hit Diyala and Baghdad.

On February 4, a roadside bomb struck an army patrol near Tarmiyah.

| Date | Location | Kind | Deaths | Injuries |
| --- | --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah, Baghdad | IED | 2 | 5 |
| 2024-02-05 | Hamrin, Diyala | Drone | ? | 4 |
| 2024-02-06 | Jalawla, Diyala | Rocket | 7 | 5 |

Not counted above: 3 militants killed (February 5, Hamrin, Diyala).
"""


@pytest.fixture(scope="module")
def kinds_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of one issue whose incident table has a Kind column and an unknown count."""
    conf = make_project(tmp_path_factory.mktemp("kinds") / "site", samples=False)
    (conf.parent / "content" / "issues" / "2024-02-08.md").write_text(KIND_ISSUE, encoding="utf-8")
    return build_site(conf.parent)


def test_the_incident_table_shows_its_totals_and_its_note(kinds_site):
    page = soup(kinds_site, "issues/2024-02-08/index.html")
    assert len(page.select("table.incidents tbody tr")) == 3
    total = [c.get_text(strip=True) for c in page.select("table.incidents tfoot tr > *")]
    assert total == ["Total", "3 incidents", "", "at least 9", "14"]
    assert page.select_one("table.incidents tfoot th")["scope"] == "row"
    note = page.select_one("p.incidents-note").get_text(strip=True)
    assert note.startswith("Not counted above: 3 militants killed")
    # The section's page shows the same table, totals included.
    section = soup(kinds_site, "sections/security/index.html")
    assert section.select("table.incidents tfoot")


def test_issue_json_and_incidents_csv_carry_the_kind(kinds_site):
    data = issue_data(kinds_site, "2024-02-08")
    assert data["incidents"] == [
        {
            "date": "2024-02-04",
            "location": "Tarmiyah, Baghdad",
            "deaths": 2,
            "injuries": 5,
            "kind": "ied",
        },
        {
            "date": "2024-02-05",
            "location": "Hamrin, Diyala",
            "deaths": None,
            "injuries": 4,
            "kind": "drone",
        },
        {
            "date": "2024-02-06",
            "location": "Jalawla, Diyala",
            "deaths": 7,
            "injuries": 5,
            "kind": "rocket",
        },
    ]
    # The note is the table's, not a story of the section.
    (section,) = data["sections"]
    assert [item["text"][:14] for item in section["items"]] == ["On February 4,"]
    csv_text = (kinds_site / "issues" / "2024-02-08" / "incidents.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines() == [
        "date,location,deaths,injuries,kind",
        '2024-02-04,"Tarmiyah, Baghdad",2,5,ied',
        '2024-02-05,"Hamrin, Diyala",,4,drone',
        '2024-02-06,"Jalawla, Diyala",7,5,rocket',
    ]
