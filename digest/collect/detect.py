"""Pick the parser for a fetched document: the source's kind, then the bytes themselves.

A `feed` source may be RSS, Atom or JSON Feed; we look at the content first (servers label
feeds text/html, text/plain or application/octet-stream all the time) and use the
Content-Type only when the content does not say.
"""

from __future__ import annotations

from digest.collect.fetched import Fetched
from digest.collect.jsonfeed import parse_jsonfeed
from digest.collect.rss_atom import is_blank, not_a_feed, parse_feed
from digest.errors import ParseError
from digest.models import ParsedFeed, Source

_JSON_TYPES = ("application/json", "application/feed+json")


def parse(fetched: Fetched, source: Source) -> ParsedFeed:
    """Parse a fetched document as its source says; ParseError when it is not usable."""
    body = fetched.body
    if is_blank(body):
        raise ParseError("not a feed (empty document)")
    if source.kind == "html":
        if source.selectors is None:  # config validation requires them; be explicit anyway
            raise ParseError("an html source needs selectors")
        # BeautifulSoup takes 0.1 s to import: only a process reading an HTML page pays it.
        from digest.collect.html import parse_html_page

        return parse_html_page(body, fetched.url, source.selectors, headers=fetched.headers)
    if reason := not_a_feed(body):  # an HTML page, an image ...: say what it is
        raise ParseError(f"not a feed ({reason})")
    start = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]
    content_type = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    is_json = start in (b"{", b"[") or (start != b"<" and content_type in _JSON_TYPES)
    if is_json:
        return parse_jsonfeed(body, fetched.url)
    return parse_feed(body, fetched.headers, fetched.url)
