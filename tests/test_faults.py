"""Issue 19: fault injection. `draft`, `draft --update` and `build` are killed inside their
writes and run out of disk; whatever happens, no file in content/ or output/ is cut short,
nothing the editor wrote is lost, nothing is added twice, and the next run completes with
the bytes of a run nothing interrupted.

Kills: each command runs in a subprocess with tests/faults/ on PYTHONPATH, whose
sitecustomize.py counts the process's writes into files under the project (each raw
write() of a file opened for writing, each rename) and SIGKILLs it at the N-th: inside a
write after half its data reached the file, or just before a rename. A clean run counts
them first; the kills are spread over that count (every one of them for drafts). The
command's process group is killed with it (a PDF worker dies too, as with a terminal's
Ctrl-\\ or a timeout).

A full disk: a small tmpfs mounted over the project where the tests may mount (root), or
else a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored: writes fail with EFBIG); the file
size limit runs everywhere. send's dry run is run out of disk too (its kills and the SMTP
faults are in tests/test_send.py; collect's kills and full disk in tests/test_collect_run.py
and tests/test_store.py).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from digest.commands.draft import broken
from digest.files import TEMP_SUFFIX
from digest.publish import search
from tests.conftest import SAMPLE_EPOCH, make_project
from tests.test_update import EXTRA_FEED

ROOT = Path(__file__).resolve().parents[1]
HOOK = ROOT / "tests" / "faults"
ISSUE = "content/issues/2024-02-08.md"
BUILD_KILLS = 10  # kill points spread over a build's writes


def digest(
    project: Path,
    *args: str,
    kill_at: int = 0,
    count: Path | None = None,
    limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """`digest ARGS` in `project`, killed at its `kill_at`-th write (0: never); `count`:
    where the hook writes how many writes it saw; `limit`: a file size limit in bytes."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT)]),
        "SOURCE_DATE_EPOCH": SAMPLE_EPOCH,
        "DIGEST_FAULT_ROOT": str(project),
        "DIGEST_FAULT_KILL_AT": str(kill_at),
        "DIGEST_FAULT_COUNT": str(count or ""),
    }

    def limited() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "digest", "--config", str(project / "pelican.conf.py")]
    process = subprocess.Popen(
        [*command, *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: its workers die with it
        preexec_fn=limited,
    )
    out, err = process.communicate(timeout=300)
    if process.returncode == -signal.SIGKILL:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr


def temporary(path: Path) -> bool:
    return any(part.endswith(TEMP_SUFFIX) for part in path.parts)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but what killed writes leave (temporary files)."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not temporary(p.relative_to(folder))
    }


def site(output: Path) -> dict[str, bytes]:
    """output/ but the search index (Pagefind's bytes differ run to run: search.py)."""
    return {k: v for k, v in tree(output).items() if not k.startswith(f"{search.BUNDLE}/")}


def restore(snapshot: Path, project: Path) -> None:
    """`project` as it was at `snapshot` (times kept: stamps and the ledger compare them)."""
    shutil.rmtree(project)
    shutil.copytree(snapshot, project, symlinks=True)


def kill_points(events: int, spread: int | None = None) -> list[int]:
    """Every write, or `spread` of them: the first, the last, and evenly between."""
    if spread is None or events <= spread:
        return list(range(1, events + 1))
    between = {round(events * i / (spread - 1)) for i in range(1, spread - 1)}
    return sorted({1, events, *between})


def counted(project: Path, *args: str) -> int:
    """Run `digest ARGS` cleanly; returns how many writes it made."""
    count = project.parent / f"count-{uuid.uuid4().hex}"
    ok(digest(project, *args, count=count))
    return int(count.read_text())


def old_or_new(now: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes], when: str):
    """Every file is its old version or its new one, and nothing both had is gone."""
    for name, data in now.items():
        assert data in (old.get(name), new.get(name)), (
            f"{when}: {name} is neither its old nor its new version ({len(data)} bytes)"
        )
    lost = (old.keys() & new.keys()) - now.keys()
    assert not lost, f"{when}: lost {sorted(lost)}"


def index_whole(bundle: Path, old: dict[str, bytes], when: str) -> None:
    """The search index is the old one, file for file, or a whole new one."""
    now = tree(bundle)
    if now == old:
        return
    assert search.pages_indexed(bundle) == 2, when
    empty = [name for name, data in now.items() if not data]
    assert not empty, f"{when}: empty files in the search index: {empty}"


# --------------------------------------------------------------------------- build


