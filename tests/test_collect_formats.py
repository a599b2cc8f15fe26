"""Issue 3: every feed format we read, and the hostile documents of BAD-INPUTS 14-24.

Documents go through detect.parse and normalize, the way collect runs them, with a fixed
`now`. Small format samples are committed under tests/data/feeds/ (each says what it tests);
documents that are big, binary or one variation of another are generated here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest import config
from digest.collect.detect import parse
from digest.collect.html import parse_html_page
from digest.collect.normalize import MAX_HTML, MAX_TEXT, MAX_TITLE, normalize
from digest.errors import ParseError
from digest.models import Item, ParsedFeed, Selectors, Source
from digest.periods import local_day, utc_window, week_ending
from digest.store import Store
from tests.conftest import FROZEN, make_project, run_cli
from tests.test_collect_parsers import FEED_URL, PAGE, SOURCE, fetched, fixture

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
ARABIC = "العراق: بغداد"
# Outside XML 1.0's Char production: nothing of it may be stored.
XML_ILLEGAL = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE]))


def items(feed: ParsedFeed, source: Source = SOURCE, base_url: str | None = FEED_URL) -> list[Item]:
    normalized = [normalize(e, source, now=NOW, base_url=base_url) for e in feed.entries]
    assert all(item is not None for item in normalized)
    return normalized  # type: ignore[return-value]


def rss(title: str, *, declare: str | None = None, extra: str = "") -> str:
    """A one-item RSS 2.0 document as text; `declare` is the XML declaration's encoding."""
    prolog = f'<?xml version="1.0" encoding="{declare}"?>\n' if declare else ""
    return (
        f'{prolog}<rss version="2.0"><channel><title>Encodings</title><item><title>{title}</title>'
        f"<link>https://example.org/item</link><description>{title}</description>{extra}"
        "</item></channel></rss>"
    )


