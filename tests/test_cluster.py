from datetime import UTC, date, datetime
from pathlib import Path

from digest.issues.cluster import Candidate, clusters, reprints
from digest.models import Item
from digest.text.places import load


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


# A week of other news around the stories under test: the words every report uses (bomb,
# killed, soldiers, security) are common in it, as they are in a real week.
WEEK = [
    cand(
        "shafaq",
        "Roadside bomb kills two soldiers in Daquq",
        "A roadside bomb hit an army patrol in Daquq district south of Kirkuk, killing two "
        "soldiers and wounding three others.",
        day=1,
    ),
    cand(
        "rudaw",
        "Police arrest terror suspect in Hawija",
        "Police arrested a terrorism suspect wanted under the anti-terror law in Hawija "
        "district west of Kirkuk.",
        day=3,
    ),
    cand(
        "ina",
        "Oil exports rise in January",
        "Iraq's oil exports rose to 3.4 million barrels a day in January, the oil ministry said.",
    ),
    cand(
        "kurdistan24",
        "Kirkuk council meets on budget",
        "The Kirkuk provincial council met to discuss the 2024 budget and delayed salaries.",
    ),
    cand(
        "shafaq",
        "Drone strike kills two in Sinjar",
        "A Turkish drone struck a car near Sinjar, killing two members of a Yazidi armed group.",
        day=5,
    ),
    cand(
        "alsumaria",
        "Protesters block road in Nasiriyah",
        "Protesters demanding jobs blocked the main road in Nasiriyah for the third day.",
        day=5,
    ),
    cand(
        "ina",
        "Prime minister receives Dutch defence minister",
        "The prime minister received the Dutch defence minister in Baghdad to discuss the "
        "coalition's future.",
        day=6,
    ),
    cand(
        "rudaw",
        "Rockets target Ain al-Asad base",
        "Two rockets fell near Ain al-Asad air base in Anbar without causing casualties.",
        day=6,
    ),
    cand(
        "alsumaria",
        "Gunmen kill shepherd in Diyala",
        "Gunmen killed a shepherd and stole his sheep near Muqdadiyah in Diyala, police said.",
        day=2,
    ),
    cand(
        "kurdistan24",
        "Peshmerga soldier wounded by sniper",
        "A Peshmerga soldier was wounded by an Islamic State sniper in Makhmour.",
        day=10,
    ),
    cand(
        "ina",
        "Air strikes kill militants in Hamrin",
        "Iraqi air strikes killed four Islamic State militants in a hideout in the Hamrin "
        "mountains.",
        day=8,
    ),
    cand(
        "shafaq",
        "Bomb defused in Mosul old city",
        "Police defused a bomb left in a market in Mosul's old city, a security source said.",
        day=3,
    ),
    cand(
        "alsumaria",
        "Bomb wounds policeman in Khanaqin",
        "A bomb planted under a car wounded a policeman in Khanaqin, a security source said.",
        day=9,
    ),
    cand(
        "rudaw",
        "Soldier killed in attack on army post in Shirqat",
        "Islamic State militants attacked an army post near Shirqat, killing a soldier.",
        day=6,
    ),
    cand(
        "ina",
        "Central bank holds dinar rate",
        "The central bank kept the official rate of the dinar at 1,300 to the dollar.",
        day=2,
    ),
    cand(
        "kurdistan24",
        "Erbil airport resumes flights",
        "Erbil international airport resumed flights after a two-hour halt due to fog.",
        day=1,
    ),
    cand(
        "shafaq",
        "Two policemen wounded in Tuz Khurmatu blast",
        "A roadside bomb wounded two policemen on a road near Tuz Khurmatu, police said.",
        day=7,
    ),
    cand(
        "alsumaria",
        "Farmers protest water shortage in Diwaniyah",
        "Farmers protested in Diwaniyah over water shortages that threaten the wheat season.",
        day=8,
    ),
    cand(
        "ina",
        "Health ministry reports cholera cases",
        "The health ministry recorded twelve cholera cases in Sulaymaniyah and Kirkuk.",
        day=10,
    ),
    cand(
        "rudaw",
        "Displaced families return to Sinjar",
        "Two hundred displaced Yazidi families returned to Sinjar from camps in Duhok.",
        day=10,
    ),
]

