"""Section headlines as editors write them: "Lead Story; Second Story; Third Story".

One to three parts joined by "; ", the lead first, each a short present-tense newspaper
headline for one story or thread (subject, verb, object; 4–12 words), in Title Case, with
no dates, attributions or outlet names, and never an empty part.

A part starts from the best of the story's own headlines (its outlets' titles): a kicker
before a colon ("Exclusive:", "Iraq:") and an outlet's tag after a dash or bar are cut, as
are attributions ("…, officials say"), dates ("on Sunday", "February 4") and a trailing
clause past twelve words. A story without a usable title gets one from its lead sentence:
the subject and verb, the verb put in the present tense ("elected" -> "Elects").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.issues.importance import Ranked
from digest.models import Entry
from digest.text.sentences import compress, lead_sentence

SMALL_WORDS = frozenset(
    "a an and as at but by for from in into near nor of off on or per the to up via vs with".split()
)
MAX_PARTS = 3
MIN_WORDS, MAX_WORDS = 4, 12
MAX_LENGTH = 160  # characters: a longer headline drops its last part
_LATIN = re.compile(r"[A-Za-z]")

_KICKER = re.compile(
    r"^(?:breaking|exclusive|update[d]?|urgent|watch|video|photos?|live|analysis|"
    r"explainer|opinion|interview|factbox|timeline|report|عاجل|خاص|بالفيديو|بالصور)\s*[:|–—-]\s*",
    re.I,
)
_OUTLET_TAG = re.compile(r"\s+(?:[|–—]|-\s)\s*[^|–—]{1,40}$")
_ATTRIBUTION = re.compile(
    r"(?:,|:|\s[–—-])\s*(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,4}?"
    r"(?:says?|said|told|reports?|claims?|warns?|according to [\w\s'’-]+)\s*$"
    r"|,\s*(?:says?|said|reports?|according to)\s+[\w\s'’.-]{1,40}$"
    r"|^(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,3}?(?:says?|said)\s*:\s*"
    r"|^(?:[\w'’-]+\s+){0,4}?(?:source|sources|official|officials)\s*:\s*",
    re.I,
)
_DATE = re.compile(
    r",?\s+\b(?:on|late on|early on|last|this)\s+"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month)\b"
    r"|,?\s+\b(?:on\s+)?(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\s+\d{1,2}(?:,\s*\d{4})?\b"
    r"|,?\s+\b(?:yesterday|today|tonight)\b"
    r"|\s*\(\d{4}\)",
    re.I,
)
# Where a long headline can be cut without losing its subject and verb.
_CLAUSE = re.compile(r",\s|\s(?:as|after|amid|while|despite|following|ahead of|over|with)\s")
_TRAILING_SMALL = re.compile(r"(?:\s+(?:" + "|".join(sorted(SMALL_WORDS)) + r"))+$", re.I)
_SUBJECT_VERB = re.compile(
    r"^(?P<subject>(?:[\w'’-]+\s+){0,6}?)(?P<aux>(?:was|were|has been|have been|had been|"
    r"has|have|had)\s+)?(?P<verb>[a-z]+ed|"
    + "|".join(
        "held met said took won sent made gave "
        "struck hit began left led sought fled rose fell set put brought told paid kept found saw "
        "came went became shot spoke withdrew drew chose sold bought ran broke".split()
    )
    + r")\b",
    re.I,
)
_IRREGULAR = {
    "held": "hold", "met": "meet", "said": "say", "took": "take", "won": "win",
    "sent": "send", "made": "make", "gave": "give", "struck": "strike", "hit": "hit",
    "began": "begin", "left": "leave", "led": "lead", "sought": "seek", "fled": "flee",
    "rose": "rise", "fell": "fall", "set": "set", "put": "put", "brought": "bring",
    "told": "tell", "paid": "pay", "kept": "keep", "found": "find", "saw": "see",
    "came": "come", "went": "go", "became": "become", "shot": "shoot", "spoke": "speak",
    "withdrew": "withdraw", "drew": "draw", "chose": "choose", "sold": "sell",
    "bought": "buy", "ran": "run", "broke": "break",
}  # fmt: skip
# Stems that were written with a final e before "-ed": "approv" -> "approve", "lin" stays.
_ADD_E = re.compile(
    r"(?:[^aeiou][aeiou][cgvsz]|[aeiou][aeiou][cgvsz]|[^aeiou]at|ut|it|id|ir|ur|uc|rg|ng|dg|"
    r"ls|rs|rc|rv|lv)$"
)


def title_case(text: str) -> str:
    """Headline case that leaves acronyms, names with inner capitals and Arabic alone."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        first_or_last = i == 0 or i == len(words) - 1
        if word.lower() in SMALL_WORDS and not first_or_last:
            out.append(word.lower())
        elif word.islower():
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word)
    return " ".join(out)


