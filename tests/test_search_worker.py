"""Issue 25: a build's search index is written by a worker process started before Pelican
(search_worker.py). What search logs there is logged in the build; what it read ahead of
time is used only if the file it read is still the same."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from digest.publish import search, search_worker
from tests.test_search_incremental import GLOB, Site, sample_pages


@pytest.fixture(scope="module")
def pages(sample_site: Path) -> list[str]:
    return sample_pages(sample_site)


def job(site: Site, *, full: bool = False) -> search_worker.Job:
    return search_worker.Job(site.output, GLOB, site.cache, full)


def test_the_worker_indexes_and_its_notes_are_logged_here(tmp_path, pages, monkeypatch, caplog):
    site = Site(tmp_path, pages, monkeypatch)
    for number in range(1, 4):
        site.write(number)
    site.index()
    site.cache.write_bytes(site.cache.read_bytes()[:1000])  # torn: everything again
    site.write(4)
    with (
        caplog.at_level(logging.INFO, logger=search.__name__),
        search_worker.started(site.cache, full=False) as pool,
    ):
        found = search_worker.index(pool, job(site))
        worker = pool.init
    assert found.pages == 4 and found.started <= found.ended
    assert worker == (site.cache, False)
    assert site.runs()[1:] == [site.records_of(1, 2, 3, 4)]  # every record, by the worker
    assert any("not read" in m and "indexing every page" in m for m in caplog.messages)
    assert search.indexed_urls(site.output / "pagefind") == {
        f"/issues/issue-{n:03d}/" for n in range(1, 5)
    }


def test_an_index_read_ahead_is_not_used_once_its_file_changed(tmp_path, pages, monkeypatch):
    site = Site(tmp_path, pages, monkeypatch)
    for number in range(1, 4):
        site.write(number)
    site.index()
    search.preload(site.cache)  # what a worker reads while Pelican works
    site.write(4)
    site.index()  # the file changed since (this index holds issue 4)
    search.preload(site.cache)
    torn = site.cache.read_bytes()[:1000]
    site.cache.write_bytes(torn)
    os.utime(site.cache, ns=(1, 1))  # another time and size: another file
    site.write(5)
    site.index()
    # The torn file is what was read: every record again, not the state read ahead.
    assert site.runs()[1:] == [site.records_of(4), site.records_of(1, 2, 3, 4, 5)]


def test_an_index_read_ahead_is_used_while_its_file_is_the_same(tmp_path, pages, monkeypatch):
    site = Site(tmp_path, pages, monkeypatch)
    for number in range(1, 4):
        site.write(number)
    site.index()
    search.preload(site.cache)
    site.cache.unlink()  # gone after it was read ahead: its key no longer matches
    site.write(4)
    site.index()
    assert site.runs()[1:] == [site.records_of(1, 2, 3, 4)]
    search.preload(site.cache)
    # The bytes spoiled in place, size, time and inode kept: only what was read ahead can
    # still say what the index holds (read now, the file would mean everything again).
    info = site.cache.stat()
    with site.cache.open("r+b") as stream:
        stream.write(b"\0" * info.st_size)
    os.utime(site.cache, ns=(info.st_atime_ns, info.st_mtime_ns))
    site.write(5)
    site.index()
    assert site.runs()[2:] == [site.records_of(5)]
