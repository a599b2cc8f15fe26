"""The common case of RSS 2.0 and Atom 1.0 read with lxml: what feedparser makes of it, faster.

feedparser is the parser of record. It reads a document through a SAX handler written in
Python, which is most of what parsing a feed costs; libxml2 reads the same well-formed
document several times faster. So a document in the narrow shape most feeds have is read
here, into the very values feedparser gives for it (the entries' and the feed's fields that
rss_atom.py reads), and every other document goes to feedparser: `read` answers None.

What is read here, and nothing else (any other element, attribute or namespace is None):

- a document libxml2 reads as well-formed XML without a DOCTYPE (so without entities of its
  own), with an `<rss version="2.x">` root holding one `<channel>`, or an Atom 1.0 `<feed>`;
- the elements of `_RSS` and `_ATOM` below, each where it is listed, with the attributes
  listed for it, in lower case as the specs write them; `xml:lang` anywhere, `xml:base`
  nowhere; a text element holds text only (no child element, no XHTML content);
- the elements that carry an entry's fields at most once per entry (and per feed).

Within that shape the rules are feedparser 6.0's, step by step (feedparser/mixin.py `pop`,
namespaces/_base.py): text stripped; `link` and a permalink `id` through its URL fixer; a
plain-text RSS title that looks like HTML taken as HTML; UTF-8 read as Latin-1 mended and
windows-1252 controls mapped; guidislink and the guid standing in for a missing link; the
Atom link rules; languages from xml:lang (or the Content-Language header) and the channel's
<language>. tests/test_fast_feed.py holds it to feedparser's answer, field by field, on
feedparser's own corpus, our feed fixtures and the benchmark's documents.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from feedparser.encodings import RE_XML_DECLARATION
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
_A = "{" + ATOM + "}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_A_ENTRY = _A + "entry"
_A_TITLE = _A + "title"
_A_SUMMARY = _A + "summary"
_A_CONTENT = _A + "content"
_A_LINK = _A + "link"
_A_ID = _A + "id"
_A_UPDATED = _A + "updated"
_A_PUBLISHED = _A + "published"
_CONTENT_ENCODED = _CONTENT + "encoded"
# The namespaces a document here may declare: the ones the elements below live in.
_NAMESPACES = frozenset(
    {
        ATOM,
        "http://purl.org/rss/1.0/modules/content/",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/rss/1.0/modules/syndication/",
    }
)
_DECLARATION = re.compile(r"""\sxmlns(?::[^\s=]*)?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The same, from its word on: the regex engine skips ahead to a literal it opens with, and
# tries a pattern that opens with \s at every character of the document (a third of read()).
_XMLNS = re.compile(_DECLARATION.pattern.removeprefix(r"\s"))
_ROOT_START = re.compile(r"<[A-Za-z_]")
# feedparser puts this declaration in place of the document's own (encodings.py).
_FEEDPARSER_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/html"})

