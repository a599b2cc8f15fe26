"""Left-to-right runs inside a right-to-left paragraph, isolated in `<bdi dir="ltr">`.

An Arabic paragraph cites "(Al-Rafidain)", dates "4 February 2024", counts "1 200". Left
alone, such runs go wrong in three ways:

- the bidi algorithm draws a number before Latin words after them ("February 4"), and the
  groups of "1 200" or "+964 770 123 4567" in reverse order;
- WeasyPrint reverses the inline boxes of a right-to-left line without running the bidi
  algorithm across them: a link's superscript note lands before the name ("¹¹Al-Rafidain"),
  "the **Kirkuk** council" prints as "council Kirkuk the";
- a line break inside the name leaves "(Al-" at the end of one line and "Rafidain)" at the
  start of the next, on the other side of the page.

So each run goes into `<bdi dir="ltr">`: an isolate in browsers and mail clients, a box laid
out left to right in WeasyPrint (which reads `dir` but not `unicode-bidi`). A short run (an
outlet's name, a date, a number) also gets class="nowrap" so no line break splits it. A
credit's brackets stay the paragraph's, and a list of credits, "(Tigris Wire, Al-Rafidain)",
is one isolate per outlet, as the paragraph's own language orders the list.

This works on markdown-it's inline tokens, never on HTML text: a run that crosses markup is
isolated with the whole elements it covers (`<bdi><a>…</a></bdi>`, so the link's note stays
inside), or left alone when that would pull right-to-left text into the isolate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

from markdown_it.token import Token

NOWRAP = 32  # characters: an outlet's name, a date or a number; longer runs may wrap

# Each character's bidi class, as one letter: L left-to-right, R right-to-left (R, AL and
# Arabic digits: the paragraph's own), N European digit, e/t/c the signs, currency and
# separators numbers take, s space, o other neutrals, x a boundary no run crosses (line
# break, explicit bidi controls already in the text).
_KIND = {
    "L": "L",
    "R": "R",
    "AL": "R",
    "AN": "R",
    "EN": "N",
    "ES": "e",
    "ET": "t",
    "CS": "c",
    "WS": "s",
    "S": "s",
    "B": "x",
    **dict.fromkeys(("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"), "x"),
}
# LRM on its own starts no run: it is a mark someone put there to steer the algorithm.
_MARKS = {"\u200e": "o"}
_NUMBER = r"[et]?N+(?:[ecs]N+)*t?"
_RUN = re.compile(rf"(?P<ltr>(?:{_NUMBER}s?)?L[^Rx]*)|(?P<number>{_NUMBER})")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}


# Each character's kind by its code point, filled as characters are met (str.translate
# reads it): "m" for a combining mark, which takes its base's kind.
_KIND_OF: dict[int, str] = {}


def kinds(text: str) -> str:
    """One letter per character (see _KIND); a combining mark takes its base's kind."""
    for char in set(text):
        if ord(char) not in _KIND_OF:
            bidi = unicodedata.bidirectional(char)
            _KIND_OF[ord(char)] = "m" if bidi == "NSM" else _MARKS.get(char) or _KIND.get(bidi, "o")
    found = text.translate(_KIND_OF)
    if "m" not in found:
        return found
    out: list[str] = []
    for kind in found:
        out.append(kind if kind != "m" else out[-1] if out else "o")
    return "".join(out)


def first_strong(text: str) -> str | None:
    """ "ltr" or "rtl" by the first strong letter (as dir="auto" decides), else None."""
    for kind in kinds(text):
        if kind in "LR":
            return "ltr" if kind == "L" else "rtl"
    return None


def runs(text: str, boundaries: Sequence[int] = ()) -> list[tuple[int, int]]:
    """(start, end) of each left-to-right run to isolate in right-to-left `text`: Latin
    words with the numbers, spaces and punctuation between them, a number leading into them
    ("4 February"), or a number on its own; brackets opened in a run close in it. No run
    takes in a character at one of `boundaries`."""
    kind = list(kinds(text))
    for boundary in boundaries:
        kind[boundary] = "x"
    joined = "".join(kind)
    found: list[tuple[int, int]] = []
    at = 0
    while (match := _RUN.search(joined, at)) is not None:
        start, end = match.span()
        if match.group("ltr"):
            end = _last_strong(kind, start, end)
            fitted = _fit_brackets(text, kind, start, end)
            if isinstance(fitted, list):  # brackets whose other half is not in reach
                for lone in fitted:
                    kind[lone] = "x"  # a boundary: the run is looked for again, cut there
                joined = "".join(kind)
                at = start
                continue
            start, end = fitted
        found.append((start, end))
        at = end
    return found


