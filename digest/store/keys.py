"""Which stored item a fetched item is: the keys the store deduplicates on.

An item is known by, in this order:

1. its feed's guid (Atom id, RSS guid, JSON Feed id), within its source;
2. its canonical URL (scheme and host lower-cased, https, no fragment, no tracking
   parameters), across all sources: the same article in two feeds is one item;
3. a hash of its normalized title and its date (when the feed gave one), within its source.

A key only counts when it is unambiguous in the fetch that carries it: when one guid (or one
link) is shared by entries that differ, it says nothing about which is which, so those
entries fall through to the next key (rss2email #111: every item linking to the home page).
Entries identical in every field are one entry sent twice, and are kept once.

batch_rows gives each entry as the store inserts it (a Row): a collect's parser processes
compute them, so the collecting process receives plain tuples of strings to store, not
objects to rebuild (it fetches and stores: the longest share of the work on two CPUs).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from digest.models import Item
from digest.store.timestamps import timestamp

# Query parameters that say who sent the reader, not which page it is.
_TRACKING = re.compile(
    r"utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign"
    r"|at_custom\d*|ref_src|_ga|igshid|smid",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A link with a lower-case scheme and host, no port, user, query or fragment, and a path of
# printable ASCII: its canonical form needs no parsing.
_SIMPLE_URL = re.compile(r"https?://([a-z0-9.-]+)(/[\x21\x22\x24-\x3e\x40-\x7e]*)?")


@dataclass(frozen=True)
class Keys:
    guid: str | None  # the feed's id, when it identifies one entry in this fetch
    url: str | None  # the canonical URL, when it identifies one entry in this fetch
    content: str  # "sha256:<hex>" of the normalized title and the feed's date


def canonical_url(url: str | None) -> str | None:
    """The form of an http(s) URL that two feeds linking one article agree on; None for
    other URLs (mailto:, malformed)."""
    if not url:
        return None
    simple = _SIMPLE_URL.fullmatch(url.strip())
    if simple and (host := simple[1].rstrip(".")):  # most links: what urlsplit would give
        return f"https://{host}{simple[2] or '/'}"
    return _canonical_parsed(url)


def _canonical_parsed(url: str) -> str | None:
    """canonical_url the long way, parsing the URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.fullmatch(name)
    ]
    # http and https of one article are one article: many feeds still write http links.
    return urlunsplit(("https", host, parts.path or "/", urlencode(query) if query else "", ""))


def content_key(item: Item) -> str:
    """A hash of the normalized title and the date the feed gave; a date we had to guess
    (flagged) is left out, since it is the fetch time and changes with every fetch."""
    title = " ".join((item.title or item.text[:200]).casefold().split())
    stamp = "" if item.date_flag else item.published.isoformat()
    return _hash(f"{title}\n{stamp}")


def batch_keys(items: Sequence[Item]) -> list[tuple[Item, Keys]]:
    """The keys of one fetch's items, duplicates removed, in feed order."""
    unique = list(dict.fromkeys(items))  # an entry repeated verbatim is one entry
    urls = [canonical_url(item.url) for item in unique]
    contents = [content_key(item) for item in unique]
    guid_uses = Counter(item.guid for item in unique if item.guid)
    url_uses = Counter(url for url in urls if url)
    content_uses = Counter(contents)
    keyed = []
    for item, url, content in zip(unique, urls, contents, strict=True):
        if content_uses[content] > 1:  # one headline on one date, told twice: tell them apart
            content = _hash(f"{content}\n{item.text}\n{item.url}")
        keys = Keys(
            guid=item.guid if item.guid and guid_uses[item.guid] == 1 else None,
            url=url if url and url_uses[url] == 1 else None,
            content=content,
        )
        keyed.append((item, keys))
    return keyed


# An entry as the store inserts it: (source, guid, url_key, content_key, url, title,
# summary_html, text, published, language, date_flag), the first four what it is known by
# (Keys), `published` a timestamp(); the columns of `items` in their order, ids and the
# first_seen/last_seen stamps left out.
Row = tuple[
    str, str | None, str | None, str, str | None, str, str, str, str, str | None, str | None
]
SOURCE, GUID, URL_KEY, CONTENT, URL, TITLE, SUMMARY, TEXT, PUBLISHED = range(9)
VALUES = slice(URL, None)  # what an update writes: the entry's own fields, no keys


def to_row(item: Item, keys: Keys) -> Row:
    return (
        item.source,
        keys.guid,
        keys.url,
        keys.content,
        item.url,
        item.title,
        item.summary_html,
        item.text,
        timestamp(item.published),
        item.language,
        item.date_flag,
    )


def batch_rows(items: Sequence[Item]) -> list[Row]:
    """batch_keys(items), each entry with its keys as the store inserts it."""
    return [to_row(item, keys) for item, keys in batch_keys(items)]


def _hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
