"""Section headlines: one to three parts, lead first, short, present tense, Title Case."""

from __future__ import annotations

from datetime import date

import pytest

from digest.issues.headlines import clean_title, from_text, headline, present, title_case
from digest.issues.importance import rank
from digest.models import Citation, Entry


def entry(title: str, text: str = "", outlets: int = 1, day: int = 5) -> Entry:
    cites = tuple(Citation(f"Outlet {n}", f"https://o{n}.example/{title}") for n in range(outlets))
    return Entry(day=date(2024, 2, day), title=title, text=text, citations=cites)


def test_parts_are_the_top_stories_joined_by_semicolons_lead_first():
    entries = [
        entry("Minister Visits Farm", "The agriculture minister visited a farm."),
        entry(
            "Drone Strike Kills Three near Sinjar",
            "A drone strike killed three fighters near Sinjar.",
            outlets=3,
        ),
        entry("Council Elects Kirkuk Governor", "The council elected a governor.", outlets=2),
        entry("Library Reopens", "A library reopened."),
    ]
    text = headline(rank(entries))
    parts = text.split("; ")
    assert 1 <= len(parts) <= 3
    assert parts[0] == "Drone Strike Kills Three near Sinjar"
    assert all(part.strip() for part in parts)
    assert "Library Reopens" not in parts


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Exclusive: Rockets Hit Ain al-Asad Base", "Rockets Hit Ain al-Asad Base"),
        ("Rockets hit Ain al-Asad base, officials say", "Rockets hit Ain al-Asad base"),
        ("Two soldiers killed in Tarmiyah on Sunday", "Two soldiers killed in Tarmiyah"),
        ("Council elects governor on February 6, 2024", "Council elects governor"),
        ("Parliament passes budget - The Baghdad Observer", "Parliament passes budget"),
        ("Oil exports rise yesterday", "Oil exports rise"),
    ],
)
def test_clean_title_drops_kickers_attribution_dates_and_outlets(title, expected):
    assert clean_title(title) == expected


def test_a_long_title_is_cut_at_a_clause_boundary_to_twelve_words_or_fewer():
    title = (
        "Kurdistan Region and Baghdad agree on salary payments for January, as talks on oil "
        "exports continue in the capital without a deal"
    )
    cleaned = clean_title(title)
    assert 4 <= len(cleaned.split()) <= 12
    assert cleaned == "Kurdistan Region and Baghdad agree on salary payments for January"


def test_title_case_keeps_small_words_lower_inside_and_names_as_written():
    assert title_case("rockets hit base near baghdad airport") == (
        "Rockets Hit Base near Baghdad Airport"
    )
    assert title_case("KRG and PMF agree on al-Qaim checkpoint") == (
        "KRG and PMF Agree on al-Qaim Checkpoint"
    )


def test_an_item_without_a_title_gets_a_present_tense_part_from_its_text():
    untitled = entry(
        "",
        "The Kirkuk provincial council elected Dilshad Rauf Aziz as governor on Tuesday, "
        "ending weeks of deadlock, a council member said.",
    )
    part = headline(rank([untitled]))
    assert part
    assert "Elects" in part and "Tuesday" not in part and "said" not in part.lower()
    assert len(part.split()) <= 12


def test_a_passive_lead_sentence_becomes_headlinese():
    made = from_text(entry("", "Two soldiers were killed when a bomb struck their patrol."))
    assert made.startswith("Two soldiers killed")


@pytest.mark.parametrize(
    ("verb", "plural", "expected"),
    [
        ("elected", False, "elects"),
        ("elected", True, "elect"),
        ("approved", False, "approves"),
        ("stopped", False, "stops"),
        ("held", False, "holds"),
        ("struck", True, "strike"),
        ("denied", False, "denies"),
        ("agreed", False, "agrees"),
        ("launched", False, "launches"),
    ],
)
def test_past_tense_verbs_are_put_in_the_present(verb, plural, expected):
    assert present(verb, plural=plural) == expected


def test_no_part_repeats_and_the_headline_stays_within_160_characters():
    entries = [
        entry(f"Long Headline Number {n} About Something That Happened in Province {n}", "x")
        for n in range(5)
    ] + [entry("Long Headline Number 0 About Something That Happened in Province 0", "x")]
    text = headline(rank(entries))
    assert len(text) <= 160
    parts = text.split("; ")
    assert len(parts) == len(set(parts))