@dataclass
class BuildCase:
    project: Path
    before: Path  # the project as it was: built, then an issue edited
    old: dict[str, bytes]  # output/ before
    new: dict[str, bytes]  # output/ after a clean build
    index: dict[str, bytes]  # output/pagefind/ before
    content: dict[str, bytes]
    events: int


@pytest.fixture(scope="module")
def build_case(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildCase:
    """The built sample; then the editor changes a paragraph of the newest issue, so the
    build rewrites its page, the lists, feeds, exports, email edition, PDF and index."""
    base = tmp_path_factory.mktemp("faults-build")
    project = base / "site"
    shutil.copytree(sample_site, project, symlinks=True)
    ok(digest(project, "build"))  # its own caches (they hold absolute paths)
    issue = project / ISSUE
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("\n\nOn ", "\n\nEDITED. On ", 1), encoding="utf-8")
    before = base / "before"
    shutil.copytree(project, before, symlinks=True)
    old, index = site(project / "output"), tree(project / "output" / search.BUNDLE)
    events = counted(project, "build")
    new = site(project / "output")
    assert new != old
    restore(before, project)
    return BuildCase(project, before, old, new, index, tree(project / "content"), events)


def check_build_left(case: BuildCase, when: str) -> None:
    output = case.project / "output"
    old_or_new(site(output), case.old, case.new, when)
    index_whole(output / search.BUNDLE, case.index, when)
    assert tree(case.project / "content") == case.content, when


def rebuild_matches_a_clean_build(case: BuildCase, when: str) -> None:
    ok(digest(case.project, "build"))
    output = case.project / "output"
    assert site(output) == case.new, f"{when}: the rerun differs from a clean build"
    assert search.pages_indexed(output / search.BUNDLE) == 2
    leftovers = [p for p in output.rglob("*") if temporary(p.relative_to(output))]
    assert leftovers == [], f"{when}: {leftovers}"


def test_a_build_killed_inside_any_write_leaves_every_file_whole(build_case):
    case = build_case
    assert case.events > 20  # pages, feeds, exports, email, caches: the hook sees them
    for n in kill_points(case.events, BUILD_KILLS):
        restore(case.before, case.project)
        killed = digest(case.project, "build", kill_at=n)
        assert killed.returncode == -signal.SIGKILL, f"write {n}: {killed.stderr}"
        check_build_left(case, f"killed at write {n} of {case.events}")
        rebuild_matches_a_clean_build(case, f"after a kill at write {n}")


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    return line


@dataclass
class SmallDisk:
    """A size-limited project folder: `fill(free)` leaves that many bytes free."""

    kind: str  # "tmpfs" or "fsize"
    fill: Callable[[int], int | None]  # -> the RLIMIT_FSIZE to run with (fsize), or None


