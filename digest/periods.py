"""Reporting periods: which local days an issue covers, its UTC window and its title."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from digest.errors import ContentError
from digest.models import Period

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
_MONTH = re.compile(r"(\d{4})-(\d{2})")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date from the command line or a file."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ContentError(f"{what}: {text!r} is not a date written YYYY-MM-DD") from None


def week_ending(day: date, week_ends_on: int) -> Period:
    """The 7 days ending on `day`, which must fall on the configured weekday."""
    if day.weekday() != week_ends_on:
        raise ContentError(
            f"--week-ending {day.isoformat()}: that is a {WEEKDAY_NAMES[day.weekday()]}, but "
            f"weeks end on {WEEKDAY_NAMES[week_ends_on]} (DIGEST_WEEK_ENDS_ON); "
            f"try {last_week_end(day, week_ends_on).isoformat()}"
        )
    return Period(start=day - timedelta(days=6), end=day)


def last_week_end(day: date, week_ends_on: int) -> date:
    """The latest date on or before `day` that ends a week."""
    return day - timedelta(days=(day.weekday() - week_ends_on) % 7)


def utc_window(period: Period, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC: local midnight of the first day to local midnight after the last."""
    start = datetime.combine(period.start, time(0), tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _month(day: date) -> str:
    # Not strftime("%B"): that follows the machine's locale, and output must not.
    return MONTHS[day.month - 1].title()


def period_title(period: Period | None) -> str:
    """Editors' style: "February 2 – 8, 2024", "January 26 – February 1, 2024"."""
    if period is None:
        return ""
    start, end = period.start, period.end
    if start == end:
        return f"{_month(start)} {start.day}, {start.year}"
    if start.year != end.year:
        return f"{_month(start)} {start.day}, {start.year} – {_month(end)} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{_month(start)} {start.day} – {_month(end)} {end.day}, {end.year}"
    return f"{_month(start)} {start.day} – {end.day}, {end.year}"


def issue_number(period: Period, first_issue: date | None) -> int | None:
    """Weekly numbering from the week-ending date of issue 1 (None when not configured)."""
    if first_issue is None or period.end < first_issue:
        return None
    return (period.end - first_issue).days // 7 + 1


def month_day(day: date) -> str:
    """ "February 4" — how paragraphs name their day."""
    return f"{_month(day)} {day.day}"


def day_heading(day: date) -> str:
    """ "October 1, 2023": a day's heading."""
    return f"{month_day(day)}, {day.year}"


def parse_month(text: str, what: str = "--month") -> Period:
    """The days of a month written YYYY-MM (e.g. 2023-10), first to last."""
    match = _MONTH.fullmatch(text.strip())
    year, month = (int(part) for part in match.groups()) if match else (0, 0)
    if not match or not 1 <= month <= 12 or year < 1:
        raise ContentError(f"{what} {text!r}: not a month written YYYY-MM, e.g. 2023-10")
    return Period(start=date(year, month, 1), end=date(year, month, monthrange(year, month)[1]))


def month_slug(day: date) -> str:
    """ "2023-10": the month page's slug and file name."""
    return f"{day.year:04d}-{day.month:02d}"


def month_title(period: Period) -> str:
    """ "October 2023": the {period} of a daily digest's title."""
    return f"{MONTHS[period.start.month - 1].title()} {period.start.year}"


def daily_period_title(period: Period | None) -> str:
    """ "October 2023" for a whole calendar month, else as weekly periods read."""
    if period is None:
        return ""
    if period == parse_month(month_slug(period.start)):
        return month_title(period)
    return period_title(period)
