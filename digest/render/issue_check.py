"""The one judge of an issue file: `check`, `build`, `draft --update`, `pdf` and `send` all
ask it, so they never disagree about what the editor wrote.

Every problem is one line, `content/issues/2024-02-08.md:41: what is wrong — what to do`,
with the line it is on. Errors stop whatever would publish the issue; warnings are printed
(and are errors with --strict). The file is read as the reader reads it (UTF-8, a BOM
allowed, CRLF as LF), and the body through the same Markdown parser, so a table that the
site would not render as a table is judged as what the editor meant: an incident table
with a typo in it.

A situation report (`Layout: report`) is free text: no section ids or takeaways; it needs
a Period and some text, and a summary (the `Summary:` header or a paragraph before its
first heading) is expected (a warning without one). `Series:` must be a series name.

Errors: a file larger than DIGEST_MAX_ISSUE_BYTES (read no further: a 50 MB file would take
minutes and gigabytes to build, and become an email nobody can receive); text that is not
UTF-8; the header (unknown keys, a missing Title, a Date or Period that is no real date, a
Period that disagrees with Date or Slug, Issue, Layout); the sections (a heading without a
known id, a section twice, no paragraphs, no takeaway in a weekly issue, an empty headline
or an empty part of one); the incident table (a separator row or a row whose cells do not
match the header, a count that is neither a number nor "?", a date that does not exist or
lies outside the Period); an issue with nothing in it.
Warnings: relative day words readers cannot anchor, a paragraph in another script than the
issue's language, two incident rows with one date and place, links to unknown sources, a
takeaway that names none of its section's stories.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it.token import Token

from digest.config import over_limit
from digest.errors import ContentError, IssueFileError
from digest.models import Edition, Link, Period, SectionRule, Source
from digest.periods import read_period
from digest.render import incident_table
from digest.render.edition import (
    LAYOUTS,
    links_of,
    parse_edition,
    split_metadata,
    unknown_links,
)
from digest.render.markdown import markdown
from digest.render.problems import Problem, display_path
from digest.render.series import NAME_RULE, is_name
from digest.text.anchoring import relative_words
from digest.text.sentences import content_words

# What an issue's header may hold (the reader refuses anything else: nothing may set
# save_as, template or url).
HEADER_KEYS = (
    "title",
    "date",
    "modified",
    "slug",
    "issue",
    "period",
    "layout",
    "series",
    "summary",
    "status",
    "lang",
    "tags",
)
STATUSES = ("published", "draft", "hidden")
_META = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$")
_KEY = re.compile(r"\s*\{#([^}\s]*)\}\s*$")
_TAKEAWAY = re.compile(r"^\s*takeaway:\s*", re.I)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_MONTH_SLUG = re.compile(r"\d{4}-\d{2}")
_DAY_SLUG = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SCRIPTS = {  # a paragraph mostly in one of these in an issue of another language
    "Arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "Latin": re.compile(r"[A-Za-z]"),
}
# Those with letters in ASCII: an ASCII paragraph is counted only for these.
_ASCII_SCRIPTS = frozenset(
    name for name, pattern in _SCRIPTS.items() if pattern.search(bytes(range(128)).decode())
)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_LANGUAGE_SCRIPT = {"ar": "Arabic", "ku": "Arabic", "fa": "Arabic", "ur": "Arabic"}


@dataclass(frozen=True)
class Later:
    """What the warning-only checks read, taken from the parsed file as plain values, so
    they can be judged in another process (`later_warnings`) while the build goes on: no
    published byte depends on them."""

    script: str  # the issue's script (_LANGUAGE_SCRIPT)
    takeaways: list[tuple[int, str, str, list[str]]]  # line, label, takeaway, its items
    inlines: list[tuple[int, bool, str]]  # line, whether a paragraph (not a heading), text
    links: list[Link]


@dataclass(frozen=True)
class Verdict:
    """What the judge found in one file, and the issue as the reader parsed it (None when
    the file has errors: nothing of it may be published). With `later`, the warning-only
    checks are not in `problems` yet: `later_warnings` judges them."""

    problems: list[Problem]
    edition: Edition | None = None
    meta: dict[str, str] = field(default_factory=dict)
    later: Later | None = None


def check_bytes(
    data: bytes,
    name: str,
    sections: Sequence[SectionRule],
    sources: Sequence[Source],
    *,
    language: str = "en",
    size: int | None = None,
    max_bytes: int | None = None,
    later: bool = False,
) -> Verdict:
    """Every problem of one issue file's bytes, in line order. The caller reads at most
    `max_bytes` + 1 bytes of a file of `size` bytes: one over the limit has that one problem,
    found without reading the rest of it."""
    if max_bytes is not None and len(data) > max_bytes:
        over = over_limit(size or len(data), "DIGEST_MAX_ISSUE_BYTES", max_bytes)
        message = f"the file is {over}; split the issue or raise the limit"
        return Verdict([Problem(name, 1, "error", message)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text at byte {exc.start}; save the file as UTF-8"
        return Verdict([Problem(name, line, "error", message)])
    return check_text(text, name, sections, sources, language=language, later=later)


def check_text(
    text: str,
    name: str,
    sections: Sequence[SectionRule],
    sources: Sequence[Source],
    *,
    language: str = "en",
    later: bool = False,
) -> Verdict:
    """`later`: leave the warning-only checks out of the problems and return what they
    read instead (Verdict.later; `later_warnings` gives what is left out, `merged` the same
    problems in the same order)."""
    found = _Found(name)
    takeaways: list[tuple[int, str, str, list[str]]] | None = [] if later else None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    doc = split_metadata(text)
    header = _header(doc.meta, text, found)
    _header_end(text, found)
    lines = text.split("\n")
    tokens = markdown().parse(doc.body)
    offset = doc.body_line
    keys = [rule.key for rule in sections]
    # A draft is a preview, never published: it may be empty (`digest draft --allow-empty`).
    draft = doc.meta.get("status", "").strip().lower() == "draft"
    if header.layout == "daily":
        _daily(tokens, offset, header.period, found, empty_ok=draft)
    elif header.layout == "report":
        _report(tokens, offset, bool(doc.meta.get("summary", "").strip()), found, empty_ok=draft)
    else:
        _weekly(tokens, offset, keys, found, empty_ok=draft, takeaways=takeaways)
    _tables(lines, doc.body_line, header.period, found)
    script = _LANGUAGE_SCRIPT.get((header.language or language).split("-")[0].lower(), "Latin")
    deferred = None
    if takeaways is None:
        _paragraphs(_inlines(tokens, offset), script, found)
        _unknown_links(_links(tokens, offset), sources, found)
    else:
        # Read now: parse_edition changes the tokens.
        deferred = Later(script, takeaways, _inlines(tokens, offset), _links(tokens, offset))
    edition = None
    if not found.errors:
        # The reader's own verdict: what it refuses, the build refuses too. It takes the
        # tokens (and changes them): every check above is done with them.
        slug = doc.meta.get("slug") or Path(name).stem
        try:
            edition = parse_edition(
                text, slug=slug, sections=sections, sources=sources, tokens=tokens
            )
        except ContentError as exc:
            found.error(1, str(exc))
    return Verdict(
        _in_order(found.problems), edition if not found.errors else None, doc.meta, deferred
    )


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.severity != "error"))


def later_warnings(later: Later, name: str, sources: Sequence[Source]) -> list[Problem]:
    """The warning-only checks a Verdict judged with `later` left out, in the order
    check_text finds them (the takeaways' first: they were judged before the others)."""
    found = _Found(name)
    for line, label, takeaway, items in later.takeaways:
        if not _names_a_story(takeaway, items):
            found.warn(line, f"the takeaway of {label} names none of its stories")
    _paragraphs(later.inlines, later.script, found)
    _unknown_links(later.links, sources, found)
    return found.problems


def merged(problems: list[Problem], later: list[Problem]) -> list[Problem]:
    """A Verdict's `problems` (judged with `later`) with its `later_warnings`: what
    check_text gives without `later`. Those checks were the last to add problems but for
    errors (which sort first on their line, and are never judged later) and the takeaway
    warnings, found before the incident tables' and never on a table's line: appended
    after the others, a stable sort keeps check_text's order."""
    return _in_order([*problems, *later]) if later else problems


def _unknown_links(links: list[Link], sources: Sequence[Source], found: _Found) -> None:
    for link in unknown_links(links, sources):
        host = urlsplit(link.url).hostname or link.url
        found.warn(
            link.line,
            f"link to unknown source {host}; add it to a source's domains in DIGEST_SOURCES",
        )


def _links(tokens: list[Token], offset: int) -> list[Link]:
    return [link for t in tokens if t.type == "inline" for link in links_of(t, offset)]


class _Found:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, "error", message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, "warning", message))

    @property
    def errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True)
