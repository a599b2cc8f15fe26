"""Draft a daily digest: a calendar month's items, one heading per day, numbered stories.

items -> event day (keep the month's) -> same-story groups -> per day, stories ordered by
importance then time -> Issue(layout="daily"). Pure: no store, no files, no clock.

A story told by several outlets is one numbered item citing all of them. Items are merged
with the weekly path's `clusters`, under one constant section, so the only blocks are
days (an item and the same story told a day late still merge; the story keeps the
earlier day).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from digest.issues.cluster import Candidate, clusters
from digest.issues.dates import event_day
from digest.issues.incidents import casualties
from digest.issues.periods import local_day
from digest.models import Citation, DraftDay, Entry, Issue, Item, Period

LAYOUT = "daily"
_ONE_BLOCK = "day"  # clusters() blocks by (section, day): one constant section = by day


@dataclass(frozen=True)
class MonthSpec:
    """What the month page is for: its days and the names it carries."""

    slug: str  # "2024-02"
    title: str
    period: Period  # the first to the last day of the month
    zone: ZoneInfo


def draft_daily(items: Sequence[Item], spec: MonthSpec) -> Issue:
    """The month's items as days of numbered stories; days without items are left out."""
    candidates = []
    # Sorted first, so the result does not depend on the order the store returned.
    for item in sorted(items, key=_item_order):
        day, says_when = event_day(item.text or item.title, local_day(item.published, spec.zone))
        if day in spec.period:
            candidates.append(Candidate(item, _ONE_BLOCK, day, says_when))

    stories: dict[date, list[tuple[tuple[object, ...], Entry]]] = defaultdict(list)
    for group in clusters(candidates):
        entry = story(group)
        stories[entry.day].append((_rank(entry, group), entry))
    days = tuple(
        DraftDay(day=day, entries=tuple(e for _, e in sorted(stories[day], key=_first)))
        for day in sorted(stories)
    )
    return Issue(
        slug=spec.slug,
        title=spec.title,
        number=None,
        period=spec.period,
        layout=LAYOUT,
        sections=(),
        incidents=(),
        item_count=len(candidates),
        source_count=len({c.item.source for c in candidates}),
        days=days,
    )


def story(group: Sequence[Candidate]) -> Entry:
    """One numbered item: the fullest telling's title and summary, citing every outlet once.

    Outlets are cited in the order they published; an outlet's item without a link is
    still cited (by name), unless another of its items in the story has one.
    """
    fullest = max(group, key=lambda c: (len(c.item.text), -group.index(c)))
    citations: dict[str, Citation] = {}
    for c in sorted(group, key=lambda c: (c.item.published, group.index(c))):
        known = citations.get(c.item.source)
        if known is None or (not known.url and c.item.url):
            citations[c.item.source] = Citation(source=c.item.source, url=c.item.url or "")
    title = " ".join(fullest.item.title.split())
    summary = " ".join(fullest.item.text.split())
    return Entry(
        day=min(c.day for c in group),
        title=title,
        text="" if summary == title else summary,
        citations=tuple(citations.values()),
        says_when=fullest.says_when,
    )


def _first(pair: tuple[tuple[object, ...], Entry]) -> tuple[object, ...]:
    return pair[0]  # a full tie keeps the (deterministic) order clusters() gave


def _item_order(item: Item) -> tuple[object, ...]:
    return (item.published, item.source, item.url or "", item.title, item.text)


def _rank(entry: Entry, group: Sequence[Candidate]) -> tuple[object, ...]:
    """Sort key: more outlets first, then more casualties, then the earlier report."""
    deaths, injuries = casualties(entry.text or entry.title)
    first = min(c.item.published for c in group)
    return (
        -len(entry.citations),
        -((deaths or 0) + (injuries or 0)),
        first,
        entry.title.casefold(),
        tuple(c.url for c in entry.citations),
    )
