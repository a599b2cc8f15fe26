"""Reading many texts on every CPU: a fork pool over chunks, results in input order.

Reading a report (its words, its places) depends on the report alone, so a big week's
distinct reports can be read by several processes at once and the answers put back in the
order asked: the same list, read faster. Below PARALLEL_FROM texts a pool costs more than
it saves (forking, sending the answers back) and the texts are read here, one by one.
Forked workers inherit the texts and the reader: only the answers cross between processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 3000  # texts; on the distinct benchmark week a pool pays from about here
_CHUNKS_PER_WORKER = 4  # a slow chunk holds up less of the whole

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # a pool's work, set before fork


def pooled(count: int, workers: int | None = None, at_least: int | None = None) -> bool:
    """Whether read_all reads `count` texts by a pool (with the same arguments)."""
    workers = workers or _cpus()
    at_least = PARALLEL_FROM if at_least is None else at_least  # as set now (tests set it)
    forks = "fork" in multiprocessing.get_all_start_methods()
    return workers >= 2 and count >= at_least and forks


def read_all(
    read: Callable[[T], R],
    texts: Sequence[T],
    workers: int | None = None,
    at_least: int | None = None,
) -> list[R]:
    """[read(t) for t in texts], by `workers` processes (default: the CPUs this process may
    use) when there are `at_least` texts or more (default PARALLEL_FROM) and fork is
    available."""
    workers = workers or _cpus()
    if not pooled(len(texts), workers, at_least):
        return [read(t) for t in texts]
    global _job
    size = -(-len(texts) // (workers * _CHUNKS_PER_WORKER))
    spans = [(start, min(start + size, len(texts))) for start in range(0, len(texts), size)]
    _job = (read, texts)
    # The collector would walk every object the workers inherit, writing to each, and the
    # kernel copy each page it writes to: the objects there are left out of its walks.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunks = pool.map(_read_span, spans, chunksize=1)
    finally:
        _job = None
        gc.unfreeze()
    return [answer for chunk in chunks for answer in chunk]


def _read_span(span: tuple[int, int]) -> list[Any]:
    assert _job is not None  # set by read_all before the workers were forked
    read, texts = _job
    return [read(texts[i]) for i in range(*span)]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
