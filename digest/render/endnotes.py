"""Numbered endnotes for print: a link's address survives on paper without breaking the text.

Each section (each day of a daily digest, a situation report's body) numbers the distinct
http(s) addresses its links lead to, in order of first use, marks every link with its
number (`data-note`), and ends with an `aside.endnotes` listing the addresses. The print
stylesheet shows the numbers as superscripts and the list at the section's end; the screen
stylesheet hides the list.
Works on the issue body that edition.py writes (its own, escaped markup), not on arbitrary
HTML.
"""

from __future__ import annotations

import re

from digest.render import page_blocks

# edition.py's links: <a href="..."> with the address escaped; http(s) only (the
# section-label and takeaway links are relative or in-page and need no note).
_LINK = re.compile(r'<a href="(https?://[^"]+)"')


def _notes(body: str) -> str:
    """A block's body with its links numbered, and the list of their addresses after it."""
    numbers: dict[str, int] = {}

    def mark(link: re.Match[str]) -> str:
        number = numbers.setdefault(link.group(1), len(numbers) + 1)
        return f'{link.group(0)} data-note="{number}"'

    body = _LINK.sub(mark, body)
    if not numbers:
        return body
    items = "".join(f"<li>{address}</li>" for address in numbers)
    aside = (
        '<aside class="endnotes" aria-label="Addresses of the links in this section" '
        f"data-pagefind-ignore>\n<ol>{items}</ol>\n</aside>\n"
    )
    return f"{body}{aside}"


def add_endnotes(body: str) -> str:
    """The issue body with each section's links numbered and listed at its end."""
    parts = []
    done = 0  # the body up to here is in parts
    for opening, end in page_blocks.blocks(body):
        parts += [body[done : opening.end()], _notes(body[opening.end() : end])]
        done = end
    parts.append(body[done:])
    return "".join(parts)
