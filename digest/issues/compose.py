"""Draft one issue from a period's items: the pipeline's pure heart.

items -> event day (keep the period's) -> section (with its reason) -> same-story groups
-> stories ranked by importance (issues/importance.py) -> paragraphs in date order (or by
importance, DIGEST_SECTION_ORDER) -> headline and takeaway from the top stories, incident rows.
Every relative day word of a report ("on Sunday", "yesterday") is resolved to its date
(issues/anchoring.py) before anything is drafted from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from digest.issues import ahead, headlines, importance, parallel, takeaways
from digest.issues import incidents as incident_rows
from digest.issues.classify import always_placed, classify
from digest.issues.cluster import Candidate, clusters
from digest.issues.learn import Model
from digest.models import (
    Citation,
    Decision,
    DraftOptions,
    DraftSection,
    Entry,
    Explanation,
    Incident,
    Issue,
    Item,
    Period,
    SectionRule,
    Source,
)
from digest.periods import local_day
from digest.text import casualties
from digest.text.anchoring import anchor
from digest.text.dateline import lower_first
from digest.text.dates import dated
from digest.text.places import Gazetteer
from digest.text.sentences import lower_words

# How far before the period a report may tell a story that a late report repeats.
LOOKBACK = timedelta(days=3)
TOLD_BEFORE = "told in an earlier issue: another report of this story is dated earlier"


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
    options: DraftOptions = DraftOptions(),  # noqa: B008 (frozen: one shared default is safe)
) -> Issue:
    by_name = {source.name: source for source in sources}
    placed: list[Candidate] = []
    unplaced: list[Candidate] = []
    phrases: dict[Candidate, str] = {}
    earlier: list[Candidate] = []  # reports of the days before: what the last issue told
    # Outlets reprint wire copy word for word: a text is dated (for its publication day) and
    # placed (for its outlet's default section) once, and its reprints are told the same.
    # Each reading depends on its text alone: a big week's are read on every CPU (parallel).
    saids = [(item.text or item.title, local_day(item.published, spec.zone)) for item in items]
    distinct = list(dict.fromkeys(saids))
    with parallel.Later(_dated, distinct, spare=0) as dating:
        dating.start()
        if dating.pooled:
            # While its workers date the texts, this process compiles the patterns that the
            # workers forked next (clustering's readers of attacks, then the placing and
            # incident rows' readers) would each compile for themselves.
            casualties.compile_patterns()
        days = dict(zip(distinct, dating.result(), strict=True))
    kept = []  # (item, day, phrase, told) of the items dated in the period
    unread: dict[tuple[str, str, str | None], Item] = {}  # each text to place, its first item
    for item, said in zip(items, saids, strict=True):
        day, phrase = days[said]
        if spec.period.start - LOOKBACK <= day < spec.period.start:
            earlier.append(Candidate(item, "", day, phrase is not None))
            continue
        if day not in spec.period:
            continue
        source = by_name.get(item.source)  # an outlet the settings do not name has no rule
        told = (item.title, item.text, source.name if source else None)
        unread.setdefault(told, item)
        kept.append((item, day, phrase, told))
    place = partial(_placed, sources=by_name, rules=rules, model=model)

    def settle(placing: parallel.Later) -> None:
        answers = placing.result()
        decisions = dict(zip(unread, answers[: len(unread)], strict=True))
        ahead.remember(todo, answers[len(unread) :])  # what the worker read ahead for the rows
        for item, day, phrase, told in kept:
            decision = decisions[told]
            candidate = Candidate(
                item, decision.section if decision else "", day, phrase is not None, decision
            )
            phrases[candidate] = phrase or "published"
            (placed if decision else unplaced).append(candidate)

    todo: list[ahead.Job] = []  # what the placing pool's worker reads ahead (ahead.py)

    def place_and_read_ahead() -> None:
        # Once clustering's pool has read which reports tell of attacks, the placing pool's
        # worker places every item, then reads those reports for the incident rows, as far
        # as it gets while this process merges.
        todo.extend(ahead.jobs([c.item for c in [*unsettled, *earlier]], places))
        placing.read_ahead(todo)
        placing.start()

    # A story the last issue told is not told again: a later report of it (published in
    # this period, its day unsaid) merges with the earlier ones and leaves with them.
    # Placed while merged (below), by one worker from OVERLAP_FROM texts up; else placed
    # first, by a pool of every CPU from PARALLEL_FROM up (the merging waits for it).
    overlap = always_placed(rules, model)
    with parallel.Later(
        partial(_placed_or_read, place=place),
        list(unread.values()),
        at_least=parallel.OVERLAP_FROM if overlap else None,
        spare=1 if overlap else 0,
    ) as placing:
        if not overlap:
            settle(placing)
            clustered = clusters([*placed, *earlier], places)
        else:
            # Every item is placed, whatever its section: same-story merging does not look
            # at sections, so the items are merged while a pool places them, on the CPU
            # the pairing leaves idle, and each is given its section afterwards.
            unsettled = [
                Candidate(item, "", day, phrase is not None) for item, day, phrase, _ in kept
            ]
            clustered = clusters([*unsettled, *earlier], places, meanwhile=place_and_read_ahead)
            settle(placing)
            settled = dict(zip(map(id, unsettled), placed, strict=True))
            clustered = [[settled.get(id(c), c) for c in group] for group in clustered]
    common = lower_words(c.item.text for c in [*placed, *unplaced])
    groups: list[list[Candidate]] = []
    told_before: list[list[Candidate]] = []
    for group in clustered:
        (told_before if any(c.day < spec.period.start for c in group) else groups).append(group)
    # Each story is drafted, weighed and read for its incident row on its own: a big week's
    # are done by a pool's workers (parallel), its rank and rows put together here.
    outlets = incident_rows.week_outlets([c.item for c in g] for g in [*groups, *told_before])
    story = partial(
        _story, zone=spec.zone, period=spec.period, common=common, places=places, outlets=outlets
    )
    drafted = parallel.read_all(
        story,
        [*((group, True) for group in groups), *((group, False) for group in told_before)],
        at_least=incident_rows.PARALLEL_STORIES,
    )
    scored = {entry: score for entry, _, score, _ in drafted if score is not None}
    rows_read = {entry: row for entry, _, _, row in drafted}
    entries_by_section: dict[str, list[Entry]] = {rule.key: [] for rule in rules}
    reports: dict[Entry, list[Item]] = {}  # every outlet's report of an entry's story
    notes: dict[Entry, list[str]] = {}  # what drafting decided for a story, for --explain
    entry_of_group: list[Entry] = []
    for group, (entry, decided, _, _) in zip(groups, drafted[: len(groups)], strict=True):
        entry_of_group.append(entry)
        reports[entry] = [c.item for c in group]
        notes[entry] = decided
        entries_by_section[_section_of(group)].append(entry)

    sections = []
    all_entries: list[Entry] = []
    every_story: list[tuple[float, str, Entry]] = []
    for rule in rules:
        entries = entries_by_section[rule.key]
        if not entries:
            continue
        ranked = importance.rank(entries, scored)
        top = headlines.parts(ranked)
        named = [story for story, _ in top]
        rest = [story for story in ranked if story not in named]
        for place, story in enumerate(ranked, start=1):
            why = "; ".join(story.reasons) or "no signal"
            for entry in story.entries:
                notes[entry].append(f"rank {place} of {len(ranked)} in {rule.key} ({why})")
                every_story.append((story.score, rule.key, entry))
        if options.section_order == "importance":
            ordered = [e for story in ranked for e in story.entries]  # a thread: its lead first
        else:
            ordered = sorted(entries, key=_by_day)
        all_entries.extend(ordered)
        sections.append(
            DraftSection(
                key=rule.key,
                title=rule.title,
                headline="; ".join(part for _, part in top),
                takeaway=takeaways.takeaway(named, rest, options.takeaway_words),
                entries=tuple(ordered),
            )
        )
    for place, (_, _, entry) in enumerate(sorted(every_story, key=_by_score), start=1):
        notes[entry].append(f"issue rank {place} of {len(every_story)}")
    # The earlier days' attacks are read too, so that a follow-up of one of them (a toll
    # revised, a launch pad found) updates that attack's row, which the last issue has,
    # instead of making a second row here.
    before = [
        (entry, [c.item for c in group])
        for group, (entry, _, _, _) in zip(told_before, drafted[len(groups) :], strict=True)
    ]
    rows = incident_rows.table(
        [*before, *((entry, reports[entry]) for entry in all_entries)], places, options, rows_read
    )
    incident_rows.remember_attacks({})  # what clustering's pool read was for this week only
    ahead.forget()  # and what the placing pool read ahead
    incidents = tuple(row for row in rows if row.day in spec.period)
    story_notes = [
        *(
            (group, tuple(notes[entry]))
            for group, entry in zip(groups, entry_of_group, strict=True)
        ),
        *(([c], ()) for c in unplaced),
        *(
            (told, (TOLD_BEFORE,))
            for group in told_before
            if (told := [c for c in group if c.day in spec.period])
        ),
    ]
    explanations = [
        Explanation(c.item, c.day, phrases[c], c.decision, story, len(group), why)
        for story, (group, why) in enumerate(story_notes, start=1)
        for c in group
    ]
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
        unplaced=tuple(_entry([c], spec.zone, spec.period, common)[0] for c in unplaced),
        explanations=tuple(explanations),
    )


def _story(
    told: tuple[list[Candidate], bool],
    zone: ZoneInfo,
    period: Period,
    common: frozenset[str],
    places: Gazetteer | None,
    outlets: Sequence[str],
) -> tuple[Entry, list[str], tuple[float, list[str]] | None, tuple[Incident | None, bool]]:
    """A group's entry and notes (_entry), its own weight when it is to be ranked
    (importance.story_score), and its incident row (incidents.story_row)."""
    group, ranked = told
    entry, decided = _entry(group, zone, period, common)
    score = importance.story_score(entry) if ranked else None
    row = incident_rows.story_row((entry, [c.item for c in group]), places, outlets)
    return entry, decided, score, row


def _dated(said: tuple[str, date]) -> tuple[date, str | None]:
    return dated(*said)


def _placed_or_read(job: Item | ahead.Job, place: Callable[[Item], Decision | None]) -> object:
    """An item's section (_placed), or what is read ahead of the incident rows (ahead.py)."""
    return ahead.read(job) if isinstance(job, tuple) else place(job)


