"""Subscriber addresses: validated, normalized and deduplicated, from a CSV file.

The file has a header row with an `email` column (also read: `address`, `e-mail`) and an
optional `name` column; a file of bare addresses, one a line, is read too. Each address is
checked with email-validator (syntax only: no DNS lookups), its domain normalized (an IDN
becomes its ASCII form, so every relay can take it), and keyed by a canonical form (the
local part case-folded), so `Alice@Example.org` and `alice@example.org` are one
subscriber. Bad rows are reported with their line numbers; the good ones are still read.

A CSV we write is opened in spreadsheets, which run a cell that starts with = + - @ (or a
tab or carriage return before one) as a formula: `=cmd|' /C calc'!A1` in a name would
start a program. So `spreadsheet_cell` puts a ' before such a cell (OWASP's advice for
CSV injection; the spreadsheet shows the text and hides the '), and reading a file takes
that ' off again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from digest.errors import DeliveryError
from digest.publish.email.headers import clean_header_text

_EMAIL_COLUMNS = ("email", "address", "e-mail", "email address")
MAX_NAME = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet evaluates


@dataclass(frozen=True)
class Subscriber:
    address: str  # as sent to: the local part as given, the domain in ASCII
    name: str = ""  # display name, one line

    @property
    def canonical(self) -> str:
        return canonical(self.address)


@dataclass
class Roster:
    """What a subscriber file holds: the addresses, and the lines that could not be read."""

    subscribers: list[Subscriber] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: reason"
    duplicates: int = 0


def canonical(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local.casefold()}@{domain.lower()}"


def spreadsheet_cell(text: str) -> str:
    """The cell as written to a CSV: a ' before a cell a spreadsheet would evaluate."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unguard_cell(text: str) -> str:
    """A cell as read from a CSV: the ' that spreadsheet_cell put there taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# The common address, an ASCII dot-atom at an ASCII domain, is checked here without
# email-validator's general parser (a tenth of a millisecond an address, a second for a list
# of 10,000), its domain checked by email-validator once per domain. What email-validator
# would treat specially goes to it whole: a local part it lowercases (RFC 2142's
# `postmaster` ...), an IDN (`xn--`), anything near the length limit. tests/test_send_roster.py
# checks the two agree.
_PLAIN = re.compile(
    r"([A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+(?:\.[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+)*)@([A-Za-z0-9.-]+)"
)
_LOWERED = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


@functools.lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> str | None:
    """The domain as email-validator normalizes it, or None where the general path decides."""
    if "xn--" in domain.lower():
        return None
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None  # the general path says why, for the whole address
    return checked.ascii_domain


def check_address(text: str) -> str:
    """The address normalized for sending; ValueError with the reason if it is not one."""
    if any(c in text for c in "\r\n\0"):
        raise ValueError("the address contains a line break or NUL")
    plain = _PLAIN.fullmatch(text.strip())
    if plain and len(text) <= 200 and plain[1].lower() not in _LOWERED:
        domain = _plain_domain(plain[2])
        if domain is not None and len(domain) == len(plain[2]):
            return f"{plain[1]}@{domain}"
    try:
        # No SMTPUTF8: a local part outside ASCII would need every relay to support it.
        checked = validate_email(text.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return checked.ascii_email or checked.normalized


def read_subscribers(path: Path) -> Roster:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DeliveryError(f"{path}: no such subscriber file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DeliveryError(f"{path}: cannot read the subscriber file: {exc}") from exc
    return parse_subscribers(text, str(path))


def parse_subscribers(text: str, where: str) -> Roster:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, end = [], 0
    try:
        for row in reader:  # a quoted field may span lines: name the row's first line
            rows.append((end + 1, row))
            end = reader.line_num
    except csv.Error as exc:
        raise DeliveryError(f"{where}:{reader.line_num}: not a CSV file: {exc}") from exc
    roster = Roster()
    if not rows:
        return roster
    names = [cell.strip().lower() for cell in rows[0][1]]
    email_at = next((names.index(c) for c in _EMAIL_COLUMNS if c in names), None)
    name_at = names.index("name") if "name" in names else None
    if email_at is not None:
        rows = rows[1:]
    elif any("@" in cell for cell in names):  # no header: the first line is an address
        email_at, name_at = 0, 1
    else:
        raise DeliveryError(
            f"{where}:1: no 'email' column; the first line must name the columns "
            "(email, name) or hold an address"
        )
    seen: set[str] = set()
    for line, cells in rows:
        row = [unguard_cell(cell) for cell in cells]
        if not any(cell.strip() for cell in row):
            continue
        if email_at >= len(row) or not row[email_at].strip():
            roster.problems.append(f"{where}:{line}: no address in this row")
            continue
        try:
            address = check_address(row[email_at])
        except ValueError as exc:
            roster.problems.append(f"{where}:{line}: {row[email_at].strip()[:80]!r}: {exc}")
            continue
        key = canonical(address)
        if key in seen:
            roster.duplicates += 1
            continue
        seen.add(key)
        name = row[name_at] if name_at is not None and name_at < len(row) else ""
        roster.subscribers.append(Subscriber(address, clean_header_text(name)[:MAX_NAME]))
    return roster
