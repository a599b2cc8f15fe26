from datetime import UTC, datetime

from digest.issues.classify import classify
from digest.models import Item, SectionRule, Source
from digest.taxonomy import DEFAULT_SECTIONS

RULES = tuple(
    SectionRule(s["key"], s["title"], tuple(k.lower() for k in s["keywords"]))
    for s in DEFAULT_SECTIONS
)
WIRE = Source(name="Wire", url="https://wire.example/feed")


def item(title: str, text: str = "", source: str = "Wire") -> Item:
    return Item(
        source=source,
        guid=title,
        url=None,
        title=title,
        summary_html="",
        text=text,
        published=datetime(2024, 2, 4, tzinfo=UTC),
    )


def test_a_sources_default_section_wins_and_says_so():
    economic = Source(name="Money", url="https://m.example/", section="economy")
    decision = classify(item("Roadside bomb kills two", source="Money"), economic, RULES)
    assert (decision.section, decision.reason) == ("economy", "source")


def test_keywords_place_an_item_and_name_the_words_that_did():
    decision = classify(
        item("Roadside bomb kills two soldiers near Tarmiyah", "The attack wounded three others."),
        WIRE,
        RULES,
    )
    assert decision.section == "security"
    assert decision.reason == "rule"
    assert "roadside bomb" in decision.detail
    assert 0 < decision.confidence <= 1


def test_arabic_keywords_match_inside_words_with_prefixes():
    decision = classify(
        item("ارتفاع صادرات النفط", "قالت وزارة النفط إن الصادرات ارتفعت"), WIRE, RULES
    )
    assert decision.section == "economy"


def test_an_item_no_rule_matches_is_left_for_the_editor():
    assert classify(item("A quiet day", "Nothing happened."), WIRE, RULES) is None


def test_whole_words_only_for_latin_keywords():
    # "oil" must not match inside "turmoil".
    decision = classify(item("Turmoil in the street", "Protesters gathered."), WIRE, RULES)
    assert decision is None or decision.section != "economy"


def rules(**sections: tuple[str, ...]) -> tuple[SectionRule, ...]:
    return tuple(SectionRule(key, key.title(), keywords) for key, keywords in sections.items())


def section(title: str, text: str = "", rules: tuple[SectionRule, ...] = RULES) -> str | None:
    decision = classify(item(title, text), WIRE, rules)
    return decision.section if decision else None


def test_a_keyword_ending_in_a_star_is_a_stem_and_others_are_whole_words():
    stems = rules(politics=("protest*",), economy=("import",))
    assert section("Protesters gathered", rules=stems) == "politics"
    assert section("Protested imports", rules=stems) == "politics"  # "import" != "imports"
    assert section("An important day", rules=stems) is None


def test_a_phrase_counts_more_than_a_word_and_a_marker_more_than_several():
    weighted = rules(a=("food",), b=("drinking water",), c=("protest!",))
    assert section("", "Food and drinking water", rules=weighted) == "b"  # 2 against 1
    assert section("", "Food, food, food and drinking water. They protest.", rules=weighted) == "c"


def test_a_protest_is_politics_whatever_the_grievance():
    title = "Residents Protest Over Power Cuts"
    text = "Hundreds protested outside the electricity directorate over daily power cuts."
    decision = classify(item(title, text), WIRE, RULES)
    assert decision.section == "politics"
    assert decision.detail.startswith("keywords: protest")  # the marker that settled it
    assert section("متظاهرون يقطعون طريقاً احتجاجاً على انقطاع الكهرباء") == "politics"


def test_a_budget_is_economy_even_when_it_raises_defence_spending():
    title = "Cabinet Approves Budget Raising Defence and Interior Spending"
    text = "The cabinet sent the budget to parliament; the army and security forces get more."
    assert section(title, text) == "economy"


def test_deaths_in_a_fire_flood_or_poisoning_are_humanitarian_not_security():
    fire = "Two children were killed and three wounded when a fire broke out in their tent."
    assert section("Blaze Kills Two Children, Wounds Three in Camp", fire) == "humanitarian"
    flood = "Flooding killed a five-year-old girl and injured two people."
    assert section("Child Killed, Two Injured as Flash Flooding Hits Town", flood) == (
        "humanitarian"
    )
    assert section("تسمم أكثر من 120 شخصاً بوجبة إفطار") == "humanitarian"


def test_an_armed_attack_is_security_even_on_an_aid_convoy():
    text = "Gunmen fired on trucks carrying food aid to displaced families."
    assert section("Gunmen Fire on Aid Convoy", text) == "security"


def test_corruption_cases_are_politics():
    text = "The commission arrested a director receiving a bribe from a contractor."
    assert section("Official Arrested Over Contract Bribe", text) == "politics"


def test_drinking_water_is_humanitarian_and_water_for_farming_economy():
    text = "Three drinking water stations stopped as the river level fell."
    assert section("Drinking Water Stations Stop Near Hit", text) == "humanitarian"
    text = "Farmers expect a smaller wheat harvest after irrigation quotas were halved."
    assert section("Wheat Harvest to Shrink After Water Quotas Cut", text) == "economy"


def test_arabic_is_matched_as_read_and_a_governor_is_not_a_province():
    # Diacritics and alef forms do not matter.
    injured = rules(security=("إصابة",))
    assert section("اصابة شخصين", rules=injured) == "security"
    assert section("قُتل جنديان") == "security"
    # "محافظ" (governor) is a politics keyword; "المحافظات" (the provinces) is not a governor.
    text = "استقبلت مستشفيات المحافظات الجنوبية مئات حالات الاختناق جراء عاصفة ترابية"
    assert section("عاصفة ترابية في المحافظات", text) == "humanitarian"
