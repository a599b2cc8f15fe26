"""RSS and Atom documents -> ParsedFeed, with feedparser.

feedparser only ever gets our bytes wrapped in a BytesIO: given a str it fetches URLs, and
given a str *or bytes* it first tries `open()` on it as a path, so a body of b"/etc/passwd"
would be read from disk. Headers go in as `response_headers` (charset, language), and the
fetched URL as Content-Location, which is the base feedparser resolves relative links from.
feedparser's own sanitizer and relative-link rewriting are turned off: they cost more than
the rest of collect together, and nh3 does both (with the xml:base feedparser records for
each content element), so running them too would be work thrown away.

Contract for every parser in collect/: RawEntry.title and .summary_html are HTML; plain text
(an Atom type="text" title, a JSON Feed title) is escaped, so html_to_text() gives it back.
"""

from __future__ import annotations

import html
import io
import re
import time
import xml.sax
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date  # many legacy date syntaxes

from digest.collect.sanitize import html_to_text
from digest.errors import ParseError
from digest.models import ParsedFeed, RawEntry

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(
    rb"(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse an RSS/Atom document. An ill-formed one gives a warning and what could be read;
    a document with no feed in it raises ParseError("not a feed (...)")."""
    if is_blank(body):
        raise ParseError("not a feed (empty document)")
    if looks_like_html(body):
        raise ParseError("not a feed (got an HTML page)")
    response_headers = {name.lower(): value for name, value in headers.items()}
    base = url if url.startswith(("http://", "https://")) else None
    response_headers.pop("content-location", None)
    # Without a type feedparser flags every local file; XML's own rules then pick the charset.
    response_headers.setdefault("content-type", "application/xml")
    if base:
        response_headers["content-location"] = base
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = result.get("version") or ""
    if not version and not result.entries:
        raise ParseError("not a feed (no RSS or Atom document found)")

    feed = result.get("feed", {})
    feed_language = feed.get("language")
    entries = tuple(_entry(entry, base, feed_language) for entry in result.entries)
    warnings = (_bozo_reason(result.get("bozo_exception")),) if result.get("bozo") else ()
    title = _as_html(feed.get("title_detail"), feed.get("title") or "")
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        entries=entries,
        title=" ".join(html_to_text(title).split()) or None,
        warnings=warnings,
    )


def is_blank(body: bytes) -> bool:
    for bom in _BOMS:
        body = body.removeprefix(bom)
    return not body.strip(b" \t\r\n\x00")


def looks_like_html(body: bytes) -> bool:
    """True when the document's first element is <html> (a login or challenge page)."""
    head = body[:4096]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    return _HTML_START.match(head) is not None


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 / RFC 3339, RFC 822 or another syntax feedparser
    knows; None when unreadable. A date without a zone is read as UTC (our convention: the
    period a date falls in is decided per day, and we have nothing better to go on)."""
    text = (text or "").strip()[:100]
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return _from_struct(_feedparser_date(text))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _entry(entry: Mapping[str, Any], base: str | None, feed_language: str | None) -> RawEntry:
    content = entry.get("content") or []
    detail = content[0] if content else entry.get("summary_detail")
    summary = _as_html(detail, (detail or {}).get("value") or entry.get("summary") or "")
    link = entry.get("link") or None
    if link and base:
        link = urljoin(base, link)
    details = [entry.get("title_detail"), *content, entry.get("summary_detail")]
    language = next((d["language"] for d in details if d and d.get("language")), None)
    return RawEntry(
        title=_as_html(entry.get("title_detail"), entry.get("title") or ""),
        url=link,
        guid=entry.get("id") or None,
        summary_html=summary,
        published=_from_struct(entry.get("published_parsed") or entry.get("updated_parsed")),
        language=language or feed_language or None,
        base=(detail or {}).get("base") or base,
    )


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


def _bozo_reason(exc: BaseException | None) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        return f"ill-formed feed, read loosely: line {exc.getLineNumber()}: {exc.getMessage()}"
    reason = " ".join(str(exc).split()) if exc else "unknown problem"
    return f"feed problem: {reason[:200]}"
