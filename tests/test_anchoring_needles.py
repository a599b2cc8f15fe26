"""The English day-phrase rules are tried only near their needles, from at most _WORDS words
before them (anchoring._NEEDLES, anchoring._WORDS; issue 25): every form each rule's
pattern can take, built from its own alternatives at their longest, in several
surroundings, case and spacing, is found exactly as trying every rule at every position
finds it. The words that make a weekday a custom ("Good Friday") or a phrase a duration
("the last week") are looked for only just before the phrase: the same verdicts as the
search of the whole text before it (the code before, kept here)."""

from __future__ import annotations

import itertools
import re

import pytest

from digest.text import anchoring

PRE_WEEKDAY = ("on", "late on", "early on", "late", "early", "last", "this coming", "this", "next")
NUMBERS = ("a", "an", "one", "ten", "2", "14")
SURROUNDINGS = (
    ("{}", ""),
    ("It happened {}", "."),
    ("Officials said {}", ", and left."),
    ("The talks ended {}", " when the team arrived"),
    ("Sunday's and yesterday's reports said {}", " near Mosul; today, they left"),
)


def _is_reference_before(rule: str, m: re.Match[str], text: str) -> bool:
    """anchoring._is_reference as it was: the text before and after the phrase cut out."""
    before, after = text[: m.start()], text[m.end() :]
    if rule == "weekday":
        if anchoring._DATED_AFTER.match(after):
            return False
        return bool(m.group("pre") or m.group("part")) or not (
            anchoring._NOT_DAY_BEFORE.search(before) or anchoring._NOT_DAY_AFTER.match(after)
        )
    if rule in ("part", "week", "month"):
        return m.groupdict().get("prep") is not None or not anchoring._DURATION_BEFORE.search(
            before
        )
    return anchoring._is_reference(rule, m, text)  # Arabic: unchanged


def _every_position(text: str) -> list[tuple[int, int, str]]:
    """anchoring._find as it was before needles: every rule at every position."""
    arabic = bool(re.search("[\u0600-\u06ff]", text))
    found = [
        (m.start(), m.end(), rule)
        for rule, pattern in anchoring._RULES.items()
        if not rule.startswith("ar_") or arabic
        for m in pattern.finditer(text)
        if _is_reference_before(rule, m, text)
    ]
    chosen: list[tuple[int, int, str]] = []
    for f in sorted(found, key=lambda f: (f[0], -f[1])):
        if not chosen or f[0] >= chosen[-1][1]:
            chosen.append(f)
    return chosen


def _forms() -> dict[str, list[str]]:
    weekday = [
        f"{pre} {day}{poss}{part}"
        for pre, day, poss, part in itertools.product(
            ("", *PRE_WEEKDAY), ("Sunday", "friday"), ("", "'s"), ("", " night", " morning's")
        )
    ]
    week = [
        f"{prep}{pre}{rel} {unit}{poss}"
        for prep, pre, rel, unit, poss in itertools.product(
            ("", "during ", "within "),
            ("", "earlier ", "late "),
            ("this", "last", "next"),
            ("week", "weekend"),
            ("", "'s"),
        )
    ]
    month = [
        f"{prep}{name}{pre}{rel} {unit}"
        for prep, name, pre, rel, unit in itertools.product(
            ("", "during ", "in "),
            ("", "March "),
            ("", "earlier ", "late "),
            ("this", "last", "next"),
            ("month", "year"),
        )
    ]
    rel = [
        *("the same day", "the day before", "the previous day", "the day after"),
        *("the next day", "the following day"),
        *(
            f"{n} {d} {w}"
            for n, d, w in itertools.product(
                NUMBERS, ("day", "days"), ("earlier", "later", "before", "after")
            )
        ),
    ]
    near = [f"{on}{r}" for on in ("", "on ") for r in rel]
    part = [f"{rel} {p}" for rel in ("this", "last") for p in ("morning", "evening", "night")]
    day = [
        f"{pre}{rel}{part}"
        for pre, rel, part in itertools.product(
            ("", "earlier ", "late "),
            ("the day before yesterday", "the day after tomorrow", "yesterday", "tonight"),
            ("", " afternoon"),
        )
    ]
    ago = [f"{n} {u} ago" for n in NUMBERS for u in ("day", "days", "week", "weeks")]
    return {
        "weekday": [f.strip() for f in weekday],
        "week": week,
        "month": month,
        "near": near,
        "part": part,
        "day": day,
        "ago": ago,
    }


