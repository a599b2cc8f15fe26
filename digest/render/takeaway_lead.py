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

from digest.text.sentences import sentences

REST_CLASS = "takeaway-rest"
_TOKEN = re.compile(
    r"(?P<tag><[^<>]+>)|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S
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
        found = re.compile(r"\s+".join(map(re.escape, part.split()))).search(text, position)
        if found is None:  # sentences() rewrote the text: cut nowhere rather than wrongly
            return fragment
        position = found.end()
        while position < len(text) and text[position] in _CLOSERS:
            position += 1
        cut, depth = ends[position - 1]
        while depth and (closing := _CLOSING.match(fragment, cut)):  # "… left.</em> After"
            cut, depth = closing.end(), depth - 1
        if depth == 0 and text[position:].strip():
            return f'{fragment[:cut]}<span class="{REST_CLASS}">{fragment[cut:]}</span>'
    return fragment


def _text_and_ends(fragment: str) -> tuple[str, list[tuple[int, int]]]:
    """The fragment's text, and for each of its characters the offset in the fragment just
    after it and how many elements are open there."""
    chars: list[str] = []
    ends: list[tuple[int, int]] = []
    depth = 0
    for token in _TOKEN.finditer(fragment):
        piece = token.group()
        if token.group("tag") and piece.startswith("</"):
            depth = max(depth - 1, 0)
        elif token.group("tag"):
            depth += 0 if _VOID.search(piece) else 1
        else:
            for char in html.unescape(piece):
                chars.append(char)
                ends.append((token.end(), depth))
    return "".join(chars), ends
