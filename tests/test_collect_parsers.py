"""Feed, JSON Feed and HTML page parsers, reached through detect.parse like collect does."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.collect.detect import parse
from digest.collect.html import parse_html_page
from digest.collect.http import Fetched
from digest.collect.jsonfeed import parse_jsonfeed
from digest.collect.normalize import normalize
from digest.collect.rss_atom import parse_date, parse_feed
from digest.errors import ParseError
from digest.models import Selectors, Source

FEEDS = Path(__file__).parent / "data" / "feeds"
FEED_URL = "https://example.org/feed"
SOURCE = Source(name="Example", url=FEED_URL)
SELECTORS = Selectors(
    item="article.update", title="h2", link="h2 a", date="time, .date", summary=".summary"
)
PAGE = Source(
    name="Ministry", url="https://example.org/en/updates", kind="html", selectors=SELECTORS
)


def fetched(body: bytes, content_type: str = "", url: str = FEED_URL) -> Fetched:
    headers = {"content-type": content_type} if content_type else {}
    return Fetched(url=url, status=200, headers=headers, body=body)


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


# --------------------------------------------------------------------------- RSS / Atom


def test_rss2():
    feed = parse(fetched(fixture("rss2-basic.xml"), "application/rss+xml"), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("rss", "Example & Co. News", ())
    first, second = feed.entries
    assert first.title == "Twelve provinces elect governors"
    assert first.guid == "example-1001"
    assert first.url == "https://example.org/news/governors"
    assert first.published == datetime(2024, 2, 4, 7, 0, tzinfo=UTC)
    assert first.language == "en"
    # content:encoded wins over description; its relative link is resolved when cleaned.
    assert first.summary_html == '<p>Full text with <a href="/more">more</a>.</p>'
    assert first.base == FEED_URL
    item = normalize(first, SOURCE, now=datetime(2024, 2, 10, tzinfo=UTC), base_url=None)
    assert 'href="https://example.org/more"' in item.summary_html
    # BAD-INPUTS 24: a relative item link is made absolute against the feed URL.
    assert second.url == "https://example.org/news/relative"
    assert (second.guid, second.published) == (None, None)
    assert "<em>HTML</em>" in second.summary_html


def test_atom_with_xml_base_chain():  # BAD-INPUTS 24
    feed = parse(fetched(fixture("atom-xmlbase.xml"), "application/atom+xml"), SOURCE)
    assert feed.kind == "atom"
    first, second = feed.entries
    assert first.url == "https://example.org/news/2024/post-1.html"
    assert first.base == "https://example.org/news/2024/"
    item = normalize(first, SOURCE, now=datetime(2024, 2, 10, tzinfo=UTC), base_url=FEED_URL)
    assert 'href="https://example.org/news/about.html"' in item.summary_html
    assert first.published == datetime(2024, 2, 5, 8, 30, tzinfo=UTC)  # updated, in UTC
    assert second.url == "https://example.org/top-level"
    assert second.published == datetime(2024, 2, 3, 8, 0, tzinfo=UTC)  # published wins


def test_plain_text_titles_survive_normalize_unchanged():  # BAD-INPUTS 29
    feed = parse(fetched(fixture("atom-xmlbase.xml")), SOURCE)
    now = datetime(2024, 2, 10, tzinfo=UTC)
    items = [normalize(e, SOURCE, now=now, base_url=FEED_URL) for e in feed.entries]
    assert [item.title for item in items if item] == ["Use <b> & friends", "Second entry"]


def test_ill_formed_feed_is_read_loosely_with_a_warning():  # BAD-INPUTS 19
    feed = parse(fetched(fixture("rss-illformed.xml")), SOURCE)
    assert [e.url for e in feed.entries] == ["https://example.org/1", "https://example.org/2"]
    assert len(feed.warnings) == 1
    assert feed.warnings[0].startswith("ill-formed feed, read loosely: line 3")


def test_control_characters_are_stripped_at_ingest():  # BAD-INPUTS 18
    feed = parse(fetched(fixture("rss-control-chars.xml")), SOURCE)
    item = normalize(feed.entries[0], SOURCE, now=datetime(2024, 2, 10, tzinfo=UTC), base_url=None)
    assert item is not None
    assert (item.title, item.text) == ("Bad title here", "Text with controls")


def test_entities_are_not_expanded():  # BAD-INPUTS 14
    started = time.monotonic()
    feed = parse(fetched(fixture("billion-laughs.xml")), SOURCE)
    assert time.monotonic() - started < 1
    assert "lollol" not in feed.entries[0].title
    assert len(feed.entries[0].title) < 20


def test_external_entities_are_not_read():  # BAD-INPUTS 16
    feed = parse(fetched(fixture("xxe.xml")), SOURCE)
    assert "root:" not in feed.entries[0].title
    assert feed.entries[0].url == "https://example.org/xxe"


def test_a_body_that_names_a_file_is_not_opened(tmp_path: Path):  # BAD-INPUTS 8
    # feedparser.parse(b"/path") opens that path; we must hand it a stream, not bytes.
    local = tmp_path / "secret.xml"
    local.write_bytes(fixture("rss2-basic.xml"))
    with pytest.raises(ParseError, match=r"^not a feed \(no RSS or Atom document found\)$"):
        parse_feed(str(local).encode(), {}, FEED_URL)


# --------------------------------------------------------------------------- not a feed


def test_html_served_as_a_feed_is_not_a_feed():  # BAD-INPUTS 12
    message = r"^not a feed \(got an HTML page: 'Just a moment\.\.\.'\)$"
    with pytest.raises(ParseError, match=message):
        parse(fetched(fixture("html-as-feed.html"), "text/html"), SOURCE)
    with pytest.raises(ParseError, match=message):
        parse_feed(fixture("html-as-feed.html"), {}, FEED_URL)  # the parser's own check


@pytest.mark.parametrize("body", [b"", b"   \n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n"])
def test_an_empty_document_is_not_a_feed(body):  # BAD-INPUTS 19, 20
    with pytest.raises(ParseError, match=r"^not a feed \(empty document\)$"):
        parse(fetched(body, "application/rss+xml"), SOURCE)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "bad JSON: "),
        (b"[1, 2, 3]", "JSON, but not a JSON Feed object"),
        (b'{"title": "x", "items": []}', "JSON without a jsonfeed.org version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "JSON Feed without"),
        (b"[" * 100_000, "JSON nested too deeply"),  # BAD-INPUTS 23
    ],
)
def test_bad_json_is_not_a_feed(body, reason):  # BAD-INPUTS 20
    with pytest.raises(ParseError, match=r"^not a feed \(") as caught:
        parse(fetched(body), SOURCE)
    assert reason in str(caught.value)


def test_binary_data_is_not_a_feed():  # BAD-INPUTS 20
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(ParseError, match=r"^not a feed \(got a PNG image\)$"):
        parse(fetched(png, "image/png"), SOURCE)


# --------------------------------------------------------------------------- JSON Feed


def test_jsonfeed_11_html_and_text_content():
    # Served as text/plain: the body decides, not the label.
    feed = parse(fetched(fixture("jsonfeed-1.1.json"), "text/plain"), SOURCE)
    assert (feed.kind, feed.title) == ("jsonfeed", "Example JSON")
    assert feed.warnings == ("1 items are not JSON objects; skipped",)
    html_item, text_item = feed.entries
    assert html_item.guid == "j-1"
    assert html_item.url == "https://example.org/posts/1"
    assert html_item.summary_html == '<p>Hello <a href="/x">world</a></p>'
    assert html_item.published == datetime(2024, 2, 4, 10, tzinfo=timezone(timedelta(hours=3)))
    assert html_item.language == "en"
    assert text_item.guid == "2"  # JSON Feed 1.0 allowed numbers
    assert text_item.url == "https://elsewhere.example/story"
    assert text_item.title == "Text &lt;content&gt; &amp; more"
    assert text_item.summary_html == (
        "<p>Line one &lt;b&gt;not bold&lt;/b&gt;<br>line two</p><p>Second paragraph</p>"
    )
    assert (text_item.published, text_item.language) == (None, "ar")


def test_jsonfeed_1_0_and_a_utf8_bom_are_accepted():
    body = b'\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1", "items": [{"id": "a",'
    body += b' "content_text": "x", "date_modified": "2024-02-04T10:00:00Z"}]}'
    feed = parse_jsonfeed(body, FEED_URL)
    assert feed.entries[0].published == datetime(2024, 2, 4, 10, tzinfo=UTC)


# --------------------------------------------------------------------------- HTML pages


def test_html_page_with_selectors_base_and_charset():  # BAD-INPUTS 17, 24
    page = fetched(fixture("html-page.html"), "text/html", url=PAGE.url)
    feed = parse(page, PAGE)
    assert (feed.kind, feed.title, feed.warnings) == ("html", "Ministry updates", ())
    first, second, undated = feed.entries
    assert "\u201cGovernors\u201d elected" in first.title  # windows-1252 smart quotes
    assert first.url == "https://example.org/en/2024/02/governors"  # via <base href>
    assert first.published == datetime(2024, 2, 4, 7, tzinfo=UTC)
    assert '<a href="https://example.org/en/details">' in first.summary_html
    assert first.language == "en"
    assert second.url == "https://other.example/story"
    assert second.published == datetime(2024, 2, 5, tzinfo=UTC)  # no zone: read as UTC
    assert second.summary_html == "Talks resume."
    assert (undated.url, undated.published) == ("https://example.org/en/undated", None)


def test_http_charset_wins_over_meta_but_not_over_a_bom():  # BAD-INPUTS 17
    body = '<meta charset="utf-8"><article class="update"><h2><a href="/a">Caf\u00e9</a></h2>'
    selectors = Selectors(item="article.update", title="h2", link="a")
    latin = parse_html_page(
        body.encode("latin-1"),
        PAGE.url,
        selectors,
        headers={"Content-Type": "text/html; charset=ISO-8859-1"},
    )
    assert "Caf\u00e9" in latin.entries[0].title
    bom = parse_html_page(
        b"\xef\xbb\xbf" + body.encode("utf-8"),
        PAGE.url,
        selectors,
        headers={"content-type": "text/html; charset=ISO-8859-1"},
    )
    assert "Caf\u00e9" in bom.entries[0].title


def test_a_non_http_base_href_is_ignored():  # BAD-INPUTS 24
    body = b'<base href="file:///etc/"><div class="i"><a href="passwd">x</a></div>'
    feed = parse_html_page(body, PAGE.url, Selectors(item="div.i", title="a", link="a"))
    assert feed.entries[0].url == "https://example.org/en/passwd"


def test_html_page_with_no_matching_items():
    selectors = Selectors(item="article.update", title="h2", link="a")
    with pytest.raises(ParseError, match=r"^no items matched selector 'article.update'$"):
        parse(fetched(b"<html><body><p>Nothing</p></body></html>", url=PAGE.url), PAGE)
    # The page's title says why: here, a challenge page (BAD-INPUTS 12).
    message = r"^no items matched selector 'article.update' \(page title: 'Just a moment\.\.\.'\)$"
    with pytest.raises(ParseError, match=message):
        parse_html_page(fixture("html-as-feed.html"), PAGE.url, selectors)


def test_deeply_nested_page_does_not_recurse():  # BAD-INPUTS 23
    body = b"<div>" * 5000 + b'<article class="update"><h2><a href="/x">Deep</a></h2></article>'
    feed = parse(fetched(body, url=PAGE.url), PAGE)
    assert feed.entries[0].url == "https://example.org/x"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-04T10:00:00+03:00", datetime(2024, 2, 4, 7, tzinfo=UTC)),
        ("2024-02-04T10:00:00Z", datetime(2024, 2, 4, 10, tzinfo=UTC)),
        ("2020-07-01", datetime(2020, 7, 1, tzinfo=UTC)),  # BAD-INPUTS 22 (pelican #2777)
        ("Sun, 04 Feb 2024 10:00:00 EDT", datetime(2024, 2, 4, 14, tzinfo=UTC)),  # BAD-INPUTS 22
        ("2024-02-29T23:59:59+00:00", datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)),
        ("", None),
        ("yesterday-ish", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