class _Header:
    title: str
    layout: str
    period: Period | None
    language: str | None


def _header(meta: dict[str, str], text: str, found: _Found) -> _Header:
    line_of = _header_lines(text)
    for key in meta:
        if key not in HEADER_KEYS:
            close = difflib.get_close_matches(key, HEADER_KEYS, n=1)
            hint = f"; did you mean '{close[0].title()}'?" if close else ""
            found.error(
                line_of.get(key, 1),
                f"unknown header '{_written(text, key)}'{hint} (allowed: "
                + ", ".join(k.title() for k in HEADER_KEYS)
                + ")",
            )
    title = meta.get("title", "").strip()
    if not title:
        found.error(1, "missing 'Title:' in the header (the first lines, 'Key: value')")
    layout = (meta.get("layout") or "weekly").strip().lower()
    if layout not in LAYOUTS:
        found.error(
            line_of.get("layout", 1),
            f"Layout: '{meta['layout']}' is not one of {', '.join(LAYOUTS)}",
        )
        layout = "weekly"
    number = meta.get("issue")
    if number is not None and not number.strip().isdigit():
        found.error(line_of.get("issue", 1), f"Issue: '{number}' is not a whole number")
    series = meta.get("series")
    if series is not None and not is_name(series.strip().lower()):
        found.error(
            line_of.get("series", 1), f"Series: '{series}' is not a series name; use {NAME_RULE}"
        )
    if layout == "report" and not meta.get("period", "").strip():
        found.error(
            line_of.get("period", 1),
            "a situation report needs its 'Period:' (YYYY-MM-DD to YYYY-MM-DD): its title, "
            "the archive and the feeds show it",
        )
    status = meta.get("status")
    if status is not None and status.strip().lower() not in STATUSES:
        found.error(
            line_of.get("status", 1),
            f"Status: '{status}' is not one of {', '.join(STATUSES)}",
        )
    day = None
    if "date" in meta:
        day = _date(meta["date"])
        if day is None:
            found.error(
                line_of["date"],
                f"Date: '{meta['date']}' is not a real date; write YYYY-MM-DD",
            )
    period = _period(meta.get("period"), line_of.get("period", 1), found)
    slug = meta.get("slug")
    if slug is not None and not _SLUG.fullmatch(slug):
        found.error(line_of["slug"], f"Slug '{slug}' may use only lower-case a-z, 0-9 and '-'")
    elif period and day and layout == "weekly" and day != period.end:
        found.error(
            line_of["period"],
            f"Period ends {period.end} but Date is {day}; a weekly issue is dated on its "
            "period's last day",
        )
    if slug and _DAY_SLUG.fullmatch(slug) and day and _date(slug) != day:
        found.error(line_of["slug"], f"Slug '{slug}' does not match Date {day}")
    month = period.start.isoformat()[:7] if period else ""
    if (
        slug
        and _MONTH_SLUG.fullmatch(slug)
        and period
        and layout == "daily"
        and (slug != month or period.end.isoformat()[:7] != month)
    ):
        found.error(line_of["slug"], f"Slug '{slug}' does not match Period {period.start}")
    return _Header(title, layout, period, meta.get("lang"))