def _last_strong(kind: Sequence[str], start: int, end: int) -> int:
    """The run ends at its last letter or digit, with the "%" or "$" after a digit."""
    last = max(i for i in range(start, end) if kind[i] in "LN")
    stop = last + 1
    while stop < end and kind[last] == "N" and kind[stop] == "t":
        stop += 1
    return stop


def _fit_brackets(text: str, kind: list[str], start: int, end: int) -> tuple[int, int] | list[int]:
    """The run grown to take in the other half of each bracket pair it opens or closes,
    when only neutrals lie between; else the indices of the brackets left alone."""
    opened: list[int] = []
    lone: list[int] = []
    for i in range(start, end):
        if text[i] in _OPENERS:
            opened.append(i)
        elif text[i] in _CLOSERS:
            if opened and _OPENERS[text[opened[-1]]] == text[i]:
                opened.pop()
            elif opened or (found := _seek(text, kind, i, start)) is None:
                lone.append(i)
            else:
                start = found
    i = end
    while opened and not lone:
        if i >= len(text) or kind[i] in "LNRx" or text[i] in _OPENERS:
            break
        if text[i] == _OPENERS[text[opened[-1]]]:
            opened.pop()
            end = i + 1
        i += 1
    return lone + opened if lone or opened else (start, end)


def _seek(text: str, kind: list[str], closer: int, start: int) -> int | None:
    """The opener of `closer` before `start`, past nothing but neutrals."""
    i = start - 1
    while i >= 0 and kind[i] not in "LNRx":
        if text[i] == _CLOSERS[text[closer]]:
            return i
        if text[i] in _CLOSERS or text[i] in _OPENERS:
            return None
        i -= 1
    return None


# --------------------------------------------------------------------------- tokens


def isolate(children: Sequence[Token]) -> list[Token]:
    """A right-to-left paragraph's inline tokens with each left-to-right run wrapped in
    bdi_open/bdi_close tokens (rendered `<bdi dir="ltr">` by markdown-it)."""
    chars, where = _flatten(children)
    text = "".join(chars)
    kind = kinds(text)
    link = _enclosing_link(children)
    links = [link[token] for token, _ in where]
    credits = _credit_brackets(text, kind, links)
    spans = [span for run in runs(text, credits) for span in _per_credit(run, links, kind)]
    if not spans:
        return list(children)
    pieces, first, last = _split(children, where, spans)
    match = _pairs(pieces)
    opens: dict[int, list[Token]] = {}
    closes: dict[int, list[Token]] = {}
    for (start, end), s, e in zip(spans, first, last, strict=True):
        fitted = _whole_elements(pieces, match, s, e)
        if fitted is None:
            continue  # the run and the markup cross: isolating it would take in Arabic
        s, e = fitted
        attrs = {"dir": "ltr"} | ({"class": "nowrap"} if end - start <= NOWRAP else {})
        opens.setdefault(s, []).append(Token("bdi_open", "bdi", 1, attrs=attrs))
        closes.setdefault(e, []).insert(0, Token("bdi_close", "bdi", -1))
    out: list[Token] = []
    for i, piece in enumerate(pieces):
        out.extend(opens.get(i, ()))
        out.append(piece)
        out.extend(closes.get(i, ()))
    return out


def _flatten(children: Sequence[Token]) -> tuple[list[str], list[tuple[int, int]]]:
    """The paragraph's text, one entry per character, and where each comes from (token,
    offset). Inline code is one stand-in character of its own direction: never split."""
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    for index, token in enumerate(children):
        if token.type == "text":
            chars.extend(token.content)
            where.extend((index, offset) for offset in range(len(token.content)))
        elif token.type == "softbreak":
            chars.append(" ")
            where.append((index, 0))
        elif token.type == "hardbreak":
            chars.append("\n")
            where.append((index, 0))
        elif token.type == "code_inline":
            direction = first_strong(token.content)
            chars.append({"ltr": "A", "rtl": "\u05d0"}.get(direction or "", "\ufffc"))
            where.append((index, 0))
    return chars, where


