"""The Markdown contract: what the editor's file says is what readers get."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from markdown_it.common.normalize_url import normalizeLink

from digest.errors import ContentError
from digest.models import (
    Citation,
    DraftOptions,
    DraftSection,
    EditionItem,
    Entry,
    Incident,
    Issue,
    Link,
    Period,
    SectionRule,
    Source,
)
from digest.render.edition import (
    parse_edition,
    parse_period,
    source_for,
    split_metadata,
    unknown_links,
)
from digest.render.issue_markdown import draft_markdown
from digest.render.markdown import markdown, normalize_link

SECTIONS = (SectionRule("politics", "Politics"), SectionRule("security", "Security"))
SOURCES = (
    Source("Tigris Wire", "https://tigriswire.example/rss", domains=("tigriswire.example",)),
    Source("Baghdad Observer", "https://bo.example/", domains=("baghdadobserver.example",)),
)

ISSUE = """\
Title: Weekly: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Issue: 2
Period: 2024-02-02 to 2024-02-08

<!-- an editor's note that readers never see -->

## Twelve Provinces Elect Governors {#politics}

Takeaway: Councils elected governors in twelve provinces.

On February 4, councils met ([Baghdad Observer](https://baghdadobserver.example/a)).

On February 5, more met ([Tigris Wire](https://www.tigriswire.example/b), [Baghdad Observer](https://baghdadobserver.example/c)).

## Bomb Kills Two {#security}

Takeaway: A bomb killed two soldiers.

On February 4, a bomb exploded ([Tigris Wire](https://tigriswire.example/d)) and [a blog](https://blog.example/x) said so.

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah | 2 | ? |
"""


def edition():
    return parse_edition(ISSUE, slug="2024-02-08", sections=SECTIONS, sources=SOURCES)


def test_sections_keep_their_ids_labels_and_takeaways():
    e = edition()
    assert [(s.key, s.label, s.headline) for s in e.sections] == [
        ("politics", "Politics", "Twelve Provinces Elect Governors"),
        ("security", "Security", "Bomb Kills Two"),
    ]
    assert e.sections[0].takeaway_text == "Councils elected governors in twelve provinces."
    assert "Takeaway:" not in e.sections[0].body_html
    assert e.number == 2 and e.period.start == date(2024, 2, 2)


def test_sources_cited_follow_the_links_in_order_of_first_appearance():
    e = edition()
    assert e.sections[0].sources_cited == ("Baghdad Observer", "Tigris Wire")
    assert e.sections[1].sources_cited == ("Tigris Wire",)
    assert "Sources cited in this section include: Baghdad Observer, Tigris Wire." in e.html


def test_links_to_unknown_domains_are_reported_with_their_line():
    (link,) = edition().unknown_links
    assert (link.url, link.line) == ("https://blog.example/x", 21)


def test_incident_table_is_marked_and_read():
    e = edition()
    assert '<table class="incidents">' in e.html
    (row,) = e.incidents
    assert (row.day, row.location, row.deaths, row.injuries) == (
        date(2024, 2, 4),
        "Tarmiyah",
        2,
        None,
    )


TABLE = """\
| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah | 2 | ? |
"""


def with_table(table: str, after: str = "") -> str:
    return ISSUE.replace(TABLE, table) + after


def security(text: str):
    return parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES).sections[1]


def footer(body_html: str) -> list[str]:
    (row,) = BeautifulSoup(body_html, "html.parser").select("table.incidents tfoot tr")
    return [cell.get_text() for cell in row.find_all(["th", "td"])]


def test_a_kind_column_is_read_and_totals_count_unknowns_as_a_lower_bound():
    text = with_table(
        "| Date | Location | Kind | Deaths | Injuries |\n"
        "| --- | --- | --- | ---: | ---: |\n"
        "| 2024-02-04 | Tarmiyah, Baghdad | IED | 2 | ? |\n"
        "| 2024-02-05 | Hamrin, Diyala | Air strike | ? | 4 |\n"
        "| 2024-02-06 | Jalawla, Diyala | ? | 7 | 10 |\n"
    )
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert [(i.location, i.kind, i.deaths, i.injuries) for i in e.incidents] == [
        ("Tarmiyah, Baghdad", "ied", 2, None),
        ("Hamrin, Diyala", "airstrike", None, 4),
        ("Jalawla, Diyala", "", 7, 10),
    ]
    assert footer(e.html) == ["Total", "3 incidents", "", "at least 9", "at least 14"]
    page = BeautifulSoup(e.html, "html.parser")
    assert len(page.select("table.incidents tbody tr")) == 3  # the totals are not a row
    assert page.select_one("tfoot th")["scope"] == "row"


def test_columns_are_found_by_header_so_the_editor_may_reorder_and_add_them():
    text = with_table(
        "| Killed | Wounded | Date | Source | Location |\n"
        "| ---: | ---: | --- | --- | --- |\n"
        "| 1 | 2 | 2024-02-04 | INA | Tarmiyah |\n"
        "| 3 | 0 | 2024-02-05 | Shafaq | Hamrin |\n"
    )
    section = security(text)
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert [(i.day.day, i.location, i.deaths, i.injuries) for i in e.incidents] == [
        (4, "Tarmiyah", 1, 2),
        (5, "Hamrin", 3, 0),
    ]
    # The counts under their own columns; the label in the first free column.
    assert footer(section.body_html) == ["4", "2", "Total", "2 incidents", ""]
    page = BeautifulSoup(section.body_html, "html.parser")
    assert [th.get("class") for th in page.select("thead th")] == [
        ["num"],
        ["num"],
        ["incident-date"],
        None,
        None,
    ]


def test_a_table_of_something_else_gets_no_totals():
    text = with_table("| Date | Event |\n| --- | --- |\n| 2024-02-04 | Talks |\n")
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert e.incidents == () and "<tfoot>" not in e.html
    assert 'class="incidents"' not in e.html


def test_the_note_under_the_table_is_the_tables_not_a_story():
    note = "Not counted above: 5 militants killed (February 5, Hamrin, Diyala)."
    section = security(with_table(TABLE, f"\n{note}\n"))
    assert [item.text for item in section.items] == [
        "On February 4, a bomb exploded (Tigris Wire) and a blog said so."
    ]
    page = BeautifulSoup(section.body_html, "html.parser")
    assert page.select_one("p.incidents-note").get_text() == note
    # Elsewhere the same words are an ordinary paragraph.
    moved = ISSUE.replace(
        "Takeaway: A bomb killed two soldiers.\n", f"Takeaway: A bomb.\n\n{note}\n"
    )
    assert len(security(moved).items) == 2


def drafted_issue() -> Issue:
    entry = Entry(
        date(2024, 2, 4),
        "Bomb",
        "A roadside bomb killed two soldiers.",
        (Citation("Tigris Wire", "https://tigriswire.example/a"),),
    )
    section = DraftSection("security", "Security", "Bomb Kills Two", "A bomb.", (entry,))
    rows = (
        Incident(date(2024, 2, 4), "Tarmiyah, Baghdad", 2, None, "Bomb", kind="ied"),
        Incident(date(2024, 2, 5), "Hamrin, Diyala", 1, 0, "Strike", "airstrike", 5),
    )
    period = Period(date(2024, 2, 2), date(2024, 2, 8))
    return Issue("2024-02-08", "Weekly", 2, period, "weekly", (section,), rows, 2, 1)


def read_back(options: DraftOptions | None):
    text = draft_markdown(drafted_issue(), options)
    return text, parse_edition(text, slug="2024-02-08", sections=SECTIONS, sources=SOURCES)


def test_a_draft_with_a_kind_column_reads_back_with_its_kinds():
    text, e = read_back(DraftOptions(incident_kind_column=True))
    assert "| Date | Location | Kind | Deaths | Injuries |" in text
    assert "| 2024-02-04 | Tarmiyah, Baghdad | IED | 2 | ? |" in text
    assert [(i.kind, i.deaths) for i in e.incidents] == [("ied", 2), ("airstrike", 1)]
    # Militants stay apart (the default), in a note the editor can edit.
    assert "\nNot counted above: 5 militants killed (February 5, Hamrin, Diyala).\n" in text
    assert footer(e.html) == ["Total", "2 incidents", "", "3", "?"]
    assert len(e.sections[0].items) == 1


def test_a_draft_without_options_keeps_four_columns():
    text, e = read_back(None)
    assert "| Date | Location | Deaths | Injuries |" in text and "Kind" not in text
    assert [i.kind for i in e.incidents] == ["", ""]


def test_militants_counted_or_excluded_as_the_editor_chose():
    counted, e = read_back(DraftOptions(militants="count"))
    assert [i.deaths for i in e.incidents] == [2, 6]
    excluded, e = read_back(DraftOptions(militants="exclude"))
    assert [i.deaths for i in e.incidents] == [2, 1]
    assert "militants" not in counted and "militants" not in excluded


def test_key_takeaways_link_to_every_section():
    html = edition().html
    assert html.count('<a class="more" href="#') == 2
    assert 'id="politics"' in html and 'href="#politics"' in html


def test_items_carry_their_date_sources_and_links():
    item = edition().sections[0].items[1]
    assert item.day == date(2024, 2, 5)
    assert item.sources == ("Tigris Wire", "Baghdad Observer")
    assert item.links == ("https://www.tigriswire.example/b", "https://baghdadobserver.example/c")


def test_comments_vanish_and_raw_html_is_shown_as_text():
    text = ISSUE + "\nOn February 6, <img src=x onerror=alert(1)> [x](javascript:alert(1)).\n"
    html = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES).html
    assert "editor's note" not in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert 'href="javascript' not in html


def test_a_bad_incident_count_is_a_clear_error():
    with pytest.raises(ContentError, match="'two' is not a number"):
        parse_edition(
            ISSUE.replace("| 2 |", "| two |"), slug="s", sections=SECTIONS, sources=SOURCES
        )


RTL_ISSUE = """\
Title: Mixed
Date: 2024-02-08

## Mixed Languages {#politics}

في 4 شباط، اجتمع مجلس محافظة بغداد لانتخاب المحافظ الجديد ([المرصد](https://baghdadobserver.example/ar)).

ئەنجومەنی پارێزگای هەولێر کۆبووەوە بۆ هەڵبژاردنی پارێزگار ([Rudaw](https://rudaw.example/ckb/1)).

Baghdad's council met on February 4 to elect a governor ([Tigris Wire](https://tigriswire.example/e)).
"""


def test_right_to_left_items_carry_dir_and_their_language():
    sources = (
        *SOURCES,
        Source("Rudaw", "https://rudaw.example/", language="ckb", domains=("rudaw.example",)),
    )
    section = parse_edition(RTL_ISSUE, slug="mixed", sections=SECTIONS, sources=sources).sections[0]
    arabic, sorani, english = section.items
    # Arabic by script when its source declares no language; the source's own when it does.
    assert (arabic.language, sorani.language, english.language) == ("ar", "ckb", None)
    assert '<p dir="rtl" lang="ar">' in section.body_html
    assert '<p dir="rtl" lang="ckb">' in section.body_html
    assert '<p dir="auto">Baghdad' in section.body_html


def test_a_link_is_credited_to_the_source_with_the_most_specific_domain():
    sources = (
        Source("Example", "https://example.org/", domains=("example.org",)),
        Source("Example News", "https://news.example.org/", domains=("news.example.org",)),
    )
    assert source_for("https://news.example.org/a", sources) == "Example News"
    assert source_for("https://live.news.example.org/a", sources) == "Example News"
    assert source_for("https://www.example.org/a", sources) == "Example"
    assert source_for("https://other.example.org/a", sources) == "Example"
    assert source_for("https://example.org.evil.example/a", sources) is None
    assert source_for("https://notexample.org/a", sources) is None
    assert source_for("https://news.example.org/a", list(sources)) == "Example News"


@pytest.mark.parametrize(
    "url",
    [
        "https://tigriswire.example/news/2024/02/08/story-1?ref=rss&x=1#top",
        "http://a.b-c.example:8080/p",
        "https://Example.ORG/Path",
        "https://example.org/a b",
        "https://example.org/%7Euser/%zz",
        "https://пример.example/путь",
        "https://example.org/[x]",
        "https://user:pw@example.org/",
        "mailto:desk@example.org",
        "#security",
        "../2024-02-01/",
        "https://example.org/it's(1)*!$;,",
    ],
)
def test_the_fast_link_normalizer_agrees_with_markdown_it(url):
    assert normalize_link(url) == normalizeLink(url)


@pytest.mark.parametrize(
    ("heading", "key", "label"),
    [
        # Words and figures joined by hyphens; what is neither drops out.
        (
            "Oil Exports Rise 5% in January",
            "oil-exports-rise-5-in-january",
            "Oil Exports Rise 5 In January",
        ),
        # No hyphen left hanging where the headline starts or ends with punctuation.
        ("“Kirkuk Elects a Governor”", "kirkuk-elects-a-governor", "Kirkuk Elects A Governor"),
        # A headline in a script without Latin letters still gets an id.
        ("انتخاب محافظ كركوك", "section", "Section"),
    ],
)
def test_a_section_without_a_key_gets_one_from_its_headline(heading, key, label):
    text = ISSUE.replace("## Bomb Kills Two {#security}", f"## {heading}")
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    section = e.sections[1]
    assert (section.key, section.headline) == (key, heading)
    assert section.label == label  # no DIGEST_SECTIONS title: made from the key
    page = BeautifulSoup(e.html, "html.parser")
    assert page.select("section.digest-section")[1]["id"] == key
    assert [a["href"] for a in page.select("a.more")] == ["#politics", f"#{key}"]


def test_placeholder_counts_are_unknown_not_zero_and_every_column_is_read():
    text = with_table(
        "| Date | Location | Deaths | Injuries |\n"
        "| --- | --- | ---: | ---: |\n"
        "| 2024-02-04 | Tarmiyah, Baghdad | 2 | - |\n"
        "| 2024-02-05 | Hamrin, Diyala | – | 3 |\n"
        "| 2024-02-06 | Jalawla, Diyala | unknown | 5 |\n"
        "| 2024-02-07 | Baiji, Salahuddin | 0 | 0 |\n"
    )
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert [(i.day, i.location, i.deaths, i.injuries) for i in e.incidents] == [
        (date(2024, 2, 4), "Tarmiyah, Baghdad", 2, None),
        (date(2024, 2, 5), "Hamrin, Diyala", None, 3),
        (date(2024, 2, 6), "Jalawla, Diyala", None, 5),
        (date(2024, 2, 7), "Baiji, Salahuddin", 0, 0),
    ]
    assert footer(e.html) == ["Total", "4 incidents", "at least 2", "at least 8"]
    # The footer's counts keep their column's right alignment (`---:`).
    cells = BeautifulSoup(e.html, "html.parser").select("table.incidents tfoot td")
    assert [cell.get("style") for cell in cells] == [None, "text-align:right", "text-align:right"]


def test_injuries_are_read_and_totalled_when_every_row_reports_them():
    text = with_table(
        "| Date | Location | Deaths | Injuries |\n"
        "| --- | --- | --- | --- |\n"
        "| 2024-02-04 | Tarmiyah, Baghdad | 2 | 4 |\n"
        "| 2024-02-05 | Hamrin, Diyala | 1 | 6 |\n"
    )
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert [i.injuries for i in e.incidents] == [4, 6]
    assert footer(e.html) == ["Total", "2 incidents", "3", "10"]


@pytest.mark.parametrize(
    "table",
    [TABLE, "| Date | Event |\n| --- | --- |\n| 2024-02-04 | Talks |\n"],
    ids=["incident table", "other table"],
)
def test_every_table_header_cell_is_a_column_header_for_screen_readers(table):
    html = parse_edition(with_table(table), slug="s", sections=SECTIONS, sources=SOURCES).html
    headers = BeautifulSoup(html, "html.parser").select("table thead th")
    assert headers and all(th.get("scope") == "col" for th in headers)


# --------------------------------------------------------------------------- the header

WEEKLY = """\
Title: Iraq Weekly Monitor: February 2 – 8, 2024
Date: 2024-02-08
Period: 2024-02-02 to 2024-02-08

This week: Kirkuk's new governor
and the dinar.

## Kirkuk Elects a Governor {#politics}

Takeaway: Kirkuk's council elected a **Kurdish** governor.

On February 6, the council elected Dilshad Rauf Aziz
([Tigris Wire](https://tigriswire.example/kirkuk)).

## Dinar Firms {#economy}

The dinar firmed on the Baghdad market on Monday, traders said.

Officials expect the gap with the official rate to narrow.
"""

ECONOMY = (*SECTIONS, SectionRule("economy", "Economy and Energy"))


def weekly(text: str = WEEKLY):
    return parse_edition(text, slug="2024-02-08", sections=ECONOMY, sources=SOURCES)


def test_the_header_ends_at_the_first_blank_line_and_keys_are_case_blind():
    doc = split_metadata("Title: Weekly\nISSUE:  7 \nperiod: 2024-02-02 to 2024-02-08\n\nBody\n")
    assert doc.meta == {"title": "Weekly", "issue": "7", "period": "2024-02-02 to 2024-02-08"}
    assert (doc.body, doc.body_line) == ("\nBody\n", 3)


def test_a_file_saved_with_windows_line_ends_splits_like_its_unix_twin():
    unix = "Title: Weekly\nDate: 2024-02-08\n\n## Bomb Kills Two {#security}\n"
    assert split_metadata(unix.replace("\n", "\r\n")) == split_metadata(unix)


def test_a_file_of_header_lines_only_has_an_empty_body():
    doc = split_metadata("Title: Weekly\nDate: 2024-02-08")
    assert (doc.meta["date"], doc.body, doc.body_line) == ("2024-02-08", "", 2)
    e = parse_edition("Title: Weekly\nDate: 2024-02-08", slug="s", sections=(), sources=())
    assert (e.title, e.intro_html, e.html, e.sections) == ("Weekly", "", "\n", ())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date: 2024-02-08\n\n## Bomb {#security}\n", "line 1: missing 'Title:' metadata"),
        ("Title:   \n\n## Bomb {#security}\n", "line 1: missing 'Title:' metadata"),
        # A file that starts with its body has no header at all.
        ("## Bomb Kills Two {#security}\n\nText.\n", "line 1: missing 'Title:' metadata"),
        ("Title: W\nIssue: two\n\nText.\n", "Issue: 'two' is not a whole number"),
        (
            "Title: W\nLayout: monthly\n\nText.\n",
            "Layout: 'monthly' is not one of weekly, daily, report",
        ),
        (
            "Title: W\nPeriod: February 2 to 8\n\nText.\n",
            "Period: 'February 2 to 8' is not a real date range (no year); write YYYY-MM-DD to"
            " YYYY-MM-DD, or as titles write periods, e.g. 'February 2 – 8, 2024', 'Aug. 19-25,"
            " 2020', 'Jan. 28-Feb. 3, 2024', 'December 29, 2023 – January 4, 2024', 'October 2023'",
        ),
        (
            "Title: W\nPeriod: 2024-02-08 to 2024-02-02\n\nText.\n",
            "Period: '2024-02-08 to 2024-02-02' ends before it starts",
        ),
    ],
)
def test_a_bad_header_is_a_clear_error(text, message):
    with pytest.raises(ContentError) as raised:
        parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("2024-02-02 to 2024-02-08", Period(date(2024, 2, 2), date(2024, 2, 8))),
        ("2024-02-02 – 2024-02-08", Period(date(2024, 2, 2), date(2024, 2, 8))),
        (" 2024-02-01 / 2024-02-29 ", Period(date(2024, 2, 1), date(2024, 2, 29))),
        # A special issue on a single day.
        ("2024-02-08 to 2024-02-08", Period(date(2024, 2, 8), date(2024, 2, 8))),
        ("", None),
        (None, None),
    ],
)
def test_a_period_is_two_iso_days(value, period):
    assert parse_period(value) == period


@pytest.mark.parametrize(
    ("layout", "expected"), [("daily", "daily"), (" Daily ", "daily"), ("", "weekly")]
)
def test_the_layout_is_read_case_blind_and_weekly_when_left_blank(layout, expected):
    text = f"Title: T\nLayout: {layout}\n\nA note.\n"
    assert parse_edition(text, slug="t", sections=(), sources=()).layout == expected


def test_the_summary_header_wins_over_the_headlines_with_its_spaces_tidied():
    assert weekly().summary == "Kirkuk Elects a Governor; Dinar Firms"
    e = weekly(WEEKLY.replace("Date:", "Summary:  Kirkuk has a governor;\tthe dinar firms\nDate:"))
    assert e.summary == "Kirkuk has a governor; the dinar firms"


# --------------------------------------------------------------------------- the weekly page


def test_the_weekly_page_reads_intro_key_takeaways_then_sections():
    e = weekly()
    assert (e.title, e.slug, e.number, e.layout, e.days) == (
        "Iraq Weekly Monitor: February 2 – 8, 2024",
        "2024-02-08",
        None,
        "weekly",
        (),
    )
    assert e.intro_html == "<p>This week: Kirkuk's new governor\nand the dinar.</p>\n"
    assert e.html == (
        "<p>This week: Kirkuk's new governor\nand the dinar.</p>\n\n"
        '<nav class="key-takeaways-box" aria-labelledby="key-takeaways-title">\n'
        '<h2 id="key-takeaways-title">Key Takeaways</h2>\n'
        '<ul class="key-takeaways">\n'
        '<li dir="auto"><strong class="takeaway-headline">Kirkuk Elects a Governor</strong>'
        " – Kirkuk's council elected a <strong>Kurdish</strong> governor."
        ' <a class="more" href="#politics">more…</a></li>\n'
        '<li dir="auto"><strong class="takeaway-headline">Dinar Firms</strong>'
        ' <a class="more" href="#economy">more…</a></li>\n'
        "</ul>\n</nav>\n"
        '<section class="digest-section" id="politics" aria-labelledby="politics-title">\n'
        '<p class="section-label">Politics</p>\n'
        '<h2 id="politics-title" dir="auto">Kirkuk Elects a Governor</h2>\n'
        '<p dir="auto">On February 6, the council elected Dilshad Rauf Aziz\n'
        '(<a href="https://tigriswire.example/kirkuk">Tigris Wire</a>).</p>\n\n'
        '<p class="sources-cited">Sources cited in this section include: Tigris Wire.</p>\n'
        "</section>\n"
        '<section class="digest-section" id="economy" aria-labelledby="economy-title">\n'
        '<p class="section-label">Economy and Energy</p>\n'
        '<h2 id="economy-title" dir="auto">Dinar Firms</h2>\n'
        '<p dir="auto">The dinar firmed on the Baghdad market on Monday, traders said.</p>\n'
        '<p dir="auto">Officials expect the gap with the official rate to narrow.</p>\n\n'
        "</section>\n"
    )


def test_a_page_without_an_intro_starts_with_its_key_takeaways():
    e = edition()
    assert e.intro_html == ""
    assert e.html.startswith('<nav class="key-takeaways-box"')


def test_a_section_remembers_its_line_and_its_label_from_the_settings():
    politics, economy = weekly().sections
    assert (politics.line, economy.line) == (8, 15)
    assert (economy.key, economy.label) == ("economy", "Economy and Energy")
    # Without a Takeaway: paragraph the bullet is the headline alone.
    assert (economy.takeaway_html, economy.takeaway_text) == ("", "")
    assert politics.takeaway_text == "Kirkuk's council elected a Kurdish governor."


def test_an_item_is_its_paragraph_with_the_day_it_names():
    politics, economy = weekly().sections
    assert politics.items[0] == EditionItem(
        day=date(2024, 2, 6),
        text="On February 6, the council elected Dilshad Rauf Aziz (Tigris Wire).",
        html="On February 6, the council elected Dilshad Rauf Aziz\n"
        '(<a href="https://tigriswire.example/kirkuk">Tigris Wire</a>).',
        sources=("Tigris Wire",),
        links=("https://tigriswire.example/kirkuk",),
    )
    # "on Monday" in an issue ending Thursday, February 8 is Monday, February 5; a
    # paragraph that names no day has none.
    assert [item.day for item in economy.items] == [date(2024, 2, 5), None]


def test_a_day_named_in_a_weekly_issue_is_read_from_three_days_after_its_end():
    # The issue ends on Thursday, February 8; reports published up to Sunday count.
    text = WEEKLY.replace("on Monday", "on February 8").replace(
        "Officials expect", "On Saturday, officials said they expect"
    )
    economy = weekly(text).sections[1]
    assert [item.day for item in economy.items] == [date(2024, 2, 8), date(2024, 2, 10)]


def test_the_takeaway_is_the_sections_first_paragraph_even_under_a_table():
    text = ISSUE.replace(
        "Takeaway: A bomb killed two soldiers.\n\n"
        "On February 4, a bomb exploded ([Tigris Wire](https://tigriswire.example/d)) "
        "and [a blog](https://blog.example/x) said so.\n\n" + TABLE,
        TABLE + "\nTakeaway: A bomb killed two soldiers.\n\n"
        "On February 4, a bomb exploded ([Tigris Wire](https://tigriswire.example/d)).\n",
    )
    section = security(text)
    assert section.takeaway_text == "A bomb killed two soldiers."
    assert [item.text for item in section.items] == [
        "On February 4, a bomb exploded (Tigris Wire)."
    ]


def test_the_incident_table_is_wrapped_and_captioned_for_readers():
    html = security(ISSUE).body_html
    assert (
        'said so.</p>\n<div class="table-wrap"><table class="incidents">\n'
        "<caption>Security incidents</caption>\n<thead>" in html
    )
    assert html.count("</table></div>") == 1 and html.count("</table>") == 1


@pytest.mark.parametrize(
    ("paragraph", "text"),
    [
        # A paragraph the editor wrapped reads as one line.
        ("Councils met in Kirkuk\nand in Diyala.", "Councils met in Kirkuk and in Diyala."),
        ("Councils met in Kirkuk\\\nand in Diyala.", "Councils met in Kirkuk and in Diyala."),
        ("Councils met in Kirkuk  \nand in Diyala.", "Councils met in Kirkuk and in Diyala."),
        # Code spans keep their words; emphasis is only markup.
        (
            "Posts tagged `#KirkukGovernor` *spread* fast.",
            "Posts tagged #KirkukGovernor spread fast.",
        ),
    ],
)
def test_an_items_text_is_what_the_reader_reads(paragraph, text):
    economy = WEEKLY.split("## Dinar Firms {#economy}")[0] + "## Dinar Firms {#economy}\n\n"
    (item,) = weekly(economy + paragraph + "\n").sections[1].items
    assert item.text == text


def test_the_tokens_already_parsed_are_the_ones_read():
    # issue_check parses the body once and hands parse_edition its tokens to mark up.
    tokens = markdown().parse(split_metadata(ISSUE).body)
    e = parse_edition(ISSUE, slug="2024-02-08", sections=SECTIONS, sources=SOURCES, tokens=tokens)
    assert e == edition()
    (table,) = [t for t in tokens if t.type == "table_open"]
    assert table.attrGet("class") == "incidents"


# --------------------------------------------------------------------------- links and sources


def test_each_link_keeps_its_own_text_and_line():
    text = ISSUE.replace(
        "On February 5, more met",
        "On February 5, more met, [Tigris Wire](https://tigriswire.example/t) "
        "said, and [the *Observer*](https://baghdadobserver.example/o) agreed",
    )
    links = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES).sections[0].links
    assert [(link.url, link.text, link.line) for link in links] == [
        ("https://baghdadobserver.example/a", "Baghdad Observer", 13),
        ("https://tigriswire.example/t", "Tigris Wire", 15),
        ("https://baghdadobserver.example/o", "the Observer", 15),
        ("https://www.tigriswire.example/b", "Tigris Wire", 15),
        ("https://baghdadobserver.example/c", "Baghdad Observer", 15),
    ]


def test_a_link_left_without_its_address_is_kept_empty_and_not_reported():
    text = ISSUE.replace("https://baghdadobserver.example/a", "")
    e = parse_edition(text, slug="s", sections=SECTIONS, sources=SOURCES)
    assert e.sections[0].items[0].links == ("",)
    assert [link.url for link in e.unknown_links] == ["https://blog.example/x"]


def test_unknown_links_are_web_links_crediting_no_source():
    links = [
        Link("http://blog.example/x", "a blog", 3),
        Link("https://tigriswire.example/a", "Tigris Wire", 4),
        Link("mailto:desk@blog.example", "the desk", 5),
        Link("#security", "below", 6),
        Link("../2024-02-01/", "last week", 7),
    ]
    assert unknown_links(links, SOURCES) == (links[0],)


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("paragraph", "language"),
    [
        ("Baghdad's council met ([Tigris Wire](https://tigriswire.example/e)).", None),
        # Arabic or Hebrew by script when no source declares a language ...
        ("اجتمع مجلس محافظة بغداد ([المرصد](https://baghdadobserver.example/ar)).", "ar"),
        ("לפי דיווח בעיתון הארץ, נפגעו שני חיילים ([Haaretz](https://haaretz.example/1)).", "he"),
        # ... Hebrew only when more than half of the right-to-left letters are Hebrew.
        ("نقلت صحيفة يديعوت أحرونوت (ידיעות אחרונות) عن مصادر أمنية.", "ar"),
        ("ميناء حيفا (נמל חיפה).", "ar"),
        ("عكا وحيفا (עכו וחיפה)", "ar"),  # Acre and Haifa: half and half
        # A paragraph of figures has no direction of its own.
        ("14 – 2 – 0", None),
    ],
)
def test_a_paragraph_in_right_to_left_script_gets_rtl_and_a_language(paragraph, language):
    text = RTL_ISSUE.split("## ")[0] + "## Mixed {#politics}\n\n" + paragraph + "\n"
    section = parse_edition(text, slug="m", sections=SECTIONS, sources=SOURCES).sections[0]
    (item,) = section.items
    assert item.language == language
    opening = f'<p dir="rtl" lang="{language}">' if language else '<p dir="auto">'
    assert section.body_html.startswith(opening)


# --------------------------------------------------------------------------- the daily layout

DAILY_SOURCES = (
    *SOURCES,
    Source(
        "Euphrates News Agency",
        "https://euphrates-news.example/rss",
        domains=("euphrates-news.example",),
    ),
    Source(
        "Relief Monitor", "https://reliefmonitor.example/rss", domains=("reliefmonitor.example",)
    ),
    Source(
        "Al-Rafidain",
        "https://alrafidain.example/rss",
        language="ar",
        domains=("alrafidain.example",),
    ),
    Source("Rudaw", "https://rudaw.example/", language="ckb", domains=("rudaw.example",)),
)

DAILY = """\
Title: Iraq Weekly Monitor: February 2024
Date: 2024-02-29
Slug: 2024-02
Issue: 3
Period: 2024-02-01 to 2024-02-29
Layout: daily

<!-- digest:draft sha256:5d41402abc4b2a76b9719d911017c592 -->

## February 4, 2024 {#2024-02-04}

1. **Two Soldiers Killed in Roadside Bomb near Tarmiyah** ([Euphrates News Agency](https://euphrates-news.example/en/news/120388), [Baghdad Observer](https://baghdadobserver.example/security/roadside-bomb-tarmiyah)). A roadside bomb struck an army patrol near Tarmiyah,
   north of Baghdad, killing two soldiers and wounding three others.
2. **Aid Convoy Reaches Returnees in al-Qaim** ([Relief Monitor](https://reliefmonitor.example/updates/aid-convoy-al-qaim)). An aid convoy delivered food parcels to 1,200 returnee families.

## February 6, 2024 {#2024-02-06}

1. **Cholera Cases in Basra Rise to 14** ([Euphrates News Agency](https://euphrates-news.example/en/news/120399)). The number of confirmed cholera cases in Basra province has risen to 14.

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah, Baghdad | 2 | 3 |
"""  # each item on one line, as digest drafts it


def daily(text: str = DAILY):
    return parse_edition(text, slug="2024-02", sections=(), sources=DAILY_SOURCES)


def test_a_daily_digest_has_a_day_per_heading():
    e = daily()
    assert (e.title, e.slug, e.number, e.layout, e.sections) == (
        "Iraq Weekly Monitor: February 2024",
        "2024-02",
        3,
        "daily",
        (),
    )
    assert e.period == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert [(d.key, d.day, d.heading, d.line) for d in e.days] == [
        ("2024-02-04", date(2024, 2, 4), "February 4, 2024", 10),
        ("2024-02-06", date(2024, 2, 6), "February 6, 2024", 16),
    ]
    # The editor's comment is no intro: the page opens with its contents.
    assert e.intro_html == "" and e.unknown_links == ()
    assert e.html.startswith('<nav class="toc"')
    assert (
        '</ol>\n\n<p class="sources-cited">Sources cited on this day: '
        "Euphrates News Agency, Baghdad Observer, Relief Monitor.</p>\n</section>" in e.html
    )


def test_a_numbered_item_reads_title_sources_then_summary():
    first, second = daily().days[0].items
    assert first == EditionItem(
        day=date(2024, 2, 4),
        text="Two Soldiers Killed in Roadside Bomb near Tarmiyah (Euphrates News Agency, "
        "Baghdad Observer). A roadside bomb struck an army patrol near Tarmiyah, north of "
        "Baghdad, killing two soldiers and wounding three others.",
        html="<strong>Two Soldiers Killed in Roadside Bomb near Tarmiyah</strong> "
        '(<a href="https://euphrates-news.example/en/news/120388">Euphrates News Agency</a>, '
        '<a href="https://baghdadobserver.example/security/roadside-bomb-tarmiyah">'
        "Baghdad Observer</a>). A roadside bomb struck an army patrol near Tarmiyah,\n"
        "north of Baghdad, killing two soldiers and wounding three others.",
        sources=("Euphrates News Agency", "Baghdad Observer"),
        links=(
            "https://euphrates-news.example/en/news/120388",
            "https://baghdadobserver.example/security/roadside-bomb-tarmiyah",
        ),
        title="Two Soldiers Killed in Roadside Bomb near Tarmiyah",
        number=1,
    )
    assert (second.number, second.title, second.sources) == (
        2,
        "Aid Convoy Reaches Returnees in al-Qaim",
        ("Relief Monitor",),
    )


def test_a_day_cites_its_sources_and_keeps_its_links_with_their_lines():
    first, second = daily().days
    assert first.sources_cited == ("Euphrates News Agency", "Baghdad Observer", "Relief Monitor")
    assert [(link.text, link.line) for link in first.links] == [
        ("Euphrates News Agency", 12),
        ("Baghdad Observer", 12),
        ("Relief Monitor", 14),
    ]
    assert [link.url for link in second.links] == ["https://euphrates-news.example/en/news/120399"]


def test_a_days_incident_table_is_read_wrapped_and_is_no_item():
    e = daily()
    assert e.incidents == (Incident(date(2024, 2, 4), "Tarmiyah, Baghdad", 2, 3, ""),)
    day = e.days[1]
    assert len(day.items) == 1
    assert day.body_html.startswith(
        '<ol class="daily-items">\n<li dir="auto"><strong>Cholera Cases in Basra Rise to 14'
    )
    assert (
        '</ol>\n<div class="table-wrap"><table class="incidents">\n'
        "<caption>Security incidents</caption>\n<thead>" in day.body_html
    )
    assert day.body_html.endswith("</tfoot>\n</table></div>\n")


def test_a_link_in_a_days_table_is_cited_and_the_note_under_it_is_no_item():
    table = "| 2024-02-04 | Tarmiyah, Baghdad | 2 | 3 |\n"
    text = DAILY.replace(
        table,
        "| 2024-02-04 | [Tarmiyah](https://tigriswire.example/t), Baghdad | 2 | 3 |\n\n"
        "Not counted above: 5 militants killed (February 5, Hamrin, Diyala).\n",
    )
    day = daily(text).days[1]
    assert [item.title for item in day.items] == ["Cholera Cases in Basra Rise to 14"]
    assert day.sources_cited == ("Euphrates News Agency", "Tigris Wire")


SMALL_MONTH = """\
Title: Daily Digest: October 2023
Layout: daily

Compiled from the morning reports.

## October 1, 2023 {#2023-10-01}

1. **Governor Elected** ([Tigris Wire](https://tigriswire.example/governor-elected)). The council met.
2. **Prices Steady** (Baghdad Observer). Markets were calm.

## October 2, 2023 {#2023-10-02}

1. **Ceasefire Holds** (Tigris Wire).
"""


def test_the_month_page_has_contents_then_a_section_per_day():
    e = daily(SMALL_MONTH)
    assert e.intro_html == "<p>Compiled from the morning reports.</p>\n"
    assert e.html == (
        "<p>Compiled from the morning reports.</p>\n\n"
        '<nav class="toc" aria-labelledby="toc-title">\n'
        '<h2 id="toc-title">Contents</h2>\n'
        '<ul class="toc-days">\n'
        '<li><a href="#2023-10-01">October 1, 2023</a>'
        ' <span class="toc-count">(2 items)</span></li>\n'
        '<li><a href="#2023-10-02">October 2, 2023</a>'
        ' <span class="toc-count">(1 item)</span></li>\n'
        "</ul>\n</nav>\n"
        '<section class="digest-day" id="2023-10-01" aria-labelledby="2023-10-01-title">\n'
        '<h2 id="2023-10-01-title" dir="auto">October 1, 2023</h2>\n'
        '<ol class="daily-items">\n'
        '<li dir="auto"><strong>Governor Elected</strong> '
        '(<a href="https://tigriswire.example/governor-elected">Tigris Wire</a>).'
        " The council met.</li>\n"
        '<li dir="auto"><strong>Prices Steady</strong> (Baghdad Observer).'
        " Markets were calm.</li>\n"
        "</ol>\n\n"
        '<p class="sources-cited">Sources cited on this day: Tigris Wire.</p>\n'
        "</section>\n"
        # A day whose sources are named but not linked cites none.
        '<section class="digest-day" id="2023-10-02" aria-labelledby="2023-10-02-title">\n'
        '<h2 id="2023-10-02-title" dir="auto">October 2, 2023</h2>\n'
        '<ol class="daily-items">\n'
        '<li dir="auto"><strong>Ceasefire Holds</strong> (Tigris Wire).</li>\n'
        "</ol>\n\n"
        "</section>\n"
    )


def test_a_day_heading_and_its_contents_entry_show_exactly_the_editors_text():
    text = SMALL_MONTH.replace("## October 1, 2023", "## Sunday <October 1> & after")
    e = daily(text)
    assert e.days[0].heading == "Sunday <October 1> & after"
    assert '<a href="#2023-10-01">Sunday &lt;October 1&gt; &amp; after</a>' in e.html
    assert '<h2 id="2023-10-01-title" dir="auto">Sunday &lt;October 1&gt; &amp; after</h2>' in (
        e.html
    )


EDITED_DAY = """\
Title: Iraq Weekly Monitor: February 2024
Layout: daily

## Tuesday, **February 6** {#2024-02-06}

A note from the desk: reports from Anbar were delayed by a power cut.

3. **Kirkuk Council Elects Governor** ([Tigris Wire](https://tigriswire.example/2024/02/06/kirkuk)). The council elected Dilshad Rauf Aziz.
   - [Rudaw](https://rudaw.example/en/kirkuk) says nine of the 16 members voted for him.
4.

Also reported: prices steady in Baghdad ([Baghdad Observer](https://baghdadobserver.example/prices)).

5. **صحة البصرة: ارتفاع الإصابات بالكوليرا إلى 14** ([Al-Rafidain](https://alrafidain.example/news/88312)). أعلنت دائرة صحة البصرة ارتفاع عدد الإصابات.
6. **ئەنجومەنی پارێزگای کەرکووک پارێزگاری هەڵبژارد** ([Rudaw](https://rudaw.example/ckb/kirkuk)). ئەنجومەنی پارێزگا کۆبووەوە.

## {#2024-02-07}

- **Flash Floods Hit Sulaymaniyah** ([Rudaw](https://rudaw.example/en/floods)). Heavy rain caused floods.
- **Lawmakers Summon Electricity Minister** ([Tigris Wire](https://tigriswire.example/2024/02/07/summon)). Parliament voted to summon him.
"""


def test_an_edited_day_keeps_the_editors_headings_numbers_and_notes():
    tuesday, wednesday = daily(EDITED_DAY).days
    # The editor's heading, as text; a heading of the id alone gets the day's name.
    assert (tuesday.heading, wednesday.heading) == ("Tuesday, February 6", "February 7, 2024")
    assert [(i.number, i.title, i.sources) for i in tuesday.items] == [
        (None, None, ()),  # a paragraph outside a list is an item too
        (3, "Kirkuk Council Elects Governor", ("Tigris Wire", "Rudaw")),
        (4, None, ()),  # an emptied item keeps its number's place
        (None, None, ("Baghdad Observer",)),
        (5, "صحة البصرة: ارتفاع الإصابات بالكوليرا إلى 14", ("Al-Rafidain",)),
        (6, "ئەنجومەنی پارێزگای کەرکووک پارێزگاری هەڵبژارد", ("Rudaw",)),
    ]
    assert [(i.number, i.title) for i in wednesday.items] == [
        (None, "Flash Floods Hit Sulaymaniyah"),  # a bulleted list is not numbered
        (None, "Lawmakers Summon Electricity Minister"),
    ]


def test_a_nested_list_belongs_to_its_item():
    kirkuk = daily(EDITED_DAY).days[0].items[1]
    assert kirkuk.text == (
        "Kirkuk Council Elects Governor (Tigris Wire). The council elected Dilshad Rauf Aziz. "
        "Rudaw says nine of the 16 members voted for him."
    )
    assert kirkuk.html == (
        '<strong>Kirkuk Council Elects Governor</strong> (<a href="https://tigriswire.example/'
        '2024/02/06/kirkuk">Tigris Wire</a>). The council elected Dilshad Rauf Aziz. '
        '<a href="https://rudaw.example/en/kirkuk">Rudaw</a> says nine of the 16 members voted '
        "for him."
    )
    assert kirkuk.links == (
        "https://tigriswire.example/2024/02/06/kirkuk",
        "https://rudaw.example/en/kirkuk",
    )


def test_an_emptied_item_and_a_note_read_as_they_are():
    note, _, emptied, also = daily(EDITED_DAY).days[0].items[:4]
    day = date(2024, 2, 6)
    assert note == EditionItem(
        day,
        "A note from the desk: reports from Anbar were delayed by a power cut.",
        "A note from the desk: reports from Anbar were delayed by a power cut.",
        (),
        (),
    )
    assert emptied == EditionItem(day, "", "", (), (), number=4)
    assert also.html == (
        "Also reported: prices steady in Baghdad "
        '(<a href="https://baghdadobserver.example/prices">Baghdad Observer</a>).'
    )


def test_only_a_days_top_numbered_lists_are_its_daily_items():
    e = daily(EDITED_DAY)
    page = BeautifulSoup(e.html, "html.parser")
    tuesday, wednesday = page.select("section.digest-day")
    assert [(ol.get("start"), ol.get("class")) for ol in tuesday.select("ol")] == [
        ("3", ["daily-items"]),
        ("5", ["daily-items"]),
    ]
    assert [ul.get("class") for ul in page.select("ul:not(.toc-days)")] == [None, None]
    assert [li.get("dir") for li in tuesday.select("ol.daily-items > li")] == [
        "auto",
        "auto",
        "rtl",
        "rtl",
    ]
    assert [li.get("dir") for li in wednesday.select("ul > li")] == ["auto", "auto"]
    assert [p.get("dir") for p in tuesday.select("p:not(.sources-cited)")] == ["auto", "auto"]
    assert "<ul>\n<li><a href" in e.html  # the nested list's items are left alone


def test_a_days_right_to_left_items_say_their_sources_language():
    items = daily(EDITED_DAY).days[0].items
    assert [item.language for item in items] == [None, None, None, None, "ar", "ckb"]
    html = daily(EDITED_DAY).html
    assert '<li dir="rtl" lang="ar"><strong>صحة البصرة' in html
    assert '<li dir="rtl" lang="ckb"><strong>ئەنجومەنی' in html


def test_a_day_cites_every_source_linked_under_it_once_in_order():
    tuesday, wednesday = daily(EDITED_DAY).days
    assert tuesday.sources_cited == ("Tigris Wire", "Rudaw", "Baghdad Observer", "Al-Rafidain")
    assert wednesday.sources_cited == ("Rudaw", "Tigris Wire")
    assert [link.line for link in tuesday.links] == [8, 9, 12, 14, 15]


@pytest.mark.parametrize(
    "heading",
    [
        "## Politics {#politics}",
        "## February 30, 2024 {#2024-02-30}",  # not a real day
        "## February 4, 2024",
    ],
)
def test_a_day_heading_without_a_real_day_is_a_clear_error(heading):
    text = DAILY.replace("## February 6, 2024 {#2024-02-06}", heading)
    with pytest.raises(ContentError) as raised:
        daily(text)
    assert str(raised.value) == (
        "line 16: in a daily digest every '##' heading ends with its day, "
        "e.g. '## February 1, 2024 {#2024-02-01}'"
    )


SUMMARY_MONTH = """\
Title: Iraq Weekly Monitor: February 2024
Layout: daily

## February 4, 2024 {#2024-02-04}

1. **Aid Convoy Reaches al-Qaim** ([Relief Monitor](https://reliefmonitor.example/a)). Food parcels arrived.
2. **Dinar Firms Against Dollar** ([Tigris Wire](https://tigriswire.example/d)). The dinar firmed.
3. **Two Soldiers Killed near Tarmiyah** ([Euphrates News Agency](https://euphrates-news.example/1), [Baghdad Observer](https://baghdadobserver.example/2), [Tigris Wire](https://tigriswire.example/3)). A bomb struck a patrol.

## February 5, 2024 {#2024-02-05}

Power cuts lengthened in Baghdad as Iranian gas supplies fell ([Tigris Wire](https://tigriswire.example/p), [Baghdad Observer](https://baghdadobserver.example/p)).

1. **Baghdad Signs Satellite Internet Deal with SpaceX** ([Tigris Wire](https://tigriswire.example/s), [Baghdad Observer](https://baghdadobserver.example/s)). The deal covers remote areas.
"""


def test_the_month_summary_counts_items_and_names_the_most_told_stories():
    # The three stories with the most sources, ties in reading order; an untitled item by
    # its text, without its full stop.
    assert daily(SUMMARY_MONTH).summary == (
        "5 items on 2 days: Two Soldiers Killed near Tarmiyah; Power cuts lengthened in "
        "Baghdad as Iranian gas supplies fell (Tigris Wire, Baghdad Observer); Baghdad Signs "
        "Satellite Internet Deal with SpaceX"
    )


def test_a_month_of_one_item_says_so_in_the_singular():
    text = SMALL_MONTH.split("## October 1")[0] + "## October 2, 2023 {#2023-10-02}\n\n"
    text += "1. **Ceasefire Holds** (Tigris Wire).\n"
    assert daily(text).summary == "1 item on 1 day: Ceasefire Holds"


def test_the_summary_header_wins_in_a_daily_digest_too():
    text = SMALL_MONTH.replace("Layout:", "Summary: Curfew lifted;  ceasefire holds\nLayout:")
    assert daily(text).summary == "Curfew lifted; ceasefire holds"


def test_a_month_without_items_has_no_summary_and_no_contents():
    e = daily("Title: Daily Digest: October 2023\nLayout: daily\n\nNothing to report yet.\n")
    assert (e.days, e.summary, e.incidents) == ((), "", ())
    assert e.html == "<p>Nothing to report yet.</p>\n\n"
    e = daily(
        "Title: Daily Digest: October 2023\nLayout: daily\n\n## October 1, 2023 {#2023-10-01}\n"
    )
    assert (len(e.days), e.summary) == (1, "")
    assert '<span class="toc-count">(0 items)</span>' in e.html


def test_links_of_a_daily_digest_to_unknown_sites_are_reported():
    text = DAILY.replace("https://reliefmonitor.example/", "https://relief.example/")
    (link,) = daily(text).unknown_links
    assert (link.url, link.text, link.line) == (
        "https://relief.example/updates/aid-convoy-al-qaim",
        "Relief Monitor",
        14,
    )


def test_items_are_dated_against_the_period_else_the_date_else_not_at_all():
    """The page of an issue reads the same whatever day it is built on."""
    without_period = ISSUE.replace("Period: 2024-02-02 to 2024-02-08\n", "")
    e = parse_edition(without_period, slug="x", sections=SECTIONS, sources=SOURCES)
    assert [i.day for i in e.sections[0].items] == [date(2024, 2, 4), date(2024, 2, 5)]
    undated = without_period.replace("Date: 2024-02-08\n", "")
    e = parse_edition(undated, slug="x", sections=SECTIONS, sources=SOURCES)
    assert [i.day for i in e.sections[0].items] == [None, None]
    bad_date = without_period.replace("Date: 2024-02-08", "Date: next Thursday")
    e = parse_edition(bad_date, slug="x", sections=SECTIONS, sources=SOURCES)
    assert [i.day for i in e.sections[0].items] == [None, None]


def test_a_link_without_a_host_credits_no_source():
    assert source_for("mailto:desk@tigriswire.example", SOURCES) is None
    assert source_for("#fn1", SOURCES) is None
    assert source_for("https://www.tigriswire.example/b", SOURCES) == "Tigris Wire"
    assert source_for("https://news.baghdadobserver.example/b", SOURCES) == "Baghdad Observer"


def test_the_period_not_the_publication_date_bounds_the_days_an_item_may_name():
    """Published four days after its period, an issue still dates the period's first days."""
    late = ISSUE.replace("Date: 2024-02-08", "Date: 2024-02-12").replace(
        "On February 4, councils met", "On February 1, councils met"
    )
    e = parse_edition(late, slug="x", sections=SECTIONS, sources=SOURCES)
    assert e.sections[0].items[0].day == date(2024, 2, 1)


def _bodies(folder) -> list[str]:
    from benchmarks.archive import write_archive
    from tests.conftest import ROOT

    files = [*ROOT.glob("tests/data/**/*.md"), *ROOT.glob("samples/**/*.md")]
    files += write_archive(folder, 13)  # weekly issues with tables, links, Arabic paragraphs
    return [split_metadata(f.read_text(encoding="utf-8", errors="replace")).body for f in files]


def test_a_body_is_rendered_as_markdown_it_renders_it_with_its_paragraphs_made_once(tmp_path):
    # parse_edition renders each paragraph for its item, and the section's body from those
    # (edition._render): the bytes markdown-it's own renderer writes, whichever it reuses.
    from digest.render.edition import _HTML_MADE, _render

    md = markdown()
    bodies = _bodies(tmp_path)
    assert len(bodies) > 50
    for body in bodies:
        tokens = md.parse(body)
        expected = md.renderer.render(tokens, md.options, {})
        assert _render(md, tokens) == expected
        for i, token in enumerate(tokens):  # as _body_items keeps them
            if token.type == "inline" and tokens[i - 1].type == "paragraph_open":
                token.meta[_HTML_MADE] = md.renderer.renderInline(token.children, md.options, {})
        assert _render(md, tokens) == expected


def test_a_tokens_links_are_read_once_and_lined_by_each_callers_offset():
    from digest.render.edition import links_of

    [_, inline, _] = markdown().parse(
        "See [A](https://a.example/x) and [B *b*](https://b.example/)."
    )
    first = links_of(inline, 0)
    assert [(link.url, link.text, link.line) for link in first] == [
        ("https://a.example/x", "A", 1),
        ("https://b.example/", "B b", 1),
    ]
    again = links_of(inline, 0)  # read from the token: a list of the caller's own
    again.append(again.pop(0))
    assert links_of(inline, 0) == first
    assert [link.line for link in links_of(inline, 9)] == [10, 10]  # the body's own offset
