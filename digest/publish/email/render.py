"""The email edition of an issue: HTML (CSS inlined) and plain text, wrapped in MIME.

Pure: an Edition and URLs in, strings and an EmailMessage out. Sending lives in
`email_send.py`; this module never touches files, sockets or the clock.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import css_inline
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from digest.errors import ContentError, RenderError
from digest.models import Edition, EditionDay, EditionSection, Incident
from digest.periods import PeriodStyle, daily_period_title, period_title
from digest.publish.email.headers import clean_header_text
from digest.render import incident_table as tables
from digest.render.jinja import render

WIDTH = 72  # plain-text wrap column; leaves room for quoting ("> ") under 78

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space is text
_BLOCKS = frozenset(
    "address article aside blockquote dd details div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section summary table ul".split()
)
_SKIPPED = frozenset({"script", "style", "template", "head", "noscript", "iframe", "object"})
_NUMBERED = ("http://", "https://", "mailto:")
# Counts and amounts, or a dash for "unknown"; dates like 2024-02-06 stay left-aligned.
_NUMERIC = re.compile(r"[+\-−]?[\d.,%\s]*\d[\d.,%\s]*|[-–—]?")
_LRM = "\u200e"
_DASHES = str.maketrans("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-------")
# Joins a link's text to its "[n]" while wrapping (textwrap only breaks at whitespace);
# html_to_text turns it back into a space. NUL can't come from HTML text: we drop it.
_GLUE = "\x00"
# A <bdi>, in plain text: between isolates (LRI or RLI by its dir, FSI without one ... PDI),
# so "(Al-Rafidain [11])" keeps its order in a right-to-left line on any bidi-aware screen.
_ISOLATE = {"ltr": "\u2066", "rtl": "\u2067"}
_FSI, _PDI = "\u2068", "\u2069"
# Starts each line of a right-to-left paragraph: a line is a paragraph to a terminal or a
# mail client, and one that starts with "Al-Rafidain" would otherwise be read left to right.
_RLM = "\u200f"
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class EmailEdition:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class _EmailSection(EditionSection):
    """The edition's section as both templates need it: its HTML fitted to email, its
    takeaway and body as the plain part shows them (links numbered across the whole email,
    so made here, not in the model)."""

    body_text: str


@dataclass(frozen=True)
class _EmailDay(EditionDay):
    """The same for a day of a daily digest."""

    body_text: str

    @property
    def count(self) -> int:
        return len(self.items)


_Email = TypeVar("_Email", _EmailSection, _EmailDay)


def _for_email(kind: type[_Email], part: EditionSection | EditionDay, **email: str) -> _Email:
    return kind(**{f.name: getattr(part, f.name) for f in fields(part)} | email)


# --------------------------------------------------------------------------- rendering


def render_email(
    edition: Edition,
    *,
    sitename: str,
    page_url: str,
    pdf_url: str,
    language: str = "en",
    site_url: str = "",
    unsubscribe_url: str = "",
    period_style: PeriodStyle | None = None,
    audio_url: str = "",
    audio_minutes: int = 0,
) -> EmailEdition:
    """Render the email edition; `site_url` (footer link) defaults to page_url's origin;
    `unsubscribe_url`, when given, is the footer's unsubscribe link (a send puts
    email_message.UNSUBSCRIBE_MARKER here and each recipient's own link in its place);
    `audio_url`, when given, is the issue's audio edition, `audio_minutes` long."""
    subject = clean_header_text(edition.title) or clean_header_text(sitename)
    if not subject:
        raise RenderError(f"{edition.slug}: email: the issue has no title for the Subject")
    if not site_url:
        parts = urlsplit(page_url)
        site_url = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else page_url
    refs = References()
    # Numbers follow reading order: the takeaways come before the sections they sum up.
    intro = _fragment(edition.intro_html, page_url)
    intro_text = html_to_text(intro, refs)
    takeaways = [_fragment(s.takeaway_html, page_url, inline=True) for s in edition.sections]
    takeaway_texts = [html_to_text(t, refs, indent="  ") for t in takeaways]
    bodies = [_fragment(s.body_html, page_url) for s in edition.sections]
    sections = [
        _for_email(
            _EmailSection,
            s,
            takeaway_html=str(takeaway),
            takeaway_text=takeaway_text,
            body_html=str(body),
            body_text=html_to_text(body, refs),
        )
        for s, takeaway, takeaway_text, body in zip(
            edition.sections, takeaways, takeaway_texts, bodies, strict=True
        )
    ]
    day_bodies = [_fragment(d.body_html, page_url) for d in edition.days]
    days = [
        _for_email(_EmailDay, d, body_html=str(body), body_text=html_to_text(body, refs))
        for d, body in zip(edition.days, day_bodies, strict=True)
    ]
    # The editor may have put the incident table in a section; never show it twice.
    # find(), not select(): soupsieve's first CSS compile costs 0.1 s.
    # A situation report's table is in its intro (the whole report).
    shown = any(body.find("table", class_="incidents") for body in [intro, *bodies, *day_bodies])
    incidents = () if shown else edition.incidents
    context = {
        "edition": edition,
        "title": subject,  # one line, as the Subject shows it
        "sitename": sitename,
        "page_url": page_url,
        "pdf_url": pdf_url,
        "site_url": site_url,
        "unsubscribe_url": unsubscribe_url,
        "audio_url": audio_url,
        "audio_minutes": audio_minutes,
        "language": language,
        "period": daily_period_title(edition.period, period_style)
        if edition.layout == "daily"
        else period_title(edition.period, period_style),
        "sections": sections,
        "days": days,  # the daily layout's days ([] for a weekly issue)
    }
    # The masthead says the title once: no site name over a title that begins with it, no
    # period under a title that holds it (the Subject, just above, says it all again).
    context["kicker"] = "" if _says(subject, sitename) else sitename
    context["dateline"] = "" if _says(subject, context["period"]) else context["period"]
    html = render(
        "email.html.j2",
        **context,
        intro_html=str(intro),
        incidents=incidents,
        kinds=any(i.kind for i in incidents),
        kind_label=tables.kind_label,
        totals=tables.totals(incidents),
        # The inbox shows the preheader after the Subject: never the title a second time.
        summary="" if _says(subject, edition.summary) else " ".join(edition.summary.split()),
    )
    try:
        html = _INLINER.inline(html)
    except css_inline.InlineError as exc:
        raise RenderError(f"{edition.slug}: email: cannot inline the CSS: {exc}") from exc
    text = render(
        "email.txt.j2",
        **context,
        intro_text=intro_text,
        links=refs.links,
        incidents_text=incident_table(incidents),
    )
    return EmailEdition(subject=subject, html=html.rstrip() + "\n", text=_tidy(text))


