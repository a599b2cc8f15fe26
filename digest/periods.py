"""Reporting periods: which local days an issue covers, its UTC window, its title, and
reading a period back from text.

A period's title follows the house style DIGEST_PERIOD_STYLE names (`STYLES`, or the
editor's own templates, see `period_style`); `read_period` reads every style's text back,
and the ISO form issue headers use ("2024-02-02 to 2024-02-08").
"""

from __future__ import annotations

import difflib
import re
import string
from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
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


def daily_period_title(period: Period | None, style: PeriodStyle | None = None) -> str:
    """ "October 2023" for a whole calendar month, else as weekly periods read."""
    if period is None:
        return ""
    if period == parse_month(month_slug(period.start)):
        return month_title(period)
    return period_title(period, style)


# --------------------------------------------------------------------------- period styles

# AP style: these months are abbreviated before a day, the others written out.
AP_MONTHS = tuple("Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split())
# What a period format may write of either day, as {start.<part>} and {end.<part>}.
DAY_PARTS: Mapping[str, Callable[[date], str]] = {
    "month": _month,  # February
    "mon": lambda day: AP_MONTHS[day.month - 1],  # Feb., Sept., March
    "abbr": lambda day: _month(day)[:3],  # Feb, Sep, Mar
    "mm": lambda day: f"{day.month:02d}",  # 02
    "day": lambda day: str(day.day),  # 8
    "dd": lambda day: f"{day.day:02d}",  # 08
    "year": lambda day: str(day.year),  # 2024
    "weekday": lambda day: WEEKDAY_NAMES[day.weekday()],  # Thursday
}
# The shapes of a period, each written with its own template.
SHAPES = ("one_day", "same_month", "same_year", "two_years")


@dataclass(frozen=True)
class PeriodStyle:
    """How periods read: a template per shape, filled with the first and last days."""

    name: str  # a name of STYLES, or "format" for the editor's own templates
    one_day: str  # February 29, 2024
    same_month: str  # February 2 – 8, 2024
    same_year: str  # January 28 – February 3, 2024
    two_years: str  # December 29, 2023 – January 4, 2024

    def title(self, period: Period | None) -> str:
        """The period as this style writes it ("" for none): the Jinja filter."""
        if period is None:
            return ""
        start, end = period.start, period.end
        if start == end:
            shape = "one_day"
        elif start.year != end.year:
            shape = "two_years"
        else:
            shape = "same_year" if start.month != end.month else "same_month"
        days = {"start": start, "end": end}
        return "".join(
            literal + (DAY_PARTS[part](days[side]) if part else "")
            for literal, side, part in _pieces(getattr(self, shape))
        )


def _named(name: str, month: str, within: str, between: str) -> PeriodStyle:
    """A style written month first, the year once at the end unless the years differ;
    `within` goes between two days of one month, `between` between two months."""
    first, last = f"{{start.{month}}} {{start.day}}", f"{{end.{month}}} {{end.day}}"
    return PeriodStyle(
        name,
        one_day=first + ", {start.year}",
        same_month=first + within + "{end.day}, {end.year}",
        same_year=first + between + last + ", {end.year}",
        two_years=first + ", {start.year}" + between + last + ", {end.year}",
    )


STYLES: Mapping[str, PeriodStyle] = {
    style.name: style
    for style in (
        _named("en-dash", "month", " – ", " – "),  # February 2 – 8, 2024
        _named("en-dash-closed", "month", "–", "–"),  # February 2–8, 2024
        _named("hyphen", "month", "-", "-"),  # August 19-25, 2020
        _named("ap", "mon", "-", "-"),  # Aug. 19-25, 2020; Jan. 28-Feb. 3, 2024
        _named("ap-spaced", "mon", "-", " - "),  # Aug. 19-25, 2020; July 29 - Aug. 5, 2020
    )
}
DEFAULT_STYLE = STYLES["en-dash"]


def period_title(period: Period | None, style: PeriodStyle | None = None) -> str:
    """The period in the house style (today's default: "February 2 – 8, 2024")."""
    return (style or DEFAULT_STYLE).title(period)


@lru_cache(maxsize=128)
def _pieces(template: str) -> tuple[tuple[str, str, str], ...]:
    """A template as (literal text, "start" or "end", part) triples; ValueError says why
    it is not one."""
    pieces = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"{exc}; write {{{{ and }}}} for a literal brace") from None
    for literal, field, spec, conversion in parsed:
        side, _, part = (field or "").partition(".")
        if field is None:
            pieces.append((literal, "", ""))
            continue
        if side not in ("start", "end") or part not in DAY_PARTS or spec or conversion:
            written = field + (f"!{conversion}" if conversion else "")
            written += f":{spec}" if spec else ""
            raise ValueError(
                f"{{{written}}} is not a placeholder; use {{start.<part>}} and {{end.<part>}} "
                "with <part> one of " + ", ".join(DAY_PARTS)
            )
        pieces.append((literal, side, part))
    return tuple(pieces)


