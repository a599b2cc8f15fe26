"""RSS and Atom documents -> ParsedFeed, with feedparser.

feedparser only ever gets our bytes wrapped in a BytesIO: given a str it fetches URLs, and
given a str *or bytes* it first tries `open()` on it as a path, so a body of b"/etc/passwd"
would be read from disk. Before it sees a document we do two things to it:

- we decode it (see `decode`) and hand feedparser UTF-8. feedparser follows RFC 3023, which
  tries its UTF-8 default before a byte-order mark (a UTF-16 document with a BOM and no XML
  declaration comes out as NUL-riddled "UTF-8"), and it reads the whole of a UTF-8 document
  with one bad byte as windows-1252 (mojibake for every other non-ASCII character).
- we drop the internal entity declarations that could expand to much (see
  `_without_costly_entities`). feedparser's loose parser expands the ones it considers safe
  without limit: one 100 KB entity referenced 50,000 times is 5 GB.

feedparser is not told the feed's URL either: it would resolve opaque guids against it
("1234" becoming "https://example.org/1234": a made-up link, and an identity that changes
when the feed moves). It still applies xml:base; we resolve what stays relative against the
URL. Its own sanitizer and relative-link rewriting are turned off: they cost more than the
rest of collect together, and nh3 does both (with the xml:base feedparser records for each
content element), so running them too would be work thrown away.

Contract for every parser in collect/: RawEntry.title and .summary_html are HTML; plain text
(an Atom type="text" title, a JSON Feed title) is escaped, so html_to_text() gives it back.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import time
import xml.sax
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date  # many legacy date syntaxes

from digest.collect.sanitize import html_to_text
from digest.errors import ParseError
from digest.models import ParsedFeed, RawEntry

_BOM_CODECS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16LE, whose BOM it starts with
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BOMS = tuple(bom for bom, _ in _BOM_CODECS)
# XML 1.0 appendix F: the first character ("<" or white space) of a UTF-16/32 document
# without a BOM is an ASCII character padded with zero bytes.
_ZERO_PADDED = (
    (re.compile(rb"\x00\x00\x00[^\x00]"), "utf-32-be"),
    (re.compile(rb"[^\x00]\x00\x00\x00"), "utf-32-le"),
    (re.compile(rb"\x00[^\x00]\x00[^\x00]"), "utf-16-be"),
    (re.compile(rb"[^\x00]\x00[^\x00]\x00"), "utf-16-le"),
)
_EBCDIC_XML = b"Lo\xa7\x94"  # "<?xm" in EBCDIC
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';,\s]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"'>]*)[\"']")
# Labels Python's codecs do not know, and labels browsers read as a superset (the WHATWG
# Encoding standard): a page labelled ISO-8859-1 with smart quotes is windows-1252.
_ALIASES = {
    "ucs-2": "utf-16", "iso-10646-ucs-2": "utf-16", "csunicode": "utf-16", "ucs-4": "utf-32",
    "iso-10646-ucs-4": "utf-32", "csucs4": "utf-32", "windows-874": "cp874", "x-sjis": "cp932",
}  # fmt: skip
_SUPERSETS = {
    "ascii": "windows-1252", "iso8859-1": "windows-1252", "cp1252": "windows-1252",
    "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874", "gb2312": "gb18030",
    "gbk": "gb18030", "euc_kr": "cp949", "big5": "big5hkscs", "shift_jis": "cp932",
}  # fmt: skip
# windows-1252 as browsers decode it: the five bytes cp1252 leaves undefined map to C1
# controls (as in Latin-1), which normalize then strips.
_C1_AS_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252", "replace").replace("\ufffd", chr(byte))
    for byte in range(0x80, 0xA0)
}
_ENTITY_DECLARATION = re.compile(r"<!ENTITY(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
# An internal general entity whose value is plain text or one character reference.
_PLAIN_ENTITY = re.compile(
    r"<!ENTITY\s+([\w.:-]+)\s+"
    r"(?:\"(&#x?[0-9a-fA-F]{1,6};|[^&%<\"]*)\"|'(&#x?[0-9a-fA-F]{1,6};|[^&%<']*)')\s*>"
)
ENTITY_BUDGET = 1_000_000  # characters all entity references together may expand to
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_HTML_START = re.compile(
    rb"(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)
_HTML_ANYWHERE = re.compile(r"<(?:html|head|body)[\s>]|<!doctype\s+html", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_ROOT_ELEMENT = re.compile(r"(?:\s|<\?[^>]*>|<!--.*?-->|<![^>]*>)*<([A-Za-z_][\w.:-]*)", re.DOTALL)
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"RIFF", "a RIFF (WebP/WAV) file"),
)  # fmt: skip


def _windows_1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1").translate(_C1_AS_WINDOWS_1252), error.end


codecs.register_error("digest.windows-1252", _windows_1252_fallback)


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse an RSS/Atom document. An ill-formed one gives a warning and what could be read;
    a document with no feed in it raises ParseError("not a feed (...)")."""
    if is_blank(body):
        raise ParseError("not a feed (empty document)")
    if reason := not_a_feed(body):
        raise ParseError(f"not a feed ({reason})")
    text, warnings = decode(body, headers)
    text = _without_costly_entities(text)
    response_headers = {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in ("content-type", "content-location")
    }
    response_headers["content-type"] = "application/xml; charset=utf-8"  # it is, now
    result = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = result.get("version") or ""
    if not version and not result.entries:
        raise ParseError(f"not a feed ({_describe_markup(text)})")

    base = url if url.startswith(("http://", "https://")) else None
    feed = result.get("feed", {})
    feed_language = feed.get("language")
    entries = tuple(_entry(entry, base, feed_language) for entry in result.entries)
    if result.get("bozo"):
        warnings.append(_bozo_reason(result.get("bozo_exception")))
    title = _as_html(feed.get("title_detail"), feed.get("title") or "")
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        entries=entries,
        title=" ".join(html_to_text(title).split()) or None,
        warnings=tuple(warnings),
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