def is_clean(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not set(text) & set(XML_ILLEGAL + "\ufffd")


# --------------------------------------------------------------------------- formats


def test_rss_091_netscape():
    # ISO-8859-1 bytes and Netscape's HTML entities, which only its DTD defines: the strict
    # parser stops at the first one, the loose parse reads them.
    feed = parse(fetched(fixture("rss091-netscape.xml"), "application/rss+xml"), SOURCE)
    assert (feed.kind, feed.title) == ("rss", "Netscape-era news")
    assert feed.warnings == ("ill-formed feed, read loosely: line 12: undefined entity",)
    (item,) = items(feed)
    assert (item.title, item.text) == ("Café été opens", "A new café.")
    assert (item.url, item.guid, item.language) == ("https://example.org/091/cafe", None, "fr")
    assert (item.published, item.date_flag) == (NOW, "missing")  # 0.91 items have no dates


def test_rss_091_userland():
    feed = parse(fetched(fixture("rss091-userland.xml")), SOURCE)
    assert (feed.kind, feed.warnings) == ("rss", ())
    (item,) = items(feed)
    assert item.url == "https://example.org/091u/scripting"  # BAD-INPUTS 24
    assert (item.title, item.text) == ("Scripting News", "Plain text summary.")


def test_rss_092_item_without_a_title():
    feed = parse(fetched(fixture("rss092.xml")), SOURCE)
    untitled, titled = items(feed)
    assert (untitled.title, untitled.text) == ("", "Title-less item with a link.")
    assert '<a href="https://example.org/092/more"' in untitled.summary_html
    assert (untitled.url, untitled.guid) == ("https://example.org/092/untitled", None)
    assert titled.title == "Titled item"


def test_rss_10_rdf():
    feed = parse(fetched(fixture("rss10-rdf.xml")), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("rss", "RDF news", ())
    (item,) = items(feed)
    assert item.guid == item.url == "https://example.org/rdf/1"  # rdf:about
    assert item.title == "Straße gesperrt"
    assert item.summary_html == "<p>Die <em>Straße</em> ist gesperrt.</p>"  # content:encoded
    assert (item.published, item.language) == (datetime(2024, 2, 4, 9, tzinfo=UTC), "de")


def test_rss_20():
    feed = parse(fetched(fixture("rss2-basic.xml")), SOURCE)
    first, second = items(feed)
    assert (feed.kind, first.guid, first.language) == ("rss", "example-1001", "en")
    assert first.published == datetime(2024, 2, 4, 7, tzinfo=UTC)
    assert second.title == "AT&T bold move"  # RSS titles are HTML
    assert (second.url, second.guid) == ("https://example.org/news/relative", None)


def test_atom_03():
    feed = parse(fetched(fixture("atom03.xml")), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("atom", "Atom 0.3 news", ())
    escaped, base64 = items(feed)
    assert escaped.summary_html == "<p>Hola <b>mundo</b></p>"  # mode="escaped"
    assert escaped.published == datetime(2024, 2, 4, 15, tzinfo=UTC)  # <issued>, -05:00
    assert (escaped.guid, escaped.language) == ("tag:example.org,2024:atom03-1", "es")
    assert base64.text == "Plain & text <not a tag>"  # mode="base64", type="text/plain"
    assert base64.summary_html == "Plain &amp; text &lt;not a tag&gt;"
    assert base64.published == datetime(2024, 2, 3, 8, tzinfo=UTC)  # <modified> only


def test_atom_03_created_dates_an_entry_without_issued_or_modified():
    feed = parse(fetched(fixture("atom03-created.xml")), SOURCE)
    created, modified, unreadable = items(feed)
    assert (created.published, created.date_flag) == (datetime(2024, 2, 4, 7, tzinfo=UTC), None)
    # published (issued), then updated (modified), then created.
    assert modified.published == datetime(2024, 2, 3, 8, tzinfo=UTC)
    # Given but unreadable: the fetch time, flagged as such, not as a missing date.
    assert (unreadable.published, unreadable.date_flag) == (NOW, "invalid")


def test_rss_dcterms_created_dates_an_item_without_a_pubdate():
    feed = parse(fetched(fixture("rss2-dcterms-created.xml"), "application/rss+xml"), SOURCE)
    created, modified = items(feed)
    assert (created.published, created.date_flag) == (datetime(2024, 2, 5, 6, 30, tzinfo=UTC), None)
    assert modified.published == datetime(2024, 2, 6, 6, 30, tzinfo=UTC)


def test_entries_whose_only_text_is_mathml_or_svg_keep_it_as_plain_text():  # BAD-INPUTS 25, 28
    feed = parse(fetched(fixture("atom-math-svg.xml")), SOURCE)
    formula, tex, chart = items(feed)  # none dropped for want of a title or text
    assert (formula.title, formula.text, formula.summary_html) == ("", "x=2", "x=2")
    assert tex.text == "E=mc2"  # the TeX annotation is not shown to readers, so not kept
    assert chart.text == "Displaced families 12,400 in Duhok"
    for item in (formula, tex, chart):
        assert "<" not in item.summary_html
        assert not re.search(r"alert|steal|fill|chart|E=mc\^2", item.text, re.I), item.text


def test_collect_stores_them_from_local_feed_files(tmp_path):
    """The same documents through `digest collect`, into the store."""
    folder = tmp_path / "site"
    (folder / "feeds").mkdir(parents=True)
    names = ("atom03-created.xml", "rss2-dcterms-created.xml", "atom-math-svg.xml")
    for name in names:
        (folder / "feeds" / name).write_bytes(fixture(name))
    sources = ", ".join(
        f"{{'name': 'feed{n}', 'url': 'feeds/{name}'}}" for n, name in enumerate(names)
    )
    conf = make_project(folder, f"DIGEST_SOURCES = [{sources}]", samples=False)
    result = run_cli(conf, "collect", "--strict")
    assert result.exit_code == 0, result.output
    assert "3 sources: 8 new items" in result.output
    with Store(config.load(conf).store_path) as store:
        stored = store.items_between(datetime(2024, 1, 1, tzinfo=UTC), FROZEN + timedelta(1))
    dated = {i.title or i.text: (i.published, i.date_flag) for i in stored}
    assert dated["Created only"] == (datetime(2024, 2, 4, 7, tzinfo=UTC), None)
    assert dated["Created by the archive"] == (datetime(2024, 2, 5, 6, 30, tzinfo=UTC), None)
    assert dated["Unreadable created"] == (FROZEN, "invalid")
    assert {"x=2", "E=mc2", "Displaced families 12,400 in Duhok"} <= dated.keys()


def test_atom_10():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
      <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>HTML</b> feed</div></title>
      <entry><id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
        <title>Entry</title><link rel="alternate" href="https://example.org/atom/1"/>
        <link rel="enclosure" href="https://example.org/a.mp3"/>
        <author><name>Reporter</name></author><updated>2024-02-04T10:00:00.250+02:00</updated>
        <summary>Short</summary>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Long <i>body</i></p></div></content>
      </entry></feed>"""
    feed = parse(fetched(body, "application/atom+xml"), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("atom", "XHTML feed", ())
    (item,) = items(feed)
    assert (item.url, item.guid) == (
        "https://example.org/atom/1",
        "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6",
    )
    assert item.text == "Long body"  # content over summary
    assert item.published == datetime(2024, 2, 4, 8, 0, 0, 250_000, tzinfo=UTC)


def test_jsonfeed_10():
    feed = parse(fetched(fixture("jsonfeed-1.0.json"), "application/json"), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("jsonfeed", "JSON Feed 1.0", ())
    both, text, summary = items(feed)
    assert both.summary_html == "<p>The <strong>HTML</strong> body.</p>"  # html wins
    assert both.published == datetime(2024, 2, 4, 10, tzinfo=UTC)
    assert (text.text, text.summary_html) == (
        "Plain <text> body.",
        "<p>Plain &lt;text&gt; body.</p>",
    )
    assert text.published == datetime(2024, 2, 5, 8, tzinfo=UTC)  # date_modified
    assert (summary.text, summary.date_flag) == ("Just a summary.", "missing")
    assert [i.guid for i in (both, text, summary)] == ["v1-1", "v1-2", "v1-3"]


def test_jsonfeed_11():
    feed = parse(fetched(fixture("jsonfeed-1.1-authors.json"), "application/feed+json"), SOURCE)
    assert (feed.kind, feed.title, feed.warnings) == ("jsonfeed", "JSON Feed 1.1", ())
    arabic, english = items(feed)
    assert (arabic.title, arabic.text, arabic.language) == ("بغداد", "نص الخبر", "ar")
    assert arabic.summary_html == '<p dir="rtl">نص الخبر</p>'
    assert arabic.published == datetime(2024, 2, 4, 7, tzinfo=UTC)
    assert (english.title, english.language) == ("", "en-GB")  # 1.1 allows no title


def test_html_page_through_selectors():
    page = b"""<!DOCTYPE html><html lang="en"><head><title>Updates</title></head><body>
      <ul><li class="news"><h3><a href="2024/budget">Budget passed</a></h3>
        <span class="when">2024-02-04T09:00:00+03:00</span>
        <p class="lede">Parliament <b>voted</b>. <a href="/about">About</a></p></li>
      <li class="news"><h3><a href="https://other.example/x">Elsewhere</a></h3></li></ul>"""
    selectors = Selectors(item="li.news", title="h3", link="h3 a", date=".when", summary=".lede")
    source = Source(
        name="Page", url="https://example.org/en/news/", kind="html", selectors=selectors
    )
    feed = parse(fetched(page, "text/html", url=source.url), source)
    assert (feed.kind, feed.title, feed.warnings) == ("html", "Updates", ())
    first, second = items(feed, source, base_url=source.url)
    assert first.url == "https://example.org/en/news/2024/budget"  # BAD-INPUTS 24: page URL
    assert first.published == datetime(2024, 2, 4, 6, tzinfo=UTC)
    assert first.text == "Parliament voted. About"
    assert 'href="https://example.org/about"' in first.summary_html
    assert (second.url, second.date_flag, second.language) == (
        "https://other.example/x",
        "missing",
        "en",
    )


# --------------------------------------------------------------------------- content sniffing


@pytest.mark.parametrize(
    ("name", "content_type", "kind"),
    [
        ("rss2-basic.xml", "text/html; charset=utf-8", "rss"),
        ("rss2-basic.xml", "text/plain", "rss"),
        ("rss2-basic.xml", "application/octet-stream", "rss"),
        ("rss2-basic.xml", "application/json", "rss"),
        ("rss10-rdf.xml", "text/plain; charset=iso-8859-1", "rss"),
        ("atom-xmlbase.xml", "text/html", "atom"),
        ("atom03.xml", "application/octet-stream", "atom"),
        ("jsonfeed-1.1-authors.json", "text/plain", "jsonfeed"),
        ("jsonfeed-1.0.json", "application/octet-stream", "jsonfeed"),
        ("jsonfeed-1.0.json", "text/html", "jsonfeed"),
        ("jsonfeed-1.0.json", "application/rss+xml", "jsonfeed"),
    ],
)
def test_the_content_decides_the_kind_when_the_content_type_lies(name, content_type, kind):
    feed = parse(fetched(fixture(name), content_type), SOURCE)
    assert feed.kind == kind
    assert feed.entries
    assert all(is_clean(item.title + item.text) for item in items(feed))


# --------------------------------------------------------------------------- links


def test_relative_and_odd_links():  # BAD-INPUTS 24
    feed = parse(fetched(fixture("rss-relative-links.xml")), SOURCE)
    chained, *others = items(feed)
    assert chained.url == "https://example.org/news/2024/post-1.html"  # item base on channel base
    hrefs = [part.split('"')[0] for part in chained.summary_html.split('href="')[1:]]
    assert hrefs == [
        "https://example.org/news/about.html",
        "https://example.org/post/1",
        "https://cdn.example/img.png",
        "https://example.org/etc/passwd",  # "../" cannot climb above the host
        "mailto:desk@example.org",
    ]  # file: and javascript: links lost their href; their text stays
    assert chained.text == "about root cdn up file js mail"
    assert {item.title: item.url for item in others} == {
        "Path-absolute": "https://example.org/post/2",
        "Protocol-relative": "https://cdn.example/post/3",
        "Climbing out": "https://example.org/etc/passwd",
        "Local file": None,
        "Script": None,
        "Bad host": None,
        "IRI": "https://例え.jp/パス?q=ü",
    }


def test_html_page_links_resolve_against_base_href_then_the_page():  # BAD-INPUTS 24
    selectors = Selectors(item="div.i", title="a", link="a", summary="p")
    page = b"""<base href="/archive/"><div class="i"><a href="one">One</a>
        <p><a href="../up">up</a> <a href="javascript:alert(1)">js</a></p></div>
        <div class="i"><a href="http://bad]test/">Bad</a></div>"""
    feed = parse_html_page(page, "https://example.org/en/page", selectors)
    first, bad = items(feed, PAGE, base_url="https://example.org/en/page")
    assert first.url == "https://example.org/archive/one"
    assert first.summary_html == (
        '<a href="https://example.org/up" rel="noopener noreferrer nofollow">up</a> '
        '<a rel="noopener noreferrer nofollow">js</a>'
    )
    assert bad.url is None


def test_json_feed_links_resolve_against_the_feed_url():  # BAD-INPUTS 24
    links = ["/post/1", "//cdn.example/2", "file:///etc/passwd", "http://bad]test/", "mailto:x@y.z"]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [{"id": str(n), "url": url, "title": url} for n, url in enumerate(links)],
    }
    feed = parse(
        fetched(json.dumps(document).encode(), url="https://example.org/feeds/main.json"), SOURCE
    )
    assert [item.url for item in items(feed, base_url="https://example.org/feeds/main.json")] == [
        "https://example.org/post/1",
        "https://cdn.example/2",
        None,
        None,
        "mailto:x@y.z",
    ]


# --------------------------------------------------------------------------- BAD-INPUTS 14, 15


def test_billion_laughs_in_utf16be_with_a_bom():  # BAD-INPUTS 14
    body = b"\xfe\xff" + fixture("billion-laughs.xml").decode("utf-8").encode("utf-16-be")
    started = time.monotonic()
    feed = parse(fetched(body, "application/rss+xml"), SOURCE)
    assert time.monotonic() - started < 1
    (item,) = items(feed)
    assert (item.title, item.url) == ("&lol9;", "https://example.org/lol")  # not expanded
    assert feed.entries == parse(fetched(fixture("billion-laughs.xml")), SOURCE).entries


QUADRATIC = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
from datetime import UTC, datetime
from digest.collect.detect import parse
from digest.collect.http import Fetched
from digest.collect.normalize import normalize
from digest.models import Source

entity = "q" * 100_000
body = (
    '<?xml version="1.0"?>\\n<!DOCTYPE rss [\\n<!ENTITY big "' + entity + '">\\n]>\\n'
    '<rss version="2.0"><channel><title>Quadratic</title><item><title>Blow-up</title>'
    "<link>https://example.org/q</link><description>" + "&big;" * 50_000 + "</description>"
    "</item></channel></rss>"
).encode()
source = Source(name="q", url="https://example.org/feed")
started = time.monotonic()
feed = parse(Fetched(url=source.url, status=200, headers={}, body=body), source)
items = [normalize(e, source, now=datetime(2024, 2, 10, tzinfo=UTC), base_url=source.url)
         for e in feed.entries]
print(json.dumps({
    "seconds": time.monotonic() - started,
    "bytes_in": len(body),
    "texts": [item.text if item else None for item in items],
    "warnings": feed.warnings,
}))
"""


def test_quadratic_blowup_is_not_expanded():  # BAD-INPUTS 15
    limit = 1024**3  # RLIMIT_AS: the 5 GB expansion could never fit
    script = QUADRATIC.replace("ADDRESS_SPACE", str(limit))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["bytes_in"] > 350_000
    assert result["seconds"] < 5
    (text,) = result["texts"]
    assert len(text) <= MAX_TEXT and text.endswith("…")  # capped by normalize
    assert text.startswith("&big;&big;")  # the reference kept as written, never expanded
    # Line 3 of what expat saw: feedparser takes the (now empty) DOCTYPE out.
    assert result["warnings"] == ["ill-formed feed, read loosely: line 3: undefined entity"]


def test_small_internal_entities_are_still_expanded():  # BAD-INPUTS 14, 15: no overreach
    body = b"""<!DOCTYPE rss [
      <!ENTITY id "tag:example.com,">
      <!ENTITY nbsp "&#160;">
    ]><rss version="2.0"><channel><title>t</title><item><title>A&nbsp;B</title>
      <guid isPermaLink="false">&id;2006:/blog/</guid></item></channel></rss>"""
    feed = parse(fetched(body), SOURCE)
    assert feed.warnings == ()
    assert (feed.entries[0].title, feed.entries[0].guid) == (
        "A\xa0B",
        "tag:example.com,2006:/blog/",
    )


# --------------------------------------------------------------------------- BAD-INPUTS 17


SMART = "“Smart” quotes — café"
CJK = "中文 镕 € 䶮 𠀀"  # 镕 and € are GBK, 䶮 and 𠀀 four-byte GB18030: none is GB2312
ENCODINGS = [
    # (id, body, Content-Type, expected title, expected warnings)
    (
        "declared UTF-8, cp1252 smart quotes",
        rss(SMART, declare="utf-8").encode("cp1252"),
        "application/rss+xml",
        SMART,
        ("not valid UTF-8 (first bad byte at 104); read the bad bytes as windows-1252",),
    ),
    (
        "UTF-8 with one stray cp1252 byte: the rest stays UTF-8",
        rss("Caf\xe9 ZZquoted").encode("utf-8").replace(b"ZZ", b"\x93"),
        "",
        "Café “quoted",
        ("not valid UTF-8 (first bad byte at 71); read the bad bytes as windows-1252",),
    ),
    (
        "UTF-16LE without a BOM, declared",
        rss(ARABIC, declare="utf-16").encode("utf-16-le"),
        "",
        ARABIC,
        (),
    ),
    ("UTF-16LE without a BOM or declaration", rss(ARABIC).encode("utf-16-le"), "", ARABIC, ()),
    ("UTF-32 with a BOM", rss(ARABIC, declare="utf-32").encode("utf-32"), "", ARABIC, ()),
    ("UTF-32BE without a BOM", rss(ARABIC).encode("utf-32-be"), "text/xml", ARABIC, ()),
    (
        "UTF-8 BOM, HTTP says windows-1256",
        b"\xef\xbb\xbf" + rss(SMART).encode("utf-8"),
        "application/rss+xml; charset=windows-1256",
        SMART,
        ("the byte-order mark says UTF-8 but the Content-Type says 'windows-1256': read as UTF-8",),
    ),
    (
        "UTF-16LE BOM, HTTP says utf-8",
        rss(ARABIC).encode("utf-16"),
        "text/xml; charset=utf-8",
        ARABIC,
        (
            "the byte-order mark says UTF-16-LE but the Content-Type says 'utf-8': read as UTF-16-LE",
        ),
    ),
    (
        "invalid bytes after a BOM",
        b"\xef\xbb\xbf" + rss("Valid: жZZ").encode("utf-8").replace(b"ZZ", b", Espa\xf1a"),
        "",
        "Valid: ж, España",
        ("not valid UTF-8 (first bad byte at 80); read the bad bytes as windows-1252",),
    ),
    (
        "a bogus encoding name",
        rss("Café", declare="x-no-such-charset").encode("utf-8"),
        "",
        "Café",
        ("unknown encoding 'x-no-such-charset'; ignored",),
    ),
    ("gb2312 declared, gb18030 used", rss(CJK, declare="gb2312").encode("gb18030"), "", CJK, ()),
    (
        "gb2312 in the Content-Type, gb18030 used",
        rss(CJK).encode("gb18030"),
        "application/xml; charset='GB2312'",
        CJK,
        (),
    ),
    (
        "windows-1256 in the XML declaration",
        rss(ARABIC, declare="windows-1256").encode("cp1256"),
        "",
        ARABIC,
        (),
    ),
    (
        "windows-1256 only in the Content-Type",
        rss(ARABIC).encode("cp1256"),
        "application/rss+xml; charset=windows-1256",
        ARABIC,
        (),
    ),
    (
        "windows-1256 only in a lying text/html Content-Type",
        rss(ARABIC).encode("cp1256"),
        "text/html; charset=windows-1256",
        ARABIC,
        (),
    ),
    (
        "ISO-8859-1 label on windows-1252 bytes (browsers read it as windows-1252)",
        rss(SMART, declare="iso-8859-1").encode("cp1252"),
        "",
        SMART,
        (),
    ),
    (
        "server default ISO-8859-1 on a UTF-8 document",
        rss(SMART, declare="utf-8").encode("utf-8"),
        "text/xml; charset=ISO-8859-1",
        SMART,
        (),
    ),
    ("decomposed (NFD) text is stored composed", rss("Cafe\u0301").encode(), "", "Café", ()),
]


@pytest.mark.parametrize(
    ("body", "content_type", "title", "warnings"),
    [case[1:] for case in ENCODINGS],
    ids=[case[0] for case in ENCODINGS],
)
def test_encodings(body, content_type, title, warnings):  # BAD-INPUTS 17
    feed = parse(fetched(body, content_type), SOURCE)
    assert feed.warnings == warnings
    (item,) = items(feed)  # the item is kept
    assert (item.title, item.text) == (title, title)
    assert is_clean(item.title) and is_clean(item.text)


HTML_ENCODINGS = [
    # (id, body before the item, the item's title as bytes, Content-Type, expected title)
    (
        "ISO-8859-1 label, windows-1252 quotes",
        b"<meta charset=iso-8859-1>",
        SMART.encode("cp1252"),
        "",
        SMART,
    ),
    ("gb2312 meta, gb18030 text", b'<meta charset="gb2312">', CJK.encode("gb18030"), "", CJK),
    (
        "windows-1256 only in HTTP",
        b"",
        ARABIC.encode("cp1256"),
        "text/html; charset=windows-1256",
        ARABIC,
    ),
    (
        "UTF-8 meta, one cp1252 byte",
        b"<meta charset=utf-8>",
        "Café ".encode() + b"\x93x",
        "",
        "Café “x",
    ),
    (
        "BOM beats the HTTP charset",
        b"\xef\xbb\xbf",
        SMART.encode(),
        "text/html; charset=koi8-r",
        SMART,
    ),
]
LISTING = Source(
    name="Listing",
    url=PAGE.url,
    kind="html",
    selectors=Selectors(item="div.i", title="a", link="a"),
)


@pytest.mark.parametrize(
    ("head", "title_bytes", "content_type", "title"),
    [case[1:] for case in HTML_ENCODINGS],
    ids=[case[0] for case in HTML_ENCODINGS],
)
def test_html_page_encodings(head, title_bytes, content_type, title):  # BAD-INPUTS 17
    body = head + b'<div class="i"><a href="/x">' + title_bytes + b"</a></div>"
    (item,) = items(parse(fetched(body, content_type, url=PAGE.url), LISTING), LISTING)
    assert item.title == title
    assert is_clean(item.title)


# --------------------------------------------------------------------------- BAD-INPUTS 18-20


def test_control_characters_in_every_format():  # BAD-INPUTS 18
    controls = "A\x00B\x03C\x0bD\x1fE\ufffeF\x7fG\ufffeH"  # (feedparser reads C1 as cp1252)
    xml_body = rss(controls).encode("utf-8")
    entry = {"id": "1", "url": "https://example.org/1", "title": controls, "content_text": controls}
    json_body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [entry]}
    ).encode()
    for body in (xml_body, json_body):
        (item,) = items(parse(fetched(body), SOURCE))
        assert (item.title, item.text) == ("ABCDEFGH", "ABCDEFGH")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (  # an unclosed tag inside a title, and the document cut off mid-item
            b'<rss version="2.0"><channel><title>t</title><item><title>One <b>bold</title>'
            b"<link>https://example.org/1</link></item><item><title>Two</title>"
            b"<link>https://example.org/2</link><description>cut",
            "mismatched tag",
        ),
        (  # an incomplete CDATA section swallows the rest of the document
            b'<rss version="2.0"><channel><title>t</title><item><title>One</title>'
            b"<link>https://example.org/1</link><description><![CDATA[<p>open</description>"
            b"</item></channel></rss>",
            "unclosed CDATA section",
        ),
        (  # bare ampersands, an empty and a bad character reference, an unknown entity
            b'<rss version="2.0"><channel><title>A & B</title><item><title>Fish & chips &#; '
            b"&#xZZ; &nosuch;</title><link>https://example.org/1?a=1&b=2</link></item></channel></rss>",
            "not well-formed (invalid token)",
        ),
        (  # namespace prefixes nobody declared
            b'<rss version="2.0"><channel><title>t</title><item><title>One</title>'
            b"<link>https://example.org/1</link><dc:creator>me</dc:creator><content:encoded>"
            b"<![CDATA[<p>Full</p>]]></content:encoded></item></channel></rss>",
            "unbound prefix",
        ),
    ],
    ids=["unclosed tags", "incomplete CDATA", "corrupted ampersands", "undeclared namespace"],
)
def test_ill_formed_xml_is_read_loosely(body, reason):  # BAD-INPUTS 19
    feed = parse(fetched(body), SOURCE)
    (warning,) = feed.warnings
    assert warning == f"ill-formed feed, read loosely: line 1: {reason}"
    first, *_ = items(feed)
    assert first.url in ("https://example.org/1", "https://example.org/1?a=1&b=2")
    assert first.title in ("One bold", "One", "Fish & chips &#; &#xZZ; &nosuch;")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/rss+xml", "not a feed (empty document)"),
        # 3 MB stand in for BAD-INPUTS' 200 MB: DIGEST_MAX_BYTES stops a body long before.
        (b" " * 3_000_000, "application/rss+xml", "not a feed (empty document)"),
        (b"\xff\xfe" + "\n".encode("utf-16-le"), "", "not a feed (empty document)"),
        (b'{"a": 1}', "application/json", "not a feed (JSON without a jsonfeed.org version)"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1"}',
            "",
            "not a feed (JSON Feed without an items list)",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
            "application/rss+xml",
            "not a feed (got a PNG image)",
        ),
        (
            b"\x1f\x8b\x08\x00" + bytes(100),
            "application/xml",
            "not a feed (got gzip-compressed data)",
        ),
        (
            b"<!DOCTYPE html><html><head><title>Sign in \xe2\x80\x93 Example</title></head></html>",
            "text/html",
            "not a feed (got an HTML page: 'Sign in – Example')",
        ),
        (
            fixture("html-as-feed.html"),
            "application/rss+xml",
            "not a feed (got an HTML page: 'Just a moment...')",
        ),
        (
            b"<head><title>Oops &amp; sorry</title></head><p>x</p>",
            "",
            "not a feed (got an HTML page: 'Oops & sorry')",
        ),
        (
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://example.org/</loc></url></urlset>",
            "application/xml",
            "not a feed (got an XML document whose root is <urlset>)",
        ),
        (b"Just some text.\n" * 1000, "text/plain", "not a feed (no RSS or Atom document found)"),
    ],
    ids=[
        "0 bytes",
        "MBs of spaces",
        "a lone BOM",
        "JSON",
        "JSON Feed without items",
        "PNG",
        "gzip",
        "login page",
        "Cloudflare challenge",
        "HTML fragment",
        "sitemap",
        "plain text",
    ],
)
def test_not_a_feed(body, content_type, message):  # BAD-INPUTS 12, 19, 20
    started = time.monotonic()
    with pytest.raises(ParseError) as caught:
        parse(fetched(body, content_type), SOURCE)
    assert str(caught.value) == message
    assert time.monotonic() - started < 1


