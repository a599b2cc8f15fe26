"""The roster's check of an address: its fast path for the common address (an ASCII
dot-atom at an ASCII domain, the domain checked once) gives what email-validator gives for
every address, valid or not, the same normalized address or the same reason."""

from __future__ import annotations

import random
import time

import pytest
from email_validator import EmailNotValidError, validate_email

from digest.publish.send.roster import check_address, parse_subscribers


def by_email_validator(text: str) -> str:
    """check_address as it was: every address through email-validator."""
    if any(c in text for c in "\r\n\0"):
        raise ValueError("the address contains a line break or NUL")
    try:
        checked = validate_email(text.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return checked.ascii_email or checked.normalized


def outcome(check, text: str) -> tuple[str, str]:
    try:
        return ("address", check(text))
    except ValueError as exc:
        return ("refused", str(exc))


HOSTILE = [
    "reader@example.org",
    "Reader.Name+tag@Example.ORG",
    "  padded@example.org  ",
    "o'brien@example.ie",
    "x!#$%&'*+/=?^_`{|}~-@example.org",
    "Postmaster@Example.org",  # RFC 2142: email-validator lowercases it
    "ABUSE@example.org",
    "alice@example.org)<bob@example.org>",  # CVE-2023-27043
    "a\r\n@example.org",
    "a@example.org\nBcc: x@example.com",
    "nul\0@example.org",
    "user@bücher.example",
    "user@xn--bcher-kva.example",
    "user@XN--BCHER-KVA.example",
    "jösé@example.org",
    "a" * 300 + "@example.org",
    "a" * 64 + "@example.org",
    "a" * 65 + "@example.org",
    "b" * 190 + "@" + "c" * 50 + ".org",
    "b" * 200 + "@" + "c" * 50 + ".org",
    "x@" + "d" * 64 + ".org",  # a label over 63
    "x@" + ".".join(["d" * 60] * 5) + ".org",  # a domain over 253
    "x@localhost",
    "x@example.invalid",
    "x@example.local",
    "x@test",
    "x@example.123",
    "x@-example.org",
    "x@example-.org",
    "x@example..org",
    "x@example.org.",
    ".x@example.org",
    "x.@example.org",
    "x..y@example.org",
    "x@[127.0.0.1]",
    '"quoted local"@example.org',
    "Name <name@example.org>",
    "no-at-sign",
    "@example.org",
    "x@",
    "",
    "x@a.b",
    "x@sub_domain.example.org",
]


def test_the_fast_path_agrees_with_email_validator_on_every_address():
    given = list(HOSTILE)
    rng = random.Random(25)
    atext, odd = "abcXYZ019!#$%&'*+/=?^_`{|}~-", '"()<>@ ü.'

    def word(letters: str) -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(1, 6)))

    for n in range(6000):
        if n % 2:  # anything
            local = word(atext + odd) * rng.randint(0, 2)
            domain = word("abZ0-._ü")
        else:  # mostly valid: dot-atoms, hostname labels, some edge or another
            local = ".".join(word(atext) for _ in range(rng.randint(1, 3)))
            domain = ".".join(word("abZ09" * 6 + "-_") for _ in range(rng.randint(1, 3)))
        tld = rng.choice(
            ["org", "ORG", "Org", "io", "c", "invalid", "local", "123", "xn--p1ai", ""]
        )
        given.append(f"{local}@{domain}.{tld}" if tld else f"{local}@{domain}")
    kinds = {"address": 0, "refused": 0}
    for text in given:
        ours = outcome(check_address, text)
        assert ours == outcome(by_email_validator, text), text
        kinds[ours[0]] += 1
    assert min(kinds.values()) > 1000, kinds  # both kinds well represented


def test_a_list_of_10000_addresses_is_checked_in_a_fraction_of_email_validators_time():
    addresses = [f"reader{n:05d}@example{n % 7}.org" for n in range(10_000)]
    started = time.process_time()
    ours = [check_address(a) for a in addresses]
    ours_s = time.process_time() - started
    started = time.process_time()
    theirs = [by_email_validator(a) for a in addresses]
    theirs_s = time.process_time() - started
    assert ours == theirs
    assert ours_s < theirs_s / 3, (ours_s, theirs_s)
    roster = parse_subscribers("email\n" + "\n".join(addresses), "list.csv")
    assert [s.address for s in roster.subscribers] == theirs and not roster.problems


@pytest.mark.parametrize("text", ["x@example.org", "Postmaster@EXAMPLE.org"])
def test_a_domain_checked_once_still_normalizes_each_address(text):
    assert check_address(text) == by_email_validator(text)
    assert check_address(text) == by_email_validator(text)
