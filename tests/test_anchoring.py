"""Relative day words written as dates (English and Arabic), the event day checked against
the lead sentence, and the paragraph's "On <Month> <day>, " prefix."""

from datetime import date

import pytest

from digest.models import Citation, Entry
from digest.render.issue_markdown import paragraph
from digest.text.anchoring import anchor, relative_words
from digest.text.dateline import prefix_day

MONDAY = date(2024, 2, 5)  # the publication day in most cases below
SUNDAY = date(2024, 2, 4)


def anchored(text: str, published: date = MONDAY, event_day: date = SUNDAY) -> str:
    return anchor(text, published, event_day).text


# --------------------------------------------------------------------------- English


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Days, looking back from the publication day (that day included).
        ("Parliament met on Sunday to vote.", "Parliament met on February 4 to vote."),
        ("Officials said yesterday that talks resumed.", "Officials said on February 4 that"),
        ("The minister said Sunday that talks resumed.", "The minister said on February 4 that"),
        ("Gunmen fired on a post Saturday night.", "on a post on the night of February 3."),
        ("Rockets hit the base late Saturday.", "Rockets hit the base late on February 3."),
        ("Last Friday, the council elected a chair.", "On February 2, the council elected"),
        ("Last Monday, the council met.", "On January 29, the council met."),
        ("Prices rose this morning, traders said.", "Prices rose on the morning of February 5,"),
        ("The talks ended last night.", "The talks ended on the night of February 4."),
        ("A convoy was hit on Monday.", "A convoy was hit on February 5."),  # the same day
        ("Troops arrived earlier today.", "Troops arrived on February 5."),
        ("A drone fell two days ago.", "A drone fell on February 3."),
        ("The toll from Sunday's attack rose.", "The toll from the February 4 attack rose."),
        ("Sunday's attack killed five.", "The February 4 attack killed five."),
        ("Yesterday's vote was close.", "The February 4 vote was close."),
        ("Clashes continued since Saturday.", "Clashes continued since February 3."),
        ("Polls opened on Saturday and Sunday.", "on February 3 and February 4."),
        # The future looks ahead.
        ("A session is scheduled for Thursday.", "A session is scheduled for February 8."),
        ("Parliament will vote on Sunday.", "Parliament will vote on February 11."),
        ("The cabinet meets next Monday.", "The cabinet meets on February 12."),
        ("A decision is expected tomorrow.", "A decision is expected on February 6."),
        ("A rally is planned for tonight.", "A rally is planned for the night of February 5."),
        # Weeks, months, years.
        ("Talks resumed last week.", "Talks resumed in the week of January 29."),
        ("Talks will continue next week.", "Talks will continue in the week of February 12."),
        ("Exports fell last month.", "Exports fell in January."),
        ("Exports rose earlier this year.", "Exports rose earlier in 2024."),
        ("The law passed in March last year.", "The law passed in March 2023."),
        ("Last year's budget was late.", "The 2023 budget was late."),
    ],
)
def test_english_relative_days_become_dates(text, expected):
    result = anchored(text)
    assert expected in result
    assert relative_words(result) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Around 120 families returned to Sinjar this week, with help from partners.",
            "Around 120 families returned to Sinjar, with help from partners.",
        ),
        ("Earlier this week, the council met.", "The council met."),
        ("The council, this week, elected a chair.", "The council elected a chair."),
        ("Families returned during this week.", "Families returned."),
        ("Talks stalled later this week; no date was set.", "Talks stalled; no date was set."),
        ("Rain fell this weekend.", "Rain fell."),
        ("This week saw heavy rain.", "The week saw heavy rain."),  # a subject stays a noun
        ("This week's talks failed.", "The talks failed."),
    ],
)
def test_this_week_is_dropped_and_the_sentence_mended(text, expected):
    assert anchored(text) == expected


def test_the_day_before_and_the_same_day_count_from_the_last_day_named():
    text = (
        "Rockets hit the base on Saturday. On the same day, a drone was shot down. "
        "A bomb had exploded the day before, and police made arrests the following day."
    )
    assert anchored(text) == (
        "Rockets hit the base on February 3. On February 3, a drone was shot down. "
        "A bomb had exploded on February 2, and police made arrests on February 3."
    )
    # With no day named before it, "the day before" counts from the event's day.
    assert anchored("Gunmen had scouted the area the day before.") == (
        "Gunmen had scouted the area on February 3."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Worshippers left Friday prayers in Kufa.",
        "Good Friday services were held in Qaraqosh.",
        "The Sunday Times reported the deal.",
        "Voting takes place on Sunday, February 11.",
        "Over the past week, prices rose; the last week of January was calm.",
        "A day after the bombing, residents protested.",
        "The day before the vote was quiet.",
    ],
)
def test_customs_names_durations_and_dated_weekdays_are_not_relative(text):
    assert relative_words(text) == []
    assert anchored(text) == text


