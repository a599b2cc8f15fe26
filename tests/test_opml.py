"""OPML in and out (digest/config/opml.py): the shapes real feed readers export, hostile
files refused, and an export read back as the same sources."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from digest.config.opml import Feed, read_opml, section_for, site_url, write_opml
from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.errors import OpmlError
from digest.models import SectionRule, Source
from tests.support.http_server import LocalServer

DATA = Path(__file__).parent / "data" / "opml"
SECTIONS = tuple(SectionRule(key=s["key"], title=s["title"]) for s in DEFAULT_SECTIONS)
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)


def read(name: str):
    return read_opml((DATA / name).read_bytes(), name)


def sections_of(name: str) -> dict[str, str | None]:
    return {
        feed.title: (found[0] if (found := section_for(feed.categories, SECTIONS)) else None)
        for feed in read(name).feeds
    }


# --------------------------------------------------------------------------- readers' exports


def test_a_feedly_export_keeps_folders_as_categories_and_order():
    opml = read("feedly.opml")
    assert opml.title == "Monitor desk subscriptions in feedly Cloud"
    assert [(f.title, f.xml_url, f.categories) for f in opml.feeds] == [
        ("Rudaw English", "https://www.rudaw.net/english/rss", (("Politics",),)),
        ("Shafaq News", "https://shafaq.com/en/rss", (("Politics",),)),
        ("ISW Iraq", "https://feeds.feedburner.com/isw-iraq", (("Security",),)),
        ("Shafaq News", "https://shafaq.com/en/rss", (("Must Read",),)),  # a feed in 2 folders
    ]
    assert opml.feeds[2].html_url == "https://www.understandingwar.org/"
    assert opml.notes == ()


def test_an_inoreader_export_reads_entities_and_leaves_top_level_feeds_uncategorised():
    feeds = read("inoreader.opml").feeds
    assert feeds[1].title == "Reuters: Business & Markets"
    assert feeds[1].xml_url == "https://news.example/rss?section=business&region=mena"
    assert sections_of("inoreader.opml") == {
        "Iraq Oil Report": "economy",
        "Reuters: Business & Markets": "economy",
        "ReliefWeb Iraq": "humanitarian",
        "Unsorted podcast": None,
    }
    assert feeds[-1].categories == ()


def test_a_miniflux_export_with_nested_folders_takes_the_deepest_folder_first():
    feeds = read("miniflux.opml").feeds
    assert feeds[1].categories == (("Region", "Middle East", "Politics"),)
    assert sections_of("miniflux.opml") == {"Kurdistan 24": None, "Al-Monitor Iraq": "politics"}


def test_a_freshrss_export_keeps_languages_and_skips_what_is_no_feed_with_a_note():
    opml = read("freshrss.opml")
    assert [(f.title, f.language) for f in opml.feeds] == [
        ("Jihad Watch Arabic", "ar"),
        ("Kurdish Security Desk", "ckb"),
    ]
    assert sections_of("freshrss.opml") == {
        "Jihad Watch Arabic": None,  # "Sécurité" is no section's key or title
        "Kurdish Security Desk": "security",  # "security", whatever the case
    }
    assert opml.notes == (
        "'A page FreshRSS scrapes': skipped: its type 'HTML+XPath' is not a feed "
        "(add a page with `kind: html` and selectors yourself)",
        "'Gopher news': skipped: its feed address 'gopher://gopher.example/1/news' "
        "is not an http(s) URL",
        "'Local file': skipped: its feed address 'file:///etc/passwd' is not an http(s) URL",
    )


def test_the_category_attribute_counts_and_the_last_part_of_a_path_comes_first():
    feeds = read("categories.opml").feeds
    assert feeds[0].categories == (("News", "Politics"), ("Iraq",))
    assert sections_of("categories.opml") == {
        "Baghdad Today": "politics",
        "Dinar Watch": "economy",  # "/Markets/ECONOMY": the title, any case
        "No category": None,
    }


def test_opml_1_0_in_latin_1_with_character_references_and_markup_in_titles():
    opml = read("opml1-latin1.opml")
    assert opml.title == "Café & Press"
    first, second = opml.feeds
    # `text` is what readers show; lower-case xmlurl/htmlurl from old exporters count too.
    assert first.title == "Le Café d\u2019Irak <b>"
    assert first.xml_url == "http://cafe.example/rss.php?a=1&b=2"
    assert first.html_url == "http://cafe.example/"
    assert first.categories == (("Old folder",),)
    assert second.title == "Spaced out"  # line breaks and runs of spaces, one line


def test_a_section_matches_by_key_or_title_case_insensitively():
    sections = (SectionRule("econ", "Economy & Trade"), SectionRule("security", "Safety"))
    assert section_for([("x", "ECON")], sections) == ("econ", "ECON")
    assert section_for([("economy & trade",)], sections) == ("econ", "economy & trade")
    assert section_for([("Security", "Elsewhere")], sections) == ("security", "Security")
    assert section_for([("Security", "econ")], sections) == ("econ", "econ")  # deepest first
    assert section_for([("Elsewhere",), ("Safety",)], sections) == ("security", "Safety")
    assert section_for([("Sport",)], sections) is None
    assert section_for([], sections) is None


# --------------------------------------------------------------------------- hostile files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-be"])
def test_a_billion_laughs_is_refused_not_expanded(encoding):  # BAD-INPUTS 14
    data = (DATA / "billion-laughs.opml").read_bytes()
    if encoding != "utf-8":
        data = b"\xfe\xff" + data.decode("utf-8").encode(encoding)
    started = time.monotonic()
    with pytest.raises(OpmlError) as refused:
        read_opml(data, "billion-laughs.opml")
    assert time.monotonic() - started < 1
    assert str(refused.value) == (
        "billion-laughs.opml: refused: it declares XML entities or refers to outside ones "
        "(EntitiesForbidden), which an OPML file never needs (a billion laughs?)"
    )


def test_an_external_entity_is_refused_and_never_fetched():  # BAD-INPUTS 16
    with LocalServer() as server:
        server.static("/x.dtd", body=b'<!ENTITY secret "leaked">')
        document = (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY ext SYSTEM "{server.url("/x.dtd")}">]>'
            '<opml version="2.0"><body><outline text="&ext;" xmlUrl="https://a.example/"/>'
            "</body></opml>"
        ).encode()
        with pytest.raises(OpmlError, match=r"^x\.opml: refused: it declares XML entities"):
            read_opml(document, "x.opml")
        # A DOCTYPE pointing outside is not followed either: the file reads, nothing is fetched.
        outside = (
            f'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{server.url("/x.dtd")}">'
            '<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/"/></body></opml>'
        ).encode()
        assert [f.title for f in read_opml(outside, "y.opml").feeds] == ["A"]
        assert server.requests == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "broken.opml",
            "broken.opml: not well-formed XML: invalid token at line 5, column 23; "
            "export the file from your feed reader again",
        ),
        ("not-opml.xml", "not-opml.xml: not an OPML file: its root element is <rss>, not <opml>"),
    ],
)
def test_a_file_that_is_not_opml_is_one_readable_error_naming_it(name, message):
    with pytest.raises(OpmlError) as refused:
        read(name)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "e.opml: not well-formed XML: no element found at line 1, column 1"),
        (b"\x89PNG\r\n\x1a\n", "e.opml: not well-formed XML: invalid token at line 1, column 1"),
        (b"<opml version='2.0'><head/></opml>", "e.opml: not an OPML file: it has no <body>"),
        (b"<opml><body><outline text='&eacute;'/></body></opml>", "undefined entity"),
    ],
)
def test_empty_binary_or_bodiless_files_are_refused(data, message):
    with pytest.raises(OpmlError) as refused:
        read_opml(data, "e.opml")
    assert message in str(refused.value)


def test_folders_nested_thousands_deep_are_read_without_recursion():  # BAD-INPUTS 23
    depth = 5000
    data = (
        "<opml><body>"
        + '<outline text="f">' * depth
        + '<outline text="deep" xmlUrl="https://deep.example/feed"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    (feed,) = read_opml(data, "deep.opml").feeds
    assert feed.title == "deep" and len(feed.categories[0]) == depth


# --------------------------------------------------------------------------- writing


def source(name: str, url: str, **fields) -> Source:
    host = url.split("/")[2].removeprefix("www.")
    domains = fields.pop("domains", ())
    return Source(name=name, url=url, domains=(*domains, host), **fields)


SOURCES = (
    source("Rudaw", "https://www.rudaw.net/english/rss", section="politics", language="en"),
    source("Dinar Watch", "https://dinar.example/feed", section="economy"),
    source(
        "ISW",
        "https://feeds.feedburner.com/isw",
        section="security",
        domains=("understandingwar.org",),
    ),
    source('A "quoted" <name> & co', "https://q.example/rss?a=1&b=2"),
    source("شفق نيوز", "https://shafaq.com/ar/rss", section="politics", language="ar"),
)


def test_opml_2_0_is_written_deterministically_with_a_folder_per_section():
    data = write_opml(SOURCES, SECTIONS, title="Iraq Weekly Monitor", now=NOW)
    assert data == write_opml(SOURCES, SECTIONS, title="Iraq Weekly Monitor", now=NOW)
    assert data.decode("utf-8") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0">\n'
        "  <head>\n"
        "    <title>Iraq Weekly Monitor</title>\n"
        "    <dateCreated>Sat, 10 Feb 2024 12:00:00 GMT</dateCreated>\n"
        "    <docs>http://opml.org/spec2.opml</docs>\n"
        "  </head>\n"
        "  <body>\n"
        '    <outline text="Politics" title="Politics">\n'
        '      <outline text="Rudaw" title="Rudaw" type="rss" '
        'xmlUrl="https://www.rudaw.net/english/rss" htmlUrl="https://www.rudaw.net/" '
        'category="/politics" language="en"/>\n'
        '      <outline text="شفق نيوز" title="شفق نيوز" type="rss" '
        'xmlUrl="https://shafaq.com/ar/rss" htmlUrl="https://shafaq.com/" '
        'category="/politics" language="ar"/>\n'
        "    </outline>\n"
        '    <outline text="Security" title="Security">\n'
        '      <outline text="ISW" title="ISW" type="rss" xmlUrl="https://feeds.feedburner.com/isw" '
        'htmlUrl="https://understandingwar.org/" category="/security"/>\n'
        "    </outline>\n"
        '    <outline text="Economy" title="Economy">\n'
        '      <outline text="Dinar Watch" title="Dinar Watch" type="rss" '
        'xmlUrl="https://dinar.example/feed" htmlUrl="https://dinar.example/" '
        'category="/economy"/>\n'
        "    </outline>\n"
        '    <outline text="A &quot;quoted&quot; &lt;name&gt; &amp; co" '
        'title="A &quot;quoted&quot; &lt;name&gt; &amp; co" type="rss" '
        'xmlUrl="https://q.example/rss?a=1&amp;b=2" htmlUrl="https://q.example/"/>\n'
        "  </body>\n"
        "</opml>\n"
    )
    ElementTree.fromstring(data)  # well-formed


def test_what_is_written_is_read_back_as_the_same_sources():
    data = write_opml(SOURCES, SECTIONS, title="Monitor", now=NOW)
    feeds = read_opml(data, "export.opml").feeds
    assert [f.xml_url for f in feeds] == [s.url for s in sorted(SOURCES, key=_export_order)]
    for feed in feeds:
        original = next(s for s in SOURCES if s.url == feed.xml_url)
        matched = section_for(feed.categories, SECTIONS)
        assert feed.title == original.name
        assert (matched[0] if matched else None) == original.section
        assert feed.language == original.language
        assert feed.html_url == site_url(original)


def _export_order(source: Source) -> int:
    keys = [s.key for s in SECTIONS]
    return keys.index(source.section) if source.section in keys else len(keys)


def test_characters_xml_cannot_carry_are_left_out_of_names():  # BAD-INPUTS 18
    hostile = source("Bell\x07 and \x1b[31mred", "https://x.example/feed")
    data = write_opml([hostile], SECTIONS, title="T\x00itle", now=NOW)
    (feed,) = read_opml(data, "x.opml").feeds
    assert feed.title == "Bell and [31mred"
    assert b"<title>Title</title>" in data


def test_the_site_url_is_the_credited_host_other_than_the_feeds():
    assert site_url(SOURCES[2]) == "https://understandingwar.org/"
    assert site_url(SOURCES[0]) == "https://www.rudaw.net/"
    assert isinstance(read("feedly.opml").feeds[0], Feed)


def test_feed_addresses_without_a_host_are_skipped_and_odd_site_addresses_dropped():
    data = (
        b"<opml><body>"
        b'<outline text="No host" xmlUrl="http:///feed"/>'
        b'<outline text="Bad host" xmlUrl="http://[bad/feed"/>'
        b'<outline text="Ok" xmlUrl="https://ok.example/rss" htmlUrl="javascript:alert(1)"/>'
        b"</body></opml>"
    )
    opml = read_opml(data, "odd.opml")
    assert [(f.title, f.html_url) for f in opml.feeds] == [("Ok", None)]
    assert [note.split(":")[0] for note in opml.notes] == ["'No host'", "'Bad host'"]
