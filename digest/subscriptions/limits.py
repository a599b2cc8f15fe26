"""Rate limits per key (a client address, an inbox): a token bucket each, in memory.

A bucket holds `burst` requests and refills at `per_hour`; a key whose bucket is empty is
refused until it refills. Buckets of keys not seen for a day are forgotten, so the table
stays small under a flood of one-off addresses.
"""

from __future__ import annotations

import threading


class RateLimit:
    def __init__(self, *, per_hour: float, burst: int, forget_after: float = 86400) -> None:
        self.rate = per_hour / 3600
        self.burst = burst
        self.forget_after = forget_after
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()
        self._swept = 0.0

    def allow(self, key: str, now: float) -> bool:
        with self._lock:
            if now - self._swept > 3600:
                self._sweep(now)
            tokens, when = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            return allowed

    def _sweep(self, now: float) -> None:
        self._swept = now
        old = [k for k, (_, when) in self._buckets.items() if now - when > self.forget_after]
        for key in old:
            del self._buckets[key]
