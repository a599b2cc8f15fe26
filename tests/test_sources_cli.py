"""`digest sources add | import | export | test` through the CLI, against real HTTP on
127.0.0.1: what arrives at the server, what the settings file holds afterwards (byte for
byte), and that a test fetch never writes to the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from digest import config
from digest.collect.discover import advertised_feeds, feed_format, usual_feed_urls
from digest.config.edit import paste_block
from digest.store import Store
from tests.conftest import FROZEN, make_project, run_cli
from tests.support.http_server import LocalServer

OPML = Path(__file__).parent / "data" / "opml"


def rss(title: str, *items: tuple[str, str], language: str = "") -> bytes:
    """An RSS 2.0 feed; items are (title, link), dated an hour apart from Feb 4, 2024."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Sun, 04 Feb 2024 {n:02d}:00:00 GMT</pubDate></item>"
        for n, (t, link) in enumerate(items)
    )
    lang = f"<language>{language}</language>" if language else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{lang}'
        f"<link>https://news.example/</link>{body}</channel></rss>"
    ).encode()


NEWS = rss(
    "Tigris Daily",
    ("Ports reopen", "https://news.example/ports"),
    ("Talks resume", "https://news.example/talks"),
    ("Council meets", "https://news.example/council"),
    language="en",
)
PAGE = b"""<!doctype html><html><head><title>Tigris Daily</title>
<base href="/news/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All news" href="feed.xml">
<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments.atom">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
</head><body><h1>Tigris Daily</h1></body></html>"""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def site(project, server) -> Path:
    """The sample project (its sources are files), allowed to fetch from the test server."""
    return project(f"DIGEST_ALLOW_PRIVATE = [{server.origin!r}]\n")


def paths(server: LocalServer) -> list[str]:
    return [path for path, _ in server.requests]


def sources(conf: Path) -> dict[str, config.Source]:
    return {s.name: s for s in config.load(conf).sources}


# --------------------------------------------------------------------------- add


def test_adding_a_feed_fetches_it_once_shows_it_and_writes_the_entry(site, server):
    server.static("/feed.xml", body=NEWS, headers={"Content-Type": "application/rss+xml"})
    before = site.read_text()
    result = run_cli(site, "sources", "add", server.url("/feed.xml"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:-1] == [
        f"feed:    {server.url('/feed.xml')}",
        "title:   Tigris Daily",
        "format:  RSS 2.0",
        "items:   3",
        "latest:",
        "  2024-02-04 02:00  Council meets",
        "  2024-02-04 01:00  Talks resume",
        "  2024-02-04 00:00  Ports reopen",
    ]
    assert result.stdout.splitlines()[-1] == (
        f"{site}: added source 'Tigris Daily' (RSS 2.0, 3 items); run `digest collect`"
    )
    # One unconditional GET, nothing else.
    assert paths(server) == ["/feed.xml"]
    headers = server.requests[0][1]
    assert "if-none-match" not in headers and "if-modified-since" not in headers
    # The file: the sample's own bytes with the entry inserted before DIGEST_SOURCES' "]".
    block = (
        "    {\n"
        '        "name": "Tigris Daily",\n'
        f'        "url": "{server.url("/feed.xml")}",\n'
        '        "language": "en",\n'
        '        "domains": ["news.example"],\n'
        "    },\n"
    )
    close = before.index("\n]\n", before.index("DIGEST_SOURCES = [")) + 1
    assert site.read_text() == before[:close] + block + before[close:]
    added = sources(site)["Tigris Daily"]
    assert added.url == server.url("/feed.xml") and added.language == "en"
    # Its articles are on another host than the feed: links there credit it.
    assert "news.example" in added.domains
    assert "note: its articles are on news.example" in result.stderr


def test_a_page_leads_to_the_first_feed_it_advertises_and_lists_the_others(site, server):
    server.static("/news/", body=PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    server.static("/news/feed.xml", body=NEWS)
    result = run_cli(site, "sources", "add", server.url("/news/"), "--section", "politics")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"{server.url('/news/')}: a page; it advertises 3 feeds:",
        f"  {server.url('/news/feed.xml')} (RSS, 'All news')  <- chosen",
        f"  {server.url('/comments.atom')} (Atom, 'Comments')",
        f"  {server.url('/wp-json/wp/v2/pages/2')} (JSON)",
        f"feed:    {server.url('/news/feed.xml')}",  # <base href> resolved, then the link
    ]
    # Stopped at the first feed that parsed: the others were never fetched.
    assert paths(server) == ["/news/", "/news/feed.xml"]
    added = sources(site)["Tigris Daily"]
    assert (added.url, added.section) == (server.url("/news/feed.xml"), "politics")


def test_a_page_advertising_nothing_is_tried_at_the_usual_paths_until_one_parses(site, server):
    server.static("/", body=b"<html><head><title>Home</title></head><body>hi</body></html>")
    server.static("/rss", body=b"<html><body>Not found, but 200</body></html>")
    server.static("/feed.xml", body=NEWS)
    server.static("/atom.xml", body=NEWS)
    result = run_cli(site, "sources", "add", server.url("/"), "--name", "Daily")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{server.url('/')}: a page that advertises no feed; found one at {server.url('/feed.xml')}"
    )
    assert paths(server) == ["/", "/feed", "/rss", "/feed.xml"]
    assert sources(site)["Daily"].url == server.url("/feed.xml")


