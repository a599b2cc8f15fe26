"""Which section an item belongs to, and why: the source's default, then keyword rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from digest.models import Decision, Item, SectionRule, Source

TITLE_WEIGHT = 2  # a keyword in the headline says more than one in the body
LOW_CONFIDENCE = 0.6


@cache
def _pattern(keyword: str) -> re.Pattern[str]:
    # Latin words match whole words; Arabic ones also match with attached prefixes (و، ب، ال).
    if keyword.isascii():
        return re.compile(r"\b" + re.escape(keyword) + r"\b", re.IGNORECASE)
    return re.compile(re.escape(keyword))


def keyword_scores(text: str, title: str, rules: Sequence[SectionRule]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for rule in rules:
        score = 0
        for keyword in rule.keywords:
            pattern = _pattern(keyword)
            score += TITLE_WEIGHT * len(pattern.findall(title)) + len(pattern.findall(text))
        if score:
            scores[rule.key] = score
    return scores


def classify(item: Item, source: Source | None, rules: Sequence[SectionRule]) -> Decision | None:
    """The section for `item`, or None when nothing points anywhere (the editor decides)."""
    keys = [rule.key for rule in rules]
    if source is not None and source.section in keys:
        return Decision(source.section, "source", f"default section of {source.name}")
    scores = keyword_scores(item.text, item.title, rules)
    if not scores:
        return None
    # Highest score wins; ties go to the section listed first.
    best = max(scores, key=lambda key: (scores[key], -keys.index(key)))
    confidence = scores[best] / sum(scores.values())
    matched = sorted(
        (
            k
            for k in next(r for r in rules if r.key == best).keywords
            if _pattern(k).search(item.title) or _pattern(k).search(item.text)
        ),
    )
    return Decision(best, "rule", "keywords: " + ", ".join(matched[:5]), round(confidence, 2))
