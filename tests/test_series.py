"""Series (issue 23): every kind of issue published side by side, each with its archive,
its neighbours, its feeds and its mailing list, and search that tells sections and series
apart.

The sample is built as `make demo` builds it: two weekly issues, the February month page
and the two weeks' situation reports (three series). A site of one series (the weekly
sample of conftest's `sample_site`) keeps its pages, feeds and sitemap as they were.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup

from digest import config
from digest.errors import ContentError
from digest.publish import search
from digest.render.edition import parse_edition
from digest.render.issue_check import check_text
from digest.render.series import is_name, series_of, series_title
from tests.conftest import make_project, run_cli

SITE = "https://monitor.example.org"
WEEKS = ("2024-02-01", "2024-02-08")
MONTH = "2024-02"
REPORTS = tuple(f"{w}-report" for w in WEEKS)
# What `make demo` drafts (tasks.py), in its order.
DRAFTS = (
    ("draft", "--week-ending", WEEKS[0]),
    ("draft", "--week-ending", WEEKS[1]),
    ("draft", "--layout", "daily", "--month", MONTH),
    ("draft", "--layout", "report", "--week-ending", WEEKS[0]),
    ("draft", "--layout", "report", "--week-ending", WEEKS[1]),
)
_KEY = pytest.StashKey[Path]()


def series_site(request: pytest.FixtureRequest) -> Path:
    """The sample with its three series, collected, drafted and built once a session;
    returns the project folder."""
    stash = request.config.stash
    if _KEY not in stash:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        conf = make_project(factory.mktemp("series") / "site")
        for args in (("collect",), *DRAFTS, ("build",)):
            result = run_cli(conf, *args)
            assert result.exit_code == 0, f"digest {' '.join(args)}: {result.output}"
        stash[_KEY] = conf.parent
    return stash[_KEY]


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> Path:
    return series_site(request)


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    return site / "output"


def page(out: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path).read_text(encoding="utf-8"), "html.parser")


def issue_links(soup: BeautifulSoup, selector: str) -> list[str]:
    """The issue slugs the links under `selector` lead to, in order."""
    return [
        re.search(r"issues/([^/]+)/", a["href"]).group(1)
        for a in soup.select(f"{selector} a[href*='issues/']")
    ]


# --------------------------------------------------------------------------- the header


def test_an_issue_s_series_is_its_header_else_its_layout_s():
    assert series_of("weekly", None) == "weekly"
    assert series_of("daily", "") == "daily"
    assert series_of("report", None) == "report"
    assert series_of("weekly", " Syria-Weekly ") == "syria-weekly"
    assert series_title("weekly") == "Weekly issues"
    assert series_title("daily") == "Daily digests"
    assert series_title("report") == "Situation reports"
    assert series_title("field-notes") == "Field notes"
    assert is_name("field-notes") and is_name("a") and is_name("x2")
    for bad in ("-x", "x-", "a b", "x/y", "ü", "", "a" * 41):
        assert not is_name(bad), bad


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    return config.load(make_project(tmp_path_factory.mktemp("settings") / "site"))


@pytest.mark.parametrize(
    ("series", "problem"),
    [
        ("syria", None),
        ("Field-Notes", None),  # read lower-case
        ("field notes", "4: Series: 'field notes' is not a series name; use lower-case a-z"),
        ("../x", "4: Series: '../x' is not a series name"),
    ],
)
def test_check_knows_the_series_header(settings, series, problem):
    text = (
        "Title: T\nDate: 2024-02-08\nPeriod: 2024-02-02 to 2024-02-08\n"
        f"Series: {series}\n\n## Headline {{#politics}}\n\nTakeaway: The council met.\n\n"
        "On February 4, the council met.\n"
    )
    verdict = check_text(text, "i.md", settings.sections, settings.sources)
    errors = [str(p) for p in verdict.problems if p.severity == "error"]
    if problem is None:
        assert errors == []
        assert verdict.edition.series == series.lower()
    else:
        assert len(errors) == 1 and errors[0].startswith(f"i.md:{problem}"), errors


def test_the_reader_refuses_a_series_that_is_not_a_name():
    """It names a folder, feed files and a List-Id: `pelican` alone must not take one either."""
    for bad in ("x> y", "../etc", "a b"):
        with pytest.raises(ContentError, match=r"^Series: .* is not a series name; use lower"):
            parse_edition(f"Title: T\nSeries: {bad}\n\nText.\n", slug="s", sections=(), sources=())


# --------------------------------------------------------------------------- neighbours


def test_previous_and_next_stay_within_the_series(out):
    def neighbours(slug: str) -> tuple[list[str], list[str]]:
        soup = page(out, f"issues/{slug}/index.html")
        return issue_links(soup, "li.issue-nav-older"), issue_links(soup, "li.issue-nav-newer")

    # The newest weekly issue's "Next issue" is not the month page dated after it.
    assert neighbours(WEEKS[1]) == ([WEEKS[0]], [])
    assert neighbours(WEEKS[0]) == ([], [WEEKS[1]])
    assert neighbours(REPORTS[1]) == ([REPORTS[0]], [])
    assert neighbours(REPORTS[0]) == ([], [REPORTS[1]])
    assert neighbours(MONTH) == ([], [])
    assert not page(out, f"issues/{MONTH}/index.html").select("nav.issue-nav")


def test_each_issue_names_its_series_and_links_to_its_archive(out):
    for slug, name, title in (
        (WEEKS[0], "weekly", "Weekly issues"),
        (MONTH, "daily", "Daily digests"),
        (REPORTS[1], "report", "Situation reports"),
    ):
        kicker = page(out, f"issues/{slug}/index.html").select_one("header p.issue-series a")
        assert kicker.get_text() == title
        assert kicker["href"] == f"../../series/{name}/"
        data = json.loads((out / "issues" / slug / "issue.json").read_text(encoding="utf-8"))
        assert data["series"] == name


# --------------------------------------------------------------------------- archives


def test_each_series_has_its_archive_newest_first(out):
    expected = {
        "weekly": [WEEKS[1], WEEKS[0]],
        "daily": [MONTH],
        "report": [REPORTS[1], REPORTS[0]],
    }
    for name, slugs in expected.items():
        soup = page(out, f"series/{name}/index.html")
        assert soup.h1.get_text() == series_title(name)
        assert issue_links(soup, "main ol.issue-list") == slugs
        assert soup.select_one("p.archive-count").get_text().startswith(f"{len(slugs)} issue")
        feeds = {a.get_text(): a["href"] for a in soup.select("p.series-feeds a")}
        assert feeds == {
            "Atom": f"{SITE}/feeds/{name}.atom.xml",
            "RSS": f"{SITE}/feeds/{name}.rss.xml",
            "JSON Feed": f"{SITE}/feeds/{name}.json",
        }
        alternates = [link["href"] for link in soup.select("link[rel=alternate]")]
        assert f"{SITE}/feeds/{name}.atom.xml" in alternates


def test_the_report_archive_shows_each_report_s_period_and_first_sentence(out):
    soup = page(out, "series/report/index.html")
    cards = soup.select("li.issue-card")
    assert [c.select_one(".issue-period").get_text() for c in cards] == [
        "February 2 – 8, 2024",
        "January 26 – February 1, 2024",
    ]
    for card in cards:
        assert card.select_one(".issue-number").get_text() == "Situation report"
    for card, slug in zip(cards, reversed(REPORTS), strict=True):
        data = json.loads((out / "issues" / slug / "issue.json").read_text(encoding="utf-8"))
        shown = card.select_one(".issue-card-summary").get_text()
        assert data["summary"].startswith(shown) and len(shown) < len(data["summary"])
        assert shown.startswith("On ") and shown.endswith(".") and shown.count(". ") == 0


def test_a_series_archive_is_paginated(tmp_path):
    conf = make_project(tmp_path / "site", "DEFAULT_PAGINATION = 1\n")
    for args in (("collect",), *DRAFTS[:2], DRAFTS[3], ("build",)):
        result = run_cli(conf, *args)
        assert result.exit_code == 0, result.output
    out = conf.parent / "output"
    first = page(out, "series/weekly/index.html")
    second = page(out, "series/weekly/page/2/index.html")
    assert issue_links(first, "main ol.issue-list") == [WEEKS[1]]
    assert issue_links(second, "main ol.issue-list") == [WEEKS[0]]
    assert first.select_one("link[rel=next]")["href"] == "../../series/weekly/page/2/"
    assert second.select_one("link[rel=prev]")["href"] == "../../../../series/weekly/"
    assert second.h1.get_text() == "Weekly issues, page 2"
    assert "Page 2 of 2" in second.select_one("nav.pagination").get_text()


def test_the_front_page_leads_with_the_latest_of_each_series(out):
    soup = page(out, "index.html")
    block = soup.select_one("main section.series-latest")
    kickers = [p.a.get_text() for p in block.select("p.series-kicker")]
    # The oldest series first: the front page opens with the weekly issue, not with the
    # month page dated February 29.
    assert kickers == ["Weekly issues", "Situation reports", "Daily digests"]
    assert issue_links(block, "li.series-latest-item") == [WEEKS[1], REPORTS[1], MONTH]
    first = soup.select_one("main a[href*='issues/']")
    assert first["href"] == f"./issues/{WEEKS[1]}/"
    # ... then every issue as before, newest first (a weekly issue and its week's report
    # share their date).
    listed = issue_links(soup, "main > div > ol.issue-list")
    assert listed[0] == MONTH
    assert set(listed[1:3]) == {WEEKS[1], REPORTS[1]}
    assert set(listed[3:]) == {WEEKS[0], REPORTS[0]}
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids))


def test_the_archive_links_every_series(out):
    nav = page(out, "archives/index.html").select_one("nav.series-nav")
    assert [(a.get_text(), a["href"]) for a in nav.select("a")] == [
        ("Weekly issues", "../series/weekly/"),
        ("Situation reports", "../series/report/"),
        ("Daily digests", "../series/daily/"),
    ]


def test_the_sitemap_lists_the_series_pages(out):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.parse(out / "sitemap.xml").getroot()
    locs = {e.text for e in root.findall("s:url/s:loc", ns)}
    for name in ("weekly", "daily", "report"):
        assert f"{SITE}/series/{name}/" in locs


# --------------------------------------------------------------------------- feeds


def test_each_series_feed_holds_that_series_alone(out):
    expected = {"weekly": list(WEEKS), "daily": [MONTH], "report": list(REPORTS)}
    main = feedparser.parse((out / "feeds" / "atom.xml").read_bytes())
    main_ids = {e.link: e.id for e in main.entries}
    for name, slugs in expected.items():
        links = sorted(f"{SITE}/issues/{s}/" for s in slugs)
        for kind in ("atom.xml", "rss.xml"):
            feed = feedparser.parse((out / "feeds" / f"{name}.{kind}").read_bytes())
            assert feed.bozo == 0, (name, kind, feed.get("bozo_exception"))
            assert sorted(e.link for e in feed.entries) == links, (name, kind)
            assert feed.feed.title == f"Iraq Weekly Monitor – {series_title(name)}"
            assert feed.feed.get("language") == "en", (name, kind)
            if kind == "atom.xml":
                # The same entries as the main feed, ids included; its own feed id.
                assert all(e.id == main_ids[e.link] for e in feed.entries)
                assert feed.feed.id == f"{SITE}/feeds/{name}.atom.xml" != main.feed.id
        data = json.loads((out / "feeds" / f"{name}.json").read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["feed_url"] == f"{SITE}/feeds/{name}.json"
        assert sorted(i["url"] for i in data["items"]) == links
    # The main feeds keep every issue.
    assert len(main.entries) == 5


def test_the_main_atom_and_rss_feeds_declare_their_language(out):
    atom = ElementTree.parse(out / "feeds" / "atom.xml").getroot()
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    rss = ElementTree.parse(out / "feeds" / "rss.xml").getroot()
    assert rss.findtext("channel/language") == "en"
    for name in ("atom.xml", "rss.xml"):
        assert feedparser.parse((out / "feeds" / name).read_bytes()).feed.language == "en"


def test_a_series_whose_feed_would_replace_another_is_refused(tmp_path):
    conf = make_project(tmp_path / "site")
    issues = conf.parent / "content" / "issues"
    for slug, series in (("2024-02-01", "report"), ("2024-02-08", "feed")):
        (issues / f"{slug}.md").write_text(
            f"Title: T {slug}\nDate: {slug}\nPeriod: 2024-01-26 to {slug}\nSeries: {series}\n"
            "Layout: report\n\nOn January 28, the council met.\n",
            encoding="utf-8",
        )
    result = run_cli(conf, "build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert (
        errors
        and "series 'feed': its feed feeds/feed.json would overwrite FEED_ALL_JSON" in (errors[0])
    ), result.output


# --------------------------------------------------------------------------- email


def test_each_series_has_its_own_mailing_list_id(out):
    found = {}
    for slug in (WEEKS[1], MONTH, REPORTS[1]):
        message = email.message_from_bytes(
            (out / "email" / f"{slug}.eml").read_bytes(), policy=email.policy.default
        )
        found[slug] = str(message["List-Id"])
    assert found == {
        WEEKS[1]: "Iraq Weekly Monitor – Weekly issues <weekly.iraq-weekly-monitor.example.org>",
        MONTH: "Iraq Weekly Monitor – Daily digests <daily.iraq-weekly-monitor.example.org>",
        REPORTS[1]: "Iraq Weekly Monitor – Situation reports "
        "<report.iraq-weekly-monitor.example.org>",
    }


# --------------------------------------------------------------------------- search


def records(out: Path) -> list[dict[str, Any]]:
    """Every record of the search index, from its fragments (gzip of "pagefind_dcd" + JSON)."""
    found = []
    for fragment in sorted((out / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        found.append(json.loads(data))
    return found


def test_search_holds_a_record_per_section_with_its_section_and_series(out):
    found = records(out)
    by_page: dict[str, list[dict[str, Any]]] = {}
    for record in found:
        by_page.setdefault(record["meta"]["url"], []).append(record)
    assert sorted(by_page) == sorted(f"/issues/{s}/" for s in (*WEEKS, MONTH, *REPORTS))
    assert search.pages_indexed(out / "pagefind") == 5
    for week in WEEKS:
        sections = by_page[f"/issues/{week}/"]
        # One record a section, each filed under that section alone.
        assert sorted(r["filters"]["section"][0] for r in sections) == sorted(
            ["Politics", "Security", "Humanitarian", "Economy"]
        )
        assert all(len(r["filters"]["section"]) == 1 for r in sections)
        assert all(r["filters"]["series"] == ["Weekly issues"] for r in sections)
        assert all(r["meta"]["title"].startswith("Iraq Weekly Monitor: ") for r in sections)
    days = by_page[f"/issues/{MONTH}/"]
    assert len(days) == 9 and all("section" not in r["filters"] for r in days)
    assert all(r["filters"]["series"] == ["Daily digests"] for r in days)
    for report in REPORTS:
        (record,) = by_page[f"/issues/{report}/"]
        assert record["filters"] == {"series": ["Situation reports"]}
    # "cholera" is told in the humanitarian section of the second week only.
    cholera = [
        r["filters"].get("section")
        for r in by_page[f"/issues/{WEEKS[1]}/"]
        if "cholera" in r["content"].lower()
    ]
    assert cholera == [["Humanitarian"]]


def test_a_second_series_rewrites_the_first_s_pages_on_the_next_build(tmp_path):
    """The incremental build keeps unchanged pages: the series kicker is part of what an
    issue page is made from, so the weekly pages are written again when reports start."""
    conf = make_project(tmp_path / "site")
    for args in (("collect",), *DRAFTS[:2], ("build",)):
        assert run_cli(conf, *args).exit_code == 0
    out = conf.parent / "output"
    assert not page(out, f"issues/{WEEKS[1]}/index.html").select("p.issue-series")
    assert run_cli(conf, *DRAFTS[4]).exit_code == 0
    result = run_cli(conf, "build")
    assert result.exit_code == 0, result.output
    for week in WEEKS:
        kicker = page(out, f"issues/{week}/index.html").select_one("p.issue-series a")
        assert kicker is not None and kicker.get_text() == "Weekly issues", week
    assert (out / "series" / "report" / "index.html").is_file()
    assert (out / "feeds" / "weekly.atom.xml").is_file()


def test_a_site_of_one_series_is_as_it_was(sample_site):
    """conftest's sample: the two weekly issues only."""
    out = sample_site / "output"
    assert not (out / "series").exists()
    assert sorted(p.name for p in (out / "feeds").iterdir() if p.is_file()) == [
        "atom.xml",
        "feed.json",
        "rss.xml",
    ]
    for week in WEEKS:
        soup = page(out, f"issues/{week}/index.html")
        assert not soup.select("p.issue-series")
    index = page(out, "index.html")
    assert not index.select("section.series-latest") and not index.select(".listing-subtitle")
    assert not page(out, "archives/index.html").select("nav.series-nav")
    # No series filter to choose from, and a section filter per section record.
    for record in records(out):
        assert "series" not in record["filters"]
        assert len(record["filters"]["section"]) == 1
