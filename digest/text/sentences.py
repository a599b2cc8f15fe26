"""Reading and trimming news sentences: what headlines, takeaways and ranking share.

- sentences and the lead sentence of a report;
- the content words of a text (lower-case, lightly stemmed, no stop words or figures);
- compression as an editor trims wire copy: attribution clauses ("a security source said",
  "according to the ministry"), parentheticals and outlet credits are dropped, so the
  sentence keeps who did what.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9\u0600-\u06FF])")
# Abbreviations whose full stop ends no sentence ("U.S. forces", "Lt. Col. Ahmed").
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Brig|St|No|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gov|Sen|Rep|Prof)\.)$"
)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ings?|ers?|ed|es|s)$")
STOP = frozenset(
    "the and for with from that this was were are has have had its his her their they them "
    "said says say saying told tells after over into near about than also been which who whom "
    "will would could should more most some while when where other on in at of to by as an a "
    "but not its it he she we our you your one two three four five six seven eight nine ten "
    "monday tuesday wednesday thursday friday saturday sunday yesterday today week "
    "january february march april may june july august september october november december "
    "there their them then than these those such any all each both being under "
    "against between during before since until upon within without across per via "
    "amid among around another including according official officials source sources "
    "reported report reports statement added new".split()
)

# Attribution that a takeaway drops: ", a security source said", ", according to X",
# "officials said on Sunday", "X told Y that".
_WHEN = r"(?:\s+(?:on|late on|early on)\s+\w+(?:\s+\d{1,2})?|\s+in\s+a\s+statement)*"
_ATTRIBUTION_TAIL = re.compile(
    r",\s+(?:(?:a|an|the)\s+)?(?:(?!(?:up|down|from|to|than|as|was|were|is|are|had|has)\b)"
    r"[A-Za-z'’-]+\s+){0,6}?"
    r"(?:said|says|told\s+[\w\s'’-]{1,40}?|reported|announced|stated|added|confirmed|noted)"
    + _WHEN
    + r"\s*(?=,|$)",
    re.I,
)
_ACCORDING = re.compile(r",?\s*\baccording to\s+(?:(?:a|an|the)\s+)?[^,.;]{1,80}?(?=[,.;]|$)", re.I)
# Only a source's attribution of fact is dropped up front ("The security media cell said
# jets struck …"); "Residents said the money would not cover …" is an opinion and keeps it.
_LEADING_ATTRIBUTION = re.compile(
    r"^(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,6}?"
    r"(?:sources?|officials?|spokes(?:man|woman|person)|ministry|police|cell|agency|command|"
    r"directorate|office|authorities|military|army|statement|security forces)\s+"
    r"(?:said|says|told\s+(?:reporters|journalists|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}))"
    + _WHEN
    + r",?\s+(?:that\s+)?",
)
# "Officials said they would …": without its attribution the sentence loses its subject.
_PRONOUNS = frozenset("he she they it we i this that these those there its his her their".split())
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,120}\)")
_SPACES = re.compile(r"\s+")


def sentences(text: str) -> list[str]:
    """The text's sentences; a full stop after an abbreviation ends none."""
    parts = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    joined: list[str] = []
    for part in parts:
        if joined and _ABBREVIATION.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return joined


def lead_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text.strip()


def content_words(text: str) -> frozenset[str]:
    """Lower-case, lightly stemmed words that say what a text is about."""
    return frozenset(filter(None, map(_content_word, _WORD.findall(text.lower()))))


@functools.lru_cache(maxsize=65536)  # texts repeat their words
def _content_word(word: str) -> str | None:
    """A lower-case word as content_words counts it: None for a stop word."""
    if word in STOP:
        return None
    return _SUFFIX.sub("", word) if word.isascii() else word


def compress(sentence: str) -> str:
    """The sentence as an editor keeps it: no attribution, parentheticals or credits."""
    text = _PARENTHETICAL.sub("", sentence.strip())
    end = text[-1] if text and text[-1] in ".!?؟" else ""
    body = text.rstrip(".!?؟").strip()
    body = _ACCORDING.sub("", body)
    trimmed = _ATTRIBUTION_TAIL.sub("", body)
    if len(trimmed.split()) >= 3:  # never trim a sentence down to its subject
        body = trimmed
    lead = _LEADING_ATTRIBUTION.sub("", body)
    pronoun = lead.split(maxsplit=1)[0].lower() in _PRONOUNS if lead else True
    if lead != body and len(lead.split()) >= 6 and not pronoun:
        body = lead[:1].upper() + lead[1:]
    body = _SPACES.sub(" ", body).strip(" ,;:")
    return body + (end or ".") if body else ""


def words(text: str) -> int:
    return len(text.split())


_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")


def lower_words(texts: Iterable[str]) -> frozenset[str]:
    """The words the texts write in lower case: common words, never names."""
    return frozenset(w for text in texts for w in _LOWER_WORD.findall(text))
