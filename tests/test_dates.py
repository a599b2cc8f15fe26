from datetime import date

import pytest

from digest.issues.dates import dated, event_day

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


@pytest.mark.parametrize(
    ("text", "day", "phrase"),
    [
        ("قتل جنديان يوم الجمعة في هجوم قرب الطارمية", date(2024, 2, 2), "يوم الجمعة"),
        ("أعلنت الوزارة أمس استئناف المحادثات", date(2024, 2, 3), "أمس"),
        ("وقع الهجوم مساء السبت", date(2024, 2, 3), "مساء السبت"),
        ("في 1 شباط انتخب المجلس محافظاً", date(2024, 2, 1), "1 شباط"),
        ("في ١ فبراير انتخب المجلس محافظاً", date(2024, 2, 1), "١ فبراير"),
        ("أقر البرلمان الموازنة", SUNDAY, None),
    ],
)
def test_arabic_date_phrases(text, day, phrase):
    assert dated(text, SUNDAY) == (day, phrase)


def test_the_phrase_that_dated_an_item_is_reported():
    assert dated("A bomb exploded late on Friday.", SUNDAY) == (date(2024, 2, 2), "late on Friday")
    assert dated("Prices rose this morning.", SUNDAY) == (SUNDAY, "this morning")


def test_an_arabic_december_date_in_a_january_report_is_last_year():
    text = "في 30 كانون الأول سقطت صواريخ على القاعدة"
    assert dated(text, date(2024, 1, 2)) == (date(2023, 12, 30), "30 كانون الأول")
