"""digest.files: files written whole or not at all; a failed write is one line naming the
file. And the drafts built on it: a file cut short is nobody's edit."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from digest import files
from digest.commands.draft import broken
from digest.errors import WriteError
from tests.conftest import run_cli


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(files.TEMP_SUFFIX)]


def test_a_write_replaces_the_file_whole_with_lf_line_ends(tmp_path):
    path = tmp_path / "a" / "page.html"
    files.write_text(path, "one\ntwo\n")
    files.write_text(path, "three\n")
    assert path.read_bytes() == b"three\n"
    assert leftovers(path.parent) == []


def test_a_disk_full_mid_write_leaves_the_old_file_and_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "atom.xml"
    path.write_text("<feed>old</feed>")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WriteError) as caught, files.atomic_writer(path) as stream:
        stream.write("<feed>half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value) == (
        "atom.xml: could not write: no space left on device; free some space and run the "
        "command again (nothing was left half-written)"
    )
    assert path.read_text() == "<feed>old</feed>"
    assert leftovers(tmp_path) == []


def test_the_callers_own_errors_pass_through_and_leave_the_file(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("old")
    with pytest.raises(ValueError), files.atomic_writer(path) as stream:
        stream.write("new")
        raise ValueError("a template broke")
    assert path.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_write_if_changed_leaves_equal_bytes_alone(tmp_path):
    path = tmp_path / "x.eml"
    assert files.write_if_changed(path, b"a")
    stamp = path.stat().st_mtime_ns
    assert not files.write_if_changed(path, b"a")
    assert path.stat().st_mtime_ns == stamp


def test_a_folder_is_swapped_in_whole_and_the_old_one_removed(tmp_path):
    target, new = tmp_path / "pagefind", tmp_path / ".pagefind.new.digest-tmp"
    (target / "old").mkdir(parents=True)
    (new / "fresh").mkdir(parents=True)
    files.replace_folder(new, target)
    assert [p.name for p in target.iterdir()] == ["fresh"]
    assert not new.exists() and leftovers(tmp_path) == []


def test_what_killed_writes_left_is_swept(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".x.html.1234.digest-tmp").write_text("half")
    (tmp_path / ".pagefind.99.digest-tmp").mkdir()
    (tmp_path / "a" / "x.html").write_text("whole")
    assert files.remove_temporaries(tmp_path) == 2
    assert [p.name for p in tmp_path.rglob("*")] == ["a", "x.html"]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"", "empty (0 bytes)"),
        (b"Title: Weekly\nSlug: 2024-02-08\nDa", "cut short inside its header"),
        (b"\x00\x00\x00", "not an issue file (no Title: header, no digest marker)"),
        (b"Title: Weekly\n\n## A {#politics}\n\nText, cut", None),  # could be an editor's cut
    ],
)
def test_a_file_cut_short_is_told_apart(data, what):
    assert broken(data) == what


def test_draft_replaces_an_empty_issue_file_and_keeps_it(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    issue = conf.parent / "content" / "issues" / "2024-02-08.md"
    issue.write_bytes(b"")  # what a kill inside write_text used to leave
    result = run_cli(conf, "draft", "--week-ending", "2024-02-08")
    assert result.exit_code == 0, result.output
    assert "the file was empty (0 bytes): replaced, the old one kept as 2024-02-08.md.bak" in (
        result.output
    )
    assert issue.read_text().startswith("Title: ")
    assert (issue.parent / "2024-02-08.md.bak").read_bytes() == b""
    update = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert update.exit_code == 0, update.output
    issue.write_bytes(b"Title: Iraq Weekly")
    cut = run_cli(conf, "draft", "--week-ending", "2024-02-08", "--update")
    assert cut.exit_code == 1
    assert "content/issues/2024-02-08.md: cut short inside its header, nothing to add to" in (
        cut.output
    )


def test_a_forked_child_writes_its_own_files_outside_the_parents_batch(tmp_path):
    # The search index is written by a process forked during the build: what it writes
    # must be in place when it ends, not left in a batch only the parent could finish.
    mine, childs = tmp_path / "mine.txt", tmp_path / "child.txt"
    with files.deferred_folder_syncs(), files.batched_writes():
        files.write_bytes(mine, b"parent")
        pid = os.fork()
        if pid == 0:  # the child
            try:
                files.write_bytes(childs, b"child")
                os._exit(0 if not files.batching() else 3)
            finally:
                os._exit(4)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert childs.read_bytes() == b"child"  # written whole by the child, already
        assert not mine.exists()  # the parent's, still in its batch
    assert mine.read_bytes() == b"parent"
    assert [p.name for p in tmp_path.iterdir() if "digest-tmp" in p.name] == []
