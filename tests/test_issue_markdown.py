"""Draft Markdown: escaped feed text, dated paragraphs, and the editor's-edit guard."""

import hashlib
import re
from datetime import date

import pytest

from digest.issues.classify import LOW_CONFIDENCE
from digest.models import (
    Citation,
    Decision,
    DraftDay,
    DraftOptions,
    DraftSection,
    Entry,
    Incident,
    Issue,
    Period,
    SectionRule,
    Source,
)
from digest.render.edition import parse_edition
from digest.render.issue_markdown import daily_item, draft_markdown, is_unedited, paragraph, restamp

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


# --------------------------------------------------------------------------- the draft's text

FEB_4, FEB_6 = date(2024, 2, 4), date(2024, 2, 6)
WIRE, OBSERVER = (
    Citation("Wire", "https://wire.example/a"),
    Citation("Observer", "https://obs.example/b"),
)
TARMIYAH = Entry(
    day=FEB_4,
    title="Roadside bomb kills two soldiers in Tarmiyah",
    text="A roadside bomb killed two soldiers in Tarmiyah, north of Baghdad.",
    citations=(WIRE, OBSERVER),
    decision=Decision("security", "rule", "keywords: bomb"),
)
HAMRIN = Entry(
    day=FEB_6,
    title="Soldier killed in clash with militants in Hamrin",
    text="A soldier was killed and three militants died in a clash in the Hamrin mountains.",
    citations=(WIRE,),
    decision=Decision("security", "rule", "keywords: clash"),
)
ROWS = (
    Incident(FEB_4, "Tarmiyah, Salahuddin", 2, 3, TARMIYAH.title, "ied"),
    Incident(FEB_6, "Hamrin, Diyala", 1, None, HAMRIN.title, "", militants=3),
)
MARKER_WORDS = (
    "— drafted by digest from 5 items from 3 sources. Edit freely: once you change this "
    "file, `digest draft` leaves it alone unless you pass --force. -->"
)
_HASH = re.compile(r"sha256:[0-9a-f]{64}")


def security(*entries: Entry) -> DraftSection:
    return DraftSection(
        "security",
        "Security",
        "Roadside Bomb Kills Two Soldiers in Tarmiyah",
        "On February 4, a roadside bomb killed two soldiers in Tarmiyah.",
        entries,
    )


def week(sections=(), incidents=ROWS, unplaced=()) -> Issue:
    return Issue(
        slug="2024-02-08",
        title="Iraq  Monitor:\nFebruary 2 – 8, 2024",
        number=2,
        period=Period(date(2024, 2, 2), date(2024, 2, 8)),
        layout="weekly",
        sections=sections or (security(TARMIYAH, HAMRIN),),
        incidents=incidents,
        item_count=5,
        source_count=3,
        unplaced=unplaced,
    )


def without_hash(text: str) -> str:
    return _HASH.sub("sha256:<hash>", text)


def table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def test_a_weekly_draft_holds_its_header_marker_section_table_and_militants_note():
    text = draft_markdown(week())
    assert without_hash(text) == (
        "Title: Iraq Monitor: February 2 – 8, 2024\n"
        "Date: 2024-02-08\n"
        "Slug: 2024-02-08\n"
        "Issue: 2\n"
        "Period: 2024-02-02 to 2024-02-08\n"
        "Layout: weekly\n"
        "\n"
        f"<!-- digest:draft sha256:<hash> {MARKER_WORDS}\n"
        "\n"
        "## Roadside Bomb Kills Two Soldiers in Tarmiyah {#security}\n"
        "\n"
        "Takeaway: On February 4, a roadside bomb killed two soldiers in Tarmiyah.\n"
        "\n"
        "On February 4, a roadside bomb killed two soldiers in Tarmiyah, north of Baghdad "
        "([Wire](https://wire.example/a), [Observer](https://obs.example/b)).\n"
        "\n"
        "On February 6, a soldier was killed and three militants died in a clash in the "
        "Hamrin mountains ([Wire](https://wire.example/a)).\n"
        "\n"
        "| Date | Location | Deaths | Injuries |\n"
        "| --- | --- | ---: | ---: |\n"
        "| 2024-02-04 | Tarmiyah, Salahuddin | 2 | 3 |\n"
        "| 2024-02-06 | Hamrin, Diyala | 1 | ? |\n"
        "\n"
        "Not counted above: 3 militants killed (February 6, Hamrin, Diyala).\n"
    )


