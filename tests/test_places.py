"""The gazetteer: names in English and Arabic, the editor's "Place, Province", bad files."""

from pathlib import Path

import pytest

from digest import config
from digest.errors import ConfigError
from digest.text.places import parse

CSV = """name,province,kind,aliases,context
Kirkuk,,province,,
Kirkuk,Kirkuk,city,كركوك,
Daquq,Kirkuk,district,داقوق,
Ain al-Asad air base,Anbar,base,Ain al-Asad;Ain al Asad;عين اسد,
Hit,Anbar,district,هيت,yes
Mosul,Nineveh,city,موصل,
Makhmour,,district,مخمور,
"""


def labels(text: str) -> list[str]:
    return [m.place.label for m in parse(CSV, "test").mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The editor's form: "Place, Province"; a city named like its province, or a place
        # with no province (disputed), stands alone.
        ("A bomb hit a patrol in Kirkuk's Daquq district.", ["Kirkuk", "Daquq, Kirkuk"]),
        ("A drone struck a car outside Makhmour.", ["Makhmour"]),
        # Aliases, with "al-" and hyphens ignored; the longest name wins.
        ("Two rockets hit Ain al-Asad on Monday.", ["Ain al-Asad air base, Anbar"]),
        ("Rockets at the Ain Al Asad base.", ["Ain al-Asad air base, Anbar"]),
        # A name that is a common word needs a locative word before it.
        ("Gunmen attacked a checkpoint in Hit.", ["Hit, Anbar"]),
        ("IED Hits Army Patrol; Roadside Bomb Hit a Car", []),
        # Arabic: diacritics, the article and attached prepositions do not matter.
        ("مقتل جنديين بانفجار عبوة في داقوق جنوبي كركوك", ["Daquq, Kirkuk", "Kirkuk"]),
        ("سقوط صاروخين على قاعدة عين الأسد", ["Ain al-Asad air base, Anbar"]),
        ("وصلت القافلة إلى المَوْصِل وبالموصل وللموصل", ["Mosul, Nineveh"] * 3),
        # A word that merely contains a name is not it: "وصل" (arrived) is not Mosul.
        ("وصل الوزير", []),
    ],
)
def test_mentions_find_places_in_either_script(text, expected):
    assert labels(text) == expected


def test_every_bad_row_is_reported_with_its_line():
    bad = "name,province,kind,aliases\nDaquq,Kirkuk,district,\n,Kirkuk,town,\nX,,planet,\n"
    with pytest.raises(ConfigError) as err:
        parse(bad, "places.csv")
    assert err.value.problems == [
        "places.csv:3: a place needs a name",
        "places.csv:4: X: kind 'planet' is not one of region, province, city, desert, "
        "district, subdistrict, town, village, neighbourhood, camp, base, field, mountain, "
        "valley, crossing, water, port, site",
    ]


def test_digest_places_names_a_bundled_gazetteer_or_a_csv_file(project):
    conf = project("DIGEST_PLACES = 'iraq'\n", samples=False)
    gazetteer = config.load(conf).places
    assert gazetteer is not None and len(gazetteer) > 300
    assert [m.place.label for m in gazetteer.mentions("a bomb in Muqdadiyah")] == [
        "Muqdadiyah, Diyala"
    ]
    (conf.parent / "places.csv").write_text(CSV)
    conf = project("DIGEST_PLACES = 'places.csv'\n", samples=False)
    assert len(config.load(conf).places) == 7


def test_a_missing_gazetteer_is_one_clear_problem(project):
    conf = project("DIGEST_PLACES = 'nowhere.csv'\n", samples=False)
    with pytest.raises(ConfigError) as err:
        config.load(conf)
    [problem] = err.value.problems
    assert problem.startswith("DIGEST_PLACES: cannot read ")
    assert "nowhere.csv" in problem and "one of: iraq" in problem


