"""digest.render.page_blocks: an issue body's blocks, as the endnotes and search read them."""

from __future__ import annotations

import random
import re

from digest.publish import search_records
from digest.render import endnotes, page_blocks

# What the blocks were read with before: a block ends at the first </section> after it.
LAZY = re.compile(
    r'<section class="digest-(section|day|report)" id="([^"]*)"[^>]*>(.*?)</section>', re.DOTALL
)
PIECES = [
    '<section class="digest-section" id="politics">',
    '<section class="digest-day" id="2024-02-04" lang="ar" dir="rtl">',
    '<section class="digest-report" id="report">',
    '<section class="other" id="x">',
    "</section>",
    '<p>On February 4, <a href="https://example.org/a">Reuters</a> said.</p>',
    '<a href="http://example.org/b">b</a>',
    '<a href="/sections/security/">Security</a>',
    "text ",
    "\n",
]


def found(page: str) -> list[tuple[str, str, str]]:
    return [(o.group(1), o.group(2), page[o.end() : end]) for o, end in page_blocks.blocks(page)]


def test_blocks_are_read_in_order_each_to_its_first_closing_tag():
    page = (
        '<h1>T</h1><section class="digest-section" id="politics"><p>a</p></section>\n'
        '<section class="digest-day" id="2024-02-04" lang="ar"><p>b</p></section>tail'
    )
    assert found(page) == [("section", "politics", "<p>a</p>"), ("day", "2024-02-04", "<p>b</p>")]


def test_an_unclosed_block_and_anything_after_it_are_no_blocks():
    page = '<section class="digest-section" id="a"><p>a</p><section class="digest-day" id="b">'
    assert found(page) == []
    assert endnotes.add_endnotes(page + '<a href="https://x.org/">x</a>') == (
        page + '<a href="https://x.org/">x</a>'
    )


def test_the_same_blocks_as_the_regular_expression_on_random_pages():
    rng = random.Random(7)
    for _ in range(2000):
        page = "".join(rng.choice(PIECES) for _ in range(rng.randrange(12)))
        assert found(page) == LAZY.findall(page), page


def test_endnotes_number_each_blocks_links_and_leave_the_rest_as_written():
    page = (
        '<p><a href="https://outside.org/">o</a></p>'
        '<section class="digest-section" id="a"><a href="https://x.org/1">1</a> '
        '<a href="https://x.org/2">2</a> <a href="https://x.org/1">1</a></section>'
        '<section class="digest-section" id="b"><a href="/relative/">r</a></section>'
    )
    out = endnotes.add_endnotes(page)
    assert out.startswith('<p><a href="https://outside.org/">o</a></p>')  # outside: no note
    assert out.count('data-note="1"') == 2 and out.count('data-note="2"') == 1
    assert "<ol><li>https://x.org/1</li><li>https://x.org/2</li></ol>" in out
    # A block without http(s) links gets no list.
    assert out.endswith(
        '<section class="digest-section" id="b"><a href="/relative/">r</a></section>'
    )


def test_search_records_one_per_block():
    page = (
        '<html lang="en"><h1 class="issue-title">Monitor</h1>'
        '<section class="digest-section" id="politics"><p class="section-label">Politics</p>'
        "<p>a</p></section>"
        '<section class="digest-section" id="security"><p class="section-label">Security</p>'
        "<p>b</p></section>"
    )
    records = search_records.records(page, "/issues/x/")
    assert [(r.key, r.title, r.section) for r in records] == [
        ("politics", "Monitor · Politics", "Politics"),
        ("security", "Monitor · Security", "Security"),
    ]
