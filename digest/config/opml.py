"""OPML, the feed readers' list of subscriptions: read any reader's export, write OPML 2.0.

Reading takes what Feedly, Inoreader, Miniflux, FreshRSS, NetNewsWire, Thunderbird and the
OPML 1.0 exporters of old write: an `<outline>` with an `xmlUrl` is a feed (with no `type`
or an RSS/Atom/JSON one: FreshRSS also lists pages it scrapes, which are not), one without
is a folder, folders nest, and a feed's categories are its folders'
path and any `category` attribute ("/Politics,/News/Iraq", OPML 2.0). The XML is parsed
with defusedxml: a file that declares entities (a billion laughs) or reaches for external
ones is refused, never expanded. A category names a source's default section when it
matches a section's key or title, case-insensitively, the most specific part first.

Writing is deterministic: the same sources and clock give the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from digest.errors import OpmlError
from digest.models import SectionRule, Source

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*")
# What XML 1.0 cannot carry at all, even escaped.
_IN_ATTRIBUTES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_FEED_TYPES = frozenset({"rss", "atom", "feed", "json", "jsonfeed"})  # `type`, lower-cased
_BREAKS = frozenset({"Cc", "Zl", "Zp"})  # controls and line breaks: never inside a name
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Feed:
    """One feed of an OPML file."""

    title: str  # one line; "" when the file gives none
    xml_url: str  # http(s)
    html_url: str | None  # the site, when the file says
    categories: tuple[tuple[str, ...], ...]  # folder path first, then `category` paths
    language: str | None = None


@dataclass(frozen=True)
class Subscriptions:
    """What an OPML file holds: its feeds in document order, and what was left out why."""

    title: str | None
    feeds: tuple[Feed, ...]
    notes: tuple[str, ...]


def read_opml(data: bytes, name: str) -> Subscriptions:
    """The feeds of an OPML 1.0/1.1/2.0 document; OpmlError (naming `name`) when it is not
    well-formed XML, not OPML, or unsafe."""
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise OpmlError(
            f"{name}: refused: it declares XML entities or refers to outside ones "
            f"({type(exc).__name__}), which an OPML file never needs (a billion laughs?)"
        ) from None
    except XMLParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]  # expat's words: "not well-formed (invalid token)"
        reason = reason.removeprefix("not well-formed (").removesuffix(")")
        raise OpmlError(
            f"{name}: not well-formed XML: {reason} at line {line}, column {column + 1}; "
            "export the file from your feed reader again"
        ) from None
    if _local(root.tag) != "opml":
        raise OpmlError(
            f"{name}: not an OPML file: its root element is <{_local(root.tag)}>, not <opml>"
        )
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise OpmlError(f"{name}: not an OPML file: it has no <body>")
    head = next((child for child in root if _local(child.tag) == "head"), None)
    title_element = None if head is None else head.find("title")
    title = _one_line(title_element.text or "") if title_element is not None else ""

    feeds: list[Feed] = []
    notes: list[str] = []
    # Depth-first in document order, without recursion: a folder nested 10,000 deep is a
    # long path, not a RecursionError.
    stack: list[tuple[Element, tuple[str, ...]]] = [
        (child, ()) for child in reversed(list(body)) if _local(child.tag) == "outline"
    ]
    while stack:
        outline, path = stack.pop()
        attributes = {key.lower(): value for key, value in outline.attrib.items()}
        label = _one_line(attributes.get("text") or attributes.get("title") or "")
        xml_url = (attributes.get("xmlurl") or "").strip()
        if not xml_url:  # a folder (or a link, a note): its outlines are in it
            inner = (*path, label) if label else path
            stack += [(c, inner) for c in reversed(list(outline)) if _local(c.tag) == "outline"]
            continue
        kind = (attributes.get("type") or "rss").strip()
        if kind.lower() not in _FEED_TYPES:  # FreshRSS's "HTML+XPath": a page it scrapes
            notes.append(
                f"{label or xml_url!r}: skipped: its type {_short(kind)!r} is not a feed "
                "(add a page with `kind: html` and selectors yourself)"
            )
            continue
        if not _is_http_url(xml_url):
            notes.append(
                f"{label or xml_url!r}: skipped: its feed address {_short(xml_url)!r} "
                "is not an http(s) URL"
            )
            continue
        categories = [path] if path else []
        categories += _category_paths(attributes.get("category", ""))
        html_url = (attributes.get("htmlurl") or "").strip()
        language = (attributes.get("language") or "").strip()
        feeds.append(
            Feed(
                title=label,
                xml_url=xml_url,
                html_url=html_url if _is_http_url(html_url) else None,
                categories=tuple(dict.fromkeys(categories)),
                language=language if _LANGUAGE.fullmatch(language) else None,
            )
        )
    return Subscriptions(title or None, tuple(feeds), tuple(notes))


def section_for(
    categories: Iterable[Sequence[str]], sections: Sequence[SectionRule]
) -> tuple[str, str] | None:
    """(section key, the category part that named it) for the first category part that is
    a section's key or title, case-insensitively: each path's last part first."""
    names: dict[str, str] = {}
    for section in sections:
        names.setdefault(section.key.casefold(), section.key)
        names.setdefault(section.title.casefold(), section.key)
    for path in categories:
        for part in reversed(path):
            key = names.get(part.strip().casefold())
            if key:
                return key, part
    return None


def write_opml(
    sources: Sequence[Source], sections: Sequence[SectionRule], *, title: str, now: datetime
) -> bytes:
    """OPML 2.0 of `sources` (http(s) feeds; the caller leaves out the rest): a folder per
    section in DIGEST_SECTIONS order, then the sources without a section."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(_xml_text(title))}</title>",
        f"    <dateCreated>{format_datetime(now.astimezone(UTC), usegmt=True)}</dateCreated>",
        "    <docs>http://opml.org/spec2.opml</docs>",
        "  </head>",
        "  <body>",
    ]
    for section in sections:
        members = [s for s in sources if s.section == section.key]
        if not members:
            continue
        name = _attribute(_xml_text(section.title))
        lines.append(f"    <outline text={name} title={name}>")
        lines += [f"      {_feed_outline(source, section)}" for source in members]
        lines.append("    </outline>")
    known = {section.key for section in sections}
    lines += [
        f"    {_feed_outline(source, None)}"
        for source in sources
        if source.section is None or source.section not in known
    ]
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _feed_outline(source: Source, section: SectionRule | None) -> str:
    name = _attribute(_xml_text(source.name))
    attributes = [
        f"text={name}",
        f"title={name}",
        'type="rss"',
        f"xmlUrl={_attribute(_xml_text(source.url))}",
        f"htmlUrl={_attribute(_xml_text(site_url(source)))}",
    ]
    if section is not None:
        attributes.append(f"category={_attribute('/' + section.key)}")
    if source.language:
        attributes.append(f"language={_attribute(source.language)}")
    return "<outline " + " ".join(attributes) + "/>"


