import re
import string
from datetime import date, timedelta

import pytest

from digest.text.dates import MONTHS, WEEKDAYS, _first_letters, dated, event_day

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


# One week of publication days, Monday 5 to Sunday 11 February 2024.
PUBLICATION_WEEK = [date(2024, 2, 5) + timedelta(days=n) for n in range(7)]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("published", PUBLICATION_WEEK, ids=lambda d: d.strftime("%a"))
@pytest.mark.parametrize("named", WEEKDAY_NAMES)
def test_a_named_weekday_is_the_latest_such_day_on_or_before_publication(published, named):
    # "on Friday" in a Tuesday report is the Friday before; in a Friday report, that day.
    expected = next(
        published - timedelta(days=back)
        for back in range(7)
        if (published - timedelta(days=back)).strftime("%A") == named
    )
    assert dated(f"A bomb exploded on {named} near the market.", published) == (
        expected,
        f"on {named}",
    )


@pytest.mark.parametrize("published", PUBLICATION_WEEK, ids=lambda d: d.strftime("%a"))
def test_the_weekday_matrix_holds_in_arabic_too(published):
    # الاثنين … الأحد in Monday-to-Sunday order: each one at most six days back.
    for offset, name in enumerate(
        ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
    ):
        back = (published.weekday() - offset) % 7
        text = f"قتل جنديان يوم {name} في هجوم قرب الطارمية"
        assert dated(text, published) == (published - timedelta(days=back), f"يوم {name}")


TUESDAY = date(2024, 2, 6)


@pytest.mark.parametrize(
    "text",
    [
        # The background clause ends at the comma, semicolon or full stop: the next is news.
        "Partners recorded 40 cases since 1 February, and on 4 February a convoy was hit.",
        "Partners recorded 40 cases since 1 February; on 4 February a convoy was hit.",
        "Partners recorded 40 cases since 1 February. On 4 February a convoy was hit.",
        "Cases rose despite a campaign that ended on 2 February, and on Sunday a convoy was hit.",
    ],
)
def test_a_real_date_after_a_background_clause_dates_the_item(text):
    day, phrase = dated(text, TUESDAY)
    assert day == date(2024, 2, 4)
    assert phrase in ("4 February", "on Sunday")


def test_a_background_clause_runs_to_its_comma_not_beyond():
    # No comma: "since" governs the whole clause, so neither date is the news's.
    text = "Partners recorded 40 cases since 1 February and 12 more on 4 February."
    assert dated(text, TUESDAY) == (TUESDAY, None)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # Ten days back is accepted; eleven is too old to be the news's day.
        ("On February 10, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 10), True)),
        ("On 10 February, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 10), True)),
        ("On February 9, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 20), False)),
        ("On 9 February, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 20), False)),
        # The same limit across the new year.
        ("On December 26, rockets hit the base.", date(2024, 1, 5), (date(2023, 12, 26), True)),
        ("On December 25, rockets hit the base.", date(2024, 1, 5), (date(2024, 1, 5), False)),
        # A month-day equal to the publication day is that day, not last year's.
        ("On February 20, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 20), True)),
        ("On 20 February, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 20), True)),
        # One day after publication is ahead, not last year's.
        ("On February 21, rockets hit the base.", date(2024, 2, 20), (date(2024, 2, 20), False)),
    ],
)
def test_the_ten_day_limit_and_the_publication_day_itself(text, published, expected):
    assert event_day(text, published) == expected


def test_a_too_old_date_gives_way_to_a_later_recent_one():
    # The first phrase is past the limit; the search goes on to the next, which is recent.
    text = "The camp opened on 2 January, and on 18 February it was shelled."
    assert dated(text, date(2024, 2, 20)) == (date(2024, 2, 18), "18 February")


@pytest.mark.parametrize(
    ("text", "day", "phrase"),
    [
        # The future clause's weekday is skipped; the search goes on to the event's day.
        (
            "The council will meet on Monday to discuss the attack, "
            "in which gunmen killed two soldiers late on Saturday.",
            date(2024, 2, 3),
            "late on Saturday",
        ),
        (
            "Parliament is expected to vote on the budget on Tuesday; "
            "on Friday the finance minister presented it to the deputies.",
            date(2024, 2, 2),
            "on Friday",
        ),
        (
            "سيعقد مجلس المحافظة جلسة يوم الاثنين لبحث الهجوم الذي وقع أمس",
            date(2024, 2, 3),
            "أمس",
        ),
    ],
)
def test_a_later_real_date_is_found_after_a_weekday_that_looks_ahead(text, day, phrase):
    assert dated(text, SUNDAY) == (day, phrase)


# _first_letters builds the lookahead prefilter of the English patterns at import time,
# which mutation workers never reach; only a call at test time checks what it builds.
@pytest.mark.parametrize(
    "words",
    [MONTHS, ("on", "late", "early", "last", *WEEKDAYS)],
    ids=["months", "weekday-forms"],
)
def test_the_first_letter_prefilter_admits_exactly_the_words_first_letters(words):
    prefix = _first_letters(*words)
    pattern = re.compile(prefix + "(?:" + "|".join(words) + ")")
    for word in words:
        assert pattern.fullmatch(word), word
    first_letters = {word[0] for word in words}
    for char in string.ascii_letters + string.digits + string.punctuation + " ":
        admitted = re.match(prefix, char) is not None
        assert admitted == (char in first_letters), char
