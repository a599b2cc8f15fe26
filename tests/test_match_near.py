"""The day-phrase patterns tried only near their key words find exactly what trying them at
every position found (issue 25): dates.finditer_near against pattern.finditer, and
anchoring.relative_words / dates.dated against the code they replaced (every rule tried
everywhere; a clause cut with re.split and searched for its background and future words in
both languages, where ASCII text is now searched for the English ones only), on every paragraph
of the synthetic archive, the texts the day-phrase tests use, every Markdown file of the
checkout, and random text built from the phrases' own words."""

from __future__ import annotations

import ast
import random
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from benchmarks.archive import issue_markdown
from digest.text import anchoring, dates

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = date(2024, 2, 6)


# ---------------------------------------------------------------- the code before


def _find_before(text: str) -> list[tuple[int, int, str]]:
    """Every rule tried at every position (the Arabic ones in Arabic text)."""
    arabic = bool(re.search("[\u0600-\u06ff]", text))
    found = [
        (m.start(), m.end(), rule)
        for rule, pattern in anchoring._RULES.items()
        if arabic or not rule.startswith("ar_")
        for m in pattern.finditer(text)
        if anchoring._is_reference(rule, m, text)
    ]
    chosen: list[tuple[int, int, str]] = []
    for f in sorted(found, key=lambda f: (f[0], -f[1])):
        if not chosen or f[0] >= chosen[-1][1]:
            chosen.append(f)
    return chosen


def _dated_before(text: str, published: date) -> tuple[date, str | None]:
    patterns = dates._PATTERNS + (dates._AR_PATTERNS if dates._ARABIC_LETTER.search(text) else ())
    matches = sorted(
        (m for pattern in patterns for m in pattern.finditer(text)),
        key=lambda m: (m.start(), -m.end()),
    )
    for match in matches:
        # the clause cut by re.split, searched for the words of both languages
        clause = re.split(r"[.,;:!?،؛]", text[: match.start()])[-1]
        if dates._BACKGROUND.everywhere.search(clause):
            continue
        if match.re in (dates._WEEKDAY, dates._AR_WEEKDAY) and dates._AHEAD.everywhere.search(
            clause
        ):
            continue
        day = dates._resolve(match, published)
        if day is not None and published - dates._MAX_LAG <= day <= published:
            return day, match.group(0)
    today = dates._TODAY.search(text)
    return published, today.group(0) if today else None


# ---------------------------------------------------------------- the corpus


def _archive_paragraphs() -> list[str]:
    return [
        part
        for number in range(1, 61)
        for part in issue_markdown(number)[1].split("\n\n")
        if part.strip()
    ]


def _test_strings() -> list[str]:
    """Every string literal of the day-phrase tests: the cases their authors thought of."""
    out = []
    for name in ("test_anchoring.py", "test_dates.py", "test_draft_front.py"):
        tree = ast.parse((ROOT / "tests" / name).read_text(encoding="utf-8"))
        out += [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
    return out


def _checkout_paragraphs() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        part
        for name in listed
        if (ROOT / name).is_file()
        for part in (ROOT / name).read_text(encoding="utf-8", errors="replace").split("\n\n")
    ]


_WORDS = (
    "on late early last this coming next the a an every Good Friday prayers week weekend "
    "month year during over in for within earlier later same day days before after previous "
    "following ago two a one ten 3 14 of March May may 18th 2nd yesterday today tonight "
    "tomorrow morning afternoon evening night noon dawn since until will scheduled "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday MONDAY sunday Sunday's "
    "week's year's Sunday’s and but when while as at with by near amid that ended "
    "أمس الأحد يوم الجمعة مساء الأسبوع الماضي 4 شباط"
).split()
_GLUE = (" ", " ", " ", "  ", "\n", "\t", "\u00a0", ", ", ". ", "-", "'", "(", ") ", "; ", "")
_ODD = ("\u017f", "\u0131", "\u0130", "\u212a", "ẞ", "ß", "Σ")


def _random_texts(count: int) -> list[str]:
    rng = random.Random(25)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 40)):
            word = rng.choice(_WORDS)
            if rng.random() < 0.02:
                at = rng.randrange(len(word) + 1)
                word = word[:at] + rng.choice(_ODD) + word[at:]
            if rng.random() < 0.1:
                word = word.upper() if rng.random() < 0.5 else word.capitalize()
            parts += [word, rng.choice(_GLUE)]
        texts.append("".join(parts))
    return texts


def _corpus() -> list[str]:
    return _archive_paragraphs() + _test_strings() + _checkout_paragraphs() + _random_texts(3000)


CORPUS = _corpus()


