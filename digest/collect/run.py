"""Collect every enabled source into the store; one broken source never stops the others.

Fetching and parsing run concurrently (DIGEST_CONCURRENCY); each source's items are
saved in one transaction, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from digest.collect import http
from digest.collect.detect import parse
from digest.collect.normalize import normalize
from digest.config import Settings
from digest.errors import FetchError, ParseError
from digest.models import Item, Source
from digest.store import SaveCounts, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceReport:
    source: str
    status: str  # "ok", "not modified", "failed"
    counts: SaveCounts
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class _Fetched:
    items: list[Item]
    http_status: int | None
    etag: str | None
    last_modified: str | None
    warnings: tuple[str, ...]


def _fetch_and_parse(
    source: Source, settings: Settings, store_state: tuple[str | None, ...], now: datetime
) -> _Fetched:
    etag, last_modified = store_state
    if source.is_remote:
        fetched = http.fetch(
            source.url,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_bytes,
            user_agent=settings.user_agent,
            etag=etag,
            last_modified=last_modified,
        )
    else:
        fetched = http.read_file(source.url, max_bytes=settings.max_bytes)
    if fetched.status == 304:
        return _Fetched([], 304, fetched.etag, fetched.last_modified, ())
    feed = parse(fetched, source)
    base = fetched.url if source.is_remote else None
    items = [
        item
        for entry in feed.entries
        if (item := normalize(entry, source, now=now, base_url=base)) is not None
    ]
    return _Fetched(items, fetched.status, fetched.etag, fetched.last_modified, feed.warnings)


def collect(
    settings: Settings,
    store: Store,
    now: datetime,
    progress: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Fetch every enabled source; returns one report per source, in settings order."""
    sources = [s for s in settings.sources if s.enabled]
    states = {}
    for source in sources:
        state = store.fetch_state(source.name)
        states[source.name] = (state.etag, state.last_modified) if state else (None, None)

    reports: dict[str, SourceReport] = {}
    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        futures = {
            source.name: pool.submit(_fetch_and_parse, source, settings, states[source.name], now)
            for source in sources
        }
        for source in sources:
            report = _finish(source, futures[source.name], store, now)
            reports[source.name] = report
            if progress:
                progress(report)
    return [reports[s.name] for s in sources]


def _finish(source: Source, future: Future[_Fetched], store: Store, now: datetime) -> SourceReport:
    try:
        result = future.result()
    except (FetchError, ParseError) as exc:
        error = str(exc)
        log.warning("%s: %s", source.name, error)
        store.record_fetch(source.name, source.url, now=now, status="failed", error=error)
        return SourceReport(source.name, "failed", SaveCounts(), error)
    if result.http_status == 304:
        store.record_fetch(
            source.name,
            source.url,
            now=now,
            status="not modified",
            http_status=304,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        return SourceReport(source.name, "not modified", SaveCounts())
    counts = store.save_items(result.items, now)
    for warning in result.warnings:
        log.info("%s: %s", source.name, warning)
    store.record_fetch(
        source.name,
        source.url,
        now=now,
        status="ok",
        http_status=result.http_status,
        counts=counts,
        etag=result.etag,
        last_modified=result.last_modified,
    )
    return SourceReport(source.name, "ok", counts, warnings=result.warnings)