def test_a_feed_with_an_xhtml_doctype_is_still_a_feed():  # BAD-INPUTS 12, 19
    body = (
        b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
        b' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<!-- a CMS template -->\n'
        b'<rss version="2.0"><channel><title>found</title><item><title>Kept</title>'
        b"<link>https://example.org/k</link></item></channel></rss>"
    )
    feed = parse(fetched(body, "text/html"), SOURCE)
    assert (feed.title, [item.title for item in items(feed)]) == ("found", ["Kept"])
    with pytest.raises(ParseError, match=r"^not a feed \(got an HTML page: 'Page'\)$"):
        parse(fetched(b"<!DOCTYPE html>\n<head><title>Page</title></head>"), SOURCE)


def test_a_not_a_feed_message_shows_untrusted_text_safely():  # BAD-INPUTS 20
    title = "\x1b[31mEvil\r\nInjected: header\u202e" + "A" * 500
    body = f"<html><head><title>{title}</title></head></html>".encode()
    with pytest.raises(ParseError) as caught:
        parse(fetched(body, "text/html"), SOURCE)
    message = str(caught.value)
    assert message.startswith("not a feed (got an HTML page: '[31mEvil Injected: header AAA")
    assert message.isprintable() and len(message) < 110 and message.endswith("…')")


