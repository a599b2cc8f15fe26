"""Parse and normalize fetched documents in worker processes.

feedparser is pure Python: threads would take turns on one core, processes use them all.
A worker is also where one hostile document is contained: its address space is capped
(RLIMIT_AS), so an entity or nesting blow-up is a MemoryError for that source, not the
machine's OOM killer; and an interval timer stops a parse that runs past its time budget.
Workers come from a fork server, so they start from a clean, single-threaded process, and
they die with the collect that started them (digest/lifeline.py): a killed collect leaves
no worker, fork server or resource tracker behind.

The parsers themselves (feedparser, lxml, nh3, the boilerplate patterns) are imported by the
fork server (parser_server.py), which collect starts before its first download, not by the
process that collects: that one only fetches and stores, so a user's `digest collect` does
not wait for imports it never uses, and the workers inherit the fork server's.
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import TypeVar

from digest import lifeline
from digest.collect.fetched import Fetched
from digest.collect.parser_server import forkserver_context
from digest.errors import ParseError
from digest.models import Item, Source
from digest.store.keys import Row, batch_rows

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker


@dataclass(frozen=True)
class Parsed:
    items: list[Item]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Rows:
    """What collect stores of one document: batch_rows(items) (store/keys.py), made here,
    in a parser process, since the collecting process (which fetches and stores) has the
    longest share of the work on two CPUs; and plain tuples of strings cost it less to
    receive than the items they come from."""

    rows: list[Row]
    warnings: tuple[str, ...]


def parse_items(
    fetched: Fetched, source: Source, *, now: datetime, budget: float, max_items: int
) -> Parsed:
    """The normalized items of one fetched document; ParseError when it is unusable, too
    big or too slow to parse. Runs in a worker (see parser_pool) or in-process."""
    return _guarded(budget, lambda: _parse(fetched, source, now, max_items))


def parse_rows(
    fetched: Fetched, source: Source, *, now: datetime, budget: float, max_items: int
) -> Rows:
    """parse_items, its items as the store inserts them, under the same budget."""

    def rows() -> Rows:
        parsed = _parse(fetched, source, now, max_items)
        return Rows(batch_rows(parsed.items), parsed.warnings)

    return _guarded(budget, rows)


_T = TypeVar("_T")


def _guarded(budget: float, work: Callable[[], _T]) -> _T:
    timed = _start_timer(budget)
    try:
        return work()
    except MemoryError:
        raise ParseError("document too big to parse (memory limit reached)") from None
    except RecursionError:
        raise ParseError("document nested too deeply to parse") from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _parse(fetched: Fetched, source: Source, now: datetime, max_items: int) -> Parsed:
    # Imported here, not at the top: the collecting process never parses (see above).
    from digest.collect.detect import parse
    from digest.collect.normalize import normalize_all

    feed = parse(fetched, source)
    warnings = feed.warnings
    entries = feed.entries
    if len(entries) > max_items:
        warnings += (f"kept the first {max_items:,} of {len(entries):,} entries",)
        entries = entries[:max_items]
    base = fetched.url if source.is_remote else None
    items = normalize_all(entries, source, now=now, base_url=base)
    return Parsed([item for item in items if item is not None], warnings)


def parser_pool(workers: int, *, html: bool = True) -> ProcessPoolExecutor:
    """A pool of `workers` parser processes (started on first use); `html`: preload the
    HTML page reader too, when the pool starts the fork server (a worker imports it anyway
    the first time it needs it)."""
    return ProcessPoolExecutor(
        workers, mp_context=forkserver_context(html), initializer=_limit_worker
    )


def _limit_worker() -> None:
    lifeline.watch_parent()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.signal(signal.SIGALRM, _out_of_time)
    _Budget.armed = True


class _Budget:
    armed = False  # only workers own their SIGALRM; the main process's is left alone
    seconds = 0.0


def _start_timer(budget: float) -> bool:
    if not _Budget.armed:
        return False
    _Budget.seconds = budget
    signal.setitimer(signal.ITIMER_REAL, budget)
    return True


def _out_of_time(signum: int, frame: FrameType | None) -> None:
    raise ParseError(f"parsing took longer than {_Budget.seconds:g} s")