def headline(ranked: Sequence[Ranked]) -> str:
    """The section's headline: its top stories' parts, lead first, kept readable."""
    return "; ".join(part for _, part in parts(ranked))


def parts(ranked: Sequence[Ranked]) -> list[tuple[Ranked, str]]:
    """The stories the headline names, with their parts: the takeaway covers these."""
    chosen: list[tuple[Ranked, str]] = []
    # An English headline takes no Arabic part (the editor translates those stories);
    # a section told only in Arabic keeps its Arabic titles.
    latin = any(_LATIN.search(story_part(story)) for story in ranked)
    for story in ranked:
        if len(chosen) == MAX_PARTS:
            break
        part = story_part(story)
        if not part or part.casefold() in (p.casefold() for _, p in chosen):
            continue
        if latin and not _LATIN.search(part):
            continue
        if chosen and len("; ".join([*(p for _, p in chosen), part])) > MAX_LENGTH:
            break
        chosen.append((story, part))
    return chosen


def story_part(story: Ranked) -> str:
    """One story's (or thread's) headline part; from its text when no title will do."""
    for entry in story.entries[:1]:
        part = clean_title(entry.title)
        if len(part.split()) >= 3:
            return title_case(part)
        derived = from_text(entry)
        if derived:
            return title_case(derived)
        if part:
            return title_case(part)
    return ""


def clean_title(title: str) -> str:
    """An outlet's headline without kicker, outlet tag, attribution or dates."""
    text = " ".join(title.split()).strip().rstrip(".;:,")
    text = text.replace("; ", ", ")  # "; " joins the headline's parts, not a part's clauses
    text = _KICKER.sub("", text)
    text = _OUTLET_TAG.sub("", text) if len(text.split()) > 5 else text
    if ":" in text:  # "Kirkuk Has a Governor: Council Elects Aziz": keep the fuller half
        before, _, after = text.partition(":")
        text = max((before.strip(), after.strip()), key=lambda s: (len(s.split()) >= 3, len(s)))
    text = _ATTRIBUTION.sub("", text).strip()
    text = _DATE.sub("", text).strip(" ,;:–—-")
    text = text.strip("\"“”'‘’")
    return _shorten(text)


def from_text(entry: Entry) -> str:
    """A headline made from the lead sentence: its subject, verb and object, present tense."""
    sentence = compress(lead_sentence(entry.text)).rstrip(".!?؟")
    if not sentence or not re.match(r"[A-Za-z0-9\"“]", sentence):
        return ""
    sentence = re.sub(r"^(?:On|Late on|Early on)\s+[\w\s]{1,20}?,\s+", "", sentence)
    sentence = _DATE.sub("", sentence)
    sentence = re.sub(r"^(?:The|A|An)\s+", "", sentence)
    match = _SUBJECT_VERB.match(sentence)
    if match and match.group("subject").strip():
        verb = match.group("verb")
        if match.group("aux"):  # "two soldiers were killed" -> "Two Soldiers Killed"
            new = verb
        else:
            new = present(verb, plural=match.group("subject").split()[-1].lower().endswith("s"))
        sentence = sentence[: match.start("aux") if match.group("aux") else match.start("verb")]
        sentence += new + match.string[match.end("verb") :]
    return _shorten(sentence)


def present(verb: str, *, plural: bool) -> str:
    """A past-tense verb in the present: "elected" -> "elects" ("elect" for a plural)."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        base = _IRREGULAR[lower]
    elif lower.endswith("ied"):
        base = lower[:-3] + "y"
    elif lower.endswith("eed"):
        base = lower[:-1]
    elif lower.endswith("ed"):
        base = lower[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]  # "stopped" -> "stop"
        elif _ADD_E.search(base):
            base += "e"  # "approved" -> "approve"
    else:
        return verb
    if plural:
        return base
    if base.endswith("y") and base[-2:-1] not in tuple("aeiou"):
        return base[:-1] + "ies"
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    return base + "s"


def _shorten(text: str) -> str:
    """At most MAX_WORDS words, cut at a clause boundary where there is one."""
    words = text.split()
    if len(words) <= MAX_WORDS:
        return text
    cut = ""
    for match in _CLAUSE.finditer(text):
        head = text[: match.start()]
        if MIN_WORDS <= len(head.split()) <= MAX_WORDS:
            cut = head  # the longest head that still fits
    if not cut:
        cut = " ".join(words[:MAX_WORDS])
    cut = _TRAILING_SMALL.sub("", cut.rstrip(" ,;:–—-"))
    return _close_quote(cut)


def _close_quote(text: str) -> str:
    """A quotation the cut left open is closed: 'Talks "Constructive' -> 'Talks "Constructive"'."""
    if text.count("“") > text.count("”"):
        return text + "”"
    if text.count('"') % 2:
        return text + '"'
    return text
