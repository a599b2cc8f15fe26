"""Drafted words: section headlines ("A; B; C", title case) and takeaways (lead sentences)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.models import Entry

SMALL_WORDS = frozenset(
    "a an and as at but by for from in into near nor of off on or per the to up via vs with".split()
)
HEADLINE_MAX = 110
TAKEAWAY_MAX = 320  # characters; past this, two sentences are enough
_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9\u0600-\u06FF])")


def title_case(text: str) -> str:
    """Headline case that leaves acronyms, names with inner capitals and Arabic alone."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        first_or_last = i == 0 or i == len(words) - 1
        if word.lower() in SMALL_WORDS and not first_or_last:
            out.append(word.lower())
        elif word.islower():
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word)
    return " ".join(out)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def lead_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text.strip()


def headline(top: Sequence[Entry]) -> str:
    """Two or three top stories' titles joined by semicolons, kept short enough to read."""
    parts: list[str] = []
    for entry in top[:3]:
        part = title_case(entry.title.strip().rstrip(".;:"))
        if parts and len("; ".join([*parts, part])) > HEADLINE_MAX:
            break
        parts.append(part)
    return "; ".join(parts)


def takeaway(top: Sequence[Entry]) -> str:
    """Two to four sentences: the lead sentence of each top story."""
    chosen: list[str] = []
    for entry in top[:4]:
        sentence = lead_sentence(entry.text)
        if sentence and sentence not in chosen:
            chosen.append(sentence if sentence[-1] in ".!?؟" else sentence + ".")
        if len(chosen) == 3 or (len(chosen) >= 2 and len(" ".join(chosen)) > TAKEAWAY_MAX):
            break
    return " ".join(chosen)


def importance(entry: Entry, casualties: int) -> tuple[int, int, int]:
    """Stories told by more outlets, with more casualties, and longer, come first."""
    return (len(entry.citations), casualties, len(entry.text))