def _says(title: str, part: str) -> bool:
    """Whether `title` already says `part`, however either writes its case, spaces and
    dashes ("February 2–8, 2024" says "February 2 – 8, 2024")."""

    def key(text: str) -> str:
        return "".join(text.translate(_DASHES).casefold().split())

    return bool(key(part)) and key(part) in key(title)


def _fragment(html: str, base_url: str, *, inline: bool = False) -> BeautifulSoup:
    """Section HTML made fit for an email, parsed once for both parts."""
    soup = BeautifulSoup(html, "html.parser")
    # The templates write the sources line from the data; a copy in the body would double it.
    for tag in soup.find_all("p", class_="sources-cited"):
        tag.decompose()
    # Relative links (site anchors, other issues) mean nothing inside a mailbox.
    for anchor in soup.find_all("a", href=True):
        anchor["href"] = urljoin(base_url, str(anchor["href"]).strip())
    if inline:
        # A takeaway sits in one bullet after the bold headline: a lone <p> would break the line.
        tops = [c for c in soup.contents if not (isinstance(c, NavigableString) and not c.strip())]
        if len(tops) == 1 and isinstance(tops[0], Tag) and tops[0].name == "p":
            tops[0].unwrap()
    return soup


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


# --------------------------------------------------------------------------- HTML to text


