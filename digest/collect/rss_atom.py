"""RSS and Atom documents -> ParsedFeed, with feedparser.

feedparser only ever gets our bytes wrapped in a BytesIO: given a str it fetches URLs, and
given a str *or bytes* it first tries `open()` on it as a path, so a body of b"/etc/passwd"
would be read from disk. Before it sees a document we do two things to it:

- we decode it (charset.decode) and hand feedparser UTF-8. feedparser follows RFC 3023,
  which tries its UTF-8 default before a byte-order mark (a UTF-16 document with a BOM and
  no XML declaration comes out as NUL-riddled "UTF-8"), and it reads the whole of a UTF-8
  document with one bad byte as windows-1252 (mojibake for every other non-ASCII character).
- we drop the internal entity declarations that could expand to a lot (see
  `_without_costly_entities`). feedparser's loose parser expands the ones it considers safe
  without limit: one 100 KB entity referenced 50,000 times is 5 GB.

feedparser is not told the feed's URL either: it would resolve opaque guids against it
("1234" becoming "https://example.org/1234": a made-up link, and an identity that changes
when the feed moves). It still applies xml:base; we resolve what stays relative against the
URL. Its own sanitizer and relative-link rewriting are turned off: they cost more than the
rest of collect together, and nh3 does both (with the xml:base feedparser records for each
content element), so running them too would be work thrown away.

A document in the common shape of RSS 2.0 or Atom 1.0 is read by lxml instead, into what
feedparser would give for it (fast_feed.py): feedparser's SAX handler, in Python, was most
of the cost of a collect. The steps above come first either way.

Contract for every parser in collect/: RawEntry.title and .summary_html are HTML; plain text
(an Atom type="text" title, a JSON Feed title) is escaped, so html_to_text() gives it back.
"""

from __future__ import annotations

import email.utils
import html
import io
import re
import time
import xml.sax
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date  # many legacy date syntaxes

from digest.collect import fast_feed
from digest.collect.charset import BOMS, decode, xml_declared_encoding
from digest.collect.sanitize import html_to_text, is_plain_web_url
from digest.errors import ParseError
from digest.models import ParsedFeed, RawEntry

_ENTITY_DECLARATION = re.compile(r"<!ENTITY(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
_REFERENCE = re.compile(r"&([\w.:-]+);")
# An internal general entity whose value is plain text or one character reference.
_PLAIN_ENTITY = re.compile(
    r"<!ENTITY\s+([\w.:-]+)\s+"
    r"(?:\"(&#x?[0-9a-fA-F]{1,6};|[^&%<\"]*)\"|'(&#x?[0-9a-fA-F]{1,6};|[^&%<']*)')\s*>"
)
ENTITY_BUDGET = 1_000_000  # characters all entity references together may expand to
# The prolog up to the end of the DOCTYPE: quoted values, comments and processing
# instructions are taken whole, so a "]>" or a "<b" inside an entity's value ends nothing.
_DOCTYPE = re.compile(
    r"(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE\s(?:[^\[>\"']|\"[^\"]*\"|'[^']*')*"
    r"(?:\[(?:[^\]\"'<]|\"[^\"]*\"|'[^']*'|<!--.*?-->|<\?.*?\?>|<(?!!--|\?))*\]\s*)?>",
    re.DOTALL,
)
_XML_DECLARATION = re.compile(r"<\?xml\s[^>]*?\?>")
_FEEDPARSER_DECLARATION = re.compile(r"<\?xml[^>]*?>")  # feedparser's own test
_FIRST_ELEMENT = re.compile(r"<\w")  # where feedparser's own DOCTYPE handling stops looking
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# <html> first, or an HTML doctype not followed by a feed (some feeds carry an XHTML one).
_HTML_START = re.compile(
    rb"(?:\s|<\?xml[^>]*>|<!--.*?-->)*"
    rb"(?:<html[\s>]|<!doctype\s+html[^>]*>(?:\s|<!--.*?-->)*+(?!<(?:rss|feed|rdf:rdf)[\s>]))",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(r"<(?:html|head|body)[\s>]|<!doctype\s+html", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_ROOT_ELEMENT = re.compile(r"(?:\s|<\?[^>]*>|<!--.*?-->|<![^>]*>)*<([A-Za-z_][\w.:-]*)", re.DOTALL)
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"RIFF", "a RIFF (WebP/WAV) file"),
)  # fmt: skip


def parse_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, fast: bool = True
) -> ParsedFeed:
    """Parse an RSS/Atom document. An ill-formed one gives a warning and what could be read;
    a document with no feed in it raises ParseError("not a feed (...)"). `fast=False`:
    feedparser reads it even in the common shape (tests compare the two)."""
    if is_blank(body):
        raise ParseError("not a feed (empty document)")
    if reason := not_a_feed(body):
        raise ParseError(f"not a feed ({reason})")
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    text, warnings = decode(body, content_type, declared=xml_declared_encoding(body))
    text = _without_costly_entities(_with_declaration_first(text))
    # feedparser puts a declaration and a line break before a document without one.
    added_lines = 0 if _FEEDPARSER_DECLARATION.match(text) else 1
    response_headers = {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in ("content-type", "content-location")
    }
    response_headers["content-type"] = "application/xml; charset=utf-8"  # it is, now
    # The common shape of RSS 2.0 and Atom is read with lxml into what feedparser would
    # give (fast_feed.py); feedparser reads everything else.
    common = fast_feed.read(text, response_headers.get("content-language")) if fast else None
    if common is not None:
        version, feed, raw_entries = common
    else:
        result = feedparser.parse(
            io.BytesIO(text.encode("utf-8")),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        version = result.get("version") or ""
        feed, raw_entries = result.get("feed", {}), result.entries
        if result.get("bozo"):
            warnings.append(_bozo_reason(result.get("bozo_exception"), added_lines))
    if not version and not raw_entries:
        raise ParseError(f"not a feed ({_describe_markup(text)})")

    base = url if url.startswith(("http://", "https://")) else None
    feed_language = feed.get("language")
    entries = tuple(_entry(entry, base, feed_language) for entry in raw_entries)
    title = _as_html(feed.get("title_detail"), feed.get("title") or "")
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        entries=entries,
        title=" ".join(html_to_text(title).split()) or None,
        warnings=tuple(warnings),
    )


