"""The daily layout: a month page, a heading per day, numbered "Title (Source). Summary." items.

The pure core (days in the newsroom's zone, merging, order), the Markdown contract, the
`digest draft --layout daily` command, and a build with the page's hooks, exports, feeds,
PDF and email edition.
"""

from __future__ import annotations

import email
import email.policy
import json
import random
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pypdf
import pytest
from bs4 import BeautifulSoup

from digest import config
from digest.errors import ContentError
from digest.issues.daily import MonthSpec, draft_daily
from digest.models import Item, Period, Source
from digest.periods import daily_period_title, day_heading, month_title, parse_month
from digest.publish.email.render import render_email
from digest.render.edition import parse_edition
from digest.render.issue_markdown import daily_item, draft_markdown, is_unedited
from digest.render.markdown import markdown
from digest.text.anchoring import relative_words
from tests.conftest import make_project, run_cli

BERLIN = ZoneInfo("Europe/Berlin")  # summer time ends 2023-10-29 03:00 -> 02:00
OCTOBER = parse_month("2023-10")
SOURCES = (
    Source("Wire", "https://wire.example/f", domains=("wire.example",)),
    Source("Observer", "https://obs.example/f", domains=("obs.example",)),
    Source("Ledger", "https://ledger.example/f", domains=("ledger.example",)),
)


def spec(zone: ZoneInfo = BERLIN, period: Period = OCTOBER) -> MonthSpec:
    return MonthSpec(slug="2023-10", title="Daily Digest: October 2023", period=period, zone=zone)


def item(
    when: str,
    title: str,
    text: str = "",
    source: str = "Wire",
    url: str | None = "auto",
) -> Item:
    host = {"Wire": "wire.example", "Observer": "obs.example", "Ledger": "ledger.example"}
    slug = re.sub(r"\W+", "-", title.lower()).strip("-")
    return Item(
        source=source,
        guid=None,
        url=f"https://{host.get(source, 'other.example')}/{slug}" if url == "auto" else url,
        title=title,
        summary_html=text,
        text=text,
        published=datetime.fromisoformat(when).astimezone(UTC),
    )


def days_of(issue) -> dict[str, list[str]]:
    return {d.day.isoformat(): [e.title for e in d.entries] for d in issue.days}


# --------------------------------------------------------------------------- months


