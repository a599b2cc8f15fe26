"""One look at a feed without the store: for `digest sources add` and `digest sources test`.

A probe fetches the way collect does (collect/http.py, under the same settings: the safe
client, DIGEST_ALLOW_PRIVATE, DIGEST_FETCH_TIMEOUT, DIGEST_MAX_BYTES, DIGEST_USER_AGENT) but
unconditionally: no ETag or Last-Modified is sent and back-off is not consulted, since the
point is to see the feed as it is now. It parses in a worker process with collect's own
limits (collect/parsing.py: the same parsers, caps, sanitizing and normalizing), so the
items it shows are exactly the ones collect would store, and a hostile document costs the
worker, not the command.

`discover` is for a URL that may be a site's page rather than its feed: the page's
advertised feeds first, then the usual paths (collect/discover.py), the first that parses.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from types import TracebackType
from urllib.parse import urlsplit

from digest.collect import http
from digest.collect.detect import parse
from digest.collect.discover import FeedLink, advertised_feeds, feed_format, usual_feed_urls
from digest.collect.parsing import parse_items, parser_pool
from digest.collect.rss_atom import looks_like_html
from digest.config import Settings
from digest.errors import FetchError, ParseError
from digest.models import Item, Source

KINDS = {"rss": "RSS", "atom": "Atom", "jsonfeed": "JSON Feed", "html": "HTML page"}


@dataclass(frozen=True)
class Probe:
    """What one fetch of a source gave, as collect would store it."""

    url: str  # the URL asked for (a path for a local file)
    final_url: str  # where the redirects ended
    format: str  # "RSS 2.0", "Atom 1.0", "JSON Feed 1.1", "HTML page" …
    title: str | None
    items: tuple[Item, ...]  # in document order, capped at DIGEST_MAX_ITEMS_PER_SOURCE
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Discovery:
    """The feed found for a URL: the URL itself, or one its page leads to."""

    probe: Probe
    page_url: str | None  # the page the feed was found from; None when the URL is the feed
    advertised: tuple[FeedLink, ...]  # every feed the page advertises, in page order
    tried: tuple[tuple[str, str], ...]  # (url, why not) for candidates that failed first


class Prober:
    """`with Prober(settings, now) as prober:` fetches and parses under collect's rules; the
    parser process starts on first use and ends with the block."""

    def __init__(self, settings: Settings, now: datetime):
        self._settings = settings
        self._now = now
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Prober:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:  # on Ctrl-C, not waiting for a parse to finish
            self._pool.shutdown(wait=kind is None, cancel_futures=True)
            self._pool = None

    def fetch(self, source: Source) -> http.Fetched:
        """One unconditional GET (or a local file's bytes); FetchError says why not."""
        settings = self._settings
        if not source.is_remote:
            return http.read_file(source.url, max_bytes=settings.max_bytes)
        return http.fetch(
            source.url,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_bytes,
            user_agent=settings.user_agent,
            allow_private=settings.allow_private,
        )

    def read(self, fetched: http.Fetched, source: Source) -> Probe:
        """The fetched document parsed and normalized as collect would; ParseError when
        collect could not read it either."""
        job = partial(
            _examine,
            fetched,
            source,
            now=self._now,
            budget=self._settings.fetch_timeout,
            max_items=self._settings.max_items,
        )
        for attempt in range(2):  # a worker the system killed is replaced once, as in collect
            if self._pool is None:
                self._pool = parser_pool(1)
            try:
                form, title, items, warnings = self._pool.submit(job).result()
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                if attempt:
                    raise ParseError(
                        "the parser process died twice on this document (out of memory?)"
                    ) from None
                continue
            break
        return Probe(source.url, fetched.url, form, title, items, warnings)

    def probe(self, source: Source) -> Probe:
        return self.read(self.fetch(source), source)

    def discover(self, url: str) -> Discovery:
        """The feed at `url`, or the first feed its page leads to: the feeds it advertises
        in page order, then the usual paths on its site. FetchError when `url` itself cannot
        be fetched; ParseError when no feed is found, naming what was tried."""
        source = _source_for(url)
        fetched = self.fetch(source)
        try:
            return Discovery(self.read(fetched, source), None, (), ())
        except ParseError as exc:
            content_type = fetched.headers.get("content-type", "").lower()
            if not (looks_like_html(fetched.body) or "html" in content_type):
                raise
            first = exc
        advertised = tuple(advertised_feeds(fetched.body, fetched.url, content_type))
        candidates = [link.url for link in advertised]
        candidates += [u for u in usual_feed_urls(fetched.url) if u not in candidates]
        tried: list[tuple[str, str]] = []
        for candidate in candidates:
            if candidate in (url, fetched.url):
                continue
            try:
                probe = self.probe(_source_for(candidate))
            except (FetchError, ParseError) as exc:
                tried.append((candidate, str(exc)))
                continue
            if candidate not in (link.url for link in advertised):
                # A usual path found by trying: keep where its redirects settled.
                probe = replace(probe, url=probe.final_url)
            return Discovery(probe, fetched.url, advertised, tuple(tried))
        raise ParseError(_nothing_found(first, advertised, tried))


def _examine(
    fetched: http.Fetched, source: Source, *, now: datetime, budget: float, max_items: int
) -> tuple[str, str | None, tuple[Item, ...], tuple[str, ...]]:
    """In the worker: the items exactly as collect makes them, then the feed's own title and
    format (a second, cheap read: the first one passed under the time budget)."""
    parsed = parse_items(fetched, source, now=now, budget=budget, max_items=max_items)
    feed = parse(fetched, source)
    form = (feed_format(fetched.body) if feed.kind != "html" else None) or KINDS[feed.kind]
    return form, feed.title, tuple(parsed.items), parsed.warnings


def _source_for(url: str) -> Source:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return Source(name=host, url=url)


def _nothing_found(
    first: ParseError, advertised: tuple[FeedLink, ...], tried: list[tuple[str, str]]
) -> str:
    if advertised:
        shown = "; ".join(f"{url} ({why})" for url, why in tried[: len(advertised)])
        return (
            f"{first}: the page advertises {len(advertised)} feed"
            f"{'s' if len(advertised) != 1 else ''} and none could be read ({shown}), nor "
            "could any of the usual paths (/feed, /rss, /feed.xml …); pass the feed's own URL"
        )
    return (
        f'{first}: the page advertises no feed (no <link rel="alternate">), and none of the '
        "usual paths (/feed, /rss, /feed.xml, /atom.xml, /index.xml …) has one; "
        "pass the feed's own URL"
    )
