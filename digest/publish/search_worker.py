"""The search index, written by a worker process of its own (digest/publish/pdf/workers.py).

A rebuild starts the worker before Pelican runs: its interpreter, its imports and the
reading of the last index (search.preload) overlap the site's work (a first build starts it
later: there is no index to read, and Pelican needs both CPUs). Once the site is written, the
worker joins the new records to the index (search.index_site) while the build writes the
email editions: in a thread of the build it would take turns with them for the
interpreter's lock, and a fork of the build would copy a process that holds Pelican's
whole site. What search logs in the worker is logged again here, under its own name; a
full disk is still a WriteError naming the index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from digest.errors import RenderError, WriteError
from digest.publish import search
from digest.publish.pdf import workers

MODULE = __name__
LIMITS = workers.Limits(seconds=search.TIMEOUT + 60, memory_mb=4096, workers=1)


@dataclass(frozen=True)
class Job:
    output: Path
    glob: str  # the issue pages
    cache: Path
    full: bool


@dataclass(frozen=True)
class Indexed:
    pages: int
    started: float  # time.perf_counter(): one clock for every process of the machine
    ended: float
    notes: tuple[tuple[int, str], ...] = ()  # what search logged below WARNING (level, text)


@contextmanager
def started(cache: Path, *, full: bool) -> Iterator[workers.Pool]:
    """The worker, started now; it reads the index `cache` holds unless `full`."""
    with workers.Pool(MODULE, (cache, full), LIMITS, start=1) as pool:
        yield pool


def index(pool: workers.Pool, job: Job) -> Indexed:
    """The index of `job`'s pages, written by the worker of `pool`."""
    logger = logging.getLogger(search.__name__)
    for outcome in workers.run([job], module=MODULE, init=pool.init, limits=LIMITS, pool=pool):
        found = outcome.value
        for level, message in [*(found.notes if isinstance(found, Indexed) else ()), *outcome.logs]:
            logger.log(level, "%s", message)
        if outcome.error is not None:
            error = outcome.error
            raise RenderError(error if error.startswith("search: ") else f"search: {error}")
        if isinstance(found, tuple):  # (message, path): the disk is full
            raise WriteError(*found)
        return found
    raise RenderError("search: the worker gave no answer")


# --------------------------------------------------------------------------- in the worker


class _Said(logging.Handler):
    """What search logs below WARNING while it works (the worker hands back the rest)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            self.records.append((record.levelno, record.getMessage()))


@contextmanager
def _said() -> Iterator[_Said]:
    logger = logging.getLogger(search.__name__)
    said = _Said()
    logger.addHandler(said)
    logger.setLevel(logging.DEBUG)
    try:
        yield said
    finally:
        logger.removeHandler(said)


def setup(init: tuple[Path, bool]) -> list[tuple[int, str]]:
    """Read the last index ahead (unless `full`); returns what search said meanwhile."""
    cache, full = init
    with _said() as said:
        if not full:
            search.preload(cache)
    return said.records


def work(early: list[tuple[int, str]], job: Job) -> Indexed | tuple[str, str]:
    begun = time.perf_counter()
    with _said() as said:
        try:
            pages = search.index_site(job.output, job.glob, job.cache, full=job.full)
        except WriteError as exc:
            return (str(exc), exc.path)
    notes = tuple(early + said.records)
    early.clear()  # told once
    return Indexed(pages, begun, time.perf_counter(), notes)
