"""The blocks of an issue body as edition.py writes them: `section.digest-section` (a
weekly section), `section.digest-day` (a day of a daily digest), `section.digest-report`
(a situation report's body). The endnotes number each block's links; the search index
makes a record of each block.

A block ends at the first `</section>` after its opening tag (blocks do not nest, and
edition.py escapes the text in them). That end is found with `str.find`: a regular
expression's `(.*?)</section>` takes a step per character of the body, which over a
520-issue archive was a tenth of a second of the pages' writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_OPENING = re.compile(r'<section class="digest-(section|day|report)" id="([^"]*)"[^>]*>')
_CLOSING = "</section>"


def blocks(page: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each block's opening tag (its kind and id are groups 1 and 2) and where its
    closing tag starts, in page order."""
    pos = 0
    while (opening := _OPENING.search(page, pos)) is not None:
        end = page.find(_CLOSING, opening.end())
        if end < 0:  # an unclosed block: nothing after it is a block either
            return
        yield opening, end
        pos = end + len(_CLOSING)