def _quoted(text: str, limit: int = 60) -> str:
    return repr(one_line(text, limit))


def _html_page(head: str) -> str:
    title = _HTML_TITLE.search(head)
    shown = one_line(html.unescape(title.group(1))) if title else ""
    return f"got an HTML page: {shown!r}" if shown else "got an HTML page"


def decode(body: bytes, headers: Mapping[str, str]) -> tuple[str, list[str]]:
    """An XML document as text, and what was wrong with its encoding (for the warnings).

    The order is RFC 7303's: a byte-order mark (or UTF-16/32's zero bytes, XML appendix F),
    then the HTTP charset, then the XML declaration, then UTF-8. Labels are read the way
    browsers read them: ISO-8859-1 and US-ASCII as windows-1252, GB2312 as GB18030, and so
    on. The bytes outrank a label where that cannot be an accident: a body that is valid
    UTF-8 is UTF-8 when a label says so or names only a Latin-1 charset (servers' usual
    default); and in a document that should be UTF-8 but is not, each bad byte is read as
    windows-1252 (smart quotes pasted from a word processor), not the whole document.
    """
    warnings: list[str] = []
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    header_label = match.group(1) if (match := _CHARSET.search(content_type)) else None
    sniffed, skip = _sniff(body)
    if sniffed:
        body = body[skip:]
        declared = _codec(header_label) if header_label else None
        if declared and declared[:6] != sniffed[:6] and sniffed != "cp037":
            warnings.append(
                f"the byte-order mark says {sniffed.upper()} but the Content-Type says "
                f"{_quoted(header_label or '', 20)}: read as {sniffed.upper()}"
            )
        return _decode_as(body, sniffed, warnings), warnings

    labels = []
    head = body[:1024].decode("ascii", "replace")
    xml_label = match.group(1) if (match := _XML_ENCODING.match(head)) else None
    for where, label in (("Content-Type", header_label), ("XML declaration", xml_label)):
        if not label:
            continue
        codec = _codec(label)
        if codec is None:
            warnings.append(f"unknown encoding {_quoted(label, 20)} in the {where}; ignored")
        elif not codec.startswith(("utf-16", "utf-32")):  # impossible without zero bytes
            labels.append(codec)
    if not labels or "utf-8" in labels or set(labels) == {"windows-1252"}:
        labels.insert(0, "utf-8")
    for codec in dict.fromkeys(labels):
        try:
            return _decode_strictly(body, codec), warnings
        except UnicodeDecodeError:
            continue
    return _decode_as(body, labels[0], warnings), warnings