# --------------------------------------------------------------------------- BAD-INPUTS 22


@pytest.mark.parametrize(
    ("pub_date", "published", "flag"),
    [
        (None, NOW, "missing"),
        ("", NOW, "missing"),
        ("2020-07-01", datetime(2020, 7, 1, tzinfo=UTC), None),  # pelican #2777
        ("Wed, 01 Jul 2099 00:00:00 GMT", NOW, "future"),  # clamped to now
        ("Thu, 01 Jan 1970 00:00:00 GMT", NOW, "invalid"),  # epoch 0
        ("1970-01-01T00:00:00Z", NOW, "invalid"),
        ("2024-02-04T10:00:00", datetime(2024, 2, 4, 10, tzinfo=UTC), None),  # no zone: UTC
        ("Sun, 04 Feb 2024 10:00:00", datetime(2024, 2, 4, 10, tzinfo=UTC), None),
        ("Sun, 04 Feb 2024 10:00:00 EDT", datetime(2024, 2, 4, 14, tzinfo=UTC), None),
        ("Thu, 29 Feb 2024 12:00:00 +0000", datetime(2024, 2, 29, 12, tzinfo=UTC), None),
        ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC), None),
        ("Wed, 29 Feb 2023 12:00:00 +0000", NOW, "invalid"),  # no such day
        ("2023-02-29", NOW, "invalid"),  # not 1 March, as feedparser alone would say
        ("yesterday-ish", NOW, "invalid"),  # given, but unreadable
        # New York's autumn changeover: the same wall time twice, an hour apart ...
        ("2024-11-03T01:30:00-04:00", datetime(2024, 11, 3, 5, 30, tzinfo=UTC), None),
        ("2024-11-03T01:30:00-05:00", datetime(2024, 11, 3, 6, 30, tzinfo=UTC), None),
        # ... and its spring one: a wall time that never happened, given with its offset.
        ("Sun, 10 Mar 2024 02:30:00 -0500", datetime(2024, 3, 10, 7, 30, tzinfo=UTC), None),
    ],
)
def test_dates(pub_date, published, flag):  # BAD-INPUTS 22
    extra = "" if pub_date is None else f"<pubDate>{pub_date}</pubDate>"
    (item,) = items(parse(fetched(rss("Dated", extra=extra).encode()), SOURCE))
    assert (item.published, item.date_flag) == (published, flag)


