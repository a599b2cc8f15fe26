"""Issue 5: the feeds (Atom 1.0, RSS 2.0, JSON Feed 1.1; of issues and per section).

Every feed parses back cleanly, the Atom ones validate against RFC 4287's RELAX NG schema
(tests/data/atom.rng) plus the Schematron rules it cannot express, ids and dates do not
move between builds, and hostile issue text (BAD-INPUTS 28-30) is inert in every feed.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from tests.conftest import run_cli

ATOM_NS = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM_NS}}}"
SCHEMA = Path(__file__).parent / "data" / "atom.rng"
SITE = "https://monitor.example.org"
SECTIONS = ("politics", "security", "humanitarian", "economy")
WEEKS = ("2024-02-08", "2024-02-01")  # newest first, as the feeds list them


@pytest.fixture(scope="module")
def feeds(sample_site: Path) -> Path:
    return sample_site / "output" / "feeds"


def xml_feeds(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.xml"))


def atom_feeds(folder: Path) -> list[Path]:
    return [folder / "atom.xml", *sorted((folder / "sections").glob("*.atom.xml"))]


def json_feeds(folder: Path) -> list[Path]:
    return [folder / "feed.json", *sorted((folder / "sections").glob("*.json"))]


def test_every_section_has_atom_rss_and_json_feeds(feeds):
    names = {p.name for p in (feeds / "sections").iterdir()}
    assert names == {f"{key}.{ext}" for key in SECTIONS for ext in ("atom.xml", "rss.xml", "json")}


# --------------------------------------------------------------------------- parse back


def test_every_xml_feed_parses_back_without_errors(feeds):
    paths = xml_feeds(feeds)
    assert len(paths) == 2 + 2 * len(SECTIONS)
    for path in paths:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, f"{path.name}: {feed.get('bozo_exception')}"
        assert feed.version == ("atom10" if path.name.endswith("atom.xml") else "rss20")
        assert len(feed.entries) == 2, path.name
        for entry in feed.entries:
            assert entry.link.startswith(f"{SITE}/issues/"), path.name
            assert entry.id.startswith("tag:monitor.example.org,2024-02-"), path.name
            assert entry.title and entry.get("author"), path.name


def test_section_feed_entries_are_that_section_of_each_issue(sample_site, feeds):
    for key in SECTIONS:
        for name in (f"{key}.atom.xml", f"{key}.rss.xml"):
            feed = feedparser.parse((feeds / "sections" / name).read_bytes())
            assert [e.link for e in feed.entries] == [f"{SITE}/issues/{w}/#{key}" for w in WEEKS]
            for entry, week in zip(feed.entries, WEEKS, strict=True):
                data = json.loads((sample_site / "output/issues" / week / "issue.json").read_text())
                section = next(s for s in data["sections"] if s["key"] == key)
                assert entry.title == section["headline"]
                content = entry.get("content", [{}])[0].get("value") or entry.summary
                assert "Sources cited in this section include:" in content
                assert "Key Takeaways" not in content  # the section, not the whole issue
                for item in section["items"]:
                    assert all(link in content for link in item["links"])


def test_json_feeds_are_json_feed_1_1_with_the_required_fields(feeds):
    paths = json_feeds(feeds)
    assert len(paths) == 1 + len(SECTIONS)
    for path in paths:
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1", path.name
        assert isinstance(feed["title"], str) and feed["title"], path.name
        assert feed["home_page_url"] == f"{SITE}/"
        assert feed["feed_url"] == f"{SITE}/feeds/{path.relative_to(feeds).as_posix()}"
        assert isinstance(feed["items"], list) and len(feed["items"]) == 2, path.name
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["id"], path.name
            assert item.get("content_html") or item.get("content_text"), path.name
            assert item["url"].startswith(f"{SITE}/issues/"), path.name
            published = datetime.fromisoformat(item["date_published"])
            assert published.utcoffset() is not None  # RFC 3339: with an offset
            assert datetime.fromisoformat(item["date_modified"]) >= published
            assert all(a["name"] for a in item["authors"])
    issues = json.loads((feeds / "feed.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in issues["items"]] == [f"{SITE}/issues/{w}/" for w in WEEKS]
    security = json.loads((feeds / "sections" / "security.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in security["items"]] == [f"{SITE}/issues/{w}/#security" for w in WEEKS]


# --------------------------------------------------------------------------- RFC 4287


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def test_atom_feeds_validate_against_the_rfc_4287_schema(feeds, atom_schema):
    paths = atom_feeds(feeds)
    assert len(paths) == 1 + len(SECTIONS)
    for path in paths:
        document = etree.parse(str(path))
        assert atom_schema.validate(document), f"{path.name}: {atom_schema.error_log}"


def test_the_schema_rejects_an_invalid_feed(atom_schema):
    # The schema is not vacuous: an entry without an id or updated is refused.
    bad = (
        f'<feed xmlns="{ATOM_NS}"><title>t</title><id>urn:x</id>'
        "<updated>2024-02-08T00:00:00Z</updated><entry><title>e</title></entry></feed>"
    )
    assert not atom_schema.validate(etree.fromstring(bad))


def schematron_problems(feed: etree._Element) -> list[str]:
    """RFC 4287's rules that RELAX NG cannot say (its Schematron annotations, and 4.1.1/4.1.2)."""
    problems = []
    entries = feed.findall(f"{A}entry")
    feed_author = feed.find(f"{A}author") is not None
    if not feed_author and not all(e.find(f"{A}author") is not None for e in entries):
        problems.append("feed: no atom:author, and not every entry has one")
    problems += _link_problems(feed, "feed")
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        alternate = [
            link
            for link in entry.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        content = entry.find(f"{A}content")
        if content is None and not alternate:
            problems.append(f"{where}: neither atom:content nor a rel=alternate link")
        if content is not None and content.get("src") and entry.find(f"{A}summary") is None:
            problems.append(f"{where}: content with src but no summary")
        problems += _link_problems(entry, where)
        for tag in ("id", "title", "updated"):
            if len(entry.findall(f"{A}{tag}")) != 1:
                problems.append(f"{where}: not exactly one atom:{tag}")
    ids = [e.findtext(f"{A}id") for e in entries]
    if len(set(ids)) != len(ids):
        problems.append("two entries share an atom:id")
    return problems


def _link_problems(element: etree._Element, where: str) -> list[str]:
    seen = set()
    problems = []
    for link in element.findall(f"{A}link"):
        if link.get("rel", "alternate") != "alternate":
            continue
        key = (link.get("type"), link.get("hreflang"))
        if key in seen:
            problems.append(f"{where}: two rel=alternate links with the same type and hreflang")
        seen.add(key)
    for text in element.iterfind(f"{A}id"):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", text.text or ""):
            problems.append(f"{where}: atom:id {text.text!r} is not an absolute IRI")
    return problems


def test_atom_feeds_follow_the_rules_the_schema_cannot_express(feeds):
    paths = atom_feeds(feeds)
    assert len(paths) == 1 + len(SECTIONS)
    for path in paths:
        assert schematron_problems(etree.parse(str(path)).getroot()) == [], path.name


def test_the_schematron_checks_catch_a_missing_author_and_link():
    feed = etree.fromstring(
        f'<feed xmlns="{ATOM_NS}"><title>t</title><id>urn:x</id>'
        "<updated>2024-02-08T00:00:00Z</updated><entry><title>e</title><id>urn:e</id>"
        "<updated>2024-02-08T00:00:00Z</updated></entry></feed>"
    )
    assert schematron_problems(feed) == [
        "feed: no atom:author, and not every entry has one",
        "entry 1: neither atom:content nor a rel=alternate link",
    ]


# --------------------------------------------------------------------------- links, dates


def content_html(path: Path) -> list[str]:
    """Every HTML payload of a feed: Atom/RSS html text constructs, JSON content_html."""
    if path.suffix == ".json":
        return [i["content_html"] for i in json.loads(path.read_text())["items"]]
    feed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    out = []
    for entry in feed.entries:
        out += [c.value for c in entry.get("content", [])]
        out.append(entry.get("summary", ""))
    return out


def test_every_link_in_every_feed_is_absolute(feeds):
    paths = [*xml_feeds(feeds), *json_feeds(feeds)]
    assert len(paths) == 3 * (1 + len(SECTIONS))
    for path in paths:
        fragments = [BeautifulSoup(f, "html.parser") for f in content_html(path)]
        hrefs = [a["href"] for soup in fragments for a in soup.select("[href]")]
        assert hrefs, path.name  # every feed carries the issues' source links
        for href in hrefs:
            assert href.startswith(("https://", "http://", "mailto:")), (path.name, href)


def test_dates_are_the_issue_dates(feeds):
    atom = etree.parse(str(feeds / "atom.xml")).getroot()
    entries = atom.findall(f"{A}entry")
    assert [e.findtext(f"{A}published") for e in entries] == [f"{w}T00:00:00+03:00" for w in WEEKS]
    assert [e.findtext(f"{A}updated") for e in entries] == [f"{w}T00:00:00+03:00" for w in WEEKS]
    assert atom.findtext(f"{A}updated") == "2024-02-08T00:00:00+03:00"  # the newest issue
    rss = feedparser.parse((feeds / "sections" / "economy.rss.xml").read_bytes())
    assert [e.published for e in rss.entries] == [
        "Thu, 08 Feb 2024 00:00:00 +0300",
        "Thu, 01 Feb 2024 00:00:00 +0300",
    ]


# --------------------------------------------------------------------------- hostile issues

# BAD-INPUTS 28 (mXSS), 29 (markup in text fields), 30 (metadata and template injection).
MXSS = (
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(2)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(3)>",
    "<!--><img src=x onerror=alert(4)>-->",
    "sa<!-- -- nonwhitespace >fe<script>alert(5)</script>",
    "safe<!--",
)
HOSTILE_ISSUE = """Title: Weekly <img src=x onerror=alert(1)> "><script>alert(1)</script>
Date: 2024-02-08
Modified: 2024-02-09 10:30
Slug: 2024-02-08
Issue: 2
Period: 2024-02-02 to 2024-02-08
Layout: weekly

## </title><script>alert(1)</script> <img src=x onerror=alert(1)> {{#security}}

Takeaway: <img src=x onerror=alert(1)> {{{{ 7*7 }}}} [more](javascript:alert(1)).

{paragraphs}

## Budget <a href="javascript:alert(1)" onclick="x()">talks</a> {{#economy}}

Takeaway: On February 5, the budget <svg onload=alert(1)> was discussed.

On February 5, the budget {{% include '/etc/passwd' %}} [link](javascript:alert(1)) \
[data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://mer.example/budget) [mail](mailto:a@b.example).
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A project whose one issue is hostile, built twice; the second build's feeds."""
    from tests.conftest import make_project

    conf = make_project(tmp_path_factory.mktemp("hostile") / "site", samples=False)
    paragraphs = "\n\n".join(
        f"On February {n}, {payload} ([Tigris Wire](https://tigriswire.example/{n}))."
        for n, payload in enumerate(MXSS, 2)
    )
    issue = conf.parent / "content" / "issues" / "2024-02-08.md"
    issue.write_text(HOSTILE_ISSUE.format(paragraphs=paragraphs), encoding="utf-8")
    first = run_cli(conf, "build")
    assert first.exit_code == 0, first.output
    feeds = conf.parent / "output" / "feeds"
    before = {str(p.relative_to(feeds)): p.read_bytes() for p in feeds.rglob("*") if p.is_file()}
    second = run_cli(conf, "build")
    assert second.exit_code == 0, second.output
    return feeds, before


def test_hostile_issue_text_is_inert_in_every_feed(hostile):
    feeds, _ = hostile
    paths = [*xml_feeds(feeds), *json_feeds(feeds)]
    assert {p.name for p in paths} >= {"atom.xml", "rss.xml", "security.atom.xml", "economy.json"}
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".xml":
            # Markup in titles and content is escaped once: no live tag in the XML itself.
            assert not re.search(r"<(script|img|svg|math|noscript|a)\b", raw, re.I), path.name
        fragments = content_html(path)
        assert fragments, path.name
        for fragment in fragments:
            soup = BeautifulSoup(fragment, "html.parser")
            assert not soup.select("script, img, svg, math, style, noscript, iframe"), path.name
            for element in soup.find_all(True):
                for name, value in element.attrs.items():
                    assert not name.lower().startswith("on"), (path.name, element)
                    text = value if isinstance(value, str) else " ".join(value)
                    assert not re.match(r"\s*(javascript|data|vbscript):", text, re.I), path.name
            assert "javascript:" not in html.unescape(
                " ".join(a["href"] for a in soup.select("[href]"))
            )


def test_hostile_text_is_shown_as_text(hostile):
    feeds, _ = hostile
    feed = json.loads((feeds / "feed.json").read_text(encoding="utf-8"))
    (item,) = feed["items"]
    assert item["title"].startswith("Weekly <img src=x onerror=alert(1)>")  # plain text field
    text = BeautifulSoup(item["content_html"], "html.parser").get_text()
    assert "{{ 7*7 }}" in text and "{% include '/etc/passwd' %}" in text  # no template ran
    assert "<img src=x onerror=alert(1)>" in text  # the editor's raw HTML, shown as text
    links = [a["href"] for a in BeautifulSoup(item["content_html"], "html.parser").select("a")]
    assert "https://mer.example/budget" in links and "mailto:a@b.example" in links


def test_ids_and_dates_do_not_change_between_builds(hostile):
    feeds, before = hostile
    after = {str(p.relative_to(feeds)): p.read_bytes() for p in feeds.rglob("*") if p.is_file()}
    assert after == before
    atom = feedparser.parse(after["atom.xml"])
    (entry,) = atom.entries
    assert entry.id == "tag:monitor.example.org,2024-02-08:/issues/2024-02-08/"
    assert entry.published == "2024-02-08T00:00:00+03:00"  # the issue's Date
    assert entry.updated == "2024-02-09T10:30:00+03:00"  # its Modified
    section = feedparser.parse(after["sections/security.atom.xml"])
    assert (
        section.entries[0].id == "tag:monitor.example.org,2024-02-08:/issues/2024-02-08/#security"
    )
    assert section.entries[0].updated == "2024-02-09T10:30:00+03:00"
    assert not (feeds / "sections" / "politics.atom.xml").exists()  # no issue has the section


def test_an_empty_site_dates_its_feeds_by_source_date_epoch(project):
    conf = project(samples=False)
    result = run_cli(conf, "build")
    assert result.exit_code == 0, result.output
    feeds = conf.parent / "output" / "feeds"
    atom = etree.parse(str(feeds / "atom.xml")).getroot()
    assert atom.findtext(f"{A}updated") == "2024-02-10T12:00:00+00:00"  # SOURCE_DATE_EPOCH
    assert json.loads((feeds / "feed.json").read_text())["items"] == []
    assert not (feeds / "sections").exists()


def test_templates_get_the_section_feeds_in_section_order(hostile):
    from pelican import signals

    from digest import config
    from digest.commands.build import run_pelican

    feeds, _ = hostile
    seen: list[object] = []

    def grab(generator, writer=None):
        seen.append(generator.context.get("DIGEST_SECTION_FEEDS"))

    signals.page_writer_finalized.connect(grab)
    try:
        run_pelican(config.load(feeds.parent.parent / "pelican.conf.py"))
    finally:
        signals.page_writer_finalized.disconnect(grab)
    base = f"{SITE}/feeds/sections"
    assert seen == [
        [
            {
                "key": key,
                "title": title,
                "atom": f"{base}/{key}.atom.xml",
                "rss": f"{base}/{key}.rss.xml",
                "json": f"{base}/{key}.json",
            }
            for key, title in (("security", "Security"), ("economy", "Economy"))
        ]
    ]


def test_the_feed_policy_is_the_sources_policy_widened_to_the_page_structure():
    from digest.collect.sanitize import CONTENT
    from digest.pelican_plugin.feeds import FEED, feed_html

    assert FEED.tags > CONTENT.tags
    assert all(FEED.attributes[tag] >= names for tag, names in CONTENT.attributes.items())
    page = "https://monitor.example.org/issues/2024-02-08/"
    got = feed_html(
        '<section id="s" class="c" style="x"><h2>T</h2><img src="/i.png">'
        '<a href="../2024-02-01/" onclick="x()">last week</a><script>x()</script></section>',
        page,
    )
    assert got == (
        '<section id="s" class="c"><h2>T</h2>'
        '<a href="https://monitor.example.org/issues/2024-02-01/">last week</a></section>'
    )


def test_an_empty_feed_is_dated_by_the_builds_clock_not_the_environment(monkeypatch):
    from datetime import UTC

    from feedgenerator import Atom1Feed

    from digest.pelican_plugin.feeds import polish

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the build read it already, into DIGEST_NOW
    now = datetime(2024, 2, 10, 12, tzinfo=UTC)
    feed = Atom1Feed(title="t", link=f"{SITE}/", description="d")
    polish({"DIGEST_NOW": now}, feed)
    assert feed.latest_post_date() == now
    by_hand = Atom1Feed(title="t", link=f"{SITE}/", description="d")
    polish({}, by_hand)  # Pelican run by hand: the system's clock
    assert by_hand.latest_post_date() > now