_HEADER_LIKE = re.compile(r"^([A-Za-z][\w -]{0,40}?)\s*:\s*\S")


def _header_end(text: str, found: _Found) -> None:
    """A line that ends the header without the blank line the format asks for: the header
    lines after it would be published as text ("Issue No: 2", then "Period: …")."""
    lines = text.split("\n")
    number = next((i for i, line in enumerate(lines) if not _META.match(line)), len(lines))
    if number == 0 or number >= len(lines) or not lines[number].strip():
        return
    line = lines[number]
    key = _HEADER_LIKE.match(line)
    if key and not line.lstrip().startswith(("#", "|", "<")):
        found.error(
            number + 1,
            f"unknown header '{key.group(1).strip()}': a header key is one word "
            "(allowed: " + ", ".join(k.title() for k in HEADER_KEYS) + ")",
        )
    else:
        found.error(
            number + 1,
            "the header ends without a blank line; leave one between the 'Key: value' "
            "lines and the text",
        )


def _header_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = _META.match(line)
        if not line.strip() or not match:
            break
        lines.setdefault(match.group(1).lower(), number)
    return lines


def _written(text: str, key: str) -> str:
    """The key as the editor wrote it ("Isue", not "isue")."""
    match = re.search(rf"^({re.escape(key)}):", text, re.I | re.M)
    return match.group(1) if match else key