def _variants(phrase: str, *, folded: bool = True) -> list[str]:
    written = [
        phrase,
        phrase.upper(),
        phrase.title(),
        phrase.replace(" ", "  "),
        phrase.replace(" ", "\n"),
    ]
    if folded:
        # letters re's case folding matches with "s", "i" and "k", which lower() keeps
        # apart from them: no needle or other word is in the lowered text as written
        written.append(phrase.replace("s", "\u017f").replace("i", "\u0131"))
        written.append(phrase.replace("k", "\u212a").replace("I", "\u0130"))
    return written


@pytest.mark.parametrize("rule", sorted(_forms()))
def test_every_form_of_a_rule_is_found_as_at_every_position(rule: str) -> None:
    forms = _forms()[rule]
    found_some = 0
    for phrase, (before, after) in itertools.product(forms, SURROUNDINGS):
        for variant in _variants(phrase):
            text = before.format(variant) + after
            expected = _every_position(text)
            assert [(f.start, f.end, f.rule) for f in anchoring._find(text)] == expected, text
            found_some += any(r == rule for _, _, r in expected)
    # The forms must be ones the rule matches: a corpus the rule ignores would prove nothing.
    assert found_some >= len(forms), (rule, found_some, len(forms))


@pytest.mark.parametrize("rule", sorted(anchoring._ALSO))
def test_every_form_of_a_rule_holds_one_of_its_other_words(rule: str) -> None:
    # A text without them is not tried for the rule (anchoring._ALSO): each match found
    # at every position in every surrounding holds one, as lower() writes it.
    matches = 0
    for phrase, (before, after) in itertools.product(_forms()[rule], SURROUNDINGS):
        for variant in _variants(phrase, folded=False):
            for m in anchoring._RULES[rule].finditer(before.format(variant) + after):
                assert any(w in m.group(0).lower() for w in anchoring._ALSO[rule]), m
                matches += 1
    assert matches >= len(_forms()[rule]) * len(SURROUNDINGS)


def test_a_rule_tried_from_too_few_words_would_miss_its_longest_form() -> None:
    # What this file guards: with one word fewer, the longest forms are not found.
    text = "The talks ended during March last year, and on the following day."
    low = text.lower()
    for rule, phrase in (
        ("month", "during March last year"),
        ("near", "on the following day"),
    ):
        pattern = anchoring._RULES[rule]
        needles = anchoring._NEEDLES[rule]
        words = anchoring._WORDS[rule]
        full = [m.group(0) for m in pattern.finditer(text)]
        near = [
            m.group(0) for m in anchoring.dates.finditer_near(pattern, text, low, needles, words)
        ]
        fewer = [
            m.group(0)
            for m in anchoring.dates.finditer_near(pattern, text, low, needles, words - 1)
        ]
        assert phrase in full and near == full
        assert phrase not in fewer


def _words_of(pattern: re.Pattern[str]) -> list[str]:
    return re.search(r"\(\?:([a-z|]+)\)", pattern.pattern).group(1).split("|")


BEFORE_WORDS = _words_of(anchoring._NOT_DAY_BEFORE) + _words_of(anchoring._DURATION_BEFORE)


def test_the_words_before_a_phrase_are_looked_for_far_enough_back() -> None:
    assert "maundy" in BEFORE_WORDS and "their" in BEFORE_WORDS  # the words were read
    assert max(map(len, BEFORE_WORDS)) <= anchoring._LONGEST_BEFORE


@pytest.mark.parametrize("space", [" ", "  ", "\n", "\t", "\u00a0", " " * 200, "\u2003 \n"])
def test_a_custom_or_a_duration_is_told_as_before(space: str) -> None:
    phrases = ("Friday", "Sunday's", "week", "last week", "year", "this morning", "next month")
    prefixes = ("", "x", "Xthe", "in", "of the", "on")
    cases = 0
    ends = (", then left.", " prayers.", "")
    for word, phrase, prefix, end in itertools.product(BEFORE_WORDS, phrases, prefixes, ends):
        for written in (word, word.upper(), word.title()):
            text = f"Officials said {prefix}{written}{space}{phrase}{end}"
            expected = _every_position(text)
            assert [(f.start, f.end, f.rule) for f in anchoring._find(text)] == expected, text
            cases += 1
    assert cases > 1000
