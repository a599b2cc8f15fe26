"""Relative day words anchored: "on Sunday" -> "on February 4", "يوم الأحد" -> "في 4 شباط".

A reader of a weekly issue cannot tell which Sunday "on Sunday" was, nor which week "last
week" is. Every relative reference is resolved against the report's publication day (or,
for "the day before", "the same day", against the last day the text named) and written
as a date, the way the editor would:

- a day: "yesterday", "on Sunday", "last Friday", "Sunday's attack", "tonight", "this
  morning", "two days ago" -> "on February 4", "the February 4 attack", "on the night of
  February 5" (after "since", "until", "and" ... no "on"). A weekday looks back to its
  last occurrence (the publication day included), unless the clause speaks of the future
  ("will vote on Sunday", "scheduled for Monday", "next Sunday"): then it looks ahead;
- a week: "last week" -> "in the week of January 29"; "this week", "earlier this week",
  "this weekend" are dropped, commas mended (the issue is that week);
- a month or a year: "last month" -> "in January", "earlier this year" -> "earlier in 2024";
- Arabic the same way, months by their Levantine/Iraqi names: "أمس" -> "في 4 شباط",
  "مساء الأحد" -> "مساء 4 شباط", "الأسبوع الماضي" -> "الأسبوع الذي بدأ في 29 كانون الثاني".

Durations ("over the past week") and weekdays that are names or customs ("Good Friday",
"Friday prayers", "خطبة الجمعة") are not references to a day and stay.

`anchor` also checks the text against the day the draft gave it: the main clause of the
lead sentence (or of the headline) names the event's day; when it names another recent
day than the one given, the text wins and a note says so. `prefix_day` then writes the
paragraph's "On February 4, " and drops the sentence's own now-redundant phrase for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from digest.issues import dates
from digest.issues.periods import month_day

_AR_MONTH_NAMES = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(?:" + "|".join(m.capitalize() for m in dates.MONTHS) + r")"
_PART = r"(?:morning|afternoon|evening|night)"
_NUMBER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_NUMBERS = {
    w: n for n, w in enumerate("one two three four five six seven eight nine ten".split(), 1)
}
_AR_WEEKDAY = "|".join(sorted(dates.AR_DAY_NAMES, key=len, reverse=True))
_AR_PART = r"(?:مساء|صباح|ليلة|ليل|فجر|ظهر|ظهيرة|عصر|نهار)"
_AR_PARTS = {"ليل": "ليلة", "ظهيرة": "ظهر", "نهار": ""}

_RULES: dict[str, re.Pattern[str]] = {
    # "on Sunday", "late Sunday", "last Friday", "next Monday", "Sunday's", "Tuesday night"
    "weekday": re.compile(
        rf"(?<![\w-])(?:(?P<pre>(?i:on|late on|early on|late|early|last|this coming|this|next"
        rf"|coming))\s+)?(?P<wd>{_WEEKDAY})(?P<poss>['’]s)?(?:\s+(?P<part>(?i:{_PART}))"
        r"(?P<poss2>['’]s)?)?(?![\w-])"
    ),
    # "yesterday", "earlier today", "tonight", "tomorrow morning", "yesterday's"
    "day": re.compile(
        r"(?<![\w-])(?:(?P<pre>(?i:earlier|later|late|early))\s+)?(?P<rel>(?i:the day before "
        r"yesterday|the day after tomorrow|yesterday|today|tonight|tomorrow))(?P<poss>['’]s)?"
        rf"(?:\s+(?P<part>(?i:{_PART}))(?P<poss2>['’]s)?)?(?![\w-])"
    ),
    # "this morning", "last night"
    "part": re.compile(
        rf"(?<![\w-])(?P<rel>(?i:this|last))\s+(?P<part>(?i:{_PART}))(?P<poss>['’]s)?(?![\w-])"
    ),
    # "this week", "earlier this week", "last week", "next weekend", "last week's"
    "week": re.compile(
        r"(?<![\w-])(?:(?P<prep>(?i:during|over|in|for|within))\s+)?(?:(?P<pre>(?i:earlier|"
        r"later|early|late))\s+)?(?P<rel>(?i:this|last|next))\s+(?P<unit>(?i:weekend|week))"
        r"(?P<poss>['’]s)?(?![\w-])"
    ),
    # "last month", "earlier this year", "March last year", "next year's"
    "month": re.compile(
        rf"(?<![\w-])(?:(?P<prep>(?i:during|over|in))\s+)?"
        rf"(?:(?P<month>{_MONTH})\s+(?=(?i:last|this|next)\s+year))?"
        r"(?:(?P<pre>(?i:earlier|later|early|late))\s+)?(?P<rel>(?i:this|last|next))\s+"
        r"(?P<unit>(?i:month|year))(?P<poss>['’]s)?(?![\w-])"
    ),
    # "the day before", "on the same day", "a day later", "two days earlier" (before a pause)
    "near": re.compile(
        r"(?<![\w-])(?:(?P<on>(?i:on))\s+)?(?P<rel>(?i:the same day|the day before|the previous"
        rf" day|the day after|the next day|the following day|{_NUMBER} days? (?:earlier|later"
        r"|before|after)))(?=\s*(?:[,.;:!?)\"”’]|$)|\s+(?:and|but|when|while|as|in|at|with|by|"
        r"near|after|amid)\b)"
    ),
    # "two days ago", "a week ago"
    "ago": re.compile(rf"(?<![\w-])(?P<n>(?i:{_NUMBER}))\s+(?P<unit>(?i:days?|weeks?))\s+ago\b"),
    "ar_weekday": re.compile(
        rf"(?<!\w)(?P<conj>و)?(?:(?P<pre>يوم|{_AR_PART} يوم|{_AR_PART})\s+)?(?P<wd>{_AR_WEEKDAY})"
        r"(?:\s+(?P<dir>الماضي|المنصرم|الفائت|المقبل|القادم))?(?!\w)"
    ),
    "ar_day": re.compile(
        rf"(?<!\w)(?P<conj>و)?(?:(?P<pre>يوم|{_AR_PART})\s+)?(?P<rel>أول من أمس|أول أمس|اول من"
        r" امس|اول امس|أمس الأول|امس الاول|أمس|امس|البارحة|اليوم|الليلة الماضية|الليلة|غدًا|غداً"
        rf"|غدا|الغد|بعد غد)(?:\s+(?P<wd>{_AR_WEEKDAY}))?(?!\w)"
    ),
    "ar_span": re.compile(
        r"(?<!\w)(?P<conj>و)?(?:(?P<prep>في|خلال|منذ|مطلع|أوائل|اوائل|بداية|أواخر|اواخر|نهاية"
        r"|منتصف)\s+)?(?:(?P<this>هذا|هذه)\s+)?(?P<unit>الأسبوع|الاسبوع|الشهر|العام|السنة)"
        r"(?:\s+(?P<dir>الماضي|الماضية|المنصرم|المنصرمة|الفائت|الفائتة|المقبل|المقبلة|القادم"
        r"|القادمة|الجاري|الجارية|الحالي|الحالية))?(?!\w)"
    ),
    "ar_near": re.compile(
        r"(?<!\w)(?P<conj>و)?(?P<rel>في (?:نفس اليوم|اليوم نفسه|اليوم ذاته|ذات اليوم|اليوم التالي"
        r"|اليوم السابق)|قبل ذلك بيوم|بعد ذلك بيوم|نفس اليوم|اليوم نفسه|اليوم التالي"
        r"|اليوم السابق|قبل (?:يومين|أسبوع|(?P<n>[0-9]+|ثلاثة|أربعة|خمسة|ستة|سبعة) أيام))"
        r"(?!\w)(?!\s+(?:من|ل))"  # "اليوم التالي للهجوم": the day after the attack
    ),
}
# A weekday that is a name or a custom, not a day: "Good Friday", "Friday prayers".
_NOT_DAY_BEFORE = re.compile(
    r"(?i:\b(?:the|a|an|every|each|good|black|bloody|holy|easter|palm|ash|super|maundy))\s+$"
)
_NOT_DAY_AFTER = re.compile(r"\s+(?i:prayers?|sermons?|services?|markets?|mosque|times)\b")
_DURATION_BEFORE = re.compile(r"(?i:\b(?:the|a|an|its|his|her|their|our|that|every))\s+$")
# Followed by its date, a weekday is only the date's name: "Sunday, February 4".
_DATED_AFTER = re.compile(rf",?\s+(?:the\s+)?(?:\d{{1,2}}\b|{_MONTH}\b)|\s*\(")
_AR_DATED_AFTER = re.compile(r"\s*[،,]?\s*(?:الموافق\s+)?[0-9٠-٩]")
_AR_NOT_DAY_BEFORE = re.compile(r"(?:صلاة|صلوات|خطبة|خطب|خطيب|إمام|امام|سوق|عطلة|كلا|بين)\s+$")
_AR_NOT_TODAY_BEFORE = re.compile(r"(?:في|نفس|ذلك|هذا|كل|طوال|منتصف|خلال|تلك|هذه)\s+$")
_AR_ADJECTIVE_AFTER = re.compile(r"\s+ال\w+")
_PREPOSITION = re.compile(
    r"(?i:\b(?:since|until|till|by|from|before|after|through|to|between|and|or|of|on|for|at"
    r"|into|than|as of))\s+$"
)
_AR_PREPOSITION = re.compile(
    r"(?:في|منذ|حتى|قبل|بعد|من|إلى|الى|خلال|مطلع|أوائل|أواخر|منتصف|بداية|نهاية)\s+$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?؟][\"”’)]?\s)\s*$")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Anchored:
    """A text with its relative day words written as dates."""

    text: str
    notes: tuple[str, ...]  # "'on Sunday' → February 4", one per phrase, and any conflict
    day: date  # the event's day: the one given, or the lead sentence's when they disagree


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    rule: str
    match: re.Match[str]


@dataclass(frozen=True)
class _Resolved:
    replacement: str
    day: date | None  # the day it names, if it names one day
    looks_back: bool  # resolved against the publication day, towards the past


def relative_words(text: str) -> list[str]:
    """Every relative day phrase a reader could not anchor, in order of appearance."""
    return [found.match.group(0) for found in _find(text)]


def anchor(text: str, published: date, event_day: date, title: str = "") -> Anchored:
    """`text` with each relative day phrase resolved (see the module doc), the notes saying
    how, and the event's day checked against the lead sentence's main clause."""
    resolved = _resolve_all(text, published, event_day)
    notes = [f"'{f.match.group(0).strip()}' → {_describe(r)}" for f, r in resolved]
    day, conflict = _checked_day(text, title, published, event_day, resolved)
    if conflict:
        notes.append(conflict)
    out = text
    for found, result in reversed(resolved):
        out = _splice(out, found.start, found.end, result.replacement)
    return Anchored(text=out, notes=tuple(notes), day=day)


def _describe(result: _Resolved) -> str:
    if not result.replacement:
        return "dropped"
    return month_day(result.day) if result.day else result.replacement.strip()


# --------------------------------------------------------------------------- finding


def _find(text: str) -> list[_Found]:
    """The relative phrases in `text`, the longest first where two overlap."""
    arabic = bool(re.search("[\u0600-\u06ff]", text))
    found = [
        _Found(m.start(), m.end(), rule, m)
        for rule, pattern in _RULES.items()
        if arabic or not rule.startswith("ar_")
        for m in pattern.finditer(text)
        if _is_reference(rule, m, text)
    ]
    chosen: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if not chosen or f.start >= chosen[-1].end:
            chosen.append(f)
    return chosen


def _is_reference(rule: str, m: re.Match[str], text: str) -> bool:
    """Whether a match names a day relative to now, not a custom, a duration or a date."""
    before, after = text[: m.start()], text[m.end() :]
    if rule == "weekday":
        if _DATED_AFTER.match(after):
            return False
        return bool(m.group("pre") or m.group("part")) or not (
            _NOT_DAY_BEFORE.search(before) or _NOT_DAY_AFTER.match(after)
        )
    if rule in ("part", "week", "month"):
        # "the last week", "a year": a duration, not a date
        return m.groupdict().get("prep") is not None or not _DURATION_BEFORE.search(before)
    if rule == "ar_weekday":
        return not (_AR_DATED_AFTER.match(after) or _AR_NOT_DAY_BEFORE.search(before))
    if rule == "ar_day":
        rel = m.group("rel")
        if rel in ("اليوم", "الليلة") and not m.group("wd"):
            # "اليوم التالي" (the next day), "في ذلك اليوم": the day of the story, not today.
            adjective = _AR_ADJECTIVE_AFTER.match(after)
            if adjective or _AR_NOT_TODAY_BEFORE.search(before):
                return False
        return rel != "الغد" or m.group("pre") is not None  # "الغد" alone: "the future"
    if rule == "ar_span":
        if not (m.group("this") or m.group("dir")):
            return False
        if m.group("this") and m.group("dir"):
            return False
        # "الأمين العام الحالي": after a definite noun, العام is "general", not "the year".
        # ("the current general secretary"); "الإنتاج العام الماضي" is last year's output.
        current = (m.group("dir") or "").startswith("الحالي")
        definite = re.search(r"(?<!\w)ال\w+\s+$", before)
        return not (current and m.group("unit") in ("العام", "السنة") and definite)
    return True


# --------------------------------------------------------------------------- resolving


def _resolve_all(text: str, published: date, event_day: date) -> list[tuple[_Found, _Resolved]]:
    """Each phrase with its replacement, left to right: "the day before" counts from the
    last day named before it (an absolute date or a resolved phrase), else the event's day."""
    absolute = sorted(_absolute_days(text, published))
    results = []
    reference = event_day
    for found in _find(text):
        earlier = [day for start, _, day in absolute if start < found.start]
        reference = earlier[-1] if earlier else reference
        absolute = [a for a in absolute if a[0] >= found.start]
        result = _resolve(found, text, published, reference)
        if result.day is not None:
            reference = result.day
        results.append((found, result))
    return results


