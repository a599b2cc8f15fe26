"""Reading ahead: the incident rows' readings of each attack report, done by the placing
pool's worker while the main process merges the reports into stories (compose.py,
parallel.Later.read_ahead).

A story's incident row reads every report of it: the figures it states (casualties.read)
and the places it names with the words around them (locations.read_ahead). Both depend on
the text alone (with the week's outlets and gazetteer), not on the story it ends up in, so
the reports clustering's pool read as attacks are read before their stories are known, on
the CPU the merging leaves idle. The answers ready when the merging is done are remembered
for the rows' workers, forked next; a text not read ahead by then is read there, as it was
before: the same readings either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from digest.issues import incidents
from digest.models import Item
from digest.text import casualties, locations
from digest.text.places import Gazetteer

_TOLL, _WHERE = "toll", "where"

Job = tuple[str, str, Gazetteer | None, tuple[str, ...]]


def jobs(reports: Sequence[Item], places: Gazetteer | None) -> list[Job]:
    """What to read ahead of the week's `reports` (all of them, the earlier days' too):
    each text and headline of a report read as an attack (incidents.read_as_attack), its
    figures, then its places when there is a gazetteer; the earliest reports first."""
    attacks = [r for r in reports if incidents.read_as_attack(r.title, r.text)]
    texts = dict.fromkeys(t for r in attacks for t in (r.text, r.title))
    outlets = tuple(incidents.week_outlets([reports]))  # as the rows mask them
    todo: list[Job] = []
    for text in texts:
        todo.append((_TOLL, text, None, ()))
        if places:
            todo.append((_WHERE, text, places, outlets))
    return todo


def read(job: Job) -> object:
    """One job's answer, in a pool's worker."""
    kind, text, places, outlets = job
    if kind == _TOLL:
        return casualties.read(text)
    assert places is not None  # a place job is made only with a gazetteer
    return locations.read_ahead(text, places, outlets)


def remember(todo: Sequence[Job], answers: Iterable[object]) -> None:
    """Hand the answers of the first jobs (as many as there are answers) to the readers
    that will ask for them, in place of any remembered before."""
    tolls: dict[str, casualties.Reading] = {}
    wheres: dict[str, locations.Read] = {}
    for (kind, text, _, _), answer in zip(todo, answers, strict=False):
        if kind == _TOLL:
            tolls[text] = answer  # type: ignore[assignment]
        else:
            plain, reading = answer  # type: ignore[misc]
            wheres[plain] = reading
    casualties.remember(tolls)
    locations.remember(wheres)


def forget() -> None:
    """What was read ahead was for one week: the next draft starts without it."""
    casualties.remember({})
    locations.remember({})
