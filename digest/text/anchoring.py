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
  "مساء الأحد" -> "مساء 4 شباط", "الأسبوع الماضي" -> "الأسبوع الذي بدأ في 29 كانون الثاني"
  (the rules are in anchoring_ar; this module finds the phrases of both languages).

Durations ("over the past week") and weekdays that are names or customs ("Good Friday",
"Friday prayers", "خطبة الجمعة") are not references to a day and stay.

`anchor` also checks the text against the day the draft gave it: the main clause of the
lead sentence (or of the headline) names the event's day; when it names another recent
day than the one given, the text wins and a note says so. `dateline.prefix_day` then writes
the paragraph's "On February 4, " and drops the sentence's own now-redundant phrase for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from digest.periods import month_day
from digest.text import anchoring_ar, dates
from digest.text.day_phrase import (
    MONTH,
    PART,
    SENTENCE_START,
    WEEKDAY,
    Resolved,
    is_subject,
    lead_sentence,
    nearest,
    splice,
    weekday_date,
)

_NUMBER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_NUMBERS = {
    w: n for n, w in enumerate("one two three four five six seven eight nine ten".split(), 1)
}

_RULES: dict[str, re.Pattern[str]] = {
    # "on Sunday", "late Sunday", "last Friday", "next Monday", "Sunday's", "Tuesday night"
    "weekday": re.compile(
        rf"(?<![\w-])(?:(?P<pre>(?i:on|late on|early on|late|early|last|this coming|this|next"
        rf"|coming))\s+)?(?P<wd>{WEEKDAY})(?P<poss>['’]s)?(?:\s+(?P<part>(?i:{PART}))"
        r"(?P<poss2>['’]s)?)?(?![\w-])"
    ),
    # "yesterday", "earlier today", "tonight", "tomorrow morning", "yesterday's"
    "day": re.compile(
        r"(?<![\w-])(?:(?P<pre>(?i:earlier|later|late|early))\s+)?(?P<rel>(?i:the day before "
        r"yesterday|the day after tomorrow|yesterday|today|tonight|tomorrow))(?P<poss>['’]s)?"
        rf"(?:\s+(?P<part>(?i:{PART}))(?P<poss2>['’]s)?)?(?![\w-])"
    ),
    # "this morning", "last night"
    "part": re.compile(
        rf"(?<![\w-])(?P<rel>(?i:this|last))\s+(?P<part>(?i:{PART}))(?P<poss>['’]s)?(?![\w-])"
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
        rf"(?:(?P<month>{MONTH})\s+(?=(?i:last|this|next)\s+year))?"
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
    **anchoring_ar.RULES,
}
# A weekday that is a name or a custom, not a day: "Good Friday", "Friday prayers".
_NOT_DAY_BEFORE = re.compile(
    r"(?i:\b(?:the|a|an|every|each|good|black|bloody|holy|easter|palm|ash|super|maundy))\s+$"
)
_NOT_DAY_AFTER = re.compile(r"\s+(?i:prayers?|sermons?|services?|markets?|mosque|times)\b")
_DURATION_BEFORE = re.compile(r"(?i:\b(?:the|a|an|its|his|her|their|our|that|every))\s+$")
# Followed by its date, a weekday is only the date's name: "Sunday, February 4".
_DATED_AFTER = re.compile(rf",?\s+(?:the\s+)?(?:\d{{1,2}}\b|{MONTH}\b)|\s*\(")
_PREPOSITION = re.compile(
    r"(?i:\b(?:since|until|till|by|from|before|after|through|to|between|and|or|of|on|for|at"
    r"|into|than|as of))\s+$"
)


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
        out = splice(out, found.start, found.end, result.replacement)
    return Anchored(text=out, notes=tuple(notes), day=day)


def _describe(result: Resolved) -> str:
    if not result.replacement:
        return "dropped"
    return month_day(result.day) if result.day else result.replacement.strip()


# --------------------------------------------------------------------------- finding


# A word every match of an English rule holds: a rule whose words the text lacks is not
# tried (each pattern would otherwise be tried at every position of every paragraph).
# "near" spells its phrases with single spaces: its needles are two words, which "Sunday",
# "today" and "days" (each holding "day") are not.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "day": ("yesterday", "today", "tonight", "tomorrow"),
    "part": ("morning", "afternoon", "evening", "night", "noon", "dawn"),
    "week": ("week",),
    "month": ("month", "year"),
    "near": (
        *("same day", "previous day", "next day", "following day"),
        *("day before", "day after", "day earlier", "day later"),
        *("days before", "days after", "days earlier", "days later"),
    ),
    "ago": ("ago",),
}
# A word every match of a rule also holds, beside its needle ("this" or "last" morning): a
# text holding a needle but none of these ("night", "this year") is not tried.
_ALSO: dict[str, tuple[str, ...]] = {
    "part": ("this", "last"),
    "week": ("this", "last", "next"),
    "month": ("this", "last", "next"),
}
# How many words before its needle's word a rule's match may begin: "this coming Sunday",
# "during earlier this week", "during March last year", "on the same day", "this morning"
# (fewer words, fewer places the pattern is tried).
_WORDS = {"weekday": 2, "day": 5, "part": 1, "week": 3, "month": 3, "near": 2, "ago": 5}
# The rules in _RULES's order (which breaks ties between equal matches): (rule, pattern,
# needles, words, also) for English, (rule, pattern) for Arabic.
_ENGLISH = [
    (rule, pattern, _NEEDLES[rule], _WORDS[rule], _ALSO.get(rule, ()))
    for rule, pattern in _RULES.items()
    if rule in _NEEDLES
]
_ARABIC_RULES = [(rule, pattern) for rule, pattern in _RULES.items() if rule.startswith("ar_")]