def test_no_feed_anywhere_is_one_line_and_the_file_is_untouched(site, server):
    server.static("/", body=b"<html><head><title>Shop</title></head><body>buy</body></html>")
    before = site.read_bytes()
    result = run_cli(site, "sources", "add", server.url("/"))
    assert result.exit_code == 1
    assert result.output == (
        f"error: {server.url('/')}: not a feed (got an HTML page: 'Shop'): the page advertises "
        'no feed (no <link rel="alternate">), and none of the usual paths (/feed, /rss, '
        "/feed.xml, /atom.xml, /index.xml …) has one; pass the feed's own URL\n"
    )
    assert site.read_bytes() == before
    assert len(paths(server)) == 11  # the page and the ten usual paths, once each


def test_dry_run_prints_the_entry_and_changes_nothing(site, server):
    server.static("/feed.xml", body=NEWS)
    before = site.read_bytes()
    result = run_cli(site, "sources", "add", server.url("/feed.xml"), "--print", "--name", "T")
    assert result.exit_code == 0, result.output
    entry = {
        "name": "T",
        "url": server.url("/feed.xml"),
        "language": "en",
        "domains": ["news.example"],
    }
    assert f"the entry to add to DIGEST_SOURCES:\n{paste_block([entry])}" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        "pelican.conf.py: not changed (--dry-run); source 'T' (RSS 2.0, 3 items)"
    )
    assert site.read_bytes() == before


def test_a_url_or_a_name_already_a_source_is_refused_naming_it(site, server):
    server.static("/feed.xml", body=NEWS)
    assert run_cli(site, "sources", "add", server.url("/feed.xml")).exit_code == 0
    before = site.read_bytes()
    requests = len(server.requests)

    # The same feed, written another way (a trailing slash): refused before any fetch.
    again = run_cli(site, "sources", "add", server.url("/feed.xml/"))
    assert again.exit_code == 1
    assert again.output == (
        f"error: {server.url('/feed.xml/')}: already source 'Tigris Daily'; nothing was added\n"
    )
    taken = run_cli(site, "sources", "add", server.url("/other.xml"), "--name", "tigris wire")
    assert taken.output == (
        "error: --name 'tigris wire' is already the name of source 'Tigris Wire'\n"
    )
    assert len(server.requests) == requests

    # A page whose feed is already a source; a feed whose title is a source's name.
    server.static("/", body=b'<html><head><link rel="alternate" type="application/rss+xml" '
                  b'href="/feed.xml"></head></html>')  # fmt: skip
    via_page = run_cli(site, "sources", "add", server.url("/"))
    assert via_page.output == (
        f"error: {server.url('/')}: its feed {server.url('/feed.xml')}: already source "
        "'Tigris Daily'; nothing was added\n"
    )
    server.static("/copy.xml", body=NEWS)
    same_title = run_cli(site, "sources", "add", server.url("/copy.xml"))
    assert same_title.output == (
        f"error: {server.url('/copy.xml')}: the feed's title 'Tigris Daily' is already the "
        "name of source 'Tigris Daily'; choose another with --name\n"
    )
    assert site.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--section", "sport"],
            "error: --section 'sport': not a key of DIGEST_SECTIONS "
            "(politics, security, humanitarian, economy)",
        ),
        (["--language", "english!"], "error: --language 'english!': not a language tag"),
    ],
)
def test_a_bad_section_or_language_is_a_usage_error(site, server, args, message):
    result = run_cli(site, "sources", "add", server.url("/feed.xml"), *args)
    assert result.exit_code == 2
    assert result.output.startswith(message)
    assert server.requests == []


