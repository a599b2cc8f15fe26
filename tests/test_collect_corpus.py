"""feedparser's own test corpus as hostile input for collect (tests/support/corpus.py fetches it).

Every file goes through collect the way a fetched document does (detect.parse, normalize)
into a real Store, and what comes back out of the store is checked with an HTML parser.
Each corpus file states what it tests in a header comment (`Description:`, `Expect:`,
optional `Header:` lines); where `Expect:` compares a field with a plain string, we use
that string to check that the visible text (or the resolved link) survives.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest

from digest.collect.detect import parse
from digest.collect.http import Fetched
from digest.collect.normalize import normalize
from digest.collect.sanitize import ATTRIBUTES, TAGS, clean_html, html_to_text
from digest.errors import ParseError
from digest.models import Item, ParsedFeed, Source
from digest.store import Store
from tests.support.corpus import expected_strings, read_case

URL = "https://corpus.example/feed.xml"
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)

# BAD-INPUTS 25, 26, 27: none of these may reach the store, in any spelling.
FORBIDDEN_TAGS = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "applet", "meta", "link", "frame",
        "frameset", "form", "input", "button", "base", "svg", "math", "img", "noscript",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "srcset", "poster", "background", "action", "formaction", "xlink:href",
        "cite", "longdesc", "data", "codebase", "classid", "usemap", "lowsrc", "dynsrc", "ping",
    }
)  # fmt: skip
SCHEMES = frozenset({"http", "https", "mailto"})
# Outside XML 1.0's Char production (and so outside what our own RSS/Atom may carry).
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Where feedparser's expected text is not what a reader should see, and why.
TEXT_DIFFERENCES = {
    "_crazy.xml": "feedparser keeps the <title> text and the script source; a browser shows neither",
    "_iframe.xml": "iframe content is raw text for browsers without frames: never shown",
    "_script_nested_cdata.xml": "in HTML, <![CDATA[ opens a bogus comment: a browser shows ']]>'",
    "xml_malicious_comment.xml": "an HTML comment ends only at '-->': a browser shows 'sa'",
    "xml_declaration_unexpected_character.xml": "'<!DOCTYPE ~' in HTML is a doctype: not shown",
    "bozo_linenoise.xml": "feedparser expects mojibake, a C1 control (BAD-INPUTS 18), no '<>'",
}
# Documents collect refuses, and why. Anything else raising ParseError is a failure.
NOT_FEEDS = {
    "illformed/rss_empty_document.xml": "not a feed (no RSS or Atom document found)",
}


@dataclass
class Result:
    """What collect made of one corpus file."""

    name: str  # path inside the corpus, e.g. "wellformed/sanitize/entry_content_script.xml"
    expect: str  # the file's `Expect:` expression ("" when it has none)
    checkable: bool  # False when feedparser's own suite skips the file here (`SkipUnless:`)
    headers: dict[str, str] = field(default_factory=dict)  # from its `Header:` lines
    feed: ParsedFeed | None = None
    error: ParseError | None = None
    items: list[Item] = field(default_factory=list)  # one per entry, in order
    untitled: set[int] = field(default_factory=set)  # entries we gave a stand-in title


def collect(corpus: Path, folder: str, store_path: Path) -> tuple[list[Result], list[Item]]:
    """Run every file under `folder` through collect into one Store; the results and what
    the store gives back."""
    results = []
    with Store(store_path) as store:
        for path in sorted((corpus / folder).rglob("*.xml")):
            result = _collect_one(corpus, path)
            store.save_items(result.items, NOW)
            results.append(result)
        stored = store.items_between(datetime(1990, 1, 1, tzinfo=UTC), NOW + timedelta(days=2))
        assert len(stored) == store.count_items()
        assert all(item.id for item in stored)
        stored = [replace(item, id=None) for item in stored]  # as they were handed in
    return results, stored


def _collect_one(corpus: Path, path: Path) -> Result:
    data = path.read_bytes()
    name = path.relative_to(corpus).as_posix()
    case = read_case(data)
    result = Result(name, case.expect, case.runs_here, case.headers)
    source = Source(name=name, url=URL)
    try:
        result.feed = parse(Fetched(url=URL, status=200, headers=case.headers, body=data), source)
        for number, entry in enumerate(result.feed.entries):
            item = normalize(entry, source, now=NOW, base_url=URL)
            if item is None:  # no text at all: store its (cleaned) summary anyway
                result.untitled.add(number)
                stand_in = replace(entry, title=f"untitled {number}")
                item = normalize(stand_in, source, now=NOW, base_url=URL)
            assert item is not None
            result.items.append(item)
    except ParseError as exc:  # the one exception collect may raise for a document
        result.error = exc
    except Exception as exc:
        exc.add_note(f"corpus file: {result.name}")
        raise
    return result


# --------------------------------------------------------------------------- checks


class _Audit(HTMLParser):
    """Everything in a fragment that must not reach a page, an email or a PDF."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []  # every href, in order

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS or tag not in TAGS:
            self.problems.append(f"element <{tag}>")
        allowed = ATTRIBUTES.get("*", set()) | ATTRIBUTES.get(tag, set()) | {"rel"}
        self.links += [value or "" for name, value in attrs if name == "href"]
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name not in allowed:
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name in URL_ATTRIBUTES and _scheme(value or "") not in SCHEMES:
                self.problems.append(f"{name}={value!r} on <{tag}>: not an absolute http(s) URL")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:40]}-->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl[:40]}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data[:40]}]>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data[:40]}>")


