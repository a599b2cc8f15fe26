"""Draft Markdown: escaped feed text, dated paragraphs, and the editor's-edit guard."""

from datetime import date

from digest.models import (
    Citation,
    Decision,
    DraftSection,
    Entry,
    Incident,
    Issue,
    Period,
    SectionRule,
    Source,
)
from digest.render.edition import parse_edition
from digest.render.writer import draft_markdown, is_unedited, paragraph

SOURCES = (
    Source("Wire", "https://wire.example/f", domains=("wire.example",)),
    Source("Observer", "https://obs.example/f", domains=("obs.example",)),
)
RULES = (SectionRule("security", "Security"),)


def entry(text: str, says_when: bool = False, confidence: float = 1.0) -> Entry:
    return Entry(
        day=date(2024, 2, 4),
        title="Bomb",
        text=text,
        citations=(
            Citation("Wire", "https://wire.example/a(1)"),
            Citation("Observer", "https://obs.example/b"),
        ),
        decision=Decision("security", "rule", "keywords: bomb", confidence),
        says_when=says_when,
    )


def issue(*entries: Entry) -> Issue:
    return Issue(
        slug="2024-02-08",
        title="Monitor: February 2 – 8, 2024",
        number=2,
        period=Period(date(2024, 2, 2), date(2024, 2, 8)),
        layout="weekly",
        sections=(
            DraftSection("security", "Security", "Bomb Kills Two", "A bomb killed two.", entries),
        ),
        incidents=(Incident(date(2024, 2, 4), "Tarmiyah", 2, None, "Bomb"),),
        item_count=2,
        source_count=2,
    )


def test_a_paragraph_starts_with_its_day_and_ends_with_its_sources():
    text = paragraph(entry("A roadside bomb killed two soldiers."))
    assert text == (
        "On February 4, a roadside bomb killed two soldiers "
        "([Wire](https://wire.example/a%281%29), [Observer](https://obs.example/b))."
    )


def test_a_paragraph_that_says_when_opens_with_that_date_instead():
    # EDITORIAL.md: every paragraph opens "On <Month> <day>,"; the text's own phrase for
    # that day is dropped rather than said twice.
    assert paragraph(entry("Gunmen attacked on Sunday.", says_when=True)).startswith(
        "On February 4, gunmen attacked ("
    )


def test_feed_text_cannot_inject_markup_into_the_draft():
    # BAD-INPUTS 29, 30
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ 7*7 }}\nTitle: evil"
    text = draft_markdown(issue(entry(hostile)))
    edition = parse_edition(text, slug="2024-02-08", sections=RULES, sources=SOURCES)
    assert "<img" not in edition.html
    assert "javascript:" not in edition.html.replace("(javascript:alert(1))", "")
    assert 'href="javascript' not in edition.html
    assert "{{ 7*7 }}" in edition.html
    assert edition.title == "Monitor: February 2 – 8, 2024"


def test_the_draft_round_trips_into_an_edition():
    text = draft_markdown(issue(entry("A roadside bomb killed two soldiers.")))
    edition = parse_edition(text, slug="2024-02-08", sections=RULES, sources=SOURCES)
    (section,) = edition.sections
    assert section.headline == "Bomb Kills Two"
    assert section.takeaway_text == "A bomb killed two."
    assert section.sources_cited == ("Wire", "Observer")
    assert [(i.location, i.deaths, i.injuries) for i in edition.incidents] == [
        ("Tarmiyah", 2, None)
    ]
    assert edition.number == 2


def test_low_confidence_placements_are_flagged_for_the_editor_only():
    text = draft_markdown(issue(entry("Something odd happened.", confidence=0.4)))
    assert "<!-- digest: low confidence (0.40) — keywords: bomb -->" in text
    edition = parse_edition(text, slug="2024-02-08", sections=RULES, sources=SOURCES)
    assert "low confidence" not in edition.html


def test_an_untouched_draft_is_recognised_and_any_edit_is_noticed():
    text = draft_markdown(issue(entry("A roadside bomb killed two soldiers.")))
    assert is_unedited(text)
    assert not is_unedited(text.replace("two soldiers", "three soldiers"))
    assert not is_unedited(text.replace("digest:draft", "digest:drafted"))


def test_the_same_issue_always_drafts_the_same_bytes():
    one = issue(entry("A roadside bomb killed two soldiers."))
    assert draft_markdown(one) == draft_markdown(one)
    assert draft_markdown(one).endswith("\n") and not draft_markdown(one).endswith("\n\n")
