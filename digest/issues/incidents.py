"""Draft incident rows (date, location, deaths, injuries) from attack reports.

A heuristic reader of common news phrasing; the editor confirms every row. The rules are a
monitor's conventions:

- a row for an attack or armed violence with a physical effect (bombs, rockets, drones,
  gunmen, shelling, airstrikes, clashes), whether or not anyone was hurt; none for what
  follows or prevents one (arrests, raids, operations, caches, seizures, trials, funerals)
  or for harm without an attacker (fires, floods, accidents, poisoning);
- deaths and injuries each from the most recent report that states them, since tolls are
  revised as reports come in (casualties.py reads one report);
- the place: the most specific one the story names, written "Place, Province" and spelled
  as the paragraph spells it; never an outlet's or organisation's name (locations.py);
- the kind: the most telling weapon the headline, else the lead, else the rest names, one
  of KINDS (a drone's bomb is a drone attack, a suicide car bomb a suicide attack);
- militants killed (attackers, ISIS members, a suicide bomber) apart from the other dead:
  DraftOptions.militants "note" keeps them in `militants`, "count" adds them to deaths,
  "exclude" drops them.

`table()` drafts the issue's rows from every story. Reports of one attack told as separate
stories are one row, dated on the earliest day with the latest toll: two stories are one
attack when their kinds agree (one may be unknown), their places are one (or one lies in the
other), their days are at most three apart, and the later one is a follow-up ("the death
toll from Sunday's bombing rose to five", "a soldier wounded in last week's attack died",
"after a car bomb on Sunday killed two") or tells of the same day, or the next day with the
same toll. Two attacks in one town on different days, without a follow-up's words, are two
rows. A follow-up that says only who died of wounds adds them to the toll it follows.

A count it cannot read is left unknown (None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from digest.issues import parallel
from digest.models import DraftOptions, Entry, Incident, Item
from digest.text import arabic
from digest.text.attack_kinds import KINDS
from digest.text.casualties import Toll, casualties, read, settle
from digest.text.locations import location, named_place, province, written_place
from digest.text.places import Gazetteer

__all__ = [
    "KINDS",
    "casualties",
    "figures",
    "incident",
    "is_attack",
    "kind",
    "location",
    "province",
    "table",
]

_KIND_WORDS = {
    "suicide": r"\bsuicide (?:bomb\w*|attack\w*|vest|belt)|انتحاري|حزام ناسف|احزمه ناسفه",
    "car-bomb": r"\bcar[- ]bomb\w*|\bVBIEDs?\b|\bbooby-trapped (?:car|vehicle)|"
    r"\b(?:car|vehicle) (?:packed|laden|rigged) with explosives|سياره مفخخه|عجله مفخخه|مفخخه",
    "drone": r"\bdrones?\b|\bUAVs?\b|\bunmanned\b|مسيره|مسيرات|درون",
    "airstrike": r"\bair ?strikes?\b|\bair ?raids?\b|\bwar ?planes?\b|\b(?:fighter )?jets?\b|"
    r"\bF-16s?\b|\baircraft\b|\bhelicopters?\b|غاره|غارات|ضربه جويه|ضربات جويه|قصف جوي|"
    r"طائرات حربيه|الطيران الحربي|طيران الجيش|القوه الجويه",
    "rocket": r"\brockets?\b|\bmissiles?\b|\bKatyushas?\b|\bprojectiles?\b|صاروخ|صواريخ|كاتيوشا",
    "shelling": r"\bshell(?:s|ed|ing)\b|\bmortars?\b|\bartillery\b|قذيفه|قذائف|هاون|مدفعي|قصف",
    "ied": r"\bIEDs?\b|\b(?:roadside|sticky|magnetic|planted|homemade) bombs?\b|"
    r"\bexplosive (?:device|charge)s?\b|\bbomb(?:s|ing|ings)?\b|عبوه|عبوات|ناسفه",
    "mine": r"\b(?:land)?mines?\b|\bunexploded\b|\bordnance\b|\bwar remnants\b|لغم|الغام|"
    r"مخلفات حربيه",
    "grenade": r"\bgrenades?\b|\bRPGs?\b|قنبله|رمانه",
    "gunfire": r"\bgunm[ae]n\b|\bgunfire\b|\bgun ?(?:fight|battle)s?\b|\bshot\b|\bshooting\b|"
    r"\bshootout\b|\bfirefight\b|\bopened fire\b|\bsnipers?\b|\bambush\w*|\bclash\w*|"
    r"\bassassinat\w+|\barmed (?:attack|assault)\b|\bexchange of fire\b|اطلاق نار|اطلاق النار|"
    r"مسلحون|مسلحين|هجوم مسلح|اشتباك|رصاص|اغتيال|اغتال|كمين|قناص",
    "explosion": r"\bexplo(?:sions?|sives?|ded?|des)\b|\bblasts?\b|\bdetonat\w+|انفجار|تفجير",
}
_KIND_PATTERNS = {key: re.compile(words, re.I) for key, words in _KIND_WORDS.items()}
# Kinds one attack may be told as by different outlets ("a bomb", "a car bomb").
_FAMILY = {
    **dict.fromkeys(("suicide", "car-bomb", "ied", "mine", "grenade", "explosion"), "blast"),
    **dict.fromkeys(("drone", "airstrike"), "air"),
    **dict.fromkeys(("rocket", "shelling"), "fire"),
    "gunfire": "gunfire",
}

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
_ATTACK_NOUN = (
    r"(?:attack|bombing|blast|explosion|strike|airstrike|ambush|shelling|assault|"
    r"(?:car |roadside |sticky )?bomb|rocket attack|drone strike)s?"
)
_PAST_DAY = (
    r"(?:yesterday|last (?:week|night)|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?: night)?|"
    r"(?:the )?previous day|(?:the )?day before)"
)
# A report that follows up an attack told before: a revised toll, the wounded who died,
# the attack named by its (past) day.
_FOLLOW_UP = re.compile(
    r"\btoll\b[^.;]{0,60}?\b(?:rose|rises|risen|climbed|climbs|increased|reached|raising|"
    r"bringing|jumped)\b|\b(?:raising|bringing|brought|raised) the (?:death )?toll\b"
    r"|\b(?:died|dies|has died|had died)\b[^.;]{0,40}?\b(?:of|from) (?:his|her|their|the)\s+"
    r"(?:\w+\s+)?(?:wounds|injuries)|\bsuccumbed\b"
    # "Sunday's bombing", "yesterday's attack", "last week's car bomb"
    rf"|\b{_PAST_DAY}['’]s (?:\w+ ){{0,2}}?{_ATTACK_NOUN}\b"
    # "after a car bomb on Sunday killed two"
    r"|\b(?:after|following|since|a day after|days after)\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?"
    rf"{_ATTACK_NOUN}\b[^.;]{{0,40}}?\b(?:on|late on|early on) {_PAST_DAY}\b"
    r"|ارتفعت حصيله|ارتفاع حصيله|متاثرا بجروح|متاثره بجروح|متاثرين بجروح|فارق الحياه",
    re.I,
)
_WOUNDS_DIED = re.compile(  # a report that counts only who died of wounds since
    r"\b(?:died|dies|has died|had died|succumbed)\b[^.;]{0,40}?\b(?:wounds|injuries)\b"
    r"|\bsuccumbed\b|متاثرا بجروح|متاثره بجروح|متاثرين بجروح",
    re.I,
)
_TOLL_STATED = re.compile(r"\btoll\b|حصيله", re.I)
# Stories: a story's row takes 0.7-2 ms to read (more reports, more), a fork pool about
# 15-25 ms to start and return the rows; on the 1,000-item distinct week (501 stories) two
# workers save about 0.15 s of the draft's 1.4 s. Measured as a user waits (`digest draft`,
# 6-8 runs each way): 121 stories 0.48 -> 0.46 s, 207 (the 1,000-item reprinted week)
# 0.62 -> 0.57 s, 218 0.61 -> 0.57 s.
PARALLEL_STORIES = 100


# Reports whose reading another process did (clustering's pool): remember_attacks.
_READ_ELSEWHERE: dict[tuple[str, str], bool] = {}


def remember_attacks(read: dict[tuple[str, str], bool]) -> None:
    """Take is_attack's answers for these (title, text) reports as read, in place of the
    answers remembered before: a pool's workers read a big week's reports for clustering,
    and the incident rows, read by workers forked later, ask about the same reports."""
    _READ_ELSEWHERE.clear()
    _READ_ELSEWHERE.update(read)


def read_as_attack(title: str, text: str) -> bool | None:
    """What a pool read the report as (remember_attacks); None when it did not read it."""
    return _READ_ELSEWHERE.get((title, text))


def is_attack(title: str, text: str) -> bool:
    """Whether one report tells of an attack (_attack), or what a pool read it as."""
    known = _READ_ELSEWHERE.get((title, text))
    return _attack(title, text) if known is None else known


@lru_cache(maxsize=65536)  # a story's reprints, and clustering's reading of the same reports
def _attack(title: str, text: str) -> bool:
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
        # Whether the part counts casualties is read only where it decides: a weapon named
        # with no follow-up (and no mine's legacy) makes an attack whatever the count.
        if follow_up and (not weapon or follow_up.start() < weapon.start()):
            if _counted(part):
                continue  # "Officer Wounded as Police Arrest Gang": what hurt him?
            return False
        if _LEGACY.search(part) and not _counted(part):
            continue
        if weapon and not follow_up:
            return True
        if (weapon or weak) and _counted(part):
            return True
        weapon_first = weapon_first or bool(weapon)
    return weapon_first


def _counted(part: str) -> bool:
    """Whether a part of a report counts the dead or the wounded."""
    return any(n is not None for n in casualties(part))


def figures(reports: Sequence[tuple[str, str]]) -> Toll:
    """Deaths, injuries and militants from (title, text) reports, oldest first: each figure
    from the latest report that states it, since later reports revise the toll."""
    deaths = injuries = militants = None
    for title, text in reports:
        toll = settle(read(text), read(title))
        if toll.deaths is not None or toll.militants is not None:
            # who the dead were is one figure: "two people" and "two ISIS members" in
            # another report are the same two
            earlier = deaths
            deaths, militants = toll.deaths, toll.militants
            if _update(text) and earlier is not None and deaths is not None:
                deaths = max(earlier, deaths)  # "the driver died of his wounds" again
        injuries = toll.injuries if toll.injuries is not None else injuries
    return Toll(deaths, injuries, militants)


def kind(texts: Sequence[str]) -> str:
    """The kind of attack (a KINDS key) the first of `texts` that names a weapon tells;
    "" when none does."""
    for text in texts:
        text = _normal(text)
        found = next((key for key, pattern in _KIND_PATTERNS.items() if pattern.search(text)), "")
        if found:
            return found
    return ""


def incident(
    entry: Entry,
    items: Sequence[Item] = (),
    places: Gazetteer | None = None,
    outlets: Sequence[str] = (),
) -> Incident | None:
    """A draft row when the story is an attack; None otherwise.

    `items` are every outlet's report of the story (digest.models.Item), read in order of
    publication; the entry alone is read when there are none. A place no report names is
    "?", as an unknown figure is: the editor fills it in rather than losing the row. Names
    of `outlets` (and the items' own outlets) are never read as places.
    """
    by_time = sorted(items, key=lambda item: item.published)
    reports = [(item.title, item.text) for item in by_time] or [(entry.title, entry.text)]
    # Outlets reprint wire copy word for word. Where only the first text that says
    # something counts, a reprint met again says nothing new: each is read once.
    if not any(is_attack(title, text) for title, text in dict.fromkeys(reports)):
        return None
    outlets = sorted({*outlets, *(item.source for item in items)}, key=len, reverse=True)
    texts = [entry.text, entry.title, *(t for report in reports for t in reversed(report))]
    place = named_place(_once(texts), places, entry.text, outlets) if places else None
    place = place or written_place(
        _once([entry.text, entry.title, *(text for _, text in reports)]), outlets
    )
    toll = figures(reports)
    lead = _SENTENCE.split(entry.text.strip(), maxsplit=1)
    return Incident(
        day=entry.day,
        location=place or "?",
        deaths=toll.deaths,
        injuries=toll.injuries,
        description=entry.title,
        kind=kind(_once([entry.title, lead[0], *lead[1:], *(t for r in reports for t in r)])),
        militants=toll.militants,
    )


def _once(texts: Sequence[str]) -> list[str]:
    """The texts without repeats, each where it first comes (for readers that take the
    first text to say something, or the most trusted: a repeat never says more)."""
    return list(dict.fromkeys(texts))


def table(
    stories: Sequence[tuple[Entry, Sequence[Item]]],
    places: Gazetteer | None,
    options: DraftOptions,
    read: Mapping[Entry, tuple[Incident | None, bool]] | None = None,
) -> tuple[Incident, ...]:
    """The issue's incident rows from every drafted story (its entry and every outlet's
    report), follow-ups folded into the row of the attack they follow, only the kinds
    `options.incident_kinds` names (all when empty), militants as `options.militants`
    says; sorted by (day, location). `read`: story_row of the stories' entries, where it
    was read before (by a pool's workers, with the drafting of the stories)."""
    if read is None:
        outlets = week_outlets(items for _, items in stories)
        reader = partial(story_row, places=places, outlets=outlets)
        answers = parallel.read_all(reader, stories, at_least=PARALLEL_STORIES)
    else:
        answers = [read[entry] for entry, _ in stories]
    drafts = []
    for (entry, items), (row, follow_up) in zip(stories, answers, strict=True):
        if row is not None:
            drafts.append(_Draft(row, _reports(entry, items), follow_up))
    rows = [_options(_merged(group), options) for group in _attacks(drafts)]
    wanted = set(options.incident_kinds)
    kept = (row for row in rows if not wanted or row.kind in wanted)
    return tuple(sorted(kept, key=lambda row: (row.day, row.location)))


def week_outlets(reports: Iterable[Sequence[Item]]) -> list[str]:
    """The outlets of the stories' reports, the longest name first (story_row's `outlets`)."""
    return sorted({item.source for items in reports for item in items}, key=len, reverse=True)


def story_row(
    story: tuple[Entry, Sequence[Item]], places: Gazetteer | None, outlets: Sequence[str]
) -> tuple[Incident | None, bool]:
    """A story's row (incident) and whether it follows up an attack told before; each story
    is read on its own, so a big week's are read by a pool (parallel)."""
    entry, items = story
    row = incident(entry, items, places, outlets)
    return row, row is not None and _follows_up(entry, _reports(entry, items))


def _reports(entry: Entry, items: Sequence[Item]) -> tuple[tuple[str, str], ...]:
    """(title, text) of every report of a story, oldest first; the entry's own without any."""
    reports = sorted(items, key=lambda item: item.published)
    return tuple((r.title, r.text) for r in reports) or ((entry.title, entry.text),)


@dataclass(frozen=True)
class _Draft:
    row: Incident  # the story's own row
    reports: tuple[tuple[str, str], ...]  # (title, text), oldest first
    follow_up: bool  # tells of an attack reported before


def _follows_up(entry: Entry, reports: Sequence[tuple[str, str]]) -> bool:
    return any(
        _FOLLOW_UP.search(_normal(text))
        for text in _once([t for r in [(entry.title, entry.text), *reports] for t in r])
    )


def _update(text: str) -> bool:
    """A report that tells who died of wounds since, without restating the whole toll."""
    text = _normal(text)
    return bool(_WOUNDS_DIED.search(text)) and not _TOLL_STATED.search(text)


def _attacks(drafts: list[_Draft]) -> list[list[_Draft]]:
    """The drafts grouped by attack: each joins the group of the earlier draft (by day,
    at most three days before) it is the same attack as, the nearest day first."""
    drafts = sorted(drafts, key=lambda d: d.row.day)
    groups: list[list[_Draft]] = []
    for draft in drafts:
        near = [g for g in groups if 0 <= (draft.row.day - g[0].row.day).days <= 3]
        match = next(
            (
                g
                for g in sorted(near, key=lambda g: -g[-1].row.day.toordinal())
                if any(_same_attack(earlier, draft) for earlier in g)
            ),
            None,
        )
        if match is None:
            groups.append([draft])
        else:
            match.append(draft)
    return groups


def _same_attack(earlier: _Draft, later: _Draft) -> bool:
    a, b = earlier.row, later.row
    if not _same_kind(a.kind, b.kind) or not _same_place(a.location, b.location):
        return False
    days = (b.day - a.day).days
    if later.follow_up:
        return True
    known = a.kind and a.kind == b.kind and a.location != "?" and a.location == b.location
    if not known:
        return False
    if days == 0:
        return True
    # re-reported the next day: the same toll, as far as both state it
    pairs = [(x, y) for x, y in ((a.deaths, b.deaths), (a.injuries, b.injuries)) if x is not None]
    return days == 1 and bool(pairs) and all(x == y for x, y in pairs if y is not None)


def _same_kind(a: str, b: str) -> bool:
    return not a or not b or _FAMILY.get(a) == _FAMILY.get(b)


def _same_place(a: str, b: str) -> bool:
    """The same place, or one inside the other ("Tuz Khurmatu, Salahaddin" and
    "Salahaddin"); an unknown place ("?") is neither."""
    if "?" in (a, b):
        return False
    x, y = _place_parts(a), _place_parts(b)
    return x == y or x[0] in y or y[0] in x


@lru_cache(maxsize=4096)  # a week's rows are compared with each other: few labels, many times
def _place_parts(label: str) -> tuple[str, ...]:
    return tuple(part.strip().casefold() for part in label.split(","))


def _merged(group: list[_Draft]) -> Incident:
    """One row for one attack's drafts: the first story's day, place and description, the
    latest toll; a follow-up that counts only who died of wounds adds them to it."""
    first = group[0].row
    if len(group) == 1:
        return first
    deaths, injuries, militants = first.deaths, first.injuries, first.militants
    for draft in group[1:]:
        row = draft.row
        if all(_update(text) for _, text in draft.reports) and row.deaths and deaths is not None:
            deaths += row.deaths
            injuries = max(0, injuries - row.deaths) if injuries is not None else None
            continue
        if row.deaths is not None or row.militants is not None:
            deaths, militants = row.deaths, row.militants
        injuries = row.injuries if row.injuries is not None else injuries
    location = next((d.row.location for d in group if d.row.location != "?"), "?")
    kind = next((d.row.kind for d in group if d.row.kind), "")
    return replace(
        first,
        location=location,
        deaths=deaths,
        injuries=injuries,
        militants=militants,
        kind=kind,
    )


def _options(row: Incident, options: DraftOptions) -> Incident:
    """Militants as the editor wants them: noted apart, counted with the dead, or dropped."""
    if options.militants == "exclude":
        return replace(row, militants=None)
    if options.militants == "count" and row.militants is not None:
        return replace(row, deaths=(row.deaths or 0) + row.militants, militants=None)
    return row


@lru_cache(maxsize=65536)  # every reader of a report normalises it again
def _normal(text: str) -> str:
    """Arabic in arabic.normal form so the word lists match; Latin text unchanged."""
    if text.isascii():
        return " ".join(text.split())  # arabic.normal leaves every ASCII word as it is
    return " ".join(arabic.normal(w) for w in text.split())
