"""The settings of drafting: paragraph order, takeaway length, the incident table.

They fill models.DraftOptions, which belongs to the pure core and keeps the defaults: each
setting's default is the option's own. config.validate() reads them with the others, so
every problem is reported together.
"""

from __future__ import annotations

from typing import Any

from digest.config.schema import Invalid, Reading, Setting, flag, one_of
from digest.models import DraftOptions
from digest.text.attack_kinds import KINDS

SECTION_ORDERS = ("date", "importance")
MILITANTS = ("note", "exclude", "count")
# The kinds of attack an incident row can be: issues/incidents.py decides a row's kind.
INCIDENT_KINDS = tuple(KINDS)
_DEFAULT = DraftOptions()


def _takeaway_words(value: Any, reading: Reading) -> tuple[int, int]:
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
        or not 10 <= value[0] <= value[1] <= 1000
    ):
        raise Invalid(
            "must be [least, most] words, "
            "whole numbers with 10 <= least <= most <= 1000, e.g. [100, 250]"
        )
    return (int(value[0]), int(value[1]))


def _incident_kinds(value: Any, reading: Reading) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) for k in value):
        raise Invalid("must be a list of kinds, e.g. ['ied', 'rocket']")
    kinds = tuple(k.strip().lower() for k in value)
    unknown = [k for k in kinds if k not in INCIDENT_KINDS]
    if unknown:
        raise Invalid(f"unknown kind {unknown[0]!r}; use " + ", ".join(INCIDENT_KINDS))
    return kinds


# DraftOptions' attribute: its setting, in the order checked.
DECLARED: dict[str, Setting] = {
    "section_order": Setting(
        "DIGEST_SECTION_ORDER",
        _DEFAULT.section_order,
        "Paragraphs within a section: 'date' (event date) or 'importance' (lead story first).",
        one_of(*SECTION_ORDERS, quoted=True),
    ),
    "takeaway_words": Setting(
        "DIGEST_TAKEAWAY_WORDS",
        _DEFAULT.takeaway_words,
        "Length of a drafted takeaway in words: [least, most].",
        _takeaway_words,
    ),
    "incident_kinds": Setting(
        "DIGEST_INCIDENT_KINDS",
        _DEFAULT.incident_kinds,
        "Kinds of attack the incident table keeps (e.g. ['ied']); empty keeps every kind. "
        "Kinds: " + ", ".join(INCIDENT_KINDS) + ".",
        _incident_kinds,
    ),
    "incident_kind_column": Setting(
        "DIGEST_INCIDENT_KIND_COLUMN",
        _DEFAULT.incident_kind_column,
        "Add a Kind column to the incident table.",
        flag,
    ),
    "militants": Setting(
        "DIGEST_INCIDENT_MILITANTS",
        _DEFAULT.militants,
        "Militants killed: 'note' (a line under the table), 'exclude' (left out) or "
        "'count' (counted with the deaths).",
        one_of(*MILITANTS, quoted=True),
    ),
}
