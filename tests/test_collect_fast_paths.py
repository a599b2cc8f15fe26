"""The fast paths of collect give what the paths of record give (issue 25).

lxml reads the common shape of RSS 2.0 and Atom (collect/fast_feed.py) where feedparser read
every document; the text of sanitized HTML, the cut of boilerplate, plain URLs and the
store's batch of new items each have a shortcut beside the general code. Each is held here
to the general answer on feedparser's own corpus (about 2,200 hostile and odd feeds), our
fixtures, the benchmark's documents and seeded random inputs, field by field.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nh3
import pytest

from benchmarks.collect import make_feed
from digest.collect import fast_feed, sanitize
from digest.collect.boilerplate import _TOKEN, _cut, _cut_plain, _kept_span, kept_span
from digest.collect.charset import decode
from digest.collect.detect import parse
from digest.collect.http import Fetched
from digest.collect.normalize import normalize
from digest.collect.rss_atom import parse_feed, resolve_url
from digest.errors import ParseError
from digest.models import Item, Source
from digest.store import Store
from digest.store.keys import _canonical_parsed, canonical_url
from tests.support.corpus import read_case

URL = "https://corpus.example/feed.xml"
FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)


def both_ways(body: bytes, headers: dict[str, str]) -> tuple[object, object]:
    """What parse_feed makes of a document with the fast path and with feedparser only."""

    def run(fast: bool) -> object:
        try:
            return parse_feed(body, headers, URL, fast=fast)
        except ParseError as exc:
            return ("ParseError", str(exc))

    return run(True), run(False)


def read_fast(body: bytes) -> object:
    """fast_feed's answer for a plain UTF-8 document (None: feedparser reads it)."""
    return fast_feed.read(body.decode("utf-8"), None)


# --------------------------------------------------------------------------- documents


def test_lxml_reads_every_corpus_feed_as_feedparser_does(corpus):
    files = sorted(corpus.rglob("*.xml")) + sorted(FEEDS.glob("*.xml"))
    assert len(files) > 2000
    differ, fast = [], 0
    for path in files:
        body = path.read_bytes()
        headers = read_case(body).headers or {"content-type": "application/xml"}
        text, _ = decode(body, headers.get("content-type", ""), declared=None)
        fast += fast_feed.read(text, None) is not None
        with_lxml, feedparser_only = both_ways(body, headers)
        if with_lxml != feedparser_only:
            differ.append(path.relative_to(corpus if corpus in path.parents else FEEDS))
    assert differ == []
    assert fast > 500  # the fast path is really taken, not only refused


def test_lxml_reads_every_benchmark_feed_as_feedparser_does():
    for number in range(40):
        content_type, body = make_feed(number, 20)
        if content_type == "application/feed+json":
            continue
        assert read_fast(body) is not None, number
        with_lxml, feedparser_only = both_ways(body, {"content-type": content_type})
        assert with_lxml == feedparser_only
        assert len(with_lxml.entries) == 20


def test_lxml_reads_random_feeds_as_feedparser_does():
    rnd = random.Random(25)
    fast = 0
    for _ in range(1500):
        body, headers = _random_feed(rnd)
        fast += read_fast(body) is not None
        with_lxml, feedparser_only = both_ways(body, headers)
        assert with_lxml == feedparser_only, body.decode()
    assert fast > 700


@pytest.mark.parametrize(
    "document",
    [
        # feedparser reads what libxml2 and expat disagree on, and what needs a DTD
        '<rss version="2.0"><channel><item><foo:title>a</foo:title></item></channel></rss>',
        '<rss version="2.0"><channel><item foo:x="1"><title>a</title></item></channel></rss>',
        '<rss version="2.0" xmlns:dc=""><channel><item><title>a</title></item></channel></rss>',
        '<rss version="2.0"><channel><item><title>a]]>b</title></item></channel></rss>',
        '<rss version="2.0"><channel><item><title>a&nbsp;b</title></item></channel></rss>',
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0"><channel>'
        "<item><title>&e;</title></item></channel></rss>",
        '<!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss version="2.0"><channel></channel></rss>',
        # shapes it leaves to feedparser: xml:base, XHTML, another version or namespace
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://e.x/"><entry><title>a'
        "</title></entry></feed>",
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div '
        'xmlns="http://www.w3.org/1999/xhtml">a</div></content></entry></feed>',
        '<rss version="0.92"><channel><item><title>a</title></item></channel></rss>',
        '<rss version="2.0"><channel><item><Title>a</Title></item></channel></rss>',
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        "<title>a</title></item></channel></rss>",
        '<rss version="2.0"><channel><item><title>a</title><title>b</title></item></channel></rss>',
        '<rss version="2.0"><channel><item><description><p>inline</p></description></item>'
        "</channel></rss>",
    ],
)
def test_what_lxml_leaves_to_feedparser(document):
    body = document.encode()
    assert read_fast(body) is None
    with_lxml, feedparser_only = both_ways(body, {"content-type": "application/xml"})
    assert with_lxml == feedparser_only