def test_the_bundled_gazetteer_locates_rows_as_editors_write_them():
    from digest.text.locations import named_place
    from digest.text.places import load

    iraq = load("iraq", Path("."))
    # the paragraph's spelling of an alias, not the canonical name
    text = "A drone strike killed two in the Amadiya district of Duhok province."
    assert named_place([text], iraq, text) == "Amadiya, Duhok"
    # an outlet named after a river or a province locates nothing
    text = "A drone strike near Snuny killed one, an official told Euphrates News Agency."
    assert named_place([text], iraq, text, ["Euphrates News Agency"]) == "Snuny, Nineveh"
    text = "Gunmen killed a farmer, the Diyala Operations Command said."
    assert named_place([text], iraq, text) is None
    # an unknown village near a known town is located at the town
    text = "A bomb in the Albu Khalil area near Tarmiyah killed a soldier."
    assert named_place([text], iraq, text) == "Tarmiyah, Baghdad"


# Where the attack happened outranks where its aftermath did (a launch pad found, suspects
# arrested, the dead buried, an inquiry opened), whatever the places' specificity; within
# one kind of clause the most specific place still wins.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Security forces found the launch pad in an orchard in Radwaniyah, hours after two "
            "rockets fell in Baghdad's Mansour district on Thursday night.",
            "Mansour, Baghdad",
        ),
        (
            "Police arrested two suspects in Tarmiyah on Saturday over a car bomb that killed "
            "three people in Baquba last week.",
            "Baquba, Diyala",
        ),
        # the attack's verb outranks the funeral it struck; the burial is the aftermath
        (
            "A suicide bomber blew himself up at a funeral in Baquba, killing five mourners. "
            "The victims were buried the next day in Hibhib.",
            "Baquba, Diyala",
        ),
        # a place before its verb is read with the verb after it, in its own sentence
        (
            "In Hibhib, police detained three men on Monday. The bomb had exploded in a "
            "market in Baquba on Sunday.",
            "Baquba, Diyala",
        ),
        # a reference point of the attack still outranks the aftermath's place
        (
            "Rockets fell north of Baquba on Tuesday; police later found the launch pad in Hibhib.",
            "Baquba, Diyala",
        ),
        (
            "Two policemen were wounded when a sticky bomb exploded under their car in "
            "Kirkuk. An investigation was opened in Daquq.",
            "Kirkuk",
        ),
        (
            "Gunmen attacked a checkpoint in Tarmiyah, north of Baghdad; police later arrested "
            "two suspects in Baghdad's Karrada district.",
            "Tarmiyah, Baghdad",
        ),
        (
            "اعتقلت القوات الأمنية ثلاثة متهمين في ناحية هبهب بعد انفجار عبوة ناسفة في بعقوبة",
            "Baquba, Diyala",
        ),
        (
            "شيع المئات في ناحية هبهب جثامين جنديين قتلا بانفجار عبوة ناسفة في بعقوبة",
            "Baquba, Diyala",
        ),
        (
            "عثرت القوات الأمنية على منصة إطلاق صواريخ في ناحية الرضوانية بعد ساعات من سقوط "
            "صاروخين في منطقة الكرادة",
            "Karrada, Baghdad",
        ),
        # both places in the attack's clause: the most specific
        (
            "Mortar shells hit Baquba and the Hibhib subdistrict on Friday, wounding four farmers.",
            "Hibhib, Diyala",
        ),
        ("سقطت قذائف هاون على بعقوبة وناحية هبهب", "Hibhib, Diyala"),
        # only the aftermath's places named: they still locate it, the most specific first
        (
            "Security forces raided a house in Hibhib and arrested two men in Baquba.",
            "Hibhib, Diyala",
        ),
        ("Police found a bomb in Khalis on Sunday and defused it.", "Khalis, Diyala"),
    ],
)
def test_the_attack_s_place_outranks_its_aftermath_s(text, expected):
    from digest.text.locations import named_place
    from digest.text.places import load

    assert named_place([text], load("iraq", Path(".")), text) == expected