def test_notes_list_each_resolution():
    result = anchor("Talks resumed on Sunday and will continue next week.", MONDAY, SUNDAY)
    assert result.notes == (
        "'on Sunday' → February 4",
        "'next week' → in the week of February 12",
    )
    assert anchor("Prices rose this week.", MONDAY, SUNDAY).notes == ("'this week' → dropped",)


# --------------------------------------------------------------------------- Arabic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت الوزارة أمس استئناف المحادثات", "أعلنت الوزارة في 4 شباط استئناف المحادثات"),
        ("قال المسؤول البارحة إن", "قال المسؤول في 4 شباط إن"),
        ("وقع الهجوم مساء السبت في كركوك", "وقع الهجوم مساء 3 شباط في كركوك"),
        ("قتل جنديان يوم الجمعة في هجوم", "قتل جنديان في 2 شباط في هجوم"),
        ("أعلنت الوزارة، اليوم الاثنين، أن", "أعلنت الوزارة، في 5 شباط، أن"),
        ("انفجرت عبوة ليلة أمس", "انفجرت عبوة ليلة 4 شباط"),
        ("وصل الوفد أول أمس", "وصل الوفد في 3 شباط"),
        ("عقد المجلس جلسة الأحد الماضي", "عقد المجلس جلسة في 4 شباط"),
        ("ستعقد الجلسة الأحد المقبل", "ستعقد الجلسة في 11 شباط"),
        ("سيعقد البرلمان جلسة يوم الخميس", "سيعقد البرلمان جلسة في 8 شباط"),
        ("يصوت المجلس غداً", "يصوت المجلس في 6 شباط"),
        ("المعارك مستمرة منذ يوم السبت", "المعارك مستمرة منذ 3 شباط"),
        ("ارتفعت الصادرات الشهر الماضي", "ارتفعت الصادرات في كانون الثاني"),
        (
            "زار الوزير أنقرة الأسبوع الماضي",
            "زار الوزير أنقرة في الأسبوع الذي بدأ في 29 كانون الثاني",
        ),
        ("تنتهي المهلة الأسبوع المقبل", "تنتهي المهلة في الأسبوع الذي يبدأ في 12 شباط"),
        ("عادت الأسر هذا الأسبوع إلى سنجار", "عادت الأسر إلى سنجار"),
        ("إن هذا الأسبوع شهد تراجعاً", "إن الأسبوع شهد تراجعاً"),
        ("ارتفع الإنتاج العام الماضي", "ارتفع الإنتاج في عام 2023"),
        ("قتل شخص وفي اليوم التالي اعتقل الجناة", "قتل شخص وفي 5 شباط اعتقل الجناة"),
        ("قُتل شخص قبل يومين", "قُتل شخص في 3 شباط"),
        ("في ١ شباط انتخب المجلس محافظاً، وأمس أعلن النتائج", "وفي ٤ شباط أعلن النتائج"),
    ],
)
def test_arabic_relative_days_become_dates(text, expected):
    result = anchored(text)
    assert expected in result
    assert relative_words(result) == []


@pytest.mark.parametrize(
    "text",
    [
        "ألقى الخطيب خطبة الجمعة في الكوفة",
        "في اليوم التالي للهجوم",
        "قال الأمين العام الحالي للحزب",
        "حزب الغد يعلن مرشحيه",
        "يصادف الأحد 11 شباط ذكرى",
    ],
)
def test_arabic_customs_names_and_dated_weekdays_are_not_relative(text):
    assert relative_words(text) == []


# --------------------------------------------------------------------------- the event's day


def test_the_lead_sentences_main_clause_wins_over_a_day_given_from_elsewhere():
    # dated() would date this Sunday; a draft that merged it with a report published on
    # Monday without a day gave it Monday: the text's own words win, and a note says why.
    text = "Talks on oil exports ended on Sunday without agreement, participants said."
    result = anchor(text, MONDAY, MONDAY)
    assert result.day == SUNDAY
    assert result.notes[-1] == (
        "'on Sunday' in the lead sentence's main clause names February 4, the draft had "
        "February 5: February 4 kept"
    )


def test_a_day_in_a_background_clause_or_ahead_does_not_contradict():
    background = "Families have left since the attack on Saturday, officials said."
    assert anchor(background, MONDAY, MONDAY).day == MONDAY
    ahead = "The council will meet on Thursday, its chair said."
    assert anchor(ahead, MONDAY, MONDAY).day == MONDAY
    agreeing = anchor("Gunmen attacked a post on Sunday.", MONDAY, SUNDAY)
    assert agreeing.day == SUNDAY and len(agreeing.notes) == 1