def test_the_kind_column_names_each_attack_and_marks_an_unknown_kind():
    text = draft_markdown(week(), DraftOptions(incident_kind_column=True))
    assert table(text) == [
        "| Date | Location | Kind | Deaths | Injuries |",
        "| --- | --- | --- | ---: | ---: |",
        "| 2024-02-04 | Tarmiyah, Salahuddin | IED | 2 | 3 |",
        "| 2024-02-06 | Hamrin, Diyala | ? | 1 | ? |",
    ]


@pytest.mark.parametrize(
    ("militants", "hamrin_deaths", "note"),
    [
        ("note", "1", True),
        ("exclude", "1", False),
        ("count", "4", False),
    ],
)
def test_militants_killed_are_noted_under_the_table_left_out_or_counted(
    militants, hamrin_deaths, note
):
    # DIGEST_INCIDENT_MILITANTS: EDITORIAL.md keeps attackers killed out of the deaths
    # unless the editor counts them; only "note" says them under the table.
    text = draft_markdown(week(), DraftOptions(militants=militants))
    assert table(text)[2:] == [
        "| 2024-02-04 | Tarmiyah, Salahuddin | 2 | 3 |",
        f"| 2024-02-06 | Hamrin, Diyala | {hamrin_deaths} | ? |",
    ]
    assert ("Not counted above: 3 militants killed" in text) is note
    assert text.endswith("| ? |\n") is not note


def test_counting_militants_leaves_an_unknown_toll_unknown():
    # "three militants were killed" with no word on other deaths: still "?", not 3.
    unknown = Incident(FEB_6, "Hamrin, Diyala", None, None, HAMRIN.title, militants=3)
    text = draft_markdown(week(incidents=(unknown,)), DraftOptions(militants="count"))
    assert table(text)[2:] == ["| 2024-02-06 | Hamrin, Diyala | ? | ? |"]


POLITICS = DraftSection(
    "politics",
    "Politics",
    "Council Condemns Tarmiyah Bombing",
    "On February 5, the provincial council condemned the bombing.",
    (
        Entry(
            FEB_4,
            "Council condemns bombing that killed two soldiers",
            "The Salahuddin council condemned the bombing that killed two soldiers.",
            (WIRE,),
        ),
    ),
)


def section(key: str, *titles: str) -> DraftSection:
    entries = tuple(Entry(FEB_4, t, f"{t}.", (WIRE,)) for t in titles)
    return DraftSection(key, key.title(), f"{key.title()} Headline", "A takeaway.", entries)


def where_the_table_is(text: str) -> list[str]:
    """The section ids whose text holds an incident table."""
    parts = re.split(r"^## .* \{#(\w+)\}$", text, flags=re.M)
    return [key for key, body in zip(parts[1::2], parts[2::2], strict=True) if "| Date |" in body]


def test_the_incident_table_goes_in_the_security_section_whoever_told_the_attack():
    # The row came from the council's statement, placed in politics: still security's table.
    row = Incident(FEB_4, "Tarmiyah, Salahuddin", 2, None, POLITICS.entries[0].title)
    text = draft_markdown(week((POLITICS, security(TARMIYAH)), incidents=(row,)))
    assert where_the_table_is(text) == ["security"]


def test_without_a_security_section_the_table_goes_where_most_attacks_were_told():
    sections = (
        section("humanitarian", "Shelling displaces families in Sinjar"),
        section(
            "politics",
            "Council condemns Tarmiyah bombing",
            "Leaders condemn drone strike on Erbil airport",
        ),
        section("economy", "Oil exports rise", "Budget passes", "Dinar steadies"),
    )
    rows = (
        Incident(FEB_4, "Sinjar, Nineveh", 0, 2, "Shelling displaces families in Sinjar"),
        Incident(FEB_4, "Tarmiyah, Salahuddin", 2, None, "Council condemns Tarmiyah bombing"),
        Incident(
            FEB_6,
            "Erbil airport, Erbil",
            None,
            None,
            "Leaders condemn drone strike on Erbil airport",
        ),
    )
    assert where_the_table_is(draft_markdown(week(sections, rows))) == ["politics"]


