from datetime import date

import pytest

from digest.issues.dates import event_day

SUNDAY = date(2024, 2, 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A bomb exploded on Friday near Tarmiyah.", (date(2024, 2, 2), True)),
        ("Parliament met on Sunday to vote.", (SUNDAY, True)),
        ("Officials said yesterday that talks resumed.", (date(2024, 2, 3), True)),
        ("On February 1, the council elected a governor.", (date(2024, 2, 1), True)),
        ("The budget passed.", (SUNDAY, False)),
        # A date after publication is not the event's: fall back to publication.
        ("Talks are planned for February 20.", (SUNDAY, False)),
    ],
)
def test_event_day_reads_the_day_the_text_names(text, expected):
    assert event_day(text, SUNDAY) == expected


def test_a_december_date_in_a_january_report_is_last_year():
    assert event_day("On December 30, rockets hit the base.", date(2024, 1, 2)) == (
        date(2023, 12, 30),
        True,
    )