def test_a_month_is_its_first_to_last_day_leap_years_included():
    assert parse_month("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert parse_month("2023-02") == Period(date(2023, 2, 1), date(2023, 2, 28))
    assert parse_month("2023-12") == Period(date(2023, 12, 1), date(2023, 12, 31))
    assert parse_month("9999-12").end == date(9999, 12, 31)
    assert month_title(OCTOBER) == "October 2023"
    assert day_heading(date(2023, 10, 1)) == "October 1, 2023"
    assert daily_period_title(OCTOBER) == "October 2023"
    assert daily_period_title(Period(date(2023, 10, 2), date(2023, 10, 8))) == "October 2 – 8, 2023"


@pytest.mark.parametrize("text", ["2023-13", "2023-00", "2023-1", "23-10", "2023/10", "", "x"])
def test_a_bad_month_is_refused_with_its_value(text):
    with pytest.raises(ContentError) as caught:
        parse_month(text)
    assert str(caught.value) == f"--month {text!r}: not a month written YYYY-MM, e.g. 2023-10"


# --------------------------------------------------------------------------- the pure core


def test_days_follow_the_newsroom_clock_across_summer_time_and_month_ends():
    items = [
        item("2023-09-30T21:30:00+00:00", "Late September"),  # 23:30 CEST, Sep 30: out
        item("2023-09-30T22:30:00+00:00", "First Hour of October"),  # 00:30 CEST, Oct 1
        item("2023-10-28T22:30:00+00:00", "Night of the Clock Change"),  # 00:30 CEST, Oct 29
        item("2023-10-29T22:59:00+00:00", "Last Minute of the 29th"),  # 23:59 CET, Oct 29
        item("2023-10-29T23:30:00+00:00", "Half Past Midnight"),  # 00:30 CET, Oct 30
        item("2023-10-31T22:30:00+00:00", "Last Hour of October"),  # 23:30 CET, Oct 31
        item("2023-10-31T23:30:00+00:00", "First Hour of November"),  # 00:30 CET, Nov 1: out
    ]
    issue = draft_daily(items, spec())
    assert days_of(issue) == {
        "2023-10-01": ["First Hour of October"],
        "2023-10-29": ["Night of the Clock Change", "Last Minute of the 29th"],
        "2023-10-30": ["Half Past Midnight"],
        "2023-10-31": ["Last Hour of October"],
    }
    assert issue.layout == "daily" and issue.item_count == 5
    # The same instants in UTC fall on other days.
    utc = days_of(draft_daily(items, spec(ZoneInfo("UTC"))))
    assert utc["2023-10-31"] == ["Last Hour of October", "First Hour of November"]
    assert "Late September" not in str(utc) and "2023-10-01" not in utc


def test_an_item_belongs_to_the_day_its_text_names():
    items = [
        # Published on November 1 about Tuesday, October 31: October's.
        item("2023-11-01T08:00:00+01:00", "Curfew Lifted", "The curfew was lifted on Tuesday."),
        # Published on October 1 about yesterday, September 30: not October's.
        item("2023-10-01T08:00:00+02:00", "Storm Damage", "A storm hit the city yesterday."),
    ]
    assert days_of(draft_daily(items, spec())) == {"2023-10-31": ["Curfew Lifted"]}


STORY = (
    "Flooding in Samarra displaced 340 families after the Tharthar canal breached, "
    "officials in Salahuddin said."
)


def test_one_story_from_three_outlets_is_one_item_citing_them_in_publication_order():
    items = [
        item("2023-10-05T11:00:00+02:00", "Samarra Canal Breach Floods Homes", STORY, "Observer"),
        item("2023-10-05T09:00:00+02:00", "Tharthar Canal Breach Displaces 340", STORY, "Wire"),
        item(
            "2023-10-05T10:00:00+02:00",
            "Samarra Flood: 340 Families Displaced",
            STORY + " Aid arrived by evening.",
            "Ledger",
        ),
        item("2023-10-05T12:00:00+02:00", "Budget Vote Delayed", "Parliament postponed a vote."),
    ]
    issue = draft_daily(items, spec())
    (day,) = issue.days
    merged, other = day.entries
    assert [c.source for c in merged.citations] == ["Wire", "Ledger", "Observer"]
    assert merged.title == "Samarra Flood: 340 Families Displaced"  # the fullest telling
    assert other.title == "Budget Vote Delayed"
    line = daily_item(merged)
    assert line.startswith(
        "**Samarra Flood: 340 Families Displaced** ([Wire](https://wire.example/"
    )
    assert _plain(line) == (
        "Samarra Flood: 340 Families Displaced (Wire, Ledger, Observer). "
        + STORY
        + " Aid arrived by evening."
    )


def test_each_days_report_is_its_own_item_even_the_same_story_told_a_day_late():
    items = [
        item("2023-10-05T21:00:00+02:00", "Canal Breach in Samarra", STORY, "Wire"),
        item("2023-10-06T08:00:00+02:00", "Samarra Families Displaced", STORY, "Observer"),
    ]
    issue = draft_daily(items, spec())
    assert days_of(issue) == {
        "2023-10-05": ["Canal Breach in Samarra"],
        "2023-10-06": ["Samarra Families Displaced"],
    }


VISIT = (
    "Prime Minister Mohammed Shia al-Sudani arrived in Rome for an official visit to Italy, "
    "his office said, the first by an Iraqi prime minister in five years."
)


def test_a_visit_told_over_three_days_and_a_clerics_statement_stay_separate_items():
    # The real month's false merge: one outlet per day on the visit, a second outlet's report
    # of the talks, and a cleric's statement naming the prime minister and Rome.
    items = [
        item("2023-10-15T10:00:00+03:00", "Sudani Arrives in Rome", VISIT, "Wire"),
        item(
            "2023-10-16T11:00:00+03:00",
            "Sudani Holds Talks in Rome",
            "Prime Minister Mohammed Shia al-Sudani held talks in Rome with Italy's prime "
            "minister on energy and migration during his official visit to Italy.",
            "Wire",
        ),
        item(
            "2023-10-16T12:00:00+03:00",
            "Iraq and Italy Discuss Energy",
            "Iraq's prime minister and Italy's prime minister discussed energy and migration "
            "in Rome during the official visit, the Italian government said.",
            "Observer",
        ),
        item(
            "2023-10-16T13:00:00+03:00",
            "Cleric Urges Voters to Turn Out",
            "A senior cleric urged Iraqis to vote in the provincial elections and asked the "
            "prime minister, who is on an official visit to Italy, to guarantee a fair vote.",
            "Ledger",
        ),
        item(
            "2023-10-17T09:00:00+03:00",
            "Iraq and Italy Sign Energy Memorandum",
            "Iraq and Italy signed a memorandum on energy in Rome on the last day of Prime "
            "Minister Mohammed Shia al-Sudani's official visit to Italy.",
            "Observer",
        ),
    ]
    issue = draft_daily(items, spec(ZoneInfo("Asia/Baghdad")))
    assert [len(e.citations) for d in issue.days for e in d.entries] == [1, 1, 1, 1, 1]
    assert sorted(days_of(issue)) == ["2023-10-15", "2023-10-16", "2023-10-17"]


def test_only_a_report_republished_the_same_day_becomes_one_item():
    hawija = (
        "A roadside bomb struck an army patrol in the Hawija district west of Kirkuk, "
        "killing one soldier and wounding two, a security source said."
    )
    daquq = (
        "A roadside bomb struck an army patrol in the Daquq district south of Kirkuk, "
        "killing one soldier and wounding one, a security source said."
    )
    items = [
        item("2023-10-26T11:00:00+03:00", "Roadside Bomb Kills Soldier in Hawija", hawija, "Wire"),
        item(
            "2023-10-26T16:00:00+03:00", "Roadside Bomb Kills Soldier in Daquq", daquq, "Observer"
        ),
        # The same report reprinted, its last sentence cut and its headline's capitals changed.
        item(
            "2023-10-26T17:00:00+03:00",
            "Roadside bomb kills soldier in Daquq",
            daquq.rsplit(",", 1)[0] + ".",
            "Ledger",
        ),
    ]
    issue = draft_daily(items, spec(ZoneInfo("Asia/Baghdad")))
    (day,) = issue.days
    assert sorted([c.source for c in e.citations] for e in day.entries) == [
        ["Observer", "Ledger"],
        ["Wire"],
    ]


def test_an_items_day_title_and_summary_name_dates_not_relative_days():
    items = [
        # Published on Monday the 9th about Sunday the 8th, in both title and summary.
        item(
            "2023-10-09T09:00:00+03:00",
            "Parliament Votes on Sunday to Extend Session",
            "Parliament voted on Sunday to extend its session, and will meet again next week.",
        ),
        item(
            "2023-10-09T10:00:00+03:00",
            "انفجار عبوة في كركوك",
            "انفجرت عبوة ناسفة مساء أمس في كركوك",
            "Observer",
        ),
    ]
    issue = draft_daily(items, spec(ZoneInfo("Asia/Baghdad")))
    (day,) = issue.days
    assert day.day == date(2023, 10, 8)
    vote, bomb = sorted(day.entries, key=lambda e: e.title)
    assert vote.title == "Parliament Votes on October 8 to Extend Session"
    assert vote.text == (
        "Parliament voted on October 8 to extend its session, and will meet again in the "
        "week of October 16."
    )
    assert bomb.text == "انفجرت عبوة ناسفة مساء 8 تشرين الأول في كركوك"
    for entry in day.entries:
        assert relative_words(entry.title) == relative_words(entry.text) == []


def test_two_reports_by_one_outlet_and_different_events_stay_apart():
    items = [
        item("2023-10-05T09:00:00+02:00", "Canal Breach in Samarra", STORY, "Wire"),
        item("2023-10-05T10:00:00+02:00", "Samarra Breach Update", STORY, "Wire"),
        item("2023-10-05T11:00:00+02:00", "Dinar Firms", "The dinar rose against the dollar."),
    ]
    assert len(draft_daily(items, spec()).days[0].entries) == 3


def test_items_are_ordered_by_outlets_then_casualties_then_time_and_numbered_per_day():
    items = [
        item("2023-10-03T08:00:00+02:00", "Early Quiet Story", "Officials met in Erbil."),
        item("2023-10-03T09:00:00+02:00", "Attack Kills Four", "An attack killed 4 people."),
        item("2023-10-03T10:00:00+02:00", "Canal Breach in Samarra", STORY, "Wire"),
        item("2023-10-03T11:00:00+02:00", "Samarra Families Displaced", STORY, "Observer"),
        item("2023-10-03T07:00:00+02:00", "Earliest Quiet Story", "Traders met in Basra."),
        item("2023-10-04T07:00:00+02:00", "Next Day", "A conference opened in Baghdad."),
    ]
    issue = draft_daily(items, spec())
    assert days_of(issue) == {
        "2023-10-03": [
            "Canal Breach in Samarra",  # two outlets
            "Attack Kills Four",  # four dead
            "Earliest Quiet Story",
            "Early Quiet Story",
        ],
        "2023-10-04": ["Next Day"],
    }
    text = draft_markdown(issue)
    assert re.findall(r"^(\d+)\. ", text, re.M) == ["1", "2", "3", "4", "1"]


def test_the_draft_does_not_depend_on_the_order_items_come_in():
    items = [
        item(f"2023-10-{day:02d}T{hour:02d}:00:00+02:00", f"Story {day} {hour}", f"Text {hour}.")
        for day in (1, 2, 15, 31)
        for hour in (1, 9, 17)
    ] + [
        item("2023-10-05T09:00:00+02:00", "Canal Breach in Samarra", STORY, "Wire"),
        item("2023-10-05T09:00:00+02:00", "Samarra Families Displaced", STORY, "Observer"),
    ]
    first = draft_markdown(draft_daily(items, spec()))
    shuffled = list(items)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert draft_markdown(draft_daily(shuffled, spec())) == first


# --------------------------------------------------------------------------- Markdown


def _plain(markdown_text: str) -> str:
    """What a reader sees: the Markdown rendered, tags dropped."""
    html = markdown().renderInline(markdown_text)
    return BeautifulSoup(html, "html.parser").get_text()


def month_issue():
    items = [
        item("2023-10-01T09:00:00+02:00", "Governor Elected", "The council met.", "Wire"),
        item("2023-10-01T10:00:00+02:00", "Prices Steady", "Markets were calm", "Observer", None),
        item("2023-10-02T10:00:00+02:00", "Ceasefire Holds", "", "Ledger"),
    ]
    return draft_daily(items, spec())


def test_the_month_page_markdown_contract():
    text = draft_markdown(month_issue())
    head, _, body = text.partition("\n\n")
    assert head.splitlines() == [
        "Title: Daily Digest: October 2023",
        "Date: 2023-10-02",
        "Slug: 2023-10",
        "Period: 2023-10-01 to 2023-10-31",
        "Layout: daily",
    ]
    assert body.startswith("<!-- digest:draft sha256:")
    assert is_unedited(text)
    assert "\n## October 1, 2023 {#2023-10-01}\n\n1. **Governor Elected** " in text
    lines = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert lines == [
        "1. **Governor Elected** ([Wire](https://wire.example/governor-elected)). The council met.",
        "2. **Prices Steady** (Observer). Markets were calm.",  # no link: named, not linked
        "1. **Ceasefire Holds** ([Ledger](https://ledger.example/ceasefire-holds)).",
    ]
    assert [_plain(line.split(". ", 1)[1]) for line in lines] == [
        "Governor Elected (Wire). The council met.",
        "Prices Steady (Observer). Markets were calm.",
        "Ceasefire Holds (Ledger).",
    ]
    assert text.endswith(".\n") and not text.endswith("\n\n") and "\r" not in text


def test_the_drafted_page_parses_back_into_days_items_and_sources():
    edition = parse_edition(
        draft_markdown(month_issue()), slug="2023-10", sections=(), sources=SOURCES
    )
    assert edition.layout == "daily" and edition.sections == ()
    assert [(d.key, d.heading) for d in edition.days] == [
        ("2023-10-01", "October 1, 2023"),
        ("2023-10-02", "October 2, 2023"),
    ]
    first = edition.days[0]
    assert [(i.number, i.title, i.sources) for i in first.items] == [
        (1, "Governor Elected", ("Wire",)),
        (2, "Prices Steady", ()),
    ]
    assert first.items[0].text == "Governor Elected (Wire). The council met."
    assert first.sources_cited == ("Wire",)
    assert edition.summary.startswith("3 items on 2 days: ")
    soup = BeautifulSoup(edition.html, "html.parser")
    toc = [a["href"] for a in soup.select("nav.toc a")]
    assert toc == ["#2023-10-01", "#2023-10-02"]
    assert [s["id"] for s in soup.select("section.digest-day[id]")] == ["2023-10-01", "2023-10-02"]
    assert len(soup.select("section.digest-day ol.daily-items > li")) == 3


HOSTILE = '<script>alert("x")</script> **Bold** [link](javascript:alert(1)) <img src=x onerror=y>'


def test_untrusted_titles_and_summaries_stay_text_on_the_page_and_in_the_email():
    hostile = item("2023-10-01T09:00:00+02:00", HOSTILE, HOSTILE + " & more", "Wire")
    hostile_url = item(
        "2023-10-02T09:00:00+02:00", "Odd link", "x", "Observer", "javascript:alert(1)"
    )
    text = draft_markdown(draft_daily([hostile, hostile_url], spec()))
    edition = parse_edition(text, slug="2023-10", sections=(), sources=SOURCES)
    message = render_email(
        edition, sitename="Digest", page_url="https://d.example/issues/2023-10/", pdf_url="x.pdf"
    )
    for html in (edition.html, message.html):
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.select("script, img, [onerror]")
        assert not any(a["href"].startswith("javascript") for a in soup.select("a[href]"))
    (item_one,) = edition.days[0].items
    assert item_one.title == HOSTILE  # shown exactly as the feed wrote it
    assert "<script>" in BeautifulSoup(edition.html, "html.parser").get_text()


def test_a_day_heading_must_name_its_day_and_the_layout_must_be_known():
    page = "Title: T\nLayout: daily\n\n## Politics {#politics}\n\n1. **A** (B). C.\n"
    with pytest.raises(ContentError, match=r"^line 4: .*\{#2024-02-01\}"):
        parse_edition(page, slug="t", sections=(), sources=SOURCES)
    with pytest.raises(ContentError, match="Layout: 'monthly' is not one of weekly, daily"):
        parse_edition("Title: T\nLayout: monthly\n\nx\n", slug="t", sections=(), sources=SOURCES)


def test_an_edited_day_keeps_numbers_paragraphs_and_direction():
    page = (
        "Title: T\nLayout: daily\nPeriod: 2023-10-01 to 2023-10-31\n\n"
        "## The first {#2023-10-01}\n\n"
        "3. **Third** ([Wire](https://wire.example/3)). Text.\n"
        "4. **خبر عاجل** ([Ledger](https://ledger.example/4)). نص الخبر هنا.\n\n"
        "A note [Observer](https://obs.example/n) added.\n"
    )
    edition = parse_edition(page, slug="t", sections=(), sources=SOURCES)
    (day,) = edition.days
    assert day.heading == "The first"
    assert [(i.number, i.title) for i in day.items] == [(3, "Third"), (4, "خبر عاجل"), (None, None)]
    assert day.sources_cited == ("Wire", "Ledger", "Observer")
    soup = BeautifulSoup(edition.html, "html.parser")
    assert soup.select_one("ol.daily-items")["start"] == "3"
    assert [li["dir"] for li in soup.select("ol.daily-items > li")] == ["auto", "rtl"]


# --------------------------------------------------------------------------- the command


@pytest.fixture
def collected(project) -> Path:
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    return conf


def test_draft_a_month_from_the_sample_and_guard_the_editors_edits(collected):
    result = run_cli(collected, "draft", "--layout", "daily", "--month", "2024-02")
    assert result.exit_code == 0, result.output
    path = collected.parent / "content" / "issues" / "2024-02.md"
    assert result.output.splitlines()[0] in ("content/issues/2024-02.md", str(path))
    text = path.read_text()
    # Dated by its latest day (the sample's last report is of February 10), not ahead of the month's end.
    assert text.startswith("Title: Iraq Weekly Monitor: February 2024\nDate: 2024-02-10\n")
    assert "Layout: daily\n" in text and "## February 4, 2024 {#2024-02-04}" in text
    assert re.search(r"^1\. \*\*.+\*\* \(\[.+\]\(https://.+\)\)\. ", text, re.M)
    assert "days," in result.output and "numbered items" in result.output

    again = run_cli(collected, "draft", "--layout", "daily", "--month", "2024-02")
    assert again.exit_code == 0 and "file unchanged" in again.output

    edited = text.replace("## February 4, 2024", "## Sunday, February 4", 1)
    path.write_text(edited)
    refused = run_cli(collected, "draft", "--layout", "daily", "--month", "2024-02")
    assert refused.exit_code == 3
    assert refused.output.strip() == (
        "note: content/issues/2024-02.md: kept your edited version "
        "(digest draft --force replaces it, keeping a backup)"
    )
    assert path.read_text() == edited
    forced = run_cli(collected, "draft", "--layout", "daily", "--month", "2024-02", "--force")
    assert forced.exit_code == 0
    assert (path.parent / "2024-02.md.bak").read_text() == edited
    assert path.read_text() == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layout", "daily"], "--layout daily needs --month YYYY-MM, e.g. --month 2023-10"),
        (
            ["--layout", "daily", "--month", "2023-13"],
            "--month '2023-13': not a month written YYYY-MM, e.g. 2023-10",
        ),
        (
            ["--layout", "daily", "--month", "2024-02", "--week-ending", "2024-02-08"],
            "--week-ending is for weekly issues; --layout daily takes --month YYYY-MM",
        ),
        (
            ["--month", "2024-02"],
            "--month goes with --layout daily; a weekly issue takes --week-ending",
        ),
        ([], "missing --week-ending YYYY-MM-DD (or --layout daily --month YYYY-MM)"),
    ],
)
def test_wrong_option_combinations_are_one_line_usage_errors(project, args, message):
    result = run_cli(project(), "draft", *args)
    assert result.exit_code == 2
    assert result.output == f"error: {message}\n"