# Periods a format must write so that read_period gives them back: every shape, AP's
# "Sept.", a leap day, a whole month and a year end.
_SAMPLES = tuple(
    Period(date.fromisoformat(start), date.fromisoformat(end))
    for start, end in (
        ("2024-02-29", "2024-02-29"),
        ("2024-02-02", "2024-02-08"),
        ("2020-09-01", "2020-09-07"),
        ("2023-10-01", "2023-10-31"),
        ("2024-02-23", "2024-02-29"),
        ("2020-07-29", "2020-08-05"),
        ("2024-01-28", "2024-02-03"),
        ("2023-12-29", "2024-01-04"),
        ("2024-12-26", "2025-01-01"),
    )
)


def period_style(value: object) -> PeriodStyle:
    """DIGEST_PERIOD_STYLE as a style: a name of STYLES, one template for every period, or
    a dict of templates by shape. ValueError holds one problem an argument."""
    if isinstance(value, str) and "{" not in value and "}" not in value:
        style = STYLES.get(value.strip().lower())
        if style is None:
            close = difflib.get_close_matches(value.strip().lower(), STYLES, n=1)
            raise ValueError(
                f"{value!r} is not a period style"
                + (f" (did you mean {close[0]!r}?)" if close else "")
                + f"; use one of {', '.join(STYLES)}, or a format such as "
                "'{start.day} {start.month} – {end.day} {end.month} {end.year}'"
            )
        return style
    if isinstance(value, str):
        templates: dict[str, object] = dict.fromkeys(SHAPES, value)
    elif isinstance(value, dict):
        templates = {str(key): text for key, text in value.items()}
        wrong = [key for key in templates if key not in SHAPES]
        missing = [shape for shape in SHAPES if shape not in templates]
        if wrong or missing:
            said = [f"unknown key {key!r}" for key in wrong] + [f"no {k!r}" for k in missing]
            raise ValueError(
                "; ".join(said) + ": a dict of formats has the keys " + ", ".join(SHAPES)
            )
    else:
        raise ValueError(
            "must be a style name (" + ", ".join(STYLES) + "), a format string or a dict "
            "of formats by shape (" + ", ".join(SHAPES) + ")"
        )
    where = "" if isinstance(value, str) else "{shape}: "
    problems = []
    for shape, text in templates.items():
        if not isinstance(text, str) or not text.strip() or any(ord(c) < 32 for c in text):
            problems.append(where.format(shape=shape) + "a format is one line of text")
            continue
        try:
            _pieces(text)
        except ValueError as exc:
            problems.append(where.format(shape=shape) + f"{text!r}: {exc}")
    if problems:
        raise ValueError(*dict.fromkeys(problems))  # one string for every shape: said once
    style = PeriodStyle("format", **{shape: str(templates[shape]) for shape in SHAPES})
    _reads_back(style)
    return style


def _reads_back(style: PeriodStyle) -> None:
    """A format's titles must read back as their periods: `digest check` and the build read
    what the editor copies from a title into the Period header."""
    for period in _SAMPLES:
        text = style.title(period)
        try:
            read = read_period(text)
        except ValueError as exc:
            read, why = None, str(exc).split(";")[0]
        else:
            why = f"reads as {read.start} to {read.end}"
        if read != period:
            raise ValueError(
                f"the format writes {text!r} for {period.start} to {period.end}, which {why}; "
                "write the days, the month and the year (at least at the end)"
            )


# --------------------------------------------------------------------------- reading a period

PERIOD_FORMS = (
    "write YYYY-MM-DD to YYYY-MM-DD, or as titles write periods, e.g. 'February 2 – 8, 2024', "
    "'Aug. 19-25, 2020', 'Jan. 28-Feb. 3, 2024', 'December 29, 2023 – January 4, 2024', "
    "'October 2023'"
)
_ISO_DAY = r"\d{4}-\d{2}-\d{2}"
_ISO = re.compile(rf"({_ISO_DAY})(?:\s*(?:to|through|until|[-–—/])\s*({_ISO_DAY}))?", re.I)
# Marks that may ride along a copied title and mean nothing here (bidi marks, BOM, ZWSP).
_INVISIBLE = re.compile("[\u200b-\u200f\u2066-\u2069\ufeff]")
# Spaces, commas and brackets only separate: "(Feb. 2-8, 2024)" reads as "Feb. 2-8, 2024".
_TOKEN = re.compile(
    r"\s+|(\d+)(?:st|nd|rd|th)?|([^\W\d_]+)\.?|([-\u2010-\u2015\u2212])|([,()\[\]{}])|(.)",
    re.I,
)
_MONTH_WORDS = {name: n for n, full in enumerate(MONTHS, 1) for name in (full, full[:3])}
_MONTH_WORDS["sept"] = 9
_RANGE_WORDS = frozenset(("to", "through", "thru", "until", "till"))
_NO_MATTER = frozenset(
    ("from", "the", "of", "tues", "thur", "thurs", *WEEKDAYS, *(d[:3] for d in WEEKDAYS))
)