def _spans(matches) -> list[tuple[int, int, tuple]]:
    return [(m.start(), m.end(), m.groups()) for m in matches]


# ---------------------------------------------------------------- the tests

_M = re.compile(r"yeſterday|thıs morning|laſt weeK")


def test_the_corpus_holds_the_phrases() -> None:
    # A corpus without day phrases would prove nothing.
    assert len(CORPUS) > 5000
    assert sum(bool(_find_before(t)) for t in CORPUS) > 1500
    assert sum(_dated_before(t, PUBLISHED)[1] is not None for t in CORPUS) > 700


def test_each_pattern_finds_what_it_found_at_every_position() -> None:
    patterns = [
        (p, anchoring._NEEDLES[rule], 5)
        for rule, p in anchoring._RULES.items()
        if not rule.startswith("ar_")
    ] + [(p, dates._NEEDLES[p], 3) for p in dates._PATTERNS]
    for text in CORPUS:
        low = text.lower()
        for pattern, needles, words in patterns:
            near = _spans(dates.finditer_near(pattern, text, low, needles, words))
            assert near == _spans(pattern.finditer(text)), (pattern.pattern[:60], text)


def test_relative_words_and_dated_are_unchanged() -> None:
    days = [PUBLISHED + timedelta(days=n) for n in (-3, 0, 5)]
    for text in CORPUS:
        found = [(f.start, f.end, f.rule) for f in anchoring._find(text)]
        assert found == _find_before(text), text
        for day in days:
            assert dates.dated(text, day) == _dated_before(text, day), text


def test_a_whitespace_run_or_a_folding_letter_does_not_hide_a_phrase() -> None:
    # The window before a key word counts words, not characters; "ſ" matches (?i:s).
    text = "It happened late on" + " " * 200 + "Sunday, not yeſterday, and goes on today."
    found = anchoring.relative_words(text)
    assert found[:2] == ["late on" + " " * 200 + "Sunday", "yeſterday"]
    assert [(f.start, f.end, f.rule) for f in anchoring._find(text)] == _find_before(text)
    # ... even where no other word of its rule is there to be seen in the lowered text
    for text in ("It happened yeſterday.", "Talks reſume thıs morning.", "It was laſt weeK."):
        assert anchoring.relative_words(text) == [m.group(0) for m in [_M.search(text)]], text
    assert dates.dated("The strike came yeſterday.", PUBLISHED) == (
        PUBLISHED - timedelta(days=1),
        "yeſterday",
    )


def test_a_clause_runs_back_to_the_last_mark_as_re_split_cuts_it() -> None:
    rng = random.Random(8)
    pieces = [*".,;:!?،؛", "a", "ب", " ", "on Sunday", "\n"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        for start in range(len(text) + 1):
            cut = re.split(r"[.,;:!?،؛]", text[:start])[-1]
            assert dates.clause_before(text, start) == cut, (text, start)


# Every alternative of the English background and future words (dates._BACKGROUND_EN,
# dates._AHEAD_EN), which an ASCII clause is searched for only when it holds one of the
# words each match holds.
_TURN_PHRASES = {
    "_BACKGROUND": (
        *("since", "until", "till"),
        *(
            f"that {had}{turn}"
            for had in ("", "had ", "has ", "was ", "were ")
            for turn in (
                "ended",
                "began",
                "begun",
                "started",
                "opened",
                "closed",
                "concluded",
                "launched",
                "expired",
                "took place",
            )
        ),
        *(
            f"{when} the long talks {had}ended"
            for when in ("after", "before", "when", "once")
            for had in ("", "had ")
        ),
        "which began",
        "who started",
    ),
    "_AHEAD": (
        *("will", "won't", "shall", "would", "scheduled", "expected to", "is expected"),
        *("are expected", "is due", "are due", "due to be", "set to", "set for", "plan to"),
        *("plans to", "planned for", "planning to", "intend to", "intends to", "upcoming"),
        *("is to", "are to", "going to", "to be held", "for"),
    ),
}


def test_an_ascii_clause_turns_as_the_words_of_both_languages_turn_it() -> None:
    turned = 0
    for name, phrases in _TURN_PHRASES.items():
        turn = getattr(dates, name)
        for phrase in phrases:
            for written in (phrase, phrase.title(), phrase.upper(), phrase.replace(" ", "  ")):
                for clause in (
                    written,
                    f"The council {written} vote",
                    f"x{written}",
                    f"{written}y",
                ):
                    expected = turn.everywhere.search(clause) is not None
                    assert dates._turns(turn, clause) == expected, (name, clause)
                    turned += expected
    assert turned >= 4 * sum(map(len, _TURN_PHRASES.values()))  # the phrases are ones that turn
