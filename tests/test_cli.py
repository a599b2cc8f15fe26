"""The commands as a user meets them: messages, exit codes, and files never lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture
def collected(project) -> Path:
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    return conf


def test_collect_reports_every_source_and_a_summary(project):
    result = run_cli(project(), "collect")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["source", "status", "new"]
    assert lines[-1] == "7 sources: 96 new items, 0 updated, 0 failed"


def test_a_second_collect_stores_nothing_twice(collected):
    result = run_cli(collected, "collect")
    assert result.output.splitlines()[-1] == "7 sources: 0 new items, 0 updated, 0 failed"


def test_one_broken_source_does_not_stop_the_others(project):
    conf = project()
    (conf.parent / "samples" / "feeds" / "tigris-wire.rss").write_text(
        "<html><body>Log in</body></html>"
    )
    result = run_cli(conf, "collect")
    assert result.exit_code == 0
    assert "Tigris Wire" in result.output and "failed" in result.output
    assert result.output.splitlines()[-1] == "7 sources: 78 new items, 0 updated, 1 failed"
    assert run_cli(conf, "collect", "--strict").exit_code == 1
    health = run_cli(conf, "sources").output
    assert "Tigris Wire" in health and "not a feed" in health


def test_draft_prints_the_path_and_never_overwrites_an_edited_issue(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-02-08")
    assert result.exit_code == 0
    path = collected.parent / "content" / "issues" / "2024-02-08.md"
    assert "content/issues/2024-02-08.md" in result.output or str(path) in result.output

    # Unedited: a new draft may replace it, and says nothing changed.
    assert run_cli(collected, "draft", "--week-ending", "2024-02-08").exit_code == 0

    edited = path.read_text().replace("## ", "## EDITED ", 1)
    path.write_text(edited)
    refused = run_cli(collected, "draft", "--week-ending", "2024-02-08")
    assert refused.exit_code == 3  # the documented code for "an edited draft was kept"
    assert refused.output.strip() == (
        "note: content/issues/2024-02-08.md: kept your edited version "
        "(digest draft --force replaces it, keeping a backup)"
    )
    assert path.read_text() == edited

    forced = run_cli(collected, "draft", "--week-ending", "2024-02-08", "--force")
    assert forced.exit_code == 0
    assert (path.parent / "2024-02-08.md.bak").read_text() == edited
    assert "EDITED" not in path.read_text()


def test_draft_on_the_wrong_weekday_suggests_the_right_one(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-02-07")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: --week-ending 2024-02-07: that is a Wednesday, but weeks end on Thursday "
        "(DIGEST_WEEK_ENDS_ON); try 2024-02-01"
    )


def test_draft_of_a_week_with_no_items_is_one_line_and_writes_nothing(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-03-14")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: --week-ending 2024-03-14: no stored item is dated in March 8 – 14, 2024; "
        "run `digest collect`, pick a week the store covers, or pass --allow-empty"
    )
    assert not (collected.parent / "content" / "issues" / "2024-03-14.md").exists()


def test_allow_empty_drafts_an_empty_week_marked_as_a_draft(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-03-14", "--allow-empty")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "2024-03-14: 0 sections, 0 paragraphs, 0 incidents from 0 items; "
        "marked 'Status: draft' (built as a preview, never published)"
    )
    text = (collected.parent / "content" / "issues" / "2024-03-14.md").read_text()
    header = text.split("\n\n")[0].splitlines()
    assert header[0] == "Title: Iraq Weekly Monitor: March 8 – 14, 2024"
    assert header[-2:] == ["Layout: weekly", "Status: draft"]
    assert "## " not in text
    # Still digest's own draft, not an edited one: a later draft may replace it.
    again = run_cli(collected, "draft", "--week-ending", "2024-03-14", "--allow-empty")
    assert again.exit_code == 0 and again.output.endswith("(file unchanged)\n")


def test_a_week_with_items_is_drafted_as_usual_with_allow_empty(collected):
    result = run_cli(collected, "draft", "--week-ending", "2024-02-08", "--allow-empty")
    assert result.exit_code == 0, result.output
    text = (collected.parent / "content" / "issues" / "2024-02-08.md").read_text()
    assert "Status:" not in text.split("\n\n")[0]
    assert "## " in text


@pytest.mark.parametrize("option", ["--update", "--explain"])
def test_allow_empty_with_update_or_explain_is_a_usage_error(collected, option):
    result = run_cli(collected, "draft", "--week-ending", "2024-02-08", option, "--allow-empty")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: --allow-empty goes with a new draft, not --update or --explain"
    )


def test_draft_before_collect_says_what_to_do(project):
    result = run_cli(project(), "draft", "--week-ending", "2024-02-08")
    assert result.exit_code == 1
    assert "run `digest collect` first" in result.output


def test_a_settings_typo_is_one_readable_line_and_exit_2(project):
    result = run_cli(project("DIGEST_WEEK_END_ON = 'friday'\n"), "build")
    assert result.exit_code == 2
    assert "DIGEST_WEEK_END_ON: unknown setting; did you mean DIGEST_WEEK_ENDS_ON?" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_check_lists_content_problems_with_file_and_line(collected):
    run_cli(collected, "draft", "--week-ending", "2024-02-08")
    path = collected.parent / "content" / "issues" / "2024-02-08.md"
    text = path.read_text().replace("{#economy}", "{#money}")
    text += "\nOn February 8, a rumour ([Blog](https://blog.example/post)).\n"
    path.write_text(text)
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines, 1) if "{#money}" in line)
    result = run_cli(collected, "check")
    assert result.exit_code == 1
    assert (
        f"error: content/issues/2024-02-08.md:{heading}: section id 'money' is not a key "
        "of DIGEST_SECTIONS"
    ) in result.output
    assert f"content/issues/2024-02-08.md:{len(lines)}: link to unknown source blog.example" in (
        result.output
    )


def test_a_broken_content_file_fails_the_build(collected):
    # BAD-INPUTS 33
    issues = collected.parent / "content" / "issues"
    (issues / "broken.md").write_bytes(b"Title: Broken\nDate: 2024-02-08\n\n\xff\xfe bad bytes\n")
    result = run_cli(collected, "build")
    assert result.exit_code == 1
    assert "broken.md" in result.output and "not UTF-8" in result.output


def test_metadata_that_would_redirect_output_is_refused(collected):
    # BAD-INPUTS 30, 31
    issues = collected.parent / "content" / "issues"
    (issues / "evil.md").write_text(
        "Title: Evil\nDate: 2024-02-08\nSave_as: ../../evil.html\n\n## X {#politics}\n"
    )
    result = run_cli(collected, "build")
    assert result.exit_code == 1
    assert "error: content/issues/evil.md:3: unknown header 'Save_as'" in result.output
    assert not (collected.parent.parent / "evil.html").exists()
    assert not (collected.parent / "output").exists()  # refused before anything is written


def test_the_build_is_reproducible_and_skips_unchanged_pdfs(collected):
    run_cli(collected, "draft", "--week-ending", "2024-02-08")
    first = run_cli(collected, "build")
    assert first.exit_code == 0, first.output
    assert "PDFs 1 rendered, 0 unchanged" in first.output
    output = collected.parent / "output"
    # Not pagefind/: Pagefind writes its filter index in hash-map order, so its bytes differ
    # between two runs over the same pages (Pagefind/pagefind#638; digest/publish/search.py).
    kept = [p for p in sorted(output.rglob("*")) if p.relative_to(output).parts[0] != "pagefind"]
    before = {p: p.read_bytes() for p in kept if p.is_file()}
    second = run_cli(collected, "build")
    assert "PDFs 0 rendered, 1 unchanged" in second.output
    kept = [p for p in sorted(output.rglob("*")) if p.relative_to(output).parts[0] != "pagefind"]
    after = {p: p.read_bytes() for p in kept if p.is_file()}
    assert after == before


# --------------------------------------------------------------------------- drafts


def _mark_draft(path: Path) -> None:
    text = path.read_text()
    path.write_text(text.replace("\nLayout: weekly\n", "\nLayout: weekly\nStatus: draft\n", 1))


def _published_text(output: Path) -> dict[str, str]:
    """Every file of the published site (the previews' folder and Pagefind's aside)."""
    return {
        p.relative_to(output).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in output.rglob("*")
        if p.is_file() and p.relative_to(output).parts[0] not in ("drafts", "pagefind")
    }


def test_an_issue_set_back_to_draft_is_withdrawn_and_built_as_a_preview_only(collected):
    from digest.publish.search import pages_indexed

    for week in ("2024-02-01", "2024-02-08"):
        assert run_cli(collected, "draft", "--week-ending", week).exit_code == 0
    assert run_cli(collected, "build").exit_code == 0
    output = collected.parent / "output"
    assert (output / "issues" / "2024-02-08" / "2024-02-08.pdf").is_file()
    _mark_draft(collected.parent / "content" / "issues" / "2024-02-08.md")

    result = run_cli(collected, "build")
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output
    preview = (output / "drafts" / "2024-02-08" / "index.html").read_text()
    assert "Iraq Weekly Monitor: February 2 – 8, 2024" in preview
    assert not (output / "issues" / "2024-02-08").exists()  # page, PDF, issue.json, CSV
    assert not list((output / "email").glob("*2024-02-08*"))
    leaks = {
        name
        for name, text in _published_text(output).items()
        if "2024-02-08" in text or "February 2 – 8, 2024" in text
    }
    assert leaks == set()  # archive, year page, sections, feeds, sitemap, exports, email
    assert (output / "issues" / "2024-02-01" / "2024-02-01.pdf").is_file()
    assert pages_indexed(output / "pagefind") == 1
    assert "Disallow: /drafts/" in (output / "robots.txt").read_text().splitlines()
    pdfs = run_cli(collected, "pdf")
    assert pdfs.exit_code == 0 and pdfs.output.strip() == "PDFs 0 rendered (0 pages), 1 unchanged"


def test_an_empty_week_drafted_with_allow_empty_is_previewed_not_published(collected):
    assert run_cli(collected, "draft", "--week-ending", "2024-02-08").exit_code == 0
    assert (
        run_cli(collected, "draft", "--week-ending", "2024-03-14", "--allow-empty").exit_code == 0
    )
    result = run_cli(collected, "build")
    assert result.exit_code == 0, result.output
    output = collected.parent / "output"
    assert (output / "drafts" / "2024-03-14" / "index.html").is_file()
    assert not (output / "issues" / "2024-03-14").exists()
    assert (output / "issues" / "2024-02-08" / "index.html").is_file()
    assert not [n for n, text in _published_text(output).items() if "2024-03-14" in text]


# --------------------------------------------------------------------------- exits


@pytest.mark.parametrize(
    "args",
    [("--help",), ("-h",), ("--version",), ("draft", "--help"), ("subscribers", "list", "-h")],
)
def test_help_and_version_exit_0(project, args):
    result = run_cli(project(), *args)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nosuch",), "No such command 'nosuch'"),
        (("draft", "--bogus"), "--bogus"),
        (("draft", "--layout", "hourly"), "Invalid value for '--layout'"),
        (("subscribers", "remove"), "Missing argument 'ADDRESSES...'"),
    ],
)
def test_clicks_own_usage_errors_show_the_usage_and_exit_2(project, args, message):
    result = run_cli(project(), *args)
    assert result.exit_code == 2
    assert result.output.startswith("Usage: ") and message in result.output


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a /sys that refuses new files")
def test_a_file_the_system_refuses_is_one_line_not_a_traceback(project):
    result = run_cli(project(), "subscribers", "export", "/sys/digest-export.csv")
    assert result.exit_code == 1
    assert result.output.startswith("error: /sys/digest-export.csv: ")
    assert len(result.output.splitlines()) == 1
