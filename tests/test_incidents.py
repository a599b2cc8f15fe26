from datetime import UTC, date, datetime, timedelta

import pytest

from digest.issues.incidents import casualties, figures, incident, is_attack, location
from digest.issues.places import parse
from digest.models import Citation, Entry, Item

PLACES = parse(
    "name,province,kind,aliases,context\n"
    "Diyala,Diyala,province,ديالى,\n"
    "Nineveh,Nineveh,province,نينوى,\n"
    "Mosul,Nineveh,city,موصل,\n"
    "Baquba,Diyala,city,بعقوبة,\n"
    "Khalis,Diyala,district,خالص,\n"
    "Sinjar,Nineveh,district,سنجار,\n"
    "Sinune,Nineveh,subdistrict,سنوني,\n"
    "Hibhib,Diyala,subdistrict,هبهب,\n"
    "Wajihiya,Diyala,subdistrict,,\n"
    "Hamrin mountains,Diyala,mountain,Hamrin,\n"
    "Salahaddin,Salahaddin,province,,\n"
    "Udaim,,town,Adhaim,\n",
    "test",
)


def entry(text: str, title: str = "Attack") -> Entry:
    return Entry(
        day=date(2024, 2, 4),
        title=title,
        text=text,
        citations=(Citation("Wire", "https://wire.example/1"),),
    )


def report(text: str, title: str = "Report", hours: int = 0, language: str = "en") -> Item:
    return Item(
        source="Wire",
        guid=None,
        url=None,
        title=title,
        summary_html="",
        text=text,
        published=datetime(2024, 2, 4, 12, tzinfo=UTC) + timedelta(hours=hours),
        language=language,
    )


# --------------------------------------------------------------------------- one report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A roadside bomb struck an army patrol near Tarmiyah, killing two soldiers and "
            "wounding three others.",
            (2, 3),
        ),
        ("Two people were killed and five injured when a car bomb exploded.", (2, 5)),
        ("The blast killed 4 civilians and injured 12.", (4, 12)),
        ("Twenty-one people died in the attack.", (21, None)),
        ("A suicide bomber killed eleven and wounded thirty.", (11, 30)),
        ("Militants attacked a post, killing a soldier and wounding another.", (1, 1)),
        ("Gunmen killed two guards and wounded a third.", (2, 1)),
        ("The bomb left two soldiers dead and three wounded.", (2, 3)),
        ("Four Dead, 11 Wounded in Market Blast", (4, 11)),
        ("One federal policeman was killed and one hurt when a bomb went off.", (1, 1)),
        ("Four people, including a boy, were killed and eleven wounded.", (4, 11)),
        ("A drone strike killed at least two people.", (2, None)),
        ("Gunmen shot dead a shopkeeper in his store.", (1, None)),
        ("The driver of the car has died of his wounds, police said.", (1, None)),
        ("Policeman Shot Dead at Checkpoint", (1, None)),
        ("A shepherd was killed and his brother wounded by an old mine.", (1, 1)),
        ("A bomb exploded, seriously wounding the driver.", (0, 1)),
        ('Its jets had "neutralised" five fighters, the ministry said.', (5, None)),
    ],
)
def test_casualty_counts_in_common_news_phrasing(text, expected):
    assert casualties(text) == expected


def test_counting_only_the_wounded_means_no_one_died():
    assert casualties("A grenade attack on a shop wounded two passers-by.") == (0, 2)
    assert casualties("Three children were wounded by mortar fire.") == (0, 3)


def test_counting_only_the_dead_says_nothing_about_the_wounded():
    assert casualties("A drone strike on a car killed three men.") == (3, None)


def test_no_one_else_hurt_or_no_other_losses_makes_the_wounded_zero():
    assert casualties("A drone killed two men in a car. No one else was hurt.") == (2, 0)
    assert casualties("Troops killed two militants; there were no losses among them.") == (2, 0)
    assert casualties("A strike killed one man; no one else was in the car.") == (1, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Rockets landed near the airport; no casualties were reported.",
        "A bomb went off at the door of a house. Nobody was hurt.",
        "The blast damaged the house but caused no injuries.",
        "Air defences shot down a drone; there were no losses.",
    ],
)
def test_no_casualties_gives_zero_and_zero(text):
    assert casualties(text) == (0, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Jets struck villages. There was no immediate information about casualties.",
        "There were no immediate reports of casualties from the shelling.",
        "A drone struck a building in the town, residents said. No details yet.",
    ],
)
def test_no_information_about_casualties_is_unknown(text):
    assert casualties(text) == (None, None)


def test_vague_counts_are_unknown():
    assert casualties("Two people were killed and several others wounded.") == (2, None)
    assert casualties("Dozens were killed, officials said.") == (None, None)


