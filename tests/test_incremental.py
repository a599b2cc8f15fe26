"""Rebuilds redo only what changed (digest/pelican_plugin/incremental.py, publish/stamps.py),
and what they leave alone is still right: it matches a `digest build --full`."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from digest import config
from digest.pelican_plugin.reader import read_issue
from digest.pelican_plugin.stored import StoredEdition
from tests.conftest import run_cli

ISSUES = "content/issues"
# Lists of issues the writer can skip, in the two-issue sample: archives/2024/, and for each
# of the four sections sections/<key>/ (the latest issues) and sections/<key>/2024/.
LISTS = 1 + 4 * 2


def outputs(site: Path) -> dict[str, bytes]:
    """Every output file but pagefind/ (not byte-reproducible upstream) and the stamps."""
    out = site / "output"
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.relative_to(out).parts[0] != "pagefind"
        and not p.name.endswith("-cache")
    }


def mtimes(site: Path) -> dict[str, int]:
    out = site / "output"
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
    }


def build(site: Path, *args: str) -> str:
    result = run_cli(site / "pelican.conf.py", "build", *args)
    assert result.exit_code == 0, result.output
    return result.output


def pages_written(output: str) -> tuple[int, int]:
    found = re.search(r"\((\d+) pages written, (\d+) unchanged\)", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def add_issue(site: Path, day: str, period: str) -> None:
    """A copy of the sample's newest issue, dated `day` (YYYY-MM-DD) and covering `period`."""
    text = (site / ISSUES / "2024-02-08.md").read_text(encoding="utf-8")
    text = text.replace("Slug: 2024-02-08", f"Slug: {day}").replace(
        "Date: 2024-02-08", f"Date: {day}"
    )
    text = text.replace("Period: 2024-02-02 to 2024-02-08", f"Period: {period}")
    # Its incident rows inside its own period, or the build refuses it.
    text = re.sub(r"^\| 2024-02-0\d \|", f"| {day} |", text, flags=re.M)
    (site / ISSUES / f"{day}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def site(sample_site: Path, tmp_path: Path) -> Path:
    """The built sample (two weekly issues), copied with its output and cache."""
    folder = tmp_path / "site"
    shutil.copytree(sample_site, folder)
    build(folder)  # the copy's own cache and ledger (they hold absolute paths)
    return folder


def test_an_unchanged_archive_writes_no_page_and_renders_nothing(site):
    before, stamps = outputs(site), mtimes(site)
    said = build(site)
    assert pages_written(said) == (0, 2 + LISTS)
    assert "PDFs 0 rendered, 2 unchanged; email editions 0 written" in said
    assert outputs(site) == before
    issue_files = [k for k in stamps if k.startswith(("issues/", "email/", "about/"))]
    assert {k: mtimes(site)[k] for k in issue_files} == {k: stamps[k] for k in issue_files}


def test_adding_an_issue_writes_it_and_its_neighbour_and_matches_a_full_build(site):
    add_issue(site, "2024-02-15", "2024-02-09 to 2024-02-15")
    pdf_before = (site / "output/issues/2024-02-08/2024-02-08.pdf").read_bytes()
    said = build(site)
    # The new page, the one before it (its "Next issue" link) and the lists of 2024; not
    # the oldest issue.
    assert pages_written(said) == (2 + LISTS, 1)
    # The previous issue's PDF is kept: its printed content did not change.
    assert "PDFs 1 rendered, 2 unchanged; email editions 1 written" in said
    assert (site / "output/issues/2024-02-08/2024-02-08.pdf").read_bytes() == pdf_before
    page = (site / "output/issues/2024-02-08/index.html").read_text(encoding="utf-8")
    assert 'href="../../issues/2024-02-15/" rel="next"' in page
    incremental = outputs(site)
    said = build(site, "--full")
    assert pages_written(said) == (3 + LISTS, 0)
    assert outputs(site) == incremental


def test_pelican_s_cache_is_saved_once_the_pages_are_written(site):
    """Pelican saves its content cache (every issue read, 37 MB at 520 issues) as it
    finishes reading; a rebuild's new PDF waits for the new page, so digest has it saved
    after the pages, whole, and the next build still reads it."""
    from pelican import signals

    cache = site / ".cache/pelican/site/ArticlesGenerator-Readers"
    before = cache.stat().st_mtime_ns
    add_issue(site, "2024-02-15", "2024-02-09 to 2024-02-15")
    when_first_page: list[int] = []

    def written(path: str, context: object = None) -> None:
        if not when_first_page:
            when_first_page.append(cache.stat().st_mtime_ns if cache.exists() else None)

    signals.content_written.connect(written)
    try:
        assert pages_written(build(site))[0] > 0
    finally:
        signals.content_written.disconnect(written)
    assert when_first_page == [before]  # not saved yet when the first page was written
    assert cache.stat().st_mtime_ns != before  # saved by the end, with the new issue
    assert b"2024-02-15" in cache.read_bytes()
    assert pages_written(build(site)) == (0, 3 + LISTS)  # read back: nothing to write
    # A full build, whose PDFs are all current (none waits for a page), saves it where
    # Pelican does: before the first page.
    when_first_page.clear()
    signals.content_written.connect(written)
    try:
        build(site, "--full")
    finally:
        signals.content_written.disconnect(written)
    assert when_first_page and when_first_page[0] not in (None, before)  # saved already


def test_a_failed_run_s_writer_saves_nothing_when_another_run_ends(tmp_path):
    """A run that fails never reaches Pelican's `finalized`, so its writer stays listening
    for as long as its error is kept: the next run's end must not save that writer's
    ledger, nor its put-off content cache, into the cache folder."""
    import types

    from pelican import signals

    from digest.pelican_plugin.incremental import (
        _UNSAVED_KEY,
        INCREMENTAL_KEY,
        LEDGER,
        IncrementalWriter,
    )

    saved: list[str] = []
    settings = {
        INCREMENTAL_KEY: "key",
        "CACHE_PATH": str(tmp_path / "cache"),
        _UNSAVED_KEY: [lambda: saved.append("pelican's cache")],
    }
    failed = IncrementalWriter(str(tmp_path / "output"), settings=settings)
    failed.ledger.pages["issues/x/index.html"] = ["key", 1]  # a page that was never placed
    signals.finalized.send(types.SimpleNamespace(settings={}))  # another run ends
    assert not (tmp_path / "cache" / LEDGER).exists() and saved == []


def test_an_edited_issue_is_read_and_written_again(site):
    path = site / ISSUES / "2024-02-01.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## ", "## Edited: ", 1), encoding="utf-8")
    said = build(site)
    assert pages_written(said)[0] >= 1
    page = (site / "output/issues/2024-02-01/index.html").read_text(encoding="utf-8")
    assert "Edited: " in page
    assert "Edited: " in (site / "output/issues/2024-02-01/issue.json").read_text("utf-8")
    assert "Edited: " in (site / "output/email/2024-02-01.txt").read_text("utf-8")


