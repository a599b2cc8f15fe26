"""Series: the kinds of issue a monitor publishes side by side (a weekly issue, a daily
month page, a situation report), each with its own archive, neighbours, feeds and mailing
list.

An issue's series is its `Series:` header, else its layout's: `weekly`, `daily` or
`report`. A series name is a slug (it names the series' folder, feeds and List-Id); what
readers see is its title: the three defaults have their own, any other name is read as
words ("field-notes" -> "Field notes").
"""

from __future__ import annotations

import re

# The series an issue joins when its header names none: its layout's.
DEFAULT_SERIES = {"weekly": "weekly", "daily": "daily", "report": "report"}
_TITLES = {"weekly": "Weekly issues", "daily": "Daily digests", "report": "Situation reports"}
NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
NAME_RULE = "lower-case a-z, 0-9 and '-', at most 40 characters, e.g. 'weekly' or 'field-notes'"


def series_of(layout: str, header: str | None) -> str:
    """The series an issue belongs to: its `Series:` header (lower-cased), else its
    layout's. The header is checked by issue_check (`is_name`), not here."""
    named = (header or "").strip().lower()
    return named or DEFAULT_SERIES.get(layout, layout)


def is_name(value: str) -> bool:
    return bool(NAME.fullmatch(value))


def series_title(name: str) -> str:
    """What readers call the series: "Weekly issues", "Situation reports", "Field notes"."""
    found = _TITLES.get(name)
    if found:
        return found
    words = " ".join(name.split("-"))
    return words[:1].upper() + words[1:]