def test_hostile_fixtures_never_take_the_fast_path():  # BAD-INPUTS: entities, XXE
    for name in ("billion-laughs.xml", "xxe.xml"):
        assert read_fast((FEEDS / name).read_bytes()) is None


def test_normalized_items_are_the_same_either_way():
    source = Source(name="site", url="https://site.example/feed")
    for number in range(10):
        content_type, body = make_feed(number, 10)
        if content_type == "application/feed+json":
            continue
        for fast in (True, False):
            feed = parse_feed(body, {"content-type": content_type}, source.url, fast=fast)
            items = [normalize(e, source, now=NOW, base_url=source.url) for e in feed.entries]
            if fast:
                first = items
        assert first == items


# --------------------------------------------------------------------------- text and cuts


def _fragments() -> list[str]:
    rnd = random.Random(17)
    bits = [
        "Read more", "more", "[…]", "Follow us on Telegram.", "The minister said on Tuesday.",
        " ", "\n", "&amp;", "&nbsp;", "&lt;b&gt;", "…", "Related:", "x < y", "a > b", "é",
        "اقرأ أيضا", "<p>", "</p>", "<br>", "<strong>", "</strong>", "<a href='/x?a=1&b=2'>",
        "</a>", "<div>", "</div>", "<li>", "<ul>", "</ul>", "<table><tr><td>", "</td><td>",
        "</td></tr></table>", "<em>", "</em>", "<h2>", "</h2>", "<span dir='rtl'>", "</span>",
        "<blockquote>", "</blockquote>", "<script>x</script>", "<!-- c -->", "<p1>", "<pre>",
    ]  # fmt: skip
    return ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 14))) for _ in range(4000)]


def test_the_flat_text_reading_is_the_walked_one():
    checked = 0
    for fragment in _fragments():
        read = sanitize._TEXT_READER.clean(fragment)
        if "<pre" not in read:
            assert sanitize._flat_text(read) == sanitize._walked_text(read), fragment
            checked += 1
    assert checked > 3000


def test_plain_text_reads_as_html5ever_reads_it():
    rnd = random.Random(3)
    alphabet = "ab c\n\t\x0b\x0c\x1f\x7f\x85\xa0\u2028\ufeff\ufffe>\"'é؟\u200f\U0001f600;=/"
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        # an empty inline element adds no text, but takes the text through nh3
        assert sanitize.html_to_text(text) == sanitize.html_to_text(text + "<b></b>"), text


def test_the_plain_cut_is_the_general_cut():
    rnd = random.Random(5)
    checked = 0
    for fragment in _fragments():
        segment = nh3.clean(fragment, tags={"a", "strong", "em", "span"}, attributes={})
        if "&" in segment:
            continue
        tokens = _TOKEN.findall(segment)
        pieces = [(t, "" if t.startswith("<") else t.replace("\n", " ")) for t in tokens]
        size = sum(len(text) for _, text in pieces)
        for _ in range(5):
            start, end = sorted(rnd.randint(0, size + 1) for _ in range(2))
            ellipsis = rnd.random() < 0.5
            assert _cut_plain(tokens, start, end, ellipsis) == _cut(pieces, start, end, ellipsis)
            checked += 1
    assert checked > 5000


def test_a_kept_line_is_cut_the_same_from_the_cache():
    line = "The minister said the talks resumed. Read more »"
    assert kept_span(line) == _kept_span(line) == kept_span(line)
    long_line = "word " * 2000 + "Read more"
    assert kept_span(long_line) == _kept_span(long_line)


