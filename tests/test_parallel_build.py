"""A full build on two CPUs (issue files judged in worker processes, half the issue pages
rendered by a forked process, every file fsynced in the background and renamed at the end)
writes the same bytes as on one CPU, where all of it runs in one process, one file after
the other. And a broken template fails it with the same one line either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.archive import FIRST_WEEK_ENDING, week_ending, write_archive
from digest import config, files
from digest.commands.build import run_pelican
from digest.commands.check import check_content
from digest.errors import RenderError
from digest.pelican_plugin import parallel
from tests.conftest import FROZEN, make_project

ISSUES = parallel.AT_LEAST + 4  # enough issue pages for the second process to be forked


def two_cpus() -> set[int]:
    cpus = os.sched_getaffinity(0)
    assert len(cpus) >= 2, "this test compares a build on one CPU with one on two: run it on 2+"
    return set(sorted(cpus)[:2])


def site(folder: Path, cpus: set[int], extra: str = "") -> Path:
    """The archive's site (the check, then Pelican: what `digest build` runs before the
    PDFs and emails) built with only `cpus` available; returns the output folder."""
    conf = make_project(folder, f'DIGEST_FIRST_ISSUE = "{FIRST_WEEK_ENDING}"\n{extra}')
    write_archive(folder / "content" / "issues", ISSUES)
    settings = config.load(conf)
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        verdict = check_content(settings, parsed=True, build=True)
        assert not verdict.errors, verdict.errors[:3]
        run_pelican(settings, full=True, parsed=verdict.parsed, now=FROZEN)
    finally:
        os.sched_setaffinity(0, before)
    return settings.output_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_cpus_write_the_same_bytes_as_one(tmp_path):
    cpus = two_cpus()
    one = tree(site(tmp_path / "one", {min(cpus)}))
    two = tree(site(tmp_path / "two", cpus))
    assert sorted(one) == sorted(two)
    assert len([name for name in one if name.endswith("/index.html")]) > ISSUES
    assert [name for name in one if one[name] != two[name]] == []
    assert not [name for name in two if name.endswith(files.TEMP_SUFFIX)]


def test_a_template_that_breaks_on_one_issue_fails_the_build_in_one_line(tmp_path):
    cpus = two_cpus()
    # The article template fails on the 7th issue: an odd page in Pelican's order (newest
    # first), which the forked process renders on two CPUs.
    broken = week_ending(7).isoformat()
    said = []
    for name, allowed in (("one", {min(cpus)}), ("two", cpus)):
        folder = tmp_path / name
        folder.mkdir()
        with pytest.raises(RenderError) as caught:
            site(folder, allowed, _breaking(folder, broken))
        said.append(str(caught.value))
        # Nothing of the failed build was put in place, and nothing half-made is left.
        output = folder / "output"
        assert not list(output.glob("issues/*/index.html"))
        assert not [p for p in output.rglob("*") if p.name.endswith(files.TEMP_SUFFIX)]
    assert said[0] == said[1]
    assert said[0].startswith("site: Pelican failed: UndefinedError: "), said[0]
    assert "broken_on_purpose" in said[0] and "\n" not in said[0]


def _breaking(folder: Path, slug: str) -> str:
    """Settings whose templates override the theme's article template with one that
    fails for the issue `slug`."""
    templates = folder / "overrides"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "!theme/article.html" %}{% block content %}'
        f"{{% if article.slug == '{slug}' %}}{{{{ article.broken_on_purpose.x }}}}{{% endif %}}"
        "{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    return f'THEME_TEMPLATES_OVERRIDES = ["{templates}"]\n'
