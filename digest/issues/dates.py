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

# Arabic: both month-name families (Levantine/Iraqi and the Egyptian one), weekdays with or
# without "يوم", "أمس"/"البارحة" for yesterday. Day numbers may be Arabic-Indic digits.
_AR_MONTHS = (
    ("كانون الثاني", "يناير"),
    ("شباط", "فبراير"),
    ("آذار", "اذار", "مارس"),
    ("نيسان", "أبريل", "ابريل"),
    ("أيار", "ايار", "مايو"),
    ("حزيران", "يونيو"),
    ("تموز", "يوليو"),
    ("آب", "اب", "أغسطس", "اغسطس"),
    ("أيلول", "ايلول", "سبتمبر"),
    ("تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر"),
    ("تشرين الثاني", "نوفمبر"),
    ("كانون الأول", "كانون الاول", "ديسمبر"),
)
_AR_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_AR_WEEKDAY_VARIANTS = {"الإثنين": 0, "الاربعاء": 2, "الاحد": 6}
_AR_MONTH_NAMES = {name: n for n, names in enumerate(_AR_MONTHS, 1) for name in names}
_AR_DAY_NAMES = {name: n for n, name in enumerate(_AR_WEEKDAYS)} | _AR_WEEKDAY_VARIANTS
_AR_MONTH_DAY = re.compile(
    r"(?<![\w\d])([0-9\u0660-\u0669]{1,2})\s+(?:من\s+)?("
    + "|".join(sorted(_AR_MONTH_NAMES, key=len, reverse=True))
    + r")(?!\w)"
)
_AR_WEEKDAY = re.compile(
    r"(?:يوم\s+|مساء\s+|صباح\s+|ليلة\s+)?("
    + "|".join(sorted(_AR_DAY_NAMES, key=len, reverse=True))
    + r")(?![\w])"
)
_AR_YESTERDAY = re.compile(  # "أمس الأحد": yesterday, Sunday
    r"(?<!\w)(?:أمس|امس|البارحة)(?:\s+(?:"
    + "|".join(sorted(_AR_DAY_NAMES, key=len, reverse=True))
    + r"))?(?!\w)"
)


def _first_letters(*words: str) -> str:
    """(?=[...]) of the words' first letters: Python's re otherwise tries every alternative
    at every position; this halves the time these patterns take."""
    return "(?=[" + "".join(sorted({w[0] for w in words})) + "])"


_MONTH_DAY = re.compile(
    rf"\b{_first_letters(*MONTHS)}(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.I,
)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(MONTHS) + r")\b", re.I
)
# A bare weekday may look ahead ("a session is scheduled for Monday"); these forms look back.
_DAYS = "|".join(WEEKDAYS)
_WEEKDAY = re.compile(
    rf"\b{_first_letters('on', 'late', 'early', 'last', *WEEKDAYS)}"
    rf"(?:(?:on|late on|early on|late|early|last)\s+({_DAYS})|"
    rf"({_DAYS})(?=\s+(?:night|evening|morning|afternoon)))\b",
    re.I,
)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_TODAY = re.compile(r"\b(?:today|this morning|on \w+day morning)\b", re.I)
# A day named in a clause like "since the killing on 20 March" or "the campaign that ended on
# 15 March" is background to the news, not its date.
_BACKGROUND = re.compile(r"\b(?:since|ended|began|started|until)\b|منذ|حتى", re.I)
_PATTERNS = (_MONTH_DAY, _DAY_MONTH, _WEEKDAY, _YESTERDAY)
_AR_PATTERNS = (_AR_MONTH_DAY, _AR_WEEKDAY, _AR_YESTERDAY)  # looked for only in Arabic text
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
# How far back a weekday or month-day may point from the publication date.
_MAX_LAG = timedelta(days=10)


def event_day(text: str, published: date) -> tuple[date, bool]:
    """(the event's day, whether the text names it). Falls back to the publication day."""
    day, phrase = dated(text, published)
    return day, phrase is not None


def dated(text: str, published: date) -> tuple[date, str | None]:
    """(the event's day, the phrase that names it, or None for the publication day)."""
    # The first phrase that names a day in the recent past: "on 18 March that the camp will
    # close on 30 April" is dated March 18.
    patterns = _PATTERNS + (_AR_PATTERNS if _ARABIC_LETTER.search(text) else ())
    matches = sorted(
        (m for pattern in patterns for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        if _BACKGROUND.search(re.split(r"[.,;:]", text[: match.start()])[-1]):
            continue
        day = _resolve(match, published)
        if day is not None and published - _MAX_LAG <= day <= published:
            return day, match.group(0)
    today = _TODAY.search(text)
    return published, today.group(0) if today else None


def _resolve(match: re.Match[str], published: date) -> date | None:
    if match.re in (_YESTERDAY, _AR_YESTERDAY):
        return published - timedelta(days=1)
    if match.re in (_WEEKDAY, _AR_WEEKDAY):
        name = match.group(1) or match.group(2)
        weekday = WEEKDAYS.index(name.lower()) if match.re is _WEEKDAY else _AR_DAY_NAMES[name]
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    if match.re is _AR_MONTH_DAY:
        month, day_number = _AR_MONTH_NAMES[match.group(2)], int(match.group(1))
    elif match.re is _DAY_MONTH:
        month, day_number = MONTHS.index(match.group(2).lower()) + 1, int(match.group(1))
    else:
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