# Per element: its attributes, and its children (None: text only, no child element).
_Shape = tuple[frozenset[str], "dict[str, _Shape] | None"]
_NONE: frozenset[str] = frozenset()
_TEXT: _Shape = (_NONE, None)
_EMPTY: _Shape = (_NONE, {})
_TYPED: _Shape = (frozenset({"type"}), None)
_RSS_IMAGE: _Shape = (
    _NONE,
    {name: _TEXT for name in ("title", "url", "link", "width", "height", "description")},
)
_RSS_ITEM: _Shape = (
    _NONE,
    {
        "title": _TEXT,
        "link": _TEXT,
        "description": _TEXT,
        "guid": (frozenset({"isPermaLink"}), None),
        "pubDate": _TEXT,
        "category": (frozenset({"domain"}), None),
        "author": _TEXT,
        "comments": _TEXT,
        "enclosure": (frozenset({"url", "length", "type"}), {}),
        _CONTENT + "encoded": _TEXT,
        _DC + "creator": _TEXT,
    },
)
_RSS_CHANNEL: _Shape = (
    _NONE,
    {
        "title": _TEXT,
        "link": _TEXT,
        "description": _TEXT,
        "language": _TEXT,
        "copyright": _TEXT,
        "managingEditor": _TEXT,
        "webMaster": _TEXT,
        "pubDate": _TEXT,
        "lastBuildDate": _TEXT,
        "category": (frozenset({"domain"}), None),
        "generator": _TEXT,
        "docs": _TEXT,
        "ttl": _TEXT,
        "image": _RSS_IMAGE,
        "item": _RSS_ITEM,
        _A + "link": (frozenset({"href", "rel", "type"}), {}),
        _SY + "updatePeriod": _TEXT,
        _SY + "updateFrequency": _TEXT,
    },
)
_ATOM_LINK: _Shape = (frozenset({"href", "rel", "type", "hreflang", "title", "length"}), {})
_ATOM_PERSON: _Shape = (_NONE, {_A + "name": _TEXT, _A + "uri": _TEXT, _A + "email": _TEXT})
_ATOM_CATEGORY: _Shape = (frozenset({"term", "scheme", "label"}), {})
_ATOM_ENTRY: _Shape = (
    _NONE,
    {
        _A + "title": _TYPED,
        _A + "link": _ATOM_LINK,
        _A + "id": _TEXT,
        _A + "updated": _TEXT,
        _A + "published": _TEXT,
        _A + "author": _ATOM_PERSON,
        _A + "category": _ATOM_CATEGORY,
        _A + "summary": _TYPED,
        _A + "content": _TYPED,
    },
)
_ATOM_FEED: _Shape = (
    _NONE,
    {
        _A + "title": _TYPED,
        _A + "subtitle": _TYPED,
        _A + "link": _ATOM_LINK,
        _A + "id": _TEXT,
        _A + "updated": _TEXT,
        _A + "author": _ATOM_PERSON,
        _A + "generator": (frozenset({"uri", "version"}), None),
        _A + "icon": _TEXT,
        _A + "logo": _TEXT,
        _A + "rights": _TYPED,
        _A + "category": _ATOM_CATEGORY,
        _A + "entry": _ATOM_ENTRY,
    },
)
# What may appear more than once in one feed or entry: nothing our fields are read from.
_REPEATABLE = frozenset(
    {"category", "enclosure", "item", _A + "link", _A + "category", _A + "entry", _A + "author"}
)


class _NotCommon(Exception):
    """The document is outside the shape read here: feedparser reads it."""


def read(
    text: str, language: str | None
) -> tuple[str, dict[str, Any], list[dict[str, Any]]] | None:
    """(version, feed, entries) as feedparser.parse gives them for `text` (decoded, entity
    declarations already dealt with), with `language` the Content-Language header; None
    when the document is not one this module reads."""
    root_start = _ROOT_START.search(text)
    if root_start is None or "DOCTYPE" in text[: root_start.start()].upper():
        return None
    if text.startswith("\ufeff"):
        return None
    for declared in declarations(text):
        if (declared.group(1) or declared.group(2) or "") not in _NAMESPACES:
            return None
    if RE_XML_DECLARATION.match(text):
        data = RE_XML_DECLARATION.sub(_FEEDPARSER_DECLARATION, text)
    else:
        data = _FEEDPARSER_DECLARATION + "\n" + text
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data.encode("utf-8"), parser)
        if root.tag == "rss":
            return _rss(root, language)
        if root.tag == _A + "feed":
            return _atom(root, language)
    except (etree.XMLSyntaxError, _NotCommon):
        return None
    return None


def declarations(text: str) -> Iterator[re.Match[str]]:
    r"""The namespace declarations _DECLARATION.finditer(text) finds, as matches of _XMLNS
    (the same groups): each "xmlns" after a white space, searched from where the last one
    ended. `\s` and str.isspace() agree on every character."""
    position = 1
    while (found := _XMLNS.search(text, position)) is not None:
        if text[found.start() - 1].isspace():
            yield found
            position = found.end() + 1
        else:
            position = found.start() + 1