# Sunday's bomb in Tarmiyah as two outlets told it, in few of the same words.
TARMIYAH_WIRE = cand(
    "wire",
    "Bomb kills soldier in Tarmiyah",
    "A roadside bomb killed a soldier and wounded two others in Tarmiyah on Sunday, where "
    "Islamic State cells remain active in the orchards along the Tigris.",
)
TARMIYAH_OBSERVER = cand(
    "observer",
    "Soldiers hit in bombing",
    "Two soldiers were wounded and one killed in a bombing that targeted an army patrol in "
    "Tarmiyah, the Security Media Cell said, adding that troops had launched a search of "
    "nearby farms.",
)


def merged(groups: list[list[Candidate]]) -> list[list[Candidate]]:
    return [group for group in groups if len(group) > 1]


def test_the_background_week_is_all_separate_stories():
    assert merged(clusters(WEEK)) == []


def test_one_story_told_in_other_inflections_of_its_words_merges():
    # "bomb"/"bombing", "soldier"/"soldiers", "killed"/"kills" are one word each: without
    # that, the two reports share too little to be one story.
    groups = clusters([*WEEK, TARMIYAH_WIRE, TARMIYAH_OBSERVER])
    assert merged(groups) == [[TARMIYAH_WIRE, TARMIYAH_OBSERVER]]


def test_the_order_of_the_reports_changes_neither_the_groups_nor_their_members_order():
    a = cand(
        "wire",
        "Roadside bomb kills two soldiers near Tarmiyah",
        "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers.",
    )
    b = cand(
        "observer",
        "Two soldiers killed by roadside bomb in Tarmiyah",
        "Two soldiers were killed when a roadside bomb hit their patrol in Tarmiyah "
        "north of Baghdad.",
        day=5,
    )
    forward = [*WEEK, a, b]
    backward = forward[::-1]
    assert merged(clusters(forward)) == [[a, b]]
    # Listed first, the later report still finds the one of the day before; groups, and
    # the members of each, come in the order they were given.
    assert clusters(backward) == [group[::-1] for group in clusters(forward)][::-1]


def test_a_story_is_merged_over_two_days_not_three():
    text = "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers."
    days = [
        cand("wire", "Roadside bomb near Tarmiyah", text, day=4),
        cand("observer", "Roadside bomb near Tarmiyah", text, day=5),
        cand("ledger", "Roadside bomb near Tarmiyah", text, day=6),
    ]
    # Each report is a day from the next, but the first and the last are two days apart:
    # no group spans them.
    assert clusters(days) == [days[:2], days[2:]]


def test_a_follow_up_resembling_one_report_but_not_the_whole_story_stays_apart():
    # Monday's search resembles the observer's report (which said a search had begun) but
    # the wire's report barely: about half a same-story score with one and just over one
    # with the other make a group that does not hold together on average.
    search = cand(
        "ledger",
        "Troops search farms",
        "Troops hunting Islamic State cells searched farms north of Baghdad on Monday, "
        "arrested three suspects near the village of Albu Khalil and seized weapons and "
        "explosives.",
        day=5,
    )
    groups = clusters([*WEEK, TARMIYAH_WIRE, TARMIYAH_OBSERVER, search])
    assert merged(groups) == [[TARMIYAH_WIRE, TARMIYAH_OBSERVER]]


def test_a_report_joins_the_report_it_resembles_most_not_the_first_it_resembles():
    saturday = cand(
        "ledger",
        "Bomb wounds two in Tarmiyah",
        "A roadside bomb wounded two civilians in Tarmiyah on Saturday.",
        day=3,
    )
    late = cand(
        "observer",
        "Soldier killed in Tarmiyah bombing",
        "A soldier was killed and two were wounded by a roadside bomb in Tarmiyah, in orchards "
        "along the Tigris where Islamic State cells hide.",
        day=5,
    )
    groups = clusters([*WEEK, TARMIYAH_WIRE, saturday, late])
    assert merged(groups) == [[TARMIYAH_WIRE, late]]