def _date(value: str) -> date | None:
    value = value.strip().split()[0] if value.strip() else ""
    if not _DAY_SLUG.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _period(value: str | None, line: int, found: _Found) -> Period | None:
    """ "2024-02-02 to 2024-02-08", or as any period style writes it; the error says which
    forms are read."""
    if value is None:
        return None
    try:
        return read_period(value)
    except ValueError as exc:
        found.error(line, f"Period: '{value}' {exc}")
        return None


def _groups(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = []
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2":
            groups.append([])
        if groups:
            groups[-1].append(token)
    return groups


def _line(token: Token, offset: int) -> int:
    return offset + (token.map[0] if token.map else 0) + 1


def _paragraph_texts(group: list[Token]) -> list[tuple[Token, str]]:
    """(inline token, text) of each paragraph of a section, the takeaway included."""
    return [
        (token, token.content)
        for i, token in enumerate(group)
        if token.type == "inline" and i and group[i - 1].type == "paragraph_open"
    ]


def _weekly(
    tokens: list[Token],
    offset: int,
    keys: Sequence[str],
    found: _Found,
    *,
    empty_ok: bool,
    takeaways: list[tuple[int, str, str, list[str]]] | None = None,
) -> None:
    """`takeaways`: where to put what the takeaway warning reads, instead of judging it."""
    seen: dict[str, int] = {}
    stories = 0
    for group in _groups(tokens):
        heading = group[1]
        line = _line(group[0], offset)
        match = _KEY.search(heading.content)
        headline = heading.content[: match.start()] if match else heading.content
        if not match:
            found.error(
                line,
                "heading has no section id; end it with {#key}, one of " + ", ".join(keys),
            )
            key = ""
        else:
            key = match.group(1)
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                found.error(line, f"section id '{key}' is not a key of DIGEST_SECTIONS{hint}")
            elif key in seen:
                found.error(line, f"section '{key}' appears twice (also line {seen[key]})")
            seen.setdefault(key, line)
        label = f"section '{key}'" if key else "the section"
        if not headline.strip():
            found.error(line, f"{label} has an empty headline")
        elif any(not part.strip() for part in headline.split(";")):
            found.error(
                line,
                f"the headline has an empty part ('{headline.strip()}'); remove the extra ';'",
            )
        paragraphs = _paragraph_texts(group)
        takeaway = next((p for p in paragraphs if _TAKEAWAY.match(p[1])), None)
        items = [p for p in paragraphs if not _TAKEAWAY.match(p[1]) and not _note(p[1])]
        stories += len(items)
        if not items:
            found.error(line, f"{label} has no paragraphs; write one, or remove the section")
        if takeaway is None and items:
            found.error(
                line,
                f"{label} has no 'Takeaway:' paragraph; its Key Takeaways bullet needs one",
            )
        elif items and takeaways is not None:
            takeaways.append(
                (_line(takeaway[0], offset), label, takeaway[1], [t for _, t in items])
            )
        elif items and not _names_a_story(takeaway[1], [text for _, text in items]):
            found.warn(
                _line(takeaway[0], offset),
                f"the takeaway of {label} names none of its stories",
            )
    if not stories and not found.errors and not empty_ok:
        found.error(
            offset + 1,
            "the issue has no paragraphs; an empty issue is not published "
            "(write 'Status: draft' to keep it as a preview)",
        )


def _daily(
    tokens: list[Token], offset: int, period: Period | None, found: _Found, *, empty_ok: bool
) -> None:
    seen: dict[str, int] = {}
    items = 0
    for group in _groups(tokens):
        line = _line(group[0], offset)
        match = _KEY.search(group[1].content)
        key = match.group(1) if match else ""
        day = _date(key) if key else None
        if day is None:
            found.error(line, "day heading has no {#YYYY-MM-DD} id, e.g. {#2024-02-04}")
            continue
        if key in seen:
            found.error(line, f"day {key} has two headings (also line {seen[key]})")
        seen.setdefault(key, line)
        if period and day not in period:
            found.error(line, f"day {key} is outside the Period ({period.start} to {period.end})")
        count = sum(1 for t in group if t.type == "list_item_open")
        if not count:
            found.warn(line, f"day {key} has no items")
        items += count
    if not items and not found.errors and not empty_ok:
        found.error(
            offset + 1,
            "the issue has no items; an empty issue is not published "
            "(write 'Status: draft' to keep it as a preview)",
        )


def _report(
    tokens: list[Token], offset: int, summary_header: bool, found: _Found, *, empty_ok: bool
) -> None:
    """A situation report is free text: it needs some, and a summary to lead with."""
    paragraphs = [
        i
        for i, t in enumerate(tokens)
        if t.type == "inline" and i and tokens[i - 1].type == "paragraph_open"
    ]
    if not paragraphs and not summary_header:
        if not empty_ok:
            found.error(
                offset + 1,
                "the report has no text; an empty report is not published "
                "(write 'Status: draft' to keep it as a preview)",
            )
        return
    heading = next((i for i, t in enumerate(tokens) if t.type == "heading_open"), len(tokens))
    leads = paragraphs and paragraphs[0] < heading and tokens[paragraphs[0] - 1].level == 0
    if not summary_header and not leads:
        found.warn(
            offset + 1,
            "the report has no summary: start it with a paragraph (before any heading), or "
            "write 'Summary:' in the header; the archive shows its first sentence",
        )


def _note(text: str) -> bool:
    return bool(re.match(r"^\s*(?:not counted above|note)\s*:", text, re.I))


def _names_a_story(takeaway: str, items: Sequence[str]) -> bool:
    """Whether the takeaway shares what a story is about with one of the paragraphs: three
    content words, or all of the takeaway's when it is that short."""
    words = content_words(_TAKEAWAY.sub("", takeaway))
    if not words:
        return True
    need = min(3, len(words))
    return any(len(words & content_words(item)) >= need for item in items)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(body)]


