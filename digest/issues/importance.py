"""How much a story matters to the editor: the lead of a section, and of the issue.

A section's stories are ranked by what editors weigh, each a documented signal:

- threads: several stories on one subject across the week (provincial councils electing
  governors on four days) are one thread; a thread outranks its members told apart;
- outlets: a story told by more outlets is bigger news;
- casualties: the dead count more than the wounded;
- the rank of the actors: a head of state or government first, then ministers, parliament,
  the courts, foreign governments and the UN, then local ones (a governor, a provincial
  council), named in the headline or the lead sentence;
- consequence: something decided or done (elected, killed, signed, sanctioned, withdrew)
  outweighs something said or planned;
- centrality: how much of the section's vocabulary the story shares, i.e. how much of the
  section is about it.

Threads are read from the headline and lead sentence only (what the story is about, not
its background): "Nineveh council elects governor" and "Basra council re-elects governor"
share "council", "elect" and "governor"; two headlines within a few days that share
an event ("bomb", "elect") and a name rare in the section are one subject too ("Four Killed
in Jalawla Bombing", "Police Catch Jalawla Bombers"); sharing a place and a title
("Nineveh", "governor"), or only an event ("Soldiers Killed"), is not enough. Pure: the
ranking depends on the stories alone, ties broken by date and text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from digest.models import Entry
from digest.text.casualties import casualties
from digest.text.sentences import content_words, lead_sentence

THREAD_SIMILARITY = 0.3  # cosine of two stories' subject words that makes them one thread
THREAD_BONUS = 1.5  # per doubling of a thread's stories
THREAD_DAYS = 5  # headlines sharing a subject this many days apart may be one thread
_NAME = re.compile(r"(?<=[\w,;:’'\"”)] )(?:al-)?[A-Z][\w'’-]+")

_HEAD = re.compile(
    r"\b(?:prime minister|premier|PM|president|presidential|king|emir|crown prince|"
    r"supreme leader|grand ayatollah|head of (?:state|government))\b|"
    r"رئيس الوزراء|رئيس الحكومة|رئيس الجمهورية|رئيس مجلس الوزراء|المرجع",
    re.I,
)
# National office, foreign governments and international bodies outrank local ones.
_NATIONAL = re.compile(
    r"\b(?:minist(?:er|ry|ers|ries)|cabinet|parliament\w*|lawmakers|speaker|"
    r"(?:supreme|federal|top) court|judiciary|central bank|ambassador|embassy|envoy|"
    r"foreign|coalition|united nations|security council|world bank)\b|"
    r"وزير|وزارة|البرلمان|مجلس النواب|المحكمة|السفير|السفارة|الأمم المتحدة|التحالف|مجلس الأمن",
    re.I,
)
# Names are matched as written: "US" is a country, "us" a pronoun.
_FOREIGN = re.compile(
    r"\b(?:MPs|United States|U\.S\.|US|Washington|Iran\w*|Tehran|Turk\w*|Ankara|Syria\w*|"
    r"Damascus|Saudi\w*|Russia\w*|China|Chinese|Britain|British|France|French|Germany|"
    r"German|EU|European Union|NATO|UN|UNAMI|UNHCR|UNICEF|WFP|OCHA|IOM|WHO|IMF)\b"
)
_LOCAL = re.compile(
    r"\b(?:governor|provincial|council|mayor|district|directorate)\b|محافظ|مجلس المحافظة|قائممقام",
    re.I,
)
# Written loosely enough to match the stems content_words() makes ("vot", "agre", "seiz").
_CONSEQUENCE = re.compile(
    r"\b(?:(?:re-?)?elect(?:s|ed|ing|ion|ions)?|kill\w*|dead|died|sanction\w*|"
    r"sign(?:s|ed|ing)?|withdr[ae]w\w*|resign\w*|dismiss\w*|sack\w*|approv\w*|"
    r"pass(?:es|ed)|ratif\w*|rul(?:es|ed|ing)|ban(?:s|ned)?|seiz\w*|captur\w*|arrest\w*|"
    r"launch\w*|attack\w*|strik\w*|struck|bomb\w*|explo(?:d|s)\w*|agre\w*|deal|accord|"
    r"appoint\w*|vot(?:e|es|ed|ing)?|sworn|invad\w*|displac\w*|evacuat\w*|collaps\w*|"
    r"suspend\w*|clos(?:e|es|ed|ure)?|halt\w*|cuts?)\b|"
    r"انتخب|قتل|مقتل|وقع|اتفاق|انسحاب|استقال|اقال|صادق|اعتقال|هجوم|قصف|تعيين",
    re.I,
)


@dataclass(frozen=True)
class Ranked:
    """A section's story or thread, with its score and the reasons for it."""

    entries: tuple[Entry, ...]  # one story, or a thread's stories: its lead first
    score: float
    reasons: tuple[str, ...]

    @property
    def lead(self) -> Entry:
        return self.entries[0]

    @property
    def is_thread(self) -> bool:
        return len(self.entries) > 1


