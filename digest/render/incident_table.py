"""The incident table: its columns, its kinds, its totals and the note under it.

An issue's incident table is a Markdown table whose header names a Date, a Location, a
Deaths and an Injuries column, in any order and among any other columns the editor adds
(a Kind column, a Source column ...). Columns are found by their header, case-insensitively,
so an editor may reorder or add columns without breaking the build. The draft writes
`| Date | Location | Deaths | Injuries |`, with `| Kind |` after Location when asked to.

- A count is a whole number or unknown: "?", "-", "–", "—", "unknown" or an empty cell.
  A figure nobody reports is unknown, not 0 (EDITORIAL.md).
- A kind is written as a label readers know ("IED", "Car bomb", "Drone"); digest keeps its
  key ("ied", "car-bomb", "drone"): a known label or a common synonym ("VBIED", "Roadside
  bomb", "Air strike") maps to its key; any other label is kept, lower-cased.
- Totals are derived from the rows at build time, so they always match the edited table:
  the number of incidents and the sum of each count. Where a row's count is unknown the
  sum is only a lower bound ("at least 9"); where that bound is 0, the total is unknown
  ("?").
- Militants (attackers) killed are not deaths (EDITORIAL.md). A draft may say them in a
  note right under the table, a paragraph beginning "Not counted above:" (or "Note:"):
  it belongs to the table, not to the section's stories.

Pure: cells (plain text) in, values and text out; `mark_table` does the same on the
markdown-it tokens of an issue page (render/edition.py). The edition (site, PDF, feeds),
the email edition and the draft writer share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markdown_it.token import Token

from digest.errors import ContentError
from digest.models import Incident
from digest.periods import month_day
from digest.text.attack_kinds import KINDS

# The words a header cell may use for each column (compared lower-cased, spaces squeezed).
_HEADERS = {
    "date": ("date", "day"),
    "location": ("location", "place", "where"),
    "deaths": ("deaths", "killed", "dead", "fatalities"),
    "injuries": ("injuries", "injured", "wounded"),
    "kind": ("kind", "type", "attack", "attack type", "type of attack", "weapon"),
}
UNKNOWN = frozenset({"", "?", "-", "–", "—", "unknown", "n/a"})

KIND_LABELS = KINDS  # a readable label for each kind key (issues/attack_kinds.py)
# Other ways editors and wire copy name the same kinds.
_KIND_SYNONYMS = {
    "improvised explosive device": "ied",
    "roadside bomb": "ied",
    "explosive device": "ied",
    "car bomb": "car-bomb",
    "vbied": "car-bomb",
    "car bombing": "car-bomb",
    "booby-trapped car": "car-bomb",
    "mine": "mine",
    "landmine": "mine",
    "mortar": "shelling",
    "mortar fire": "shelling",
    "blast": "explosion",
    "suicide bombing": "suicide",
    "suicide bomber": "suicide",
    "suicide attack": "suicide",
    "uav": "drone",
    "drone strike": "drone",
    "air strike": "airstrike",
    "air raid": "airstrike",
    "shooting": "gunfire",
    "small arms fire": "gunfire",
    "artillery": "shelling",
}
_KIND_KEYS = {
    **{label.lower(): key for key, label in KIND_LABELS.items()},
    **{key: key for key in KIND_LABELS},
    **_KIND_SYNONYMS,
}
# The paragraph right after the table that annotates it ("Not counted above: ...").
_NOTE = re.compile(r"^\s*(?:not counted above|note)\s*:", re.I)


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split()).strip(" .:*")


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Columns:
    """Where each column of an incident table is (0-based), found by its header."""

    date: int
    location: int
    deaths: int
    injuries: int
    kind: int | None = None

    @property
    def counts(self) -> tuple[int, int]:
        return (self.deaths, self.injuries)


def find_columns(header: Sequence[str]) -> Columns | None:
    """The columns of an incident table, or None when the header is not one's."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _words(cell)
        role = next((r for r, names in _HEADERS.items() if name in names), None)
        if role is not None:
            found.setdefault(role, index)  # a second "Date" column is the editor's own
    if not {"date", "location", "deaths", "injuries"} <= found.keys():
        return None
    return Columns(
        date=found["date"],
        location=found["location"],
        deaths=found["deaths"],
        injuries=found["injuries"],
        kind=found.get("kind"),
    )


