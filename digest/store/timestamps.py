"""How the store writes a moment: ISO 8601 in UTC, to the whole second.

SQL compares these as text (items in a period, confirmation links past their days, a
subscriber's history in order), and text order is time order only when every stamp has
the same offset. Digest's clocks were always UTC, so the rows earlier versions wrote are
already in this form; a stamp they kept to the microsecond (first_seen, last_fetch, ...)
still sorts among whole-second ones, since "." sorts after "+".
"""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
