"""The paragraph's dateline: "On February 4, " before an English paragraph, the rest mended.

EDITORIAL.md has every English paragraph open with its day. `prefix_day` writes it from the
event's day and the (already anchored) text:

- a leading date phrase ("On February 3, ...", "Late Sunday, ...", "Yesterday, ...") is
  replaced by the prefix; a written-out date that names another day within ten days wins
  over the one given (the text's own words);
- otherwise the lead sentence's first date phrase outside a background clause ("since
  ...", "after the talks ended on ...": dates.background), when it names that day, is
  dropped, now redundant ("X met on Sunday to ..." -> "X met to ..."); a time of day it
  carried stays ("on the night of February 4" -> "at night", "late on Sunday" -> "late in
  the day");
- the first word after the prefix is lower-cased unless it is a name (`lower_first`):
  function words always ("The", "Around", "Two"), the common nouns and adjectives news
  sentences open with ("Security forces", "Displaced families") unless a capitalised word
  follows ("Security Council", "Federal Supreme Court"), and any word the text or the
  period's reports write in lower case. "Basra", "ISIS", "Iraq's" stay.

English only: Arabic reads right to left and keeps its own words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from digest.periods import month_day
from digest.text import dates
from digest.text.day_phrase import MONTH, PART, WEEKDAY, lead_sentence, nearest, splice

_EN_DATE = re.compile(
    rf"(?:(?P<edge>[Ll]ate|[Ee]arly)\s+)?(?:[Oo]n\s+)?(?:the\s+(?P<part>{PART})\s+of\s+)?"
    rf"(?:{WEEKDAY},?\s+)?(?:(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{MONTH})\b)(?:,?\s+\d{{4}}\b)?"
)
_EN_WEEKDAY_DATE = re.compile(
    rf"(?:(?P<edge>[Ll]ate|[Ee]arly)\s+)?(?P<on>[Oo]n\s+)?(?P<wd>{WEEKDAY})"
    rf"(?:\s+(?P<part>{PART}))?(?![\w'’-])"
)
_EN_LEADING_RELATIVE = re.compile(
    r"(?:(?:[Ee]arlier|[Ll]ater|[Ll]ate|[Ee]arly)\s+)?(?:[Yy]esterday|[Tt]oday|[Tt]onight"
    rf"|[Ll]ast night|[Tt]his (?:morning|afternoon|evening))(?:\s+{PART})?(?=\s*,)"
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
        named = nearest(
            day, dates.MONTHS.index(month.lower()) + 1, int(m.group("d1") or m.group("d2"))
        )
        if named and abs(named - day) <= timedelta(days=10):
            return named, _afterlead_sentence(text, m.end())
    for pattern in (_EN_WEEKDAY_DATE, _EN_LEADING_RELATIVE):
        m = pattern.match(text)
        opener = m and (m.groupdict().get("on") or m.groupdict().get("edge"))
        if m and (opener or text[m.end() :][:1] == ","):
            return day, _afterlead_sentence(text, m.end())
    return None, text


def _afterlead_sentence(text: str, end: int) -> str:
    return re.sub(r"^\s*,?\s*", "", text[end:])


def _without_redundant(text: str, day: date) -> str:
    """The lead sentence without its first main-clause phrase for `day` ("X met on Sunday
    to ..." -> "X met to ..."); a time of day stays ("in the evening")."""
    sentence = lead_sentence(text)
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
        return splice(text, m.start(), m.end(), residual)
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
