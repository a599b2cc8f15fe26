"""The draft's front page on the bundled sample, as the editor reads it: headlines, takeaways,
dates and the story ranks `draft --explain` gives (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.text.anchoring import relative_words
from tests.conftest import run_cli

WEEKS = ("2024-02-01", "2024-02-08")
_HEADER = re.compile(r"^(?:Title|Date|Slug|Issue|Period|Layout): ")


@pytest.fixture
def collected(project) -> Path:
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    return conf


def drafted(conf: Path, week: str) -> str:
    result = run_cli(conf, "draft", "--week-ending", week, "--force")
    assert result.exit_code == 0, result.output
    return (conf.parent / "content" / "issues" / f"{week}.md").read_text()


def sections(text: str) -> list[dict[str, object]]:
    """Each section's headline, takeaway and paragraphs, read from the draft."""
    found: list[dict[str, object]] = []
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        headline = re.sub(r"\s*\{#[\w-]+\}$", "", lines[0])
        takeaway = next(line for line in lines if line.startswith("Takeaway: "))[10:]
        paragraphs = [
            line
            for line in lines[1:]
            if not line.startswith(("Takeaway: ", "|", "<!--", "Not counted"))
            and not _HEADER.match(line)
            and not line.startswith(("-", "Items digest"))
        ]
        assert paragraphs, headline  # every section tells at least one item
        found.append({"headline": headline, "takeaway": takeaway, "paragraphs": paragraphs})
    assert found, "no section in the draft"  # the tests' loops over sections must see some
    return found


@pytest.mark.parametrize("week", WEEKS)
def test_headlines_have_one_to_three_parts_none_empty_none_dated(collected, week):
    for section in sections(drafted(collected, week)):
        parts = str(section["headline"]).split("; ")
        assert 1 <= len(parts) <= 3, section["headline"]
        for part in parts:
            assert part.strip() and part == part.strip()
            assert 2 <= len(part.split()) <= 12, part
            # No attribution ("…, Officials Say") or relative day ("Yesterday", "on Sunday").
            assert not re.search(r"\b(?:say|says|said)$|,\s*(?:says?|said)\b", part, re.I)
            assert not re.search(r"\b(?:yesterday|today|tonight|on \w+day)\b", part, re.I)
        assert len(str(section["headline"])) <= 160


@pytest.mark.parametrize("week", WEEKS)
def test_takeaways_open_with_a_date_and_keep_to_the_length(collected, week):
    for section in sections(drafted(collected, week)):
        takeaway = str(section["takeaway"])
        assert re.match(r"On (?:January|February) \d{1,2}, [a-z0-9\"“]|On \w+ \d+, [A-Z]", takeaway)
        assert len(takeaway.split()) <= 250
        # The sample's sections have enough to say: a takeaway is more than a lead sentence.
        assert len(takeaway.split()) >= 60, takeaway
        assert not re.search(r"\(|\bsaid\b.*\.$|according to", takeaway.split(". ")[0])


@pytest.mark.parametrize("week", WEEKS)
def test_no_relative_day_word_is_left_anywhere_in_the_draft(collected, week):
    text = drafted(collected, week)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("<!--"))
    assert relative_words(body) == []


@pytest.mark.parametrize("week", WEEKS)
def test_every_english_paragraph_opens_with_its_date_and_no_capital_dangles(collected, week):
    for section in sections(drafted(collected, week)):
        for paragraph in section["paragraphs"]:
            if re.match(r"[\u0600-\u06ff]", paragraph):
                continue
            match = re.match(r"On (?:January|February) \d{1,2}, (\S+)", paragraph)
            assert match, paragraph
            first = match.group(1)
            assert not (first.istitle() and first.lower() in {"the", "a", "around", "about"})


def test_paragraphs_in_date_order_by_default_and_by_importance_when_set(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    by_date = sections(drafted(conf, "2024-02-08"))
    for section in by_date:
        days = [
            int(re.match(r"On \w+ (\d+)", p).group(1))
            for p in section["paragraphs"]
            if p.startswith("On ")
        ]
        assert days == sorted(days)

    conf.write_text(conf.read_text() + '\nDIGEST_SECTION_ORDER = "importance"\n')
    by_rank = sections(drafted(conf, "2024-02-08"))
    assert [s["headline"] for s in by_rank] == [s["headline"] for s in by_date]
    changed = 0
    for section in by_rank:
        lead_date = re.match(r"On (\w+ \d+),", str(section["takeaway"])).group(1)
        assert str(section["paragraphs"][0]).startswith(f"On {lead_date},")
        changed += section["paragraphs"] != next(
            s["paragraphs"] for s in by_date if s["headline"] == section["headline"]
        )
    assert changed  # at least one section's lead is not its earliest story


def test_explain_shows_each_storys_rank_and_why(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-02-08", "--explain")
    assert result.exit_code == 0
    assert "rank and notes" in result.output.splitlines()[0]
    assert re.search(r"rank 1 of \d+ in security \(", result.output)
    assert re.search(r"issue rank 1 of \d+", result.output)
