"""Where an attack happened, written as an editor writes it: "Place, Province".

With a gazetteer: the most specific place the story names (a village before its district,
its district before the city, a base or field before the town), ties going to the first
named, the entry's own text first. A place named only as a reference point ("north of
Mosul"), the far end of a road ("between Hit and Kubaisa"), where the wounded were taken
or where the fire came from is not where the attack happened, and counts only when nothing
else is named. A name the text itself calls a district, area or village ("Basra's Madina
district") is a place even when the gazetteer does not list it, and a place the gazetteer
gives no province gets the one its sentence names ("Mutaibijah, on the border between
Salahaddin and Diyala").

An unknown locality placed by a known one ("in the Albu Khalil area near Tarmiyah") is
located at the known place, as nobody can find the unknown one on a map; a name the
gazetteer knows is kept. An outlet's or organisation's name is never a place: "told
Euphrates News Agency", "the Nineveh Operations Command said", "قيادة عمليات نينوى" name no
place of the attack. The label is spelled as the paragraph spells the place when the
gazetteer lists that spelling as an alias ("Amadiya", not the canonical "Amedi"), so table
and paragraph agree; a shortened name ("Hamrin" for "Hamrin mountains") keeps the
gazetteer's full one.

Where the attack happened outranks where its aftermath did. Reports often name, next to
the attack's place, the place of what followed: a launch pad or cache found, suspects
arrested, a funeral held, an inquiry opened. Each place is read in its clause (a sentence,
or the part of one after "after", "when", "while", ";"...) and governed by the clause's
last verb before it, else its first verb after it, else its nearest noun: a place in a clause
of the attack ("exploded", "struck", "fell", "killed", "a bomb in ...", "انفجار", "سقوط")
outranks one in a clause of neither, which outranks one in a clause of the aftermath
("found", "arrested", "buried", "investigated", "taken", "العثور", "اعتقال", "تشييع"),
whatever their specificity; a verb outranks a noun, so "police found a bomb in X" is a
finding and "a bomber struck a funeral in X" an attack. Within one kind of clause the rules
above decide: reference points last, then the most specific, then the first named.

Without a gazetteer: the first capitalised name after "in", "near"..., with the province a
report names ("in Diyala province").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digest.text import arabic
from digest.text.places import Gazetteer, Mention, Place

_ASIDE_BEFORE = re.compile(
    r"(?:\b(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?"
    r"(?:(?:city|town|district|province) of\s+)?"
    r"|\bbetween\s+[^.,;]{1,40}\s+and\s+(?:the\s+)?"
    r"|\b(?:taken|transferred|moved|rushed|evacuated|sent|turned back|returned|fled|fleeing)"
    r"\s+(?:back\s+)?(?:to|into|towards?|from)\s+(?:\w+\s+){0,3}?"
    r"|\bfrom\s+(?:the\s+(?:direction|outskirts)\s+of\s+)?(?:the\s+)?"
    r"|\bhospitals?\s+in\s+"
    r"|(?:جنوب|شمال|شرق|غرب)ي?(?:\s+(?:شرقي|غربي|شرق|غرب))?\s+(?:(?:محافظه|قضاء|مدينه)\s+)?"
    r"|\bبين\s+\S+(?:\s+\S+){0,3}\s+)$",
    re.I,
)
_ASIDE_AFTER = re.compile(r"^\s+(?:general |teaching |main )?hospital", re.I)
# "Basra's Madina district", "the Mutaibijah area": the text says what kind of place it is.
_NAMED_AREA = re.compile(
    r"(?:\b([A-Z][\w’'-]*?)['’]s\s+)?"
    r"\b((?:al-)?[A-Z][\w-]+(?:\s+(?:al-)?[A-Z][\w-]+)?)\s+"
    r"(district|subdistrict|sub-district|area|village|neighbou?rhood|town)\b"
)
_AREA_KINDS = {"district": "district", "town": "town", "village": "village"}
# "... area near Tarmiyah": what follows an unknown locality to place it by a known one.
_NEAR = re.compile(
    r"^(?:\s+(?:district|subdistrict|sub-district|area|village|neighbou?rhood|town|region))?"
    r",?\s+(?:(?:near|outside|close to|not far from|on the outskirts of|in the vicinity of|"
    r"(?:\d+|a few) (?:km|kilometres|kilometers|miles) (?:\w+ )?(?:of|from))\s+)"
    r"(?:the\s+)?(?:(?:town|city|district|subdistrict|village) of\s+)?",
    re.I,
)
# An organisation or outlet named after a place: "Euphrates News Agency", "Kirkuk Operations
# Command", "Basra Oil Company"; in Arabic the body comes first ("قيادة عمليات نينوى").
_ORG_AFTER = re.compile(
    r"^(?:\s+(?:[A-Z][\w'’-]*|of|and|for))*?\s+(?:News|Agency|TV|Television|Channel|Radio|"
    r"Network|Media|Press|Today|24|Times|Post|Tribune|Observer|Monitor|Ledger|Wire|Daily|"
    r"Review|Ministry|Council|Command|Cell|Company|Corporation|Directorate|Authority|"
    r"Commission|Committee|Police|Operations|Party|Movement|Federation|University)\b"
)
_ORG_BEFORE = re.compile(
    r"(?:\b(?:Ministry|Council|Directorate|Command|University|Governorate Council|Police) of "
    r"(?:the )?|(?:عمليات|شرطه|مجلس|صحه|دائره|مديريه|قياده|خليه|وكاله|قناه|اذاعه|شركه|جامعه|"
    r"اعلام|تربيه|بلديه)(?: \S+)?? )$"
)
_SENTENCE_END = re.compile(r"[.!?؟]")

# What a clause tells of: the attack itself, neither, or what followed it (ranked so).
_ATTACK, _OTHER, _AFTERMATH = 2, 1, 0
# Where a clause ends: a sentence's or a semicolon's end, or where a subordinate or second
# clause starts ("..., hours after two rockets fell", "..., and police arrested...").
_CLAUSE_END = re.compile(
    r"[.!?؟;؛:]|\s[–—]\s|,(?=\s+(?:and|but)\b)"
    r"|\b(?=(?:after|before|when|while|whereas|where|since|until|who|which)\b)"
    r"|(?<!\S)(?=[وف]?(?:بعد|عقب|[اأإ]ثر|عندما|حين|حينما|بينما|فيما|حيث|لكن|ثم)(?!\S))",
    re.I,
)
# The words that tell what a clause is about, in English; at one position the attack is
# tried first, so "air raid" is an attack and "raided" a follow-up.
_TRIGGER = re.compile(
    r"\b(?:(?P<attack_verb>explod(?:e|es|ed|ing)|(?:blew|blown|blows?|blowing) (?:\w+ )?up|"
    r"went off|goes off|planted|hurt|detonat\w+|struck|striking|hit|hits|hitting|fell|falls|"
    r"falling|landed|target(?:s|ed|ing)|attacked|attacking|kill(?:s|ed|ing)?|"
    r"wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)|open(?:s|ed|ing)? fire|fired|firing|shot|"
    r"shelled|shelling|bombed|pound(?:s|ed|ing)|ambushed|assassinated|rocked|"
    r"(?:tore|ripped) through)"
    r"|(?P<attack_noun>(?:car |roadside |sticky |suicide )?bomb(?:s|ings?|ers?)?|V?IEDs?|"
    r"explosives?|explosions?|blasts?|attacks?|air ?strikes?|strikes?|air ?raids?|rockets?|"
    r"missiles?|mortars?|shells|drones?|ambush(?:es)?|gunfire|gunm[ae]n|assault)"
    r"|(?P<after_verb>found|find(?:s|ing)?|discover(?:s|ed|ing)?|uncover(?:s|ed|ing)?|"
    r"arrest(?:ed|ing)|seiz(?:e|es|ed|ing)|detain(?:s|ed|ing)?|captur(?:ed|ing)|"
    r"apprehend(?:s|ed|ing)?|raid(?:ed|ing)|search(?:ed|ing)|comb(?:ed|ing)|bur(?:y|ies|ied)|"
    r"mourn(?:s|ed|ing)?|investigat(?:e|es|ed|ing)|taken(?! place)|transferred|evacuated|"
    r"rushed|defus(?:e|es|ed|ing)|dismantl(?:e|es|ed|ing))"
    r"|(?P<after_noun>funerals?|burials?|mourners|investigations?|inquir(?:y|ies)|probe|"
    r"arrests?|raids?|search(?:es)?|caches?))\b",
    re.I,
)
# The same in Arabic, in arabic.normal form, looked up without the prefixes a word carries.
# Verbal nouns tell what happened as verbs do ("مقتل جنديين بانفجار عبوة", "العثور على").
_ARABIC_TRIGGERS = {
    **dict.fromkeys(
        "انفجار انفجارات انفجر انفجرت تفجير تفجيرات استهداف استهدف استهدفت هاجم هاجمت مقتل "
        "قتل قتلت قتلا قتلى قتيل اصابه اصابات اصيب اصيبت اصيبا جرح جرحى سقوط سقط سقطت سقطا "
        "سقطتا قصف قصفت اغتيال اغتال اشتباك اشتباكات".split(),
        (_ATTACK, True),
    ),
    **dict.fromkeys(
        "هجوم هجمات غاره غارات ضربه ضربات عبوه عبوات ناسفه صاروخ صواريخ قذيفه قذائف مسيره "
        "مسيرات مفخخه كاتيوشا هاون نار رصاص".split(),
        (_ATTACK, False),
    ),
    **dict.fromkeys(
        "عثر عثرت عثور ضبط ضبطت اعتقال اعتقل اعتقلت قبض احتجاز احتجز مداهمه مداهمات داهم "
        "داهمت تفتيش دفن تشييع شيع شيعت تحقيق اكتشاف اكتشف اكتشفت تفكيك فكك حجز".split(),
        (_AFTERMATH, True),
    ),
    **dict.fromkeys("جنازه تحقيقات مخبا".split(), (_AFTERMATH, False)),
}
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")

_PLACE = re.compile(
    r"\b(?i:in|near|outside|north of|south of|east of|west of)\s+(?:the\s+)?"
    r"((?:al-|Al-)?[A-Z][\w'’-]+(?:\s+(?:al-)?[A-Z][\w'’-]+){0,2})"
)
_PROVINCE = re.compile(
    r"\b((?:al-|Al-)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:province|governorate)\b"
)
_NOT_PLACES = frozenset(
    "The A An Iraq Iraqi January February March April May June July August September "
    "October November December Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday".split()
)


def named_place(
    texts: Sequence[str], places: Gazetteer, paragraph: str = "", outlets: Sequence[str] = ()
) -> str | None:
    """The label of the place the texts (most trusted first) locate the attack at, spelled
    as `paragraph` (the entry's text) spells it; names of `outlets` are not places."""
    best: tuple[tuple[int, bool, int, int], Place, str, int] | None = None
    order = 0
    plains = [_plain(text, outlets) for text in texts]
    for plain in plains:  # mention offsets are into this form
        found, triggers = _READ_ELSEWHERE.get(plain) or _read(plain, places)
        for place, start, end in found:
            order -= 1
            telling = _telling(plain, triggers, start, end)
            key = (telling, not _aside(plain, start, end), place.rank, order)
            if best is None or key > best[0]:
                best = (key, place, plain, start)
    if best is None:
        return None
    _, place, plain, start = best
    name = _spelling(place, _plain(paragraph, outlets), places)
    if place.province or place.kind == "province":
        return place.label if name == place.name else f"{name}, {place.province}".strip(", ")
    region = _sentence_province(plain, start, places) or next(
        (r for text in plains if (r := _province_near(text, place, places))), None
    )
    return f"{name}, {region}" if region else name


Read = tuple[list[tuple[Place, int, int]], list["_Trigger"]]

# Texts another process read (a pool's worker, while this one did other work): remember.
_READ_ELSEWHERE: dict[str, Read] = {}


def _plain(text: str, outlets: Sequence[str]) -> str:
    """A text as named_place reads it: without Arabic marks, the outlets' names masked
    (mention offsets are into this form)."""
    return _masked(arabic.strip_marks(text), outlets)


def _read(plain: str, places: Gazetteer) -> Read:
    """The places a text (as named_place masks it) names, and its words that tell of an
    attack or its aftermath, the places' names blanked."""
    found = list(_places(plain, places))
    return found, _triggers(_blanked(plain, [(start, end) for _, start, end in found]))


def read_ahead(text: str, places: Gazetteer, outlets: Sequence[str]) -> tuple[str, Read]:
    """What named_place reads of one of its texts, for these outlets, keyed by the form it
    reads (remember): a pool's worker reads it ahead of the incident rows."""
    plain = _plain(text, outlets)
    return plain, _read(plain, places)


def remember(readings: dict[str, Read]) -> None:
    """Take these readings (read_ahead) as read, in place of those remembered before, for
    the gazetteer they were read with (the draft's); empty once its rows are read."""
    _READ_ELSEWHERE.clear()
    _READ_ELSEWHERE.update(readings)


def _spelling(place: Place, paragraph: str, places: Gazetteer) -> str:
    """The place's name as the paragraph writes it: a Latin alias with as many words as the
    gazetteer's name ("Amadiya" for "Amedi"); else the gazetteer's name."""
    for mention in places.mentions(paragraph):
        if mention.place != place:
            continue
        written = re.sub(r"['’]s$", "", paragraph[mention.start : mention.end])
        same_size = len(written.replace("-", " ").split()) == len(place.name.split())
        if written.isascii() and same_size and written.casefold() != place.name.casefold():
            return written
        break
    return place.name


def _province_near(text: str, place: Place, places: Gazetteer) -> str | None:
    """The province named in a sentence of `text` that also names `place`."""
    for sentence in _SENTENCE_END.split(text):
        found = [m.place for m in places.mentions(sentence)]
        if place in found:
            provinces = [p.name for p in found if p.kind == "province"]
            if provinces:
                return provinces[0]
    return None


def _masked(text: str, outlets: Sequence[str]) -> str:
    """The text with the outlets' names blanked out (offsets kept): "told Euphrates News
    Agency" locates nothing."""
    first = _first_outlet(text, outlets)
    if first is None:
        return text
    for outlet in outlets[first:]:  # none before it is in the text
        if outlet and outlet in text:
            text = text.replace(outlet, " " * len(outlet))
    return text


def _first_outlet(text: str, outlets: Sequence[str]) -> int | None:
    """The position in `outlets` of the first name the text holds, or None. A week names
    hundreds of outlets and a report one or none: a name is looked for only when the text
    holds its first four characters (a name shorter than that always)."""
    short, by_start = _outlet_starts(tuple(outlets))
    grams = {text[i : i + 4] for i in range(len(text) - 3)}
    maybe = [*short, *(n for start in grams & by_start.keys() for n in by_start[start])]
    return next((n for n in sorted(maybe) if outlets[n] in text), None)


@lru_cache(maxsize=8)  # a table's stories share the week's outlets
def _outlet_starts(outlets: tuple[str, ...]) -> tuple[list[int], dict[str, list[int]]]:
    """The positions of the outlets' names shorter than four characters, and of the others
    by their first four."""
    short = []
    by_start: dict[str, list[int]] = {}
    for n, outlet in enumerate(outlets):
        if len(outlet) >= 4:
            by_start.setdefault(outlet[:4], []).append(n)
        elif outlet:
            short.append(n)
    return short, by_start


def written_place(texts: Sequence[str], outlets: Sequence[str] = ()) -> str | None:
    """Without a gazetteer: "in <Name>" from the first text that has one, and the province
    a text names ("in Diyala province")."""
    texts = [_masked(text, outlets) for text in texts]
    place = next((p for t in texts if (p := location(t))), None)
    if place is None:
        return None
    region = next((r for t in texts if (r := province(t))), None)
    if region and region.casefold() not in place.casefold():
        place = f"{place}, {region}"
    return place


def location(text: str) -> str | None:
    """The first capitalised name after "in", "near"...; "Baghdad's Karrada" -> "Karrada,
    Baghdad", as an editor writes a district of a city; "the X area near Y" -> Y, the place
    a reader can find; an organisation's name ("Kirkuk Operations Command") is no place."""
    for match in _PLACE.finditer(text):
        place = match.group(1)
        if place.split()[0] in _NOT_PLACES or _ORG_AFTER.match(text[match.end(1) :]):
            continue
        near = _NEAR.match(text[match.end(1) :])
        if near and re.match(r"\s+(?:area|village|region)\b", text[match.end(1) :], re.I):
            known = re.match(
                r"(?:al-|Al-)?[A-Z][\w'’-]+(?:\s+(?:al-)?[A-Z][\w'’-]+){0,2}",
                text[match.end(1) + near.end() :],
            )
            if known:
                place = known.group()
        owner = re.match(r"(.+?)['’]s\s+(\S.*)$", place)
        if owner:
            return f"{owner.group(2)}, {owner.group(1)}"
        return re.sub(r"['’]s$", "", place)  # "Jalawla's market"
    return None


def province(text: str) -> str | None:
    """The province a report names ("in Salahaddin province", "Diyala governorate")."""
    match = _PROVINCE.search(text)
    return match.group(1) if match else None


def _places(text: str, places: Gazetteer) -> Iterator[tuple[Place, int, int]]:
    """(place, start, end) for each gazetteer mention, then each name the text calls a
    district, area or village: looked up as if after "in" (names that are also common
    words need that), else taken as the text gives it, in its owner's province, unless the
    text places it near a known place (then that place is the location). Names that are
    part of an organisation's are skipped."""
    mentions = places.mentions(text)
    for mention in mentions:
        if not _organisation(text, mention.start, mention.end):
            yield mention.place, mention.start, mention.end
    for match in _NAMED_AREA.finditer(text):
        name, start, end = match.group(2), match.start(2), match.end(2)
        known = places.mentions(f"in {name}")
        if known and known[0].end - known[0].start == len(name):
            yield known[0].place, start, end
            continue
        if _organisation(text, start, end) or _placed_near(text, end, mentions):
            continue
        owner = places.mentions(match.group(1) or "")
        region = ""
        if owner:
            region = owner[0].place.province or owner[0].place.name
        kind = _AREA_KINDS.get(match.group(3).lower(), "subdistrict")
        yield Place(name, region, kind), start, end


def _organisation(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is part of an organisation's or outlet's name."""
    before = " ".join(arabic.normal(w) for w in text[max(0, start - 40) : start].split())
    return bool(_ORG_AFTER.match(text[end : end + 80]) or _ORG_BEFORE.search(before + " "))


def _placed_near(text: str, end: int, mentions: Sequence[Mention]) -> bool:
    """Whether an unknown locality ending at `end` is placed by a known one: "... area near
    Tarmiyah", "... village, 10 km south of Baquba"."""
    near = _NEAR.match(text[end : end + 80])
    return bool(near) and any(m.start == end + near.end() for m in mentions)


def _aside(text: str, start: int, end: int) -> bool:
    before = " ".join(arabic.normal(w) for w in text[max(0, start - 60) : start].split())
    return bool(_ASIDE_BEFORE.search(before + " ") or _ASIDE_AFTER.match(text[end:]))


@dataclass(frozen=True)
class _Trigger:
    start: int
    telling: int  # _ATTACK or _AFTERMATH
    verb: bool  # a verb (or an Arabic verbal noun) governs before a noun does


def _blanked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with the places' names blanked out (offsets kept): "in Hit" is no hit."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _triggers(text: str) -> list[_Trigger]:
    """The words of `text` that tell of the attack or of its aftermath, in order."""
    found = []
    for match in _TRIGGER.finditer(text):
        group = match.lastgroup or ""
        telling = _ATTACK if group.startswith("attack") else _AFTERMATH
        found.append(_Trigger(match.start(), telling, group.endswith("verb")))
    for match in _ARABIC_WORD.finditer(text):
        known = next(
            (t for form in arabic.forms(match.group()) if (t := _ARABIC_TRIGGERS.get(form))),
            None,
        )
        if known:
            found.append(_Trigger(match.start(), *known))
    return sorted(found, key=lambda t: t.start)


def _telling(text: str, triggers: Sequence[_Trigger], start: int, end: int) -> int:
    """What the clause around text[start:end] tells of there: the clause's last verb before
    the place, else its first verb after it, else its nearest noun the same way; a clause
    with none of these tells of neither."""
    begin = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    stop = _CLAUSE_END.search(text, end)
    before = [t for t in triggers if begin <= t.start < start][::-1]
    after = [t for t in triggers if end <= t.start < (stop.start() if stop else len(text))]
    for pool in (
        [t for t in before if t.verb],
        [t for t in after if t.verb],
        before,
        after,
    ):
        if pool:
            return pool[0].telling
    return _OTHER


def _sentence_province(text: str, start: int, places: Gazetteer) -> str | None:
    """The first province named in the sentence around `start`."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, start)
    sentence = text[begin : stop.start() if stop else len(text)]
    found = [m.place for m in places.mentions(sentence) if m.place.kind == "province"]
    return found[0].name if found else province(sentence)
