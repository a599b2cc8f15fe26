"""The spoken script (issue 24): what the audio edition says, before any engine says it.

Pure: Markdown in, chapters of utterances out. Dates and numbers as words, abbreviations
from the lexicon, credits and links left out, the incident table as sentences, Arabic
paragraphs routed to their own voice or noted, the three layouts' chapters, and the
chapters' times as the four files say them.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from digest.errors import ConfigError
from digest.models import Incident, SectionRule, Source
from digest.publish.audio import chapters, lexicon, words
from digest.publish.audio.script import (
    Chapter,
    Script,
    ScriptOptions,
    Utterance,
    incident_sentence,
    script,
    without_credits,
)
from digest.render.edition import parse_edition
from tests.conftest import ROOT

SECTIONS = (
    SectionRule("politics", "Politics"),
    SectionRule("security", "Security"),
    SectionRule("economy", "Economy"),
)
SOURCES = (
    Source("Tigris Wire", "https://tigriswire.example/rss", domains=("tigriswire.example",)),
    Source("Rudaw", "https://rudaw.example/rss", domains=("rudaw.example",)),
    Source("Al-Rafidain", "https://raf.example/rss", domains=("raf.example",), language="ar"),
)
LEXICON = lexicon.load()
OPTIONS = ScriptOptions(
    voiced=frozenset({"en", "ar"}),
    lexicon=LEXICON,
    source_names=tuple(s.name for s in SOURCES),
)

WEEKLY = """\
Title: Iraq Weekly Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Council Elects Governor; US Envoy Visits {#politics}

Takeaway: On February 6, the council elected a governor.

On February 6, the council elected a governor after 1,495 days, the KRG said ([Tigris Wire](https://tigriswire.example/a), [Rudaw](https://rudaw.example/b)).

On February 7, the US envoy met MPs; an official told us more was planned for 2024 (Tigris Wire).

## Bomb Kills Two near Tarmiyah {#security}

Takeaway: A bomb killed two soldiers.

On February 4, an IED killed two PMF fighters about 10 km from Tarmiyah, see https://example.org/x ([Tigris Wire](https://tigriswire.example/c)).

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah, Baghdad | 2 | 3 |
| 2024-02-06 | Erbil | 0 | 0 |
| 2024-02-08 | Hamrin mountains | ? | 1 |

Not counted above: 5 militants killed (February 8, Hamrin mountains).

## Grid Loses 4,500 MW {#economy}

Takeaway: The grid lost 4,500 MW.

On February 5, the grid lost about 4,500 MW as prices rose 4–6% and oil sold at $70 a barrel ([Rudaw](https://rudaw.example/d)).

حذّر مزارعون في محافظة النجف من تراجع مناسيب المياه ([Al-Rafidain](https://raf.example/e)).
"""


def weekly(options: ScriptOptions = OPTIONS) -> Script:
    edition = parse_edition(WEEKLY, slug="2024-02-08", sections=SECTIONS, sources=SOURCES)
    return script(edition, options)


def said(found: Script) -> str:
    return "\n".join(u.text for c in found.chapters for u in c.utterances)


def chapter(found: Script, title: str) -> Chapter:
    return next(c for c in found.chapters if c.title == title)


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "zero"),
        (13, "thirteen"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (1495, "one thousand four hundred ninety-five"),
        (4500, "four thousand five hundred"),
        (20_000, "twenty thousand"),
        (211_000_000_000_000, "two hundred eleven trillion"),
        (-3, "minus three"),
    ],
)
def test_numbers_are_said_in_words(number, expected):
    assert words.cardinal(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (8, "eighth"), (12, "twelfth"),
     (20, "twentieth"), (21, "twenty-first"), (31, "thirty-first"), (100, "one hundredth")],
)  # fmt: skip
def test_ordinals(number, expected):
    assert words.ordinal(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(2024, "twenty twenty-four"), (2005, "two thousand five"), (2000, "two thousand"),
     (2010, "twenty ten"), (1990, "nineteen ninety"), (1905, "nineteen oh five"),
     (1900, "nineteen hundred")],
)  # fmt: skip
def test_years_are_said_as_years(number, expected):
    assert words.year(number) == expected


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("On February 4", "On February fourth"),
        ("On Feb. 4th", "On February fourth"),
        ("Iraq Weekly Monitor, February 2 – 8, 2024",
         "Iraq Weekly Monitor, February second to eighth, twenty twenty-four"),
        ("February 26 – March 3, 2024", "February twenty-sixth to March third, twenty twenty-four"),
        ("December 28, 2023 – January 3, 2024",
         "December twenty-eighth, twenty twenty-three to January third, twenty twenty-four"),
        ("on 4 February 2024", "on the fourth of February, twenty twenty-four"),
        ("dated 2024-02-04", "dated February fourth, twenty twenty-four"),
        ("since May 2014", "since May twenty fourteen"),
        ("about 1,495 per dollar", "about one thousand four hundred ninety-five per dollar"),
        ("4,500 MW", "four thousand five hundred megawatts"),
        ("1 MW and 10 km", "one megawatt and ten kilometres"),
        ("the 2024 budget", "the twenty twenty-four budget"),
        ("rose 4–6% and 12 percent", "rose four to six percent and twelve percent"),
        ("3.5 million barrels", "three point five million barrels"),
        ("$70 a barrel, $1 each, US$2.5 billion",
         "seventy dollars a barrel, one dollar each, two point five billion dollars"),
        ("pages 10-12 of 20", "pages ten to twelve of twenty"),
        ("in 2019–2020", "in twenty nineteen to twenty twenty"),
        ("the 21st round", "the twenty-first round"),
        ("at 10:30 a.m.", "at ten thirty a m"),
        ("F-16 jets and COVID-19", "F-sixteen jets and COVID-nineteen"),
        ("Migration & Displacement", "Migration and Displacement"),
        ("16-seat council", "sixteen-seat council"),
        ("Kirkuk (كركوك) city", "Kirkuk city"),
        ("see https://example.org/a?b=1 now", "see now"),
        ("the directorate (Asayish). Then", "the directorate, Asayish. Then"),
        ("a “serve all” promise — he said", "a serve all promise, he said"),
    ],
)  # fmt: skip
def test_written_news_english_is_said_as_words(written, spoken):
    assert words.spoken(written, LEXICON) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("the US said", "the United States said"),
        ("Iraqi-US talks", "Iraqi-United States talks"),
        ("tell us", "tell us"),  # case matters: "us" is no country
        ("USAID and BUS", "USAID and BUS"),  # whole words only
        ("the USA", "the United States"),
        ("the KRG's budget", "the Kurdistan Regional Government's budget"),
        ("the PMF's fighters", "the Popular Mobilisation Forces' fighters"),
        ("two IEDs and one IED", "two improvised explosive devices and one improvised explosive device"),
        ("three MPs", "three members of parliament"),
        ("Gen. Rashid", "General Rashid"),
    ],
)  # fmt: skip
def test_abbreviations_are_expanded_as_whole_words_and_case_matters(written, spoken):
    assert words.spoken(written, LEXICON) == spoken


def test_every_abbreviation_the_issue_names_is_in_the_bundled_lexicon():
    for key in ("PMF", "IED", "KRG", "UN", "ISIS", "MP", "MW", "km", "US", "UK", "EU"):
        assert LEXICON[key], key


def test_the_projects_lexicon_adds_and_overrides_and_an_empty_entry_keeps_the_word(tmp_path):
    extra = tmp_path / "lexicon.csv"
    extra.write_text("abbreviation,spoken\nMER,Mesopotamia Economic Review\nUS,\nUN,U N\n")
    found = lexicon.load(extra)
    assert words.spoken("MER said the US and UN agreed", found) == (
        "Mesopotamia Economic Review said the US and U N agreed"
    )


def test_a_bad_lexicon_row_names_its_file_and_line(tmp_path):
    extra = tmp_path / "lexicon.csv"
    extra.write_text("abbreviation,spoken\nPMF,a,b\n,nothing\n")
    with pytest.raises(ConfigError) as caught:
        lexicon.load(extra)
    assert caught.value.problems == [
        f"{extra}:2: expected 2 cells (abbreviation,spoken), got 3",
        f"{extra}:3: empty abbreviation",
    ]


def test_credits_in_brackets_go_and_other_asides_stay():
    credits = {"Tigris Wire", "Rudaw"}
    assert without_credits("The vote (Tigris Wire, Rudaw).", credits) == "The vote."
    assert without_credits("The vote (Tigris Wire and Rudaw).", credits) == "The vote."
    assert without_credits("Said (Asayish) (Rudaw).", credits) == "Said (Asayish)."
    assert without_credits("Title (Rudaw). Summary.", credits) == "Title. Summary."


# --------------------------------------------------------------------------- the weekly


def test_the_weekly_issue_reads_title_takeaways_sections_and_incidents_in_that_order():
    found = weekly()
    assert [c.title for c in found.chapters] == [
        "Introduction",
        "Key takeaways",
        "Politics",
        "Security",
        "Economy",
        "Incidents",
    ]
    intro = chapter(found, "Introduction").utterances[0].text
    assert intro == "Iraq Weekly Monitor, February second to eighth, twenty twenty-four"
    takeaways = [u.text for u in chapter(found, "Key takeaways").utterances]
    assert takeaways[:3] == [
        "Key takeaways",
        "Politics",
        "On February sixth, the council elected a governor.",
    ]
    politics = [u.text for u in chapter(found, "Politics").utterances]
    assert politics[:2] == ["Politics", "Council Elects Governor. United States Envoy Visits"]


def test_the_script_has_no_digits_links_or_credits_and_expands_abbreviations():
    text = said(weekly())
    english = "\n".join(
        u.text for c in weekly().chapters for u in c.utterances if u.language == "en"
    )
    assert not re.search(r"\d", english), english
    assert "http" not in text and "example.org" not in text
    assert "(Tigris Wire" not in text and "(Rudaw" not in text and "Tigris Wire)" not in text
    assert (
        "one thousand four hundred ninety-five days, the Kurdistan Regional Government said."
        in text
    )
    assert "the United States envoy met members of parliament" in text
    assert "told us more was planned for twenty twenty-four." in text
    assert "an improvised explosive device killed two Popular Mobilisation Forces fighters" in text
    assert "about ten kilometres from Tarmiyah, see." in text
    assert "four thousand five hundred megawatts" in text
    assert "four to six percent" in text and "seventy dollars a barrel" in text


def test_the_incident_table_is_read_as_sentences_with_unknown_counts_said_so():
    lines = [u.text for u in chapter(weekly(), "Incidents").utterances]
    assert lines == [
        "Security incidents",
        "Three incidents recorded.",
        "On February fourth, near Tarmiyah, Baghdad: two killed, three injured.",
        "On February sixth, near Erbil: no one killed or injured.",
        "On February eighth, near Hamrin mountains: an unknown number killed, one injured.",
        "In all: at least two killed, four injured.",
        "Not counted above: five militants killed, February eighth, Hamrin mountains.",
    ]


def test_an_incident_of_another_year_says_its_year():
    row = Incident(day=date(2023, 12, 31), location="Kut", deaths=1, injuries=None)
    assert incident_sentence(row, 2024) == (
        "On December thirty-first, twenty twenty-three, near Kut: one killed, an unknown number injured."
    )


def test_sources_are_said_once_a_section_or_not_at_all():
    once = [u.text for u in chapter(weekly(), "Politics").utterances]
    assert once[-1] == "Sources: Tigris Wire, Rudaw."
    quiet = weekly(ScriptOptions(**{**OPTIONS.__dict__, "sources": "none"}))
    assert "Sources:" not in said(quiet)


def test_an_arabic_paragraph_goes_to_an_arabic_voice_or_is_noted():
    voiced = [u for u in chapter(weekly(), "Economy").utterances if u.language == "ar"]
    assert len(voiced) == 1 and voiced[0].text.startswith("حذّر مزارعون")
    assert "Al-Rafidain" not in voiced[0].text
    for options in (
        ScriptOptions(**{**OPTIONS.__dict__, "arabic": "skip"}),
        ScriptOptions(**{**OPTIONS.__dict__, "voiced": frozenset({"en"})}),  # no eSpeak NG
    ):
        economy = chapter(weekly(options), "Economy").utterances
        assert all(u.language == "en" for u in economy)
        assert "A paragraph in Arabic is not read." in [u.text for u in economy]


def test_pauses_set_off_headings_and_a_chapter_ends_in_the_longest():
    for found in weekly().chapters:
        assert found.utterances[-1].pause == max(u.pause for u in found.utterances)
    assert (
        chapter(weekly(), "Politics").utterances[0].pause
        > chapter(weekly(), "Politics").utterances[2].pause
    )


def test_the_fingerprint_changes_with_what_is_said_only():
    assert weekly().fingerprint() == weekly().fingerprint()
    edited = WEEKLY.replace("after 1,495 days", "after 1,496 days")
    other = script(
        parse_edition(edited, slug="2024-02-08", sections=SECTIONS, sources=SOURCES), OPTIONS
    )
    assert other.fingerprint() != weekly().fingerprint()


# --------------------------------------------------------------------------- other layouts


def test_the_daily_digest_has_a_chapter_a_day_without_credits():
    # A committed month page (content/issues/ holds only what `make demo` drafted).
    text = (ROOT / "tests" / "data" / "content" / "control-daily.md").read_text(encoding="utf-8")
    from digest import config

    settings = config.load(ROOT / "pelican.conf.py", compile_selectors=False)
    edition = parse_edition(
        text, slug="2024-02", sections=settings.sections, sources=settings.sources
    )
    options = ScriptOptions(
        voiced=frozenset({"en"}),
        lexicon=LEXICON,
        source_names=tuple(s.name for s in settings.sources),
    )
    found = script(edition, options)
    # This month page has an incident table: its rows are read last, as in a weekly issue.
    assert edition.incidents
    days = [d.heading for d in edition.days]
    assert [c.title for c in found.chapters] == ["Introduction", *days, "Incidents"]
    first_day = found.chapters[1].utterances
    assert first_day[0].text == words.spoken(edition.days[0].heading)
    assert "(Relief Monitor)" not in said(found) and "(Tigris Wire)" not in said(found)
    assert "Aid Convoy Reaches Returnees in al-Qaim. An aid convoy delivered" in said(found)


REPORT = """\
Title: Situation Report: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08-report
Period: 2024-02-02 to 2024-02-08
Layout: report

On February 4, the council elected a governor. Talks resumed in Baghdad.

## Politics

On February 4, the council met ([Tigris Wire](https://tigriswire.example/a)).

## Security {#attacks}

On February 5, a bomb killed two ([Rudaw](https://rudaw.example/b)).

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-05 | Tarmiyah | 2 | 3 |

Note: two attackers were killed.

### Outlook

More talks are due.
"""


def test_a_report_reads_its_summary_then_a_chapter_a_heading():
    edition = parse_edition(REPORT, slug="2024-02-08-report", sections=SECTIONS, sources=SOURCES)
    found = script(edition, OPTIONS)
    assert [c.title for c in found.chapters] == [
        "Introduction",
        "Summary",
        "Politics",
        "Security",
        "Incidents",
    ]
    assert [u.text for u in chapter(found, "Summary").utterances] == [
        "On February fourth, the council elected a governor. Talks resumed in Baghdad."
    ]
    security = [u.text for u in chapter(found, "Security").utterances]
    assert security == [
        "Security",
        "On February fifth, a bomb killed two.",
        "Outlook",
        "More talks are due.",
        "Sources: Tigris Wire, Rudaw.",
    ]
    incidents = [u.text for u in chapter(found, "Incidents").utterances]
    assert incidents[-1] == "Note: two attackers were killed."


# --------------------------------------------------------------------------- hostile text


def test_markup_and_cue_breakers_in_the_text_stay_text():  # BAD-INPUTS 29, 30
    hostile = WEEKLY.replace(
        "## Bomb Kills Two near Tarmiyah {#security}",
        "## Bomb --> Kills <b>Two</b> & More {#security}",
    ).replace(
        "On February 4, an IED",
        '(system "touch /tmp/x") --> <script>alert(1)</script> On February 4, an IED',
    )
    report = REPORT.replace("## Politics", "## Politics --> <i>Now</i>")
    for text in (hostile, report):
        found = script(parse_edition(text, slug="x", sections=SECTIONS, sources=SOURCES), OPTIONS)
        marks = chapters.marks(found, [48_000] * len(found.chapters))
        vtt = chapters.webvtt(marks)
        cues = vtt.split("\n\n")[1:]
        assert len([c for c in cues if c.strip()]) == len(found.chapters)
        for cue in cues:
            lines = cue.strip().splitlines()
            if lines:
                assert sum("-->" in line for line in lines) == 1, cue  # only the timing line
                assert "-->" in lines[1], cue
        assert "<script>" not in vtt and "<b>" not in vtt and "<i>" not in vtt


def test_a_huge_number_is_read_digit_by_digit_and_a_long_title_survives():  # BAD-INPUTS 23
    assert words.spoken("code 12345678901234567890") == (
        "code one two three four five six seven eight nine zero one two three four five six "
        "seven eight nine zero"
    )
    long = WEEKLY.replace("Title: Iraq Weekly Monitor", "Title: " + "Monitor " * 1500)
    found = script(parse_edition(long, slug="x", sections=SECTIONS, sources=SOURCES), OPTIONS)
    assert len(found.chapters[0].utterances[0].text) > 10_000


# --------------------------------------------------------------------------- chapter times


def test_the_json_chapters_and_the_transcript_say_the_same_times():
    found = Script(
        "T",
        "en",
        (
            Chapter("Introduction", (Utterance("Hello.", "en"),)),
            Chapter("Politics", (Utterance("A & B <c>.", "en"), Utterance("Second.", "en"))),
        ),
    )
    marks = chapters.marks(found, [48_000 * 5 + 24, 48_000 * 61 + 100])
    data = json.loads(chapters.chapters_json(marks))
    assert data == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0.0, "title": "Introduction"},
            {"startTime": 5.001, "title": "Politics"},
        ],
    }
    assert chapters.webvtt(marks) == (
        "WEBVTT\n\n"
        "Introduction\n00:00:00.000 --> 00:00:05.001\nHello.\n\n"
        "Politics\n00:00:05.001 --> 00:01:06.003\nA &amp; B &lt;c&gt;.\nSecond.\n"
    )
    assert chapters.clock(3_723_004) == "01:02:03.004"
