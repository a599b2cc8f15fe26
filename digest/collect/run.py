"""Collect every enabled source into the store; one broken source never stops the others.

Fetches run concurrently on one event loop (at most DIGEST_CONCURRENCY at once), parsing runs
in worker processes (collect/parsing.py), and results are saved in settings order, each
source's items in one transaction, so a run is deterministic and a failure leaves nothing
half-written. Sources in back-off or disabled (collect/backoff.py) are skipped and reported.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from digest.collect import backoff
from digest.collect.fetched import Fetched
from digest.collect.parser_server import start_parsers
from digest.collect.parsing import Rows, parse_rows, parser_pool
from digest.config import Settings
from digest.errors import FetchError, ParseError
from digest.models import Source
from digest.store import FetchRecord, SaveCounts, SourceState, Store

log = logging.getLogger(__name__)

FAILED = frozenset({"failed", "timeout"})


@dataclass(frozen=True)
class SourceReport:
    source: str
    status: str  # "ok", "not modified", "failed", "timeout", "backing off", "disabled"
    counts: SaveCounts
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@dataclass(frozen=True)
class _Outcome:
    parsed: Rows | None  # None for 304 Not Modified
    fetched: Fetched


def collect(
    settings: Settings,
    store: Store,
    now: datetime,
    progress: Callable[[str], None] | None = None,
    *,
    force: bool = False,
) -> list[SourceReport]:
    """Fetch every enabled source; one report per source, in settings order. `progress` is
    called with a source's name as soon as it is done; `force` ignores back-off."""
    return asyncio.run(_collect(settings, store, now, progress or (lambda name: None), force))


async def _collect(
    settings: Settings,
    store: Store,
    now: datetime,
    progress: Callable[[str], None],
    force: bool,
) -> list[SourceReport]:
    states = {state.name: state for state in store.source_states()}
    sources = [s for s in settings.sources if s.enabled]
    for source in sources:  # a source whose URL the editor changed starts afresh
        state = states.get(source.name)
        if state and state.url != source.url:
            states.pop(source.name)
    skips = {
        s.name: report for s in sources if (report := _skipped(states.get(s.name), now, force))
    }
    due = [s for s in sources if s.name not in skips]
    html = any(source.kind == "html" for source in due)
    pool = _Pool(max(1, min(os.cpu_count() or 1, len(due))), html=html)
    if any(source.is_remote for source in due):
        # Started now, its imports run on the other CPU while the first feeds download (a
        # file is read at once: nothing to overlap). `digest collect` started it already,
        # before reading its settings; starting it again changes nothing.
        start_parsers(html=html)
    limit = asyncio.Semaphore(settings.concurrency)
    tasks = {
        source.name: asyncio.create_task(
            _fetch_and_parse(source, settings, states.get(source.name), now, limit, pool)
        )
        for source in due
    }
    for task_name, task in tasks.items():
        task.add_done_callback(lambda _, name=task_name: progress(name))
    reports = []
    try:
        for source in sources:
            if source.name in skips:
                reports.append(skips[source.name])
                progress(source.name)
            else:
                outcome = await tasks[source.name]
                reports.append(_record(source, outcome, states.get(source.name), store, now))
    finally:
        pool.shutdown()
    return reports


async def _fetch_and_parse(
    source: Source,
    settings: Settings,
    state: SourceState | None,
    now: datetime,
    limit: asyncio.Semaphore,
    pool: _Pool,
) -> _Outcome | FetchError | ParseError:
    # Imported here: the first fetch starts after the fork server (start_parsers), whose
    # imports, not httpx's here, are what the first parse waits for.
    from digest.collect import http

    try:
        async with limit:
            if source.is_remote:
                fetched = await http.fetch_async(
                    source.url,
                    timeout=settings.fetch_timeout,
                    max_bytes=settings.max_bytes,
                    user_agent=settings.user_agent,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None,
                    allow_private=settings.allow_private,
                )
            else:
                fetched = await asyncio.to_thread(
                    http.read_file, source.url, max_bytes=settings.max_bytes
                )
        if fetched.status == 304:  # nothing to parse: the whole point of a 304
            return _Outcome(None, fetched)
        job = partial(
            parse_rows,
            fetched,
            source,
            now=now,
            budget=settings.fetch_timeout,
            max_items=settings.max_items,
        )
        return _Outcome(await pool.run(job), fetched)
    except (FetchError, ParseError) as exc:
        return exc
    except Exception as exc:  # a bug of ours on one odd document: never stop the others
        log.info("%s: unexpected error", source.name, exc_info=True)
        return ParseError(f"internal error ({type(exc).__name__}: {exc}); please report it")