@pytest.mark.parametrize("url", ["/etc/passwd", "file:///etc/passwd", "ftp://x.example/feed"])
def test_a_url_that_is_not_http_is_a_usage_error(site, url):  # BAD-INPUTS 8
    result = run_cli(site, "sources", "add", url)
    assert result.exit_code == 2
    assert result.output == (
        f"error: {url!r} is not an http(s) URL; give a feed's or a site's address\n"
    )


def test_a_loopback_address_not_allowed_is_refused_saying_how_to_allow_it(project, server):
    # BAD-INPUTS 6
    server.static("/feed.xml", body=NEWS)
    conf = project()
    result = run_cli(conf, "sources", "add", server.url("/feed.xml"))
    assert result.exit_code == 1
    assert result.output == (
        f"error: {server.url('/feed.xml')}: could not fetch: refused a private address "
        "127.0.0.1; digest fetches loopback, private and link-local addresses only when they "
        "are listed in DIGEST_ALLOW_PRIVATE, e.g. "
        f'DIGEST_ALLOW_PRIVATE = ["127.0.0.1:{server.port}"]\n'
    )
    assert server.requests == []
    # The same hint for `test`, and the endpoint it names is the one that works.
    tried = run_cli(conf, "sources", "test", server.url("/feed.xml"))
    assert tried.exit_code == 1 and "DIGEST_ALLOW_PRIVATE" in tried.output
    conf.write_text(conf.read_text() + f'\nDIGEST_ALLOW_PRIVATE = ["127.0.0.1:{server.port}"]\n')
    assert run_cli(conf, "sources", "add", server.url("/feed.xml")).exit_code == 0


def test_settings_it_cannot_edit_safely_get_the_block_printed_and_stay_as_they_were(site, server):
    server.static("/feed.xml", body=NEWS)
    site.write_text(site.read_text() + "\nDIGEST_SOURCES += []  # more below\n")
    before = site.read_bytes()
    result = run_cli(site, "sources", "add", server.url("/feed.xml"), "--name", "Daily")
    assert result.exit_code == 1
    entry = {
        "name": "Daily",
        "url": server.url("/feed.xml"),
        "language": "en",
        "domains": ["news.example"],
    }
    # What was found is shown first, then the entry to paste.
    assert result.stdout.startswith(f"feed:    {server.url('/feed.xml')}\n")
    assert result.stdout.endswith(f"the entry to add to DIGEST_SOURCES:\n{paste_block([entry])}")
    line = site.read_text().count("\n")
    assert result.stderr.endswith(
        f"pelican.conf.py: left as it was, since DIGEST_SOURCES += … on line {line} changes "
        "DIGEST_SOURCES after it is set; paste the entries printed above into DIGEST_SOURCES "
        "yourself\n"
    )
    assert site.read_bytes() == before


