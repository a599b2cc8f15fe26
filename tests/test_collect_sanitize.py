"""sanitize (clean_html, html_to_text, safe_url) and normalize (RawEntry -> Item)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from digest.collect.normalize import MAX_HTML, MAX_TEXT, MAX_TITLE, normalize
from digest.collect.sanitize import clean_html, html_to_text, safe_url
from digest.models import RawEntry, Source

BASE = "https://example.org/news/feed.xml"
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)
SOURCE = Source(name="Example", url=BASE, language="en")

# BAD-INPUTS 25, 26, 27, 28: script, handlers, hostile URL schemes, CSS, mXSS payloads.
HOSTILE = [
    '<p onclick="steal()">Hello <script>alert(1)</script>world</p>',
    "<img src=x onerror=alert(1)>caption",
    '<a href="javascript:alert(1)">js</a>',
    '<a href="JaVaScRiPt:alert(1)">js</a>',
    '<a href="java&#x09;script:alert(1)">js</a>',
    '<a href="&#106;avascript:alert(1)">js</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="file:///etc/passwd">file</a>',
    '<div style="background:url(javascript:alert(1));position:fixed;top:0">styled</div>',
    "<style>@import url(file:///etc/passwd);</style>after style",
    '<iframe src="https://evil.example/"></iframe><object data="x"></object>framed',
    '<svg onload="alert(1)"><image href="file:///etc/passwd"/></svg>svg',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--><img src=x onerror=alert(1)>-->",
    "sa<!-- -- nonwhitespace >fe<script>alert(1)</script>",
    "safe<!--",
    '<form action="javascript:alert(1)"><button formaction="javascript:x">b</button></form>',
    '<a href="https://ok.example/" onmouseover="x()" target="_blank" rel="opener">ok</a>',
]
FORBIDDEN = re.compile(
    r"<(script|style|img|iframe|object|embed|svg|math|form|button)\b|\son\w+\s*=|javascript:"
    r"|vbscript:|data:|file:|style=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_cleaned_and_cleaning_is_idempotent(html):
    cleaned = clean_html(html, BASE)
    assert not FORBIDDEN.search(cleaned), cleaned
    assert clean_html(cleaned, BASE) == cleaned
    assert clean_html(cleaned) == cleaned


def test_visible_text_is_kept():
    assert clean_html(HOSTILE[0]) == "<p>Hello world</p>"
    assert clean_html(HOSTILE[1]) == "caption"  # img dropped entirely (email/PDF safety)
    assert clean_html(HOSTILE[9]) == "<div>styled</div>"
    assert clean_html(HOSTILE[10]) == "after style"
    assert clean_html(HOSTILE[11]) == "framed"


def test_links_are_absolutized_and_marked():  # BAD-INPUTS 24
    html = '<a href="/post/1">a</a><a href="../../etc/passwd">b</a><a href="//cdn.example/x">c</a>'
    assert clean_html(html, BASE) == (
        '<a href="https://example.org/post/1" rel="noopener noreferrer nofollow">a</a>'
        '<a href="https://example.org/etc/passwd" rel="noopener noreferrer nofollow">b</a>'
        '<a href="https://cdn.example/x" rel="noopener noreferrer nofollow">c</a>'
    )
    # Without a base a relative link has no meaning: it is dropped, the text stays.
    assert clean_html('<a href="/post/1">a</a>') == '<a rel="noopener noreferrer nofollow">a</a>'
    assert clean_html('<a href="mailto:desk@example.org">m</a>', BASE) == (
        '<a href="mailto:desk@example.org" rel="noopener noreferrer nofollow">m</a>'
    )


def test_page_level_headings_are_demoted_not_glued():
    assert clean_html("<h1>Head</h1>tail<h2>Sub</h2>") == "<h3>Head</h3>tail<h3>Sub</h3>"
    assert clean_html('<p dir="rtl" lang="ar">نص</p>') == '<p dir="rtl" lang="ar">نص</p>'


def test_html_to_text():
    html = "<h3>Title</h3><p>One &amp; <b>two</b>&nbsp;&eacute;</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "Title\nOne & two é\na\nb"
    assert html_to_text("<p>x<script>alert(1)</script><style>p{}</style>y</p>") == "xy"
    assert html_to_text("a<br>b<br/>c   \n\n  d") == "a\nb\nc d"
    assert html_to_text("<table><tr><td>1</td><td>2</td></tr></table>") == "1 2"
    assert html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2"


def test_html_to_text_does_not_recurse_on_deep_nesting():  # BAD-INPUTS 23
    assert html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000) == "deep"


def test_html_to_text_reads_markup_as_a_browser_does():  # BAD-INPUTS 25, 28
    # feedparser corpus: entry_title_embed, xml_unclosed_comment, xml_malicious_comment.
    assert html_to_text('safe<embed src="https://example.org/x"> description') == "safe description"
    assert html_to_text("safe<!--") == "safe"
    assert html_to_text("sa<!-- -- nonwhitespace >fe<script>alert(1)</script>") == "sa"


def test_object_fallback_content_is_kept():  # BAD-INPUTS 25
    html = 'safe<object classid="clsid:x"><param name="movie" value="x.swf"> <b>description</b>'
    assert clean_html(html) == "safe <b>description</b>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("/post/1", "https://example.org/post/1"),  # BAD-INPUTS 24
        ("//cdn.example/img.png", "https://cdn.example/img.png"),
        ("../../etc/passwd", "https://example.org/etc/passwd"),
        ("  https://example.org/x \n", "https://example.org/x"),
        ("https://例え.jp/パス", "https://例え.jp/パス"),  # an IRI is kept
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("javascript:alert(1)", None),  # BAD-INPUTS 26
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("file:///etc/passwd", None),
        ("ftp://example.org/x", None),
        ("http://bad]test/", None),
        ("http://example.org:99999/", None),
        ("", None),
        (None, None),
        # A plain-http article stays http (the link must still work), and its letters are kept.
        ("http://example.org/a", "http://example.org/a"),
        (
            "https://example.org/news/SpaceX-launch-Xmas",
            "https://example.org/news/SpaceX-launch-Xmas",
        ),
        ("mailto:", None),  # an address-less mailto: opens an empty mail, links nowhere
        # Controls around a link are trimmed as browsers trim them; inside one, a space or an
        # invisible character (a right-to-left override spoofing ".exe" as "gnp") is no link.
        ("\x00https://example.org/a\x08", "https://example.org/a"),
        ("https://example.org/two words", None),
        ("https://example.org/\u202egnp.exe", None),
        ("https://example.org/a\u200bb", None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url, BASE) == expected


def test_safe_url_without_an_http_base_keeps_only_absolute_urls():
    assert safe_url("/post/1") is None
    assert safe_url("https:///no-host") is None
    assert safe_url("/post/1", "/srv/samples/feed.xml") is None
    assert safe_url("https://example.org/", "/srv/samples/feed.xml") == "https://example.org/"
    # A blank link means "this page" only when the page is a web page, never a mail address.
    assert safe_url(" ", "https://example.org/news/") == "https://example.org/news/"
    assert safe_url(" ", "mailto:desk@example.org") is None


def test_relative_links_resolve_against_a_plain_http_source():  # BAD-INPUTS 24
    base = "http://example.org/news/feed.xml"
    assert safe_url("/post/1", base) == "http://example.org/post/1"
    assert clean_html('<a href="../post/2">b</a>', base) == (
        '<a href="http://example.org/post/2" rel="noopener noreferrer nofollow">b</a>'
    )


def test_a_mailto_base_resolves_no_relative_links():
    # A hostile xml:base="mailto:…" must not turn an entry's footnote anchors into mail links.
    html = '<p>Two rockets hit the base.<a href="#fn1">1</a></p>'
    assert clean_html(html, "mailto:desk@example.org") == (
        '<p>Two rockets hit the base.<a rel="noopener noreferrer nofollow">1</a></p>'
    )


def test_an_upper_case_mailto_base_resolves_no_relative_links_either():
    html = '<p>Two rockets hit the base.<a href="#fn1">1</a></p>'
    assert clean_html(html, "MAILTO:desk@example.org") == (
        '<p>Two rockets hit the base.<a rel="noopener noreferrer nofollow">1</a></p>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "ftp://files.example.org/report.pdf",
        "tel:+9647700000000",
        "sms:+9647700000000",
        "webcal://example.org/events.ics",
        "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a",
        "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        "ssh://example.org",
    ],
)
def test_only_web_and_mail_links_stay_links(href):
    html = f'<p>Read the <a href="{href}">full report</a>.</p>'
    assert clean_html(html, BASE) == (
        '<p>Read the <a rel="noopener noreferrer nofollow">full report</a>.</p>'
    )


# Page furniture and foreign content that a feed's HTML sometimes carries: none of it is
# the story, so its text goes with its tags, from the cleaned HTML and from the plain text.
# (An SVG beside a story; alone, its text is kept, and a formula's always: see below.)
FURNITURE = [
    "<noscript>Please enable JavaScript to watch this video.</noscript>",
    "<title>Breaking news | Example Wire</title>",
    "<textarea>Leave a comment</textarea>",
    "<select><option>Share on…</option></select>",
    "<template><p>Related stories</p></template>",
    "<svg><text>Displaced families, thousands</text></svg>",
    "<noembed>Embedded video</noembed>",
]


@pytest.mark.parametrize("furniture", FURNITURE)
def test_page_furniture_and_foreign_content_leave_no_text(furniture):
    html = f"<p>Ports reopen in Basra.</p>{furniture}"
    assert clean_html(html, BASE) == "<p>Ports reopen in Basra.</p>"
    assert html_to_text(html) == "Ports reopen in Basra."


# MathML and SVG: their markup never passes, the text a reader sees in them does, as text.
MATH_X = "<math><mi>x</mi><mo>=</mo><mn>2</mn></math>"
CHART = (
    '<svg viewBox="0 0 200 80"><title>Chart</title><desc>Bar chart of output</desc>'
    '<rect width="50" height="60"/><text x="5" y="75">Oil output</text>'
    "<text><tspan>1.2</tspan><tspan>mbpd</tspan></text>"
    "<script>steal()</script><style>text{fill:red}</style>"
    "<foreignObject><p>embedded page</p></foreignObject></svg>"
)


def test_a_formula_keeps_its_text_in_its_sentence():
    html = f"<p>The model gives {MATH_X} at noon.</p>"
    assert clean_html(html, BASE) == "<p>The model gives x=2 at noon.</p>"
    assert html_to_text(html) == "The model gives x=2 at noon."
    assert clean_html(MATH_X) == "x=2" and html_to_text(MATH_X) == "x=2"


def test_a_formula_leaves_out_its_tex_source_and_invisible_parts():
    html = (
        "<math><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn>"
        '</msup></mrow><annotation encoding="application/x-tex">E=mc^2</annotation>'
        "</semantics><mphantom><mi>hidden</mi></mphantom></math>"
    )
    assert clean_html(html) == "E=mc2"


def test_an_svg_alone_keeps_its_labels_and_nothing_a_reader_does_not_see():
    assert clean_html(CHART, BASE) == "Oil output 1.2 mbpd"
    assert html_to_text(CHART) == "Oil output 1.2 mbpd"


@pytest.mark.parametrize(
    "html",
    [
        "<svg><text><script>steal()</script>ok</text></svg>",
        "<svg><text>ok<style>*{x:1}</style></text></svg>",
        "<math><mi>ok</mi><style><img src=x onerror=alert(1)></style></math>",
        '<svg><a href="javascript:alert(1)"><text>ok</text></a></svg>',
        "<math><mtext>ok<script>steal()</script></mtext></math>",
    ],
)
def test_foreign_text_never_takes_script_or_style_content(html):  # BAD-INPUTS 25, 28
    cleaned = clean_html(html, BASE)
    assert cleaned == "ok" and html_to_text(html) == "ok"
    assert clean_html(cleaned, BASE) == cleaned


def test_markup_written_as_text_in_a_formula_stays_text():  # BAD-INPUTS 28
    html = "<math><mtext>&lt;img src=x onerror=alert(1)&gt;</mtext></math>"
    assert clean_html(html) == "&lt;img src=x onerror=alert(1)&gt;"  # no "<": no element


def test_html_to_text_lines_come_from_blocks_not_from_source_newlines():
    html = (
        "<p>Ports reopen\nin Basra</p><pre>09:00 arrivals\n10:00 departures</pre>"
        "<p>Talks\nresume in Erbil.</p>"
    )
    assert html_to_text(html) == (
        "Ports reopen in Basra\n09:00 arrivals\n10:00 departures\nTalks resume in Erbil."
    )
    # Sectioning elements are blocks too, though they are not kept in clean HTML.
    html = "<main><section>Ports reopen.</section><section>Talks resume.</section>"
    html += "<address>Wire desk, Baghdad</address></main>"
    assert html_to_text(html) == "Ports reopen.\nTalks resume.\nWire desk, Baghdad"


def test_html_to_text_keeps_line_breaks_until_the_outer_of_nested_pres_closes():
    html = (
        "<pre>Casualties by province:\n<pre>Basra  12\nNinewa  9</pre>Total  21\n(provisional)"
        "</pre>Figures\nfrom the ministry."
    )
    assert html_to_text(html) == (
        "Casualties by province:\nBasra 12\nNinewa 9\nTotal 21\n(provisional)\n"
        "Figures from the ministry."
    )


# --------------------------------------------------------------------------- normalize


def entry(**fields) -> RawEntry:
    fields = {"title": "A title", "url": "https://example.org/a", **fields}
    fields.setdefault("published", datetime(2024, 2, 4, 10, tzinfo=UTC))
    return RawEntry(**fields)


def item_of(raw: RawEntry, base_url: str | None = BASE):
    return normalize(raw, SOURCE, now=NOW, base_url=base_url)


def test_normalize_cleans_every_field():  # BAD-INPUTS 18, 29
    raw = entry(
        title="  <b>Cafe\u0301</b> &amp;\x00 <img src=x onerror=alert(1)>\n news\ufffe ",
        url="/a\x07",
        guid="  g-1\x1f ",
        summary_html='<p onclick="x">Body <a href="../more">more</a></p><script>bad()</script>',
        published=datetime(2024, 2, 4, 10, tzinfo=timezone(timedelta(hours=3))),
        language="ar",
    )
    item = item_of(raw)
    assert item is not None
    assert item.source == "Example"
    assert item.title == "Caf\u00e9 & news"  # NFC, tags out, entity decoded, spaces collapsed
    assert item.url == "https://example.org/a"
    assert item.guid == "g-1"
    assert item.summary_html == (
        '<p>Body <a href="https://example.org/more" rel="noopener noreferrer nofollow">more</a></p>'
    )
    assert item.text == "Body more"
    assert item.published == datetime(2024, 2, 4, 7, tzinfo=UTC)
    assert item.published.utcoffset() == timedelta(0)
    assert (item.language, item.date_flag) == ("ar", None)


def test_normalize_drops_unsafe_urls_and_bad_languages():  # BAD-INPUTS 24, 26
    item = item_of(entry(url="javascript:alert(1)", language="<script>"))
    assert item is not None
    assert item.url is None
    assert item.language == "en"  # the source's
    assert item_of(entry(url="/relative"), base_url=None).url is None


def test_an_entry_with_neither_title_nor_text_is_dropped():
    assert item_of(entry(title=" <b> </b> ", summary_html="<p>\x00</p><img src=x>")) is None
    assert item_of(entry(title="", summary_html="Only text")).text == "Only text"


def test_size_caps():  # BAD-INPUTS 23
    started = time.monotonic()
    item = item_of(entry(title="word " * 2000, summary_html="<p>" + "long text " * 500_000))
    assert time.monotonic() - started < 5
    assert item is not None
    assert len(item.title) <= MAX_TITLE and item.title.endswith("…")
    assert len(item.text) <= MAX_TEXT and item.text.endswith("…")
    assert len(item.summary_html) <= MAX_HTML + 100
    assert clean_html(item.summary_html) == item.summary_html  # the cut left valid HTML


@pytest.mark.parametrize(
    ("published", "expected", "flag"),
    [
        (None, NOW, "missing"),  # BAD-INPUTS 22
        (datetime(2099, 1, 1, tzinfo=UTC), NOW, "future"),
        (NOW + timedelta(hours=20), NOW + timedelta(hours=20), None),  # within the slack
        (datetime(1970, 1, 1, tzinfo=UTC), NOW, "invalid"),  # epoch 0
        (datetime(2024, 2, 4, 10), datetime(2024, 2, 4, 10, tzinfo=UTC), None),  # naive: UTC
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), NOW, "invalid"),
    ],
)
def test_dates(published, expected, flag):
    item = item_of(entry(published=published))
    assert item is not None
    assert (item.published, item.date_flag) == (expected, flag)


def test_a_feed_guid_is_kept_as_given_and_a_huge_one_hashed():  # BAD-INPUTS 21
    assert item_of(entry(guid="urn:1")).guid == "urn:1"
    assert item_of(entry(guid=None, url="/p/1")).guid is None  # identity.py decides then
    assert len(item_of(entry(guid="x" * 5000)).guid) == len("sha256:") + 64


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        normalize(entry(), SOURCE, now=datetime(2024, 2, 10), base_url=None)


def test_a_widened_policy_keeps_more_and_still_everything_the_content_policy_keeps():
    from digest.collect.sanitize import CONTENT

    page = CONTENT.widened(["section"], {"section": ["id"], "a": ["class"]}, link_rel=None)
    html = (
        '<section id="politics"><p>On <a href="https://x.example/a" class="more" '
        'title="t">Monday</a></p></section><script>x()</script>'
    )
    assert page.clean(html, None) == (
        '<section id="politics"><p>On <a href="https://x.example/a" class="more" title="t">'
        "Monday</a></p></section>"
    )
    # The content policy itself is untouched: no section, no class, and its own rel.
    assert CONTENT.clean(html, None) == (
        '<p>On <a href="https://x.example/a" title="t" rel="noopener noreferrer nofollow">'
        "Monday</a></p>"
    )
    assert page.tags == CONTENT.tags | {"section"}
    assert page.attributes["a"] == CONTENT.attributes["a"] | {"class"}
    assert page.attributes["td"] == CONTENT.attributes["td"]  # untouched tags keep theirs
    # The rel a widened policy gives links is its own.
    marked = CONTENT.widened([], {}, link_rel="nofollow")
    assert 'rel="nofollow">' in marked.clean('<a href="https://x.example/a">a</a>', None)
