"""digest.render.markdown: plain text and plain links are read by digest's own inline rule;
its tokens must be markdown-it's, for every text, or pages and checks would change."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks.archive import write_archive
from digest.render.edition import split_metadata
from digest.render.markdown import _plain_inline, markdown, reference_parser
from tests.conftest import ROOT

WORDS = [
    "On",
    "February",
    "4,",
    "the",
    "council",
    "said",
    "قال",
    "المتحدث",
    "שלום",
    "3",
    "2024-02-04",
]
MARKS = [*" ,.:;-()$%#@{}^=+\"'|/?", "  ", "\t", "…", "—", "™"]
ADDRESSES = [
    "https://example.org/a/b",
    "http://news.example.org",
    "https://example.org/a?b=c#d",
    "https://example.org/path_(x)",
    "https://example.org/?a=1&b=2",
    "https://Example.org/a",
    "https://example.org/%20",
    "https://example.org?x=1",
    "https://example.org/a b",
    "https://example.org/a\\b",
    "https://example.org/a*b",
    "https://example.org/a'b",
    "https://example.org/a!b",
    "javascript:alert(1)",
    "mailto:desk@example.org",
    "/sections/security/",
    "#politics",
    "",
]
OTHER = [
    *["*", "**", "_", "`", "\\", "&amp;", "&", "!", "~", "\n", "]", "[", "<", ">"],
    *["_em_", "*em*", "__strong__", "`code`", "<b>", "<https://x.org>", "~~s~~", "a_b_c"],
]


def inline_text(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randrange(1, 12)):
        kind = rng.random()
        if kind < 0.45:
            pieces.append(rng.choice(WORDS))
        elif kind < 0.7:
            pieces.append(rng.choice(MARKS))
        elif kind < 0.93:
            label = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 3)))
            title = rng.choice(["", "", ' "title"'])
            space = rng.choice(["", "", " "])
            pieces.append(f"[{label}]({space}{rng.choice(ADDRESSES)}{title})")
        else:
            pieces.append(rng.choice(OTHER))
    return "".join(pieces)


def tokens(md, text: str, inline: bool) -> list[dict]:
    return [t.as_dict() for t in (md.parseInline(text) if inline else md.parse(text))]


def issue_bodies(folder: Path) -> list[str]:
    files = [*ROOT.glob("tests/data/**/*.md"), *ROOT.glob("samples/**/*.md")]
    files += write_archive(folder, 30)  # the benchmarks' issues: weekly, tables, links
    return [split_metadata(f.read_text(encoding="utf-8", errors="replace")).body for f in files]


def test_every_issue_body_is_read_as_markdown_it_reads_it(tmp_path):
    bodies = issue_bodies(tmp_path)
    assert len(bodies) > 100
    fast, reference = markdown(), reference_parser()
    for body in bodies:
        assert tokens(fast, body, False) == tokens(reference, body, False)


def test_the_fast_rule_reads_most_of_an_issue(tmp_path):
    # Not a speed test: the rule must be taken by the text it was made for, or it is dead.
    body = issue_bodies(tmp_path)[-1]
    inlines = [t for t in reference_parser().parse(body) if t.type == "inline"]
    read = [t for t in inlines if _plain_inline(t.content, markdown()) is not None]
    assert len(read) > 0.8 * len(inlines)


@pytest.mark.parametrize("seed", range(4))
def test_generated_text_is_read_as_markdown_it_reads_it(seed):
    rng = random.Random(seed)
    fast, reference = markdown(), reference_parser()
    taken = 0
    for _ in range(3000):
        text = inline_text(rng)
        taken += _plain_inline(text, fast) is not None
        assert tokens(fast, text, True) == tokens(reference, text, True), text
        paragraph = f"{text}\n\n| a | b |\n|---|---|\n| {text.strip()} | x |\n"
        assert tokens(fast, paragraph, False) == tokens(reference, paragraph, False), text
    assert 300 < taken < 2700  # both ways are exercised


@pytest.mark.parametrize("seed", range(2))
def test_line_ends_and_nul_are_normalized_as_markdown_it_does(seed):
    # digest's "normalize" rule skips the substitution for text without "\r" or NUL.
    rng = random.Random(seed)
    fast, reference = markdown(), reference_parser()
    pieces = ["\r\n", "\r", "\n", "\0", "\r\r\n", "\n\r", "  \r\n", "| a |", "# h", "- i", "w"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) + rng.choice(WORDS) for _ in range(rng.randrange(1, 9)))
        assert tokens(fast, text, False) == tokens(reference, text, False), repr(text)
        assert tokens(fast, text, True) == tokens(reference, text, True), repr(text)


def test_what_is_not_plain_goes_to_markdown_it():
    md = markdown()
    for text in [
        "a *b*",
        "a\\[b]",
        "[a](https://x.org/p_(q))",
        "[a](javascript:alert(1))",
        "[a]",
        "![a](https://x.org/i.png)",
        "a &amp; b",
        "a\nb",
        "[a](https://x.org/ 't')",
    ]:
        assert _plain_inline(text, md) is None, text
    assert [t.type for t in _plain_inline("On [A](https://a.org/x), b.", md)] == [
        "text",
        "link_open",
        "text",
        "link_close",
        "text",
    ]