@pytest.mark.parametrize(
    ("pub_date", "codec", "published"),
    [
        (b"Sun, 04 Feb 2024 10:00:00 \xe9\xff GMT", "utf-8", datetime(2024, 2, 4, 10, tzinfo=UTC)),
        (b"\xe9\xff\xfe\x80 2024", "utf-8", NOW),
        (
            "Τρι, 29 Ιούν 2004 12:53:00 GMT".encode("iso-8859-7"),
            "iso-8859-7",
            datetime(2004, 6, 29, 12, 53, tzinfo=UTC),
        ),
    ],
    ids=["stray high-bit bytes", "nothing but high-bit bytes", "Greek, iso-8859-7"],
)
def test_high_bit_bytes_in_a_date(pub_date, codec, published):  # BAD-INPUTS 22
    body = rss("Dated", declare=codec, extra="<pubDate>DATE</pubDate>").encode()
    (item,) = items(parse(fetched(body.replace(b"DATE", pub_date), "text/xml"), SOURCE))
    assert item.published == published
    assert item.date_flag == (None if published != NOW else "invalid")


def test_dst_changeover_days_in_new_york():  # BAD-INPUTS 22, 50
    zone = ZoneInfo("America/New_York")
    for text, day in [
        ("2024-11-03T01:30:00-04:00", date(2024, 11, 3)),
        ("2024-11-03T01:30:00-05:00", date(2024, 11, 3)),
        ("Sun, 10 Mar 2024 02:30:00 -0500", date(2024, 3, 10)),
    ]:
        (item,) = items(
            parse(fetched(rss("x", extra=f"<pubDate>{text}</pubDate>").encode()), SOURCE)
        )
        assert local_day(item.published, zone) == day


