"""A build judges the warnings about an issue's text (takeaways that name none of their
stories, relative day words, paragraphs in another script, links to unknown sources)
while it runs, not before (issue 25): the verdicts must be exactly those judged all at
once, in the same order, and kept the same.

- every file of the synthetic archive and of tests/data/content/ (the corpus of wrong
  issue files, hostile bytes included): the problems judged in two steps are those of one
  step, in order, with the same parsed issue; a file with errors is judged whole at once;
  and the issue the check parses (handed to the build's reader) is the reader's own;
- a build's check of an archive large enough for worker processes: once finished, the
  same problems as `digest check`'s, the same verdicts kept in the cache, and the files
  the build showed are not shown again (those of a build that did not publish are);
- a judging process that dies fails the build in one line and keeps nothing half-judged;
  a build that fails in Pelican says why in one line and keeps the verdicts.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from benchmarks.archive import FIRST_WEEK_ENDING, week_ending, write_archive
from digest import config
from digest.commands import check
from digest.errors import RenderError
from digest.pelican_plugin.reader import read_issue
from digest.render.issue_check import check_bytes, later_problems, with_later
from tests.conftest import make_project, run_cli
from tests.test_parallel_build import _breaking

CORPUS = Path(__file__).resolve().parent / "data" / "content"
ISSUES = check._POOL_AT_LEAST + 6  # judged by worker processes, the text by two more


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    conf = make_project(folder, f'DIGEST_FIRST_ISSUE = "{FIRST_WEEK_ENDING}"\n')
    write_archive(folder / "content" / "issues", ISSUES)
    return conf


def _files(archive: Path) -> list[Path]:
    return sorted((archive.parent / "content" / "issues").glob("*.md")) + sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown")
    )


def test_two_steps_judge_every_file_as_one(archive):
    settings = config.load(archive)
    files = _files(archive)
    assert len(files) > ISSUES + 20
    later_seen = errors_seen = 0
    for path in files:
        data = path.read_bytes()
        args = (data, path.name, settings.sections, settings.sources)
        whole = check_bytes(*args, language=settings.language)
        first = check_bytes(*args, language=settings.language, later=True)
        if first.later is None:  # errors, or bytes that are no text: all judged at once
            assert first.problems == whole.problems, path
            assert first.edition is None and whole.edition is None, path
            errors_seen += 1
            continue
        later_seen += 1
        assert not [p for p in whole.problems if p.severity == "error"], path
        rest = later_problems(first.later, settings.sources)
        assert all(p.severity == "warning" for p in rest), path
        assert with_later(first, rest) == whole.problems, path
        assert first.edition == whole.edition, path
        assert first.meta == whole.meta, path
    assert later_seen > ISSUES and errors_seen > 10


# Lines with two warnings: one judged first (a day without items), one later (a relative
# day word in that day's heading); and two judged later (a takeaway that names none of
# its stories, a relative day word in it). Each pair stays in the order it is found in.
SAME_LINE = (
    """Title: Daily: February 2024
Date: 2024-02-29
Slug: 2024-02
Period: 2024-02-01 to 2024-02-29
Layout: daily

## Yesterday's news {#2024-02-01}

## February 2 {#2024-02-02}