def test_a_read_only_settings_file_is_left_alone(site, tmp_path):
    site.chmod(0o444)
    before = site.read_bytes()
    result = run_cli(site, "sources", "import", str(OPML / "feedly.opml"))
    assert result.exit_code == 1
    assert "\nthe entries to add to DIGEST_SOURCES:\n    {\n" in result.stdout
    assert result.stderr.endswith(
        "pelican.conf.py: left as it was, since it is read-only; make it writable, or paste "
        "the entries printed above into DIGEST_SOURCES yourself\n"
    )
    assert site.read_bytes() == before and site.stat().st_mode & 0o777 == 0o444


def test_the_settings_file_keeps_its_permissions(site, server):
    server.static("/feed.xml", body=NEWS)
    site.chmod(0o640)
    assert run_cli(site, "sources", "add", server.url("/feed.xml")).exit_code == 0
    assert site.stat().st_mode & 0o777 == 0o640


def test_an_edit_that_does_not_validate_is_put_back(site, server):
    # The file sets DIGEST_SOURCES as a literal, but a later function call changes it in a
    # way no text check sees; the reload notices, and the old bytes go back.
    server.static("/feed.xml", body=NEWS)
    site.write_text(
        site.read_text() + "\n\ndef _cut(xs):\n    del xs[-1]\n\n\n_cut(DIGEST_SOURCES)\n"
    )
    before = site.read_bytes()
    result = run_cli(site, "sources", "add", server.url("/feed.xml"))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "pelican.conf.py: put back as it was, since after the edit DIGEST_SOURCES did not end "
        "with the new entries (something else in the file changes it); fix that, or paste the "
        "entries printed above into DIGEST_SOURCES yourself\n"
    )
    assert site.read_bytes() == before


def test_a_hostile_feed_title_becomes_a_harmless_name(site, server):  # BAD-INPUTS 29
    title = "Daily &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; \\ News"
    server.static("/feed.xml", body=rss(title, ("A", "https://news.example/a")))
    result = run_cli(site, "sources", "add", server.url("/feed.xml"))
    assert result.exit_code == 0, result.output
    assert 'Daily "><script>alert(1)</script> \\ News' in sources(site), list(sources(site))


# --------------------------------------------------------------------------- import


def test_import_adds_every_new_feed_in_one_edit_without_fetching(site, server):
    before = site.read_text()
    result = run_cli(site, "sources", "import", str(OPML / "inoreader.opml"))
    assert result.exit_code == 0, result.output
    assert server.requests == []
    added = sources(site)
    assert added["Iraq Oil Report"].section == "economy"
    assert added["Reuters: Business & Markets"].url == (
        "https://news.example/rss?section=business&region=mena"
    )
    assert added["ReliefWeb Iraq"].section == "humanitarian"
    assert added["Unsorted podcast"].section is None
    assert result.stdout.splitlines()[-1].endswith(
        "pelican.conf.py: added 4 sources (sections from categories: economy 2, "
        "humanitarian 1); run `digest sources test NAME` to try one, or `digest collect`"
    )
    # One insertion, before DIGEST_SOURCES' closing bracket; the rest byte for byte.
    close = before.index("\n]\n", before.index("DIGEST_SOURCES = [")) + 1
    after = site.read_text()
    assert after[:close] == before[:close] and after.endswith(before[close:])

    again = run_cli(site, "sources", "import", str(OPML / "inoreader.opml"))
    assert again.exit_code == 0
    assert "note: 'Iraq Oil Report': its feed is already source 'Iraq Oil Report'" in again.stderr
    assert again.stdout.splitlines()[-1].endswith(
        f"pelican.conf.py: nothing to add: {OPML / 'inoreader.opml'} has 4 feeds, skipped 4"
    )
    assert site.read_text() == after


