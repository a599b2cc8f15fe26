"""Which section an item belongs to, and why: the source's default, then keyword rules, and,
once the editor has published enough issues, what was learned from them (issues/learn.py).

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
LOW_CONFIDENCE = 0.6
KEYWORD_WEIGHT = 3.0


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
    scores = keyword_scores(item.text, item.title, rules)
    # Highest score wins; ties go to the section listed first.
    best = max(scores, key=lambda key: (scores[key], -keys.index(key))) if scores else None
    known = [key for key in keys if model and key in model.sections]
    # The model decides among the sections it has seen examples of; keywords pointing to a
    # section it has never seen (new in the settings) still place the item there.
    if model is not None and len(known) > 1 and (best is None or best in known):
        return _learned(item, scores, model, rules, known)
    if best is None:
        return None
    confidence = scores[best] / sum(scores.values())
    return Decision(best, "rule", _keywords(item, rules, best), round(confidence, 2))


def _learned(
    item: Item,
    scores: dict[str, int],
    model: Model,
    rules: Sequence[SectionRule],
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
        detail = f"{_keywords(item, rules, best)}; {detail}"
    return Decision(best, "learned", detail, round(chances[best], 2))


def _keywords(item: Item, rules: Sequence[SectionRule], key: str) -> str:
    rule = next(r for r in rules if r.key == key)
    matched = sorted(
        k for k in rule.keywords if _pattern(k).search(item.title) or _pattern(k).search(item.text)
    )
    return "keywords: " + ", ".join(matched[:5])
