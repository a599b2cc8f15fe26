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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Day-month order, as humanitarian updates write it.
        ("Families left their homes after heavy rain on 2 February.", date(2024, 2, 2)),
        ("Returns rose in the week to 3rd February.", date(2024, 2, 3)),
        # Weekdays with a time of day, or "late", look back.
        ("Leaders met late Saturday but did not agree.", date(2024, 2, 3)),
        ("Gunmen fired on a post Friday night, wounding one.", date(2024, 2, 2)),
        # The first recent day named is the event's; a later date is a forward reference.
        ("Residents were told on 1 February that the camp closes on 30 April.", date(2024, 2, 1)),
        # A day named as background ("since", "ended on") is not the news's date.
        ("Partners recorded 40 cases since 1 February.", SUNDAY),
        ("Cases rose despite a campaign that ended on 2 February.", SUNDAY),
        ("Families have left since the killing of a mukhtar on 2 February.", SUNDAY),
        # A bare weekday may look ahead: it does not move the date.
        ("A session to elect a speaker is scheduled for Monday.", SUNDAY),
    ],
)
def test_event_day_reads_day_month_order_times_of_day_and_skips_background(text, expected):
    assert event_day(text, SUNDAY)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A main clause whose own verb is "ended" is the news: dated Sunday.
        ("Talks on oil exports ended on Sunday without agreement.", SUNDAY),
        ("The strike began on Friday, the union said.", date(2024, 2, 2)),
        # A relative or subordinate clause about something that ended is background.
        ("Cases rose after a campaign which began on 2 February.", SUNDAY),
        ("Clashes erupted after the talks in Erbil ended on Friday.", SUNDAY),
        ("A curfew stays in force until Friday.", SUNDAY),
        # A weekday in a clause about the future is not the event's day.
        ("Parliament will vote on Friday on the budget.", SUNDAY),
        ("The minister said talks are expected to resume on Friday.", SUNDAY),
        ("The council plans to meet late on Friday.", SUNDAY),
        # Other ways of naming a recent day.
        ("Rockets hit the base last night.", date(2024, 2, 3)),
        ("The delegation arrived the day before yesterday.", date(2024, 2, 2)),
    ],
)
def test_main_clause_days_count_background_and_future_ones_do_not(text, expected):
    assert event_day(text, SUNDAY)[0] == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("وصل الوفد أول أمس إلى بغداد", date(2024, 2, 2)),
        ("وصل الوفد أمس الأول إلى بغداد", date(2024, 2, 2)),
        ("سقطت صواريخ على القاعدة الليلة الماضية", date(2024, 2, 3)),
        ("سيعقد البرلمان جلسة يوم الجمعة", SUNDAY),  # the future
        ("ارتفعت الإصابات بعد الحملة التي انتهت يوم الجمعة", SUNDAY),  # background
    ],
)
def test_arabic_two_days_ago_last_night_future_and_background(text, day):
    assert dated(text, SUNDAY)[0] == day
