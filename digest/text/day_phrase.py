"""What the day-phrase modules share: a phrase's resolution, the calendar, the sentence.

`anchoring` (English relative days), `anchoring_ar` (Arabic ones) and `dateline` (the
paragraph's "On February 4, ") all read a day phrase inside a sentence and write something
in its place. The pieces they have in common live here, below all three, so none of them
imports another's internals:

- the English words of a date: WEEKDAY, MONTH and PART (of a day) as regex alternatives;
- `Resolved`, what a relative phrase becomes: its replacement, the day it names (if one),
  and whether it was counted back from the publication day;
- the calendar: the day a weekday names looking back or ahead (`weekday_date`), and the
  date a "month + day" names nearest the publication day (`nearest`);
- the sentence: the text's first one (`lead_sentence`), where one starts (SENTENCE_START),
  cutting a phrase out with its commas mended (`splice`), and whether a phrase opening a
  clause is its subject (`is_subject`: "This week saw ..." cannot simply lose "This week").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from digest.text import dates

WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
MONTH = r"(?:" + "|".join(m.capitalize() for m in dates.MONTHS) + r")"
PART = r"(?:morning|afternoon|evening|night)"
SENTENCE_START = re.compile(r"(?:^|[.!?؟][\"”’)]?\s)\s*$")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Resolved:
    replacement: str
    day: date | None  # the day it names, if it names one day
    looks_back: bool  # resolved against the publication day, towards the past


def weekday_date(weekday: int, published: date, direction: str) -> date:
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


def nearest(published: date, month: int, day_number: int) -> date | None:
    """The date with this month and day closest to the publication day."""
    found = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            found.append(date(year, month, day_number))
        except ValueError:
            continue
    return min(found, key=lambda d: abs(d - published), default=None)


def lead_sentence(text: str) -> str:
    """The text's first sentence."""
    end = re.search(
        r"(?<!\b[A-Z])(?<!\b(?:Mr|Dr|St|No|Lt|Jr|Sr))(?<!\b(?:Gen|Col|Maj|Sgt|Feb|Jan|Aug|Oct"
        r"|Nov|Dec|Sep))[.!?؟](?=\s|$)",
        text,
    )
    return text[: end.end()] if end else text


def splice(text: str, start: int, end: int, replacement: str) -> str:
    """`text` with [start:end] replaced; a dropped phrase takes its commas and spaces along
    ("The council, this week, met" -> "The council met"; "This week, the council met" ->
    "The council met")."""
    before, after = text[:start], text[end:]
    if replacement:
        return before + replacement + after
    if SENTENCE_START.search(before):
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


def is_subject(before: str, after: str) -> bool:
    """Whether a phrase opening a sentence or a "that" clause, with no comma after it, is
    its subject ("This week saw ...", "إن هذا الأسبوع شهد"): it cannot simply be dropped."""
    opens = SENTENCE_START.search(before) or re.search(
        r"(?:\b(?:that)|(?<!\w)(?:إن|أن|ان))\s+$", before
    )
    return bool(opens) and not re.match(r"\s*[,،]", after)