def _scheme(url: str) -> str:
    # What a browser does before it looks at a scheme: drop tabs/newlines, trim C0 and space.
    url = "".join(c for c in url if c not in "\t\n\r").strip("".join(map(chr, range(0x21))))
    return urlsplit(url).scheme.lower()


def html_problems(html: str) -> list[str]:
    return _audit(html).problems


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    if audit.rawdata:  # an unfinished tag or comment left at the end
        audit.problems.append(f"unparsed tail {audit.rawdata[:40]!r}")
    return audit


def text_problems(text: str) -> list[str]:
    problems = []
    if not unicodedata.is_normalized("NFC", text):
        problems.append("text not NFC")
    if bad := XML_ILLEGAL.findall(text):
        problems.append(f"XML-illegal characters {bad[:5]!r}")
    return problems


def item_problems(item: Item) -> list[str]:
    """BAD-INPUTS 17, 24-28: safe, idempotently clean HTML; NFC, XML-legal text; safe links."""
    problems = [f"summary_html: {p}" for p in html_problems(item.summary_html)]
    if clean_html(item.summary_html) != item.summary_html:  # BAD-INPUTS 28
        problems.append("summary_html changes when cleaned again")
    for name in ("title", "text", "summary_html"):
        problems += [f"{name}: {p}" for p in text_problems(getattr(item, name))]
    if item.url is not None and _scheme(item.url) not in SCHEMES:
        problems.append(f"url {item.url!r} is not an absolute http(s)/mailto URL")
    return problems


def stored_problems(results: list[Result], stored: list[Item]) -> list[str]:
    """Problems in what the store gives back, and items that did not round-trip intact."""
    by_source = {r.name: r for r in results}
    problems = []
    for item in stored:
        problems += [f"{item.source}: {p}" for p in item_problems(item)]
        if item not in by_source[item.source].items:
            problems.append(f"{item.source}: came back from the store changed: {item.title!r}")
    return problems


_SUMMARY_PATHS = {
    ("entries", 0, "description"),
    ("entries", 0, "summary"),
    ("entries", 0, "content", 0, "value"),
}


def visible_text_checks(result: Result) -> Iterator[tuple[str, str, str]]:
    """(what, expected, got) for each field whose expected text the file states and that we
    keep: the feed title, the first entry's title, and its summary."""
    if not result.checkable:
        return
    for path, value in expected_strings(result.expect):
        want = " ".join(html_to_text(value).split())
        if path == ("feed", "title") and result.feed is not None:
            yield "feed title", want, result.feed.title or ""
        elif path == ("entries", 0, "title") and result.items and 0 not in result.untitled:
            yield "title", want, result.items[0].title
        elif path in _SUMMARY_PATHS and result.items:
            yield "text", want, " ".join(result.items[0].text.split())


def _text_difference(name: str) -> str | None:
    return next((why for end, why in TEXT_DIFFERENCES.items() if name.endswith(end)), None)


# --------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def sanitize_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("corpus") / "sanitize.sqlite3"
    return collect(corpus, "wellformed/sanitize", store)


def test_sanitize_corpus_stores_nothing_unsafe(sanitize_run):  # BAD-INPUTS 25, 26, 27, 28
    results, stored = sanitize_run
    assert len(results) >= 740  # 745 files in feedparser 6.0.x
    assert {r.name: str(r.error) for r in results if r.error} == {}
    items = [(r.name, item) for r in results for item in r.items]
    problems = [f"{name}: {p}" for name, item in items for p in item_problems(item)]
    problems += stored_problems(results, stored)
    assert problems == []
    # Every entry was stored (a stand-in title keeps text-less ones), unless another file's
    # entry with the same link got there first: the store keeps one item per article.
    assert len(items) >= 590 and len(stored) >= 590


def test_sanitize_corpus_keeps_the_visible_text(sanitize_run):  # BAD-INPUTS 25
    results, _ = sanitize_run
    checked, differences = 0, []
    for result in results:
        for what, want, got in visible_text_checks(result):
            checked += 1
            if got != want and not _text_difference(result.name):
                differences.append(f"{result.name}: {what} {got!r}, expected {want!r}")
    assert differences == []
    assert checked >= 590  # fields with a plain expected string: 596 in feedparser 6.0.14