def test_numbers_that_count_no_one_are_not_casualties():
    assert casualties("The wounded man died of his wounds two days later.") == (1, None)
    assert casualties("No one was killed; a guard was wounded.") == (0, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قُتل جنديان وأصيب ثلاثة آخرون بانفجار عبوة ناسفة", (2, 3)),  # duals, "others"
        ("مقتل جنديين وإصابة ثلاثة بانفجار عبوة", (2, 3)),
        ("قُتل ثلاثة جنود وأصيب اثنان آخران بهجوم", (3, 2)),
        ("ارتفعت حصيلة الانفجار إلى أربعة قتلى و11 جريحاً", (4, 11)),
        ("مقتل ١٢ شخصاً وإصابة ٢٥ آخرين بتفجير", (12, 25)),  # Arabic-Indic digits
        ("قُتل ثلاثة عشر شخصاً بانفجار", (13, None)),
        ("قُتل راعي أغنام وأصيب نجله بجروح بهجوم مسلح", (1, 1)),  # one shepherd, his son
        ("لقي موظف حتفه متأثراً بجروحه. ولم تُسجّل إصابات أخرى.", (1, 0)),
        ("اغتال مسلحون مختار القرية فيما أصيب ابن شقيقه بجروح", (1, 1)),
        ("أصيب ثلاثة أطفال بجروح إثر سقوط قذائف هاون", (0, 3)),
        ("ألقى مجهولون قنبلة يدوية على منزل من دون وقوع إصابات بشرية", (0, 0)),
        ("سقط صاروخ ولم يسفر الهجوم عن وقوع إصابات", (0, 0)),
        ("قصفت طائرات مناطق جبلية ولم ترد معلومات عن وقوع إصابات", (None, None)),
    ],
)
def test_arabic_casualty_phrasing(text, expected):
    assert casualties(text) == expected


# --------------------------------------------------------------------------- a story


def test_each_figure_comes_from_the_latest_report_that_states_it():
    early = ("", "A bomb killed at least three people and wounded nine, police said.")
    later = ("Four Dead, 11 Wounded in Market Blast", "The toll rose overnight.")
    assert figures([early, later]) == (4, 11)
    # A later report that gives only deaths leaves the earlier wounded figure standing.
    update = ("", "A third policeman died, raising the death toll to three.")
    first = ("", "A bomb killed two policemen and wounded four others.")
    assert figures([first, update]) == (3, 4)


def test_a_later_death_supersedes_an_earlier_wounded_only_report():
    first = ("Sticky Bomb Wounds Driver", "A sticky bomb exploded, seriously wounding the driver.")
    later = ("", "The driver has died of his wounds, police said. Nobody else was hurt.")
    assert figures([first, later]) == (1, 0)


def test_incident_reads_every_report_in_publication_order():
    flash = report("A roadside bomb hit a patrol near Khalis, killing two soldiers.", hours=0)
    fuller = report(
        "A roadside bomb near Khalis left three soldiers dead and two wounded.", hours=5
    )
    row = incident(entry(flash.text, "Bomb Hits Patrol"), [flash, fuller], PLACES)
    assert (row.deaths, row.injuries) == (3, 2)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Police Arrest Three Over Market Bombing", "Police arrested three suspects."),
        ("Army Finds Weapons Cache", "Troops found rockets and mortar rounds in a cave."),
        ("Court Sentences Five Over 2016 Car Bombing", "A court sentenced five men to death."),
        ("Town Buries Bombing Victims", "Hundreds attended the funerals of the victims."),
        ("Forces Launch Desert Operation", "The army began a search operation in the desert."),
        ("Ministry Summons Envoy Over Strikes", "The ministry summoned the envoy to protest."),
        ("Two Children Die in Tent Fire", "A fire broke out in a tent in the camp."),
        ("Flood Kills Child", "A flash flood swept through the town, drowning a girl."),
        ("Mine Risk Education Reaches Schools", "Sessions on explosive remnants reached 500."),
        ("MP Blasts Minister Over Power Cuts", "An MP criticised the electricity minister."),
    ],
)
def test_stories_that_are_not_attacks_get_no_row(title, text):
    assert not is_attack(title, text)
    assert incident(entry(f"{text} It happened in Khalis.", title), [], PLACES) is None


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Peshmerga Post Comes Under Fire", "Gunmen fired on a post, wounding one."),
        ("Two Killed in Tribal Dispute", "Two men were killed in a tribal dispute."),
        ("Drone Shot Down Near Base", "Air defences shot down a drone near the base."),
        ("Officer Wounded as Police Arrest Gang", "An officer was wounded in an exchange of fire."),
        ("مقتل مدني بانفجار عبوة ناسفة", "قُتل مدني بانفجار عبوة ناسفة."),
    ],
)
def test_armed_violence_is_an_attack(title, text):
    assert is_attack(title, text)