def _mount_tmpfs(folder: Path, size_mb: int) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path, build_case: BuildCase) -> Iterator[tuple[BuildCase, SmallDisk]]:
    """The build case moved onto a small disk: a tmpfs where the test may mount one (root),
    else a file size limit."""
    mount = tmp_path / "disk"
    mounted = _mount_tmpfs(mount, 64)
    case = build_case
    if mounted:
        project, before = mount / "site", mount / "before"
        # The caches hold absolute paths: here the build reads every issue again, and
        # writes the same bytes.
        shutil.copytree(case.before, project, symlinks=True)
        shutil.copytree(project, before, symlinks=True)
        filler = mount / "filler"

        def fill(free: int) -> None:
            filler.unlink(missing_ok=True)
            stat = os.statvfs(mount)
            spare = stat.f_bavail * stat.f_frsize - free
            with open(filler, "wb") as out:  # written, not sparse: tmpfs counts it
                for _ in range(spare // (1 << 20)):
                    out.write(b"\0" * (1 << 20))
                out.write(b"\0" * (spare % (1 << 20)))
            return None

        moved = BuildCase(
            project, before, case.old, case.new, case.index, case.content, case.events
        )
        try:
            yield moved, SmallDisk("tmpfs", fill)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        return
    yield case, SmallDisk("fsize", lambda free: free)


def test_a_full_disk_during_a_build_is_one_line_and_leaves_every_file_whole(small_disk):
    case, disk = small_disk
    # Free space for none of it; for the small files but not the PDF or the index. A file
    # size limit holds for every file of the process, WeasyPrint's temporary copies of the
    # fonts (some 100 KB, outside the project) too: it stays below them.
    frees = (0, 24 * 1024, 96 * 1024) if disk.kind == "tmpfs" else (0, 8 * 1024, 24 * 1024)
    for free in frees:
        restore(case.before, case.project)
        limit = disk.fill(free)
        result = digest(case.project, "build", limit=limit)
        when = f"{disk.kind} with {free} bytes free"
        assert result.returncode == 1, f"{when}: {result.stdout}{result.stderr}"
        line = error_line(result)
        assert "could not write" in line or "no space left" in line.lower(), line
        named = line.removeprefix("error: ").split(": ")[0]
        assert (case.project / named).parent.is_dir(), f"{when}: names no file: {line}"
        assert "run the command again" in line, line
        check_build_left(case, when)
        if disk.kind == "tmpfs":
            (case.project.parent / "filler").unlink()
        rebuild_matches_a_clean_build(case, f"{when}, then space freed")


def test_a_file_size_limit_during_a_build_is_one_line(build_case):
    """RLIMIT_FSIZE runs everywhere, root or not: a write past it fails with EFBIG."""
    case = build_case
    restore(case.before, case.project)
    result = digest(case.project, "build", limit=16 * 1024)
    assert result.returncode == 1, result.stdout + result.stderr
    line = error_line(result)
    assert ": could not write: file too large; raise the file size limit" in line, line
    check_build_left(case, "file size limit")
    rebuild_matches_a_clean_build(case, "file size limit, then lifted")


# --------------------------------------------------------------------------- drafts


LATE_FEED = EXTRA_FEED  # a late report of the sample week (tests/test_update.py)


def edit(text: str) -> str:
    """What an editor does: rewrites a paragraph."""
    return text.replace("\n\nOn ", "\n\nEDITED BY HAND. On ", 1)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose week ending 2024-02-08 is drafted and edited by the editor; a late
    source's item arrived after the draft (for --update). Returns the saved state."""
    base = tmp_path_factory.mktemp("faults-draft")
    conf = make_project(
        base / "site",
        "DIGEST_SOURCES.append({'name': 'Late Wire', 'url': 'extra/late.rss', "
        "'section': 'economy', 'enabled': True})\n",
    )
    project = conf.parent
    (project / "extra").mkdir()
    late = project / "extra" / "late.rss"
    late.write_text(LATE_FEED.replace("<item>", "<!--").replace("</item>", "-->"))
    ok(digest(project, "collect"))
    ok(digest(project, "draft", "--week-ending", "2024-02-08"))
    issue = project / ISSUE
    issue.write_text(edit(issue.read_text(encoding="utf-8")), encoding="utf-8")
    late.write_text(LATE_FEED)
    ok(digest(project, "collect"))
    saved = base / "saved"
    shutil.copytree(project, saved, symlinks=True)
    return saved


def draft_kills(saved: Path, tmp_path: Path, *args: str) -> tuple[Path, bytes, bytes, int]:
    """The project copied to `tmp_path`, then a clean run of `digest ARGS` counted; returns
    (project, the edited file, the file after the clean run, writes), project restored."""
    project = tmp_path / "site"
    shutil.copytree(saved, project, symlinks=True)
    before = tmp_path / "before"
    shutil.copytree(project, before, symlinks=True)
    edited = (project / ISSUE).read_bytes()
    events = counted(project, *args)
    after = (project / ISSUE).read_bytes()
    assert after != edited
    restore(before, project)
    return project, edited, after, events


def backups(project: Path) -> dict[str, bytes]:
    folder = (project / ISSUE).parent
    return {p.name: p.read_bytes() for p in folder.glob("*.bak*") if not temporary(p)}


def check_issue_left(project: Path, edited: bytes, new: bytes, when: str) -> None:
    """The issue file is the editor's or the new one, whole; the editor's text is kept."""
    now = (project / ISSUE).read_bytes()
    assert now in (edited, new), f"{when}: the issue file is cut ({len(now)} bytes)"
    assert broken(now) is None, when
    for name, data in backups(project).items():
        assert data == edited, f"{when}: backup {name} is not the editor's file, whole"
    if now != edited:
        assert edited in backups(project).values(), f"{when}: the editor's text is gone"


@pytest.mark.parametrize("args", [("--force",), ("--update",)], ids=["force", "update"])
def test_a_draft_killed_inside_any_write_loses_no_edit_and_adds_nothing_twice(
    drafted, tmp_path, args
):
    week = ("draft", "--week-ending", "2024-02-08", *args)
    project, edited, new, events = draft_kills(drafted, tmp_path, *week)
    assert events >= 2  # the backup and the issue file
    before = tmp_path / "before"
    for n in kill_points(events):
        restore(before, project)
        killed = digest(project, *week, kill_at=n)
        when = f"{' '.join(args)} killed at write {n} of {events}"
        assert killed.returncode == -signal.SIGKILL, f"{when}: {killed.stderr}"
        check_issue_left(project, edited, new, when)
        ok(digest(project, *week))
        assert (project / ISSUE).read_bytes() == new, f"{when}: the rerun differs"
        assert list(backups(project).values()) == [edited], when  # one backup, whole
        if "--update" in args:  # the late item once, however often it was run
            assert new.count(b"grain silo in Tikrit") == 1
        leftovers = [p.name for p in (project / ISSUE).parent.iterdir() if temporary(p)]
        assert leftovers == [], when


def test_a_full_disk_during_draft_update_keeps_the_editors_file(drafted, tmp_path):
    """content/issues/ on a tmpfs with too little room for the merged file (root), else a
    file size limit below it (the editor's file grown past what the store needs)."""
    project = tmp_path / "site"
    shutil.copytree(drafted, project, symlinks=True)
    issues = (project / ISSUE).parent
    limit = None
    saved = tmp_path / "issues"
    shutil.copytree(issues, saved)
    if _mount_tmpfs(issues, 1):
        shutil.copytree(saved, issues, dirs_exist_ok=True)
        stat = os.statvfs(issues)
        (issues / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - 4096))
    else:  # the store's own files need some 40 KB; the editor's notes make the file larger
        notes = "".join(f"<!-- note {i}: {'x' * 90} -->\n" for i in range(1500))
        (project / ISSUE).write_text((project / ISSUE).read_text() + notes)
        limit = 96 * 1024
    edited = (project / ISSUE).read_bytes()
    week = ("draft", "--week-ending", "2024-02-08", "--update")
    try:
        result = digest(project, *week, limit=limit)
        assert result.returncode == 1, result.stdout + result.stderr
        line = error_line(result)
        assert line.startswith("error: content/issues/2024-02-08.md"), line
        assert "could not write: " in line and "run the command again" in line, line
        assert (project / ISSUE).read_bytes() == edited
        assert all(data == edited for data in backups(project).values())
        assert [p.name for p in issues.iterdir() if temporary(p)] == []
        (issues / "filler").unlink(missing_ok=True)
        ok(digest(project, *week))
        assert b"grain silo in Tikrit" in (project / ISSUE).read_bytes()
        assert list(backups(project).values()) == [edited]
    finally:
        if limit is None:
            subprocess.run(["umount", "-l", str(issues)], check=False, capture_output=True)


