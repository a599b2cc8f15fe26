"""How fast a send goes: a rate limit shared by every connection, and back-off delays.

The clock is passed in (time.monotonic / time.sleep by default) so tests can run a
1,000-message send at 10 a second on a fake clock in no time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


class Pacer:
    """At most `rate` messages a second: each takes the next free slot, 1/rate apart, so no
    one-second window ever holds more than `rate` messages. 0: no limit."""

    def __init__(self, rate: float, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock.now()
            slot = max(now, self._next)
            self._next = slot + self._gap
        if slot > now:
            self.clock.sleep(slot - now)

    def take_now(self) -> bool:
        """The next slot if it is free now; False (and nothing taken) if it would wait."""
        with self._lock:
            now = self.clock.now()
            if self._next > now:
                return False
            self._next = now + self._gap
            return True

    def hold(self, seconds: float) -> None:
        """The server asked us to slow down (421): nobody sends for `seconds`."""
        with self._lock:
            self._next = max(self._next, self.clock.now() + seconds)


def backoff(attempt: int, *, first: float = 2.0, most: float = 300.0) -> float:
    """Seconds to wait before attempt `attempt + 1` (2, 4, 8 ... at most 5 minutes)."""
    return min(most, first * 2 ** max(0, attempt - 1))
