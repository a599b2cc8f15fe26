"""A feed-less web page -> ParsedFeed, by the CSS selectors configured for its source.

The encoding comes from the bytes, in the HTML standard's order: a byte-order mark, then the
HTTP charset, then <meta charset>, then UTF-8, with invalid UTF-8 bytes read as windows-1252
(see charset.py; BeautifulSoup alone would read all of a page with one bad byte as
windows-1252, and a "gb2312" page with GB18030 characters as mojibake). Links are resolved
against <base href> when that is http(s), else against the page URL. A date is read from the
date element's `datetime` attribute, else its text; one without a zone is read as UTC (see
feeds.parse_date). Titles and summaries are passed on as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EncodingDetector

from digest.collect.charset import decode
from digest.collect.rss_atom import one_line, parse_date, resolve_url
from digest.errors import ParseError
from digest.models import ParsedFeed, RawEntry, Selectors

try:  # lxml is faster and closer to browsers; html.parser is always there
    import lxml  # noqa: F401

    PARSER = "lxml"
except ImportError:
    PARSER = "html.parser"


def parse_html_page(
    body: bytes, url: str, selectors: Selectors, *, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Find items on a page; ParseError when the item selector matches nothing."""
    content_type = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "")
    meta = EncodingDetector.find_declared_encoding(body[:4096], is_html=True)
    text, warnings = decode(body, content_type, declared=meta)
    soup = BeautifulSoup(text, PARSER)

    base = url if url.startswith(("http://", "https://")) else None
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        declared = resolve_url(base, str(base_tag["href"]).strip())
        if declared.startswith(("http://", "https://")):
            base = declared

    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    items = soup.select(selectors.item)
    if not items:  # the page's title often says why: "Just a moment...", "Sign in"
        shown = f" (page title: {one_line(title)!r})" if one_line(title) else ""
        raise ParseError(f"no items matched selector '{selectors.item}'{shown}")
    root = soup.find("html")
    language = root.get("lang") if isinstance(root, Tag) else None
    entries = tuple(_entry(item, selectors, base, language) for item in items)
    if untitled := sum(1 for entry in entries if not entry.title.strip()):
        warnings.append(f"{untitled} items had no title ('{selectors.title}')")
    return ParsedFeed(kind="html", entries=entries, title=title or None, warnings=tuple(warnings))


def _entry(item: Tag, selectors: Selectors, base: str | None, language: object) -> RawEntry:
    title = item.select_one(selectors.title)
    link = item.select_one(selectors.link)
    href = link.get("href") if link else None
    if link and not href:  # the selector found the headline, not its <a>
        inner = link.find("a", href=True)
        href = inner.get("href") if isinstance(inner, Tag) else None
    url = str(href).strip() if href else None
    if url and base:
        url = resolve_url(base, url)

    published = date_text = None
    if selectors.date and (date := item.select_one(selectors.date)):
        date_text = str(date.get("datetime") or date.get_text(" ", strip=True)) or None
        published = parse_date(date_text)
    summary = item.select_one(selectors.summary) if selectors.summary else None
    if summary and base:  # resolve here: only this module knows the page's <base href>
        for tag in summary.find_all(href=True):
            tag["href"] = resolve_url(base, str(tag["href"]).strip())
    return RawEntry(
        title=title.decode_contents() if title else "",
        url=url,
        guid=None,  # pages have no ids: normalize falls back to the link
        summary_html=summary.decode_contents() if summary else "",
        published=published,
        date_text=date_text,
        language=str(language) if isinstance(language, str) else None,
    )