def test_with_no_section_telling_the_attacks_the_table_closes_the_last_section():
    sections = (
        section("politics", "Council elects Kirkuk governor"),
        section("humanitarian", "Families return to Sinjar"),
        section("economy", "Oil exports rise"),
    )
    assert where_the_table_is(draft_markdown(week(sections))) == ["economy"]


def test_an_issue_without_incidents_has_no_table():
    text = draft_markdown(week(incidents=()))
    assert table(text) == []
    assert "Not counted above" not in text


def test_unplaced_items_are_kept_word_for_word_inside_one_comment():
    # A Telegram-style post digest could not place: the editor must see all of it, and
    # its dashes and ">" must not close or break the comment around it.
    post = "Urgent -- flights between Baghdad and Erbil resume after a two-day halt >> more"
    unplaced = Entry(FEB_6, "Urgent", post, (Citation("Channel 7", "https://t.example/7"),))
    text = draft_markdown(week(unplaced=(unplaced,)))
    comment = text[text.rindex("<!--\n") :]
    assert comment == (
        "<!--\n"
        "Items digest could not place in a section. Move any that matter into a section above.\n"
        "\n"
        "- On February 6, Urgent – flights between Baghdad and Erbil resume after a two-day "
        "halt \\›\\› more ([Channel 7](https://t.example/7)).\n"
        "-->\n"
    )
    assert comment.count("--") == 2  # the opening and the closing of the comment only
    assert set(re.findall(r"\w+", post.lower())) <= set(re.findall(r"\w+", comment.lower()))


@pytest.mark.parametrize(
    ("decision", "flagged"),
    [
        (Decision("security", "rule", "keywords: clash", 0.59), True),
        (Decision("security", "rule", "keywords: clash", LOW_CONFIDENCE), False),
        (None, False),
    ],
)
def test_only_placements_below_the_confidence_threshold_are_flagged(decision, flagged):
    flagged_entry = Entry(FEB_6, HAMRIN.title, HAMRIN.text, (WIRE,), decision)
    text = draft_markdown(week((security(flagged_entry),)))
    assert ("<!-- digest: low confidence" in text) is flagged


def test_a_paragraph_keeps_a_final_capital_and_ends_plainly_without_sources():
    # Sadr speaks "in a post on X": the final X is a word, not punctuation to trim.
    sadr = Entry(
        FEB_4, "Sadr urges calm", "Sadr urged his followers to stay home in a post on X.", ()
    )
    assert paragraph(sadr) == "On February 4, Sadr urged his followers to stay home in a post on X."


# --------------------------------------------------------------------------- the daily layout

OCT_3, OCT_4 = date(2023, 10, 3), date(2023, 10, 4)
RUDAW = Citation("Rudaw", "https://rudaw.example/1")
SHAFAQ = Citation("Shafaq News", "")  # a Telegram post: the outlet, no link


def month(*days: DraftDay) -> Issue:
    return Issue(
        slug="2023-10",
        title="Kurdistan  Daily: October 2023",
        number=None,
        period=Period(date(2023, 10, 1), date(2023, 10, 31)),
        layout="daily",
        sections=(),
        incidents=(),
        item_count=5,
        source_count=3,
        days=days,
    )


def test_a_daily_draft_has_a_heading_per_day_and_numbered_items():
    flights = Entry(
        OCT_3,
        "Flights resume at Erbil airport.",
        "Flights resumed after a two-day halt.",
        (RUDAW, SHAFAQ),
    )
    salaries = Entry(OCT_3, "Baghdad sends salaries", "The cabinet approved a transfer", (RUDAW,))
    vote = Entry(OCT_4, "Council elects Kirkuk governor", "The council met on Tuesday.", (RUDAW,))
    text = draft_markdown(month(DraftDay(OCT_3, (flights, salaries)), DraftDay(OCT_4, (vote,))))
    assert without_hash(text) == (
        "Title: Kurdistan Daily: October 2023\n"
        "Date: 2023-10-04\n"
        "Slug: 2023-10\n"
        "Period: 2023-10-01 to 2023-10-31\n"
        "Layout: daily\n"
        "\n"
        f"<!-- digest:draft sha256:<hash> {MARKER_WORDS}\n"
        "\n"
        "## October 3, 2023 {#2023-10-03}\n"
        "\n"
        "1. **Flights resume at Erbil airport** ([Rudaw](https://rudaw.example/1), Shafaq News)."
        " Flights resumed after a two-day halt.\n"
        "2. **Baghdad sends salaries** ([Rudaw](https://rudaw.example/1))."
        " The cabinet approved a transfer.\n"
        "\n"
        "## October 4, 2023 {#2023-10-04}\n"
        "\n"
        "1. **Council elects Kirkuk governor** ([Rudaw](https://rudaw.example/1))."
        " The council met on Tuesday.\n"
    )
    assert is_unedited(text)