def _sniff(body: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark or zero-byte padding shows, and the BOM's length."""
    for bom, codec in _BOM_CODECS:
        if body.startswith(bom):
            return codec, len(bom)
    for pattern, codec in _ZERO_PADDED:
        if pattern.match(body):
            return codec, 0
    if body.startswith(_EBCDIC_XML):
        declared = _XML_ENCODING.match(body[:1024].decode("cp037"))
        codec = _codec(declared.group(1)) if declared else None
        return (codec if codec and codec.startswith("cp") else "cp037"), 0
    return None, 0


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(name, name)


def _decode_strictly(body: bytes, codec: str) -> str:
    if codec == "windows-1252":  # never fails
        return body.decode("latin-1").translate(_C1_AS_WINDOWS_1252)
    return body.decode(codec)


def _decode_as(body: bytes, codec: str, warnings: list[str]) -> str:
    """`body` in `codec`; where it is not, a warning and the bad bytes replaced."""
    try:
        return _decode_strictly(body, codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            how, errors = "read the bad bytes as windows-1252", "digest.windows-1252"
        else:
            how, errors = "replaced the bad bytes", "replace"
        warnings.append(f"not valid {codec.upper()} (first bad byte at {exc.start:,}); {how}")
        return body.decode(codec, errors)


def _without_costly_entities(text: str) -> str:
    """The document without the internal entity declarations whose expansion could be
    large: nested ones, markup, and any beyond ENTITY_BUDGET (value length times the number
    of references). The references to a dropped entity stay in the text as written."""
    match = _FIRST_ELEMENT.search(text)
    end = match.start() if match else len(text)
    if "<!ENTITY" not in text[:end]:
        return text
    budget = ENTITY_BUDGET

    def keep_cheap(declaration: re.Match[str]) -> str:
        nonlocal budget
        plain = _PLAIN_ENTITY.fullmatch(declaration.group(0))
        if plain:
            value = plain.group(2) or plain.group(3) or ""
            cost = len(value) * text.count(f"&{plain.group(1)};", end)
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
    details = [entry.get("title_detail"), *content, entry.get("summary_detail")]
    language = next((d["language"] for d in details if d and d.get("language")), None)
    element_base = (detail or {}).get("base") or ""
    return RawEntry(
        title=_as_html(entry.get("title_detail"), entry.get("title") or ""),
        url=_link(entry, base),
        guid=entry.get("id") or None,
        summary_html=summary,
        published=_from_struct(entry.get("published_parsed") or entry.get("updated_parsed")),
        language=language or feed_language or None,
        base=_resolved(base, element_base) or base,
    )


def _link(entry: Mapping[str, Any], base: str | None) -> str | None:
    """The entry's <link>, or its guid when that is a permalink: RSS 2.0's isPermaLink
    defaults to true, but a guid is only taken for a link when it looks like one (an
    absolute http(s) URL or a path), since many feeds leave the attribute off opaque ids."""
    link = (entry.get("link") or "").strip()
    from_guid = entry.get("guidislink") and link == entry.get("id")
    if from_guid and not link.startswith("/") and not _is_http_url(link):
        return None
    return _resolved(base, link) or None


def _resolved(base: str | None, url: str) -> str:
    """`url` made absolute against an http(s) `base`; as it is when either is malformed
    ("http://bad]test/"), which normalize then drops."""
    try:
        return urljoin(base, url) if base and url else url
    except ValueError:
        return url


def _is_http_url(text: str) -> bool:
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


def _bozo_reason(exc: BaseException | None) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        message = one_line(exc.getMessage(), 120)
        return f"ill-formed feed, read loosely: line {exc.getLineNumber()}: {message}"
    return f"feed problem: {one_line(str(exc), 200) if exc else 'unknown problem'}"
