from datetime import date

import pytest

from digest.issues.incidents import casualties, incident, location
from digest.models import Citation, Entry


def entry(text: str, title: str = "Attack") -> Entry:
    return Entry(
        day=date(2024, 2, 4),
        title=title,
        text=text,
        citations=(Citation("Wire", "https://wire.example/1"),),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers and "
            "wounding three others.",
            (2, 3),
        ),
        ("Two people were killed and five injured when a car bomb exploded.", (2, 5)),
        ("A drone strike on a vehicle in Sinjar killed one person.", (1, None)),
        ("Rockets landed near the airport; no casualties were reported.", (0, 0)),
        ("The blast killed 4 civilians and injured 12.", (4, 12)),
    ],
)
def test_casualty_counts_in_common_news_phrasing(text, expected):
    assert casualties(text) == expected


def test_location_is_the_first_place_after_in_or_near():
    assert location("A car bomb exploded in Tuz Khurmatu on Sunday.") == "Tuz Khurmatu"
    assert location("Gunmen attacked a checkpoint near Tarmiyah, north of Baghdad.") == "Tarmiyah"


def test_an_attack_with_place_and_counts_is_a_draft_row():
    row = incident(entry("A roadside bomb struck a patrol near Tarmiyah, killing two soldiers."))
    assert (row.day, row.location, row.deaths, row.injuries) == (
        date(2024, 2, 4),
        "Tarmiyah",
        2,
        None,
    )


def test_news_without_an_attack_is_not_an_incident():
    assert (
        incident(entry("Parliament elected a speaker in Baghdad; two members walked out.")) is None
    )
