"""Draft a daily digest: a calendar month's items, one heading per day, numbered stories.

items -> event day (keep the month's) -> same-story groups -> per day, stories ordered by
importance then time -> Issue(layout="daily"). Pure: no store, no files, no clock.

Each day's report is its own item: a story that develops over three days is three items.
Only the same report republished by several outlets on the same day becomes one item
citing all of them (`cluster.reprints`: near-identical to every other member, never
across days). An item's day is its event's day, checked against the lead sentence
(`anchoring.anchor`), and its title and summary name dates, not "yesterday" or "on Sunday".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from digest.issues.cluster import Candidate, reprints
from digest.issues.incidents import casualties
from digest.models import Citation, DraftDay, Entry, Issue, Item, Period
from digest.periods import local_day
from digest.text.anchoring import anchor
from digest.text.dates import dated

LAYOUT = "daily"
_ONE_BLOCK = "day"  # the daily layout has no sections


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
    wording: dict[Candidate, tuple[str, str]] = {}  # anchored (title, summary)
    # Sorted first, so the result does not depend on the order the store returned.
    for item in sorted(items, key=_item_order):
        published = local_day(item.published, spec.zone)
        day, phrase = dated(item.text or item.title, published)
        body = anchor(item.text or item.title, published, day, title=item.title)
        if body.day not in spec.period:
            continue
        candidate = Candidate(item, _ONE_BLOCK, body.day, phrase is not None)
        title = anchor(item.title, published, body.day).text if item.text else body.text
        wording[candidate] = (title, body.text if item.text else "")
        candidates.append(candidate)

    stories: dict[date, list[tuple[tuple[object, ...], Entry]]] = defaultdict(list)
    for group in reprints(candidates):
        entry = story(group, wording)
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


def story(group: Sequence[Candidate], wording: dict[int, tuple[str, str]]) -> Entry:
    """One numbered item: the fullest telling's title and summary (as `wording` has them:
    anchored), citing every outlet once.

    Outlets are cited in the order they published; an outlet's item without a link is
    still cited (by name), unless another of its items in the story has one.
    """
    fullest = max(group, key=lambda c: (len(c.item.text), -group.index(c)))
    citations: dict[str, Citation] = {}
    for c in sorted(group, key=lambda c: (c.item.published, group.index(c))):
        known = citations.get(c.item.source)
        if known is None or (not known.url and c.item.url):
            citations[c.item.source] = Citation(source=c.item.source, url=c.item.url or "")
    title, summary = (" ".join(x.split()) for x in wording[fullest])
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