def test_a_late_report_of_a_bomb_joins_it_not_its_outlets_report_of_the_next_bomb():
    first = cand(
        "wire",
        "Roadside bomb kills two soldiers in Daquq",
        "A roadside bomb hit an army patrol in Daquq district, killing two soldiers.",
        day=4,
    )
    second = cand(
        "wire",
        "Federal police officer killed by bomb in Daquq",
        "A bomb hit a federal police patrol in Daquq district, killing an officer, a day "
        "after a roadside bomb killed two soldiers in the district.",
        day=5,
    )
    late = cand(
        "observer",
        "Two soldiers killed in Daquq",
        "A roadside bomb killed two soldiers on patrol in Daquq district.",
        day=5,
    )
    groups = clusters([*WEEK, first, second, late])
    assert merged(groups) == [[first, late]]


def test_in_a_busy_week_each_story_merges_by_itself():
    # Two bombs in Daquq on two days (each outlet tells each once), a minister's visit told
    # by three outlets, and the bomb in Tarmiyah told by two: the pairs that may not join
    # are refused, and the others still join after them.
    first = "A roadside bomb hit an army patrol in Daquq district, killing two soldiers."
    second = (
        "A bomb hit a federal police patrol in Daquq district, killing an officer, a day "
        "after a roadside bomb killed two soldiers in the district."
    )
    daquq = [
        cand("wire", "Roadside bomb kills two soldiers in Daquq", first, day=4),
        cand("observer", "Army patrol hit by IED in Daquq", first, day=4),
        cand("wire", "Federal police officer killed by bomb in Daquq", second, day=5),
        cand("observer", "Second bombing in two days hits Daquq", second, day=5),
    ]
    visit = [
        cand(
            "ina",
            "Dutch defence minister visits Baghdad",
            "Dutch Defence Minister Kajsa Ollongren arrived in Baghdad on Tuesday for talks on "
            "the future of the international coalition.",
            day=6,
        ),
        cand(
            "rudaw",
            "Ollongren in Baghdad for coalition talks",
            "The Dutch defence minister, Kajsa Ollongren, held talks in Baghdad on the "
            "coalition's future on Tuesday.",
            day=6,
        ),
        cand(
            "shafaq",
            "Netherlands minister discusses coalition in Baghdad",
            "Kajsa Ollongren, the Netherlands' defence minister, discussed the international "
            "coalition's future in Baghdad.",
            day=6,
        ),
    ]
    week = [c for c in WEEK if "Dutch" not in c.item.title]
    groups = clusters([*week, *daquq, TARMIYAH_WIRE, TARMIYAH_OBSERVER, *visit])
    assert merged(groups) == [
        daquq[:2],
        daquq[2:],
        [TARMIYAH_WIRE, TARMIYAH_OBSERVER],
        visit,
    ]


ARREST = (
    "Security forces arrested a wanted suspect under the anti-terrorism law in {}, the "
    "interior ministry said in a statement posted on its official website."
)


def arrest(source: str, place: str, day: int) -> Candidate:
    return cand(source, f"Wanted suspect arrested in {place}", ARREST.format(place), day=day)


def test_in_a_month_of_600_reports_a_place_in_5_percent_of_them_still_links_a_story():
    # The month's routine arrests are told in one formula; only the place tells them apart.
    # Kirkuk is in 30 of the 600 reports (5%: still distinctive), the formula's words in 40
    # (common: two reports sharing only them are not compared at all).
    kirkuk_days = [day for day in range(20, 30) for _ in range(3)][:28]
    routine = [arrest("ina", "Kirkuk", day) for day in kirkuk_days]
    routine += [
        arrest("ina", place, day)
        for place, day in [
            ("Mosul", 5),
            ("Ramadi", 7),
            ("Samarra", 11),
            ("Baquba", 13),
            ("Fallujah", 15),
            ("Tikrit", 17),
        ]
    ]
    kirkuk = [arrest("wire", "Kirkuk", 3), arrest("observer", "Kirkuk", 3)]
    tuz = [arrest("wire", "Tuz Khurmatu", 12), arrest("observer", "Tuz Khurmatu", 12)]
    # The observer tells the wire's arrest in Hawija a day late, on the day the wire
    # reports a bomb there: the late report still finds the arrest it tells.
    hawija = [
        arrest("wire", "Hawija", 6),
        cand(
            "wire",
            "Roadside bomb wounds two policemen in Hawija",
            "A roadside bomb wounded two policemen at a checkpoint on the road between Hawija "
            "and Riyadh, police said.",
            day=7,
        ),
        arrest("observer", "Hawija", 7),
    ]
    stories = [*kirkuk, *hawija, *tuz]
    # The month's other reports: words standing for unrelated stories.
    others = [
        cand(
            f"s{i % 7}",
            f"{word(i)} {word(i + 5000)}",
            f"{word(i + 9000)} {word(i + 13000)}",
            1 + i % 29,
        )
        for i in range(600 - len(routine) - len(stories))
    ]
    groups = clusters([*others, *routine, *stories])
    assert merged(groups) == [kirkuk, [hawija[0], hawija[2]], tuz]


