"""JSON Feed 1.0 / 1.1 documents -> ParsedFeed (https://www.jsonfeed.org/version/1.1/).

Lenient where the spec's intent is clear (an item without an id, a date without a zone),
strict about what makes a document a JSON Feed at all: a jsonfeed.org version and a list of
items. Titles and content_text are plain text and are escaped into HTML (see feeds.py).
"""

from __future__ import annotations

import html
import json
from typing import Any

from digest.collect.rss_atom import parse_date, resolve_url
from digest.errors import ParseError
from digest.models import ParsedFeed, RawEntry

VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def parse_jsonfeed(body: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed; ParseError("not a feed (...)") when it is not one."""
    warnings: list[str] = []
    try:
        text = body.decode("utf-8-sig")  # RFC 8259: JSON on the wire is UTF-8
    except UnicodeDecodeError as exc:
        warnings.append(f"not valid UTF-8 at byte {exc.start}; bad bytes replaced")
        text = body.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise ParseError("not a feed (empty document)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not a feed (bad JSON: {exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise ParseError("not a feed (JSON nested too deeply)") from None
    if not isinstance(document, dict):
        raise ParseError("not a feed (JSON, but not a JSON Feed object)")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ParseError("not a feed (JSON without a jsonfeed.org version)")
    if version not in VERSIONS:
        warnings.append(f"unknown JSON Feed version {version[29:40]!r}, read as 1.1")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError("not a feed (JSON Feed without an items list)")

    base = url if url.startswith(("http://", "https://")) else None
    feed_language = _string(document.get("language"))
    entries = [_entry(item, base, feed_language) for item in items if isinstance(item, dict)]
    if len(entries) < len(items):
        warnings.append(f"{len(items) - len(entries)} items are not JSON objects; skipped")
    return ParsedFeed(
        kind="jsonfeed",
        entries=tuple(entries),
        title=_string(document.get("title")),
        warnings=tuple(warnings),
    )


def _entry(item: dict[str, Any], base: str | None, feed_language: str | None) -> RawEntry:
    content = _string(item.get("content_html"))
    if content is None:
        plain = _string(item.get("content_text")) or _string(item.get("summary")) or ""
        content = _text_to_html(plain)
    link = _string(item.get("url")) or _string(item.get("external_url"))
    if link and base:
        link = resolve_url(base, link)
    raw_id = item.get("id")
    # 1.0 allowed numeric ids; a bool or an object is no identity at all.
    guid = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None
    date = _string(item.get("date_published")) or _string(item.get("date_modified"))
    return RawEntry(
        title=html.escape(_string(item.get("title")) or "", quote=False),
        url=link,
        guid=guid or None,
        summary_html=content,
        published=parse_date(date),
        date_text=date or None,
        language=_string(item.get("language")) or feed_language,
    )


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
