"""When to fetch a failing source again, and when to stop: pure policy, no I/O.

- 429 Too Many Requests and 503 Service Unavailable: wait as long as `Retry-After` says
  (seconds or an HTTP date), at most MAX_WAIT; without the header, back off exponentially.
- Any other failure: the next run tries again, until FAILURES_BEFORE_BACKOFF failures in a
  row; after that the source backs off exponentially too, so a dead source stops costing a
  full timeout on every cron run.
- 410 Gone GONE_LIMIT times in a row: the source is disabled until the editor resets it
  (`digest sources --reset NAME`) or removes it.

A run never retries a source by itself: one fetch per source per run, so no tight loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_WAIT = timedelta(hours=24)
FIRST_WAIT = timedelta(minutes=30)
FAILURES_BEFORE_BACKOFF = 3
GONE_LIMIT = 3
_THROTTLED = frozenset({429, 503})


@dataclass(frozen=True)
class Verdict:
    retry_at: datetime | None = None  # do not fetch before this
    disabled: str | None = None  # why the source is no longer fetched


def after_failure(
    *,
    http_status: int | None,
    retry_after: str | None,
    failures: int,
    gone: int,
    now: datetime,
) -> Verdict:
    """The verdict on a source that just failed; `failures` and `gone` count this failure
    (failures in a row, 410s in a row)."""
    if http_status == 410 and gone >= GONE_LIMIT:
        return Verdict(disabled=f"gone: HTTP 410 on {gone} fetches in a row")
    if http_status in _THROTTLED:
        wait = parse_retry_after(retry_after, now)
        return Verdict(retry_at=now + (wait if wait is not None else _exponential(failures)))
    if failures >= FAILURES_BEFORE_BACKOFF:
        return Verdict(retry_at=now + _exponential(failures - FAILURES_BEFORE_BACKOFF + 1))
    return Verdict()


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header as a wait in [0, MAX_WAIT]; None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        wait = timedelta(seconds=min(int(value[:9]), int(MAX_WAIT.total_seconds())))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        wait = when - now
    return min(max(wait, timedelta(0)), MAX_WAIT)


def _exponential(step: int) -> timedelta:
    return min(FIRST_WAIT * 2 ** max(0, min(step - 1, 16)), MAX_WAIT)
