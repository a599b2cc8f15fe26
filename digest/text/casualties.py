"""How many were killed and how many wounded, as one report states it.

A reader of the phrasings wire copy uses, in English (here) and Arabic (casualties_ar):
counts in digits and number words ("killing one soldier", "left two soldiers dead and three
wounded", "Four Dead, 11 Wounded", "one policeman was killed and one hurt"), a singular
victim ("wounding the driver", "his son was wounded"), a toll update ("raising the death
toll to three"), and statements of no harm ("no casualties", "nobody else was hurt",
"without inflicting casualties", "did not cause casualties", "caused only material damage").

Militants killed ("killing three militants", "two ISIS members were killed", "the suicide
bomber blew himself up", "neutralised five fighters") are counted apart from the other
dead: a monitor's table counts the attack's victims, and notes the attackers' losses.
"killing four militants" alone states that no one else died (0 deaths, 4 militants).

A figure the report does not state is None. Within one report: counting only the wounded
means no one died (0); "no casualties" and "no one (else) was hurt" make every figure the
report does not state 0; a vague count ("several wounded") states nothing. Which report
wins when outlets differ is incidents.py's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from digest.text import casualties_ar


class Toll(NamedTuple):
    deaths: int | None = None  # not counting militants
    injuries: int | None = None
    militants: int | None = None  # militants (attackers) killed


@dataclass(frozen=True)
class Reading:
    """What a report says before the rules that fill in zeros are applied."""

    deaths: int | None = None  # the dead who are not militants
    injuries: int | None = None
    militants: int | None = None  # militants killed
    mentions_deaths: bool = False  # a death word, even with no count we can read
    mentions_injuries: bool = False  # "several wounded": injured, count unknown
    no_deaths: bool = False  # "no one was killed"
    no_harm: bool = False  # "no casualties", "nobody (else) was hurt", "no losses"


UNITS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS = {
    w: 10 * n
    for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
WORDS = {**UNITS, **TENS, "both": 2, "a dozen": 12, "dozen": 12, "another": 1}
_VAGUE = (
    r"several|dozens|scores|many|numerous|hundreds|a number of|a few|some|more|other|"
    r"unspecified number of|an unknown number of"
)
_NUMBER = (
    r"\d+|(?:"
    + "|".join(TENS)
    + r")(?:[- ](?:"
    + "|".join(list(UNITS)[1:10])
    + r"))?|"
    + "|".join(sorted((w for w in WORDS if w not in TENS), key=len, reverse=True))
)

# People a report counts: the head noun of "two soldiers", "a passer-by", "his nephew".
_SINGULAR = (
    r"(?:person|man|woman|child|boy|girl|baby|infant|son|daughter|brother|sister|nephew|"
    r"niece|cousin|father|mother|wife|husband|relative|soldier|civilian|fighter|member|"
    r"officer|police ?(?:wo)?man|policeman|trooper|staffer|guard|bodyguard|recruit|"
    r"conscript|militant|gunman|insurgent|jihadist|terrorist|attacker|bomber|smuggler|"
    r"suspect|commander|leader|chief|mukhtar|elder|sheikh|cleric|imam|official|judge|lawyer|"
    r"mayor|shepherd|herder|farmer|fisherman|driver|passenger|passer-by|pilgrim|worker|"
    r"employee|contractor|engineer|doctor|nurse|teacher|student|journalist|activist|"
    r"resident|villager|shopkeeper|trader|merchant|exchanger|owner|vendor|customer|shopper|"
    r"tourist|visitor|candidate)"
)
_PLURAL = (
    r"(?:" + _SINGULAR + r"s|people|persons|men|women|children|police ?(?:wo)?men|policemen|"
    r"gunmen|fishermen|passers-by|troops|personnel|staff|police|peshmerga|others|ones)"
)
_PERSON = r"(?:" + _SINGULAR + r"|" + _PLURAL + r"|one|other)"
# Words between a number and its noun ("two off-duty police officers", "four ISIS militants")
# that are not where a phrase ends.
_MODIFIER = (
    r"(?:(?!(?:were|was|and|or|of|in|on|at|by|as|when|after|who|which|that|with|the|a|an|to|"
    r"from|is|are|had|have|has|dead|killed|wounded|injured|hurt)\b)[\w'-]+\s+){0,3}?"
)
# Not people: "two days later", "three rockets", "five vehicles".
_NOT_PEOPLE = (
    r"(?!\s+(?:days?|weeks?|months?|years?|hours?|minutes?|km|kilomet\w*|miles?|met\w*|"
    r"vehicles?|cars?|trucks?|rockets?|shells?|rounds?|mortars?|drones?|houses?|homes?|"
    r"buildings?|shops?|times?|percent|per cent|dollars?|dinars?|villages?|o'clock)\b)"
)
_COUNT = (
    r"(?<!\bno )(?<!\bnot )"
    r"(?:(?:at least|some|about|around|nearly|almost|more than|over|up to|as many as)\s+)?"
    r"(?:(?:the|all|all the)\s+)?(?:"
    r"(?P<n>" + _NUMBER + r")" + _NOT_PEOPLE + r"(?:\s+" + _MODIFIER + _PERSON + r")?"
    r"|(?:(?:a|an|the|his|her|one of the)\s+)?" + _MODIFIER + r"(?P<one>" + _SINGULAR + r")"
    r"|(?:a|an)\s+(?P<next>second|third|fourth|fifth|sixth)"  # "... and wounding a third"
    r"|(?P<vague>" + _VAGUE + r")(?:\s+" + _MODIFIER + _PERSON + r")?"
    r")\b"
)
# After the counted noun, before the verb: "of the Popular Mobilization Forces",
# ", including a nine-year-old boy,".
_AFTER = (
    r"(?:\s+(?:of|from|in|inside|aboard|belonging to)\s+[^.;,]{1,80}?"
    r"|,\s+(?:including|among them|most of them|all of them|mostly)\s+[^.;,]{1,60},)?"
)
_AUX = r"(?:were|was|have been|has been|had been|have|has|had|are|is|got|being)"
# A verb followed by its object is active, not a headline's passive: "a gunman killed three".
_OBJECT = r"(?![\"'“”‘’]?\s+(?:at least\s+)?(?:\d+|" + _NUMBER + r"|a|an|the|his|her|their)\b)"


# The same count without its named groups, to list more victims after the first one:
# "killing two soldiers and a civilian", "a soldier, a policeman and two militants were killed".
_COUNT_MORE = re.sub(r"\(\?P<\w+>", "(?:", _COUNT)
_CONJUNCT = (
    r"(?!(?:wound|injur|hurt|leav|rais|bring)\w*)"
    + _COUNT_MORE
    # "and three others (were) hurt" lists the wounded, not the dead
    + r"(?!\s+(?:(?!and\b|or\b)[\w'-]+\s+){0,3}?(?:wounded|injured|hurt|maimed)\b)"
)
_VICTIMS = (
    r"(?P<victims>" + _COUNT + r"(?:(?:,\s*" + _CONJUNCT + r"){0,3},?\s+and\s+" + _CONJUNCT + r")?)"
)


def _passive(verb: str, count: str = _COUNT) -> str:
    """ "two soldiers were killed", "Two Dead", "one policeman was killed and one hurt"."""
    with_aux = rf"{_AUX}\s+(?:(?:\w+ly|also)\s+)?{verb}"
    bare = rf"(?:\w+ly\s+)?(?<!\bthe\s){verb}{_OBJECT}"
    return rf"{count}{_AFTER}\s+(?:{with_aux}|{bare})"


_KILL = (
    r"(?:kill(?:s|ed|ing)?|shot dead|shoot(?:s|ing)? dead|gunned down|gunning down|"
    r"assassinat(?:es|ed|ing)|neutrali[sz](?:es|ed|ing)|claim(?:s|ed|ing) the lives of)"
)
_DEAD = (
    r"(?:killed|slain|shot dead|shot and killed|gunned down|assassinated|dead|died|dies|perished|"
    r"lost (?:their|his|her) li(?:ves|fe))\b"
)
_WOUND = r"(?:wound(?:s|ed|ing)?|injur(?:es|ed|ing)|hurting|maim(?:s|ed|ing))"
_HURT = r"(?:wounded|injured|hurt|maimed)\b"
_BLEW_UP = r"\b(?:blew|blow|blowing|blows) (?:himself|herself|themselves) up"
_TREATED = (
    r"(?:in (?:the )?hospital|hospitali[sz]ed|in (?:a )?(?:critical|serious|stable) "
    r"condition|receiving treatment|being treated)"
)
_FLAGS = re.I
# The costliest patterns to compile (a count, repeated for every victim a phrase lists):
# their sources here, compiled on first use (_compiled), so a week that never needs one
# (no "blew himself up") does not pay for it, or all before a draft forks its readers
# (compile_patterns).
# "raising the death toll to three": the figure a toll update settles on
_TOLL = r"\b(?:death )?toll\b[^.;]{0,60}?\b(?:to|at|reached|of)\s+" + _COUNT
_DEATHS = (
    r"\b(?P<verb>" + _KILL + r")[\"'“”‘’]?\s+" + _VICTIMS,
    r"\b(?:left|leaving|leaves)\s+" + _VICTIMS + r"\s+dead\b",
    _passive(_DEAD, _VICTIMS),
    # "a suicide bomber blew himself up": a militant dead, whoever else was
    r"(?P<bomber>" + _COUNT_MORE + r")" + r"[^.;]{0,40}?" + _BLEW_UP,
)
# Who counts as a militant: the attackers and the armed groups a monitor names as such; a
# "fighter" alone may be a soldier's comrade (PMF, Peshmerga), so only a named group's is.
_GROUPS = r"(?:ISIS|ISIL|IS|Daesh|Da'esh|PKK|Islamic State|al-Qaeda|Al-Qaeda)"
_MILITANT = re.compile(
    r"\b(?i:militants?|insurgents?|terrorists?|jihadists?|extremists?|attackers?|assailants?|"
    r"(?:suicide\s+)?bombers?|gunm[ae]n|kidnappers?|infiltrators?)\b"
    r"|\b" + _GROUPS + r"(?:\s+[\w-]+){0,2}?\s+(?i:members?|fighters?|elements?|operatives?|"
    r"commanders?|leaders?|emirs?|suspects?|cells?|militants?)\b"
)
_MILITANT_OF = re.compile(  # "two members of ISIS", "two of the attackers"
    r"\s+(?i:of|from|belonging to)\s+(?:the\s+)?(?:" + _GROUPS + r"\b|" + _MILITANT.pattern + ")"
)
_NEUTRALISE = re.compile(r"neutrali[sz]", re.I)  # a military's word for enemy fighters killed
_ALSO = re.compile(r"\b(?:also|as well)\b", re.I)  # a later sentence adding to the toll
_INJURIES = (
    # "wounding two passers-by", but not "the wounded man"
    r"(?<!\bthe )(?<!\ban )(?<!\ba )\b(?:\w+ly\s+)?" + _WOUND + r"\s+" + _COUNT,
    _passive(_HURT),
    _COUNT + r"(?:\s+(?:still|remain|remains|remained|are|were|was|is)){1,2}\s+" + _TREATED,
)
_NO_HARM = re.compile(
    r"\bno\s+(?:reports? of\s+)?(?:(?:other|further|immediate|human|reported|serious|major)\s+)*"
    r"(?:casualties|injuries|losses|victims)\b"
    r"|\b(?:nobody|no one|no-one|none|no \w+)\s+(?:else\s+)?"
    r"(?:was|were|has been|have been|had been|got|is|are)\s+(?:hurt|injured|wounded|harmed)"
    r"|\b(?:nobody|no one|no-one) else was (?:in|inside|aboard|with|present)\b"
    # "without (inflicting|causing|leaving) any casualties", "did not cause casualties"
    r"|\bwithout (?:\w+ing\s+)?(?:any\s+)?(?:human\s+)?(?:casualties|injuries|losses|victims)"
    r"|\b(?:did not|didn't|does not|doesn't|failed to|not)\s+(?:\w+ly\s+)?"
    r"(?:cause|result in|inflict|lead to|leave|produce|claim)\s+(?:any\s+)?(?:human\s+)?"
    r"(?:casualties|injuries|losses|victims)"
    # "caused only material damage", "the damage was limited to property"
    r"|\bonly\s+(?:\w+\s+){0,2}?(?:material|property|physical)\s+(?:damage|losses)"
    r"|\b(?:material|property)\s+(?:damage|losses)\s+only\b"
    r"|\b(?:damage|losses)\s+(?:was|were)\s+(?:only\s+)?(?:limited|confined|restricted)\s+to\s+"
    r"(?:the\s+)?(?:material|property|buildings?|vehicles?|cars?|the\s+\w+)"
    r"|\b(?:unhurt|unharmed)\b",
    _FLAGS,
)
_NO_DEATHS = re.compile(
    r"\b(?:nobody|no one|no-one|none|no \w+)\s+(?:else\s+)?(?:was|were|has been|had been)\s+"
    r"killed|\bno\s+(?:deaths|fatalities)\b"
    r"|\b(?:no|without)\s+(?:any\s+)?loss of (?:human )?li(?:fe|ves)",
    _FLAGS,
)
_DEATH_WORD = re.compile(r"\b(?:kill\w*|dead|died|dies|death|slain|fatal\w*)\b", _FLAGS)
_DEATH_HINT = re.compile(r"kill|dead|die|slain|gunned|assassinat|neutrali|lives|perish", re.I)
_INJURY_HINT = re.compile(r"wound|injur|hurt|maim|hospital|condition|treat", re.I)
# "A soldier wounded in Sunday's bombing died of his wounds": the wounded there are the dead.
_DIED_OF_WOUNDS = re.compile(
    r"\b(?:died|dies|succumbed|succumbs)\s+(?:later\s+)?(?:of|from|to)\s+"
    r"(?:(?:his|her|their|the)\s+)?(?:wounds|injuries)\b",
    re.I,
)
# Words each costly pattern cannot match without, in the pattern's own words and flags (a
# match holds one of them): a sentence without them is not searched. Most patterns start
# with a count, which may start at any word, and try long alternations there.
_DEATH_GUARDS = (None, None, re.compile(_DEAD, _FLAGS), re.compile(_BLEW_UP, _FLAGS))
_INJURY_GUARDS = (
    re.compile(_WOUND, _FLAGS),
    re.compile(_HURT, _FLAGS),
    re.compile(_TREATED, _FLAGS),
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[A-Za-z]")


def number(word: str) -> int | None:
    """An English number in digits or words ("11", "eleven", "twenty-one")."""
    word = word.casefold().replace("-", " ")
    if word.isdigit():
        return int(word)
    if word in WORDS:
        return WORDS[word]
    tens, _, unit = word.partition(" ")
    return TENS[tens] + UNITS[unit] if tens in TENS and unit in UNITS else None


def _deaths(text: str) -> tuple[bool, int | None, int | None]:
    """(whether a death is counted, the dead who are not militants, militants killed).

    The first sentence that counts the dead decides, as the lead states the event's own
    figures and later sentences recall others; a later one only adds what the first left
    unsaid, and only when it says so ("a soldier was also killed"). Counting militants alone
    says no one else died."""
    said = False
    others: tuple[int | None, ...] | None = None
    militants: tuple[int | None, ...] | None = None
    for sentence in _SENTENCE.split(text):
        if not _DEATH_HINT.search(sentence) or (said and not _ALSO.search(sentence)):
            continue
        for parts in _phrases(sentence):
            said = True
            theirs = tuple(n for n, militant in parts if militant)
            rest = tuple(n for n, militant in parts if not militant)
            others = rest if others is None and rest else others
            militants = theirs if militants is None and theirs else militants
    if not said:
        return False, None, None
    return True, _total(others) if others else 0, _total(militants) if militants else None


def _phrases(sentence: str) -> list[list[tuple[int | None, bool]]]:
    """Each phrase of the sentence that counts dead, in order: (count, is militant) for
    every victim it lists."""
    found = sorted(
        (
            m
            for source, guard in zip(_DEATHS, _DEATH_GUARDS, strict=True)
            if guard is None or guard.search(sentence)
            for m in _compiled(source).finditer(sentence)
        ),
        key=lambda m: m.start(),
    )
    phrases = []
    end = -1
    for match in found:
        if match.start() < end:
            continue  # overlaps an earlier phrase: the same victims
        end = match.end()
        groups = match.groupdict()
        if groups.get("bomber"):
            phrases.append([(_count_of(match.group("bomber")), True)])
            continue
        neutralised = bool(_NEUTRALISE.match(groups.get("verb") or ""))
        parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("victims"))
        phrases.append(
            [
                (
                    _count_of(part),
                    neutralised
                    or bool(_MILITANT.search(part))
                    or (
                        i == len(parts) - 1
                        and bool(_MILITANT_OF.match(sentence, match.end("victims")))
                    ),
                )
                for i, part in enumerate(parts)
            ]
        )
    return phrases


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, _FLAGS)


def compile_patterns() -> None:
    """Compile the costly patterns now (about 0.1 s; a lookup in re's cache where the
    project keeps their forms: digest/kept_patterns.py), not on first use: a process about
    to fork readers of many reports compiles them once, and every worker has them."""
    for source in (*_DEATHS, *_INJURIES, _COUNT, _TOLL):
        _compiled(source)


def _count_of(victims: str) -> int | None:
    match = _compiled(_COUNT).fullmatch(victims.strip())
    return _value(match) if match else None


def _total(counts: tuple[int | None, ...]) -> int | None:
    return None if None in counts else sum(n for n in counts if n is not None)


def _first(
    patterns: tuple[str, ...],
    guards: tuple[re.Pattern[str] | None, ...],
    hint: re.Pattern[str],
    text: str,
    skip: re.Pattern[str] | None = None,
) -> tuple[bool, int | None]:
    """(whether a count is stated, its value): the earliest phrase in the text wins, as the
    lead states the event's own figure and later sentences recall others. Only sentences
    with a `hint` word, and none matching `skip`, are searched: the patterns are costly to
    try at every word."""
    for sentence in _SENTENCE.split(text):
        if not hint.search(sentence) or (skip and skip.search(sentence)):
            continue
        found = [
            m
            for source, guard in zip(patterns, guards, strict=True)
            if (guard is None or guard.search(sentence))
            and (m := _compiled(source).search(sentence))
        ]
        if found:
            return True, _value(min(found, key=lambda m: m.start()))
    return False, None


# Texts another process read (a pool's worker, while this one did other work): remember.
_READ_ELSEWHERE: dict[str, Reading] = {}


def remember(readings: dict[str, Reading]) -> None:
    """Take these readings of texts as read, in place of those remembered before: a pool's
    worker reads a big week's attack reports while the main process merges them into
    stories, and the incident rows, read by workers forked later, ask for the same texts."""
    _READ_ELSEWHERE.clear()
    _READ_ELSEWHERE.update(readings)


@lru_cache(maxsize=65536)  # a story's reports are read for its rank, its row and its toll
def read(text: str) -> Reading:
    """The figures one text states, in English or Arabic."""
    known = _READ_ELSEWHERE.get(text)
    if known is not None:
        return known
    # An ASCII text has no Arabic letter to outnumber its Latin ones: its letters are not
    # listed to be counted.
    if not text.isascii() and len(_ARABIC.findall(text)) > len(_LATIN.findall(text)):
        return Reading(**casualties_ar.read(text))
    toll = _compiled(_TOLL).search(text)
    said_deaths, deaths, militants = _deaths(text)
    if toll:
        said_deaths, deaths = True, _value(toll)
    said_injuries, injuries = _first(_INJURIES, _INJURY_GUARDS, _INJURY_HINT, text, _DIED_OF_WOUNDS)
    return Reading(
        deaths=deaths,
        injuries=injuries,
        militants=militants,
        mentions_deaths=said_deaths or bool(_DEATH_WORD.search(text)),
        mentions_injuries=said_injuries,
        no_deaths=bool(_NO_DEATHS.search(text)),
        no_harm=bool(_NO_HARM.search(text)),
    )


def _value(match: re.Match[str]) -> int | None:
    """The count a _COUNT match names: a number, one person, or None for "several"."""
    if match.group("n"):
        return number(match.group("n"))
    return 1 if match.group("one") or match.group("next") else None


def settle(reading: Reading, fallback: Reading | None = None) -> Toll:
    """The report's figures, with `fallback` (its headline) filling what the text lacks and
    the zero rules applied: only wounded counted -> no deaths; "no casualties" -> 0."""
    r, f = reading, fallback or Reading()
    deaths = r.deaths if r.deaths is not None else f.deaths
    injuries = r.injuries if r.injuries is not None else f.injuries
    mentions_deaths = r.mentions_deaths or f.mentions_deaths
    mentions_injuries = r.mentions_injuries or f.mentions_injuries
    if deaths is None and (r.no_deaths or f.no_deaths):
        deaths = 0
    if r.no_harm or f.no_harm:
        deaths = 0 if deaths is None and not mentions_deaths else deaths
        injuries = 0 if injuries is None and not mentions_injuries else injuries
    if deaths is None and not mentions_deaths and (injuries is not None or mentions_injuries):
        deaths = 0
    return Toll(deaths, injuries, r.militants if r.militants is not None else f.militants)


def casualties(text: str) -> tuple[int | None, int | None]:
    """(deaths, injuries) one text states, the dead counting militants too (what a story
    weighs); None where it does not say. Incident rows keep militants apart: see settle."""
    toll = settle(read(text))
    if toll.militants is None:
        return toll.deaths, toll.injuries
    return (toll.deaths or 0) + toll.militants, toll.injuries
