"""`digest draft --update` and `--explain`: new items join a draft without touching a word
already in it; every decision can be listed."""

from __future__ import annotations

from pathlib import Path

from digest.render.merge import merge
from tests.conftest import run_cli

EXISTING = """Title: Weekly
Slug: 2024-02-08

<!-- digest:draft sha256:0000 -->

## Talks Resume {#politics}

Takeaway: Talks resumed.

On February 4, talks resumed ([Wire](https://wire.example/1)).
My own sentence, added by hand.

## Bomb Kills Two {#security}

Takeaway: Attacks continued.

On February 5, a bomb killed two ([Wire](https://wire.example/2)).

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-05 | Tarmiyah | 2 | 0 |
"""

DRAFTED = """Title: Weekly
Slug: 2024-02-08

<!-- digest:draft sha256:1111 -->

## Rockets Hit Base {#security}

Takeaway: More attacks.

On February 7, rockets hit a base ([Wire](https://wire.example/3)).
<!-- digest: low confidence (0.50) — keywords: rocket -->

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-07 | Balad | 0 | 3 |

## Prices Rise {#economy}

Takeaway: Prices rose.

On February 6, prices rose ([Wire](https://wire.example/4)).

<!--
Items digest could not place in a section. Move any that matter into a section above.

- On February 6, something odd ([Wire](https://wire.example/5)).
-->
"""


def test_merge_adds_new_blocks_and_changes_nothing_already_there():
    merged = merge(EXISTING, DRAFTED)
    lines = merged.split("\n")
    # Every existing line survives, in order.
    position = 0
    for line in EXISTING.split("\n"):
        position = lines.index(line, position) + 1
    security = merged.index("{#security}")
    rockets = merged.index("rockets hit a base")
    table = merged.index("| Date |")
    assert security < rockets < table  # the new paragraph goes before the table
    assert "<!-- digest: low confidence (0.50)" in merged  # its note travels with it
    assert merged.index("| 2024-02-05 |") < merged.index("| 2024-02-07 | Balad | 0 | 3 |")
    assert merged.count("| Date |") == 1  # rows join the existing table
    assert merged.index("{#economy}") > table  # a new section goes at the end
    assert "- On February 6, something odd" in merged.split("Items digest could not place")[1]
    assert "Rockets Hit Base" not in merged  # the new draft's headline for an old section


def test_merge_into_a_section_without_a_table_adds_one():
    existing = EXISTING.split("| Date |")[0].rstrip() + "\n"
    merged = merge(existing, DRAFTED)
    assert merged.count("| Date | Location | Deaths | Injuries |") == 1
    assert merged.index("rockets hit a base") < merged.index("| 2024-02-07 | Balad |")


EXTRA_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Late Wire</title>
<item><title>Late Wire: Grain Silo Reopens in Tikrit</title>
<link>https://late-wire.example/silo</link><guid>late-1</guid>
<pubDate>Wed, 07 Feb 2024 10:00:00 +0300</pubDate>
<description>On Wednesday the grain silo in Tikrit reopened after repairs, the trade ministry
said, restoring storage for the wheat harvest and farmers' payments.</description></item>
</channel></rss>"""


def test_update_adds_new_items_and_keeps_edits_and_deletions(project):
    conf = project(
        "DIGEST_SOURCES.append({'name': 'Late Wire', 'url': 'extra/late.rss', "
        "'section': 'economy', 'enabled': True})\n"
    )
    (conf.parent / "extra").mkdir()
    (conf.parent / "extra" / "late.rss").write_text(
        EXTRA_FEED.replace("<item>", "<!--").replace("</item>", "-->")  # no items yet
    )
    assert run_cli(conf, "collect").exit_code == 0
    assert run_cli(conf, "draft", "--week-ending", "2024-02-08").exit_code == 0
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    edited = path.read_text().replace("\n\nOn ", "\n\nEDITED. On ", 1)
    deleted = edited.split("\n\n")[8]  # a paragraph the editor removes
    edited = edited.replace("\n\n" + deleted, "", 1)
    path.write_text(edited)

    (conf.parent / "extra" / "late.rss").write_text(EXTRA_FEED)
    assert "1 new items" in run_cli(conf, "collect").output
    result = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert result.exit_code == 0, result.output
    assert "added 1 paragraphs" in result.output
    updated = path.read_text()
    assert "EDITED. On " in updated  # the editor's words stay
    assert deleted not in updated  # and a deleted paragraph stays deleted
    assert "grain silo in Tikrit reopened" in updated
    assert updated.index("{#economy}") < updated.index("grain silo")
    # The edit guard still sees the editor's edits.
    assert run_cli(conf, "draft", "--week-ending", "2024-02-08").exit_code == 3
    again = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert "no new items since the draft" in again.output
    assert path.read_text() == updated


def test_update_of_an_untouched_draft_keeps_it_replaceable(project):
    conf = project()
    run_cli(conf, "collect")
    run_cli(conf, "draft", "--week-ending", "2024-02-08")
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    before = path.read_text()
    result = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert "no new items since the draft" in result.output
    assert path.read_text() == before


def test_update_needs_a_draft_and_its_record(project, tmp_path: Path):
    conf = project()
    run_cli(conf, "collect")
    missing = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert missing.exit_code == 1
    assert "no draft to update; run `digest draft --week-ending 2024-02-08`" in missing.output
    issue = conf.parent / "content" / "issues" / "2024-02-08.md"
    issue.write_text("Title: Hand-written\n\n## A {#politics}\n\nTakeaway: x.\n\nText.\n")
    unknown = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert "has no record of drafting it" in unknown.output


def test_explain_lists_every_decision_and_writes_nothing(project):
    conf = project()
    run_cli(conf, "collect")
    result = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--explain")
    assert result.exit_code == 0
    assert not (conf.parent / "content" / "issues" / "2024-02-08.md").exists()
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "day", "dated", "by", "section", "conf.", "story", "item", "why", "rank", "and", "notes"
    ]  # fmt: skip
    # Every item of the period appears once (48 in the sample week, as `draft` reports).
    assert len(lines) - 1 == 48
    assert any("(2 told)" in line and "Drone Strike" in line for line in lines)
    assert any("source: default section of Mesopotamia Economic Review" in line for line in lines)
    assert any("on Sunday" in line and "rule: keywords:" in line for line in lines)
    # An Arabic report dated by its own words: "أمس الأحد" (yesterday, Sunday), not its
    # publication day.
    assert any(line.startswith("2024-02-04  أمس الأحد ") for line in lines)


def test_explain_and_update_are_weekly_and_exclusive(project):
    conf = project()
    both = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update", "--explain")
    assert both.exit_code == 2
    assert "choose one of --update, --explain and --force" in both.output