def _placed(
    item: Item,
    sources: dict[str, Source],
    rules: Sequence[SectionRule],
    model: Model | None,
) -> Decision | None:
    return classify(item, sources.get(item.source), rules, model)


def _section_of(group: Sequence[Candidate]) -> str:
    """The section most members were placed in; a tie goes to the most confident member."""
    votes = Counter(c.section for c in group)
    return max(
        group,
        key=lambda c: (votes[c.section], c.decision.confidence if c.decision else 0),
    ).section


def _by_day(entry: Entry) -> tuple[object, ...]:
    return (entry.day, entry.title, entry.text)


def _by_score(story: tuple[float, str, Entry]) -> tuple[object, ...]:
    score, section, entry = story
    return (-score, entry.day, section, entry.title)


def _entry(
    group: Sequence[Candidate], zone: ZoneInfo, period: Period, common: frozenset[str]
) -> tuple[Entry, list[str]]:
    """One paragraph for a story: the fullest telling, citing every outlet once, its
    relative day words resolved; and the notes on what was decided."""
    fullest = max(group, key=lambda c: len(c.item.text))  # the first of the longest
    citations: list[Citation] = []
    for c in sorted(group, key=lambda c: c.item.published):
        if c.item.url and all(x.source != c.item.source for x in citations):
            citations.append(Citation(source=c.item.source, url=c.item.url))
    day = min(c.day for c in group)
    published = local_day(fullest.item.published, zone)
    text = anchor(fullest.item.text or fullest.item.title, published, day, fullest.item.title)
    if text.day in period:  # the lead sentence's own day, when it names one (anchoring.py)
        day = text.day
    title = anchor(fullest.item.title, published, day)
    entry = Entry(
        day=day,
        title=title.text,
        text=lower_first(text.text, common),  # it will follow "On February 4, "
        citations=tuple(citations),
        decision=fullest.decision,
        says_when=fullest.says_when,
    )
    if not entry.title.strip():
        entry = replace(entry, title=headlines.from_text(entry) or entry.title)
    return entry, [*text.notes, *title.notes]
