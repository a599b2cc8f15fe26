from datetime import UTC, date, datetime

from digest.issues.cluster import Candidate, clusters, reprints
from digest.models import Item


def cand(source: str, title: str, text: str, day: int = 4, says_when: bool = False) -> Candidate:
    item = Item(
        source=source,
        guid=title,
        url=f"https://{source}.example/{day}",
        title=title,
        summary_html="",
        text=text,
        published=datetime(2024, 2, day, tzinfo=UTC),
    )
    return Candidate(item, "security", date(2024, 2, day), says_when)


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


def test_an_outlet_tells_a_story_once_so_the_next_days_bomb_stays_apart():
    # Two outlets report a bomb in Daquq on two days running; each report of the second
    # mentions the first. The best matches join, and no group holds an outlet twice.
    first = "A roadside bomb hit an army patrol in Daquq district, killing two soldiers."
    second = (
        "A bomb hit a federal police patrol in Daquq district, killing an officer, a day "
        "after a roadside bomb killed two soldiers in the district."
    )
    groups = clusters(
        [
            cand("wire", "Roadside bomb kills two soldiers in Daquq", first, day=4),
            cand("observer", "Army patrol hit by IED in Daquq", first, day=4),
            cand("wire", "Federal police officer killed by bomb in Daquq", second, day=5),
            cand("observer", "Second bombing in two days hits Daquq", second, day=5),
        ]
    )
    assert sorted(sorted(c.item.published.day for c in g) for g in groups) == [[4, 4], [5, 5]]


def test_reports_that_name_different_days_are_different_events():
    text = "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers."
    a = cand("wire", "Roadside bomb near Tarmiyah", text, day=4, says_when=True)
    b = cand("observer", "Roadside bomb near Tarmiyah", text, day=5, says_when=True)
    assert len(clusters([a, b])) == 2
    # When one of them only has its publication day, a day apart may be a late report.
    c = cand("observer", "Roadside bomb near Tarmiyah", text, day=5)
    assert len(clusters([a, c])) == 1


def test_a_chain_does_not_join_reports_that_do_not_resemble_the_whole_group():
    # B shares the bomb in Tarmiyah with A and the governor's visit to Samarra with C; A and
    # C have nothing in common. Single links would make one story of all three.
    a = cand(
        "wire",
        "Roadside bomb kills two soldiers near Tarmiyah",
        "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers.",
    )
    b = cand(
        "observer",
        "Governor visits Samarra after Tarmiyah bomb",
        "The Salahuddin governor visited Samarra hospital and the Askari shrine, a day after "
        "a roadside bomb struck an army patrol near Tarmiyah, killing two soldiers.",
    )
    c = cand(
        "ledger",
        "Salahuddin governor tours Samarra hospital",
        "The Salahuddin governor toured Samarra hospital and the Askari shrine.",
    )
    groups = clusters([a, b, c])
    assert len(groups) == 2
    assert not any({a, c} <= set(group) for group in groups)


def test_the_daily_layout_merges_only_same_day_reprints_of_one_report():
    text = "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers."
    same_day = [
        cand("wire", "Roadside bomb near Tarmiyah", text),
        cand("observer", "Roadside Bomb Near Tarmiyah", text),
    ]
    assert [len(g) for g in reprints(same_day)] == [2]
    # The same words a day later, or a second telling of the event, are items of their own.
    assert [len(g) for g in reprints([same_day[0], cand("ledger", "x", text, day=5)])] == [1, 1]
    other_telling = cand(
        "ledger",
        "Two soldiers killed by roadside bomb in Tarmiyah",
        "Two soldiers were killed when a roadside bomb hit their patrol in Tarmiyah.",
    )
    assert [len(g) for g in reprints([same_day[0], other_telling])] == [1, 1]
    assert len(clusters([same_day[0], other_telling])) == 1  # one paragraph in a weekly issue
    # Told in the same words, two bombs in two districts are two reports.
    daquq = cand("ledger", "Roadside bomb near Daquq", text.replace("Tarmiyah", "Daquq"))
    assert [len(g) for g in reprints([same_day[0], daquq])] == [1, 1]