def test_an_arabic_and_an_english_report_merge_on_the_places_the_gazetteer_reads_in_both():
    english = cand(
        "shafaq",
        "Roadside bomb kills two soldiers in Daquq",
        "A roadside bomb hit an army patrol in Daquq district south of Kirkuk, killing two "
        "soldiers and wounding three others, a security source said.",
    )
    arabic = cand(
        "alsumaria",
        "انفجار عبوة في داقوق",
        "انفجرت عبوة ناسفة على دورية في قضاء داقوق جنوبي كركوك.",
    )
    week = [c for c in WEEK if "Daquq" not in c.item.title]
    assert merged(clusters([*week, english, arabic], load("iraq", Path()))) == [[english, arabic]]
    # Without the gazetteer the Arabic report shares only the glossary's words: not enough.
    assert merged(clusters([*week, english, arabic])) == []


def test_an_arabic_flash_with_nothing_an_english_report_can_share_keeps_it_out():
    # The flash and the longer Arabic report tell the prime minister's meeting with
    # Khanjar; the English report tells his meeting with the Dutch minister that day, and
    # shares enough translated words (minister, political, coalition, government) with
    # the longer report. Against the flash it has nothing to compare: that is no likeness.
    flash = cand("alsumaria", "السوداني يستقبل الخنجر في مكتبه", "", day=6)
    report = cand(
        "baghdadtoday",
        "السوداني يبحث مع الخنجر الأوضاع السياسية",
        "استقبل رئيس مجلس الوزراء محمد شياع السوداني، في مكتبه، رئيس تحالف السيادة خميس "
        "الخنجر، وبحثا الأوضاع السياسية وعمل الحكومة.",
        day=6,
    )
    dutch = cand(
        "ina",
        "Prime minister receives Dutch defence minister",
        "Prime Minister Mohammed Shia al-Sudani received the Dutch defence minister in his "
        "office to discuss the political situation, the work of the international coalition "
        "and the government's plans.",
        day=6,
    )
    week = [c for c in WEEK if "Dutch" not in c.item.title]
    assert merged(clusters([*week, flash, report, dutch])) == [[flash, report]]


WIRE_TEXT = (
    "Two soldiers were killed and three wounded when a roadside bomb hit their patrol in "
    "Tarmiyah north of Baghdad on Sunday, a security source said."
)


def test_a_copy_sharing_exactly_the_reprint_share_of_its_word_runs_is_a_reprint():
    wire = cand("wire", "Roadside bomb kills two soldiers in Tarmiyah", WIRE_TEXT)
    # Without the attribution and with two words changed, 9 of the copy's 15 three-word
    # runs are the wire's: 60%, just enough.
    copy = cand(
        "observer",
        "Bomb kills two soldiers",
        "Two soldiers were killed and three injured when a roadside bomb hit their convoy in "
        "Tarmiyah north of Baghdad on Sunday.",
    )
    assert reprints([wire, copy]) == [[wire, copy]]
    # One more change (7 of 16) and it is another telling.
    edited = cand(
        "observer",
        "Bomb kills two soldiers",
        "Two soldiers were killed and three injured when a roadside bomb hit their convoy in "
        "Tarmiyah north of the capital on Sunday.",
    )
    assert reprints([wire, edited]) == [[wire], [edited]]


def test_a_rewrite_sharing_a_single_run_of_words_is_not_a_reprint():
    a = cand(
        "wire",
        "Roadside bomb hits army patrol near Tarmiyah",
        "A roadside bomb hit an army patrol near Tarmiyah, killing two soldiers.",
    )
    b = cand(
        "observer",
        "Two soldiers killed in Tarmiyah",
        "Two soldiers were killed when a roadside bomb hit their patrol in Tarmiyah.",
    )
    assert reprints([a, b]) == [[a], [b]]


