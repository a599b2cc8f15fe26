"""digest.files.batched_writes: a build's files are fsynced in the background and put in
place together at the end; until then, and if the build fails, the old files stay."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from digest import files


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(files.TEMP_SUFFIX)]


def test_the_files_of_a_batch_replace_the_old_ones_when_it_ends(tmp_path):
    page, feed = tmp_path / "a" / "index.html", tmp_path / "feeds" / "atom.xml"
    page.parent.mkdir()
    page.write_text("old page")
    with files.batched_writes():
        files.write_text(page, "new page")
        files.write_text(feed, "<feed/>")
        # A reader sees the old page until the batch ends; the batch knows the new one.
        assert page.read_text() == "old page" and not feed.exists()
        assert files.written(page).read_text() == "new page"
        assert files.written(page).stat().st_mtime_ns > 0
        assert not files.write_if_changed(page, b"new page")  # compared with the new bytes
    assert page.read_text() == "new page" and feed.read_text() == "<feed/>"
    assert files.written(page) == page
    assert leftovers(tmp_path) == []


def test_a_batch_that_fails_leaves_every_old_file_and_no_temporary_one(tmp_path):
    page, other = tmp_path / "index.html", tmp_path / "new.html"
    page.write_text("old")
    with pytest.raises(ValueError), files.batched_writes():
        files.write_text(page, "new")
        files.write_text(other, "new")
        raise ValueError("a template broke")
    assert page.read_text() == "old" and not other.exists()
    assert leftovers(tmp_path) == []


def test_a_file_written_twice_in_a_batch_ends_with_its_last_bytes(tmp_path):
    page = tmp_path / "index.html"
    with files.batched_writes():
        files.write_text(page, "first")
        files.write_text(page, "second")
        assert files.written(page).read_text() == "second"
    assert page.read_text() == "second"
    assert leftovers(tmp_path) == []


def _forked_write(path: Path) -> list[tuple[Path, Path]]:
    """What a forked process writes within handed_over(), as the parent receives it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with files.handed_over() as handed:
                files.write_text(path, "from the child")
            os.write(write_end, json.dumps([[str(t), str(p)] for t, p in handed]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        answer = stream.read().decode()
    os.waitpid(pid, 0)
    return [(Path(t), Path(p)) for t, p in json.loads(answer)]


def test_files_a_forked_process_wrote_are_put_in_place_with_the_batch(tmp_path):
    page = tmp_path / "issues" / "a" / "index.html"
    with files.batched_writes():
        handed = _forked_write(page)
        assert [p for _, p in handed] == [page]
        assert not page.exists() and handed[0][0].read_text() == "from the child"
        files.adopt(handed)
    assert page.read_text() == "from the child"
    assert leftovers(tmp_path) == []


def test_files_a_forked_process_wrote_go_with_a_batch_that_fails(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("old")
    with pytest.raises(RuntimeError), files.batched_writes():
        files.adopt(_forked_write(page))
        raise RuntimeError("the other half failed")
    assert page.read_text() == "old"
    assert leftovers(tmp_path) == []


def _write_many(folder: Path, count: int) -> list[Path]:
    pages = [folder / f"p{n // 10}" / f"{n}.html" for n in range(count)]
    for page in pages:
        page.parent.mkdir(exist_ok=True)
        page.write_text("old")
    return pages


@pytest.mark.skipif(files._syncfs() is None, reason="syncfs(2) is Linux's")
def test_a_large_batch_flushes_its_file_system_once_before_any_file_replaces_its_old_one(
    tmp_path, monkeypatch
):
    pages = _write_many(tmp_path, files._EACH_UP_TO + 40)
    real, seen = files._syncfs(), []

    def syncfs(fd: int) -> int:
        # Flushed while every page still holds its old bytes and its new ones are durable.
        seen.append(sorted({page.read_text() for page in pages}))
        return real(fd)

    fsynced, fsync = [], files._fsync
    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(files, "_fsync", lambda path: fsynced.append(path) or fsync(path))
    with files.batched_writes():
        for page in pages:
            files.write_text(page, "new")
    assert seen == [["old"]]  # one file system, one flush, before the renames
    assert len(fsynced) == files._EACH_UP_TO  # the first ones fsynced as they were written
    assert {page.read_text() for page in pages} == {"new"}
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(files._syncfs() is None, reason="syncfs(2) is Linux's")
def test_a_flush_that_fails_leaves_every_old_file_and_says_which_folder(tmp_path, monkeypatch):
    import ctypes
    import errno

    pages = _write_many(tmp_path, files._EACH_UP_TO + 5)

    def failing(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(files, "_syncfs", lambda: failing)
    with pytest.raises(files.WriteError) as caught, files.batched_writes():
        for page in pages:
            files.write_text(page, "new")
    message = str(caught.value)
    assert "could not write: input/output error" in message and str(tmp_path) in message
    assert {page.read_text() for page in pages} == {"old"}
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(files._syncfs() is None, reason="syncfs(2) is Linux's")
def test_many_folders_are_flushed_with_their_file_system_once(tmp_path, monkeypatch):
    real, flushed = files._syncfs(), []
    monkeypatch.setattr(files, "_syncfs", lambda: lambda fd: flushed.append(fd) or real(fd))
    with files.deferred_folder_syncs():
        for n in range(files._EACH_UP_TO + 1):
            files.write_text(tmp_path / str(n) / "index.html", "page")
    assert len(flushed) == 1
    with files.deferred_folder_syncs():
        files.write_text(tmp_path / "0" / "index.html", "again")
    assert len(flushed) == 1  # one folder: fsynced on its own