def test_every_sanitize_payload_cleans_safely(corpus: Path):  # BAD-INPUTS 25, 26, 27, 28
    """Whatever field a corpus file puts its payload in (feed subtitle, rights, info … that
    collect never stores), clean_html makes it safe, and cleaning again changes nothing."""
    files = sorted((corpus / "wellformed" / "sanitize").glob("*.xml"))
    problems, payloads, without = [], 0, []
    for path in files:
        found = 0
        for where, html, base in _html_payloads(path.read_bytes()):
            found += 1
            cleaned = clean_html(html, base or URL)
            problems += [f"{path.name} {where}: {p}" for p in html_problems(cleaned)]
            if clean_html(cleaned, base or URL) != cleaned:
                problems.append(f"{path.name} {where}: changes when cleaned again")
        payloads += found
        if not found:
            without.append(path.name)
    assert problems == []
    assert without == []
    assert payloads >= len(files)


def _html_payloads(data: bytes) -> Iterator[tuple[str, str, str | None]]:
    """(field, HTML, xml:base) for every HTML value feedparser finds, feed and entries."""
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": "application/xml", "content-location": URL},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    scopes = [("feed", parsed.feed), *((f"entries[{n}]", e) for n, e in enumerate(parsed.entries))]
    for scope, values in scopes:
        for key, value in values.items():
            details = value if key == "content" else [value] if key.endswith("_detail") else []
            for detail in details:
                if detail.get("type") in ("text/html", "application/xhtml+xml") and detail.value:
                    yield f"{scope}.{key}", detail.value, detail.get("base")


@pytest.mark.parametrize(
    "folder",
    [
        "illformed",  # BAD-INPUTS 19 (and illformed/chardet: 17)
        "encoding",  # BAD-INPUTS 17
        "wellformed/base",  # BAD-INPUTS 24
    ],
)
def test_hostile_corpus_folder_parses_into_clean_items(corpus: Path, tmp_path: Path, folder):
    """No exception but ParseError, bozo recorded where feedparser says so, stored text NFC
    and XML-legal, links absolute http(s)/mailto or gone, and the stated text kept."""
    results, stored = collect(corpus, folder, tmp_path / "store.sqlite3")
    assert len(results) >= {"illformed": 19, "encoding": 215, "wellformed/base": 125}[folder]
    errors = {r.name: str(r.error) for r in results if r.error}
    assert errors == {k: v for k, v in NOT_FEEDS.items() if k.startswith(folder)}
    problems = [f"{r.name}: {p}" for r in results for item in r.items for p in item_problems(item)]
    problems += stored_problems(results, stored)
    for result in results:
        if result.feed is None or not result.checkable:
            continue
        # feedparser also flags HTTP headers we ignore on purpose (text/plain, text/xml
        # without a charset): we read a document by XML's rules, as browsers do.
        bozo = result.expect.startswith("bozo") and not result.headers
        if bozo and not result.feed.warnings:
            problems.append(f"{result.name}: feedparser finds it bozo, we recorded no warning")
        if result.expect.startswith("not bozo") and result.feed.warnings:
            problems.append(f"{result.name}: unexpected warning {result.feed.warnings}")
        for what, want, got in visible_text_checks(result):  # no mojibake (BAD-INPUTS 17)
            if got != want and not _text_difference(result.name):
                problems.append(f"{result.name}: {what} {got!r}, expected {want!r}")
        problems += [f"{result.name}: {p}" for p in link_problems(result)]
    assert problems == []
    assert stored


def link_problems(result: Result) -> list[str]:
    """BAD-INPUTS 24: links in a summary and the item link resolve as the file says, except
    that our base is the URL we fetched, not the corpus server's or its Content-Location."""
    if not result.items:
        return []
    item, problems = result.items[0], []
    for path, value in expected_strings(result.expect):
        if path in _SUMMARY_PATHS:
            want = [_rebase(href) for href in _hrefs(value)]
            got = [unquote(href) for href in _hrefs(item.summary_html)]
            if want != got:
                problems.append(f"summary links {got}, expected {want}")
        elif path == ("entries", 0, "link") and _rebase(value) != unquote(item.url or ""):
            problems.append(f"item link {item.url!r}, expected {_rebase(value)!r}")
    return problems


_CORPUS_ORIGINS = ("http://127.0.0.1:8097/", "http://example.com/")  # the document's URL


def _rebase(href: str) -> str:
    for origin in _CORPUS_ORIGINS:
        if href.startswith(origin):
            return urljoin(URL, "/" + href.removeprefix(origin))
    return unquote(href)


def _hrefs(html: str) -> list[str]:
    return _audit(html).links


def test_a_feed_with_an_xhtml_doctype_is_still_a_feed(corpus: Path):  # BAD-INPUTS 19
    result = _collect_one(corpus, corpus / "illformed" / "always_strip_doctype.xml")
    assert result.error is None
    assert result.feed is not None and result.feed.title == "found"