def test_the_fault_hook_counts_nothing_without_its_variables(tmp_path):
    """The hook is inert unless a test sets it up: production runs never see it."""
    code = "import io, os; print(io.open.__module__, type(os.replace).__name__)"
    env = {**os.environ, "PYTHONPATH": str(HOOK)}
    env.pop("DIGEST_FAULT_ROOT", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["io", "builtin_function_or_method"], done.stderr


# --------------------------------------------------------------------------- send


def test_a_full_disk_during_a_send_is_one_line_and_the_rerun_mails_everyone_once(tmp_path):
    """send's dry run writes each reader's message into the outbox and its journal into the
    store: a file size limit stops it part-way with one line; run again without it, every
    reader has exactly one message and none is cut short."""
    project = make_project(tmp_path / "site")
    folder = project.parent
    for args in (("collect",), ("draft", "--week-ending", "2024-02-08"), ("build",)):
        ok(digest(folder, *args))
    readers = folder / "readers.csv"
    readers.write_text(
        "email,name\n" + "".join(f"reader{n}@example.org,Reader {n}\n" for n in range(12)),
        encoding="utf-8",
    )
    limit = 16 * 1024  # smaller than one message
    send = ("send", "2024-02-08", "--subscribers", str(readers))
    result = digest(folder, *send, limit=limit)
    assert result.returncode == 1, result.stdout + result.stderr
    line = error_line(result)
    assert "outbox/2024-02-08" in line and "file too large; raise the file size limit" in line, line
    ok(digest(folder, *send))
    messages = sorted((folder / "outbox" / "2024-02-08" / "new").iterdir())
    to = sorted(
        next(h for h in m.read_text().splitlines() if h.startswith("To: ")) for m in messages
    )
    assert len(to) == 12 and len(set(to)) == 12, to  # everyone once, nobody twice
    for message in messages:
        assert message.read_text().rstrip().endswith("--") or "</html>" in message.read_text()
