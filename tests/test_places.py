"""The gazetteer: names in English and Arabic, the editor's "Place, Province", bad files."""

import pytest

from digest import config
from digest.errors import ConfigError
from digest.issues.places import parse

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