def test_an_attack_without_casualties_still_gets_a_row():
    row = incident(entry("Rockets landed near Khalis. No casualties were reported."))
    assert (row.location, row.deaths, row.injuries) == ("Khalis", 0, 0)


def test_an_attack_with_no_information_about_casualties_gets_an_unknown_row():
    text = "Jets struck mountains near Khalis. There was no information about casualties."
    row = incident(entry(text, "Jets Strike Mountains Near Khalis"))
    assert (row.deaths, row.injuries) == (None, None)


# --------------------------------------------------------------------------- the place


def test_location_is_the_first_place_after_in_or_near():
    assert location("A car bomb exploded in Tuz Khurmatu on Sunday.") == "Tuz Khurmatu"
    assert location("Gunmen attacked a checkpoint near Tarmiyah, north of Baghdad.") == "Tarmiyah"
    assert location("A grenade hit a shop in Baghdad's Karrada district.") == "Karrada, Baghdad"


def test_without_a_gazetteer_the_province_named_is_added():
    row = incident(entry("A bomb killed two in Hibhib, in Diyala province."))
    assert row.location == "Hibhib, Diyala"


def test_an_attack_with_place_and_counts_is_a_draft_row():
    row = incident(entry("A roadside bomb struck a patrol near Tarmiyah, killing two soldiers."))
    assert (row.day, row.location, row.deaths, row.injuries) == (
        date(2024, 2, 4),
        "Tarmiyah",
        2,
        None,
    )


def test_the_gazetteer_location_is_the_most_specific_place_named():
    text = "A bomb in Baquba's Hibhib area killed a soldier, Diyala police said."
    assert incident(entry(text), [], PLACES).location == "Hibhib, Diyala"
    text = "Jets struck hideouts in the Hamrin mountains near Khalis, killing four militants."
    assert incident(entry(text), [], PLACES).location == "Hamrin mountains, Diyala"


def test_the_gazetteer_location_prefers_the_first_named_of_equals():
    text = "Gunmen killed a farmer in Hibhib; police later searched Wajihiya."
    assert incident(entry(text), [], PLACES).location == "Hibhib, Diyala"


def test_a_more_specific_place_in_another_report_wins():
    flash = report("A drone struck a car in Sinjar district, killing two men.")
    other = report("A drone killed two men in a car outside Sinune on Sunday.", hours=3)
    row = incident(entry(flash.text, "Drone Strike in Sinjar"), [flash, other], PLACES)
    assert row.location == "Sinune, Nineveh"


def test_reference_points_and_far_ends_are_not_the_location():
    text = "A bomb hit a patrol in Khalis, north of Hibhib, killing a soldier."
    assert incident(entry(text), [], PLACES).location == "Khalis, Diyala"
    text = "A drone struck a car on the road between Sinjar and Sinune, killing two."
    assert incident(entry(text), [], PLACES).location == "Sinjar, Nineveh"
    text = "Mortar shells fired from the Hamrin mountains wounded three in Khalis."
    assert incident(entry(text), [], PLACES).location == "Khalis, Diyala"
    text = "A bomb wounded two soldiers in Khalis; they were taken to Hibhib hospital."
    assert incident(entry(text), [], PLACES).location == "Khalis, Diyala"


def test_a_district_the_gazetteer_does_not_list_is_located_in_its_owner_province():
    text = "Gunmen killed a man in Baquba's Tahrir district on Sunday."
    assert incident(entry(text), [], PLACES).location == "Tahrir, Diyala"


def test_a_place_without_a_province_takes_the_one_its_sentence_names():
    text = "Gunmen killed two fighters near Udaim, on the edge of Salahaddin and Diyala."
    assert incident(entry(text), [], PLACES).location == "Udaim, Salahaddin"
    text = "Gunmen killed two fighters near Udaim. Diyala officials condemned it."
    assert incident(entry(text), [], PLACES).location == "Udaim"


def test_an_arabic_report_is_located_with_the_gazetteer():
    text = "قُتل جنديان بانفجار عبوة ناسفة في ناحية هبهب شمال شرقي بعقوبة"
    row = incident(entry(text, "مقتل جنديين في هبهب"), [report(text, language="ar")], PLACES)
    assert (row.location, row.deaths, row.injuries) == ("Hibhib, Diyala", 2, None)


def test_an_attack_no_report_places_is_still_a_row_with_an_unknown_place():
    row = incident(entry("قُتل جنديان بانفجار عبوة ناسفة.", "مقتل جنديين بانفجار عبوة"))
    assert (row.location, row.deaths, row.injuries) == ("?", 2, None)