def _resolve(found: _Found, text: str, published: date, reference: date) -> _Resolved:
    m, rule = found.match, found.rule
    before = text[: found.start]
    if rule == "weekday":
        pre = (m.group("pre") or "").lower()
        direction = _direction(pre, text, found)
        day = _weekday(dates.WEEKDAYS.index(m.group("wd").lower()), published, direction)
        edge = pre.split()[0] if pre.split()[:1] in (["late"], ["early"]) else ""
        back = direction in ("back", "last")
        return _english_day(day, m, before, part=m.group("part"), edge=edge, back=back)
    if rule == "day":
        rel, pre = m.group("rel").lower(), (m.group("pre") or "").lower()
        offset = {"the day before yesterday": -2, "yesterday": -1, "tomorrow": 1}.get(rel, 0)
        offset = 2 if rel == "the day after tomorrow" else offset
        part = m.group("part") or ("night" if rel == "tonight" else None)
        edge = pre if pre in ("late", "early") else ""
        day = published + timedelta(days=offset)
        return _english_day(day, m, before, part=part, edge=edge, back=offset <= 0)
    if rule == "part":
        last = m.group("rel").lower() == "last"
        day = published - timedelta(days=1 if last else 0)
        return _english_day(day, m, before, part=m.group("part"), edge="", back=True)
    if rule == "near":
        day = reference + timedelta(days=_near_offset(m.group("rel").lower()))
        return _english_day(day, m, before, part=None, edge="", back=False)
    if rule == "ago":
        n = _count(m.group("n"))
        weeks = m.group("unit").lower().startswith("week")
        day = published - timedelta(days=n * (7 if weeks else 1))
        return _english_day(day, m, before, part=None, edge="", back=True)
    if rule == "week":
        return _english_week(m, text, found, published)
    if rule == "month":
        return _english_span(m, found, text, published)
    if rule == "ar_weekday":
        return _arabic_weekday(m, text, found, published)
    if rule == "ar_day":
        return _arabic_day(m, before, published)
    if rule == "ar_span":
        return _arabic_span(m, before, published)
    return _arabic_near(m, before, published, reference)