def _tables(lines: list[str], body_line: int, period: Period | None, found: _Found) -> None:
    """Every incident table as the editor typed it: a block of lines starting with '|'
    whose first line names the table's columns."""
    index = body_line
    rows: dict[tuple[date, str], int] = {}
    while index < len(lines):
        if not lines[index].lstrip().startswith("|"):
            index += 1
            continue
        start = index
        while index < len(lines) and lines[index].lstrip().startswith("|"):
            index += 1
        block = lines[start:index]
        header = _cells(block[0])
        columns = incident_table.find_columns(header)
        if columns is None:
            continue
        _table(block, start + 1, header, columns, period, rows, found)


def _table(
    block: list[str],
    first: int,
    header: list[str],
    columns: incident_table.Columns,
    period: Period | None,
    rows: dict[tuple[date, str], int],
    found: _Found,
) -> None:
    if len(block) < 2 or not all(_SEPARATOR_CELL.match(c) for c in _cells(block[1])):
        found.error(
            first + 1 if len(block) > 1 else first,
            "the incident table has no separator row under its header "
            "(| --- | --- | ---: | ---: |)",
        )
        return
    separator = _cells(block[1])
    if len(separator) != len(header):
        fix = "add" if len(separator) < len(header) else "remove"
        found.error(
            first + 1,
            f"the incident table's separator row has {len(separator)} cells, the header "
            f"{len(header)} — {fix} {abs(len(header) - len(separator))}",
        )
    names = {columns.deaths: "Deaths", columns.injuries: "Injuries"}
    for number, line in enumerate(block[2:], start=first + 2):
        cells = _cells(line)
        if not any(cells):
            continue
        if len(cells) != len(header):
            found.error(
                number,
                f"incident table row has {len(cells)} cells, the header {len(header)}",
            )
            continue  # the other cells are read against the wrong columns: one line is enough
        day = _date(cells[columns.date]) if cells[columns.date] else None
        if day is None:
            found.error(
                number,
                f"incident table: '{cells[columns.date]}' is not a real date; write YYYY-MM-DD",
            )
        elif period and day not in period:
            found.error(
                number,
                f"incident table: {day} is outside the Period ({period.start} to {period.end})",
            )
        for column, label in names.items():
            try:
                incident_table.count(cells[column])
            except ContentError:
                found.error(
                    number,
                    f"incident table: '{cells[column]}' in {label} is not a number; "
                    "write a number, or ? when unknown",
                )
        if day is not None:
            place = " ".join(cells[columns.location].casefold().split())
            if (day, place) in rows:
                found.warn(
                    number,
                    f"incident rows on lines {rows[(day, place)]} and {number} have the same "
                    "date and place; one attack is one row",
                )
            rows.setdefault((day, place), number)