def test_import_renames_a_taken_name_skips_duplicates_and_names_unmatched_categories(
    site, tmp_path
):
    opml = tmp_path / "mine.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Tigris Wire" type="rss" xmlUrl="https://tigris.example/rss"/>'
        '<outline text="Sport"><outline text="Goals" xmlUrl="https://goals.example/rss"/>'
        '<outline text="Goals again" xmlUrl="http://www.goals.example/rss/"/></outline>'
        "</body></opml>"
    )
    result = run_cli(site, "sources", "import", str(opml))
    assert result.exit_code == 0, result.output
    assert set(sources(site)) >= {"Tigris Wire", "Tigris Wire (tigris.example)", "Goals"}
    assert "Goals again" not in sources(site)
    assert result.stderr.splitlines() == [
        "note: 'Goals again': its feed is already source 'Goals'",
        "note: 'Tigris Wire' is already a source's name: added as 'Tigris Wire (tigris.example)'",
        "note: categories that name no section: 'Sport' (1); their sources have no default "
        "section (add one to DIGEST_SECTIONS, or set each source's section)",
    ]


def test_import_credits_the_site_of_a_feed_served_elsewhere_in_the_form_settings_take(
    site, tmp_path
):
    opml = tmp_path / "idn.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Burner" xmlUrl="https://feeds.feedburner.com/burner" '
        'htmlUrl="https://www.bücher.example/news"/>'
        '<outline text="Same host" xmlUrl="https://same.example/rss" '
        'htmlUrl="https://www.same.example/"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert run_cli(site, "sources", "import", str(opml)).exit_code == 0
    added = sources(site)
    assert added["Burner"].domains == ("xn--bcher-kva.example", "feeds.feedburner.com")
    assert added["Same host"].domains == ("same.example",)


def test_import_dry_run_prints_the_block_and_writes_nothing(site):
    before = site.read_bytes()
    result = run_cli(site, "sources", "import", str(OPML / "feedly.opml"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "the entries to add to DIGEST_SOURCES:\n    {\n" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        "pelican.conf.py: not changed (--dry-run); would add 3 sources (sections from "
        "categories: politics 2, security 1), skipped 1"
    )
    assert site.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion-laughs.opml", "billion-laughs.opml: refused: it declares XML entities"),
        ("not-opml.xml", "not-opml.xml: not an OPML file: its root element is <rss>"),
        ("missing.opml", "missing.opml: no such file; give the OPML file a feed reader exported"),
    ],
)
def test_an_unreadable_opml_file_is_one_line_naming_it(site, name, message):
    before = site.read_bytes()
    result = run_cli(site, "sources", "import", str(OPML / name))
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and message in result.output
    assert result.output.count("\n") == 1
    assert site.read_bytes() == before


# --------------------------------------------------------------------------- export


def test_export_writes_opml_of_the_feeds_and_says_what_it_left_out(site, tmp_path):
    assert run_cli(site, "sources", "import", str(OPML / "feedly.opml")).exit_code == 0
    result = run_cli(site, "sources", "export")
    assert result.exit_code == 0
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<dateCreated>Sat, 10 Feb 2024 12:00:00 GMT</dateCreated>" in result.stdout
    assert result.stdout.count('type="rss"') == 3
    assert (
        "note: left out 'Relief Monitor': a file of this project "
        "(samples/pages/relief-monitor.html): a feed reader reads feeds only"
    ) in result.stderr
    assert result.stderr.splitlines()[-1] == "3 feeds in OPML 2.0"

    target = tmp_path / "out" / "feeds.opml"
    to_file = run_cli(site, "sources", "export", "-o", str(target))
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert target.read_text() == result.stdout


def test_export_then_import_gives_the_same_sources(project, tmp_path):
    first = project()
    assert run_cli(first, "sources", "import", str(OPML / "inoreader.opml")).exit_code == 0
    assert run_cli(first, "sources", "import", str(OPML / "freshrss.opml")).exit_code == 0
    exported = tmp_path / "export.opml"
    assert run_cli(first, "sources", "export", "-o", str(exported)).exit_code == 0

    second = make_project(tmp_path / "other")
    assert run_cli(second, "sources", "import", str(exported)).exit_code == 0
    remote = [s for s in config.load(first).sources if s.is_remote]
    assert len(remote) == 6
    # The same sources, field for field; in the export's order (a folder per section).
    again = [s for s in config.load(second).sources if s.is_remote]
    assert sorted(again, key=lambda s: s.url) == sorted(remote, key=lambda s: s.url)