def _per_credit(run: tuple[int, int], links: list[int | None], kind: str) -> list[tuple[int, int]]:
    """A run of links and punctuation alone, "Tigris Wire, Al-Rafidain", is one isolate per
    link; a run with words of its own ("according to Reuters on Monday") stays whole.
    `links`: for each character, the link it is in (its link_open's index) or None."""
    start, end = run
    credits: dict[int, list[int]] = {}
    for i in range(start, end):
        if kind[i] not in "LN":
            continue
        owner = links[i]
        if owner is None:
            return [run]
        credits.setdefault(owner, []).append(i)
    if len(credits) < 2:
        return [run]
    return [(found[0], _last_strong(kind, found[0], found[-1] + 1)) for found in credits.values()]


def _credit_brackets(text: str, kind: str, links: list[int | None]) -> list[int]:
    """The brackets of each credit, "(Al-Rafidain)" or "(Tigris Wire, Al-Rafidain)": a
    pair around links and punctuation only. They belong to the paragraph, not to a Latin
    phrase before them ("4 February (Al-Rafidain)" is a date, then a credit)."""
    found: list[int] = []
    for opening, char in enumerate(text):
        if char != "(":
            continue
        closing = text.find(")", opening)
        inside = range(opening + 1, closing)
        if closing < 0 or "(" in text[opening + 1 : closing]:
            continue
        letters = [i for i in inside if kind[i] in "LNR"]
        if letters and all(links[i] is not None for i in letters):
            found.extend((opening, closing))
    return found


def _enclosing_link(children: Sequence[Token]) -> list[int | None]:
    """For each token, the index of the link_open it sits in, or None."""
    found: list[int | None] = []
    current: int | None = None
    for index, token in enumerate(children):
        if token.type == "link_close":
            current = None
        found.append(current)
        if token.type == "link_open":
            current = index
    return found


def _split(
    children: Sequence[Token], where: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> tuple[list[Token], list[int], list[int]]:
    """The tokens with text cut at every run's edges; for each run, the index of its first
    and of its last piece."""
    cuts: dict[int, set[int]] = {}
    for start, end in spans:
        token, offset = where[start]
        cuts.setdefault(token, set()).add(offset)
        token, offset = where[end - 1]
        cuts.setdefault(token, set()).add(offset + 1)
    pieces: list[Token] = []
    begins: dict[tuple[int, int], int] = {}  # (token, offset) -> piece starting there
    ends: dict[tuple[int, int], int] = {}  # (token, offset after) -> piece ending there
    for index, token in enumerate(children):
        # A text token is cut where runs start and end; any other is one piece, one
        # character wide when it stands for one (a line break, inline code).
        edges = sorted({0, len(token.content), *cuts.get(index, ())})
        if token.type != "text":
            edges = [0, 1]
        for a, b in pairwise(edges):
            cut = token.type == "text" and len(edges) > 2
            begins[(index, a)] = ends[(index, b)] = len(pieces)
            pieces.append(Token("text", "", 0, content=token.content[a:b]) if cut else token)
        if len(edges) < 2:  # an empty text token: kept, as it was
            pieces.append(token)
    first = [begins[where[start]] for start, _ in spans]
    last = [ends[(where[end - 1][0], where[end - 1][1] + 1)] for _, end in spans]
    return pieces, first, last


def _pairs(tokens: Sequence[Token]) -> dict[int, int]:
    """Index of each opening token -> its closing token's, and back."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(i)
        elif token.nesting == -1 and stack:
            opened = stack.pop()
            match[opened], match[i] = i, opened
    return match


def _whole_elements(
    tokens: Sequence[Token], match: dict[int, int], s: int, e: int
) -> tuple[int, int] | None:
    """Pieces s..e grown over the elements the run fills (an element whose text is all
    in the run is isolated whole); None if the run still crosses an element's edge."""
    end = e
    while end + 1 < len(tokens) and tokens[end + 1].nesting == -1:
        end += 1
    start = s
    while start > 0 and tokens[start - 1].nesting == 1 and match.get(start - 1, end + 1) <= end:
        start -= 1
    while end > e and match.get(end, -1) < start:
        end -= 1
    depth = 0
    for token in tokens[start : end + 1]:
        depth += token.nesting
        if depth < 0:
            return None
    return (start, end) if depth == 0 else None
