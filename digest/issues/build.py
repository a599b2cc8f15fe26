"""Draft one issue from a period's items: the pipeline's pure heart.

items -> event day (keep the period's) -> section (with its reason) -> same-story groups
-> entries ordered by day then importance -> headline, takeaway, incident rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from digest.issues import incidents as incident_rows
from digest.issues.classify import classify
from digest.issues.cluster import Candidate, clusters
from digest.issues.dates import dated
from digest.issues.learn import Model
from digest.issues.periods import local_day
from digest.issues.places import Gazetteer
from digest.issues.takeaways import headline, importance, takeaway
from digest.models import (
    Citation,
    DraftSection,
    Entry,
    Explanation,
    Issue,
    Item,
    Period,
    SectionRule,
    Source,
)


@dataclass(frozen=True)
class IssueSpec:
    """What the draft is for: the period and the names it carries."""

    slug: str
    title: str
    number: int | None
    period: Period
    zone: ZoneInfo


def draft_issue(
    items: Sequence[Item],
    spec: IssueSpec,
    sources: Sequence[Source],
    rules: Sequence[SectionRule],
    model: Model | None = None,
    places: Gazetteer | None = None,
) -> Issue:
    by_name = {source.name: source for source in sources}
    placed: list[Candidate] = []
    unplaced: list[Candidate] = []
    phrases: dict[int, str] = {}
    for item in items:
        day, phrase = dated(item.text or item.title, local_day(item.published, spec.zone))
        if day not in spec.period:
            continue
        decision = classify(item, by_name.get(item.source), rules, model)
        candidate = Candidate(
            item, decision.section if decision else "", day, phrase is not None, decision
        )
        phrases[id(candidate)] = phrase or "published"
        (placed if decision else unplaced).append(candidate)

    groups = clusters(placed, places)
    explanations = [
        Explanation(c.item, c.day, phrases[id(c)], c.decision, story, len(group))
        for story, group in enumerate([*groups, *([c] for c in unplaced)], start=1)
        for c in group
    ]
    entries_by_section: dict[str, list[Entry]] = {rule.key: [] for rule in rules}
    reports: dict[int, list[Item]] = {}  # every outlet's report of an entry's story
    for group in groups:
        entry = _entry(group)
        reports[id(entry)] = [c.item for c in group]
        entries_by_section[_section_of(group)].append(entry)

    sections = []
    all_entries: list[Entry] = []
    for rule in rules:
        entries = entries_by_section[rule.key]
        if not entries:
            continue
        ranked = sorted(entries, key=_rank, reverse=True)
        ordered = sorted(entries, key=lambda e: (e.day, tuple(-x for x in _rank(e))))
        all_entries.extend(ordered)
        sections.append(
            DraftSection(
                key=rule.key,
                title=rule.title,
                headline=headline(ranked),
                takeaway=takeaway(ranked),
                entries=tuple(ordered),
            )
        )
    found = (incident_rows.incident(entry, reports[id(entry)], places) for entry in all_entries)
    incidents = sorted((i for i in found if i), key=lambda i: (i.day, i.location))
    return Issue(
        slug=spec.slug,
        title=spec.title,
        number=spec.number,
        period=spec.period,
        layout="weekly",
        sections=tuple(sections),
        incidents=tuple(incidents),
        item_count=len(placed) + len(unplaced),
        source_count=len({c.item.source for c in [*placed, *unplaced]}),
        unplaced=tuple(_entry([c]) for c in unplaced),
        explanations=tuple(explanations),
    )


def _section_of(group: Sequence[Candidate]) -> str:
    """The section most members were placed in; a tie goes to the most confident member."""
    votes = Counter(c.section for c in group)
    return max(
        group,
        key=lambda c: (votes[c.section], c.decision.confidence if c.decision else 0),
    ).section


def _rank(entry: Entry) -> tuple[int, int, int]:
    deaths, injuries = incident_rows.casualties(entry.text)
    return importance(entry, (deaths or 0) + (injuries or 0))


def _entry(group: Sequence[Candidate]) -> Entry:
    """One paragraph for a story: the fullest telling, citing every outlet once."""
    fullest = max(group, key=lambda c: (len(c.item.text), -group.index(c)))
    citations: list[Citation] = []
    for c in sorted(group, key=lambda c: c.item.published):
        if c.item.url and all(x.source != c.item.source for x in citations):
            citations.append(Citation(source=c.item.source, url=c.item.url))
    return Entry(
        day=min(c.day for c in group),
        title=fullest.item.title,
        text=fullest.item.text or fullest.item.title,
        citations=tuple(citations),
        decision=fullest.decision,
        says_when=fullest.says_when,
    )