def _find(text: str) -> list[_Found]:
    """The relative phrases in `text`, the longest first where two overlap."""
    low = text.lower()
    alike = dates.folds_alike(text, low)
    found = []
    for rule, pattern, needles, words, also in _ENGLISH:
        if alike and not (
            any(n in low for n in needles) and (not also or any(w in low for w in also))
        ):
            continue  # it lacks a word every match of the rule holds
        # every English phrase holds its key word within _WORDS words of its start
        for m in dates.finditer_near(pattern, text, low, needles, words):
            if _is_reference(rule, m, text):
                found.append(_Found(m.start(), m.end(), rule, m))
    if dates.holds_arabic(text):
        for rule, pattern in _ARABIC_RULES:
            for m in pattern.finditer(text):
                if _is_reference(rule, m, text):
                    found.append(_Found(m.start(), m.end(), rule, m))
    chosen: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if not chosen or f.start >= chosen[-1].end:
            chosen.append(f)
    return chosen


def _is_reference(rule: str, m: re.Match[str], text: str) -> bool:
    """Whether a match names a day relative to now, not a custom, a duration or a date."""
    if rule == "weekday":
        if _DATED_AFTER.match(text, m.end()):
            return False
        return bool(m.group("pre") or m.group("part")) or not (
            _word_before(_NOT_DAY_BEFORE, text, m.start()) or _NOT_DAY_AFTER.match(text, m.end())
        )
    if rule in ("part", "week", "month"):
        # "the last week", "a year": a duration, not a date
        return m.groupdict().get("prep") is not None or not _word_before(
            _DURATION_BEFORE, text, m.start()
        )
    if rule.startswith("ar_"):
        return anchoring_ar.is_reference(rule, m, text)
    return True


# The longest word _NOT_DAY_BEFORE and _DURATION_BEFORE name ("easter", "bloody", "maundy").
_LONGEST_BEFORE = 6


