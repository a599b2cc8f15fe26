"""The one judge of issue files (issue_check.py, checks.py): the same verdict for `check`,
`build`, `pdf` and `draft --update`, kept per file so only an edited file is judged again.
The malformed files themselves are in tests/data/content/ (test_content_corpus.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from digest import config, stamps
from digest.render.issue_check import check_text
from tests.conftest import run_cli

GOOD = """Title: Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Rockets Hit Base {#security}

Takeaway: On February 4, rockets hit a base near Baghdad airport.

On February 4, two rockets hit a base near Baghdad airport, causing no casualties.

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Baghdad airport | 0 | 0 |
"""


def judge(text: str, settings: config.Settings) -> list[str]:
    verdict = check_text(text, "x.md", settings.sections, settings.sources)
    return [f"{p.severity} {p.line} {p.message}" for p in verdict.problems]


def test_a_good_issue_has_no_problem_and_is_parsed(settings):
    verdict = check_text(GOOD, "x.md", settings.sections, settings.sources)
    assert verdict.problems == []
    assert verdict.edition is not None and verdict.edition.incidents[0].deaths == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("| --- | --- | ---: | ---: |", "| --- | --- | ---: |", "error 13 the incident table's separator row has 3 cells, the header 4 — add 1"),
        ("| 0 | 0 |", "| 0 |", "error 14 incident table row has 3 cells, the header 4"),
        ("| 0 | 0 |", "| one | 0 |", "error 14 incident table: 'one' in Deaths is not a number"),
        ("| 2024-02-04 |", "| 2024-02-31 |", "error 14 incident table: '2024-02-31' is not a real date"),
        ("| 2024-02-04 |", "| 2024-01-20 |", "error 14 incident table: 2024-01-20 is outside the Period"),
        ("{#security}", "{#securty}", "error 6 section id 'securty' is not a key of DIGEST_SECTIONS; did you mean 'security'?"),
        ("Date: 2024-02-08", "Date: 2024-02-31", "error 2 Date: '2024-02-31' is not a real date"),
        ("to 2024-02-08", "to 2024-02-30", "error 4 Period: '2024-02-02 to 2024-02-30' is not a real date range"),
        ("Slug: 2024-02-08", "Slug: 2024-02-08\nIsue: 2", "error 4 unknown header 'Isue'; did you mean 'Issue'?"),
        ("## Rockets Hit Base", "## Rockets Hit Base; ;", "error 6 the headline has an empty part"),
        ("Takeaway: On", "On", "error 6 section 'security' has no 'Takeaway:' paragraph"),
        ("to 2024-02-08", "to 2024-02-07", "error 4 Period ends 2024-02-07 but Date is 2024-02-08"),
        ("On February 4, two", "On Tuesday, two", "warning 10 relative day word 'On Tuesday'"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_naming_its_line(settings, old, new, expected):
    assert old in GOOD
    found = judge(GOOD.replace(old, new, 1), settings)
    assert any(line.startswith(expected) for line in found), found


def test_crlf_line_ends_and_a_bom_are_read_as_the_editor_wrote_them(settings):
    text = "\ufeff" + GOOD.replace("| 0 | 0 |", "| one | 0 |").replace("\n", "\r\n")
    assert judge(text, settings) == [
        "error 14 incident table: 'one' in Deaths is not a number; write a number, or ? when "
        "unknown"
    ]


def test_the_build_refuses_an_issue_with_errors_and_writes_nothing(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(GOOD, encoding="utf-8")
    assert run_cli(conf, "build").exit_code == 0
    output = conf.parent / "output"
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    (issues / "2024-02-08.md").write_text(GOOD.replace("| 0 | 0 |", "| one | 0 |"))
    (issues / "2024-02-15.md").write_text(
        GOOD.replace("02-08", "02-15").replace("2024-02-02", "2024-02-09")
        .replace("2024-02-04 |", "2024-02-11 |")
    )  # fmt: skip
    checked = run_cli(conf, "check")
    built = run_cli(conf, "build")
    assert (checked.exit_code, built.exit_code) == (1, 1)
    line = "error: content/issues/2024-02-08.md:14: incident table: 'one' in Deaths is not a number"
    assert line in checked.output and line in built.output
    assert "nothing was published" in built.output
    after = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before  # not even the good new issue: the site stays as published
    assert not (output / "issues" / "2024-02-15").exists()


def test_warnings_are_printed_and_refuse_the_build_only_with_strict(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(GOOD.replace("On February 4, two", "On Sunday, two"))
    strict = run_cli(conf, "build", "--strict")
    assert strict.exit_code == 1
    assert "warning: content/issues/2024-02-08.md:10: relative day word 'On Sunday'" in (
        strict.output
    )
    assert not (conf.parent / "output").exists()
    built = run_cli(conf, "build")
    assert built.exit_code == 0
    assert (conf.parent / "output" / "issues" / "2024-02-08" / "index.html").exists()


def test_pdf_and_draft_update_refuse_an_issue_file_with_errors(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(GOOD, encoding="utf-8")
    assert run_cli(conf, "build").exit_code == 0
    (issues / "2024-02-08.md").write_text(GOOD.replace("{#security}", "{#securty}"))
    result = run_cli(conf, "pdf", "2024-02-08")
    assert result.exit_code == 1
    assert "error: content/issues/2024-02-08.md:6: section id 'securty'" in result.output


def _planted(conf: Path) -> Path:
    """The issue file GOOD, checked, then a verdict the judge never gave planted in the
    check's kept verdicts for it; returns the file."""
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    path.write_text(GOOD, encoding="utf-8")
    assert run_cli(conf, "check").exit_code == 0
    cache = conf.parent / ".cache" / "pelican" / "checks.json"
    stored = json.loads(cache.read_text())
    stored["files"]["content/issues/2024-02-08.md"][1] = [[1, "warning", "planted"]]
    cache.write_text(json.dumps(stored))
    return path


def test_only_an_edited_file_is_judged_again(project):
    conf = project()
    path = _planted(conf)
    # The planted verdict, for an unchanged file, is what check prints: the file was not
    # judged again ...
    assert "warning: content/issues/2024-02-08.md:1: planted" in run_cli(conf, "check").output
    # ... until its bytes change.
    path.write_text(GOOD + "\n")
    assert "planted" not in run_cli(conf, "check").output


@pytest.mark.parametrize("other", ["markdown", "python"])
def test_a_verdict_is_judged_again_under_another_markdown_parser_or_python(
    project, monkeypatch, other
):
    """A verdict follows from the Markdown parser's reading and Python's Unicode tables: one
    kept under another version of either is not used."""
    conf = project()
    _planted(conf)
    assert "planted" in run_cli(conf, "check").output  # kept, under the same versions
    if other == "markdown":
        source = stamps.package_source
        monkeypatch.setattr(
            stamps,
            "package_source",
            lambda name: source(name) + (b"# 9.9" if name == "markdown_it" else b""),
        )
    else:
        monkeypatch.setattr(sys, "version", f"{sys.version} (another build)")
    assert "planted" not in run_cli(conf, "check").output


def test_a_package_s_version_is_read_without_loading_it():
    script = (
        "import sys\n"
        "from digest import stamps\n"
        "source = stamps.package_source('markdown_it')\n"
        "assert b'__version__' in source, source[:200]\n"
        "assert 'markdown_it' not in sys.modules\n"
        "assert stamps.package_source('no_such_package_here') == b''\n"
        "print('read')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and "read" in done.stdout, done.stderr[-2000:]


def test_an_untranslated_paragraph_is_a_warning(settings):
    arabic = "قصف صاروخي استهدف قاعدة قرب مطار بغداد دون وقوع إصابات بحسب مصادر أمنية"
    found = judge(GOOD.replace("casualties.\n", f"casualties.\n\n{arabic}.\n"), settings)
    assert "warning 12 paragraph in Arabic script in an English issue" in " ".join(found)
    # An Arabic outlet's name in an English paragraph is no untranslated paragraph.
    named = GOOD.replace("casualties.", "casualties ([الرافدين](https://alrafidain.example/1)).")
    assert not any("Arabic script" in line for line in judge(named, settings))


def test_an_untranslated_paragraph_of_ascii_letters_is_a_warning_in_an_arabic_issue(settings):
    # An ASCII paragraph holds no Arabic letter, but it is all Latin ones.
    found = judge(GOOD.replace("Slug: 2024-02-08\n", "Slug: 2024-02-08\nLang: ar\n"), settings)
    assert (
        "warning 11 paragraph in Latin script in an Arabic issue: translate or summarise it "
        "for readers" in found
    ), found


def test_two_rows_for_one_date_and_place_are_a_warning(settings):
    text = GOOD + "| 2024-02-04 | Baghdad Airport | 1 | 0 |\n"
    assert "warning 15 incident rows on lines 14 and 15 have the same date and place" in " ".join(
        judge(text, settings)
    )


def test_a_file_that_is_not_utf8_names_the_byte_and_line(tmp_path, settings):
    from digest.commands.check import read_issue
    from digest.render.issue_check import check_bytes

    path = tmp_path / "x.md"
    path.write_bytes(GOOD.encode().replace(b"rockets hit a base", b"rockets hit a \xff base"))
    data, _ = read_issue(path, None)
    (problem,) = check_bytes(data, str(path), settings.sections, settings.sources).problems
    assert problem.line == 8
    assert problem.message.startswith("not UTF-8 text at byte ")


def test_a_table_that_is_not_an_incident_table_is_left_alone(settings):
    text = GOOD + "\n| Party | Seats |\n| --- |\n| A | 3 |\n"
    assert judge(text, settings) == []


def test_send_refuses_an_issue_file_with_errors(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(GOOD, encoding="utf-8")
    assert run_cli(conf, "build").exit_code == 0
    (issues / "2024-02-08.md").write_text(GOOD.replace("Takeaway: On", "On"))
    readers = conf.parent / "readers.csv"
    readers.write_text("email,name\nreader@example.org,Reader\n", encoding="utf-8")
    result = run_cli(conf, "send", "2024-02-08", "--subscribers", str(readers))
    assert result.exit_code == 1
    assert "error: content/issues/2024-02-08.md:6: section 'security' has no 'Takeaway:'" in (
        result.output
    )
    assert not list(conf.parent.glob("outbox/**/new/*"))


def test_draft_update_refuses_to_merge_into_an_issue_file_with_errors(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    assert run_cli(conf, "draft", "--week-ending", "2024-02-08").exit_code == 0
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    broken = path.read_text().replace("{#security}", "{#securty}")
    path.write_text(broken)
    result = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert result.exit_code == 1
    assert "section id 'securty' is not a key of DIGEST_SECTIONS" in result.output
    assert path.read_text() == broken  # the editor's file untouched


def test_build_prints_the_warnings_of_edited_files_and_counts_the_others(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(GOOD.replace("On February 4, two", "On Sunday, two"))
    first = run_cli(conf, "build")
    assert "warning: content/issues/2024-02-08.md:10: relative day word" in first.output
    again = run_cli(conf, "build")
    assert "warning:" not in again.output
    assert "note: 1 warnings in unchanged issue files; `digest check` lists them" in again.output
    assert "warning: content/issues/2024-02-08.md:10" in run_cli(conf, "check").output


# --------------------------------------------------------------------------- size limit


def test_an_issue_file_over_the_size_limit_is_one_line_and_read_no_further(project):
    conf = project("DIGEST_MAX_ISSUE_BYTES = 2_000\n", samples=False)
    issues = conf.parent / "content" / "issues"
    # Past the limit the bytes are not even UTF-8: the judge never gets that far.
    (issues / "2024-02-08.md").write_bytes(GOOD.encode() + b"\n\n" + b"\xff filler " * 300)
    (issues / "2024-02-01.md").write_text(GOOD.replace("02-08", "02-01").replace("– 8", "– 1"))
    for command in ("check", "build"):
        result = run_cli(conf, command)
        assert result.exit_code == 1
        problems = [line for line in result.output.splitlines() if "2024-02-08.md" in line]
        assert problems == [
            "error: content/issues/2024-02-08.md:1: the file is 3.1 KB, larger than "
            "DIGEST_MAX_ISSUE_BYTES (2 KB); split the issue or raise the limit"
        ]
    assert not (conf.parent / "output" / "issues").exists()  # nothing was published


def test_the_size_limits_are_validated(project):
    conf = project("DIGEST_MAX_ISSUE_BYTES = '5 MB'\nDIGEST_MAX_EMAIL_BYTES = 0\n")
    with pytest.raises(config.ConfigError) as refused:
        config.load(conf)
    assert refused.value.problems == [
        "DIGEST_MAX_ISSUE_BYTES: must be a number from 1000 to 1e+09, got '5 MB'",
        "DIGEST_MAX_EMAIL_BYTES: must be a number from 1000 to 1e+09, got 0",
    ]
    defaults = config.load(project())
    assert (defaults.max_issue_bytes, defaults.max_email_bytes) == (5_000_000, 2_000_000)