@pytest.mark.parametrize(
    ("title", "summary", "citations", "item"),
    [
        (  # the title's own closing punctuation goes: the outlets follow it
            "Sadr urges followers to stay home, posting on X:",
            "Sadr posted on X",
            (SHAFAQ,),
            "**Sadr urges followers to stay home, posting on X** (Shafaq News). Sadr posted on X.",
        ),
        (  # a post without a title still has one to number
            " . ",
            "Two drones were shot down near Erbil airport.",
            (RUDAW,),
            "**Untitled** ([Rudaw](https://rudaw.example/1)). "
            "Two drones were shot down near Erbil airport.",
        ),
        (  # a question, an Arabic question mark or an ellipsis already ends the summary
            "Will the budget pass",
            "Will the budget pass?",
            (RUDAW, SHAFAQ),
            "**Will the budget pass** ([Rudaw](https://rudaw.example/1), Shafaq News). "
            "Will the budget pass?",
        ),
        (
            "هل تقر الموازنة",
            "هل تقر الموازنة؟",
            (SHAFAQ,),
            "**هل تقر الموازنة** (Shafaq News). هل تقر الموازنة؟",
        ),
        (
            "Talks continue",
            "Talks continue…",
            (SHAFAQ,),
            "**Talks continue** (Shafaq News). Talks continue…",
        ),
        (  # a headline with no summary, an item with no outlet: no empty parts
            "Curfew lifted in Kirkuk",
            "  ",
            (),
            "**Curfew lifted in Kirkuk**.",
        ),
    ],
)
def test_a_daily_item_reads_title_outlets_then_summary(title, summary, citations, item):
    assert daily_item(Entry(OCT_3, title, summary, citations)) == item


# --------------------------------------------------------------------------- the edit guard


def marker_hash(text: str) -> str:
    return re.search(r"<!-- digest:draft sha256:([0-9a-f]{64}) ", text).group(1)


def without_marker(text: str) -> str:
    return re.sub(r"^<!-- digest:draft .*-->\n", "", text, count=1, flags=re.M)


def test_the_marker_hash_is_the_sha256_of_the_text_without_its_line():
    for text in (draft_markdown(week()), draft_markdown(month(DraftDay(OCT_3, (TARMIYAH,))))):
        assert marker_hash(text) == hashlib.sha256(without_marker(text).encode()).hexdigest()


def test_the_marker_hash_changes_with_the_body():
    one = draft_markdown(week())
    other = draft_markdown(week(incidents=ROWS[:1]))
    assert marker_hash(one) != marker_hash(other)


def test_restamping_after_digests_own_change_keeps_the_draft_unedited():
    # `digest draft` marks a file "Status: draft" in its header: digest's change, not the
    # editor's, so the hash is made to match again and the marker's words stay.
    text = draft_markdown(week())
    changed = text.replace("Layout: weekly\n", "Layout: weekly\nStatus: draft\n")
    assert not is_unedited(changed)
    stamped = restamp(changed)
    assert is_unedited(stamped)
    assert without_hash(stamped) == without_hash(changed)
    assert marker_hash(stamped) == hashlib.sha256(without_marker(changed).encode()).hexdigest()
    assert restamp(text) == text  # nothing changed: nothing to restamp


def test_restamp_leaves_a_file_without_a_marker_alone():
    hand_written = "Title: Iraq Monitor: January 1 – 7, 2024\n\n## Security {#security}\n"
    assert restamp(hand_written) == hand_written
    assert not is_unedited(hand_written)
