from datetime import UTC, datetime

from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.issues.classify import classify
from digest.models import Item, SectionRule, Source

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
    assert section(
        "", "They protest over food, food, food and drinking water.", rules=weighted
    ) == ("c")


def test_the_headline_and_the_lead_count_more_than_the_rest():
    weighted = rules(a=("food",), b=("water",))
    # One hit in the headline or the lead outweighs one in a later sentence.
    assert section("Food", "Water.", rules=weighted) == "a"
    assert section("", "Food ran out. Water too.", rules=weighted) == "a"
    assert section("", "Water ran out. Food too.", rules=weighted) == "b"
    # "U.S." does not end the lead (were it cut there, the tie would go to "b", listed first).
    water_first = rules(b=("water",), a=("food",))
    assert section("", "U.S. food aid arrives. Water.", rules=water_first) == "a"


def test_a_marker_after_the_lead_counts_as_a_phrase():
    weighted = rules(a=("bomb", "killed"), b=("condemn*!",))
    # The governor's condemnation is a detail of the bombing report ...
    report = "A bomb killed two soldiers. The governor condemned the attack."
    assert section("", report, rules=weighted) == "a"
    # ... and the news of a reaction story.
    reaction = "The governor condemned the bomb that killed two soldiers."
    assert section("", reaction, rules=weighted) == "b"


def test_reactions_to_an_attack_are_politics():
    title = "UN Envoy Condemns Car Bomb Attack in Kirkuk"
    text = "The UN envoy condemned the car bomb attack that killed four people and wounded 12."
    decision = classify(item(title, text), WIRE, RULES)
    assert decision.section == "politics"
    assert decision.detail.startswith("keywords: condemn*")  # the reaction settled it
    report = (
        "A car bomb killed four people and wounded 12 near a market in Kirkuk. "
        "The provincial council condemned the bombing and called for an investigation."
    )
    assert section("Car Bomb Kills Four in Kirkuk", report) == "security"
    assert section("", report) == "security"
    assert section("", "دانت الخارجية الهجوم بطائرة مسيرة على حقل للغاز") == "politics"


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


def test_corruption_over_public_money_is_economy_even_when_a_court_acts():
    text = "The commission arrested a director receiving a bribe from a contractor."
    assert section("Official Arrested Over Contract Bribe", text) == "economy"
    text = "The criminal court sentenced a former director to seven years for embezzling funds."
    assert section("Court Jails Former Director for Embezzlement", text) == "economy"
    assert section("السجن لمدير سابق بتهمة اختلاس المال العام") == "economy"


def test_what_conflict_does_to_civilians_is_humanitarian():
    text = "Families displaced from the villages cannot go back because of unexploded ordnance."
    assert section("Explosives Left Behind Keep Families From Home", text) == "humanitarian"
    text = "A rights group said detainees held on terrorism charges were tortured."
    assert section("Detainees Tortured in Prison, Rights Group Says", text) == "humanitarian"


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
