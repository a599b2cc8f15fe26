"""The day a news text refers to ("on Sunday", "yesterday", "on February 4").

News is published after the event; an item belongs to the period of its event date, so
an item published on Friday about Thursday's attack lands in Thursday's week.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH_DAY = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I)
_WEEKDAY = re.compile(r"\b(?:on|late on|early on|last)\s+(" + "|".join(WEEKDAYS) + r")\b", re.I)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_TODAY = re.compile(r"\b(?:today|this morning|on \w+day morning)\b", re.I)
# How far back a weekday or month-day may point from the publication date.
_MAX_LAG = timedelta(days=10)


def event_day(text: str, published: date) -> tuple[date, bool]:
    """(the event's day, whether the text names it). Falls back to the publication day."""
    for pattern in (_MONTH_DAY, _WEEKDAY, _YESTERDAY):
        match = pattern.search(text)
        if not match:
            continue
        day = _resolve(match, published)
        if day is not None and published - _MAX_LAG <= day <= published:
            return day, True
    return published, bool(_TODAY.search(text))


def _resolve(match: re.Match[str], published: date) -> date | None:
    if match.re is _YESTERDAY:
        return published - timedelta(days=1)
    if match.re is _WEEKDAY:
        back = (published.weekday() - WEEKDAYS.index(match.group(1).lower())) % 7
        return published - timedelta(days=back)
    month = MONTHS.index(match.group(1).lower()) + 1
    day_number = int(match.group(2))
    # "December 30" read in a January item is last year's.
    for year in (published.year, published.year - 1):
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            return None
        if candidate <= published:
            return candidate
    return None