@pytest.mark.parametrize(
    ("moment", "baghdad", "new_york"),
    [
        ("2026-12-27T22:00:00Z", True, False),  # Baghdad: Mon 28 Dec 01:00; NY: Sun 27 Dec
        ("2026-12-28T04:59:59Z", True, False),  # NY: still Sun 27 Dec, 23:59:59
        ("2026-12-28T05:00:00Z", True, True),  # NY: Mon 28 Dec, midnight
        ("2026-12-31T23:59:59+03:00", True, True),
        ("2027-01-01T00:00:00Z", True, True),
        ("2027-01-03T20:59:59Z", True, True),  # Baghdad: Sun 3 Jan 23:59:59
        ("2027-01-03T21:00:00Z", False, True),  # Baghdad: Mon 4 Jan, the next week
        ("2027-01-04T04:59:59Z", False, True),  # NY: Sun 3 Jan 23:59:59
        ("2027-01-04T05:00:00Z", False, False),
    ],
)
def test_iso_week_53_boundary(moment, baghdad, new_york):  # BAD-INPUTS 22, 50
    week = week_ending(date(2027, 1, 3), 6)  # weeks ending on Sunday are ISO weeks
    assert (week.start.isocalendar(), week.end.isocalendar()) == ((2026, 53, 1), (2026, 53, 7))
    (item,) = items(parse(fetched(rss("x", extra=f"<pubDate>{moment}</pubDate>").encode()), SOURCE))
    assert item.date_flag is None
    for zone_name, inside in (("Asia/Baghdad", baghdad), ("America/New_York", new_york)):
        zone = ZoneInfo(zone_name)
        start, end = utc_window(week, zone)
        assert (start <= item.published < end) == inside, zone_name
        assert (local_day(item.published, zone) in week) == inside


