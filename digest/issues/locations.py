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

Without a gazetteer: the first capitalised name after "in", "near"..., with the province a
report names ("in Diyala province").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from digest.issues import arabic
from digest.issues.places import Gazetteer, Place

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
_SENTENCE_END = re.compile(r"[.!?؟]")

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


def named_place(texts: Sequence[str], places: Gazetteer) -> str | None:
    """The label of the place the texts (most trusted first) locate the attack at."""
    best: tuple[tuple[bool, int, int], Place, str, int] | None = None
    order = 0
    for text in texts:
        plain = arabic.strip_marks(text)  # mention offsets are into this form
        for place, start, end in _places(plain, places):
            order -= 1
            key = (not _aside(plain, start, end), place.rank, order)
            if best is None or key > best[0]:
                best = (key, place, plain, start)
    if best is None:
        return None
    _, place, plain, start = best
    if place.province or place.kind == "province":
        return place.label
    region = _sentence_province(plain, start, places)
    return f"{place.name}, {region}" if region else place.label


def written_place(texts: Sequence[str]) -> str | None:
    """Without a gazetteer: "in <Name>" from the first text that has one, and the province
    a text names ("in Diyala province")."""
    place = next((p for t in texts if (p := location(t))), None)
    if place is None:
        return None
    region = next((r for t in texts if (r := province(t))), None)
    if region and region.casefold() not in place.casefold():
        place = f"{place}, {region}"
    return place


def location(text: str) -> str | None:
    """The first capitalised name after "in", "near"...; "Baghdad's Karrada" -> "Karrada,
    Baghdad", as an editor writes a district of a city."""
    for match in _PLACE.finditer(text):
        place = match.group(1)
        if place.split()[0] in _NOT_PLACES:
            continue
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
    words need that), else taken as the text gives it, in its owner's province."""
    for mention in places.mentions(text):
        yield mention.place, mention.start, mention.end
    for match in _NAMED_AREA.finditer(text):
        name, start, end = match.group(2), match.start(2), match.end(2)
        known = places.mentions(f"in {name}")
        if known and known[0].end - known[0].start == len(name):
            yield known[0].place, start, end
            continue
        owner = places.mentions(match.group(1) or "")
        region = ""
        if owner:
            region = owner[0].place.province or owner[0].place.name
        kind = _AREA_KINDS.get(match.group(3).lower(), "subdistrict")
        yield Place(name, region, kind), start, end


def _aside(text: str, start: int, end: int) -> bool:
    before = " ".join(arabic.normal(w) for w in text[max(0, start - 60) : start].split())
    return bool(_ASIDE_BEFORE.search(before + " ") or _ASIDE_AFTER.match(text[end:]))


def _sentence_province(text: str, start: int, places: Gazetteer) -> str | None:
    """The first province named in the sentence around `start`."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, start)
    sentence = text[begin : stop.start() if stop else len(text)]
    found = [m.place for m in places.mentions(sentence) if m.place.kind == "province"]
    return found[0].name if found else province(sentence)
