"""The send journal's writer: every connection's steps, committed in groups.

Each delivery takes two durable steps: `sending`, on disk before its content goes out, and
its outcome once the server answers. The journal's store fsyncs every commit
(synchronous=FULL): 0.2 ms on a good disk, 5-10 ms on a poor one. Committed one at a time,
two a message, those fsyncs set the pace of a send, and its connections queue behind each
other's. So one thread writes, and each of its transactions holds every step queued while
the one before was being committed: one fsync for several messages.

A connection waits for its `sending` step to be on disk, as before: nothing goes out
unrecorded. An outcome is queued and the connection goes on; the writer commits it with
the next `sending` step, which comes within a message's time (each connection's next
message needs one), or after LINGER seconds at most: an outcome alone is not worth an
fsync that the next `sending` would wait behind. So a run killed at any moment loses what
it lost before, at most one outcome a connection, given since the last commit: that
delivery stays `sending`, and the next run reports it unknown and never sends it again
unasked. Steps are written in the order they were queued, so an outcome is never
overwritten by an older one.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from digest.store import Store
from digest.store.mailing import Step

LINGER = 0.02  # seconds an outcome waits for a `sending` step to share its commit


class _Waiter:
    __slots__ = ("done", "result")

    def __init__(self) -> None:
        self.done = False
        self.result: str | None = None


class Journal:
    """The journal of one issue's send while it runs; close() when the run is over."""

    def __init__(self, store: Store, slug: str) -> None:
        self._store = store
        self._slug = slug
        self._steps: list[tuple[Step, _Waiter | None]] = []
        self._waiting = 0  # steps in _steps that a connection waits for
        self._since = 0.0  # when the oldest of _steps was queued (time.monotonic)
        lock = threading.Lock()
        self._work = threading.Condition(lock)  # the writer waits for steps
        self._written = threading.Condition(lock)  # connections wait for their commit
        self._closing = False
        self._error: BaseException | None = None
        self.steps = self.commits = 0  # what was written, in how many transactions
        self._thread = threading.Thread(target=self._write, name="journal", daemon=True)
        self._thread.start()

    def start(self, subscriber: int, at: datetime) -> str | None:
        """`sending`, once it is on disk (None); or the status of a subscriber who left,
        whose delivery is now `skipped`."""
        waiter = _Waiter()
        with self._written:
            self._queue(Step(subscriber, "sending", at), waiter)
            while not waiter.done:
                if self._error is not None:
                    raise self._error
                self._written.wait()
        return waiter.result

    def finish(
        self,
        subscriber: int,
        state: str,
        at: datetime,
        detail: str | None = None,
        *,
        bounced: bool = False,
    ) -> None:
        """A delivery's outcome, written with the next group."""
        with self._work:
            self._queue(Step(subscriber, state, at, detail, bounced), None)

    def close(self) -> None:
        """Every queued step written; the store's error if one could not be."""
        with self._work:
            self._closing = True
            self._work.notify()
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _queue(self, step: Step, waiter: _Waiter | None) -> None:
        if self._error is not None:  # the store failed: nothing more is recorded, or sent
            raise self._error
        if self._closing:
            raise RuntimeError("the send's journal is closed")
        if not self._steps:
            self._since = time.monotonic()
            self._work.notify()  # the first step: the writer's LINGER starts
        self._steps.append((step, waiter))
        if waiter is not None:
            self._waiting += 1
            self._work.notify()

    def _due(self) -> float | None:
        """Seconds until the queued steps are to be written (0: now); None: none queued."""
        if self._waiting or self._closing:
            return 0.0
        if not self._steps:
            return None
        return max(0.0, self._since + LINGER - time.monotonic())

    def _write(self) -> None:
        while True:
            with self._work:
                while (wait := self._due()) != 0:
                    self._work.wait(wait)
                if not self._steps:
                    return
                group, self._steps, self._waiting = self._steps, [], 0
            try:
                results = self._store.journal(self._slug, [step for step, _ in group])
            except BaseException as exc:  # handed to every connection, and to close()
                with self._written:
                    self._error = exc
                    self._written.notify_all()
                return
            self.steps += len(group)
            self.commits += 1
            with self._written:
                for (_, waiter), result in zip(group, results, strict=True):
                    if waiter is not None:
                        waiter.result, waiter.done = result, True
                self._written.notify_all()
