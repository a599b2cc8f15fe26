"""A rebuild starts its search and PDF workers before it reads the issue files
(digest/commands/head_start.py), from a guess by the files' times: the guess decides only
when the workers start, never what is built."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from digest import config
from digest.commands.head_start import head_start
from tests.conftest import FROZEN, edit_headline, run_cli
from tests.support import processes

SLUG = "2024-02-08"


def _issue(site: Path) -> Path:
    return site / "content" / "issues" / f"{SLUG}.md"


def _pdf(site: Path) -> Path:
    return site / "output" / "issues" / SLUG / f"{SLUG}.pdf"


@pytest.fixture
def site(sample_site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    return copy


def _renderers() -> list[int]:
    """This process's children that are PDF or search workers, alive."""
    return processes.children(b"digest.publish.pdf.workers")


def _started(site: Path, *, full: bool = False):
    settings = config.load(site / "pelican.conf.py", compile_selectors=False)
    return head_start(settings, full=full, now=FROZEN)


def _pids(started) -> list[int]:
    pools = (started.search, started.pdfs)
    return [w.process.pid for pool in pools if pool is not None for w in pool.idle]


def test_a_rebuild_after_an_edit_starts_its_workers_and_stops_them_when_not_taken(site):
    edit_headline(site)
    with _started(site) as started:
        assert None not in (started.search, started.pdfs)
        pids = _pids(started)
        assert len(pids) == 2 and all(processes.alive(pid) for pid in pids)
        # In the background: ten steps nicer than the build.
        nicer = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in pids} == {nicer}
        assert started.pdfs is not None
        first = started.pdfs.worker()  # the one started with the pool
        later = started.pdfs.worker()  # one started once the pool is in the background
        try:
            assert later.process.pid != first.process.pid
            assert os.getpriority(os.PRIO_PROCESS, later.process.pid) == nicer
        finally:
            first.stop()
            later.stop()
    assert not any(processes.alive(pid) for pid in pids)


def test_a_rebuild_with_no_file_written_since_starts_only_the_search_worker(site):
    with _started(site) as started:
        assert started.search is not None and started.pdfs is None
        assert len(_pids(started)) == 1


@pytest.mark.parametrize("why", ["full", "first build"])
def test_a_full_or_first_build_starts_nothing_early(site, why):
    if why == "first build":
        shutil.rmtree(site / ".cache")
    with _started(site, full=why == "full") as started:
        assert started.search is started.pdfs is None


def test_an_issue_edited_with_an_older_time_still_gets_its_new_pdf(site):
    """The guess misses (the file's time is older than the last build's): the build starts
    the PDF worker after the check, as it did before the head start."""
    before = _pdf(site).read_bytes()
    issue = _issue(site)
    old = issue.stat().st_mtime_ns
    edit_headline(site)
    os.utime(issue, ns=(old, old))
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    assert "PDFs 1 rendered, 1 unchanged" in built.output
    assert _pdf(site).read_bytes() != before
    assert _renderers() == []


def test_an_issue_touched_but_not_edited_makes_no_pdf(site):
    """The guess is wrong the other way (a newer time, the same bytes): the worker started
    for it is stopped, nothing is printed, and the PDF stays as it was."""
    before = _pdf(site).read_bytes()
    _issue(site).touch()
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    assert "PDFs 0 rendered, 2 unchanged" in built.output
    assert _pdf(site).read_bytes() == before
    assert _renderers() == []
