"""Draft a situation report: the week's stories told as one narrative instead of sections.

A report is drafted from the week's weekly draft (compose.draft_issue), so it tells the same
stories, merged, dated and ranked the same way. Its summary is the week's top stories:
each section's lead story (the one its weekly headline starts with, issues/importance.py),
the most important first, so that the summary covers the week and not only its deadliest
days; then, in a week of fewer themes, the next stories by the same ranking. Each is told
by its lead sentence opening "On February 4, " (issues/takeaways.py), three or four
sentences (EDITORIAL.md: three to six). Then the stories grouped by theme, a theme per
section, in the order the weekly issue gives them. Pure: an Issue in, an Issue out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.issues import importance, takeaways
from digest.issues.importance import Ranked
from digest.models import Issue, Period

LAYOUT = "report"
SUMMARY_LEAST = 3  # sentences in the summary, when the week has that many stories
SUMMARY_MOST = 4  # EDITORIAL.md: "a summary paragraph of three to six sentences"
SUMMARY_WORDS = 140  # ... and no story past this many words of summary
_LATIN_START = re.compile(r"[A-Za-z0-9\"“]")


@dataclass(frozen=True)
class ReportSpec:
    """What the report is for: its period and the names it carries."""

    slug: str  # "2024-02-08-report": not the weekly issue's slug of the same week
    title: str
    period: Period


def draft_report(weekly: Issue, spec: ReportSpec) -> Issue:
    """The report of the week `weekly` drafts: its summary, then its sections as themes."""
    return Issue(
        slug=spec.slug,
        title=spec.title,
        number=None,
        period=spec.period,
        layout=LAYOUT,
        sections=weekly.sections,
        incidents=weekly.incidents,
        item_count=weekly.item_count,
        source_count=weekly.source_count,
        unplaced=weekly.unplaced,
        explanations=weekly.explanations,
        summary=summary(top_stories(weekly)),
    )


def top_stories(weekly: Issue) -> list[Ranked]:
    """Every story of the issue in the order the summary takes them: each section's lead
    story first, then the others, each group by score across sections (a tie goes to the
    earlier story, then to section order). Each section's stories are ranked as the weekly
    draft ranks them."""
    found = [
        (rank > 0, -story.score, story.lead.day, place, story.lead.title, story)
        for place, section in enumerate(weekly.sections)
        for rank, story in enumerate(importance.rank(section.entries))
    ]
    found.sort(key=lambda x: x[:5])
    return [story for *_, story in found]


def summary(stories: Sequence[Ranked]) -> str:
    """The top stories' dated lead sentences: three or four of them, fewer words first.

    An English report leaves out leads in Arabic (the editor translates those) unless no
    story is told in English.
    """
    openings = [takeaways.dated(story.lead) for story in stories]
    latin = [o for o in openings if _LATIN_START.match(o)]
    chosen: list[str] = []
    for opening in latin or openings:
        if not opening or opening in chosen:
            continue
        words = sum(len(s.split()) for s in chosen)
        if len(chosen) >= SUMMARY_LEAST and words + len(opening.split()) > SUMMARY_WORDS:
            break
        chosen.append(opening if opening[-1] in '.!?؟…"”' else opening + ".")
        if len(chosen) == SUMMARY_MOST:
            break
    return " ".join(chosen)