def site_url(source: Source) -> str:
    """The site a feed belongs to: its first credited host other than the feed's own (a
    feed at feeds.feedburner.com, articles at example.org), else the feed's origin."""
    parts = urlsplit(source.url)
    feed_host = (parts.hostname or "").removeprefix("www.")
    other = next((d for d in source.domains if d != feed_host), None)
    if other:
        return f"{parts.scheme}://{other}/"
    return f"{parts.scheme}://{parts.netloc}/"


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[bad/" and the like
        return False


def _category_paths(value: str) -> list[tuple[str, ...]]:
    """OPML 2.0's `category`: comma-separated, slash-delimited paths ("/Tech/News,/World")."""
    paths = []
    for entry in value.split(","):
        parts = tuple(p for p in (_one_line(part) for part in entry.split("/")) if p)
        if parts:
            paths.append(parts)
    return paths


def _local(tag: object) -> str:
    """An element's name without its namespace ("{ns}opml" -> "opml")."""
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _one_line(text: str) -> str:
    """NFC, on one line, spaces collapsed. Format characters stay: a zero-width non-joiner
    is part of how Persian and Kurdish words are spelled."""
    text = unicodedata.normalize("NFC", text)
    spaced = "".join(" " if unicodedata.category(c) in _BREAKS else c for c in text)
    return " ".join(spaced.split())


def _attribute(value: str) -> str:
    """A double-quoted attribute value (quoteattr would switch to single quotes)."""
    return '"' + escape(value, _IN_ATTRIBUTES) + '"'


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _short(text: str, limit: int = 80) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