def _inlines(tokens: list[Token], offset: int) -> list[tuple[int, bool, str]]:
    """(line, whether a paragraph, text) of every paragraph and heading."""
    return [
        (_line(tokens[i - 1], offset), tokens[i - 1].type == "paragraph_open", token.content)
        for i, token in enumerate(tokens)
        if token.type == "inline" and i and tokens[i - 1].type in ("paragraph_open", "heading_open")
    ]


def _paragraphs(inlines: list[tuple[int, bool, str]], script: str, found: _Found) -> None:
    """What readers would read wrong: relative day words, untranslated paragraphs."""
    others = {name: pattern for name, pattern in _SCRIPTS.items() if name != script}
    own = _SCRIPTS[script]
    for line, paragraph, content in inlines:
        text = _TAKEAWAY.sub("", content)
        if "{#" in text:  # a heading's key (_KEY, tried at every space of the text)
            text = _KEY.sub("", text)
        text = _LINK_TARGET.sub("]", text)  # link targets are no reading matter
        for phrase in dict.fromkeys(relative_words(text)):
            found.warn(
                line,
                f"relative day word '{phrase}': readers cannot tell which day; "
                "write the date (e.g. 'on February 4')",
            )
        if not paragraph:
            continue
        letters = _BRACKETED.sub("", text)  # source names may be in any script
        plain = letters.isascii()
        for name, pattern in others.items():
            if plain and name not in _ASCII_SCRIPTS:
                continue  # none of its letters
            theirs = len(pattern.findall(letters))
            if theirs > 20 and theirs > len(own.findall(letters)):  # ours counted when it matters
                language = "English" if script == "Latin" else script
                found.warn(
                    line,
                    f"paragraph in {name} script in an {language} issue: translate or "
                    "summarise it for readers",
                )


__all__ = [
    "HEADER_KEYS",
    "IssueFileError",
    "Problem",
    "Verdict",
    "check_bytes",
    "check_text",
    "display_path",
    "later_warnings",
    "merged",
]
