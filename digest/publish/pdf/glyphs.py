"""What the PDF's fonts can print, and what is printed instead of the rest.

The PDF is set in the theme's bundled fonts only (render.py keeps the build machine's
fonts out), so a character none of them has would print as an empty box, the font's
`.notdef`. Instead, each run of such characters is replaced in the page's text by a
short note in brackets that says what was there, "[Han text]" or "[symbol]", and the
build warns, naming the characters and their script, so the editor can add a font or
reword. A reader of the PDF learns that something is missing and in what script (the
web page has it), where a row of boxes says nothing, and a guessed transliteration might
say something wrong.

Pure: the fonts' coverage comes in as a set of code points.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Drawn without a glyph of their own (spaces, controls, joiners, direction marks) or by
# the glyph before them (variation selectors).
_NO_GLYPH = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
_VARIATION = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
# May sit between two characters of one run (the space in "नई दिल्ली"), or end it (a
# combining mark, a joiner), without splitting it into two notes.
_BETWEEN = frozenset({"Zs", "Pd", "Po", "Pc", "Mn", "Me", "Mc", "Cf"})
_ATTACHED = frozenset({"Mn", "Me", "Mc"})
_ZWJ = "\u200d"
SAMPLE = 24  # characters of a run quoted in the warning


@dataclass(frozen=True)
class Missing:
    """Characters of one script (or symbols) that no font has, in one issue."""

    script: str  # "Hangul", "Han", "Devanagari" ... or "symbol"
    count: int  # characters left out
    sample: str  # the first run of them, as written


def needs_glyph(char: str) -> bool:
    code = ord(char)
    if any(code in span for span in _VARIATION):
        return False
    return unicodedata.category(char) not in _NO_GLYPH


def script_of(chars: Iterable[str]) -> str:
    """The script most of `chars` are written in, by Unicode's Scripts property; "symbol"
    when they belong to none (emoji, arrows, mathematical signs)."""
    from fontTools import unicodedata as scripts  # its Scripts table; Python has none

    counts: dict[str, int] = {}
    for char in chars:
        code = scripts.script(char)
        if code not in ("Zyyy", "Zinh", "Zzzz"):  # Common, Inherited, Unknown
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "symbol"
    return scripts.script_name(max(sorted(counts), key=counts.__getitem__))


def note(script: str) -> str:
    """What the PDF prints for a run of characters it cannot: fonts have these."""
    return "[symbol]" if script == "symbol" else f"[{script} text]"


def runs(text: str, covered: frozenset[int]) -> list[tuple[int, int]]:
    """(start, end) of each run of characters that no font has: the uncovered ones and
    the spaces, punctuation and marks between or attached to them."""
    found: list[tuple[int, int]] = []
    size = len(text)
    index = 0
    while index < size:
        if not _missing(text[index], covered):
            index += 1
            continue
        start = end = index
        while index < size:
            char = text[index]
            if _missing(char, covered):
                end = index + 1
            elif unicodedata.category(char) not in _BETWEEN and char != _ZWJ:
                break
            index += 1
        while end < size and (unicodedata.category(text[end]) in _ATTACHED or text[end] == _ZWJ):
            end += 1
        found.append((start, end))
        index = end
    return found


def _missing(char: str, covered: frozenset[int]) -> bool:
    return ord(char) not in covered and needs_glyph(char)


class Tally:
    """Replaces what cannot be printed in one issue's text, and counts it by script."""

    def __init__(self, covered: frozenset[int]) -> None:
        self.covered = covered
        self.found: dict[str, Missing] = {}
        # Most text is ASCII, which the fonts have: it needs no look at each character.
        self.ascii = all(code in covered for code in range(0x20, 0x7F))

    def printable(self, text: str) -> str:
        if self.ascii and text.isascii():
            return text
        spans = runs(text, self.covered)
        if not spans:
            return text
        parts, last = [], 0
        for start, end in spans:
            run = text[start:end]
            lost = [char for char in run if _missing(char, self.covered)]
            script = script_of(lost)
            before = self.found.get(script)
            if before is None:
                sample = run if len(run) <= SAMPLE else run[: SAMPLE - 1] + "…"
                self.found[script] = Missing(script, len(lost), sample)
            else:
                self.found[script] = Missing(script, before.count + len(lost), before.sample)
            parts += [text[last:start], note(script)]
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def missing(self) -> tuple[Missing, ...]:
        return tuple(sorted(self.found.values(), key=lambda m: (-m.count, m.script)))


def warning(slug: str, missing: Iterable[Missing]) -> str:
    """One line for the build: what the issue's PDF could not print, and what to do."""
    missing = list(missing)
    parts = [
        f"{m.count} {'symbols' if m.count > 1 else 'symbol'} (“{m.sample}”)"
        if m.script == "symbol"
        else f"{m.count} {'characters' if m.count > 1 else 'character'} of {m.script} "
        f"(“{m.sample}”)"
        for m in missing
    ]
    notes = " and ".join(dict.fromkeys(note(m.script) for m in missing))
    return (
        f"{slug}: PDF: cannot print {_listed(parts)}, which no bundled font has: printed as "
        f"{notes} instead; add a font that has them to the theme's static/fonts/ and print.css"
    )


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
