"""Rendered HTML as the text blocks a listener hears: paragraphs, list items and headings
in order, each with its language (a right-to-left paragraph's `lang`), its classes (the
incident table's note) and the texts of its links (the credits to leave out). Tables,
captions and scripts are skipped: the incident table is read from the edition's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Block:
    """A paragraph, list item or heading of rendered HTML, as text."""

    text: str = ""
    level: int = 0  # a heading's level (2 for h2); 0 for a paragraph
    language: str | None = None
    classes: tuple[str, ...] = ()
    links: list[str] = field(default_factory=list)  # the texts of its links


class _Parser(HTMLParser):
    """Paragraphs, list items and headings in order; tables, captions, scripts skipped
    (the incident table is read from the edition's rows)."""

    _BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt"})
    _SKIPPED = frozenset({"table", "script", "style", "caption", "figure", "pre"})

    def __init__(self, inline: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Block] = []
        self.current: Block | None = Block() if inline else None
        self.skipping = 0
        self.link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        values = {name: value or "" for name, value in attrs}
        if tag in self._BLOCKS:
            self._close()
            level = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0
            self.current = Block(
                level=level,
                language=values.get("lang") or None,
                classes=tuple(values.get("class", "").split()),
            )
        elif tag == "a":
            self.link = []
        elif tag == "br":
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag == "a" and self.link is not None:
            if self.current is not None:
                self.current.links.append(" ".join("".join(self.link).split()))
            self.link = None
        elif tag in self._BLOCKS:
            self._close()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._text(data)

    def _text(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            self.current = Block()
        self.current.text += data
        if self.link is not None:
            self.link.append(data)

    def _close(self) -> None:
        block, self.current = self.current, None
        if block is not None:
            block.text = " ".join(block.text.split())
            if block.text:
                self.found.append(block)


def blocks(html: str, *, inline: bool = False) -> list[Block]:
    parser = _Parser(inline)
    parser.feed(html)
    parser.close()
    parser._close()
    return parser.found or ([Block()] if inline else [])