def test_a_wire_report_under_each_outlets_own_headline_is_one_item():
    wire = cand("wire", "Roadside bomb kills two soldiers in Tarmiyah", WIRE_TEXT)
    copy = cand("observer", "IED hits army patrol north of Baghdad", WIRE_TEXT)
    assert reprints([wire, copy]) == [[wire, copy]]


def test_a_copy_that_drops_a_sentence_naming_more_is_still_a_reprint():
    wire = cand(
        "wire",
        "Roadside bomb kills two soldiers in Tarmiyah",
        f"{WIRE_TEXT} Troops then searched orchards near Albu Khalil and arrested a suspect.",
    )
    copy = cand("observer", "Two soldiers killed in Tarmiyah", WIRE_TEXT)
    assert reprints([wire, copy]) == [[wire, copy]]


def test_arabic_reprints_spelled_with_or_without_hamza_and_ta_marbuta_are_one_item():
    a = cand(
        "alsumaria",
        "مقتل جنديين بانفجار عبوة ناسفة في الطارمية",
        "أعلنت خلية الإعلام الأمني، اليوم الأحد، مقتل جنديين وإصابة ثلاثة آخرين بانفجار عبوة "
        "ناسفة استهدفت دوريتهم في قضاء الطارمية شمالي بغداد.",
    )
    b = cand(
        "baghdadtoday",
        "مقتل جنديين بانفجار عبوه ناسفه في الطارميه",
        "اعلنت خلية الاعلام الامني، اليوم الاحد، مقتل جنديين واصابة ثلاثة اخرين بانفجار عبوه "
        "ناسفه استهدفت دوريتهم في قضاء الطارميه شمالي بغداد.",
    )
    assert reprints([a, b]) == [[a, b]]


def test_a_flash_of_two_words_republished_is_one_item():
    kirkuk = [cand("wire", "Blast in Kirkuk", ""), cand("observer", "Blast in Kirkuk", "")]
    mosul = cand("ledger", "Blast in Mosul", "")
    assert reprints([*kirkuk, mosul]) == [kirkuk, [mosul]]


def test_copies_of_copies_join_the_closest_copy_whatever_their_order():
    wire = cand("wire", "Roadside bomb kills two soldiers in Tarmiyah", WIRE_TEXT)
    # The observer reprints the wire with one word changed; the ledger reprints the
    # observer with two more, which leaves too little of the wire's runs.
    observer = cand(
        "observer",
        "Two soldiers killed in Tarmiyah",
        "Two soldiers were killed and three injured when a roadside bomb hit their patrol in "
        "Tarmiyah north of Baghdad on Sunday.",
    )
    ledger = cand(
        "ledger",
        "Bomb kills two soldiers north of Baghdad",
        "Two soldiers were killed and three injured when a roadside bomb struck their convoy "
        "in Tarmiyah north of Baghdad on Sunday.",
    )
    assert reprints([observer, ledger, wire]) == [[observer, wire], [ledger]]
    assert reprints([wire, observer, ledger]) == [[wire, observer], [ledger]]


def test_a_short_english_report_and_a_long_arabic_one_of_one_bomb_merge():
    # The Arabic report's words that have no English in the glossary (the hospital, the
    # wounds' severity) are words an English report cannot share: they do not count
    # against it.
    english = cand(
        "shafaq",
        "Bomb hits army patrol in Daquq",
        "A roadside bomb hit an army patrol in Daquq, south of Kirkuk, on Sunday, killing two "
        "soldiers.",
    )
    arabic = cand(
        "alsumaria",
        "مقتل جنديين بانفجار عبوة ناسفة في داقوق",
        "أفاد مصدر أمني في محافظة كركوك، اليوم الأحد، بأن عبوة ناسفة انفجرت على دورية للجيش "
        "العراقي في قضاء داقوق جنوبي المحافظة، ما أسفر عن مقتل جنديين وإصابة ثلاثة آخرين "
        "بجروح متفاوتة، نقلوا على إثرها إلى مستشفى كركوك العام لتلقي العلاج.",
    )
    week = [c for c in WEEK if "Daquq" not in c.item.title]
    assert merged(clusters([*week, english, arabic])) == [[english, arabic]]


