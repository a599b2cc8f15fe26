"""The day a news text refers to ("on Sunday", "yesterday", "on February 4").

News is published after the event; an item belongs to the period of its event date, so
an item published on Friday about Thursday's attack lands in Thursday's week.

The first phrase that names a recent day dates the item, unless it is
- background: a clause opened by "since"/"until" ("since the attack on 20 March"), a
  relative clause about something that ended or began ("a campaign that ended on 2
  February"), or a subordinate one ("after the talks ended on Sunday"). A main clause that
  says so is the news itself: "the talks ended on Sunday without agreement" is dated Sunday;
- ahead: a weekday in a clause about the future ("parliament will vote on Sunday",
  "a session is scheduled for Monday") is a later day, not the event's.
`background` and `ahead` are shared with `anchoring`, which rewrites these phrases as dates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from digest.periods import MONTHS, WEEKDAYS

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
AR_MONTH_NAMES = {name: n for n, names in enumerate(_AR_MONTHS, 1) for name in names}
AR_DAY_NAMES = {name: n for n, name in enumerate(_AR_WEEKDAYS)} | _AR_WEEKDAY_VARIANTS
_AR_MONTH_DAY = re.compile(
    r"(?<![\w\d])([0-9\u0660-\u0669]{1,2})\s+(?:من\s+)?("
    + "|".join(sorted(AR_MONTH_NAMES, key=len, reverse=True))
    + r")(?!\w)"
)
_AR_WEEKDAY = re.compile(
    r"(?:يوم\s+|مساء\s+|صباح\s+|ليلة\s+)?("
    + "|".join(sorted(AR_DAY_NAMES, key=len, reverse=True))
    + r")(?![\w])"
)
_AR_YESTERDAY = re.compile(  # "أمس الأحد": yesterday, Sunday
    r"(?<!\w)(?:أمس|امس|البارحة)(?:\s+(?:"
    + "|".join(sorted(AR_DAY_NAMES, key=len, reverse=True))
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
_YESTERDAY = re.compile(r"\b(?:yesterday|last night)\b", re.I)
_TWO_DAYS_AGO = re.compile(r"\bthe day before yesterday\b", re.I)
_AR_TWO_DAYS_AGO = re.compile(
    r"(?<!\w)(?:أول (?:من )?أمس|اول (?:من )?امس|أمس الأول|امس الاول)(?!\w)"
)
_AR_LAST_NIGHT = re.compile(r"(?<!\w)الليلة الماضية(?!\w)")
_TODAY = re.compile(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", re.I)
# Background to the news, not its date: "since the killing on 20 March", "until Sunday",
# "a campaign that ended on 2 February", "after the talks in Erbil ended on Sunday". A
# clause whose own verb is "ended" ("the talks ended on Sunday") is the news.
_TURNS = r"(?:ended|began|begun|started|opened|closed|concluded|launched|expired|took place)"
_AR_TURNS = r"(?:انتهت|انتهى|بدأت|بدأ|انطلقت|انطلق|اختتمت|اختتم|انعقدت|انعقد)"
_BACKGROUND_EN = (
    r"\b(?:since|until|till)\b"
    rf"|\b(?:that|which|who)\s+(?:had\s+|has\s+|was\s+|were\s+)?{_TURNS}\b"
    rf"|\b(?:after|before|when|once)\s+(?:[\w'’-]+\s+){{0,6}}?(?:had\s+)?{_TURNS}\b"
)
_BACKGROUND_AR = rf"منذ|حتى|(?:التي|الذي|بعد أن|عقب|قبل أن)\s+(?:\S+\s+){{0,3}}?{_AR_TURNS}"
# A clause about the future: its weekday is a day ahead ("will vote on Sunday").
_AHEAD_EN = (
    r"\b(?:will|won't|shall|would|scheduled|expected to|(?:is|are) expected|(?:is|are) due"
    r"|due to be|set to|set for|plans? to|planned for|planning to|intends? to|upcoming"
    r"|(?:is|are) to|going to|to be held)\b|\bfor\s*$"
)
_AHEAD_AR = (
    r"سوف|من المقرر|المقرر|المزمع|مقرر|يعتزم|تعتزم|المرتقب|المرتقبة|من المتوقع|يتوقع|المنتظر"
    r"|(?<!\w)[وف]?س[يت](?:عقد|جر[يى]|تم|زور|صوت|بدأ|نطلق|شارك|ستأنف|لتقي|توجه|صل|قوم|عود)"
)


class _Turn(NamedTuple):
    """Words that turn a clause's day into background or the future, searched for in a
    clause: an ASCII one is searched only when it holds one of the English words every
    match holds (in lower case), and not for the Arabic ones (re would try each of them
    at each of its positions)."""

    everywhere: re.Pattern[str]
    english: re.Pattern[str]  # for ASCII text
    words: tuple[str, ...]


_BACKGROUND = _Turn(
    re.compile(f"{_BACKGROUND_EN}|{_BACKGROUND_AR}", re.I),
    re.compile(_BACKGROUND_EN, re.I),
    (
        *("since", "until", "till", "ended", "began", "begun", "started", "opened", "closed"),
        *("concluded", "launched", "expired", "took place"),
    ),
)
_AHEAD = _Turn(
    re.compile(f"{_AHEAD_EN}|{_AHEAD_AR}", re.I),
    re.compile(_AHEAD_EN, re.I),
    (
        *("will", "won't", "shall", "would", "scheduled", "expect", "due", "set to", "plan"),
        *("intend", "upcoming", "is to", "are to", "going to", "to be held", "for"),
    ),
)
_PATTERNS = (_MONTH_DAY, _DAY_MONTH, _WEEKDAY, _YESTERDAY, _TWO_DAYS_AGO)
# Looked for only in Arabic text.
_AR_PATTERNS = (_AR_MONTH_DAY, _AR_WEEKDAY, _AR_YESTERDAY, _AR_TWO_DAYS_AGO, _AR_LAST_NIGHT)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
# How far back a weekday or month-day may point from the publication date.
_MAX_LAG = timedelta(days=10)
# The words every match of a pattern holds, lower case: the pattern is tried only just
# before them (see finditer_near).
_NEEDLES: dict[re.Pattern[str], tuple[str, ...]] = {
    _MONTH_DAY: MONTHS,
    _DAY_MONTH: MONTHS,
    _WEEKDAY: WEEKDAYS,
    _YESTERDAY: ("yesterday", "last night"),
    _TWO_DAYS_AGO: ("yesterday",),
}
# Characters Python's re matches case-insensitively with an ASCII letter though their
# lower() is not that letter ("ſ" matches (?i:s)): a text holding one is searched whole.
_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")


def finditer_near(
    pattern: re.Pattern[str], text: str, low: str, needles: tuple[str, ...], words: int
) -> Iterator[re.Match[str]]:
    """The matches of `pattern.finditer(text)`, for a pattern each match of which begins
    with a word character at a word's start and holds one of `needles` (lower case; `low`
    is text.lower()) in its word or in one of the `words` words after its first.

    Python's re would try the pattern at every position of the text; here it is tried only
    at the starts of the words that end at a needle. Same matches: the leftmost match from
    a position on starts at one of them, and they are tried in order.
    """
    if not folds_alike(text, low):
        yield from pattern.finditer(text)
        return
    end = 0  # where finditer would try next
    for needle_at in _needle_starts(low, needles):
        if needle_at < end:
            continue
        starts = _word_starts(text, end, needle_at, words)
        for start in starts:
            if start < end:
                continue
            m = pattern.match(text, start)
            if m is not None:
                yield m
                end = m.end()
        end = max(end, needle_at + 1)


def folds_alike(text: str, low: str) -> bool:
    """Whether wherever re's case folding matches a lower-case needle in `text`, `low`
    (text.lower()) holds that needle at the same place: not so in a text holding one of
    _FOLDS. ASCII text (most) lowers letter for letter and holds none."""
    return text.isascii() or (len(low) == len(text) and not any(c in text for c in _FOLDS))


@functools.lru_cache(maxsize=4)
def _needle_starts(low: str, needles: tuple[str, ...]) -> list[int]:
    """Where each needle occurs in `low`, in order. Kept for the next pattern with the same
    needles: "February 4" and "4 February" are looked for in one text one after the other."""
    at = []
    for needle in needles:
        i = low.find(needle)
        while i >= 0:
            at.append(i)
            i = low.find(needle, i + 1)
    at.sort()
    return at


# How far back the words before a needle are looked for first: most words are shorter.
_REACH = 16
_WORD_START = re.compile(r"(?<!\w)\w")


def _word_starts(text: str, end: int, at: int, words: int) -> list[int]:
    """The starts of the word holding `at` and of the `words` words before it (from `end`)."""
    low = max(end, at - _REACH * (words + 1))
    starts = [m.start() for m in _WORD_START.finditer(text, low, at + 1)]
    if len(starts) <= words and low > end:  # long words: look from `end`
        starts = [m.start() for m in _WORD_START.finditer(text, end, at + 1)]
    return starts[-words - 1 :]


def event_day(text: str, published: date) -> tuple[date, bool]:
    """(the event's day, whether the text names it). Falls back to the publication day."""
    day, phrase = dated(text, published)
    return day, phrase is not None


def dated(text: str, published: date) -> tuple[date, str | None]:
    """(the event's day, the phrase that names it, or None for the publication day)."""
    # The first phrase that names a day in the recent past: "on 18 March that the camp will
    # close on 30 April" is dated March 18.
    low = text.lower()
    found = [m for p in _PATTERNS for m in finditer_near(p, text, low, _NEEDLES[p], 3)]
    if holds_arabic(text):
        found += [m for pattern in _AR_PATTERNS for m in pattern.finditer(text)]
    matches = sorted(
        found,
        key=lambda m: (m.start(), -m.end()),  # the longer phrase first: "أمس الأول"
    )
    for match in matches:
        clause = clause_before(text, match.start())
        if _turns(_BACKGROUND, clause):
            continue
        if match.re in (_WEEKDAY, _AR_WEEKDAY) and _turns(_AHEAD, clause):
            continue
        day = _resolve(match, published)
        if day is not None and published - _MAX_LAG <= day <= published:
            return day, match.group(0)
    today = _TODAY.search(text)
    return published, today.group(0) if today else None


def holds_arabic(text: str) -> bool:
    """Whether the text holds an Arabic letter (ASCII text, most, is not searched)."""
    return not text.isascii() and _ARABIC_LETTER.search(text) is not None


_CLAUSE_MARKS = ".,;:!?،؛"


def clause_before(text: str, start: int) -> str:
    """The clause a phrase at `start` sits in, up to the phrase (back to , ; : . ! ? or ،)."""
    return text[max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1 : start]


def background(text: str, start: int) -> bool:
    """Whether the day named at `start` is background to the news (see the module doc)."""
    # A whole sentence is searched for a background turn only up to the last comma.
    return _turns(_BACKGROUND, clause_before(text, start))


def ahead(text: str, start: int) -> bool:
    """Whether the clause before `start` speaks of the future ("will vote on ...")."""
    return _turns(_AHEAD, clause_before(text, start))


def _turns(turn: _Turn, clause: str) -> bool:
    if not clause.isascii():
        return turn.everywhere.search(clause) is not None
    low = clause.lower()
    return any(w in low for w in turn.words) and turn.english.search(clause) is not None


def _resolve(match: re.Match[str], published: date) -> date | None:
    if match.re in (_TWO_DAYS_AGO, _AR_TWO_DAYS_AGO):
        return published - timedelta(days=2)
    if match.re in (_YESTERDAY, _AR_YESTERDAY, _AR_LAST_NIGHT):
        return published - timedelta(days=1)
    if match.re in (_WEEKDAY, _AR_WEEKDAY):
        name = match.group(1) or match.group(2)
        weekday = WEEKDAYS.index(name.lower()) if match.re is _WEEKDAY else AR_DAY_NAMES[name]
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    if match.re is _AR_MONTH_DAY:
        month, day_number = AR_MONTH_NAMES[match.group(2)], int(match.group(1))
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
