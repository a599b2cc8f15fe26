"""Same-story merging: items from different sources about one event on nearby days.

Precision first: two items merge only when their TF-IDF cosine similarity is high, so
shared rare words (places, names, figures) count and common news words barely do. On
the bundled sample, same-story pairs score 0.21-0.55 and different events at most 0.20.
Items are blocked by day (the same day and the next), not by section: outlets file one story
under different sections, and the draft puts the merged story in its members' most common
section. Work grows with the items per day, not with all pairs. Words are lightly stemmed
("bombing", "bombs" -> "bomb") so different wordings of one story still share them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from digest.issues import arabic
from digest.issues.places import Gazetteer
from digest.models import Decision, Item

THRESHOLD = 0.17
CROSS_THRESHOLD = 0.24  # an Arabic and an English report, compared on the words they can share
COMMON_SHARE = 0.05  # a word in more than this share of the items is not distinctive ...
MIN_COMMON = 20  # ... unless it is in fewer items than this
_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
_STOP = frozenset(
    "the and for with from that this was were are has have had its his her their they "
    "said says after over into near north south east west about than also been which who "
    "will would could more most some while when where other on in at of to by".split()
)
_PLACE = "@"  # a gazetteer place's token: "@Daquq", the same in every language


@dataclass(frozen=True)
class Candidate:
    item: Item
    section: str
    day: date
    says_when: bool = False
    decision: Decision | None = None


_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ings?|ers?|ed|es|s)$")


def _words(item: Item, places: Gazetteer | None = None) -> tuple[frozenset[str], bool]:
    """(the item's words, whether it is in Arabic script). Arabic news words are put in
    English (arabic.english) so the two languages share them; places become one token."""
    text = f"{item.title} {item.text}"
    words = set()
    foreign = False
    for word in _WORD.findall(arabic.strip_marks(text).lower()):
        if word.isascii():
            if word not in _STOP:
                words.add(_SUFFIX.sub("", word))
            continue
        foreign = True
        words.add(arabic.english(word) or arabic.normal(word))
    if places is not None:
        words.update(_PLACE + m.place.name for m in places.mentions(text))
    return frozenset(words), foreign


def _vectors(word_sets: Sequence[frozenset[str]]) -> list[tuple[dict[str, float], float]]:
    """IDF-weighted word vectors with their norms, the IDF taken over this batch."""
    frequency = Counter(w for words in word_sets for w in words)
    total = len(word_sets)
    vectors = []
    for words in word_sets:
        vector = {w: math.log(1 + total / frequency[w]) for w in words}  # smoothed: >0
        vectors.append((vector, _norm(vector.values())))
    return vectors


def _norm(weights: Iterable[float]) -> float:
    return math.sqrt(sum(x * x for x in weights))


def similarity(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    (va, na), (vb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(vb) < len(va):
        va, vb = vb, va
    return sum(x * vb[w] for w, x in va.items() if w in vb) / (na * nb)


def _shared(vector: tuple[dict[str, float], float]) -> tuple[dict[str, float], float]:
    """The part of a vector an Arabic and an English report can both hold: English words
    (which the glossary gives for Arabic ones), figures and places."""
    shared = {w: x for w, x in vector[0].items() if w.isascii()}
    return shared, _norm(shared.values())


def clusters(
    candidates: Sequence[Candidate], places: Gazetteer | None = None
) -> list[list[Candidate]]:
    """Groups of candidates telling one story; singletons included, input order kept.

    The most similar pairs are joined first, and two groups are joined only when no outlet
    is in both: an outlet tells a story once, so a second report of its own is a second
    event (the next day's bomb in the same district), and the best match wins."""
    read = [_words(c.item, places) for c in candidates]
    word_sets = [words for words, _ in read]
    vectors = _vectors(word_sets)
    across = [_shared(v) for v in vectors]  # compared when two reports differ in script
    # Candidate pairs share a distinctive word (a place, a name, a figure): a pair sharing
    # only common words cannot reach the threshold, and skipping it keeps a 10,000-item
    # week from costing all pairs. Each candidate pair then gets its exact cosine.
    frequency = Counter(w for words in word_sets for w in words)
    common = max(MIN_COMMON, COMMON_SHARE * len(candidates))
    postings: dict[tuple[date, str], list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        for w in word_sets[i]:
            if frequency[w] <= common:
                postings[(c.day, w)].append(i)
    pairs: list[tuple[float, int, int]] = []
    for i, c in enumerate(candidates):
        seen: set[int] = set()
        for w in word_sets[i]:
            if frequency[w] > common:
                continue
            for offset in (-1, 0, 1):  # a story told a day late, when a date is unsure
                for j in postings.get((c.day + timedelta(days=offset), w), ()):
                    if j <= i or j in seen:
                        continue
                    seen.add(j)
                    other = candidates[j]
                    if other.item.source == c.item.source:
                        continue  # one outlet's two reports are two paragraphs
                    if offset and c.says_when and other.says_when:
                        continue  # both name their day, and the days differ
                    if read[i][1] == read[j][1]:
                        score, threshold = similarity(vectors[i], vectors[j]), THRESHOLD
                    else:
                        score, threshold = similarity(across[i], across[j]), CROSS_THRESHOLD
                    if score >= threshold:
                        pairs.append((score, i, j))
    return _join(candidates, sorted(pairs, key=lambda p: (-p[0], p[1], p[2])))


def _join(
    candidates: Sequence[Candidate], pairs: Iterable[tuple[float, int, int]]
) -> list[list[Candidate]]:
    parent = list(range(len(candidates)))
    outlets = [{c.item.source} for c in candidates]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in pairs:
        a, b = root(i), root(j)
        if a != b and not outlets[a] & outlets[b]:
            parent[b] = a
            outlets[a] |= outlets[b]
    groups: dict[int, list[Candidate]] = {}  # dicts keep insertion order: first member's
    for i, c in enumerate(candidates):
        groups.setdefault(root(i), []).append(c)
    return list(groups.values())