def _record(
    source: Source,
    outcome: _Outcome | FetchError | ParseError,
    state: SourceState | None,
    store: Store,
    now: datetime,
) -> SourceReport:
    if isinstance(outcome, FetchError | ParseError):
        return _record_failure(source, outcome, state, store, now)
    fetched = outcome.fetched
    record = FetchRecord(
        at=now,
        status="ok" if outcome.parsed else "not modified",
        http_status=fetched.status if source.is_remote else None,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    if outcome.parsed is None:
        store.record_fetch(source.name, source.url, record)
        return SourceReport(source.name, record.status, SaveCounts())
    counts = store.save_fetch(source.name, source.url, outcome.parsed.rows, record)
    return SourceReport(source.name, "ok", counts, warnings=outcome.parsed.warnings)


def _record_failure(
    source: Source,
    error: FetchError | ParseError,
    state: SourceState | None,
    store: Store,
    now: datetime,
) -> SourceReport:
    from digest.collect import http

    http_status = error.status if isinstance(error, http.HTTPStatusError) else None
    failures = (state.failures if state else 0) + 1
    gone = (state.gone if state else 0) + 1 if http_status == 410 else 0
    verdict = backoff.after_failure(
        http_status=http_status,
        retry_after=error.retry_after if isinstance(error, http.HTTPStatusError) else None,
        failures=failures,
        gone=gone,
        now=now,
    )
    status = "timeout" if isinstance(error, http.FetchTimeout) else "failed"
    message = str(error)
    if verdict.disabled:
        message += f"; disabled ({verdict.disabled}): run `digest sources --reset {source.name}`"
    elif verdict.retry_at:
        message += f"; next try after {verdict.retry_at:%Y-%m-%d %H:%M} UTC"
    log.warning("%s: %s", source.name, message)
    store.record_fetch(
        source.name,
        source.url,
        FetchRecord(
            at=now,
            status=status,
            http_status=http_status,
            error=message,
            failures=failures,
            gone=gone,
            retry_at=verdict.retry_at,
            disabled=verdict.disabled,
        ),
    )
    return SourceReport(source.name, status, SaveCounts(), message)


def _skipped(state: SourceState | None, now: datetime, force: bool) -> SourceReport | None:
    """A report for a source this run leaves alone, or None when it is due. The last error
    already says why and until when (see _record_failure)."""
    if state is None:
        return None
    if state.disabled:
        return SourceReport(state.name, "disabled", SaveCounts(), state.last_error)
    if state.retry_at and state.retry_at > now and not force:
        hint = "; `digest collect --force` tries now"
        return SourceReport(state.name, "backing off", SaveCounts(), f"{state.last_error}{hint}")
    return None


class _Pool:
    """The parser processes, started on first use. When a worker dies (the OOM killer, say),
    every job in flight fails with it: each is tried once more in a fresh pool, so only the
    document that kills a worker twice is lost."""

    def __init__(self, workers: int, *, html: bool):
        self._workers = workers
        self._html = html
        self._executor: Executor | None = None
        self._started = 0  # jobs submitted to the current pool through `_submitter`
        self._submitter: ThreadPoolExecutor | None = None

    async def run(self, job: Callable[[], Rows]) -> Rows:
        loop = asyncio.get_running_loop()
        for _ in range(2):
            if self._executor is None:
                self._executor = parser_pool(self._workers, html=self._html)
                self._started = 0
            executor = self._executor
            try:
                if self._started < self._workers:
                    # A submit that starts a worker waits for the fork server to answer (it
                    # may still be importing the parsers) and holds the pool's lock, which
                    # every other submit needs: until the workers are started, submits go
                    # through a thread of ours, so that the downloads go on meanwhile.
                    if self._submitter is None:
                        self._submitter = ThreadPoolExecutor(1, "digest-submit")
                    future = await loop.run_in_executor(self._submitter, executor.submit, job)
                    self._started += 1
                    return await asyncio.wrap_future(future)
                return await loop.run_in_executor(executor, job)
            except BrokenProcessPool:
                if self._executor is executor:  # the first job to notice replaces the pool
                    self.shutdown(wait=False)
        raise ParseError("the parser process died twice on this document (out of memory?)")

    def shutdown(self, *, wait: bool = True) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None
        if self._submitter is not None:
            self._submitter.shutdown(wait=wait)
            self._submitter = None