def test_the_cleaner_kept_per_base_cleans_as_nh3_clean_does(corpus):
    policy = sanitize.CONTENT
    payloads = [p.read_text("utf-8", "replace") for p in (corpus / "wellformed/sanitize").glob("*")]
    for base in (None, "https://e.example/a/", "http://other.example/"):
        for html in payloads:
            expected = nh3.clean(
                html,
                tags=set(policy.tags),
                clean_content_tags=set(sanitize.DROP_WITH_CONTENT),
                attributes={tag: set(names) for tag, names in policy.attributes.items()},
                url_schemes=set(sanitize.URL_SCHEMES),
                url_relative="deny" if base is None else ("rewrite_with_base", base),
                link_rel=policy.link_rel,
                strip_comments=True,
            )
            assert policy.clean(html, base) == expected


# --------------------------------------------------------------------------- URLs


def _urls(count: int) -> list[str]:
    rnd = random.Random(7)
    parts = [
        "http://", "https://", "HTTP://", "ftp://", "", "example.com", "EX.com", "a.b.", ".",
        "..", "127.0.0.1", "[::1]", "h:80", "h:99999", "u:p@h", "/", "/path", "//double",
        "/a;b", "/a;", "/a%20b", "?q=1", "?utm_source=x&id=2", "?", "#", "#f", " ", "\t",
        "/é", "/a b", "/./x", "/../y", "/~x", "/'\"", "/[x]", "-", "%41", "@", ":", ";",
    ]  # fmt: skip
    starts = ["", "http://example.com", "https://a.b.", "http://..", "https://127.0.0.1"]
    return [
        rnd.choice(starts) + "".join(rnd.choice(parts) for _ in range(rnd.randint(1, 6)))
        for _ in range(count)
    ]


def test_a_plain_web_url_is_its_own_join_and_safe_form():
    bases = ["https://base.example/feed/", "http://base.example/x", "ftp://x/", ""]
    plain = [url for url in _urls(20000) if sanitize.is_plain_web_url(url)]
    assert len(plain) > 1000
    for url in plain:
        assert all(urljoin(base, url) == url for base in bases), url
        assert all(resolve_url(base, url) == url for base in bases), url
        assert urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname
        assert all(sanitize.safe_url(url, base) == url for base in [None, *bases]), url


def test_canonical_urls_are_the_same_without_parsing():
    for url in [*_urls(20000), "https://..//x", "http://Example.com/a", "https://e.x/a?b"]:
        assert canonical_url(url) == _canonical_parsed(url), url


# --------------------------------------------------------------------------- the store


def _items(count: int, source: str = "site") -> list[Item]:
    return [
        Item(
            source=source,
            guid=f"https://site.example/news/{n}" if n % 3 else None,
            url=f"https://site.example/news/{n}?utm_source=x" if n % 4 else None,
            title=f"Story {n}" if n % 5 else "Same headline",
            summary_html=f"<p>Story {n}</p>",
            text=f"Story {n}",
            published=NOW,
            language="en",
            date_flag=None if n % 7 else "missing",
        )
        for n in range(count)
    ]


def _rows(path: Path) -> list[tuple]:
    with Store(path) as store:
        return [tuple(row) for row in store._db.execute("SELECT * FROM items ORDER BY id")]


def test_a_batch_of_new_items_is_stored_as_one_by_one(tmp_path):
    items = _items(30)
    distinct = [i for i in items if i.title != "Same headline"]  # content keys all differ
    with Store(tmp_path / "batch.sqlite3") as store:  # all new: the batch goes in at once
        assert store.save_items(distinct[:1], NOW).new == 1
        assert store.save_items(distinct[1:], NOW).new == len(distinct) - 1
    with Store(tmp_path / "careful.sqlite3") as store:  # one known key: entry by entry
        assert store.save_items(distinct[:1], NOW).new == 1
        counts = store.save_items(distinct, NOW)
        assert (counts.new, counts.unchanged) == (len(distinct) - 1, 1)
    assert _rows(tmp_path / "batch.sqlite3") == _rows(tmp_path / "careful.sqlite3")


def test_a_batch_with_shared_keys_still_takes_the_careful_way(tmp_path):
    items = _items(30)  # several "Same headline" on one date: content keys told apart
    with Store(tmp_path / "s.sqlite3") as store:
        assert store.save_items(items, NOW).new == 30
        assert store.save_items(items, NOW).unchanged == 30
        keys = [r[0] for r in store._db.execute("SELECT content_key FROM items")]
    assert len(set(keys)) == 30 and all(re.fullmatch(r"sha256:\w{64}(#\d+)?", k) for k in keys)