1. **Rockets hit a base** (Example). Two rockets hit a base near Baghdad airport.
""",
    """Title: Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Rockets Hit Base {#security}

Takeaway: Markets calmed on Sunday across the north.

On February 4, two rockets hit a base near Baghdad airport, causing no casualties.
""",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SAME_LINE[0], [(7, "day 2024-02-01 has no items"), (7, "relative day word")]),
        (SAME_LINE[1], [(8, "the takeaway of section"), (8, "relative day word")]),
    ],
)
def test_warnings_on_one_line_keep_the_order_they_are_found_in(archive, text, expected):
    settings = config.load(archive)
    args = (text.encode(), "x.md", settings.sections, settings.sources)
    whole = check_bytes(*args)
    said = [(p.line, p.message) for p in whole.problems]
    assert len(said) == len(expected), said
    pairs = zip(said, expected, strict=True)
    assert all(m.startswith(e) and n == line for (n, m), (line, e) in pairs), said
    first = check_bytes(*args, later=True)
    assert first.later is not None
    assert with_later(first, later_problems(first.later, settings.sources)) == whole.problems


def test_the_issue_the_check_hands_to_the_reader_is_the_one_it_would_read(archive):
    # The build's reader takes each issue the check parsed instead of parsing it again.
    settings = config.load(archive)
    handed = 0
    for path in _files(archive):
        args = (path.read_bytes(), path.name, settings.sections, settings.sources)
        verdict = check_bytes(*args, language=settings.language, later=True)
        if verdict.edition is None:
            continue
        edition, meta = read_issue(path, settings.sections, settings.sources)
        assert verdict.edition == edition, path
        assert verdict.meta == meta, path
        handed += 1
    assert handed > ISSUES


def _cache(settings: config.Settings) -> dict:
    folder = settings.root / str(settings.pelican.get("CACHE_PATH") or ".cache")
    return json.loads((folder / check.CACHE_NAME).read_text(encoding="utf-8"))


def _forget(settings: config.Settings) -> None:
    folder = settings.root / str(settings.pelican.get("CACHE_PATH") or ".cache")
    (folder / check.CACHE_NAME).unlink(missing_ok=True)


def test_a_builds_check_finished_is_digest_checks_and_keeps_the_same_verdicts(archive):
    settings = config.load(archive)
    _forget(settings)
    whole = check.check_content(settings)
    assert len(whole.warnings) > ISSUES  # the archive's text has relative day words
    kept = _cache(settings)
    _forget(settings)

    verdict = check.check_content(settings, parsed=True, build=True, later=True)
    assert verdict.pending is not None and len(verdict.pending.children) == 2
    assert verdict.errors == [] and len(verdict.parsed) == ISSUES
    assert len(verdict.new_to_build) == ISSUES
    check.shown(settings, verdict.new_to_build)  # what a build that published does
    verdict.finish()
    assert verdict.problems == whole.problems
    cache = _cache(settings)
    assert {n: e[:2] for n, e in cache["files"].items()} == {
        n: e[:2] for n, e in kept["files"].items()
    }
    # Shown while the warnings were judged: the next build only counts them.
    again = check.check_content(settings, parsed=True, build=True, later=True)
    again.finish()
    assert again.new_to_build == set() and again.problems == whole.problems


def test_a_build_that_did_not_publish_shows_the_warnings_next_time(archive):
    settings = config.load(archive)
    _forget(settings)
    verdict = check.check_content(settings, build=True, later=True)
    verdict.finish()  # no shown(): the build stopped before publishing
    again = check.check_content(settings, build=True, later=True)
    again.finish()
    assert len(again.new_to_build) == ISSUES
    assert again.problems == verdict.problems


def test_a_judging_process_that_dies_fails_the_build_in_one_line(archive):
    settings = config.load(archive)
    _forget(settings)
    verdict = check.check_content(settings, build=True, later=True)
    assert verdict.pending is not None
    pids = [pid for pid, _ in verdict.pending.children]
    os.kill(pids[0], signal.SIGKILL)
    with pytest.raises(RenderError) as caught:
        verdict.finish()
    assert str(caught.value) == (
        "check: the process judging the issue files' text was killed by signal 9"
    )
    for pid in pids:  # both waited for: none is left behind
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    # Nothing half-judged was kept: the next check judges every file again, whole.
    folder = settings.root / str(settings.pelican.get("CACHE_PATH") or ".cache")
    assert not (folder / check.CACHE_NAME).exists()


def test_a_build_that_fails_in_pelican_says_why_and_keeps_the_verdicts(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    broken = week_ending(7).isoformat()
    conf = make_project(
        folder, f'DIGEST_FIRST_ISSUE = "{FIRST_WEEK_ENDING}"\n' + _breaking(folder, broken)
    )
    write_archive(folder / "content" / "issues", ISSUES)
    settings = config.load(conf)
    built = run_cli(conf, "build")
    assert built.exit_code == 1, built.output
    errors = [line for line in built.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "site: Pelican failed: UndefinedError: " in errors[0], errors
    assert "broken_on_purpose" in errors[0]
    assert not list((folder / "output").glob("issues/*/index.html"))
    # Judged whole while Pelican ran, and kept: `digest check` finds every verdict cached.
    cached = _cache(settings)["files"]
    assert len(cached) == ISSUES
    checked = run_cli(conf, "check")
    assert checked.exit_code == 0, checked.output
    said = [line for line in checked.output.splitlines() if line.startswith("warning:")]
    kept = [
        f"warning: {name}:{line}: {message}"
        for name, e in sorted(cached.items())
        for line, _, message in e[1]
    ]
    assert said == kept and len(said) > ISSUES