def test_a_month_with_no_items_says_so(collected):
    result = run_cli(collected, "draft", "--layout", "daily", "--month", "2023-10")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: --month 2023-10: no stored item is dated in October 2023; "
        "run `digest collect`, pick a month the store covers, or pass --allow-empty"
    )
    assert not (collected.parent / "content" / "issues" / "2023-10.md").exists()


def test_allow_empty_drafts_an_empty_month_marked_as_a_draft(collected):
    result = run_cli(collected, "draft", "--layout", "daily", "--month", "2023-10", "--allow-empty")
    assert result.exit_code == 0, result.output
    assert "marked 'Status: draft' (built as a preview, never published)" in result.output
    text = (collected.parent / "content" / "issues" / "2023-10.md").read_text()
    header = text.split("\n\n")[0].splitlines()
    assert header[-2:] == ["Layout: daily", "Status: draft"]
    assert "## " not in text
    # Still digest's own draft: the next draft of a month with items may replace it.
    again = run_cli(collected, "draft", "--layout", "daily", "--month", "2023-10", "--allow-empty")
    assert again.exit_code == 0 and "file unchanged" in again.output


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with one weekly issue and the February 2024 month page, built."""
    conf = make_project(tmp_path_factory.mktemp("daily") / "site")
    for args in (
        ("collect",),
        ("draft", "--week-ending", "2024-02-08"),
        ("draft", "--layout", "daily", "--month", "2024-02"),
        ("build",),
    ):
        result = run_cli(conf, *args)
        assert result.exit_code == 0, f"{args}: {result.output}"
    return conf.parent


def month_page(site: Path) -> BeautifulSoup:
    html = (site / "output" / "issues" / "2024-02" / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def test_the_page_has_a_table_of_contents_and_a_section_per_day(site):
    soup = month_page(site)
    days = soup.select("section.digest-day[id]")
    links = soup.select("nav.toc a[href]")
    assert len(days) >= 8
    assert [a["href"] for a in links] == [f"#{d['id']}" for d in days]
    ids = [d["id"] for d in days]
    assert ids == sorted(ids) and all(re.fullmatch(r"2024-02-\d\d", i) for i in ids)
    for day in days:
        heading = day.find("h2").get_text(strip=True)
        assert heading == day_heading(date.fromisoformat(day["id"]))
        entries = day.select("ol.daily-items > li")
        assert entries
        for li in entries:
            text = " ".join(li.get_text(" ", strip=True).split())
            title = li.find("strong").get_text()
            assert text.startswith(title + " (")  # "Title (Source, ...). Summary."
            assert li.select('a[href^="https://"]')
        assert (
            day.select_one("p.sources-cited").get_text().startswith("Sources cited on this day: ")
        )
    assert not soup.select("ul.key-takeaways")
    assert "Daily digest" in soup.select_one(".issue-meta").get_text()
    assert "February 2024" in soup.select_one(".issue-period").get_text()


def test_the_weekly_issue_beside_it_is_unchanged(site):
    html = (site / "output" / "issues" / "2024-02-08" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("ul.key-takeaways > li")) == 4
    assert not soup.select("nav.toc, section.digest-day")
    data = json.loads((site / "output" / "issues" / "2024-02-08" / "issue.json").read_text())
    assert data["layout"] == "weekly" and data["days"] == [] and data["sections"]


def test_issue_json_has_the_days_with_their_numbered_items(site):
    data = json.loads((site / "output" / "issues" / "2024-02" / "issue.json").read_text())
    soup = month_page(site)
    assert data["layout"] == "daily" and data["slug"] == "2024-02"
    assert data["period"] == {"start": "2024-02-01", "end": "2024-02-29"}
    assert data["sections"] == [] and data["takeaways"] == []
    assert [d["date"] for d in data["days"]] == [s["id"] for s in soup.select("section.digest-day")]
    names = {s.name for s in config.load(site / "pelican.conf.py").sources}
    merged = 0
    for day in data["days"]:
        assert [i["number"] for i in day["items"]] == list(range(1, len(day["items"]) + 1))
        for entry in day["items"]:
            assert entry["text"].startswith(f"{entry['title']} (")
            assert entry["sources"] and set(entry["sources"]) <= names
            merged += len(entry["sources"]) > 1
        assert day["sources_cited"] == list(
            dict.fromkeys(n for i in day["items"] for n in i["sources"])
        )
    assert merged, "stories told by several outlets are one item"
    assert "Al-Rafidain" in data["sources_cited"]


def test_the_archive_and_feeds_list_the_month_page(site):
    index = BeautifulSoup((site / "output" / "index.html").read_text(), "html.parser")
    hrefs = [a["href"] for a in index.select(".issue-card-title a")]
    assert any(h.rstrip("/").endswith("issues/2024-02") for h in hrefs)
    atom = feedparser.parse((site / "output" / "feeds" / "atom.xml").read_bytes())
    assert not atom.bozo
    (entry,) = [e for e in atom.entries if e.link.endswith("/issues/2024-02/")]
    content = entry.content[0].value
    assert 'class="toc"' in content and 'href="#' not in content
    feed = json.loads((site / "output" / "feeds" / "feed.json").read_text())
    assert "https://monitor.example.org/issues/2024-02/" in [i["id"] for i in feed["items"]]


def test_the_pdf_has_the_contents_and_every_day(site):
    pdf = site / "output" / "issues" / "2024-02" / "2024-02.pdf"
    reader = pypdf.PdfReader(pdf)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Contents" in text or "CONTENTS" in text
    days = month_page(site).select("section.digest-day h2")
    assert days
    for section in days:
        assert section.get_text(strip=True) in text


def test_the_email_edition_has_contents_and_numbered_days(site):
    raw = (site / "output" / "email" / "2024-02.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Iraq Weekly Monitor: February 2024"
    plain = message.get_body(("plain",)).get_content()
    assert "CONTENTS" in plain and "FEBRUARY 4, 2024" in plain and "\n1. " in plain
    assert "Key Takeaways".upper() not in plain
    html = BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser")
    assert html.select("td.day ol.daily-items > li")
    hrefs = [a["href"] for a in html.select("ul.contents a")]
    assert hrefs and all(
        h.startswith("https://monitor.example.org/issues/2024-02/#") for h in hrefs
    )


def test_digest_check_accepts_the_month_page(site):
    result = run_cli(site / "pelican.conf.py", "check")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_digest_check_reports_a_day_given_twice(project):
    conf = project()
    page = (
        "Title: T\nSlug: 2024-02\nLayout: daily\nPeriod: 2024-02-01 to 2024-02-29\n\n"
        "## One {#2024-02-01}\n\n1. **A** ([Tigris Wire](https://tigriswire.example/a)). B.\n\n"
        "## Again {#2024-02-01}\n\n1. **C** ([Tigris Wire](https://tigriswire.example/c)). D.\n\n"
        "## Later {#2024-03-01}\n\n"
    )
    (conf.parent / "content" / "issues" / "2024-02.md").write_text(page)
    output = run_cli(conf, "check").output
    assert "content/issues/2024-02.md:10: day 2024-02-01 has two headings" in output
    assert "content/issues/2024-02.md:14: day 2024-03-01 is outside the Period" in output
    assert "content/issues/2024-02.md:14: day 2024-03-01 has no items" in output
