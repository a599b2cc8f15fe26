"""Draft incident rows (date, location, deaths, injuries) from attack reports.

A heuristic reader of common news phrasing; the editor confirms every row. A count it
cannot read is left unknown (None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from digest.models import Entry, Incident

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "dozens": None,
    "several": None,
}
_ATTACK = re.compile(
    r"\b(IEDs?|roadside bombs?|car bombs?|bomb(?:ing)?s?|explosions?|explosive device|"
    r"rockets?|drone strikes?|drones?|mortars?|suicide|gunmen|attack(?:ed|s)?|ambush(?:ed)?|"
    r"airstrikes?|air strikes?|shelling)\b",
    re.I,
)
_N = r"(?<!\bno )(?:at least |some |about )?\b(\d+|" + "|".join(k for k in _NUMBERS if k) + r")\b"
_NOUN = r"(?:\s+(?:[a-z-]+\s+){0,2}?(?:people|persons?|soldiers?|civilians?|fighters?|members?|"
_NOUN += r"officers?|policemen|police officers?|troops|militants?|children|men|women|others?|"
_NOUN += r"workers?|farmers?|shepherds?|guards?|personnel|gunmen|passengers?|pilgrims?))?"
_DEATHS = (
    re.compile(r"\bkill(?:ing|ed|s)\s+" + _N + _NOUN, re.I),
    re.compile(_N + _NOUN + r"\s+(?:were|was|have been|had been)\s+killed", re.I),
    re.compile(r"\bleft\s+" + _N + _NOUN + r"\s+dead", re.I),
    re.compile(_N + _NOUN + r"\s+died", re.I),
    re.compile(_N + _NOUN + r"\s+dead\b", re.I),  # "Four Dead, 11 Wounded in ..."
)
_INJURIES = (
    re.compile(r"\b(?:wound(?:ing|ed|s)|injur(?:ing|ed|es))\s+" + _N + _NOUN, re.I),
    re.compile(_N + _NOUN + r"\s+(?:were|was|have been|had been)\s+(?:wounded|injured)", re.I),
    re.compile(r"\b(?:and|,)\s+" + _N + _NOUN + r"\s+(?:wounded|injured)", re.I),
)
_PROVINCE = re.compile(
    r"\b((?:al-|Al-)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:province|governorate)\b"
)
_NO_CASUALTIES = re.compile(r"\bno (?:casualties|injuries|one was (?:hurt|injured))\b", re.I)
_PLACE = re.compile(
    r"\b(?:in|near|outside|north of|south of|east of|west of)\s+(?:the\s+)?"
    r"((?:al-|Al-)?[A-Z][\w'’-]+(?:\s+(?:al-)?[A-Z][\w'’-]+){0,2})"
)
_NOT_PLACES = frozenset(
    {
        "The",
        "A",
        "An",
        "Iraq",
        "Iraqi",
        "February",
        "January",
        "March",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    }
)


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            word = match.group(1).lower()
            return int(word) if word.isdigit() else _NUMBERS.get(word)
    return None


def location(text: str) -> str | None:
    for match in _PLACE.finditer(text):
        place = re.sub(r"['’]s$", "", match.group(1))  # "Jalawla's market"
        if place.split()[0] not in _NOT_PLACES:
            return place
    return None


def casualties(text: str) -> tuple[int | None, int | None]:
    deaths, injuries = _count(_DEATHS, text), _count(_INJURIES, text)
    if deaths is None and injuries is None and _NO_CASUALTIES.search(text):
        return 0, 0
    return deaths, injuries


def incident(entry: Entry, reports: Sequence[str] = ()) -> Incident | None:
    """A draft row when the entry reports an attack with a place or a casualty count.

    `reports` are the other outlets' texts of the same story: tolls rise as reports come
    in, so each count is the highest any report gives; the place and province come from
    the entry's own text first."""
    text = f"{entry.title}. {entry.text}"
    if not _ATTACK.search(text):
        return None
    counts = [casualties(t) for t in (text, *reports)]
    deaths = _highest(c[0] for c in counts)
    injuries = _highest(c[1] for c in counts)
    place = location(entry.text) or location(entry.title)
    if place is None:
        place = next((p for r in reports if (p := location(r))), None)
    if place is None or (deaths is None and injuries is None):
        return None
    region = next((r for t in (text, *reports) if (r := province(t))), None)
    if region and region.casefold() not in place.casefold():
        place = f"{place}, {region}"
    return Incident(
        day=entry.day, location=place, deaths=deaths, injuries=injuries, description=entry.title
    )


def province(text: str) -> str | None:
    """The province a report names ("in Salahaddin province", "Diyala governorate")."""
    match = _PROVINCE.search(text)
    return match.group(1) if match else None


def _highest(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None