def is_blank(body: bytes) -> bool:
    for bom in BOMS:
        body = body.removeprefix(bom)
    return not body.strip(b" \t\r\n\x00")


def looks_like_html(body: bytes) -> bool:
    """True when the document is an HTML page (a login or challenge page)."""
    head = body[:4096]
    for bom in BOMS:
        head = head.removeprefix(bom)
    return _HTML_START.match(head) is not None


def not_a_feed(body: bytes) -> str | None:
    """What a document is when it plainly is no feed: "got an HTML page: 'Just a moment...'",
    "got a PNG image"; None when it may be one."""
    head = body[:8192]
    if looks_like_html(head):
        return _html_page(head.decode("utf-8", "replace"))
    return next((f"got {what}" for magic, what in _MAGIC if head.startswith(magic)), None)


def one_line(text: str, limit: int = 60) -> str:
    """Untrusted text made fit for a one-line message: printable, no line breaks, short."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _html_page(head: str) -> str:
    title = _HTML_TITLE.search(head)
    shown = one_line(html.unescape(title.group(1))) if title else ""
    return f"got an HTML page: {shown!r}" if shown else "got an HTML page"


def _with_declaration_first(text: str) -> str:
    """The document with white space before its XML declaration (a stray newline from a
    PHP template) moved after it: before it, it makes the whole document ill-formed."""
    stripped = text.lstrip()
    if stripped is text or not _XML_DECLARATION.match(stripped):
        return text
    end = stripped.index("?>") + 2
    return stripped[:end] + text[: len(text) - len(stripped)] + stripped[end:]


def _without_costly_entities(text: str) -> str:
    """The document without the internal entity declarations whose expansion could be
    large: nested ones, markup, and any beyond ENTITY_BUDGET (value length times the number
    of references). The references to a dropped entity stay in the text as written."""
    if "<!ENTITY" not in text:
        return text
    doctype, first_element = _DOCTYPE.match(text), _FIRST_ELEMENT.search(text)
    end = max(doctype.end() if doctype else 0, first_element.end() if first_element else len(text))
    budget = ENTITY_BUDGET
    references = Counter(_REFERENCE.findall(text, end))

    def keep_cheap(declaration: re.Match[str]) -> str:
        nonlocal budget
        plain = _PLAIN_ENTITY.fullmatch(declaration.group(0))
        if plain:
            value = plain.group(2) or plain.group(3) or ""
            cost = len(value) * references[plain.group(1)]
            if cost <= budget:
                budget -= cost
                return declaration.group(0)
        return ""

    return _ENTITY_DECLARATION.sub(keep_cheap, text[:end]) + text[end:]


def _describe_markup(text: str) -> str:
    """Why a document feedparser found no feed in is not one, as the message's reason."""
    if _HTML_ANYWHERE.search(text[:4096]):
        return _html_page(text[:8192])
    root = _ROOT_ELEMENT.match(text[:4096])
    if root and root.group(1).lower() not in ("rss", "feed", "rdf:rdf", "channel"):
        return f"got an XML document whose root is <{one_line(root.group(1), 40)}>"
    return "no RSS or Atom document found"


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 / RFC 3339, RFC 822 or another syntax feedparser
    knows; None when unreadable or impossible (29 February 2023). A date without a zone is
    read as UTC (our convention: the period a date falls in is decided per day, and we have
    nothing better to go on)."""
    text = (text or "").strip()[:100]
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        if _ISO_DAY.match(text) and not _is_real_day(text[:10]):
            return None  # feedparser would roll 2023-02-29 over to 1 March
        value = _from_struct(_feedparser_date(text)) or _rfc822_date(text)
        if value is None:
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _is_real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _rfc822_date(text: str) -> datetime | None:
    """RFC 822 dates feedparser gives up on: "Sun, 04 Feb 2024 10:00:00" (no zone)."""
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _entry(entry: Mapping[str, Any], base: str | None, feed_language: str | None) -> RawEntry:
    content = entry.get("content") or []
    detail = content[0] if content else entry.get("summary_detail")
    summary = _as_html(detail, (detail or {}).get("value") or entry.get("summary") or "")
    details = [entry.get("title_detail"), *content, entry.get("summary_detail")]
    language = next((d["language"] for d in details if d and d.get("language")), None)
    element_base = (detail or {}).get("base") or ""
    return RawEntry(
        title=_as_html(entry.get("title_detail"), entry.get("title") or ""),
        url=_link(entry, base),
        guid=entry.get("id") or None,
        summary_html=summary,
        published=_published(entry),
        date_text=next(filter(None, (dict.get(entry, key) for key in _DATES)), None),
        language=language or feed_language or None,
        base=resolve_url(base, element_base) or base,
    )


# The dates an entry may carry, the one it was published first. feedparser files Atom 0.3's
# <issued> and dcterms:issued under "published", <modified> and dcterms:modified under
# "updated", and Atom 0.3's <created> and dcterms:created under "created".
_DATES = ("published", "updated", "created")


def _published(entry: Mapping[str, Any]) -> datetime | None:
    # dict.get: FeedParserDict.get("updated") hands back "published", with a warning.
    return next(filter(None, (parse_date(dict.get(entry, key)) for key in _DATES)), None)


def _link(entry: Mapping[str, Any], base: str | None) -> str | None:
    """The entry's <link>, or its guid when that is a permalink: RSS 2.0's isPermaLink
    defaults to true, but a guid is only taken for a link when it looks like one (an
    absolute http(s) URL or a path), since many feeds leave the attribute off opaque ids."""
    link = (entry.get("link") or "").strip()
    from_guid = entry.get("guidislink") and link == entry.get("id")
    if from_guid and not link.startswith("/") and not _is_http_url(link):
        return None
    return resolve_url(base, link) or None


def resolve_url(base: str | None, url: str) -> str:
    """`url` made absolute against an http(s) `base`; as it is when either is malformed
    ("http://bad]test/"), which normalize then drops."""
    if not (base and url) or is_plain_web_url(url):
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _is_http_url(text: str) -> bool:
    if is_plain_web_url(text):
        return True
    try:
        return urlsplit(text).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _as_html(detail: Mapping[str, Any] | None, value: str) -> str:
    if detail and detail.get("type") == "text/plain":
        return html.escape(value, quote=False)
    return value


def _from_struct(value: time.struct_time | None) -> datetime | None:
    # feedparser's *_parsed values are already converted to UTC.
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _bozo_reason(exc: BaseException | None, added_lines: int) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        line = max(1, exc.getLineNumber() - added_lines)
        return f"ill-formed feed, read loosely: line {line}: {one_line(exc.getMessage(), 120)}"
    return f"feed problem: {one_line(str(exc), 200) if exc else 'unknown problem'}"