# --------------------------------------------------------------------------- test


def test_test_fetches_once_shows_what_collect_would_store_and_never_touches_the_store(site, server):
    feed = rss(
        "Tigris Daily",
        ("Ports <b>reopen</b>", "https://news.example/ports"),
        ("Talks resume", "javascript:alert(1)"),  # BAD-INPUTS 26
    ).replace(b"<title>Ports <b>reopen</b>", b"<title>Ports &lt;b&gt;reopen&lt;/b&gt;")
    undated = b"<item><title>No date</title><link>https://news.example/undated</link></item>"
    feed = feed.replace(b"</channel>", undated + b"</channel>")
    server.static("/feed.xml", body=feed, headers={"ETag": '"v1"'})
    assert (
        run_cli(site, "sources", "add", server.url("/feed.xml"), "--name", "Daily").exit_code == 0
    )
    store = config.load(site).store_path
    assert not store.exists()

    result = run_cli(site, "sources", "test", "Daily")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Daily: RSS 2.0 'Tigris Daily', 3 items from {server.url('/feed.xml')}",
        "date (UTC)                  title         link",
        "2024-02-04 00:00            Ports reopen  https://news.example/ports",
        "2024-02-04 01:00            Talks resume",
        "2024-02-10 12:00 (no date)  No date       https://news.example/undated",
        "nothing was stored: a test never writes to the store (`digest collect` does)",
    ]
    assert not store.exists()  # not even created

    # What collect stores is what the test showed.
    assert run_cli(site, "collect").exit_code == 0
    with Store(store) as opened:
        stored = [
            (f"{i.published:%Y-%m-%d %H:%M}", i.title, i.url or "")
            for i in opened.items_between(FROZEN - timedelta(30), FROZEN + timedelta(1))
            if i.source == "Daily"
        ]
    shown = [
        (line[:16], line[28:42].strip(), line[42:].strip())
        for line in result.stdout.splitlines()[2:5]
    ]
    assert sorted(stored) == sorted(shown)

    # Once collect stored an ETag, a test still sends none, and the store stays as it was.
    stored_bytes = store.read_bytes()
    requests = len(server.requests)
    assert run_cli(site, "sources", "test", "daily").exit_code == 0  # names ignore case
    assert len(server.requests) == requests + 1
    assert "if-none-match" not in server.requests[-1][1]
    assert store.read_bytes() == stored_bytes


def test_test_ignores_back_off(site, server):  # BAD-INPUTS 11
    server.static("/feed.xml", body=NEWS)
    assert run_cli(site, "sources", "add", server.url("/feed.xml"), "--name", "D").exit_code == 0
    server.static("/feed.xml", status=503, headers={"Retry-After": "3600"})
    run_cli(site, "collect")
    assert "backing off" in run_cli(site, "collect").output
    server.static("/feed.xml", body=NEWS)
    requests = len(server.requests)
    result = run_cli(site, "sources", "test", "D")
    assert result.exit_code == 0, result.output
    assert len(server.requests) == requests + 1
    assert "backing off" in run_cli(site, "collect").output  # and its state is unchanged


def test_test_of_a_file_source_and_of_a_url_not_yet_a_source(site, server):
    result = run_cli(site, "sources", "test", "Mesopotamia Economic Review")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Mesopotamia Economic Review: JSON Feed 1.1 ")
    server.static("/feed.xml", body=NEWS)
    by_url = run_cli(site, "sources", "test", server.url("/feed.xml"))
    assert by_url.exit_code == 0
    assert by_url.stdout.startswith("127.0.0.1: RSS 2.0 'Tigris Daily', 3 items")
    assert f"note: not a source yet; `digest sources add {server.url('/feed.xml')}` adds it" in (
        by_url.stderr
    )