class References:
    """Numbers each distinct link target once, in order of first use, for the whole message."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, url: str) -> int | None:
        if not url.lower().startswith(_NUMBERED):
            return None
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    @property
    def links(self) -> list[tuple[int, str]]:
        """(number, url) pairs, the URLs in ASCII so any plain-text reader can link them."""
        return [(number, _ascii_url(url)) for url, number in self._numbers.items()]


def _ascii_url(url: str) -> str:
    if url.isascii():
        return url
    parts = urlsplit(url)
    host = parts.netloc
    # A port or user part defeats IDNA; percent-encoding below still makes the host ASCII.
    with contextlib.suppress(UnicodeError):
        host = parts.netloc.encode("idna").decode("ascii")
    quoted = [quote(part, safe="/:?#[]@!$&'()*+,;=%~") for part in parts[2:]]
    return urlunsplit((parts.scheme, quote(host, safe=":@[]%"), *quoted))


def html_to_text(html: str | Tag, refs: References, *, width: int = WIDTH, indent: str = "") -> str:
    """Readable plain text: wrapped paragraphs, '- ' lists, aligned tables, links as [n]."""
    node = BeautifulSoup(html, "html.parser") if isinstance(html, str) else html
    return "\n\n".join(_blocks(node, refs, width, indent)).replace(_GLUE, " ")


def _blocks(node: Tag, refs: References, width: int, indent: str) -> list[str]:
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        paragraph = _wrap("".join(run), width, indent)
        run.clear()
        if paragraph:
            out.append(paragraph)

    for child in node.children:
        if not isinstance(child, Tag) or child.name not in _BLOCKS:
            run.append(_inline_piece(child, refs))
            continue
        flush()
        if child.name in ("ul", "ol"):
            out.append(_list(child, refs, width, indent))
        elif child.name == "table":
            rows, header = _table_rows(child, refs)
            out.append(text_table(rows, header=header, width=width, indent=indent))
            if header and "incidents" in (child.get("class") or ()):
                out.append(_wrap(_totals_line(rows), width, indent))
        elif child.name == "pre":
            lines = child.get_text().strip("\n").split("\n")
            out.append("\n".join(indent + line for line in lines))
        elif child.name == "blockquote":
            out.extend(_blocks(child, refs, width, indent + "    "))
        elif child.get("dir") == "rtl":
            out.extend(_from_the_right(b) for b in _blocks(child, refs, width, indent))
        else:
            out.extend(_blocks(child, refs, width, indent))
    flush()
    return [block for block in out if block.strip()]


def _inline(node: Tag, refs: References) -> str:
    return "".join(_inline_piece(child, refs) for child in node.children)


def _inline_piece(node: object, refs: References) -> str:
    if isinstance(node, NavigableString):
        # Comments, doctypes and CDATA are PreformattedStrings: not text a reader sees.
        if isinstance(node, PreformattedString):
            return ""
        return _HTML_SPACE.sub(" ", str(node)).replace(_GLUE, "")
    if not isinstance(node, Tag) or node.name in _SKIPPED:
        return ""
    if node.name == "br":
        return "\n"
    if node.name == "img":
        return str(node.get("alt") or "")
    if node.name == "a":
        return _anchor(node, refs)
    if node.name == "bdi":
        return _isolated(node, refs)
    return _inline(node, refs)


def _anchor(anchor: Tag, refs: References) -> str:
    text = _inline(anchor, refs)
    url = str(anchor.get("href") or "").strip()
    number = refs.cite(url)
    if number is None or " ".join(text.split()) == url:
        return text
    trailing = text[len(text.rstrip()) :]
    return f"{text.rstrip()}{_GLUE}[{number}]{trailing}"


def _isolated(node: Tag, refs: References) -> str:
    """A <bdi>'s text between isolates; a short one (class "nowrap": an outlet's name, a
    date, a number) glued, so wrapping never splits it."""
    text = _inline(node, refs)
    if "nowrap" in (node.get("class") or ()):
        text = text.replace(" ", _GLUE)
    return f"{_ISOLATE.get(str(node.get('dir')), _FSI)}{text}{_PDI}"


def _from_the_right(block: str) -> str:
    """Each line of a right-to-left block starts with RLM, after its indent."""
    return re.sub(r"^( *)(?=\S)", "\\1" + _RLM, block, flags=re.MULTILINE)


def _wrap(text: str, width: int, indent: str) -> str:
    lines: list[str] = []
    for segment in text.split("\n"):  # the only newlines left came from <br>
        segment = re.sub(" {2,}", " ", segment).strip()
        if segment:
            lines.extend(
                textwrap.wrap(
                    segment,
                    width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                    break_long_words=False,
                    break_on_hyphens=False,  # never split a URL
                )
            )
    return "\n".join(lines)


def _list(node: Tag, refs: References, width: int, indent: str) -> str:
    ordered = node.name == "ol"
    start = str(node.get("start") or "1")
    number = int(start) if start.isdigit() else 1
    items: list[str] = []
    for li in node.find_all("li", recursive=False):
        marker = f"{number}. " if ordered else "- "
        number += 1
        hanging = indent + " " * len(marker)
        body = "\n".join(_blocks(li, refs, width, hanging))
        if body:
            item = indent + marker + body.removeprefix(hanging)
            items.append(_from_the_right(item) if li.get("dir") == "rtl" else item)
    return "\n".join(items)


def _totals_line(rows: list[list[str]]) -> str:
    """ "Total: 7 incidents, at least 9 killed, 14 injured." under an incident table: the
    page's footer row, said as a sentence; "" if the rows are not an incident table's."""
    columns = tables.find_columns(rows[0])
    if columns is None:
        return ""
    try:
        incidents = tables.read_rows(columns, rows[1:])
    except ContentError:  # not from parse_edition, which refuses such a table
        return ""
    return tables.totals(incidents).sentence() if incidents else ""


def _table_rows(table: Tag, refs: References) -> tuple[list[list[str]], bool]:
    """The table's rows as text cells; an incident table's footer of totals is left out
    (_blocks says it as a sentence under the table)."""
    incidents = "incidents" in (table.get("class") or ())
    rows: list[list[str]] = []
    header = False
    trs = [tr for tr in table.find_all("tr") if not (incidents and tr.find_parent("tfoot"))]
    for i, tr in enumerate(trs):
        cells = tr.find_all(["th", "td"], recursive=False)
        if i == 0:
            header = tr.find_parent("thead") is not None or all(c.name == "th" for c in cells)
        rows.append([" ".join(_inline(cell, refs).split()) for cell in cells])
    return rows, header and len(rows) > 0


# --------------------------------------------------------------------------- text tables


def incident_table(incidents: Sequence[Incident], *, width: int = WIDTH) -> str:
    """The edition's incidents as an aligned table (a Kind column when any row has a kind),
    then their totals as a sentence."""
    if not incidents:
        return ""
    kinds = any(i.kind for i in incidents)
    rows = [["Date", "Location", *(["Kind"] if kinds else []), "Deaths", "Injuries"]]
    rows += [
        [
            i.day.isoformat(),
            i.location,
            *([tables.kind_label(i.kind) or "–"] if kinds else []),
            _count(i.deaths),
            _count(i.injuries),
        ]
        for i in incidents
    ]
    totals = _wrap(tables.totals(incidents).sentence(), width, "")
    return text_table(rows, header=True, width=width) + "\n\n" + totals


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def text_table(
    rows: Sequence[Sequence[str]], *, header: bool, width: int = WIDTH, indent: str = ""
) -> str:
    """Columns aligned for a monospace reader; as 'Column: value' records if too wide."""
    rows = [list(r) for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return ""
    columns = max(len(r) for r in rows)
    rows = [r + [""] * (columns - len(r)) for r in rows]
    body = rows[1:] if header else rows
    widths = [max(_display_width(r[c]) for r in rows) for c in range(columns)]
    if len(indent) + sum(widths) + 2 * (columns - 1) > width:
        return _records(rows, header, width, indent)
    numeric = [bool(body) and all(_NUMERIC.fullmatch(r[c]) for r in body) for c in range(columns)]

    def line(row: Sequence[str]) -> str:
        cells = []
        for c, cell in enumerate(row):
            pad = " " * (widths[c] - _display_width(cell))
            # A mark after right-to-left text stops the bidi algorithm from pulling the next
            # column's digits into the Arabic run, which would swap the columns on screen.
            mark = _LRM if _has_rtl(cell) else ""
            cells.append(pad + cell + mark if numeric[c] else cell + mark + pad)
        return (indent + "  ".join(cells)).rstrip()

    lines = [line(r) for r in rows]
    if header:
        lines.insert(1, indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _records(rows: list[list[str]], header: bool, width: int, indent: str) -> str:
    names = rows[0] if header else [""] * len(rows[0])
    records = []
    for row in rows[1:] if header else rows:
        pairs = zip(names, row, strict=True)
        fields = [f"{name}: {cell}" if name else cell for name, cell in pairs]
        records.append(_wrap("\n".join(f for f in fields if f.strip()), width, indent))
    return "\n\n".join(records)


def _display_width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # Arabic vowel marks, LRM ...
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)
