"""Where a site keeps its feed, and what kind of feed a document is: pure, bytes in.

A page advertises its feeds in its head (`<link rel="alternate" type="application/rss+xml"
href="…">`, the autodiscovery convention browsers and feed readers follow). A page that
advertises none may still have one at a path the common publishing tools use (WordPress's
/feed, Hugo's /index.xml, Jekyll's /feed.xml, Blogger's /feeds/posts/default …): those are
the paths worth one request each, on the page's own origin.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from digest.collect.charset import BOMS, decode

# The types a feed link declares, and what to call each in a message.
FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/rdf+xml": "RSS 1.0",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON",  # JSON Feed before it had its own type (and WordPress's API)
}
# Tried in this order when a page advertises nothing; the first that parses wins.
USUAL_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/?feed=rss2",
    "/feeds/posts/default",
    "/index.rss",
)
HEAD_BYTES = 1_000_000  # the feed links are in the head: a page's first megabyte is plenty
_ROOT = re.compile(  # past the prolog: declaration, comments, a DOCTYPE with its subset
    r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*<([A-Za-z_][\w.:-]*)([^>]*)>",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATOM_03 = "http://purl.org/atom/ns#"
_RSS_090 = "http://my.netscape.com/rdf/simple/0.9/"


@dataclass(frozen=True)
class FeedLink:
    """A feed a page advertises."""

    url: str
    type: str  # the declared media type, lower-cased, without parameters
    title: str  # the link's title attribute ("" when none)

    @property
    def format(self) -> str:
        return FEED_TYPES.get(self.type, self.type)


def advertised_feeds(page: bytes, page_url: str, content_type: str = "") -> list[FeedLink]:
    """The feeds an HTML page advertises, in page order, each once: absolute http(s) URLs,
    resolved against the page's `<base href>` (itself resolved against `page_url`)."""
    text, _ = decode(page[:HEAD_BYTES], content_type)
    finder = _LinkFinder()
    try:
        finder.feed(text)
        finder.close()
    except (AssertionError, ValueError):  # html.parser on markup beyond repair: keep what it saw
        pass
    base = page_url
    if finder.base:
        base = _joined(page_url, finder.base) or page_url
    found: dict[str, FeedLink] = {}
    for href, kind, title in finder.links:
        url = _joined(base, href)
        if url and url not in found and url != page_url:
            found[url] = FeedLink(url, kind, title)
    return list(found.values())


def usual_feed_urls(page_url: str) -> list[str]:
    """The usual feed paths on the origin of `page_url` (not counting the page itself)."""
    parts = urlsplit(page_url)
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return [origin + path for path in USUAL_PATHS if origin + path != page_url]


def feed_format(body: bytes) -> str | None:
    """What a feed document is by its own say: "RSS 2.0", "RSS 1.0", "Atom 1.0", "Atom 0.3",
    "JSON Feed 1.1" …; None when its first element says nothing we know."""
    for bom in BOMS:
        body = body.removeprefix(bom)
    head = body[:8192].lstrip()
    if head[:1] in (b"{", b"["):
        try:
            version = json.loads(body).get("version", "")
        except (ValueError, AttributeError, RecursionError):
            return None
        if isinstance(version, str) and version.startswith("https://jsonfeed.org/version/"):
            number = version.removeprefix("https://jsonfeed.org/version/")
            return f"JSON Feed {number}.0" if number.isdigit() else f"JSON Feed {number}"
        return None
    text, _ = decode(head)
    match = _ROOT.match(text)
    if not match:
        return None
    name = match.group(1).lower()
    attributes = {
        key.lower(): (double if double is not None else single) or ""
        for key, double, single in _ATTRIBUTE.findall(match.group(2))
    }
    if name == "rss":
        return f"RSS {attributes.get('version', '').strip() or '2.0'}"
    if name.endswith("rdf"):  # rdf:RDF, whatever its prefix
        return "RSS 0.90" if _RSS_090 in attributes.values() else "RSS 1.0"
    if name == "feed" or name.endswith(":feed"):
        if attributes.get("version") == "0.3" or _ATOM_03 in attributes.values():
            return "Atom 0.3"
        return "Atom 1.0"
    return None


def _joined(base: str, href: str) -> str | None:
    """`href` made absolute against `base`, without its fragment; None unless http(s)."""
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
    except ValueError:  # "http://bad]host/" and the like
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(parts._replace(fragment=""))


class _LinkFinder(HTMLParser):
    """Collects `<base href>` (the first one counts) and feed `<link rel="alternate">`s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str, str]] = []  # (href, type, title)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {name: value or "" for name, value in attrs}
        href = values.get("href", "").strip()
        if not href:
            return
        if tag == "base":
            if self.base is None:
                self.base = href
            return
        rel = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            self.links.append((href, kind, " ".join(values.get("title", "").split())))

    handle_startendtag = handle_starttag
