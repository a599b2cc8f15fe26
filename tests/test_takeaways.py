"""Takeaways: the headline's stories, lead first, each opening "On <Month> <day>,", compressed,
with context, within the configured length."""

from __future__ import annotations

import re
from datetime import date

from digest.issues.headlines import parts
from digest.issues.importance import rank
from digest.issues.takeaways import takeaway
from digest.models import Citation, Entry


def entry(title: str, text: str, day: int, outlets: int = 1) -> Entry:
    cites = tuple(Citation(f"Outlet {n}", f"https://o{n}.example/{day}") for n in range(outlets))
    return Entry(day=date(2024, 2, day), title=title, text=text, citations=cites)


SECTION = [
    entry(
        "Drone Attack Targets Prime Minister's Residence",
        "An explosive-laden drone struck the prime minister's residence in Baghdad's Green Zone "
        "on February 6, wounding six guards, a security source told Shafaq News. The prime "
        "minister was unharmed. The attack came after weeks of threats by armed factions against "
        "the government, and investigators are expected to report within a week.",
        6,
        outlets=3,
    ),
    entry(
        "Rocket Hits Ain al-Asad Base",
        "A rocket hit Ain al-Asad air base in Anbar (western Iraq), causing no casualties, "
        "according to the security media cell. It was the second attack on the base this month.",
        4,
        outlets=2,
    ),
    entry(
        "Interior Ministry Announces Recruitment Plan",
        "The interior ministry announced a plan to recruit 5,000 police officers in 2024.",
        3,
    ),
    entry(
        "Army Clears Villages near Tarmiyah",
        "Army units cleared three villages near Tarmiyah of explosives, the army said.",
        5,
    ),
]


def draft(entries, size=(100, 250)):
    ranked = rank(entries)
    named = [story for story, _ in parts(ranked)]
    return named, takeaway(named, [r for r in ranked if r not in named], size)


def test_the_lead_story_comes_first_and_opens_with_its_date():
    named, text = draft(SECTION)
    assert named[0].lead.title == "Drone Attack Targets Prime Minister's Residence"
    assert text.startswith("On February 6, an explosive-laden drone struck")


def test_each_story_opens_with_its_absolute_date_and_stories_follow_the_headline_order():
    named, text = draft(SECTION)
    openings = [m.start() for m in re.finditer(r"On February \d{1,2}, ", text)]
    assert len(openings) >= len(named)
    days = [int(d) for d in re.findall(r"On February (\d{1,2}), ", text)]
    assert days[: len(named)] == [story.lead.day.day for story in named]


def test_attribution_parentheticals_and_outlets_are_dropped():
    _, text = draft(SECTION)
    assert "Shafaq" not in text
    assert "told" not in text
    assert "according to" not in text
    assert "(" not in text
    assert "on February 6," not in text.replace("On February 6,", "")  # no second date


def test_context_is_kept_and_the_length_is_within_the_setting():
    _, text = draft(SECTION)
    assert "after weeks of threats" in text
    assert len(text.split()) <= 250
    _, short = draft(SECTION, size=(10, 40))
    first = short.split(". On ")[0]
    assert len(short.split()) <= 40 or short == first  # only the lead may pass the limit


def test_too_little_from_the_top_stories_is_filled_from_the_next_ones():
    _, short = draft(SECTION, size=(10, 60))
    _, long = draft(SECTION, size=(120, 250))
    assert len(long.split()) > len(short.split())
    told = [e for e in SECTION if e.text.split()[0].lower() in long.lower()]
    assert len(long.split()) >= 120 or len(told) == len(SECTION)
    assert "recruit" in long or "Tarmiyah" in long


def test_no_capital_dangles_after_the_date():
    item = entry("Heavy Rain Floods Camp", "Heavy rain flooded tents in a camp near Duhok.", 3)
    _, text = draft([item], size=(5, 100))
    assert text.startswith("On February 3, heavy rain flooded")


def test_an_arabic_report_is_not_given_an_english_date_prefix():
    item = entry("قصف", "قصفت طائرة مسيرة موقعا قرب سنجار.", 3)
    _, text = draft([item], size=(1, 100))
    assert text.startswith("قصفت")
