"""Draft incident rows (date, location, deaths, injuries) from attack reports.

A heuristic reader of common news phrasing; the editor confirms every row. The rules are a
monitor's conventions:

- a row for an attack or armed violence with a physical effect (bombs, rockets, drones,
  gunmen, shelling, airstrikes, clashes), whether or not anyone was hurt; none for what
  follows or prevents one (arrests, raids, operations, caches, seizures, trials, funerals)
  or for harm without an attacker (fires, floods, accidents, poisoning);
- deaths and injuries each from the most recent report that states them, since tolls are
  revised as reports come in (casualties.py reads one report);
- the place: the most specific one the story names, written "Place, Province"
  (locations.py).

A count it cannot read is left unknown (None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.issues import arabic
from digest.issues.casualties import Toll, casualties, read, settle
from digest.issues.locations import location, named_place, province, written_place
from digest.issues.places import Gazetteer
from digest.models import Entry, Incident, Item

__all__ = ["casualties", "figures", "incident", "is_attack", "location", "province"]

# What makes a report an attack: a weapon or armed actor with an effect.
_WEAPON = re.compile(
    r"\b(?:IEDs?|(?:roadside |sticky |car |magnetic |suicide )?bomb(?:s|ed|ing|ings|er|ers)?|"
    r"blast|explo(?:sions?|sives?|ded?|des)|detonat\w+|"
    r"(?<!prices )rockets?(?!\s+(?:up|higher|to)\b)|missiles?|katyushas?|mortars?|"
    r"shell(?:ed|ing)|(?:mortar|artillery|tank) shells?|"
    r"artillery|drones?|UAVs?|air ?strikes?|(?:air|drone|missile|artillery) strikes?|"
    r"warplanes?|(?:jets?|aircraft|planes?) (?:strike|struck|bomb\w*|hit|pound\w*|target\w*)|"
    r"grenades?|RPGs?|gunm[ae]n|gunfire|gunfights?|gun battles?|shot dead|shooting|shootout|"
    r"firefight|exchange of fire|opened fire|open fire|fired (?:on|at)|ambush\w*|"
    r"assassinat\w+|snipers?|landmines?|ISIS attack\w*|militants? attack\w*)\b"
    r"|عبوه|عبوات|انفجار|تفجير|مفخخ|انتحاري|صاروخ|صواريخ|قذيفه|قذائف|هاون|طائر\S* \S*مسير|"
    r"مسيره (?:مفخخه|مجهوله|تركيه|ايرانيه)|قصف|غاره|غارات|ضربه جويه|قنبله|رمانه يدويه|"
    r"مسلحون|مسلحين|هجوم مسلح|اطلاق نار|اطلاق النار|اغتال|اغتيال|اشتباك|كمين",
    re.I,
)
# Attack words that need a casualty count too: "MPs attack the budget" is no attack.
_WEAK = re.compile(
    r"\b(?:attack\w*|clash\w*|fight\w*|violen\w+|strikes?|struck|aircraft|helicopters?|"
    r"jets?|dispute|feud|murder\w*|stabb\w*|kidnap\w*|blasts|under fire)\b|هجوم|اشتباكات|نزاع",
    re.I,
)
# Mines and war remnants are news of their own (clearance, survivors) unless they hurt someone.
_LEGACY = re.compile(
    r"\b(?:remnants|ordnance|unexploded|(?:land)?mines|minefields?)\b|مخلفات|الغام", re.I
)
# A story about what follows or prevents an attack, or about harm without an attacker.
_NOT_ATTACK = re.compile(
    r"\b(?:arrest\w*|detain\w*|captur\w+|caught(?! fire)|apprehend\w*|seiz\w+|confiscat\w+|cache|"
    r"defus\w+|dismantl\w+|foil\w*|thwart\w*|sentenc\w+|convict\w*|court|trial|verdict|"
    r"funerals?|bur(?:y|ies|ied)|mourning|operation|sweep|clear(?:s|ed|ing|ance)|demining|"
    r"mine action|risk education|awareness|summon\w*|envoy|committee|question(?:s|ed|ing)|"
    r"condemn\w*|demand\w*|call(?:s|ed|ing)?(?:\s+\w+){0,3}?\s+for|calls (?:grow|mount)|"
    r"heart attack|cyber\w*|fire (?:broke|breaks)|blaze|flood\w*|earthquake|quake|poison\w*|"
    r"accident|crash\w*|collision|collaps\w+|drown\w*|electrocut\w*|gas cylinder)\b"
    r"|القبض|اعتقال|ضبط|احباط|تفكيك|محكمه|الحكم|حكمت|الاعدام|تشييع|عمليه عسكريه|عمليه امنيه|"
    r"حريق|فيضان|سيول|زلزال|تسمم|حادث سير",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+")


def is_attack(title: str, text: str) -> bool:
    """Whether one report tells of an attack, read from its headline, then its lead.

    A follow-up (arrest, funeral, trial, reaction...) named before any weapon makes it the
    follow-up's story, unless that part counts casualties (then the lead decides). A weapon
    named first makes it an attack, at once if no follow-up is named too or casualties are
    counted, else unless the lead turns out to be a follow-up ("Bombing: Calls Grow...")."""
    weapon_first = False
    for part in (title, _SENTENCE.split(text.strip(), maxsplit=1)[0]):
        part = _normal(part)
        follow_up, weapon = _NOT_ATTACK.search(part), _WEAPON.search(part)
        weak = _WEAK.search(part)
        if not (follow_up or weapon or weak):
            continue
        counted = any(n is not None for n in casualties(part))
        if follow_up and (not weapon or follow_up.start() < weapon.start()):
            if counted:
                continue  # "Officer Wounded as Police Arrest Gang": what hurt him?
            return False
        if _LEGACY.search(part) and not counted:
            continue
        if (weapon and (not follow_up or counted)) or (weak and counted):
            return True
        weapon_first = weapon_first or bool(weapon)
    return weapon_first


def figures(reports: Sequence[tuple[str, str]]) -> Toll:
    """Deaths and injuries from (title, text) reports, oldest first: each figure from the
    latest report that states it, since later reports revise the toll."""
    deaths = injuries = None
    for title, text in reports:
        toll = settle(read(text), read(title))
        deaths = toll.deaths if toll.deaths is not None else deaths
        injuries = toll.injuries if toll.injuries is not None else injuries
    return Toll(deaths, injuries)


def incident(
    entry: Entry, items: Sequence[Item] = (), places: Gazetteer | None = None
) -> Incident | None:
    """A draft row when the story is an attack; None otherwise.

    `items` are every outlet's report of the story (digest.models.Item), read in order of
    publication; the entry alone is read when there are none. A place no report names is
    "?", as an unknown figure is: the editor fills it in rather than losing the row.
    """
    by_time = sorted(items, key=lambda item: item.published)
    reports = [(item.title, item.text) for item in by_time] or [(entry.title, entry.text)]
    if not any(is_attack(title, text) for title, text in reports):
        return None
    texts = [entry.text, entry.title, *(t for report in reports for t in reversed(report))]
    place = named_place(texts, places) if places else None
    place = place or written_place([entry.text, entry.title, *(text for _, text in reports)])
    toll = figures(reports)
    return Incident(
        day=entry.day,
        location=place or "?",
        deaths=toll.deaths,
        injuries=toll.injuries,
        description=entry.title,
    )


def _normal(text: str) -> str:
    """Arabic in arabic.normal form so the word lists match; Latin text unchanged."""
    return " ".join(arabic.normal(w) for w in text.split())
