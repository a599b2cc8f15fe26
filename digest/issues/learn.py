"""A section classifier learned from the editor's own published issues.

Training examples are the paragraphs of published issues, each labelled with the section the
editor left it in (see drafting.published_examples for which files count). The model is a
multinomial naive Bayes over words and word pairs with add-one smoothing: small, fast to
train on every draft, and it degrades gracefully with few examples. It starts deciding only
once there are MIN_ISSUES issues and MIN_EXAMPLES paragraphs; before that the keyword rules
decide alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise, repeat

MIN_ISSUES = 3
MIN_EXAMPLES = 40

_WORD = re.compile(r"[^\W\d_]{2,}")
# Arabic: diacritics and tatweel go; alef and teh marbuta forms are folded, as readers do.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_FOLD = str.maketrans("أإآىة", "اااىه")
# "On February 4," and the closing "(Source, Source)." carry no topic.
_DATE_LEAD = re.compile(r"^\s*On [A-Z][a-z]+ \d{1,2},\s*")
_CITATIONS = re.compile(r"\s*\([^()]*\)\.?\s*$")
_STOP = frozenset(
    "the of and to in on at by for from with as is was were be been are has have had it its "
    "that this these those an or but not after before over into about said says say also "
    "their his her they he she we our who which while than then there when where will would "
    "could can may one two three new last other more most some such per since during".split()
)


def words(text: str) -> list[str]:
    """The features of a text: lower-cased words (Arabic folded) and adjacent word pairs."""
    text = _ARABIC_MARKS.sub("", text.casefold()).translate(_ARABIC_FOLD)
    found = [w.removeprefix("ال") if len(w) > 4 else w for w in _WORD.findall(text)]
    found = [w for w in found if w not in _STOP]
    return found + [f"{a} {b}" for a, b in pairwise(found)]


def paragraph_text(text: str) -> str:
    """A published paragraph without its date lead and its citations."""
    return _CITATIONS.sub("", _DATE_LEAD.sub("", text))


@dataclass(frozen=True)
class Model:
    sections: tuple[str, ...]
    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    log_unseen: dict[str, float]  # a word never seen in a section's examples
    issues: int
    examples: int

    def log_scores(self, text: str) -> dict[str, float]:
        """Per section: log prior + log likelihood of the text's features, unnormalized."""
        known = self._known()
        features = [w for w in words(text) if w in known]
        return {
            section: self.log_prior[section]
            + sum(map(self.log_likelihood[section].get, features, repeat(self.log_unseen[section])))
            for section in self.sections
        }

    def _known(self) -> frozenset[str]:
        """Every feature some section's examples hold (the features scored), gathered once
        per model, not looked up section by section for every item a draft places."""
        known = self.__dict__.get("_known_features")
        if known is None:
            known = frozenset().union(*(self.log_likelihood[s] for s in self.sections))
            object.__setattr__(self, "_known_features", known)  # frozen: set once, derived
        return known

    def describe(self) -> str:
        return f"learned from {self.examples} paragraphs of {self.issues} published issues"


def train(examples: Iterable[tuple[str, str]], issues: int) -> Model | None:
    """A model from (section key, paragraph text) pairs; None while there is too little to
    learn from (fewer than MIN_ISSUES issues or MIN_EXAMPLES paragraphs, or one section)."""
    counts: dict[str, Counter[str]] = {}
    documents: Counter[str] = Counter()
    for section, text in examples:
        counts.setdefault(section, Counter()).update(words(text))
        documents[section] += 1
    total = sum(documents.values())
    if issues < MIN_ISSUES or total < MIN_EXAMPLES or len(documents) < 2:
        return None
    vocabulary = len(set().union(*counts.values()))
    sections = tuple(sorted(documents))
    log_likelihood = {}
    log_unseen = {}
    for section in sections:
        size = sum(counts[section].values()) + vocabulary
        log_unseen[section] = math.log(1 / size)
        log_likelihood[section] = {w: math.log((n + 1) / size) for w, n in counts[section].items()}
    return Model(
        sections=sections,
        log_prior={s: math.log(documents[s] / total) for s in sections},
        log_likelihood=log_likelihood,
        log_unseen=log_unseen,
        issues=issues,
        examples=total,
    )


def softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    weights = {key: math.exp(value - top) for key, value in scores.items()}
    total = sum(weights.values())
    return {key: weight / total for key, weight in weights.items()}