def test_pelican_s_cache_knows_an_issue_file_by_the_check_s_hash_not_by_reading_it(
    site, monkeypatch
):
    """Pelican's content cache stamps each file with the hash of its bytes, which it would
    read again (three times a build); an issue file's stamp is the hash the check took,
    and so is the key of its page in the writer's ledger."""
    import builtins
    import io

    opened: list[str] = []
    real = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)  # pathlib's read_bytes opens with io.open
    assert pages_written(build(site)) == (0, 2 + LISTS)
    # Each issue file once: the check hashes its bytes, and nothing reads them again.
    issue_files = sorted(name for name in opened if name.endswith(".md"))
    assert issue_files == sorted(str(p) for p in (site / ISSUES).glob("*.md"))
    path = site / ISSUES / "2024-02-01.md"  # and an edit is still seen for what it is
    path.write_text(path.read_text(encoding="utf-8").replace("## ", "## Edited: ", 1), "utf-8")
    assert pages_written(build(site))[0] >= 1
    page = (site / "output/issues/2024-02-01/index.html").read_text(encoding="utf-8")
    assert "Edited: " in page


def test_a_deleted_page_is_written_again(site):
    page = site / "output/issues/2024-02-01/index.html"
    before = page.read_bytes()
    page.unlink()
    (site / "output/issues/2024-02-01/issue.json").unlink()
    assert pages_written(build(site)) == (1, 1 + LISTS)
    assert page.read_bytes() == before
    assert (site / "output/issues/2024-02-01/issue.json").exists()