def story_score(entry: Entry) -> tuple[float, list[str]]:
    """A story's own weight, before threads and centrality, with its reasons."""
    head = f"{entry.title}. {lead_sentence(entry.text)}"
    score, reasons = 0.0, []
    outlets = max(1, len(entry.citations))
    score += 1.5 * math.log2(outlets)
    if outlets > 1:
        reasons.append(f"{outlets} outlets")
    deaths, injuries = casualties(entry.text or entry.title)
    harm = 2 * (deaths or 0) + (injuries or 0)
    if harm:
        score += 1.2 * math.log2(1 + harm)
        reasons.append(f"{deaths or 0} killed, {injuries or 0} injured")
    if _HEAD.search(head):
        score += 2.0
        reasons.append("head of state or government")
    elif found := _NATIONAL.search(head) or _FOREIGN.search(head):
        score += 1.5
        reasons.append(f"actor: {found.group(0)}")
    elif found := _LOCAL.search(head):
        score += 0.5
        reasons.append(f"local actor: {found.group(0).lower()}")
    if found := _CONSEQUENCE.search(head):
        score += 1.5
        reasons.append(f"consequence: {found.group(0).lower()}")
    return score, reasons


def rank(
    entries: Sequence[Entry], scored: Mapping[Entry, tuple[float, list[str]]] | None = None
) -> list[Ranked]:
    """The section's stories and threads, most important first. `scored`: story_score of
    the entries, where it was computed before (by a pool's workers)."""
    if not entries:
        return []
    subjects = [content_words(f"{e.title} {lead_sentence(e.text)}") for e in entries]
    similar = _similar(_vectors(subjects))
    # Headlines that share two words, one of them rare in the section ("Jalawla" and "bomb"
    # in "Four Killed in Jalawla Bombing" and "Police Catch Jalawla Bombers"), tell one
    # subject, even when their texts tell it in different words.
    titles = [content_words(e.title) for e in entries]
    names = [_names(e.text) for e in entries]
    for i, j in _same_subject(entries, titles, names):
        similar[i][j] = similar[j][i] = max(similar[i][j], THREAD_SIMILARITY)
    own = [scored[e] if scored is not None else story_score(e) for e in entries]
    # Centrality: the share of the rest of the section a story resembles.
    central = [sum(row) / max(1, len(entries) - 1) for row in similar]
    scores = [own[i][0] + 4.0 * central[i] for i in range(len(entries))]
    threads = _threads(similar)
    ranked = []
    for members in threads:
        members.sort(key=lambda i: (-scores[i], entries[i].day, entries[i].title))
        best = members[0]
        reasons = list(own[best][1])
        score = scores[best]
        if len(members) > 1:
            score += THREAD_BONUS * math.log2(len(members)) + 0.25 * sum(
                scores[i] for i in members[1:]
            )
            reasons.insert(0, f"thread of {len(members)} stories")
        if central[best] >= 0.1:
            reasons.append(f"centrality {central[best]:.2f}")
        ranked.append(Ranked(tuple(entries[i] for i in members), round(score, 3), tuple(reasons)))
    ranked.sort(key=lambda r: (-r.score, r.lead.day, r.lead.title))
    return ranked