def read_rows(columns: Columns, rows: Sequence[Sequence[str]]) -> list[Incident]:
    """The table's body rows as Incidents; raises ContentError for a bad date or count.

    A row without the cells the columns need (a short row) is skipped, and so is a row
    whose cells are all empty.
    """
    need = max(columns.date, columns.location, *columns.counts, columns.kind or 0)
    incidents = []
    for row in rows:
        if len(row) <= need or not any(cell.strip() for cell in row):
            continue
        incidents.append(
            Incident(
                day=_day(row[columns.date]),
                location=row[columns.location].strip(),
                deaths=count(row[columns.deaths]),
                injuries=count(row[columns.injuries]),
                kind=kind_key(row[columns.kind]) if columns.kind is not None else "",
            )
        )
    return incidents


def _day(cell: str) -> date:
    try:
        return date.fromisoformat(cell.strip())
    except ValueError:
        raise ContentError(f"incident table: date {cell!r} is not YYYY-MM-DD") from None


def count(cell: str) -> int | None:
    """A count cell: a whole number, or None when unknown."""
    cell = cell.strip()
    if cell.isdigit():
        return int(cell)
    if cell.lower() in UNKNOWN:
        return None
    raise ContentError(f"incident table: {cell!r} is not a number (use ? when unknown)")


# --------------------------------------------------------------------------- kinds


def kind_label(key: str) -> str:
    """ "ied" -> "IED", "car-bomb" -> "Car bomb"; an unknown key capitalised; "" stays."""
    key = _words(key)
    return KIND_LABELS.get(key) or key[:1].upper() + key[1:]


def kind_key(label: str) -> str:
    """What a Kind cell says, as a key: "IED" -> "ied", "Roadside bomb" -> "ied", "IEDs"
    -> "ied"; a label digest does not know is kept lower-cased; unknown ("?") is ""."""
    words = _words(label)
    if words in UNKNOWN:
        return ""
    if words in _KIND_KEYS:
        return _KIND_KEYS[words]
    singular = words[:-1] if words.endswith("s") else words
    return _KIND_KEYS.get(singular, words)


# --------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class Totals:
    """What the rows add up to; a count known for only some rows is a lower bound."""

    incidents: int
    deaths: int
    injuries: int
    deaths_known: int  # rows whose deaths are known
    injuries_known: int

    @property
    def incidents_text(self) -> str:
        return f"{self.incidents} incident{'' if self.incidents == 1 else 's'}"

    @property
    def deaths_text(self) -> str:
        return self._bound(self.deaths, self.deaths_known)

    @property
    def injuries_text(self) -> str:
        return self._bound(self.injuries, self.injuries_known)

    def _bound(self, total: int, known: int) -> str:
        if known == self.incidents:
            return str(total)
        # "at least 0" is true and tells a reader nothing: unknown, like the rows' "?".
        return f"at least {total}" if total else "?"

    def sentence(self) -> str:
        """ "Total: 7 incidents, at least 9 killed, 14 injured." for plain text."""
        deaths, injuries = self.deaths_text, self.injuries_text
        deaths = "deaths unknown" if deaths == "?" else f"{deaths} killed"
        injuries = "injuries unknown" if injuries == "?" else f"{injuries} injured"
        return f"Total: {self.incidents_text}, {deaths}, {injuries}."

    def cells(self, columns: Columns, width: int) -> tuple[list[str], int]:
        """The footer row for a table of `width` columns, and the index of its "Total"
        cell: the counts under their columns, "Total" and "7 incidents" in the first two
        other columns (Date and Location, as the draft orders them)."""
        cells = [""] * width
        cells[columns.deaths] = self.deaths_text
        cells[columns.injuries] = self.injuries_text
        free = [i for i in range(width) if i not in columns.counts]
        cells[free[0]] = "Total"
        if len(free) > 1:
            cells[free[1]] = self.incidents_text
        return cells, free[0]


def totals(incidents: Sequence[Incident]) -> Totals:
    deaths = [i.deaths for i in incidents if i.deaths is not None]
    injuries = [i.injuries for i in incidents if i.injuries is not None]
    return Totals(
        incidents=len(incidents),
        deaths=sum(deaths),
        injuries=sum(injuries),
        deaths_known=len(deaths),
        injuries_known=len(injuries),
    )


# --------------------------------------------------------------------------- the note


def is_note(text: str) -> bool:
    """A paragraph that annotates the table above it ("Not counted above: ...")."""
    return bool(_NOTE.match(text))


