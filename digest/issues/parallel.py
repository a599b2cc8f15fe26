"""Reading many texts on every CPU: a fork pool over chunks, results in input order.

Reading a report (its words, its places) depends on the report alone, so a big week's
distinct reports can be read by several processes at once and the answers put back in the
order asked: the same list, read faster. Below PARALLEL_FROM texts a pool costs more than
it saves (forking, sending the answers back) and the texts are read here, one by one.
Forked workers inherit the texts and the reader: only the answers cross between processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from digest.heap import frozen_heap

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 3000  # texts; on the distinct benchmark week a pool pays from about here
# Texts a Later's one worker reads while this process does other work (placing, while the
# items are merged): one fork (about 20 ms) against reading them here after that work (on
# the distinct 1,000-item week, 574 texts to place, about 0.17 s).
OVERLAP_FROM = 300
_CHUNKS_PER_WORKER = 4  # a slow chunk holds up less of the whole
_AHEAD_CHUNK = 32  # texts read ahead (Later.read_ahead) come back this many at a time

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # a pool's work, set before fork


def pooled(count: int, workers: int | None = None, at_least: int | None = None) -> bool:
    """Whether read_all reads `count` texts by a pool (with the same arguments)."""
    workers = workers or _cpus()
    at_least = PARALLEL_FROM if at_least is None else at_least  # as set now (tests set it)
    forks = "fork" in multiprocessing.get_all_start_methods()
    # A pool's own worker (a daemon) may not have children: it reads them itself.
    alone = multiprocessing.current_process().daemon
    return workers >= 2 and count >= at_least and forks and not alone


def read_all(
    read: Callable[[T], R],
    texts: Sequence[T],
    workers: int | None = None,
    at_least: int | None = None,
) -> list[R]:
    """[read(t) for t in texts], by `workers` processes (default: the CPUs this process may
    use) when there are `at_least` texts or more (default PARALLEL_FROM) and fork is
    available."""
    with Later(read, texts, workers, at_least, spare=0) as reading:
        return reading.result()


class Later:
    """read_all's answers, read by a pool's workers while this process goes on with other
    work (start, then result): a reading whose answers are needed only later runs on the
    CPU the process leaves idle. `spare` CPUs are left to this process (read_all, which
    waits for the answers, leaves none). Below `at_least` texts (or on one CPU, or without
    fork) the texts are read here, by result. Use it as a context manager: a pool still
    reading when the block is left (an error) is ended."""

    def __init__(
        self,
        read: Callable[[T], R],
        texts: Sequence[T],
        workers: int | None = None,
        at_least: int | None = None,
        spare: int = 1,
    ) -> None:
        self._read, self._texts = read, texts
        self._needed = len(texts)  # the texts read ahead (read_ahead) come after these
        self._workers = workers or _cpus()
        self._pooled = pooled(len(texts), self._workers, at_least)
        self._spare = spare
        self._pool: Any = None
        self._answers: Any = None
        self._needed_spans = 0  # the chunks of the needed texts (start)

    @property
    def pooled(self) -> bool:
        """Whether a pool's workers read the texts (else `result` reads them here)."""
        return self._pooled

    def read_ahead(self, texts: Sequence[T]) -> None:
        """Have the pool's workers also read `texts`, after the texts asked for, while this
        process works: `result` hands back their answers only as far as they are ready by
        then (in order, in small chunks), and does not wait for the rest. Without a pool they
        are not read (the caller reads what it needs when it needs it). Before `start`."""
        if self._pooled and self._pool is None:
            self._texts = [*self._texts, *texts]

    def start(self) -> None:
        """Fork the workers and hand them the texts (once; nothing to do when not pooled)."""
        if not self._pooled or self._pool is not None:
            return
        global _job
        workers = max(1, self._workers - self._spare)
        count = self._needed
        size = -(-count // (workers * _CHUNKS_PER_WORKER))
        spans = [(start, min(start + size, count)) for start in range(0, count, size)]
        self._needed_spans = len(spans)
        ahead = len(self._texts)
        spans += [(at, min(at + _AHEAD_CHUNK, ahead)) for at in range(count, ahead, _AHEAD_CHUNK)]
        _job = (self._read, self._texts)  # the workers inherit it
        # The collector would walk every object the workers inherit, writing to each, and
        # the kernel copy each page it writes to: the objects there are left out of its
        # walks (in the workers; this process may collect again once they are forked).
        with frozen_heap():
            self._pool = multiprocessing.get_context("fork").Pool(workers)
        self._answers = self._pool.imap(_read_span, spans, chunksize=1)

    def result(self) -> list[Any]:
        """[read(t) for t in texts]: the pool's answers (started here if it was not), then
        those of the texts read ahead that are ready (read_ahead)."""
        if not self._pooled:
            return [self._read(t) for t in self._texts]
        self.start()
        answers = []
        for _ in range(self._needed_spans):
            answers.extend(self._answers.next())
        try:
            while True:
                answers.extend(self._answers.next(timeout=0))
        except (StopIteration, multiprocessing.TimeoutError):
            pass  # the rest of the reading ahead is not waited for
        except Exception:
            pass  # nor taken past a text it failed on: the caller reads it, and fails, itself
        self._end()
        return answers

    def _end(self) -> None:
        global _job
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _job = None

    def __enter__(self) -> Later:
        return self

    def __exit__(self, *_: object) -> None:
        self._end()


def _read_span(span: tuple[int, int]) -> list[Any]:
    assert _job is not None  # set by Later.start before the workers were forked
    read, texts = _job
    return [read(texts[i]) for i in range(*span)]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