def test_test_of_a_page_names_the_feeds_it_advertises(site, server):  # BAD-INPUTS 12
    server.static("/news/", body=PAGE, headers={"Content-Type": "text/html"})
    result = run_cli(site, "sources", "test", server.url("/news/"))
    assert result.exit_code == 1
    assert result.output == (
        "error: 127.0.0.1: not a feed (got an HTML page: 'Tigris Daily'); the page advertises "
        f"{server.url('/news/feed.xml')} (RSS), {server.url('/comments.atom')} (Atom), "
        f"{server.url('/wp-json/wp/v2/pages/2')} (JSON): `digest sources add URL` picks one\n"
    )
    assert paths(server) == ["/news/"]


def test_test_of_an_unknown_name_lists_the_sources(site):
    result = run_cli(site, "sources", "test", "Nope")
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: 'Nope': no source has that name and it is not an http(s) URL (sources: "
        "'Tigris Wire', 'Kurdistan Ledger', "
    )


# --------------------------------------------------------------------------- the group


def test_the_health_table_and_reset_still_work_beside_the_subcommands(site):
    table = run_cli(site, "sources")
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split()[:3] == ["source", "kind", "health"]
    reset = run_cli(site, "sources", "--reset", "Tigris Wire")
    assert reset.output == "Tigris Wire: never fetched yet; nothing to reset\n"
    mixed = run_cli(site, "sources", "--reset", "Tigris Wire", "export")
    assert mixed.exit_code == 2
    assert mixed.output == "error: --reset goes alone: digest sources --reset Tigris Wire\n"


# --------------------------------------------------------------------------- discovery, pure

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("rss2-basic.xml", "RSS 2.0"),
        ("rss091-netscape.xml", "RSS 0.91"),
        ("rss092.xml", "RSS 0.92"),
        ("rss10-rdf.xml", "RSS 1.0"),
        ("atom-xmlbase.xml", "Atom 1.0"),
        ("atom03.xml", "Atom 0.3"),
        ("jsonfeed-1.0.json", "JSON Feed 1.0"),
        ("jsonfeed-1.1.json", "JSON Feed 1.1"),
        ("billion-laughs.xml", "RSS 2.0"),  # past a DOCTYPE's internal subset, not expanded
        ("html-page.html", None),
    ],
)
def test_a_feed_says_what_format_it_is(name, form):
    assert feed_format((FEEDS / name).read_bytes()) == form


def test_advertised_feeds_are_read_as_browsers_read_them():
    page = b"""<HTML><HEAD>
    <BASE HREF="https://cdn.example/site/"><base href="https://ignored.example/">
    <LINK REL="Alternate" TYPE="Application/RSS+XML; charset=utf-8" HREF="rss.xml#top">
    <link rel="alternate feed" type="application/atom+xml" href="//other.example/atom">
    <link rel="alternate" type="application/rss+xml" href="rss.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
    <link rel="alternate" type="text/html" hreflang="ar" href="/ar/">
    <link rel="alternate stylesheet" type="text/css" href="dark.css">
    <link rel="alternate" type="application/feed+json" title=" JSON
      feed " href="feed.json">
    </HEAD><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body>"""
    found = advertised_feeds(page, "https://www.example/news/")
    assert [(f.url, f.format, f.title) for f in found] == [
        ("https://cdn.example/site/rss.xml", "RSS", ""),
        ("https://other.example/atom", "Atom", ""),
        ("https://cdn.example/site/feed.json", "JSON Feed", "JSON feed"),
        ("https://cdn.example/late.xml", "RSS", ""),
    ]


def test_the_usual_paths_are_on_the_pages_origin():
    urls = usual_feed_urls("https://www.example:8443/blog/post?id=1")
    assert urls[:3] == [
        "https://www.example:8443/feed",
        "https://www.example:8443/rss",
        "https://www.example:8443/feed.xml",
    ]
    assert "https://www.example:8443/?feed=rss2" in urls and len(urls) == 10
