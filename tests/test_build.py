"""Drafting one weekly issue (issues/build.py): what the draft keeps out, and what it tells
the editor about it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.issues.compose import TOLD_BEFORE, IssueSpec, draft_issue
from digest.models import Item, Period, SectionRule

RULES = tuple(
    SectionRule(s["key"], s["title"], tuple(k.lower() for k in s["keywords"]))
    for s in DEFAULT_SECTIONS
)
SPEC = IssueSpec(
    slug="2024-02-08",
    title="Monitor: February 2 – 8, 2024",
    number=None,
    period=Period(date(2024, 2, 2), date(2024, 2, 8)),
    zone=ZoneInfo("UTC"),
)
BOMB = (
    "A car bomb exploded near the vegetable market in Tuz Khurmatu, killing two people and "
    "wounding five, and damaging a dozen shops around the market square"
)


def item(source: str, title: str, text: str, published: datetime) -> Item:
    return Item(
        source, None, f"https://{source}.example/{published:%d}", title, "", text, published
    )


# Published on the period's first day, its day unsaid: another outlet's report of the bomb.
LATE = item(
    "observer",
    "Car Bomb Kills Two in Tuz Khurmatu Market",
    BOMB + ", police said.",
    datetime(2024, 2, 2, 9, tzinfo=UTC),
)


def test_a_late_report_of_a_story_the_last_issue_told_is_left_out_and_explained():
    earlier = item(
        "wire",
        "Car Bomb Kills Two in Tuz Khurmatu",
        BOMB + ".",
        datetime(2024, 2, 1, 12, tzinfo=UTC),
    )
    news = item(
        "observer",
        "Rocket Hits Base Near Baghdad Airport",
        "A rocket hit a base near Baghdad airport, causing no casualties.",
        datetime(2024, 2, 4, 9, tzinfo=UTC),
    )
    issue = draft_issue([earlier, LATE, news], SPEC, (), RULES)
    texts = [e.text for s in issue.sections for e in s.entries]
    assert not any("Tuz Khurmatu" in t for t in texts)
    assert any("Baghdad airport" in t for t in texts)
    assert all(row.day >= SPEC.period.start for row in issue.incidents)
    assert not any("Tuz" in row.location for row in issue.incidents)
    (told,) = [x for x in issue.explanations if x.item is LATE]
    assert TOLD_BEFORE in told.notes
    # The earlier report belongs to the last issue: this one does not explain it.
    assert all(x.item is not earlier for x in issue.explanations)


def test_without_an_earlier_report_the_same_story_is_drafted():
    issue = draft_issue([LATE], SPEC, (), RULES)
    assert [e.title for s in issue.sections for e in s.entries] == [LATE.title]
    assert [row.location for row in issue.incidents] == ["Tuz Khurmatu"]