def test_a_settings_or_theme_change_reads_and_writes_everything_again(site):
    conf = site / "pelican.conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + "from digest.config.taxonomy import DEFAULT_SECTIONS\n"
        + "DIGEST_SECTIONS = [{**s, 'title': 'Safety'} if s['key'] == 'security' else s"
        + " for s in DEFAULT_SECTIONS]\n",
        encoding="utf-8",
    )
    said = build(site)
    assert pages_written(said) == (2 + LISTS, 0)
    # The issues were parsed again with the new section title: no stale cached issue.
    assert "Safety" in (site / "output/issues/2024-02-08/index.html").read_text("utf-8")
    template = site / "themes/digest/templates/article.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            '<article class="issue"', '<article data-test="changed" class="issue"'
        ),
        encoding="utf-8",
    )
    assert pages_written(build(site)) == (2 + LISTS, 0)
    assert 'data-test="changed"' in (site / "output/issues/2024-02-01/index.html").read_text(
        "utf-8"
    )


def test_an_issue_of_a_new_year_leaves_the_earlier_years_lists_alone(site):
    add_issue(site, "2025-01-02", "2024-12-27 to 2025-01-02")
    year_2024 = site / "output/sections/security/2024/index.html"
    before = year_2024.stat().st_mtime_ns
    said = build(site)
    # New: the issue, archives/2025/, sections/<key>/2025/; changed: the newest 2024 issue
    # (its "Next issue") and sections/<key>/ (the latest issues); the 2024 section pages
    # gain a link to 2025 once.
    assert pages_written(said) == (2 + 1 + 4 + 4 + 4, 1 + 1)
    security = (site / "output/sections/security/2025/index.html").read_text(encoding="utf-8")
    assert "issues/2025-01-02/#security" in security
    assert "issues/2024-02-08/" not in security
    assert year_2024.stat().st_mtime_ns > before
    assert 'href="../../../sections/security/2025/"' in year_2024.read_text(encoding="utf-8")
    # The next issue of 2025 leaves the 2024 pages alone.
    add_issue(site, "2025-01-09", "2025-01-03 to 2025-01-09")
    stamps = mtimes(site)
    build(site)
    after = mtimes(site)
    unchanged_2024 = [k for k in stamps if "/2024/" in k or k.startswith("archives/2024")]
    assert unchanged_2024
    assert all(after[k] == stamps[k] for k in unchanged_2024)
    incremental = outputs(site)
    build(site, "--full")
    assert outputs(site) == incremental


def test_a_stored_edition_reads_as_its_edition_and_unpacks_only_what_is_read(sample_site):
    settings = config.load(sample_site / "pelican.conf.py")
    path = sample_site / ISSUES / "2024-02-08.md"
    edition, _ = read_issue(path, settings.sections, settings.sources)
    stored = pickle.loads(pickle.dumps(StoredEdition(edition)))
    # What lists show is there without unpacking the rest.
    assert (stored.title, stored.slug, stored.period, stored.summary) == (
        edition.title,
        edition.slug,
        edition.period,
        edition.summary,
    )
    assert stored.section_keys == tuple((s.key, s.label) for s in edition.sections)
    assert stored.__dict__["_edition"] is None
    # Anything else unpacks it, whole and equal.
    assert stored.sections == edition.sections
    assert stored.edition == edition
    assert repr(stored) == repr(edition)
    with pytest.raises(AttributeError):
        stored.no_such_field  # noqa: B018


def test_a_page_retitled_is_shown_on_every_issue_page_as_a_full_build_shows_it(site):
    # Every page's menu lists the Pelican pages: the writer reads them once a build, and a
    # new title must still reach each issue page.
    about = site / "content" / "pages" / "about.md"
    about.parent.mkdir(parents=True, exist_ok=True)
    about.write_text("Title: About\nSlug: about\n\nWho we are.\n", encoding="utf-8")
    build(site)
    page = (site / "output" / "issues" / "2024-02-01" / "index.html").read_text("utf-8")
    assert ">About</a>" in page
    about.write_text("Title: Who\nSlug: about\n\nWho we are.\n", encoding="utf-8")
    said = build(site)
    for issue in ("2024-02-01", "2024-02-08"):
        page = (site / "output" / "issues" / issue / "index.html").read_text(encoding="utf-8")
        assert ">Who</a>" in page, issue
    assert pages_written(said)[1] == 0  # every page shows the menu
    incremental = outputs(site)
    build(site, "--full")
    assert outputs(site) == incremental