# --------------------------------------------------------------------------- RSS 2.0


def _rss(root: etree._Element, language: str | None) -> tuple[str, dict, list]:
    if not (root.get("version") or "").startswith("2.") or not set(root.keys()) <= {
        "version",
        _XML_LANG,
    }:
        raise _NotCommon
    if (root.text and root.text.strip()) or len(root) != 1 or root[0].tag != "channel":
        raise _NotCommon
    if root[0].tail and root[0].tail.strip():
        raise _NotCommon
    channel = root[0]
    _check(channel, _RSS_CHANNEL)
    feed: dict[str, Any] = {}
    lang = _lang(root, language)
    if language:
        feed["language"] = language.replace("_", "-")
    if lang:
        feed["language"] = lang.replace("_", "-")
    lang = _lang(channel, lang)
    entries = []
    for child in channel:
        tag = child.tag
        if tag == "item":
            entries.append(_rss_item(child, _lang(child, lang)))
        elif tag == "title":
            feed.update(_text_field("title", child, _lang(child, lang), "text/plain", rss=True))
        elif tag == "language":
            feed["language"] = _finish(_text(child))
    return "rss20", feed, entries


def _rss_item(item: etree._Element, lang: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for child in item:
        tag = child.tag
        child_lang = _lang(child, lang)
        if tag == "title":
            entry.update(_text_field("title", child, child_lang, "text/plain", rss=True))
        elif tag == "description":
            entry.update(_text_field("summary", child, child_lang, "text/html", rss=True))
        elif tag == _CONTENT_ENCODED:  # a description before or after it is the summary
            detail = _detail(child, child_lang, "text/html", rss=True)
            entry["content"] = [detail]
            entry.setdefault("summary", detail["value"])
        elif tag == "link":
            link = _finish(_fixed_uri(_text(child)))
            link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", link.replace("&amp;", "&"))
            entry["link"] = link
        elif tag == "guid":
            _guid(entry, child, permalink=child.get("isPermaLink", "true") == "true")
        elif tag == "pubDate":
            entry["published"] = _finish(_text(child))
    return entry


# --------------------------------------------------------------------------- Atom 1.0


def _atom(root: etree._Element, language: str | None) -> tuple[str, dict, list]:
    _check(root, _ATOM_FEED)
    feed: dict[str, Any] = {}
    lang = _lang(root, language)
    if language:
        feed["language"] = language.replace("_", "-")
    if lang:
        feed["language"] = lang.replace("_", "-")
    entries = []
    for child in root:
        tag = child.tag
        if tag == _A_ENTRY:
            entries.append(_atom_entry(child, _lang(child, lang)))
        elif tag == _A_TITLE:
            feed.update(_text_field("title", child, _lang(child, lang), "text/plain"))
    return "atom10", feed, entries


def _atom_entry(entry_element: etree._Element, lang: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for child in entry_element:
        tag = child.tag
        child_lang = _lang(child, lang)
        if tag == _A_TITLE:
            entry.update(_text_field("title", child, child_lang, "text/plain"))
        elif tag == _A_SUMMARY:
            entry.update(_text_field("summary", child, child_lang, "text/plain"))
        elif tag == _A_CONTENT:
            detail = _detail(child, child_lang, "text/plain")
            entry["content"] = [detail]
            entry.setdefault("summary", detail["value"])
        elif tag == _A_LINK:
            _atom_link(entry, child)
        elif tag == _A_ID:
            _guid(entry, child, permalink=True)
        elif tag == _A_UPDATED:
            entry["updated"] = _finish(_text(child))
        elif tag == _A_PUBLISHED:
            entry["published"] = _finish(_text(child))
    return entry


def _atom_link(entry: dict[str, Any], link: etree._Element) -> None:
    """feedparser's _start_link: the href of an alternate HTML link is the entry's link."""
    href = link.get("href")
    if href is None:  # its text would be the link: not read here
        raise _NotCommon
    rel = link.get("rel")
    rel = "alternate" if rel is None else rel.lower()
    default_type = "application/atom+xml" if rel == "self" else "text/html"
    kind = link.get("type")
    kind = default_type if kind is None else kind.lower()
    if rel == "alternate" and _FeedParserMixin.map_content_type(kind) in _HTML_TYPES:
        entry["link"] = _fixed_uri(href)


# --------------------------------------------------------------------------- both


def _guid(entry: dict[str, Any], element: etree._Element, *, permalink: bool) -> None:
    """feedparser's _end_guid: the id, and the id as the link when it is a permalink and no
    link came before it."""
    value = _text(element)
    if permalink and value:
        value = _fixed_uri(value)
    value = _finish(value)
    entry["id"] = value
    entry.setdefault("guidislink", permalink and "link" not in entry)
    if permalink:
        entry.setdefault("link", value)


def _text_field(
    key: str, element: etree._Element, lang: str | None, default_type: str, *, rss: bool = False
) -> dict[str, Any]:
    detail = _detail(element, lang, default_type, rss=rss)
    return {key: detail["value"], f"{key}_detail": detail}


def _detail(
    element: etree._Element, lang: str | None, default_type: str, *, rss: bool = False
) -> dict[str, Any]:
    """feedparser's push_content and pop for a text construct: type, language, base, value."""
    declared = element.get("type")
    kind = _FeedParserMixin.map_content_type(default_type if declared is None else declared.lower())
    if kind not in _TEXT_TYPES:  # XHTML, base64 or another media type: feedparser's own
        raise _NotCommon
    value = _text(element)
    # RSS leaves consumers to guess whether a "plain text" title is HTML.
    if rss and kind == "text/plain" and _FeedParserMixin.looks_like_html(value):
        kind = "text/html"
    return {
        "type": kind,
        "language": lang.replace("_", "-") if lang else lang,
        "base": "",
        "value": _finish(value),
    }


def _fixed_uri(uri: str) -> str:
    """feedparser's resolve_uri without a base: its _urljoin("", uri), which only takes
    the extra slashes out of "http:///x"."""
    return _urljoin("", uri) if ":///" in uri else uri


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _finish(value: str) -> str:
    """The last steps of feedparser's pop: UTF-8 that was read as Latin-1 mended, then the
    windows-1252 characters in the C1 range mapped to theirs."""
    if value.isascii():  # neither step changes ASCII
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)


def _lang(element: etree._Element, inherited: str | None) -> str | None:
    lang = element.get(_XML_LANG)
    if lang is None:
        return inherited
    return lang or None


def _check(element: etree._Element, shape: _Shape) -> None:
    """Raise _NotCommon unless `element` and everything in it is of `shape`."""
    attributes, children = shape
    _check_attributes(element, attributes)
    if children is None:
        if len(element):
            raise _NotCommon
        return
    if element.text and element.text.strip():
        raise _NotCommon
    seen: set[str] = set()
    for child in element:
        tag = child.tag  # an element's: comments and processing instructions are dropped
        child_shape = children.get(tag)
        if child_shape is None or (tag in seen and tag not in _REPEATABLE):
            raise _NotCommon
        seen.add(tag)
        if child.tail and child.tail.strip():
            raise _NotCommon
        if child_shape[1] is None:  # a text element, most of them: checked here
            _check_attributes(child, child_shape[0])
            if len(child):
                raise _NotCommon
        else:
            _check(child, child_shape)


def _check_attributes(element: etree._Element, attributes: frozenset[str]) -> None:
    for name in element.keys():  # noqa: SIM118 - an lxml element, not a dict
        if name not in attributes and name != _XML_LANG:
            raise _NotCommon
