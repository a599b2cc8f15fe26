"""`digest draft --update`: add new entries to an issue file without touching the editor's words.

The new entries are drafted as a file of their own (writer.draft_markdown), then moved over
block by block: each section's new paragraphs go after that section's last paragraph (before
its incident table), new incident rows at the end of the table, sections the file does not
have yet at the end, and unplaced items into the "could not place" comment. Nothing already
in the file is changed or moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^## .*\{#([A-Za-z][\w-]*)\}\s*$")
_TABLE_HEADER = re.compile(r"^\|\s*Date\s*\|", re.IGNORECASE)
_UNPLACED_START = "<!--\nItems digest could not place"


@dataclass
class _Section:
    key: str
    start: int  # the heading's line
    end: int  # one past the section's last line
    table: int | None = None  # the incident table's header line
    paragraphs: list[str] = field(default_factory=list)  # blocks, for drafted files
    rows: list[str] = field(default_factory=list)


def merge(current: str, drafted: str) -> str:
    """`current` with everything new in `drafted` (a draft of the new items only) added."""
    lines = current.split("\n")
    new_lines = drafted.split("\n")
    new_sections = _sections(new_lines)
    unplaced = _unplaced_items(new_lines)
    existing = {s.key: s for s in _sections(lines)}
    inserts: list[tuple[int, list[str]]] = []
    appended: list[str] = []
    for new in new_sections:
        old = existing.get(new.key)
        if old is None:
            appended += ["", *new_lines[new.start : new.end]]
            continue
        if new.paragraphs:
            where = old.table if old.table is not None else _last_text_line(lines, old) + 1
            block = [line for paragraph in new.paragraphs for line in ("", *paragraph.split("\n"))]
            if old.table is not None:
                block = [*block[1:], ""]  # keep one blank line before the table
            inserts.append((where, block))
        if new.rows:
            if old.table is not None:
                inserts.append((_last_row(lines, old.table) + 1, new.rows))
            else:
                header = new_lines[new.table : new.table + 2] if new.table is not None else []
                inserts.append((_last_text_line(lines, old) + 1, ["", *header, *new.rows]))
    # Bottom up, so earlier line numbers stay valid; at one line, the later block first, so
    # blocks land in the order they were planned (paragraphs before a new table).
    for _, where, block in sorted(
        ((order, where, block) for order, (where, block) in enumerate(inserts)),
        key=lambda x: (x[1], x[0]),
        reverse=True,
    ):
        lines[where:where] = block
    text = "\n".join(lines)
    if appended:
        text = _before_unplaced(text, "\n".join(appended).rstrip("\n") + "\n")
    if unplaced:
        text = _add_unplaced(text, unplaced)
    return text


def _sections(lines: list[str]) -> list[_Section]:
    sections: list[_Section] = []
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if match:
            if sections:
                sections[-1].end = number
            sections.append(_Section(match.group(1), number, len(lines)))
        elif sections and "\n".join(lines[number : number + 2]).startswith(_UNPLACED_START):
            sections[-1].end = number
            break
    for section in sections:
        _read_body(lines, section)
    return sections


def _read_body(lines: list[str], section: _Section) -> None:
    block: list[str] = []
    for number in range(section.start + 1, section.end):
        line = lines[number]
        if section.table is not None:
            if line.startswith("|") and number > section.table + 1:
                section.rows.append(line)
            continue
        if _TABLE_HEADER.match(line):
            section.table = number
        elif not line.strip() or line.lower().startswith("takeaway:"):
            if block:
                section.paragraphs.append("\n".join(block))
                block = []
        else:
            block.append(line)
    if block:
        section.paragraphs.append("\n".join(block))


def _last_text_line(lines: list[str], section: _Section) -> int:
    last = section.start
    for number in range(section.start, section.end):
        if lines[number].strip():
            last = number
    return last


def _last_row(lines: list[str], header: int) -> int:
    last = header + 1
    while last + 1 < len(lines) and lines[last + 1].startswith("|"):
        last += 1
    return last


def _unplaced_items(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    start = text.find(_UNPLACED_START)
    if start < 0:
        return []
    block = text[start : text.index("-->", start)]
    return [line for line in block.split("\n") if line.startswith("- ")]


def _before_unplaced(text: str, block: str) -> str:
    start = text.find(_UNPLACED_START)
    if start < 0:
        return text.rstrip("\n") + "\n" + block
    return text[:start].rstrip("\n") + "\n" + block + "\n" + text[start:]


def _add_unplaced(text: str, items: list[str]) -> str:
    start = text.find(_UNPLACED_START)
    if start < 0:
        comment = (
            "<!--\nItems digest could not place in a section. Move any that matter into a "
            "section above.\n\n" + "\n".join(items) + "\n-->\n"
        )
        return text.rstrip("\n") + "\n\n" + comment
    end = text.index("-->", start)
    return text[:end].rstrip("\n") + "\n" + "\n".join(items) + "\n" + text[end:]
