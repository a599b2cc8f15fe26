"""Rebuilds redo only what changed (digest/pelican_plugin/incremental.py, publish/stamps.py),
and what they leave alone is still right: it matches a `digest build --full`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

ISSUES = "content/issues"


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
    assert pages_written(said) == (0, 2)
    assert "PDFs 0 rendered, 2 unchanged; email editions 0 written" in said
    assert outputs(site) == before
    issue_files = [k for k in stamps if k.startswith(("issues/", "email/", "about/"))]
    assert {k: mtimes(site)[k] for k in issue_files} == {k: stamps[k] for k in issue_files}


def test_adding_an_issue_writes_it_and_its_neighbour_and_matches_a_full_build(site):
    old = (site / ISSUES / "2024-02-08.md").read_text(encoding="utf-8")
    new = old.replace("Slug: 2024-02-08", "Slug: 2024-02-15").replace(
        "Date: 2024-02-08", "Date: 2024-02-15"
    )
    new = new.replace("Period: 2024-02-02 to 2024-02-08", "Period: 2024-02-09 to 2024-02-15")
    (site / ISSUES / "2024-02-15.md").write_text(new, encoding="utf-8")
    pdf_before = (site / "output/issues/2024-02-08/2024-02-08.pdf").read_bytes()
    said = build(site)
    # The new page, and the one before it (its "Next issue" link); not the oldest.
    assert pages_written(said) == (2, 1)
    # The previous issue's PDF is kept: its printed content did not change.
    assert "PDFs 1 rendered, 2 unchanged; email editions 1 written" in said
    assert (site / "output/issues/2024-02-08/2024-02-08.pdf").read_bytes() == pdf_before
    page = (site / "output/issues/2024-02-08/index.html").read_text(encoding="utf-8")
    assert 'href="../../issues/2024-02-15/" rel="next"' in page
    incremental = outputs(site)
    said = build(site, "--full")
    assert pages_written(said) == (3, 0)
    assert outputs(site) == incremental


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


def test_a_deleted_page_is_written_again(site):
    page = site / "output/issues/2024-02-01/index.html"
    before = page.read_bytes()
    page.unlink()
    (site / "output/issues/2024-02-01/issue.json").unlink()
    assert pages_written(build(site)) == (1, 1)
    assert page.read_bytes() == before
    assert (site / "output/issues/2024-02-01/issue.json").exists()


def test_a_settings_or_theme_change_reads_and_writes_everything_again(site):
    conf = site / "pelican.conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + "from digest.taxonomy import DEFAULT_SECTIONS\n"
        + "DIGEST_SECTIONS = [{**s, 'title': 'Safety'} if s['key'] == 'security' else s"
        + " for s in DEFAULT_SECTIONS]\n",
        encoding="utf-8",
    )
    said = build(site)
    assert pages_written(said) == (2, 0)
    # The issues were parsed again with the new section title: no stale cached issue.
    assert "Safety" in (site / "output/issues/2024-02-08/index.html").read_text("utf-8")
    template = site / "themes/digest/templates/article.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            '<article class="issue"', '<article data-test="changed" class="issue"'
        ),
        encoding="utf-8",
    )
    assert pages_written(build(site)) == (2, 0)
    assert 'data-test="changed"' in (site / "output/issues/2024-02-01/index.html").read_text(
        "utf-8"
    )
