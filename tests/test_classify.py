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