def test_the_benchmark_corpus_is_stored_the_same_either_way(tmp_path):
    source = Source(name="site", url="https://site.example/feed")
    content_type, body = make_feed(2, 50)
    fetched = Fetched(url=source.url, status=200, headers={"content-type": content_type}, body=body)
    items = [
        normalize(e, source, now=NOW, base_url=source.url) for e in parse(fetched, source).entries
    ]
    with Store(tmp_path / "a.sqlite3") as store:  # all new: at once
        assert store.save_items(items, NOW).new == 50
    with Store(tmp_path / "b.sqlite3") as store:  # the first one known: entry by entry
        store.save_items(items[:1], NOW)
        assert store.save_items(items, NOW).new == 49
    assert _rows(tmp_path / "a.sqlite3") == _rows(tmp_path / "b.sqlite3")


# --------------------------------------------------------------------------- generators


def _random_feed(rnd: random.Random) -> tuple[bytes, dict[str, str]]:
    texts = [
        "", " ", "plain", "  spaced  ", "a &amp; b", "&lt;b&gt;bold&lt;/b&gt;",
        "<![CDATA[<p>x</p>]]>", "<![CDATA[a & b]]>", "&#x80;&#x99;", "Ã©tÃ©", "café", "&#233;",
        "x<!-- c -->y", "&amp;nbsp;", "&lt;script&gt;alert(1)&lt;/script&gt;",
        "http://example.org/a?x=1&amp;y=2", "http:///triple", "/relative/path", "urn:uuid:1",
        "مرحبا", "&lt;b&gt;x", "tab\there", "&#xD;cr", "Sun, 04 Feb 2024 10:00:00 GMT",
        "2024-02-04T10:00:00Z", "2024-02-29", "&#x9F;",
    ]  # fmt: skip

    def text() -> str:
        return rnd.choice(texts)

    def lang() -> str:
        value = rnd.choice([None, "", "en", "en_US", "ar"])
        return "" if value is None else f' xml:lang="{value}"'

    if rnd.random() < 0.5:
        items = []
        for _ in range(rnd.randint(0, 3)):
            parts = []
            names = ["title", "link", "description", "guid", "pubDate", "content", "title"]
            for name in rnd.sample(names, rnd.randint(0, 6)):
                if name == "guid":
                    permalink = rnd.choice(["", ' isPermaLink="false"', ' isPermaLink="True"'])
                    parts.append(f"<guid{permalink}{lang()}>{text()}</guid>")
                elif name == "content":
                    parts.append(f"<content:encoded{lang()}>{text()}</content:encoded>")
                else:
                    parts.append(f"<{name}{lang()}>{text()}</{name}>")
            items.append(f"<item{lang()}>{''.join(parts)}</item>")
        channel = f"<title>{text()}</title><language>{rnd.choice(['en', ' ar '])}</language>"
        version = rnd.choice(["2.0", "2.0", "0.92"])
        namespaces = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        document = (
            f'<rss version="{version}"{namespaces}{lang()}><channel{lang()}>{channel}'
            f"{''.join(items)}</channel></rss>"
        )
    else:
        entries = []
        for _ in range(rnd.randint(0, 3)):
            parts = []
            names = ["title", "link", "id", "updated", "published", "summary", "content"]
            for name in rnd.sample(names, rnd.randint(0, 7)):
                kind = rnd.choice(["", ' type="html"', ' type="text"', ' type="TEXT/HTML"'])
                if name in ("title", "summary", "content"):
                    parts.append(f"<{name}{kind}{lang()}>{text()}</{name}>")
                elif name == "link":
                    rel = rnd.choice(["", ' rel="alternate"', ' rel="self"', ' rel=""'])
                    href = rnd.choice(["http://e.x/a", "", "/rel", "http:///x"])
                    parts.append(f'<link{rel} href="{href}"/>')
                else:
                    parts.append(f"<{name}>{text()}</{name}>")
            entries.append(f"<entry{lang()}>{''.join(parts)}</entry>")
        document = (
            f'<feed xmlns="http://www.w3.org/2005/Atom"{lang()}><title>{text()}</title>'
            f"{''.join(entries)}</feed>"
        )
    declaration = rnd.choice(
        ['<?xml version="1.0" encoding="utf-8"?>', "", '<?xml version="1.1"?>']
    )
    headers = {"content-type": rnd.choice(["application/xml", "text/xml"])}
    if rnd.random() < 0.2:
        headers["content-language"] = rnd.choice(["en", "ar_IQ"])
    return (declaration + document).encode(), headers
