"""The Markdown contract: what the editor's file says is what readers get."""

from datetime import date

import pytest
from markdown_it.common.normalize_url import normalizeLink

from digest.errors import ContentError
from digest.models import SectionRule, Source
from digest.render.edition import parse_edition, source_for
from digest.render.markdown import normalize_link

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