# --------------------------------------------------------------------------- BAD-INPUTS 23


def test_a_5_mb_description_and_a_10000_character_title():  # BAD-INPUTS 23
    body = (
        f'<rss version="2.0"><channel><title>Big</title><item><title>{"T" * 10_000}</title>'
        f"<description><![CDATA[<p>{'word ' * 1_000_000}</p>]]></description></item></channel></rss>"
    )
    started = time.monotonic()
    (item,) = items(parse(fetched(body.encode()), SOURCE))
    assert time.monotonic() - started < 2
    assert len(item.title) == MAX_TITLE and item.title.endswith("…")
    assert len(item.text) <= MAX_TEXT and item.text.endswith("…")
    assert len(item.summary_html) <= MAX_HTML + len("</p>")  # the tag re-cleaning closes


def test_100000_items_in_one_json_feed():  # BAD-INPUTS 23
    # Parsers return every entry, in document order; the per-source cap (max_items) is
    # applied after parsing, in collect/parsing.py.
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Big",
        "items": [{"id": f"i{n}", "url": f"/p/{n}", "content_text": "x"} for n in range(100_000)],
    }
    feed = parse(fetched(json.dumps(document).encode()), SOURCE)
    assert len(feed.entries) == 100_000
    assert [feed.entries[n].guid for n in (0, 1, 99_999)] == ["i0", "i1", "i99999"]
    assert feed.entries[99_999].url == "https://example.org/p/99999"