def _names(text: str) -> frozenset[str]:
    """The text's names: words written with a capital inside a sentence, as content_words()
    writes them ("Jalawla" -> "jalawla")."""
    found = _NAME.findall(text)
    return content_words(" ".join(found))


def _threads(similar: list[list[float]]) -> list[list[int]]:
    """Stories joined into threads: a story joins a thread when it is like every member
    (complete linkage), so one shared word cannot chain unrelated stories together."""
    pairs = sorted(
        (
            (similar[i][j], i, j)
            for i in range(len(similar))
            for j in range(i + 1, len(similar))
            if similar[i][j] >= THREAD_SIMILARITY
        ),
        reverse=True,
    )
    group = list(range(len(similar)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(similar))}
    for _, i, j in pairs:
        a, b = group[i], group[j]
        if a == b:
            continue
        if all(similar[x][y] >= THREAD_SIMILARITY / 2 for x in members[a] for y in members[b]):
            for x in members[b]:
                group[x] = a
            members[a].extend(members.pop(b))
    return [sorted(m) for _, m in sorted(members.items())]


def _vectors(word_sets: Sequence[frozenset[str]]) -> list[dict[str, float]]:
    frequency = Counter(w for words in word_sets for w in words)
    total = len(word_sets)
    out = []
    for words in word_sets:
        vector = {w: math.log(1 + total / frequency[w]) for w in words}
        norm = math.sqrt(sum(x * x for x in vector.values())) or 1.0
        out.append({w: x / norm for w, x in vector.items()})
    return out


def _same_subject(
    entries: Sequence[Entry], titles: Sequence[frozenset[str]], names: Sequence[frozenset[str]]
) -> list[tuple[int, int]]:
    """The pairs (i < j) of stories whose headlines share one kind of event (a consequence
    word) and a name rare in the section (a town, a person), told within THREAD_DAYS: not
    every attack on soldiers. Each headline's event words and rare names are read once, and
    only the pairs sharing a rare name are looked at."""
    spread = Counter(w for words in titles for w in words)
    rare = max(2, len(entries) // 4)
    events = [frozenset(w for w in words if _CONSEQUENCE.fullmatch(w)) for words in titles]
    rare_names = [
        frozenset(w for w in words if spread[w] <= rare and w in named)
        for words, named in zip(titles, names, strict=True)
    ]
    having: dict[str, list[int]] = {}
    for i, words in enumerate(rare_names):
        for w in words:
            having.setdefault(w, []).append(i)
    pairs = []
    for i, words in enumerate(rare_names):
        for j in sorted({j for w in words for j in having[w] if j > i}):
            near = abs((entries[i].day - entries[j].day).days) <= THREAD_DAYS
            if near and not events[i].isdisjoint(titles[j]):
                pairs.append((i, j))
    return pairs


def _similar(vectors: Sequence[dict[str, float]]) -> list[list[float]]:
    """_cosine of every story with every other (0.0 with itself), as rank() takes them.

    A pair of stories that share no word is 0 without a look at either: only the pairs a
    word's list of stories brings together are scored, each as _cosine scores it. Its sum
    runs over the shorter vector (the first of two as long), so a pair of vectors of one
    length is scored both ways, and any other pair once for both."""
    size = len(vectors)
    similar = [[0.0] * size for _ in range(size)]  # _cosine sums nothing: 0, the same value
    having: dict[str, list[int]] = {}
    for i, vector in enumerate(vectors):
        for w in vector:
            having.setdefault(w, []).append(i)
    for i, vector in enumerate(vectors):
        later = {j for w in vector for j in having[w] if j > i}
        row = similar[i]
        for j in later:
            other = vectors[j]
            row[j] = score = _cosine(vector, other)
            similar[j][i] = _cosine(other, vector) if len(other) == len(vector) else score
    return similar


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(x * b[w] for w, x in a.items() if w in b)