def test_among_equally_close_copies_the_first_published_report_gathers_its_item():
    # Reports come in the order they were published. The brief and the observer's second
    # copy are both wholly in the wire's report; the observer's first copy adds a sentence
    # of its own. Pairs that tie are taken earliest report first, so the item forms around
    # the wire's report and takes the copy that is a reprint of it.
    arrest_sentence = "Police arrested a suspect in Tarmiyah later that day."
    search = "The Security Media Cell said troops then searched orchards near Albu Khalil."
    wire = cand(
        "wire",
        "Roadside bomb kills two soldiers in Tarmiyah",
        f"{WIRE_TEXT} {search} The army sent reinforcements to the area.",
    )
    brief = cand("ledger", "Two soldiers killed in Tarmiyah", WIRE_TEXT)
    observer_first = cand(
        "observer", "Bomb kills two in Tarmiyah", f"{WIRE_TEXT} {arrest_sentence}"
    )
    observer_second = cand("observer", "Bomb kills two in Tarmiyah", f"{WIRE_TEXT} {search}")
    reports = [wire, brief, observer_first, observer_second]
    assert reprints(reports) == [[wire, brief, observer_second], [observer_first]]


def test_a_copy_that_takes_the_quotation_marks_off_a_figure_is_still_a_reprint():
    # '"Two soldiers ...' capitalises the figure inside the text, where it reads as a name;
    # the copy opens its sentence with it. Names and figures are compared lower-cased, so
    # "Two" and "two" are one figure, and the copy's added sentence is only more detail.
    wire = cand(
        "wire",
        "Roadside bomb kills two soldiers in Tarmiyah",
        '"Two soldiers were killed and three wounded when a roadside bomb hit their patrol in '
        'Tarmiyah," a security source said.',
    )
    copy = cand(
        "observer",
        "Two soldiers killed in Tarmiyah",
        "Two soldiers were killed and three wounded when a roadside bomb hit their patrol in "
        "Tarmiyah, a security source said. Tarmiyah lies 45 km north of Baghdad.",
    )
    assert reprints([wire, copy]) == [[wire, copy]]


def test_two_bombs_told_in_the_same_words_in_two_districts_are_two_stories():
    places = load("iraq", Path("."))
    told = (
        "A roadside bomb hit an army patrol in {}, killing two soldiers and wounding three others."
    )
    daquq = cand("shafaq", "Roadside bomb kills two soldiers", told.format("Daquq district"), day=1)
    tarmiyah = cand("observer", "Roadside bomb kills two soldiers", told.format("Tarmiyah"), day=2)
    assert [len(g) for g in clusters([daquq, tarmiyah], places)] == [1, 1]
    # One bomb told with the district by one outlet and with its province by another is one.
    province = cand("observer", "Roadside bomb kills two soldiers", told.format("Kirkuk"), day=1)
    assert [len(g) for g in clusters([daquq, province], places)] == [2]
    # Two provinces are two places; a region spanning provinces bounds nothing.
    basra = cand("ledger", "Roadside bomb kills two soldiers", told.format("Basra"), day=1)
    assert [len(g) for g in clusters([province, basra], places)] == [1, 1]
    erbil = cand("shafaq", "Roadside bomb kills two soldiers", told.format("Erbil"), day=1)
    region = cand("rudaw", "Bomb kills two soldiers", told.format("the Kurdistan Region"), day=1)
    assert [len(g) for g in clusters([erbil, region], places)] == [2]
    assert [len(g) for g in clusters([region, erbil], places)] == [2]  # either side
    # A report that names no place at all may still join either.
    nowhere = cand("ledger", "Roadside bomb kills two soldiers", told.format("the north"), day=1)
    assert [len(g) for g in clusters([daquq, nowhere], places)] == [2]


def test_a_report_of_talks_naming_other_places_still_joins_its_story():
    """Places bound attacks, not trade or talks, which name places in passing."""
    places = load("iraq", Path("."))
    english = cand(
        "mer",
        "Oil exports average 3.32 million barrels a day",
        "Iraq's crude exports averaged 3.32 million barrels a day in January, almost all "
        "shipped from Basra's southern terminals, oil ministry loading figures show.",
    )
    other = cand(
        "rafidain",
        "Crude exports at 3.32 million barrels a day",
        "Crude exports averaged 3.32 million barrels a day in January, oil ministry loading "
        "figures show, while officials in Baghdad and Erbil still negotiate the northern line.",
    )
    assert [len(g) for g in clusters([english, other], places)] == [2]