def militants_note(incidents: Sequence[Incident]) -> str:
    """ "Not counted above: 5 militants killed (3 on February 4, Hamrin, Diyala; 2 on
    February 6, Tarmiyah)." for the rows that name militants killed; "" when none do."""
    rows = [i for i in incidents if i.militants]
    if not rows:
        return ""
    killed = sum(i.militants or 0 for i in rows)
    # With several rows, each says its own share: "3 on February 4, Hamrin, Diyala".
    share = len(rows) > 1
    where = "; ".join(
        (f"{i.militants} on " if share else "")
        + ", ".join(part for part in (month_day(i.day), i.location) if part)
        for i in rows
    )
    noun = "militant" if killed == 1 else "militants"
    return f"Not counted above: {killed} {noun} killed ({where})."


# --------------------------------------------------------------------------- the page's table


def mark_table(
    tokens: list[Token], start: int, plain: Callable[[Sequence[Token]], str]
) -> list[Incident]:
    """Read the table whose `table_open` token is at `start` when its header makes it the
    incident table; `plain` turns a cell's inline tokens into its text.

    Every header cell gets scope="col". An incident table is marked `table.incidents`, its
    cells get their column's class (`incident-date`, `incident-kind`, `num` for counts,
    which the stylesheets align), and a `<tfoot>` row of totals derived from its rows is
    inserted before its end: the edited table and its totals can never disagree. (A caller
    walking `tokens` meets the footer's tokens next; they hold no links and no paragraph.)
    """
    end = next(j for j in range(start, len(tokens)) if tokens[j].type == "table_close")
    header: list[str] = []
    rows: list[list[str]] = []
    opens: list[tuple[Token, int]] = []  # each th/td opening with its column
    column = -1
    in_head = False
    for token in tokens[start:end]:
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open":
            column = -1
            if not in_head:
                rows.append([])
        elif token.type in ("th_open", "td_open"):
            column += 1
            opens.append((token, column))
            if token.type == "th_open":
                token.attrSet("scope", "col")
        elif token.type == "inline":
            (header if in_head else rows[-1]).append(plain(token.children or []))
    columns = find_columns(header)
    if columns is None:
        return []
    incidents = read_rows(columns, rows)
    tokens[start].attrSet("class", "incidents")
    classes = _column_classes(columns)
    for token, index in opens:
        if index in classes:
            token.attrSet("class", classes[index])
    if incidents:
        head = {index: token for token, index in opens if token.type == "th_open"}
        footer = _totals_row(totals(incidents), columns, len(header), head, classes)
        tokens[end:end] = footer
    return incidents


def _column_classes(columns: Columns) -> dict[int, str]:
    classes = {columns.date: "incident-date", columns.deaths: "num", columns.injuries: "num"}
    if columns.kind is not None:
        classes[columns.kind] = "incident-kind"
    return classes


def _totals_row(
    found: Totals,
    columns: Columns,
    width: int,
    head: dict[int, Token],
    classes: dict[int, str],
) -> list[Token]:
    """<tfoot><tr><th scope="row">Total</th><td>7 incidents</td>…<td>at least 9</td>…"""
    cells, label = found.cells(columns, width)
    row = [Token("tfoot_open", "tfoot", 1, block=True), Token("tr_open", "tr", 1, block=True)]
    for index, value in enumerate(cells):
        tag = "th" if index == label else "td"
        attrs: dict[str, str | int | float] = {"scope": "row"} if tag == "th" else {}
        style = head[index].attrGet("style") if index in head else None
        if style:  # the column's alignment (`---:` in the Markdown)
            attrs["style"] = style
        if index in classes:
            attrs["class"] = classes[index]
        text = Token("text", "", 0, content=value)
        row += [
            Token(f"{tag}_open", tag, 1, attrs=attrs, block=True),
            Token("inline", "", 0, children=[text], content=value, block=True),
            Token(f"{tag}_close", tag, -1, block=True),
        ]
    return [
        *row,
        Token("tr_close", "tr", -1, block=True),
        Token("tfoot_close", "tfoot", -1, block=True),
    ]


def is_table_note(tokens: list[Token], i: int) -> bool:
    """Whether the paragraph whose inline token is at `i` is the note of the incident table
    right above it ("Not counted above: 5 militants killed …"); marks it `incidents-note`."""
    if i < 2 or tokens[i - 2].type != "table_close":
        return False
    opening = next(t for t in reversed(tokens[: i - 2]) if t.type == "table_open")
    if opening.attrGet("class") != "incidents" or not is_note(tokens[i].content):
        return False
    tokens[i - 1].attrSet("class", "incidents-note")
    tokens[i - 1].attrSet("dir", "auto")
    return True
