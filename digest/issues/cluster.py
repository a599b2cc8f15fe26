"""Same-story merging: items from different sources about one event on nearby days.

Precision first: two items merge only when their TF-IDF cosine similarity is high, so
shared rare words (places, names, figures) count and common news words barely do. On
the bundled sample, same-story pairs score 0.21-0.55 and different events at most 0.20.
Items are blocked by day (the same day and the next), not by section: outlets file one story
under different sections, and the draft puts the merged story in its members' most common
section. Work grows with the items per day, not with all pairs. Words are lightly stemmed
("bombing", "bombs" -> "bomb") so different wordings of one story still share them.

A group is judged as a whole, not by its best link: a chain A~B, B~C does not put A and C
together unless C resembles the whole group (on average as much as a same-story pair, and
no member less than half as much), no outlet is in it twice, and no two members name
different days. Sharing a place or a person with one member is not enough.

`reprints` is the daily layout's stricter rule: only the same report republished by
several outlets on the same day becomes one item. A reprint repeats the report's runs of
words, not only its vocabulary: most three-word runs of the shorter one are in the other
(a rewrite of the same event shares words but few runs), and every member must be a reprint
of every other (complete linkage). A copy may drop a sentence, so one report may name what
the other does not; when each names a place, a name or a figure the other lacks ("in
Hawija ... wounding two" and "in Daquq ... wounding one"), they are two reports told in the
same words, not one republished. Reports in two scripts are never reprints of each other.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from digest.issues import parallel
from digest.issues.incidents import is_attack, remember_attacks
from digest.models import Decision, Item
from digest.text import arabic
from digest.text.places import KINDS as PLACE_KINDS
from digest.text.places import Gazetteer, Place

THRESHOLD = 0.17
CROSS_THRESHOLD = 0.24  # an Arabic and an English report, compared on the words they can share
# A joined group holds together when no cross pair is below GROUP_FLOOR of its threshold
# and the cross pairs reach GROUP_MEAN of it on average. On the labeled weeks (benchmarks/
# grouping.py) 0.5/0.8 keeps the merge recall of single links (0.95) with no chain merged.
GROUP_FLOOR = 0.5
GROUP_MEAN = 0.8
# Candidate pairs are at most a day apart: a story told a day late, when a date is unsure.
_NEAR_DAYS = (-1, 0, 1)
REPRINT_SHARE = 0.6  # daily: the share of the shorter report's three-word runs in the other
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


def _words(
    item: Item, places: Gazetteer | None = None
) -> tuple[frozenset[str], bool, tuple[Place, ...]]:
    """(the item's words, whether it is in Arabic script, the places it names). Arabic news
    words are put in English (arabic.english) so the two languages share them; places
    become one token."""
    text = f"{item.title} {item.text}"
    words = set()
    foreign = False
    for word in _WORD.findall(arabic.strip_marks(text).lower()):
        foreign = foreign or not word.isascii()
        if (term := _term(word)) is not None:
            words.add(term)
    named = tuple(m.place for m in places.mentions(text)) if places is not None else ()
    words.update(_PLACE + place.name for place in named)
    return frozenset(words), foreign, named


def _reading(
    item: Item, places: Gazetteer | None, attacks: bool
) -> tuple[frozenset[str], bool, tuple[Place, ...], bool | None]:
    """_words, and with `attacks` whether a text that names a province or a place in one
    tells of an attack (is_attack; None when not read)."""
    words, foreign, named = _words(item, places)
    bounded = any(p.rank >= PLACE_KINDS["province"] for p in named)
    attack = is_attack(item.title, item.text) if attacks and bounded else None
    return words, foreign, named, attack


@functools.lru_cache(maxsize=65536)  # a week's reports repeat their words
def _term(word: str) -> str | None:
    """A word as `_words` counts it: English lightly stemmed (None for a stop word), Arabic
    in English where the glossary has it, else in its normal form."""
    if word.isascii():
        return None if word in _STOP else _SUFFIX.sub("", word)
    return arabic.english(word) or arabic.normal(word)


def _apart(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    """Whether two reports tell of different places: each names a province or a place in
    one, and no place or province of one is among the other's ("a bomb in Daquq" and "a
    bomb in Tarmiyah" are two bombs, however alike their words; Tarmiyah and Baghdad may be
    one). A region (the Kurdistan Region) spans provinces: it sets no bound."""
    if not any(p.rank >= PLACE_KINDS["province"] for p in a):
        return False
    if not any(p.rank >= PLACE_KINDS["province"] for p in b):
        return False
    return _areas(a).isdisjoint(_areas(b))


def _areas(named: tuple[Place, ...]) -> set[str]:
    return {p.name.casefold() for p in named} | {p.province.casefold() for p in named if p.province}


def _frequency(word_sets: Sequence[frozenset[str]], counts: Sequence[int]) -> Counter[str]:
    """In how many items each word is, when each word set stands for `counts` items (a
    report and its word-for-word reprints)."""
    frequency: Counter[str] = Counter()
    for words, count in zip(word_sets, counts, strict=True):
        for w in words:
            frequency[w] += count
    return frequency


def _vectors(
    word_sets: Sequence[frozenset[str]], frequency: Counter[str], total: int
) -> list[tuple[dict[str, float], float]]:
    """IDF-weighted word vectors with their norms, the IDF taken over this batch of `total`
    items (`frequency`: _frequency)."""
    # A word weighs the same in every text: its weight is worked out once, not per text.
    idf = {w: math.log(1 + total / count) for w, count in frequency.items()}  # smoothed: >0
    vectors = []
    for words in word_sets:
        vector = {w: idf[w] for w in words}
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


def _dot(
    a: tuple[dict[str, float], float],
    b: tuple[dict[str, float], float],
    place_a: dict[str, int],
    place_b: dict[str, int],
) -> float:
    """similarity(a, b), to the last bit, with the shared words found by a set intersection
    (in C) instead of a Python loop over every word of the shorter vector: the products are
    summed in the order that loop meets them (`place_a`, `place_b`: each word's position in
    its vector's order), so the float sum is the same."""
    (va, na), (vb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(vb) < len(va):
        va, vb, place_a = vb, va, place_b
    shared = va.keys() & vb.keys()
    if not shared:
        return 0.0
    ordered = sorted(shared, key=place_a.__getitem__) if len(shared) > 1 else shared
    return sum(map(operator.mul, map(va.__getitem__, ordered), map(vb.__getitem__, ordered))) / (
        na * nb
    )


def _shared(vector: tuple[dict[str, float], float]) -> tuple[dict[str, float], float]:
    """The part of a vector an Arabic and an English report can both hold: English words
    (which the glossary gives for Arabic ones), figures and places."""
    shared = {w: x for w, x in vector[0].items() if w.isascii()}
    return shared, _norm(shared.values())


class _Scorer:
    """Pair scores as a share of their threshold (1.0 = just similar enough), cached.

    Outlets reprint wire copy word for word, and a report's words, vector and score follow
    from its headline and text alone: each distinct (headline, text), a "text" below, is read
    and scored once, whichever outlets carry it. A score is a float sum taken in the order
    of its first vector's words, so the text pair is kept in the order the pair was first
    asked for: the same floats, to the last bit, as scoring every item pair on its own."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        places: Gazetteer | None,
        thresholds: tuple[float, float],
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        texts: dict[tuple[str, str], int] = {}  # each distinct text's number
        self.text: list[int] = []  # each candidate's
        first = []  # each distinct text's first item
        for c in candidates:
            told = (c.item.title, c.item.text)
            if told not in texts:
                texts[told] = len(texts)
                first.append(c.item)
            self.text.append(texts[told])
        # A pool's workers also read whether each text that names a place tells of an attack
        # (clusters' `attack`, else asked one by one here, after the pool) and hand it to
        # incidents.is_attack, which the incident rows ask of the same reports.
        pool = parallel.pooled(len(first))
        if meanwhile is not None and not pool:
            meanwhile()  # beside this process's reading (clusters)
        read = parallel.read_all(functools.partial(_reading, places=places, attacks=pool), first)
        self.texts = list(texts)
        if pool:
            remember_attacks(
                {told: r[3] for told, r in zip(self.texts, read, strict=True) if r[3] is not None}
            )
            if meanwhile is not None:
                meanwhile()  # once the pool is done with the CPUs
        counts = Counter(self.text)
        self.word_sets = [r[0] for r in read]
        self.foreign = [r[1] for r in read]
        self.places = [r[2] for r in read]
        self.frequency = _frequency(self.word_sets, [counts[n] for n in range(len(texts))])
        self.vectors = _vectors(self.word_sets, self.frequency, len(candidates))
        self.across = [_shared(v) for v in self.vectors]  # when two reports differ in script
        # Each word's position in its text's vector (the across vectors keep that order).
        self.place = [{w: n for n, w in enumerate(v)} for v, _ in self.vectors]
        self.thresholds = thresholds
        self._scores: dict[tuple[int, int], float] = {}  # (text, text), in the order asked
        self._asked: dict[tuple[int, int], float] = {}  # (item, item), lower first
        self._candidates: Sequence[Candidate] = ()
        self._block_of: list[int] = []  # each item's block (_pairs)
        self._block_day: list[int] = []  # each block's day, as an ordinal
        self._sources: list[str] = []  # each item's outlet
        self._says: list[bool] = []  # whether each item names its day
        self._block_words: list[frozenset[str]] = []  # each block's distinctive words

    def text_ratio(self, a: int, b: int) -> float:
        """The score of text `a` against text `b`, summed over `a`'s words."""
        key = (a, b)
        score = self._scores.get(key)
        if score is None:
            same, cross = self.thresholds
            place = self.place
            if self.foreign[a] == self.foreign[b]:
                score = _dot(self.vectors[a], self.vectors[b], place[a], place[b]) / same
            else:
                score = _dot(self.across[a], self.across[b], place[a], place[b]) / cross
            self._scores[key] = score
        return score

    def may_reach(self, a: int, b: int) -> bool:
        """False when texts `a` and `b` cannot reach their threshold: their score summed over
        only the words they share, in any order, is below it. Exact scores (text_ratio) sum
        in one order over all of `a`'s words; a sum of a few positive terms taken in another
        order differs from it by far less than the margin, so no pair at the threshold is
        lost, and the pairs that pass are scored exactly as before."""
        shared = self.word_sets[a] & self.word_sets[b]
        if not shared:
            return False
        same, cross = self.thresholds
        if self.foreign[a] == self.foreign[b]:
            (va, na), (vb, nb), threshold = self.vectors[a], self.vectors[b], same
        else:
            (va, na), (vb, nb), threshold = self.across[a], self.across[b], cross
            shared = [w for w in shared if w in va]
        if not na or not nb:
            return False
        return sum(va[w] * vb[w] for w in shared) / (na * nb) / threshold >= 1.0 - 1e-9

    def scored(
        self,
        candidates: Sequence[Candidate],
        block_of: list[int],
        block_day: list[date],
        block_words: list[frozenset[str]],
    ) -> None:
        """What `_pairs` looked at: every pair of items of two blocks at most a day apart
        whose texts share a distinctive word (and which may join)."""
        self._candidates, self._block_of = candidates, block_of
        self._block_day = [day.toordinal() for day in block_day]
        self._block_words = block_words
        self._sources = [c.item.source for c in candidates]
        self._says = [c.says_when for c in candidates]

    def ratio(self, i: int, j: int) -> float:
        """Items i and j's score. A pair `_pairs` looked at is scored lower item first; any
        other in the order it is first asked for, as the cache of item pairs did."""
        low, high = (i, j) if i < j else (j, i)
        if self._block_of:
            # Whether `_pairs` looked at the pair: its blocks are at most a day apart and
            # share a distinctive word, and the two may join (_may_join: the blocks' days
            # are the items' days).
            a, b = self._block_of[low], self._block_of[high]
            apart = self._block_day[a] - self._block_day[b]
            if (
                -1 <= apart <= 1
                and self._sources[low] != self._sources[high]
                and (not apart or not (self._says[low] and self._says[high]))
                and not self._block_words[a].isdisjoint(self._block_words[b])
            ):
                return self.text_ratio(self.text[low], self.text[high])
        score = self._asked.get((low, high))
        if score is None:
            score = self._asked[(low, high)] = self.text_ratio(self.text[i], self.text[j])
        return score


def clusters(
    candidates: Sequence[Candidate],
    places: Gazetteer | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[list[Candidate]]:
    """Groups of candidates telling one story; singletons included, input order kept.

    The most similar pairs are joined first, and two groups are joined only when no outlet
    is in both (an outlet tells a story once, so a second report of its own is a second
    event: the next day's bomb in the same district) and the joined group still holds
    together as a whole (see the module doc). `meanwhile` is a caller's work for other
    processes to do while this one pairs and joins: called once a pool has read the reports
    (it would compete with that pool for the CPUs), or at once when too few are distinct for
    a pool, so that it also has the CPU this process's reading leaves idle."""
    scorer = _Scorer(candidates, places, (THRESHOLD, CROSS_THRESHOLD), meanwhile)
    pairs = _pairs(candidates, scorer)
    text, named = scorer.text, scorer.places

    # Where an attack happened is what tells it from another; a report of talks or trade
    # names places only in passing (Baghdad and Erbil negotiating Basra's exports). Read
    # only for the rare pair whose places are apart: reading every report costs a tenth
    # of a 1,000-item draft.
    @functools.cache
    def attack(number: int) -> bool:
        title, body = scorer.texts[number]
        return is_attack(title, body)

    # _apart, its halves read once per text: whether it names a province or a place in
    # one, and the places and provinces it names.
    bounded = [any(p.rank >= PLACE_KINDS["province"] for p in these) for these in named]
    areas = [_areas(these) if bound else set() for these, bound in zip(named, bounded, strict=True)]

    def compatible(group: list[int], other: list[int]) -> bool:
        """Whether no report of one group and one of the other tell of attacks in places
        apart (_apart), each pair of texts looked at once."""
        mine = {text[x] for x in group if bounded[text[x]]}
        if not mine:
            return True
        theirs = {text[y] for y in other if bounded[text[y]]}
        apart = [(a, b) for a in mine for b in theirs if areas[a].isdisjoint(areas[b])]
        return not any(attack(a) and attack(b) for a, b in apart)

    return _join(
        candidates, pairs, scorer.ratio, floor=GROUP_FLOOR, mean=GROUP_MEAN, compatible=compatible
    )


def reprints(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """The daily layout's groups: the same report republished by several outlets on the
    same day (see the module doc). Singletons included, input order kept."""
    runs = [_runs(c.item) for c in candidates]
    specifics = [_specifics(c.item) for c in candidates]

    def ratio(i: int, j: int) -> float:
        shorter = min(len(runs[i]), len(runs[j])) or 1
        return len(runs[i] & runs[j]) / shorter / REPRINT_SHARE

    postings: dict[tuple[date, tuple[str, ...]], list[int]] = defaultdict(list)
    pairs: list[tuple[float, int, int]] = []
    for i, c in enumerate(candidates):
        earlier = {j for run in runs[i] for j in postings[(c.day, run)]}
        for j in sorted(earlier):
            if _may_join(candidates[j], c) and ratio(i, j) >= 1.0:
                pairs.append((ratio(i, j), j, i))
        for run in runs[i]:
            postings[(c.day, run)].append(i)

    def compatible(group: list[int], other: list[int]) -> bool:
        return all(
            specifics[i] <= specifics[j] or specifics[j] <= specifics[i]
            for i in group
            for j in other
        )

    return _join(
        candidates,
        sorted(pairs, key=lambda p: (-p[0], p[1], p[2])),
        ratio,
        floor=1.0,
        mean=1.0,
        compatible=compatible,
    )


def _runs(item: Item) -> frozenset[tuple[str, ...]]:
    """The report's three-word runs (its text's, or its title's when it has no text)."""
    text = arabic.strip_marks(item.text or item.title).lower()
    words = [w if w.isascii() else arabic.normal(w) for w in _WORD.findall(text)]
    return frozenset(zip(words, words[1:], words[2:], strict=False)) or frozenset({tuple(words)})


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]+")
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|dozens?|hundreds?|thousands?)\b",
    re.I,
)


def _specifics(item: Item) -> frozenset[str]:
    """The names (capitalised inside a sentence) and figures a report states, lower-cased.
    From its text when it has one: a headline in Title Case capitalises every word."""
    text = item.text or item.title
    names = {m.group(0).lower() for m in _NAME.finditer(text)}
    figures = {m.group(0).lower() for m in _FIGURE.finditer(arabic.strip_marks(text))}
    return frozenset(names | figures)


def _pairs(candidates: Sequence[Candidate], scorer: _Scorer) -> list[tuple[float, int, int]]:
    """Pairs similar enough to join, best first.

    Candidate pairs share a distinctive word (a place, a name, a figure) and are at most a
    day apart (a story told a day late, when a date is unsure): a pair sharing only common
    words cannot reach the threshold, and skipping it keeps a 10,000-item week from costing
    all pairs. Each candidate pair then gets its exact cosine.

    Items are taken in blocks of one text, one day and one `says_when`: a block's items and
    another's are all candidates or none, may join as far as their days go or not, and score
    alike. So each pair of blocks is found, checked and scored once, and only the blocks
    that pass are spelled out item by item (the outlets told apart there).

    A word weighs its IDF in every text that has it, so what two texts share of their
    distinctive words, summed while they are found, plus the lesser of their common words'
    weight (all they could share of those), bounds their cosine from above: a pair whose
    bound is below the threshold is skipped unscored, and with many distinct texts in a
    week most candidate pairs are. Of the rest, a pair whose distinctive and shared common
    words (its whole score, summed in another order) stay below it is skipped too: on the
    distinct 10,000-item week 1.5 million candidate pairs of blocks come down to 65,000
    scored."""
    common = max(MIN_COMMON, COMMON_SHARE * len(candidates))
    weight = [vector for vector, _ in scorer.vectors]  # IDF: one weight per word
    distinctive = []
    chosen = []  # per text: its distinctive words, as a set
    commons = []  # per text: its common words
    common_mass = []  # per text: the squared weights of its common words, all, in English
    for text, words in enumerate(scorer.word_sets):
        mine = [w for w in words if scorer.frequency[w] <= common]
        distinctive.append(mine)
        vector = weight[text]
        chosen.append(frozenset(mine))
        rest = words - chosen[-1]  # fsum is exact: the same sums in any order
        commons.append(rest)
        common_mass.append(
            (
                math.fsum(vector[w] ** 2 for w in rest),
                math.fsum(vector[w] ** 2 for w in rest if w.isascii()),
            )
        )
    blocks: dict[tuple[int, date, bool], list[int]] = {}
    for i, c in enumerate(candidates):
        blocks.setdefault((scorer.text[i], c.day, c.says_when), []).append(i)
    keys = list(blocks)
    members = list(blocks.values())
    block_of = [0] * len(candidates)
    for number, block in enumerate(members):
        for i in block:
            block_of[i] = number
    # The blocks that may pair with a block of day d, per distinctive word: `anyday[d, w]`
    # those of days d-1 to d+1, for a block that does not name its day; `named[d, w]` for
    # one that does: those of d-1 to d+1 that do not name theirs, and those of d that do
    # (two that name different days never join: _may_join). Blocks are added in number
    # order, so each list is ascending; a block looks up one list per word, not six.
    anyday: dict[tuple[date, str], list[int]] = defaultdict(list)
    named: dict[tuple[date, str], list[int]] = defaultdict(list)
    for number, (text, day, says_when) in enumerate(keys):
        near = [day + timedelta(days=offset) for offset in _NEAR_DAYS]
        for w in distinctive[text]:
            for near_day in near:
                anyday[(near_day, w)].append(number)
                if not says_when or near_day == day:
                    named[(near_day, w)].append(number)
    # Each block's text, day, script, norm and common words' mass, looked up by number in
    # the loop below, which meets about 150 later blocks for each block of a distinct week.
    block_text = [text for text, _, _ in keys]
    block_day = [day for _, day, _ in keys]
    block_foreign = [scorer.foreign[text] for text in block_text]
    block_norm = [scorer.vectors[text][1] for text in block_text]
    block_rest = [common_mass[text][0] for text in block_text]
    same, cross = scorer.thresholds
    margin = 1.0 - 1e-9  # far wider than a sum's rounding: the bound never drops a pair
    sources = [c.item.source for c in candidates]
    found: list[tuple[float, int, int]] = []  # (-score, i, j): sorted as they are, best first
    for number, (text, day, says_when) in enumerate(keys):
        shared: dict[int, float] = {}  # later block -> its text's distinctive weight shared
        get = shared.get
        vector = weight[text]
        postings = named if says_when else anyday
        for w in distinctive[text]:
            mass = vector[w] * vector[w]
            posted = postings[(day, w)]  # holds this block: its own day, its own word
            for other in posted[bisect.bisect_left(posted, number) :]:
                shared[other] = get(other, 0.0) + mass
        foreign = scorer.foreign[text]
        limit = margin * same * scorer.vectors[text][1]  # times the other's norm
        rest = common_mass[text][0]
        mine = commons[text]
        for other, mass in shared.items():
            other_text = block_text[other]
            if other_text == text:
                pass  # the same report: it scores alike whatever its words
            elif block_foreign[other] == foreign:
                # All either could share of its common words bounds the score first; then
                # the common words they do share make it the pair's whole score, summed in
                # another order than text_ratio's (which the margin covers).
                theirs = block_rest[other]
                reach = limit * block_norm[other]
                if mass + (rest if rest < theirs else theirs) < reach:
                    continue
                both = mine & commons[other_text]
                if mass + sum(vector[w] * vector[w] for w in both) < reach:
                    continue
            else:
                norms = scorer.across[text][1] * scorer.across[other_text][1]
                rests = common_mass[text][1], common_mass[other_text][1]
                if not norms or (mass + min(rests)) / norms / cross < margin:
                    continue
                if not scorer.may_reach(text, other_text):
                    continue  # below the threshold either way: only summed in other orders
            found.extend(
                _block_pairs(members[number], members[other], text, other_text, scorer, sources)
            )
    scorer.scored(candidates, block_of, block_day, [chosen[text] for text in block_text])
    found.sort()
    return [(-score, i, j) for score, i, j in found]


def _block_pairs(
    mine: list[int],
    theirs: list[int],
    text: int,
    other_text: int,
    scorer: _Scorer,
    sources: Sequence[str],
) -> Iterator[tuple[float, int, int]]:
    """(-score, i, j), i < j, for the pairs of two candidate blocks (or of one block with
    itself) that reach the threshold, one outlet's pairs left out (_may_join). A pair is
    scored from its lower item's text, as the pair of items would be."""
    if mine is theirs:
        score = scorer.text_ratio(text, text)
        if score >= 1.0:
            for place, i in enumerate(mine):
                for j in mine[place + 1 :]:
                    if sources[i] != sources[j]:
                        yield -score, i, j
        return
    forward = scorer.text_ratio(text, other_text) if mine[0] < theirs[-1] else 0.0
    backward = scorer.text_ratio(other_text, text) if theirs[0] < mine[-1] else 0.0
    if forward < 1.0 and backward < 1.0:
        return
    for i in mine:
        for j in theirs:
            if sources[i] == sources[j]:
                continue
            if i < j:
                if forward >= 1.0:
                    yield -forward, i, j
            elif backward >= 1.0:
                yield -backward, j, i


def _may_join(a: Candidate, b: Candidate) -> bool:
    """Whether two reports may tell one story at all, whatever their words."""
    if a.item.source == b.item.source:
        return False  # one outlet's two reports are two paragraphs
    if abs((a.day - b.day).days) > 1:
        return False
    return a.day == b.day or not (a.says_when and b.says_when)  # both name different days


def _join(
    candidates: Sequence[Candidate],
    pairs: Iterable[tuple[float, int, int]],
    ratio: Callable[[int, int], float],
    *,
    floor: float,
    mean: float,
    compatible: Callable[[list[int], list[int]], bool] | None = None,
) -> list[list[Candidate]]:
    """Union of the pairs, best first, where the joined group still holds together: every
    cross pair may tell one story (_may_join), `compatible` says the two groups may be one,
    every cross pair scores at least `floor` and on average at least `mean` (`ratio`: a
    pair's score as a share of its threshold)."""
    parent = list(range(len(candidates)))
    members = [[i] for i in range(len(candidates))]
    sources = [c.item.source for c in candidates]
    days = [c.day.toordinal() for c in candidates]
    says = [c.says_when for c in candidates]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def holds(group: list[int], other: list[int]) -> bool:
        """Whether two groups may become one; whether every cross pair may join
        (_may_join) read from the two groups' outlets and days."""
        if not {sources[x] for x in group}.isdisjoint([sources[y] for y in other]):
            return False  # an outlet in both
        mine, theirs = [days[x] for x in group], [days[y] for y in other]
        if max(mine) - min(theirs) > 1 or max(theirs) - min(mine) > 1:
            return False  # two of their days too far apart
        named = {days[x] for x in group if says[x]}
        if named and (told := {days[y] for y in other if says[y]}) and len(named | told) > 1:
            return False  # two of them name different days
        if compatible and not compatible(group, other):
            return False
        scores = [ratio(x, y) for x in group for y in other]
        return min(scores) >= floor and sum(scores) / len(scores) >= mean

    # Groups only grow, so a refusal holds while both groups keep their size.
    refused: set[tuple[int, int, int, int]] = set()
    for _, i, j in pairs:
        a, b = root(i), root(j)
        key = (a, b, len(members[a]), len(members[b]))
        if a == b or key in refused:
            continue
        if not holds(members[a], members[b]):
            refused.add(key)
            continue
        parent[b] = a
        members[a].extend(members[b])
    groups: dict[int, list[Candidate]] = {}  # dicts keep insertion order: first member's
    for i, c in enumerate(candidates):
        groups.setdefault(root(i), []).append(c)
    return list(groups.values())
