"""A build judges the warning-only checks later, in a process of its own (check.py's
`later`): the same problems, in the same order, the same parsed issues, the same lines
printed and the same verdicts kept, as judging everything at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks.archive import issue_markdown
from digest import config
from digest.commands import check as checks
from digest.commands.check import check_content
from digest.render.issue_check import check_text, later_warnings, merged
from tests.conftest import run_cli
from tests.test_issue_check import GOOD

ROOT = Path(__file__).resolve().parent.parent

# Where the two orders could differ: a takeaway warned about on the line of its relative
# day words, an unknown link in an incident table, a daily heading with relative words
# and no items, a report without a summary whose first line has relative words, errors
# with warnings on their line.
HOSTILE = [
    GOOD.replace(
        "Takeaway: On February 4, rockets hit a base near Baghdad airport.",
        "Takeaway: Yesterday markets closed early in Basra [x](https://unknown.example/a).",
    ),
    GOOD.replace("| Baghdad airport |", "| [Baghdad](https://nowhere.example/t) airport |")
    + "| 2024-02-04 | baghdad  AIRPORT | 1 | 0 |\n",
    "Title: Daily\nPeriod: 2024-02-01 to 2024-02-29\nLayout: daily\nSlug: 2024-02\n\n"
    "## Yesterday, February 1 {#2024-02-01}\n\nToday nothing [a](https://x.example/).\n\n"
    "## February 2 {#2024-02-02}\n\n1. **Rockets** ([Wire](https://y.example/1)). Sunday.\n",
    "Title: Report\nPeriod: 2024-02-01 to 2024-02-08\nLayout: report\n\n## Tonight\n\n"
    "Last week and yesterday [b](https://z.example/) هذا نص عربي طويل بما يكفي ليكون فقرة "
    "كاملة بالعربية.\n",
    GOOD.replace("{#security}", "{#securty}").replace("On February 4, two", "On Tuesday, two"),
    GOOD.replace("Date: 2024-02-08", "Date: 2024-02-31\nLang: ar"),
]


def _corpus() -> list[tuple[str, str]]:
    found = [
        (str(path), path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted((ROOT / "tests" / "data" / "content").rglob("*.md"))
    ]
    # The benchmark's archive: every 13th of its first 520 issues (all its kinds of week).
    found += [issue_markdown(number) for number in range(1, 521, 13)]
    return found + [(f"hostile-{i}.md", text) for i, text in enumerate(HOSTILE)]


def _judged_both_ways(settings: config.Settings, name: str, text: str) -> Any:
    args = (text, name, settings.sections, settings.sources)
    now = check_text(*args)
    first = check_text(*args, later=True)
    assert first.later is not None
    assert merged(first.problems, later_warnings(first.later, name, settings.sources)) == (
        now.problems
    )
    assert first.edition == now.edition
    assert first.meta == now.meta
    return now


def test_the_hostile_cases_have_warnings_to_order(settings):
    for text in HOSTILE:
        verdict = check_text(text, "x.md", settings.sections, settings.sources)
        assert any(p.severity == "warning" for p in verdict.problems), text


@pytest.mark.parametrize(("name", "text"), _corpus(), ids=lambda v: Path(str(v)).name[:40])
def test_judged_later_is_judged_the_same(settings: config.Settings, name: str, text: str):
    _judged_both_ways(settings, name, text)


def test_the_drafted_sample_is_judged_the_same_later(sample_site: Path, tmp_path: Path):
    # What digest drafts from the bundled sample in each layout (drafted here, in a copy:
    # not `make demo`'s files, which a fresh clone does not have).
    site = tmp_path / "site"
    shutil.copytree(sample_site, site, ignore=shutil.ignore_patterns("output"))
    conf = site / "pelican.conf.py"
    for args in (
        ("--layout", "daily", "--month", "2024-02"),
        ("--layout", "report", "--week-ending", "2024-02-08"),
    ):
        assert run_cli(conf, "draft", *args).exit_code == 0, args
    settings = config.load(conf)
    issues = sorted((site / "content" / "issues").glob("*.md"))
    layouts = set()
    for path in issues:
        verdict = _judged_both_ways(settings, str(path), path.read_text(encoding="utf-8"))
        layouts.add(verdict.edition.layout)
    assert layouts == {"weekly", "daily", "report"}, layouts


def _archive(project, count: int) -> config.Settings:
    conf = project()
    folder = conf.parent / "content" / "issues"
    for old in folder.glob("*.md"):
        old.unlink()
    for number in range(1, count + 1):
        slug, text = issue_markdown(number)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    # Warnings of every kind, errors none: an Arabic paragraph, a link to no source.
    extra = "\nهذا نص عربي طويل بما يكفي ليكون فقرة كاملة بالعربية في العدد.\n"
    extra += "\nOn Tuesday [someone](https://unknown.example/x) said so.\n"
    first = sorted(folder.glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return config.load(conf)


def test_a_builds_verdict_is_checks_once_settled_and_kept_whole(project):
    settings = _archive(project, 20)  # a pool judges them: the warnings are judged later
    verdict = check_content(settings, parsed=True, build=True, later=True)
    assert verdict.pending is not None and len(verdict.parsed) == 20
    assert verdict.warnings == []  # not judged yet: no error hides behind them
    checks.shown(settings, verdict.new_to_build, verdict.cache)  # saving waits for them
    kept = json.loads(_cache(settings).read_text(encoding="utf-8"))["files"]
    assert all(entry[2] == entry[0] for entry in kept.values())  # all shown, none lost
    verdict.settle()  # again: nothing more to wait for
    _cache(settings).unlink()
    now = check_content(settings)  # `digest check`: all at once, in the pool
    assert now.pending is None
    assert verdict.problems == now.problems
    messages = [p.message for p in now.warnings]
    assert any("unknown source unknown.example" in m for m in messages)
    assert any("Arabic script" in m for m in messages)
    again = json.loads(_cache(settings).read_text(encoding="utf-8"))["files"]
    assert {k: v[:2] for k, v in kept.items()} == {k: v[:2] for k, v in again.items()}


def test_a_build_that_fails_stops_its_warnings_process(project):
    settings = _archive(project, 20)
    verdict = check_content(settings, parsed=True, build=True, later=True)
    process = verdict.pending.process
    verdict.abandon()
    assert not process.is_alive()
    assert verdict.warnings == []


def test_a_strict_build_is_refused_for_a_warning_judged_in_the_pool(project):
    settings = _archive(project, 20)
    refused = run_cli(settings.config_path, "build", "--strict")
    assert refused.exit_code != 0
    assert "unknown source unknown.example" in refused.output


def _cache(settings: config.Settings) -> Path:
    folder = settings.root / str(settings.pelican.get("CACHE_PATH") or ".cache")
    return folder / checks.CACHE_NAME


def test_a_killed_warnings_process_costs_no_warning(project):
    settings = _archive(project, 20)
    verdict = check_content(settings, parsed=True, build=True, later=True)
    verdict.pending.process.kill()  # before it could send: the parent judges them itself
    verdict.settle()
    _cache(settings).unlink(missing_ok=True)
    assert verdict.problems == check_content(settings).problems
    assert any(p.severity == "warning" for p in verdict.problems)


def test_a_build_prints_the_warnings_check_prints(project):
    settings = _archive(project, checks._POOL_AT_LEAST)  # the fewest judged later
    built = run_cli(settings.config_path, "build")
    assert built.exit_code == 0, built.output
    printed = [line for line in built.output.splitlines() if line.startswith("warning: content/")]
    again = run_cli(settings.config_path, "build")  # shown and kept: only counted now
    assert "warning: content/" not in again.output
    _cache(settings).unlink()
    checked = run_cli(settings.config_path, "check")
    assert printed == [line for line in checked.output.splitlines() if "content/issues/" in line]
    assert any("unknown source unknown.example" in line for line in printed)
