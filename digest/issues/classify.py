"""Which section an item belongs to, and why: the source's default, then keyword rules, and,
once the editor has published enough issues, what was learned from them (issues/learn.py).

Keywords (DIGEST_SECTIONS; defaults in taxonomy.py) match case-insensitively, as whole words
or phrases; a keyword ending in `*` is a stem ("farmer*": farmers, farmer's). A phrase of
several words counts PHRASE_WEIGHT times per hit (it says more than one word). A keyword
ending in `!` is a marker of an editorial convention and counts MARKER_WEIGHT times, so it
settles the section among another section's words: "protest!" keeps a protest over power
cuts in politics, "budget*!" a budget that raises defence spending in economy, "flood*!" a
flood that drowns a child in humanitarian. A keyword ending in `!!` is a marker that
outranks the others, counting twice MARKER_WEIGHT: a reaction ("condemn*!!") outweighs the
attack it names, even one marked itself ("car bomb!").

Where a word stands matters as news is written: the headline and the lead (the text's first
sentence, up to a full stop or a semicolon) say what the story is about, the rest gives
context. A hit in the headline counts
TITLE_WEIGHT times, one in the lead LEAD_WEIGHT times. After the lead a marker counts as a
phrase, not as a marker: a bombing report that ends "the governor condemned the attack" is
still about the bombing, while "The governor condemned the bombing that killed ..." is a
reaction, and politics.

Arabic keywords also match with the prefixes they attach (و ف ب ك ل, ال) and with an
accusative alif ("محافظاً"), but no other ending unless marked `*` ("محافظ", the governor, is
not "محافظة", the province); diacritics, tatweel, the alef's forms and final ة/ه and ى/ي are
not told apart. The reason given names the matched keywords that counted most.

With a learned model, the keyword counts enter as one more piece of evidence: the section
whose learned score plus KEYWORD_WEIGHT x log(share of the keyword hits) is highest wins, so
a clear keyword signal still counts and the model settles what the keywords leave open.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache

from digest.issues.learn import Model, softmax
from digest.models import Decision, Item, SectionRule, Source

TITLE_WEIGHT = 2  # a keyword in the headline says more than one in the body
LEAD_WEIGHT = 2  # so does one in the first sentence, where wire copy says what happened
PHRASE_WEIGHT = 2  # "drinking water" says more than "water"
MARKER_WEIGHT = 5  # a marker outweighs the other section's vocabulary it is usually told with
LOW_CONFIDENCE = 0.6
KEYWORD_WEIGHT = 3.0

# Arabic is compared as readers read it: no diacritics or tatweel, one alef, ة as ه, ى as ي.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670]")
# Attached conjunction and prepositions (و ف ب ك ل, "لل" for li + al-), then the article.
_ARABIC_PREFIX = "(?:[وفبكل]{0,2}(?:ال)?)"
# The lead is the text's first clause that stands alone: it ends at the first full stop,
# question or exclamation mark or semicolon followed by a space, unless the mark follows a
# capital ("U.S. forces"; "Gen. X" is a rare early cut). Wire copy puts the news first and
# joins a reaction or a detail after a semicolon.
_LEAD_END = re.compile(r"(?<=[^A-Z\s][.!?;\u061f\u061b])\s+")


def _fold(text: str) -> str:
    return _MARKS.sub("", text).translate(_FOLD).lower()


@cache
def _keyword(keyword: str) -> tuple[str, str, int]:
    """A keyword as written in DIGEST_SECTIONS: a piece of text every match contains (a
    quick test before the pattern's), the pattern's source, and what one hit counts."""
    marks = len(keyword) - len(keyword.rstrip("!"))  # "!" a marker, "!!" one that outranks
    word = _fold(keyword.rstrip("!").strip())
    stem = word.endswith("*")
    words = word.removesuffix("*").split()
    weight = marks * MARKER_WEIGHT if marks else PHRASE_WEIGHT if len(words) > 1 else 1
    if word.isascii():
        body = r"\s+".join(map(re.escape, words))
        return words[0], rf"\b{body}" + (r"\w*" if stem else r"\b"), weight
    # Arabic words carry their prefixes attached, each word of a phrase its own.
    body = r"\s+".join(_ARABIC_PREFIX + re.escape(w) for w in words)
    return words[0], rf"(?<!\w){body}" + (r"\w*" if stem else r"ا?(?!\w)"), weight


# Compiled only once an item holds its keyword's text: most keywords are in no item of a
# week, and compiling the taxonomy's 700 patterns would cost more than a week's matching.
_pattern = cache(re.compile)


_Entry = tuple[str, str, str, int]  # keyword, needle, pattern source, weight (_keyword)


@cache
def _keyword_table(
    keywords: tuple[str, ...],
) -> tuple[dict[str, tuple[_Entry, ...]], tuple[_Entry, ...]]:
    """A section's keywords (_keyword), looked up once per item: those whose needle has
    three characters or more by its first three, and the others."""
    by_start: dict[str, list[_Entry]] = {}
    short = []
    for keyword in keywords:
        entry = (keyword, *_keyword(keyword))
        if len(entry[1]) >= 3:
            by_start.setdefault(entry[1][:3], []).append(entry)
        else:
            short.append(entry)
    return {start: tuple(entries) for start, entries in by_start.items()}, tuple(short)


def _parts(title: str, text: str) -> tuple[str, str, str]:
    """The folded headline, lead and rest of an item, the places `_counts` weighs apart."""
    lead, *rest = _LEAD_END.split(text.strip(), maxsplit=1)
    return _fold(title), _fold(lead), _fold(rest[0]) if rest else ""


class _Read:
    """An item's folded parts, and the runs of three characters its text holds: a keyword's
    needle can be in the text only if its first three characters are one of them, so most
    of a taxonomy's keywords are passed over without a search."""

    def __init__(self, title: str, text: str) -> None:
        self.parts = _parts(title, text)
        self.whole = "\n".join(self.parts)
        whole = self.whole
        self.starts = {whole[i : i + 3] for i in range(len(whole) - 2)}


def _counts(keywords: tuple[str, ...], read: _Read) -> dict[str, int]:
    """What each of `keywords` found in an item's headline, lead and rest adds to its
    section's score; keywords not found are left out."""
    by_start, short = _keyword_table(keywords)
    whole = read.whole
    counts = {}
    for start in read.starts & by_start.keys():
        for keyword, needle, source, weight in by_start[start]:
            if needle in whole and (count := _count(needle, source, weight, read)):
                counts[keyword] = count
    for keyword, needle, source, weight in short:
        if needle in whole and (count := _count(needle, source, weight, read)):
            counts[keyword] = count
    return counts


def _count(needle: str, source: str, weight: int, read: _Read) -> int:
    """What one keyword found. Every match holds the keyword's needle, so a part without
    it is not searched: most keywords are in no given item, and the regex is slower."""
    title, lead, rest = read.parts
    pattern = _pattern(source)
    # A marker settles the section where the story says what it is about, not after.
    later = min(weight, PHRASE_WEIGHT)
    return (
        (weight * TITLE_WEIGHT * len(pattern.findall(title)) if needle in title else 0)
        + (weight * LEAD_WEIGHT * len(pattern.findall(lead)) if needle in lead else 0)
        + (later * len(pattern.findall(rest)) if needle in rest else 0)
    )


def _rule_counts(
    title: str, text: str, rules: Sequence[SectionRule]
) -> list[tuple[str, dict[str, int]]]:
    """(section, what each of its keywords found: _counts) for every rule, in order."""
    read = _Read(title, text)
    return [(rule.key, _counts(tuple(rule.keywords), read)) for rule in rules]


def keyword_scores(text: str, title: str, rules: Sequence[SectionRule]) -> dict[str, int]:
    return _scores(_rule_counts(title, text, rules))


def _scores(counted: list[tuple[str, dict[str, int]]]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for key, counts in counted:
        score = sum(counts.values())
        if score:
            scores[key] = score
    return scores


def classify(
    item: Item,
    source: Source | None,
    rules: Sequence[SectionRule],
    model: Model | None = None,
) -> Decision | None:
    """The section for `item`, or None when nothing points anywhere (the editor decides)."""
    keys = [rule.key for rule in rules]
    if source is not None and source.section in keys:
        return Decision(source.section, "source", f"default section of {source.name}")
    counted = _rule_counts(item.title, item.text, rules)
    scores = _scores(counted)
    # Highest score wins; ties go to the section listed first.
    best = max(scores, key=lambda key: (scores[key], -keys.index(key))) if scores else None
    known = [key for key in keys if model and key in model.sections]
    # The model decides among the sections it has seen examples of; keywords pointing to a
    # section it has never seen (new in the settings) still place the item there.
    if model is not None and len(known) > 1 and (best is None or best in known):
        return _learned(item, scores, model, counted, known)
    if best is None:
        return None
    confidence = scores[best] / sum(scores.values())
    return Decision(best, "rule", _keywords(counted, best), round(confidence, 2))


def always_placed(rules: Sequence[SectionRule], model: Model | None) -> bool:
    """Whether classify places every item (never None) with these rules and this model: a
    model that has seen examples of two sections or more decides whatever the keywords
    found (classify), so which items are placed is known before any is read."""
    return model is not None and sum(rule.key in model.sections for rule in rules) > 1


def _learned(
    item: Item,
    scores: dict[str, int],
    model: Model,
    counted: list[tuple[str, dict[str, int]]],
    keys: list[str],
) -> Decision:
    learned = model.log_scores(f"{item.title}. {item.text}")
    hits = sum(scores.get(key, 0) for key in keys)
    combined = {
        key: learned[key] + KEYWORD_WEIGHT * math.log((scores.get(key, 0) + 1) / (hits + len(keys)))
        for key in keys
    }
    chances = softmax(combined)
    best = max(keys, key=lambda key: (combined[key], -keys.index(key)))
    detail = f"{model.describe()} (p={softmax({k: learned[k] for k in keys})[best]:.2f})"
    if scores.get(best):
        detail = f"{_keywords(counted, best)}; {detail}"
    return Decision(best, "learned", detail, round(chances[best], 2))


def _keywords(counted: list[tuple[str, dict[str, int]]], key: str) -> str:
    """The section's keywords found in the item, as listed, those that counted most first
    (`counted`: _rule_counts)."""
    found = next(counts for section, counts in counted if section == key)
    matched = sorted(found, key=lambda k: (-found[k], k))
    return "keywords: " + ", ".join(matched[:5])