def read_period(text: str) -> Period:
    """A period written as an issue header does ("2024-02-02 to 2024-02-08") or as any style
    titles it ("Aug. 19-25, 2020", "Dec. 29 - Jan. 4, 2024": the first half is then in the
    year before, "October 2023": the whole month). ValueError says what is wrong: "ends
    before it starts", or "is not a real date range (why); write ..."."""
    text = _INVISIBLE.sub("", text).strip()
    if not text:
        raise _unreadable("it is empty")
    iso = _ISO.fullmatch(text)
    if iso:
        try:
            start, end = (date.fromisoformat(day) for day in (iso[1], iso[2] or iso[1]))
        except ValueError:
            wrong = next(day for day in iso.groups() if day and not _real(day))
            raise _unreadable(f"{wrong} is not a day of the calendar") from None
    else:
        start, end = _read_words(text)
    if end < start:
        raise ValueError("ends before it starts")
    return Period(start, end)


def _real(iso_day: str) -> bool:
    try:
        return bool(date.fromisoformat(iso_day))
    except ValueError:
        return False


def _short(word: str) -> str:
    return word if len(word) <= 20 else word[:16] + "…"


def _unreadable(why: str) -> ValueError:
    return ValueError(f"is not a real date range ({why}); {PERIOD_FORMS}")


def _read_words(text: str) -> tuple[date, date]:
    """The first and last days of a period in words: each side of the one dash (or "to")
    holds at most a day, a month and a year, in any order; what one side leaves out, it
    takes from the other."""
    halves: list[dict[str, int]] = [{}]
    for match in _TOKEN.finditer(text):
        number, word, dash, _, other = match.groups()
        key, value = "", 0
        if number:
            if len(number) not in (1, 2, 4):
                raise _unreadable(f"{_short(number)} is neither a day nor a year")
            key, value = ("year" if len(number) == 4 else "day"), int(number)
        elif word and word.lower() in _MONTH_WORDS:
            key, value = "month", _MONTH_WORDS[word.lower()]
        elif dash or (word and word.lower() in _RANGE_WORDS):
            if len(halves) == 2:  # said at once: a pasted paragraph is not read to its end
                raise _unreadable("more than one dash or 'to'")
            halves.append({})
        elif word and word.lower() not in _NO_MATTER:
            raise _unreadable(f"{_short(word)!r} is not a month")
        elif other:
            raise _unreadable(f"{other!r} has no place in a date")
        if key in halves[-1]:
            raise _unreadable("two days, months or years on one side of the dash")
        if key:
            halves[-1][key] = value
    if not all(halves):
        raise _unreadable("a dash with nothing on one side")
    (y1, m1, d1), (y2, m2, d2) = (
        (half.get("year"), half.get("month"), half.get("day")) for half in (halves[0], halves[-1])
    )
    m1, m2 = m1 or m2, m2 or m1
    if m1 is None or m2 is None:
        raise _unreadable("no month")
    if (d1 is None) != (d2 is None):
        raise _unreadable("a day on one side only")
    if y1 is None and y2 is None:
        raise _unreadable("no year")
    # The year written once is the end's (or the start's): across a year end, the other day
    # is in the year before (or after). A later day of the same month is not: that period
    # ends before it starts, most likely a slip, not a year-long period.
    if y1 is None:
        y1 = y2 - (m1 > m2)
    elif y2 is None:
        y2 = y1 + (m2 < m1)
    if not (1 <= y1 <= 9999 and 1 <= y2 <= 9999):
        raise _unreadable(f"year {y1 if not 1 <= y1 <= 9999 else y2} is not in the calendar")
    if d1 is None or d2 is None:  # whole months: "October 2023"
        return date(y1, m1, 1), date(y2, m2, monthrange(y2, m2)[1])
    for year, month, day in ((y1, m1, d1), (y2, m2, d2)):
        if not 1 <= day <= monthrange(year, month)[1]:
            raise _unreadable(f"{_month(date(year, month, 1))} {day}, {year} is not a day")
    return date(y1, m1, d1), date(y2, m2, d2)
