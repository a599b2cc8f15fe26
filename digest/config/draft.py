"""The settings of drafting: paragraph order, takeaway length, the incident table.

Declared here, read by config.validate() with the others (every problem reported together).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from digest.models import DraftOptions
from digest.text.attack_kinds import KINDS

SECTION_ORDERS = ("date", "importance")
MILITANTS = ("note", "exclude", "count")
# The kinds of attack an incident row can be: issues/incidents.py decides a row's kind.
INCIDENT_KINDS = tuple(KINDS)

# (name, default, help): config.SETTINGS lists these with the others.
DECLARED: tuple[tuple[str, Any, str], ...] = (
    (
        "DIGEST_SECTION_ORDER",
        "date",
        "Paragraphs within a section: 'date' (event date) or 'importance' (lead story first).",
    ),
    (
        "DIGEST_TAKEAWAY_WORDS",
        [100, 250],
        "Length of a drafted takeaway in words: [least, most].",
    ),
    (
        "DIGEST_INCIDENT_KINDS",
        [],
        "Kinds of attack the incident table keeps (e.g. ['ied']); empty keeps every kind. "
        "Kinds: " + ", ".join(INCIDENT_KINDS) + ".",
    ),
    ("DIGEST_INCIDENT_KIND_COLUMN", False, "Add a Kind column to the incident table."),
    (
        "DIGEST_INCIDENT_MILITANTS",
        "note",
        "Militants killed: 'note' (a line under the table), 'exclude' (left out) or "
        "'count' (counted with the deaths).",
    ),
)


def read(get: Callable[[str], Any], problems: list[str]) -> DraftOptions:
    order = get("DIGEST_SECTION_ORDER")
    if order not in SECTION_ORDERS:
        problems.append(
            f"DIGEST_SECTION_ORDER: {order!r} is not one of " + ", ".join(map(repr, SECTION_ORDERS))
        )
        order = "date"
    words = get("DIGEST_TAKEAWAY_WORDS")
    if (
        not isinstance(words, (list, tuple))
        or len(words) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in words)
        or not 10 <= words[0] <= words[1] <= 1000
    ):
        problems.append(
            "DIGEST_TAKEAWAY_WORDS: must be [least, most] words, "
            "whole numbers with 10 <= least <= most <= 1000, e.g. [100, 250]"
        )
        words = (100, 250)
    kinds = get("DIGEST_INCIDENT_KINDS")
    if not isinstance(kinds, (list, tuple)) or not all(isinstance(k, str) for k in kinds):
        problems.append("DIGEST_INCIDENT_KINDS: must be a list of kinds, e.g. ['ied', 'rocket']")
        kinds = []
    kinds = [k.strip().lower() for k in kinds]
    unknown = [k for k in kinds if k not in INCIDENT_KINDS]
    if unknown:
        problems.append(
            f"DIGEST_INCIDENT_KINDS: unknown kind {unknown[0]!r}; use " + ", ".join(INCIDENT_KINDS)
        )
    column = get("DIGEST_INCIDENT_KIND_COLUMN")
    if not isinstance(column, bool):
        problems.append("DIGEST_INCIDENT_KIND_COLUMN: must be True or False")
        column = False
    militants = get("DIGEST_INCIDENT_MILITANTS")
    if militants not in MILITANTS:
        problems.append(
            f"DIGEST_INCIDENT_MILITANTS: {militants!r} is not one of "
            + ", ".join(map(repr, MILITANTS))
        )
        militants = "note"
    return DraftOptions(
        section_order=str(order),
        takeaway_words=(int(words[0]), int(words[1])),
        incident_kinds=tuple(k for k in kinds if k in INCIDENT_KINDS),
        incident_kind_column=column,
        militants=str(militants),
    )