def _word_before(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """pattern.search(text[:start]) for a pattern of one of a few words then \\s+$: its
    match is the word right before the spaces that end there, so only that far back is
    searched (not the whole paragraph before every phrase)."""
    end = start
    while end and text[end - 1].isspace():  # what \s matches
        end -= 1
    return pattern.search(text, max(0, end - _LONGEST_BEFORE), start) is not None


# --------------------------------------------------------------------------- resolving


def _resolve_all(text: str, published: date, event_day: date) -> list[tuple[_Found, Resolved]]:
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


def _resolve(found: _Found, text: str, published: date, reference: date) -> Resolved:
    m, rule = found.match, found.rule
    before = text[: found.start]
    if rule == "weekday":
        pre = (m.group("pre") or "").lower()
        direction = _direction(pre, text, found)
        day = weekday_date(dates.WEEKDAYS.index(m.group("wd").lower()), published, direction)
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
    return anchoring_ar.resolve(rule, m, text, published, reference)


def _direction(pre: str, text: str, found: _Found) -> str:
    if pre in ("last", "this", "next", "coming", "this coming"):
        return {"coming": "this", "this coming": "this"}.get(pre, pre)
    return "ahead" if dates.ahead(text, found.start) else "back"


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


# Dates written out, with the groups of their month and day: "February 4", "4 February".
_ABSOLUTE = (
    (re.compile(rf"\b({MONTH})\s+(\d{{1,2}})\b"), 1, 2),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\b"), 2, 1),
)


def _absolute_days(text: str, published: date) -> Iterator[tuple[int, int, date]]:
    """(start, end, day) of each date written out: "February 4", "4 February", "4 شباط"."""
    for pattern, month_group, day_group in _ABSOLUTE:
        for m in pattern.finditer(text):
            month = dates.MONTHS.index(m.group(month_group).lower()) + 1
            day = nearest(published, month, int(m.group(day_group)))
            if day:
                yield m.start(), m.end(), day
    yield from anchoring_ar.absolute_days(text, published)


# --------------------------------------------------------------------------- writing English


def _english_day(
    day: date, m: re.Match[str], before: str, *, part: str | None, edge: str, back: bool
) -> Resolved:
    if m.groupdict().get("poss") or m.groupdict().get("poss2"):
        return Resolved(_capital(f"the {month_day(day)}", before), day, back)
    core = month_day(day)
    if part:
        core = f"the {part.lower()} of {core}"
    has_on = (m.groupdict().get("pre") or "").lower().endswith("on") or m.groupdict().get("on")
    if edge:
        core = f"{edge} on {core}"
    elif has_on or not _PREPOSITION.search(before):
        core = f"on {core}"
    return Resolved(_capital(core, before), day, back)


def _english_week(m: re.Match[str], text: str, found: _Found, published: date) -> Resolved:
    """ "last week" -> "in the week of January 29"; "this week" is the issue's: dropped."""
    rel, before = m.group("rel").lower(), text[: found.start]
    if m.group("poss"):  # "last week's talks" -> "the talks"
        return Resolved(_capital("the", before), None, True)
    if rel == "this" or m.group("unit").lower() == "weekend":
        if is_subject(before, text[found.end :]):  # "This week saw ..." -> "The week saw ..."
            return Resolved(_capital(f"the {m.group('unit').lower()}", before), None, True)
        return Resolved("", None, True)
    monday = published - timedelta(days=published.weekday())
    monday += timedelta(weeks=1 if rel == "next" else -1)
    lead = m.group("prep") or ("" if _PREPOSITION.search(before) else "in")
    core = " ".join(w for w in (lead, f"the week of {month_day(monday)}") if w)
    return Resolved(_capital(core, before), None, rel == "last")


def _english_span(m: re.Match[str], found: _Found, text: str, published: date) -> Resolved:
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
        return Resolved(_capital(core, before), None, step <= 0)
    pre = (m.group("pre") or "").lower()
    lead = m.group("prep") or ("" if _PREPOSITION.search(before) else "in")
    if pre and not m.group("month"):  # "earlier this year" -> "earlier in 2024"
        words: tuple[str, ...] = (m.group("prep") or "", pre, "in", name)
    else:
        words = (lead, pre, name)
    core = " ".join(w for w in words if w)
    return Resolved(_capital(core, before), None, step <= 0)


def _capital(words: str, before: str) -> str:
    """Capitalised where a sentence starts."""
    return words[:1].upper() + words[1:] if SENTENCE_START.search(before) else words


# --------------------------------------------------------------------------- the event's day


def _checked_day(
    text: str,
    title: str,
    published: date,
    event_day: date,
    resolved: list[tuple[_Found, Resolved]],
) -> tuple[date, str]:
    """The event's day and a note when the lead sentence's (or headline's) main clause
    names another recent day than the one given: the text's own words win."""
    for where, source in (("lead sentence", lead_sentence(text)), ("headline", title)):
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
    sentence: str, published: date, resolved: list[tuple[_Found, Resolved]] | None
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
