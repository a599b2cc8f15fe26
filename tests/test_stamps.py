"""Fingerprints begun once and finished many times (digest/stamps.py) are the fingerprints
of all the parts at once: stamps written before keep their meaning."""

from __future__ import annotations

import random

from digest import stamps


def test_a_fingerprint_finished_from_a_start_is_the_fingerprint_of_all_its_parts():
    chance = random.Random(25)
    for _ in range(200):
        parts: list[str | bytes] = []
        for _ in range(chance.randrange(6)):
            text = "".join(chance.choice("ab\0é") for _ in range(chance.randrange(6)))
            parts.append(text if chance.random() < 0.5 else text.encode("utf-8"))
        cut = chance.randrange(len(parts) + 1)
        start = stamps.fingerprint_start(*parts[:cut])
        assert stamps.fingerprint_after(start, *parts[cut:]) == stamps.fingerprint(*parts)
        # A start serves many: finishing it leaves it as it was.
        assert stamps.fingerprint_after(start, *parts[cut:]) == stamps.fingerprint(*parts)


def test_parts_are_length_prefixed_so_moving_a_boundary_changes_the_fingerprint():
    assert stamps.fingerprint("ab", "c") != stamps.fingerprint("a", "bc")
    start = stamps.fingerprint_start("ab")
    assert stamps.fingerprint_after(start, "c") != stamps.fingerprint("a", "bc")
    assert stamps.fingerprint("x", b"y") == stamps.fingerprint(b"x", "y")
