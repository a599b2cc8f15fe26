from datetime import UTC, date, datetime

from digest.issues.cluster import Candidate, clusters
from digest.models import Item


def cand(source: str, title: str, text: str, day: int = 4) -> Candidate:
    item = Item(
        source=source,
        guid=title,
        url=f"https://{source}.example/{day}",
        title=title,
        summary_html="",
        text=text,
        published=datetime(2024, 2, day, tzinfo=UTC),
    )
    return Candidate(item, "security", date(2024, 2, day))


def test_the_same_event_told_by_two_outlets_merges():
    a = cand(
        "wire",
        "Roadside bomb kills two soldiers near Tarmiyah",
        "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers.",
    )
    b = cand(
        "observer",
        "Two soldiers killed by roadside bomb in Tarmiyah",
        "Two soldiers were killed when a roadside bomb hit their patrol in Tarmiyah "
        "north of Baghdad on Sunday.",
        day=5,
    )
    groups = clusters([a, b])
    assert len(groups) == 1 and len(groups[0]) == 2


def test_different_events_are_never_merged():
    a = cand(
        "wire",
        "Roadside bomb kills two soldiers near Tarmiyah",
        "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers.",
    )
    b = cand(
        "observer",
        "Drone strike hits vehicle in Sinjar",
        "A drone strike on a vehicle in Sinjar killed one person.",
    )
    assert len(clusters([a, b])) == 2


def test_stories_days_apart_stay_apart():
    text = "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers."
    a = cand("wire", "Roadside bomb near Tarmiyah", text, day=1)
    b = cand("observer", "Roadside bomb near Tarmiyah", text, day=6)
    assert len(clusters([a, b])) == 2


def word(n: int) -> str:
    letters = ""
    while len(letters) < 4:
        n, r = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
    return letters


def test_unrelated_stories_on_the_same_days_all_stay_separate():
    many = [
        cand(
            f"s{i % 7}",
            f"{word(i)} {word(i + 5000)}",
            f"{word(i + 9000)} {word(i + 13000)}",
            day=1 + i % 28,
        )
        for i in range(600)
    ]
    assert len(clusters(many)) == 600
