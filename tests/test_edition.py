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
    Entry,
    Incident,
    Issue,
    Period,
    SectionRule,
    Source,
)
from digest.render.edition import parse_edition, source_for
from digest.render.markdown import normalize_link
from digest.render.writer import draft_markdown

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
