"""Story importance: threads, outlets, casualties, actors, consequence, centrality."""

from __future__ import annotations

from datetime import date

from digest.issues.importance import rank, story_score
from digest.models import Citation, Entry


def entry(title: str, text: str, day: int = 5, outlets: int = 1) -> Entry:
    cites = tuple(Citation(f"Outlet {n}", f"https://o{n}.example/{day}") for n in range(outlets))
    return Entry(day=date(2024, 2, day), title=title, text=text, citations=cites)


def titles(entries: list[Entry]) -> list[str]:
    return [r.lead.title for r in rank(entries)]


def test_a_thread_of_councils_electing_governors_leads_over_single_stories():
    thread = [
        entry(
            f"{place} Council Elects Governor",
            f"The {place} provincial council elected a new governor in a session.",
            day,
        )
        for place, day in (("Kirkuk", 4), ("Nineveh", 5), ("Basra", 6), ("Wasit", 7))
    ]
    other = entry("Ministry Opens Passport Office", "The interior ministry opened an office.", 5)
    ranked = rank([other, *thread])
    assert ranked[0].is_thread
    assert len(ranked[0].entries) == 4
    assert "thread of 4 stories" in ranked[0].reasons


def test_a_drone_attack_on_the_prime_ministers_residence_outranks_a_recruitment_plan():
    attack = entry(
        "Drone Attack Targets Prime Minister's Residence",
        "An explosive-laden drone struck the prime minister's residence in Baghdad, "
        "wounding six guards.",
        outlets=3,
    )
    plan = entry(
        "Interior Ministry Announces Recruitment Plan",
        "The interior ministry announced a plan to recruit 5,000 police officers.",
    )
    assert titles([plan, attack])[0] == attack.title


def test_more_outlets_and_more_casualties_weigh_more():
    small = entry("Bomb Damages Shop", "A bomb damaged a shop in Hilla.")
    deadly = entry("Bomb Kills Four", "A bomb killed four people in a market in Hilla.")
    widely = entry("Bomb Damages Shop in Kut", "A bomb damaged a shop in Kut.", outlets=4)
    assert story_score(deadly)[0] > story_score(small)[0]
    assert story_score(widely)[0] > story_score(small)[0]
    assert "4 outlets" in story_score(widely)[1]
    assert "4 killed, 0 injured" in story_score(deadly)[1]


def test_head_of_government_and_consequence_are_reasons():
    score, reasons = story_score(
        entry("Prime Minister Signs Deal", "The prime minister signed an energy deal.")
    )
    assert "head of state or government" in reasons
    assert any(r.startswith("consequence: sign") for r in reasons)
    plain_score, _ = story_score(entry("Talks Continue", "Talks continued on a deal."))
    assert score > plain_score


def test_sharing_one_place_does_not_make_a_thread():
    a = entry("Kirkuk Council Elects Governor", "The Kirkuk council elected a governor.")
    b = entry("Bomb Kills Two in Kirkuk", "A bomb killed two people in Kirkuk market.")
    assert all(not r.is_thread for r in rank([a, b]))


def test_ranking_is_deterministic_whatever_the_input_order():
    stories = [
        entry("Bomb Kills Two in Kirkuk", "A bomb killed two people in Kirkuk.", 4),
        entry("Rocket Hits Base", "A rocket hit a base near Baghdad airport.", 5),
        entry("Farmers Protest Water Cuts", "Farmers protested over water cuts in Najaf.", 6),
    ]
    assert titles(stories) == titles(list(reversed(stories)))