def test_many_items_in_one_rss_feed():  # BAD-INPUTS 23
    # 5,000 rather than 100,000: feedparser needs about 0.2 ms an item (20 s for 100,000).
    entries = "".join(
        f"<item><title>Item {n}</title><link>/p/{n}</link><guid>g{n}</guid></item>"
        for n in range(5_000)
    )
    body = f'<rss version="2.0"><channel><title>Big</title>{entries}</channel></rss>'
    feed = parse(fetched(body.encode()), SOURCE)
    assert [e.guid for e in feed.entries] == [f"g{n}" for n in range(5_000)]


def test_5000_nested_divs_in_a_scraped_page():  # BAD-INPUTS 23
    selectors = Selectors(item="article", title="h2", link="h2 a", summary=".summary")
    source = Source(name="Deep", url=PAGE.url, kind="html", selectors=selectors)
    nested = b"<div>" * 5000 + b"deep text" + b"</div>" * 5000
    body = (
        b"<html><body>" + b"<div>" * 5000 + b'<article><h2><a href="/x">Deep</a></h2>'
        b'<div class="summary">' + nested + b"</div></article>" + b"</div>" * 5000
    )
    (item,) = items(parse(fetched(body, "text/html", url=PAGE.url), source), source)
    assert (item.title, item.url, item.text) == ("Deep", "https://example.org/x", "deep text")


def test_5000_nested_divs_stay_under_the_html_cap():  # BAD-INPUTS 23
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Deep</title><description>'
        f"<![CDATA[{'<div>' * 5000}deep]]></description></item></channel></rss>"
    )
    (item,) = items(parse(fetched(body.encode()), SOURCE))
    assert len(item.summary_html) <= MAX_HTML


# --------------------------------------------------------------------------- BAD-INPUTS 21


@pytest.mark.parametrize(
    ("elements", "url", "guid"),
    [
        # isPermaLink="false": the guid is an identity, never a link ...
        (
            '<guid isPermaLink="false">https://example.org/p/1</guid>',
            None,
            "https://example.org/p/1",
        ),
        ('<guid isPermaLink="false">1234</guid>', None, "1234"),
        # ... even when there is a <link>, which is then the URL.
        (
            '<guid isPermaLink="false">g1</guid><link>https://example.org/l</link>',
            "https://example.org/l",
            "g1",
        ),
        # A permalink guid (the attribute's default) is the URL when there is no <link> ...
        (
            '<guid isPermaLink="true">https://example.org/p/2</guid>',
            "https://example.org/p/2",
            "https://example.org/p/2",
        ),
        (
            "<guid>https://example.org/p/3</guid>",
            "https://example.org/p/3",
            "https://example.org/p/3",
        ),
        ("<guid>/p/4</guid>", "https://example.org/p/4", "/p/4"),
        # ... but only when it looks like a link: feeds leave the attribute off opaque ids.
        ("<guid>1234</guid>", None, "1234"),
        ('<guid isPermaLink="true">abc-99</guid>', None, "abc-99"),
        (
            "<guid>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</guid>",
            None,
            "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        ),
        ("<guid>javascript:alert(1)</guid>", None, "javascript:alert(1)"),
        # <link> wins over a permalink guid, before or after it.
        (
            "<link>https://example.org/l</link><guid>https://example.org/g</guid>",
            "https://example.org/l",
            "https://example.org/g",
        ),
        (
            "<guid>https://example.org/g</guid><link>https://example.org/l</link>",
            "https://example.org/l",
            "https://example.org/g",
        ),
    ],
)
def test_permalink_guids(elements, url, guid):  # BAD-INPUTS 21
    body = f'<rss version="2.0"><channel><title>t</title><item><title>x</title>{elements}</item></channel></rss>'
    (item,) = items(parse(fetched(body.encode()), SOURCE))
    assert (item.url, item.guid) == (url, guid)


def test_a_guid_does_not_depend_on_where_the_feed_was_fetched():  # BAD-INPUTS 21
    body = rss("x", extra="<guid>1234</guid>").encode()
    moved = Source(name="Example", url="https://feeds.example.net/example")
    here = parse(fetched(body), SOURCE).entries
    there = parse(fetched(body, url=moved.url), moved).entries
    assert here[0].guid == there[0].guid == "1234"
