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
