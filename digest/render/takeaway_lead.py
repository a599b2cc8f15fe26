"""A Key Takeaways bullet folded after its lead sentence, for phones.

A takeaway runs two to several sentences; on a phone screen a box of them runs several
screens long. The sentences after the first go into `<span class="takeaway-rest">`, which
screen.css hides on narrow screens, where the bullet's "more…" leads on to the section;
wide screens, print and the PDF show the span as any other text, so nothing else changes.

A takeaway is inline HTML (rendered Markdown: text, links, emphasis). A sentence end inside
a link or emphasis is no place to cut (the span would break the element) unless the element
closes right there: else the next sentence end outside any element is taken, and a takeaway
with none is left whole.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from digest.text.sentences import sentences

REST_CLASS = "takeaway-rest"
# A tag, a character reference, a run of plain text (no tag or reference can start in it),
# or a lone "<" or "&".
_TOKEN = re.compile(
    r"(?P<tag><[^<>]+>)|(?P<ref>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)|[^<&]+|.",
    re.S,
)
_CLOSING = re.compile(r"</[^<>]+>")
_VOID = re.compile(r"<(?:br|wbr|img)\b|/>$", re.I)
_CLOSERS = "\"'”’)"  # a quote or bracket closing the sentence stays with it


def fold_after_lead(fragment: str) -> str:
    """`fragment` with every sentence after the first wrapped in span.takeaway-rest."""
    text, ends = _text_and_ends(fragment)
    parts = sentences(text)
    position = 0
    for part in parts[:-1]:
        found = _words_end(text, part.split(), position)
        if found is None:  # sentences() rewrote the text: cut nowhere rather than wrongly
            return fragment
        position = found
        while position < len(text) and text[position] in _CLOSERS:
            position += 1
        cut, depth = ends.at(position - 1)
        while depth and (closing := _CLOSING.match(fragment, cut)):  # "… left.</em> After"
            cut, depth = closing.end(), depth - 1
        if depth == 0 and text[position:].strip():
            return f'{fragment[:cut]}<span class="{REST_CLASS}">{fragment[cut:]}</span>'
    return fragment


def _words_end(text: str, words: list[str], start: int) -> int | None:
    """Where the first run of `words` separated by whitespace at or after `start` ends, as a
    regular expression of the words joined by whitespace would find it (without compiling
    one for every sentence of every takeaway); None when there is none."""
    if not words:
        return start
    at = text.find(words[0], start)
    while at != -1:
        end = at + len(words[0])
        for word in words[1:]:
            gap = end
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == end or not text.startswith(word, gap):
                break
            end = gap + len(word)
        else:
            return end
        at = text.find(words[0], at + 1)
    return None


class _Ends:
    """For each character of a fragment's text: the offset in the fragment just after it,
    and how many elements are open there. Kept by run (a run of plain text, or the
    characters a reference stands for), not by character."""

    def __init__(self) -> None:
        self.starts: list[int] = []  # where each run starts in the text
        self.runs: list[tuple[int, int, bool, int]] = []  # (start, end in the fragment, ref, depth)

    def add(self, text_at: int, start: int, end: int, ref: bool, depth: int) -> None:
        self.starts.append(text_at)
        self.runs.append((start, end, ref, depth))

    def at(self, index: int) -> tuple[int, int]:
        run = bisect_right(self.starts, index) - 1
        start, end, ref, depth = self.runs[run]
        # A reference's characters all end where it ends; plain text's one by one.
        return (end if ref else start + index - self.starts[run] + 1), depth


def _text_and_ends(fragment: str) -> tuple[str, _Ends]:
    """The fragment's text, and where each of its characters ends in the fragment."""
    pieces: list[str] = []
    ends = _Ends()
    length = depth = 0
    for token in _TOKEN.finditer(fragment):
        piece = token.group()
        if token.group("tag") and piece.startswith("</"):
            depth = max(depth - 1, 0)
        elif token.group("tag"):
            depth += 0 if _VOID.search(piece) else 1
        else:
            ref = token.group("ref") is not None
            if ref:
                piece = html.unescape(piece)
            if piece:
                ends.add(length, token.start(), token.end(), ref, depth)
                pieces.append(piece)
                length += len(piece)
    return "".join(pieces), ends