def test_a_day_in_the_headline_counts_when_the_lead_names_none():
    result = anchor("Talks made no progress.", MONDAY, MONDAY, title="Talks End on Sunday")
    assert result.day == SUNDAY
    assert "headline" in result.notes[-1]


# --------------------------------------------------------------------------- the paragraph


def entry(text: str, day: date = SUNDAY) -> Entry:
    return Entry(
        day=day, title="T", text=text, citations=(Citation("Wire", "https://w.example/1"),)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A leading date phrase is replaced.
        ("On Sunday, gunmen attacked a post.", "On February 4, gunmen attacked a post."),
        ("On February 4, gunmen attacked.", "On February 4, gunmen attacked."),
        (
            "Late on Sunday, Security Council members met.",
            "On February 4, Security Council members met.",
        ),
        ("On Sunday, February 4, 2024, the council met.", "On February 4, the council met."),
        # The main clause's phrase for that day is dropped; a time of day stays.
        ("Talks ended on February 4 without a deal.", "On February 4, talks ended without a deal."),
        (
            "Officials called on Sunday for calm after a bomb on Saturday.",
            "On February 4, officials called for calm after a bomb on Saturday.",
        ),
        (
            "Rockets hit the base on the evening of February 4, police said.",
            "On February 4, rockets hit the base in the evening, police said.",
        ),
        (
            "Cases rose to 14, the directorate said on February 4, up from nine on February 3.",
            "On February 4, cases rose to 14, the directorate said, up from nine on February 3.",
        ),
        (
            "A man was killed in Qurna late on February 4, police said.",
            "On February 4, a man was killed in Qurna late in the day, police said.",
        ),
        # Another day named first is not this day's phrase: it stays.
        (
            "Officials said on February 3 that the camp closed.",
            "On February 4, officials said on February 3 that the camp closed.",
        ),
        # No capital left dangling; names keep theirs.
        ("Around 120 families returned.", "On February 4, around 120 families returned."),
        ("Nearly 40 cases were recorded.", "On February 4, nearly 40 cases were recorded."),
        ("Several rockets hit Balad.", "On February 4, several rockets hit Balad."),
        ("They said the road reopened.", "On February 4, they said the road reopened."),
        ("A drone fell.", "On February 4, a drone fell."),
        (
            "Displaced people left; the displaced need aid.",
            "On February 4, displaced people left; the displaced need aid.",
        ),
        ("Security forces arrested five.", "On February 4, security forces arrested five."),
        ("Basra's governor resigned.", "On February 4, Basra's governor resigned."),
        ("Kurdish parties met in Erbil.", "On February 4, Kurdish parties met in Erbil."),
        ("ISIS militants attacked a post.", "On February 4, ISIS militants attacked a post."),
        ("Iraq's oil exports rose.", "On February 4, Iraq's oil exports rose."),
        (
            "Federal Supreme Court judges ruled.",
            "On February 4, Federal Supreme Court judges ruled.",
        ),
        ("Mosul residents protested.", "On February 4, Mosul residents protested."),
    ],
)
def test_a_paragraph_always_opens_with_its_day(text, expected):
    assert prefix_day(text, SUNDAY) == expected
    assert paragraph(entry(text)) == expected.rstrip(".") + " ([Wire](https://w.example/1))."


def test_an_arabic_paragraph_keeps_its_words():
    text = "أعلنت الوزارة في 4 شباط استئناف المحادثات"
    assert paragraph(entry(text)).startswith(text)


def test_an_anchored_paragraph_has_no_relative_words_left():
    text = (
        "The committee met yesterday and said on Sunday it would report next week, "
        "after clashes earlier this week."
    )
    result = anchor(text, MONDAY, SUNDAY)
    drafted = paragraph(entry(result.text, result.day))
    assert drafted.startswith("On February 4, the committee met and said on February 4")
    assert relative_words(drafted) == []


def test_a_word_the_reports_write_in_lower_case_is_lower_cased_after_the_date():
    from digest.text.dateline import lower_first

    common = frozenset({"cargo", "crossed"})
    assert lower_first("Cargo worth $11 billion crossed", common) == (
        "cargo worth $11 billion crossed"
    )
    assert lower_first("Cargo worth $11 billion crossed") == "Cargo worth $11 billion crossed"
    # A name stays a name, whatever the reports write.
    assert lower_first("Basra port reopened", frozenset({"port"})) == "Basra port reopened"
    assert lower_first("Cargo Transport Company said", common) == "Cargo Transport Company said"