def _direction(pre: str, text: str, found: _Found) -> str:
    if pre in ("last", "this", "next", "coming", "this coming"):
        return {"coming": "this", "this coming": "this"}.get(pre, pre)
    return "ahead" if dates.ahead(text, found.start) else "back"


def _weekday(weekday: int, published: date, direction: str) -> date:
    """The day a weekday names: "last" and "back" look back (today included for "back"),
    "next" and "ahead"/"this" look forward (today included for "ahead"/"this")."""
    back = (published.weekday() - weekday) % 7
    forward = (weekday - published.weekday()) % 7
    if direction == "last":
        return published - timedelta(days=back or 7)
    if direction == "next":
        return published + timedelta(days=forward or 7)
    if direction in ("ahead", "this"):
        return published + timedelta(days=forward)
    return published - timedelta(days=back)


def _near_offset(rel: str) -> int:
    if rel == "the same day":
        return 0
    if rel in ("the day before", "the previous day"):
        return -1
    if rel in ("the day after", "the next day", "the following day"):
        return 1
    number, _, way = rel.split()
    return _count(number) * (-1 if way in ("earlier", "before") else 1)


def _count(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def _absolute_days(text: str, published: date) -> Iterator[tuple[int, int, date]]:
    """(start, end, day) of each date written out: "February 4", "4 February", "4 شباط"."""
    patterns = (
        (re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})\b"), 1, 2),
        (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b"), 2, 1),
    )
    for pattern, month_group, day_group in patterns:
        for m in pattern.finditer(text):
            month = dates.MONTHS.index(m.group(month_group).lower()) + 1
            day = _nearest(published, month, int(m.group(day_group)))
            if day:
                yield m.start(), m.end(), day
    names = "|".join(sorted(dates.AR_MONTH_NAMES, key=len, reverse=True))
    for m in re.finditer(rf"(?<!\d)([0-9\u0660-\u0669]{{1,2}})\s+(?:من\s+)?({names})(?!\w)", text):
        day = _nearest(published, dates.AR_MONTH_NAMES[m.group(2)], int(m.group(1)))
        if day:
            yield m.start(), m.end(), day


def _nearest(published: date, month: int, day_number: int) -> date | None:
    """The date with this month and day closest to the publication day."""
    found = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            found.append(date(year, month, day_number))
        except ValueError:
            continue
    return min(found, key=lambda d: abs(d - published), default=None)


# --------------------------------------------------------------------------- writing English


def _english_day(
    day: date, m: re.Match[str], before: str, *, part: str | None, edge: str, back: bool
) -> _Resolved:
    if m.groupdict().get("poss") or m.groupdict().get("poss2"):
        return _Resolved(_capital(f"the {month_day(day)}", before), day, back)
    core = month_day(day)
    if part:
        core = f"the {part.lower()} of {core}"
    has_on = (m.groupdict().get("pre") or "").lower().endswith("on") or m.groupdict().get("on")
    if edge:
        core = f"{edge} on {core}"
    elif has_on or not _PREPOSITION.search(before):
        core = f"on {core}"
    return _Resolved(_capital(core, before), day, back)


def _english_week(m: re.Match[str], text: str, found: _Found, published: date) -> _Resolved:
    """ "last week" -> "in the week of January 29"; "this week" is the issue's: dropped."""
    rel, before = m.group("rel").lower(), text[: found.start]
    if m.group("poss"):  # "last week's talks" -> "the talks"
        return _Resolved(_capital("the", before), None, True)
    if rel == "this" or m.group("unit").lower() == "weekend":
        if _is_subject(before, text[found.end :]):  # "This week saw ..." -> "The week saw ..."
            return _Resolved(_capital(f"the {m.group('unit').lower()}", before), None, True)
        return _Resolved("", None, True)
    monday = published - timedelta(days=published.weekday())
    monday += timedelta(weeks=1 if rel == "next" else -1)
    lead = m.group("prep") or ("" if _PREPOSITION.search(before) else "in")
    core = " ".join(w for w in (lead, f"the week of {month_day(monday)}") if w)
    return _Resolved(_capital(core, before), None, rel == "last")


def _english_span(m: re.Match[str], found: _Found, text: str, published: date) -> _Resolved:
    """ "last month" -> "in January", "earlier this year" -> "earlier in 2024"."""
    rel, unit = m.group("rel").lower(), m.group("unit").lower()
    step = {"last": -1, "this": 0, "next": 1}[rel]
    before = text[: found.start]
    if unit == "year":
        name = str(published.year + step)
        if m.group("month"):  # "March last year" -> "March 2023"
            name = f"{m.group('month')} {name}"
    else:
        index = published.month - 1 + step
        year, month = published.year + index // 12, index % 12 + 1
        name = dates.MONTHS[month - 1].capitalize() + ("" if year == published.year else f" {year}")
    if m.group("poss"):  # "last month's" -> "January's"; "last year's" -> "the 2023"
        core = f"{name}'s" if unit == "month" else f"the {name}"
        return _Resolved(_capital(core, before), None, step <= 0)
    pre = (m.group("pre") or "").lower()
    lead = m.group("prep") or ("" if _PREPOSITION.search(before) else "in")
    if pre and not m.group("month"):  # "earlier this year" -> "earlier in 2024"
        words: tuple[str, ...] = (m.group("prep") or "", pre, "in", name)
    else:
        words = (lead, pre, name)
    core = " ".join(w for w in words if w)
    return _Resolved(_capital(core, before), None, step <= 0)


def _is_subject(before: str, after: str) -> bool:
    """Whether a phrase opening a sentence or a "that" clause, with no comma after it, is
    its subject ("This week saw ...", "إن هذا الأسبوع شهد"): it cannot simply be dropped."""
    opens = _SENTENCE_START.search(before) or re.search(
        r"(?:\b(?:that)|(?<!\w)(?:إن|أن|ان))\s+$", before
    )
    return bool(opens) and not re.match(r"\s*[,،]", after)


def _capital(words: str, before: str) -> str:
    """Capitalised where a sentence starts."""
    return words[:1].upper() + words[1:] if _SENTENCE_START.search(before) else words


# --------------------------------------------------------------------------- writing Arabic


def _ar_date(day: date, text_digits_indic: bool) -> str:
    number = str(day.day).translate(_INDIC) if text_digits_indic else str(day.day)
    return f"{number} {_AR_MONTH_NAMES[day.month - 1]}"


def _ar_phrase(day: date, m: re.Match[str], before: str, part: str) -> str:
    """ "في 4 شباط", "مساء 4 شباط"; after a preposition ("منذ") the date alone. Digits as
    the text writes them."""
    digits = re.findall(r"[0-9\u0660-\u0669]", m.string)
    core = _ar_date(day, bool(digits) and all(not d.isascii() for d in digits))
    part = _AR_PARTS.get(part, part)
    if part:
        core = f"{part} {core}"
    elif not _AR_PREPOSITION.search(before):
        core = f"في {core}"
    return (m.group("conj") or "") + core


def _part_of(pre: str | None) -> str:
    if not pre:
        return ""
    word = pre.split()[0]
    return "" if word == "يوم" else word


def _arabic_weekday(m: re.Match[str], text: str, found: _Found, published: date) -> _Resolved:
    way = m.group("dir") or ""
    direction = (
        "last"
        if way in ("الماضي", "المنصرم", "الفائت")
        else "next"
        if way in ("المقبل", "القادم")
        else "ahead"
        if dates.ahead(text, found.start)
        else "back"
    )
    day = _weekday(dates.AR_DAY_NAMES[m.group("wd")], published, direction)
    before = text[: found.start]
    back = direction in ("back", "last")
    return _Resolved(_ar_phrase(day, m, before, _part_of(m.group("pre"))), day, back)


def _arabic_day(m: re.Match[str], before: str, published: date) -> _Resolved:
    rel = m.group("rel")
    if rel in ("أول من أمس", "أول أمس", "اول من امس", "اول امس", "أمس الأول", "امس الاول"):
        offset = -2
    elif rel in ("أمس", "امس", "البارحة", "الليلة الماضية"):
        offset = -1
    elif rel in ("غدًا", "غداً", "غدا", "الغد"):
        offset = 1
    else:
        offset = 2 if rel == "بعد غد" else 0
    part = _part_of(m.group("pre"))
    if rel in ("الليلة", "الليلة الماضية") and not part:
        part = "ليلة"
    day = published + timedelta(days=offset)
    return _Resolved(_ar_phrase(day, m, before, part), day, offset <= 0)


def _arabic_near(m: re.Match[str], before: str, published: date, reference: date) -> _Resolved:
    rel = m.group("rel")
    if rel.startswith("قبل") and "ذلك" not in rel:  # "قبل يومين": two days ago
        n = 2 if "يومين" in rel else 7 if "أسبوع" in rel else _ar_count(m.group("n"))
        day = published - timedelta(days=n)
    elif "التالي" in rel or rel == "بعد ذلك بيوم":
        day = reference + timedelta(days=1)
    elif "السابق" in rel or rel == "قبل ذلك بيوم":
        day = reference - timedelta(days=1)
    else:
        day = reference
    phrase = _ar_phrase(day, m, before if not rel.startswith("في") else "", "")
    return _Resolved(phrase, day, False)


def _ar_count(word: str | None) -> int:
    words = {"ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7}
    return int(word) if word and word.isdigit() else words.get(word or "", 3)


def _arabic_span(m: re.Match[str], before: str, published: date) -> _Resolved:
    unit, way = m.group("unit"), m.group("dir") or ""
    step = (
        -1
        if way.startswith(("الماضي", "المنصرم", "الفائت"))
        else 1
        if way.startswith(("المقبل", "القادم"))
        else 0
    )
    prep = m.group("prep")
    if unit in ("الأسبوع", "الاسبوع"):
        if step == 0:  # "إن هذا الأسبوع شهد" -> "إن الأسبوع شهد"
            subject = _is_subject(before, m.string[m.end() :])
            return _Resolved((m.group("conj") or "") + "الأسبوع" if subject else "", None, True)
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        verb = "بدأ" if step < 0 else "يبدأ"
        core = f"الأسبوع الذي {verb} في {_ar_date(monday, False)}"
    elif unit == "الشهر":
        index = published.month - 1 + step
        year, month = published.year + index // 12, index % 12 + 1
        core = _AR_MONTH_NAMES[month - 1] + ("" if year == published.year else f" {year}")
    else:
        core = f"عام {published.year + step}"
    if prep:
        core = f"{prep} {core}"
    elif not _AR_PREPOSITION.search(before):
        core = f"في {core}"
    return _Resolved((m.group("conj") or "") + core, None, step <= 0)


# --------------------------------------------------------------------------- the event's day


def _checked_day(
    text: str,
    title: str,
    published: date,
    event_day: date,
    resolved: list[tuple[_Found, _Resolved]],
) -> tuple[date, str]:
    """The event's day and a note when the lead sentence's (or headline's) main clause
    names another recent day than the one given: the text's own words win."""
    for where, source in (("lead sentence", _lead(text)), ("headline", title)):
        if not source:
            continue
        named = _main_clause_day(source, published, resolved if source is not title else None)
        if named is None:
            continue
        phrase, day = named
        if day == event_day:
            return event_day, ""
        return day, (
            f"'{phrase}' in the {where}'s main clause names {month_day(day)}, the draft "
            f"had {month_day(event_day)}: {month_day(day)} kept"
        )
    return event_day, ""


def _main_clause_day(
    sentence: str, published: date, resolved: list[tuple[_Found, _Resolved]] | None
) -> tuple[str, date] | None:
    """The first recent day the sentence names outside a background clause."""
    if resolved is None:
        resolved = _resolve_all(sentence, published, published)
    candidates: list[tuple[int, str, date]] = [
        (f.start, f.match.group(0).strip(), r.day)
        for f, r in resolved
        if f.start < len(sentence)
        and r.day is not None
        and r.looks_back
        and f.rule not in ("near",)
    ]
    candidates += [
        (start, sentence[start:end], day) for start, end, day in _absolute_days(sentence, published)
    ]
    lag = timedelta(days=10)
    for start, phrase, day in sorted(candidates):
        if dates.background(sentence, start) or not published - lag <= day <= published:
            continue
        return phrase, day
    return None


def _lead(text: str) -> str:
    """The text's first sentence."""
    end = re.search(
        r"(?<!\b[A-Z])(?<!\b(?:Mr|Dr|St|No|Lt|Jr|Sr))(?<!\b(?:Gen|Col|Maj|Sgt|Feb|Jan|Aug|Oct"
        r"|Nov|Dec|Sep))[.!?؟](?=\s|$)",
        text,
    )
    return text[: end.end()] if end else text


# --------------------------------------------------------------------------- splicing


def _splice(text: str, start: int, end: int, replacement: str) -> str:
    """`text` with [start:end] replaced; a dropped phrase takes its commas and spaces along
    ("The council, this week, met" -> "The council met"; "This week, the council met" ->
    "The council met")."""
    before, after = text[:start], text[end:]
    if replacement:
        return before + replacement + after
    if _SENTENCE_START.search(before):
        after = re.sub(r"^\s*[,،]?\s*", "", after)
        if _LATIN_LETTER.match(after[:1]):
            after = after[:1].upper() + after[1:]
        return before + after
    stripped = before.rstrip()
    if stripped.endswith((",", "،")) and re.match(r"\s*(?:[,،]|[.;:!?؟)]|$)", after):
        before = stripped[:-1]
        after = re.sub(r"^\s*[,،]", "", after)
    if re.match(r"\s*[,،.;:!?؟)]", after) or not after.strip():
        return before.rstrip() + after.lstrip()
    return before.rstrip() + " " + after.lstrip()


# --------------------------------------------------------------------------- the paragraph's day

_EN_DATE = re.compile(
    rf"(?:(?P<edge>[Ll]ate|[Ee]arly)\s+)?(?:[Oo]n\s+)?(?:the\s+(?P<part>{_PART})\s+of\s+)?"
    rf"(?:{_WEEKDAY},?\s+)?(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})\b)(?:,?\s+\d{{4}}\b)?"
)
_EN_WEEKDAY_DATE = re.compile(
    rf"(?:(?P<edge>[Ll]ate|[Ee]arly)\s+)?(?P<on>[Oo]n\s+)?(?P<wd>{_WEEKDAY})"
    rf"(?:\s+(?P<part>{_PART}))?(?![\w'’-])"
)
_EN_LEADING_RELATIVE = re.compile(
    r"(?:(?:[Ee]arlier|[Ll]ater|[Ll]ate|[Ee]arly)\s+)?(?:[Yy]esterday|[Tt]oday|[Tt]onight"
    rf"|[Ll]ast night|[Tt]his (?:morning|afternoon|evening))(?:\s+{_PART})?(?=\s*,)"
)
_RESIDUAL = {"morning": "in the morning", "afternoon": "in the afternoon"}
_RESIDUAL |= {"evening": "in the evening", "night": "at night"}
# Closed word classes: after "On February 4, " these are always lower-case ("the", "two",
# "around", "security forces" is decided below).
_FUNCTION_WORDS = frozenset(
    """a an the this that these those some any each every all both either neither no another
    other such many much several few most more less he she it they we you his her its their
    our at in on of by for from with without after before during around about near nearly
    almost over under between among across along amid despite following since until inside
    outside through towards toward against within beyond and but or yet so while although
    though as if when where because only just also still already again roughly
    approximately up least at one two three four five six seven eight nine ten eleven twelve
    fifteen twenty thirty forty fifty hundred hundreds thousand thousands million millions
    dozen dozens scores there here""".split()
)
# Common nouns and adjectives that open news sentences; lower-cased unless a name follows
# ("Security forces" -> "security forces", "Security Council" stays).
_COMMON_STARTS = frozenset(
    """unknown unidentified armed masked suspected gunmen militants fighters attackers police
    policemen security soldiers troops forces officials authorities residents families
    villagers citizens civilians people protesters demonstrators workers farmers students
    teachers doctors patients prices markets traders partners lawmakers representatives
    members voters talks negotiations clashes fighting heavy water power electricity oil gas
    exports imports cases rockets drones mortars shells explosions floods rains fire fires
    displaced returnees local senior former federal provincial regional international
    tribal unemployment inflation households consumers shoppers goods companies banks
    employees staff pupils children women men rain snow storms temperatures strong
    torrential dust drought crops wheat""".split()
)


def prefix_day(text: str, day: date) -> str:
    """ "On February 4, " + the sentence: a leading date phrase of the text is replaced, the
    lead sentence's own phrase for that day dropped, the first word lower-cased unless it
    is a name. For English text; Arabic reads right to left and keeps its words."""
    text = " ".join(text.split())
    lead, rest = _leading_date(text, day)
    if lead is not None:
        day, text = lead, rest
    else:
        text = _without_redundant(text, day)
    return f"On {month_day(day)}, {lower_first(text)}"


def _leading_date(text: str, day: date) -> tuple[date | None, str]:
    """(the day a leading phrase names, the text after it), or (None, text)."""
    m = _EN_DATE.match(text)
    if m and (m.group(0)[:2].lower() == "on" or m.group("edge") or text[m.end() :][:1] == ","):
        month = m.group("m1") or m.group("m2")
        named = _nearest(
            day, dates.MONTHS.index(month.lower()) + 1, int(m.group("d1") or m.group("d2"))
        )
        if named and abs(named - day) <= timedelta(days=10):
            return named, _after_lead(text, m.end())
    for pattern in (_EN_WEEKDAY_DATE, _EN_LEADING_RELATIVE):
        m = pattern.match(text)
        opener = m and (m.groupdict().get("on") or m.groupdict().get("edge"))
        if m and (opener or text[m.end() :][:1] == ","):
            return day, _after_lead(text, m.end())
    return None, text


def _after_lead(text: str, end: int) -> str:
    return re.sub(r"^\s*,?\s*", "", text[end:])


def _without_redundant(text: str, day: date) -> str:
    """The lead sentence without its first main-clause phrase for `day` ("X met on Sunday
    to ..." -> "X met to ..."); a time of day stays ("in the evening")."""
    sentence = _lead(text)
    found = sorted(
        (m for p in (_EN_DATE, _EN_WEEKDAY_DATE) for m in p.finditer(sentence)),
        key=lambda m: (m.start(), -m.end()),
    )
    for m in found:
        if dates.background(sentence, m.start()):
            continue
        if not _names(m, day):
            return text
        part, edge = m.group("part"), (m.group("edge") or "").lower()
        residual = _RESIDUAL[part.lower()] if part else "in the day" if edge else ""
        residual = " ".join(x for x in (edge, residual) if x)
        return _splice(text, m.start(), m.end(), residual)
    return text


def _names(m: re.Match[str], day: date) -> bool:
    if m.re is _EN_WEEKDAY_DATE:
        return dates.WEEKDAYS.index(m.group("wd").lower()) == day.weekday()
    month = dates.MONTHS.index((m.group("m1") or m.group("m2")).lower()) + 1
    return (month, int(m.group("d1") or m.group("d2"))) == (day.month, day.day)


def lower_first(text: str, common: frozenset[str] = frozenset()) -> str:
    """ "Around 120 families" -> "around 120 families"; "Basra", "ISIS", "Iraq's" stay.

    `common`: words the period's reports write in lower case (textual.lower_words), a
    sign that a word is no name even when it is on no list here."""
    m = re.match(r"([A-Z][a-z]*)(?=[\s,;:]|$)", text)
    if not m:
        return text  # a name in capitals, a figure, a quote, "Iraq's", "al-Sudani"
    word, rest = m.group(1), text[m.end() :]
    lower = word.lower()
    if lower in _FUNCTION_WORDS:
        return lower + rest
    # A common word (listed, written lower-case elsewhere in the text or in the period's
    # reports) -- unless the next word is capitalised too: "Security Council", "Federal
    # Supreme Court" are names.
    common_word = (
        lower in _COMMON_STARTS
        or lower in common
        or re.search(rf"(?<![\w-]){lower}(?![\w-])", rest)
    )
    next_is_name = re.match(r"\s+[A-Z]", rest)
    return lower + rest if common_word and not next_is_name else text
