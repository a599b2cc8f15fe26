"""The benchmark's labeled data keeps its shape: gold headlines and takeaways written to
EDITORIAL.md for every labeled (week, section), and a daily month whose stories are
republished copies of one report."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

_BAGHDAD = ZoneInfo("Asia/Baghdad")  # the labeled sets' local time
DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_OPENING = re.compile(rf"^On (?:{MONTHS}) \d{{1,2}},")
DATE_IN_HEADLINE = re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def week_ending_thursday(day: date) -> date:
    return day + timedelta(days=(3 - day.weekday()) % 7)


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return rows(DATA / "grouping" / "gold.jsonl")


@pytest.fixture(scope="module")
def daily() -> list[dict]:
    return rows(DATA / "daily" / "items.jsonl")


def test_gold_covers_exactly_the_labeled_week_sections(gold):
    labeled = {
        (week_ending_thursday(date.fromisoformat(r["event_date"])).isoformat(), r["section"])
        for r in rows(DATA / "grouping" / "items.jsonl")
    }
    keys = [(g["week"], g["section"]) for g in gold]
    assert len(keys) == len(set(keys)), "one gold row per (week, section)"
    assert set(keys) == labeled
    assert all(date.fromisoformat(week).weekday() == 3 for week, _ in keys)


def test_gold_headlines_have_the_editorial_shape(gold):
    for g in gold:
        parts = g["headline"].split("; ")
        assert 1 <= len(parts) <= 3, g["headline"]
        for part in parts:
            assert part.strip() == part and part, g["headline"]
            assert 4 <= len(part.split()) <= 12, part
            assert part[0].isupper() or part[0].isdigit(), part
        assert not DATE_IN_HEADLINE.search(g["headline"]), g["headline"]


def test_gold_takeaways_are_dated_prose_of_editorial_length(gold):
    for g in gold:
        text = g["takeaway"]
        assert 80 <= len(text.split()) <= 350, (g["week"], g["section"], len(text.split()))
        assert DATE_OPENING.match(text), text[:40]
        assert "\n" not in text and not text.lstrip().startswith(("-", "*")), "prose, not bullets"
        # Every story opens on its date: the sections' top stories, at most three of them
        # (a thread may carry a second date inside its story).
        assert 1 <= len(re.findall(rf"(?:^|\. )On (?:{MONTHS}) \d", text)) <= 6


def test_daily_items_fall_in_the_month_with_zoned_times(daily):
    assert 60 <= len(daily) <= 90
    assert len({r["id"] for r in daily}) == len(daily)
    assert len({r["url"] for r in daily}) == len(daily)
    assert 6 <= len({r["source"] for r in daily}) <= 8
    for r in daily:
        event = date.fromisoformat(r["event_date"])
        published = datetime.fromisoformat(r["published"])
        assert date(2023, 10, 1) <= event <= date(2023, 10, 31), r["id"]
        assert published.tzinfo is not None, r["id"]
        assert r["title"].strip() and r["summary"].strip(), r["id"]
        # An item reports the past: its event is at most two days before publication,
        # local time (Asia/Baghdad, +03:00), and never after it.
        local = (published.astimezone(_BAGHDAD)).date()
        assert local - timedelta(days=2) <= event <= local, r["id"]


def test_daily_stories_are_same_day_copies_from_different_outlets(daily):
    stories = defaultdict(list)
    for r in daily:
        stories[r["story"]].append(r)
    copies = [s for s in stories.values() if len(s) > 1]
    assert len(copies) >= 10, "enough true merges to measure precision on"
    for group in copies:
        assert len(group) <= 3
        assert len({r["source"] for r in group}) == len(group), "one copy per outlet"
        assert len({r["event_date"] for r in group}) == 1
        assert len({r["language"] for r in group}) == 1, "a copy is the same text"
        published = {
            datetime.fromisoformat(r["published"]).astimezone(_BAGHDAD).date() for r in group
        }
        assert len(published) == 1, "republished on the same day"
        first = group[0]["summary"]
        # A republisher may trim the last sentence, never rewrite the report.
        assert all(
            first.startswith(r["summary"]) or r["summary"].startswith(first) for r in group
        ), group[0]["story"]


def test_daily_month_holds_developing_stories_and_near_misses(daily):
    """Several days of one thread are separate stories; one day's reports of one place or
    person that are not copies stay separate too."""
    by_day_source = defaultdict(set)
    for r in daily:
        by_day_source[(r["event_date"], r["source"])].add(r["story"])
    assert any(len(s) > 1 for s in by_day_source.values()), "one outlet, two events, one day"
    late = [
        r
        for r in daily
        if datetime.fromisoformat(r["published"]).astimezone(_BAGHDAD).date()
        > date.fromisoformat(r["event_date"])
    ]
    assert len(late) >= 5, "reports published after the day of their event"
