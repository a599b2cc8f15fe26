"""Files written whole or not at all: every file digest publishes or the editor edits.

The rules:

- A file is written under a temporary name beside its place (`.<name>.<random>.digest-tmp`,
  same folder, so same file system), flushed and fsynced, then renamed over the old one
  (`os.replace`, atomic on POSIX) and its folder fsynced. A reader, a web server or the
  next run sees the old file or the new one, never a part of one.
- A write that fails (disk full, quota, no permission, read-only file system) removes its
  temporary file, leaves the old file as it was and raises WriteError: one line that names
  the file and says what to do. A killed process leaves at most a temporary file, which
  `remove_temporaries` sweeps (a build does, over output/).
- A folder a tool makes whole (the search index) is made beside the old one and swapped in
  with one rename: an atomic exchange where the system has one (Linux's renameat2), else
  two renames a moment apart.
- Within `deferred_folder_syncs()` (a build writes thousands of files) each folder is
  fsynced once, at the end. That only delays the moment a rename is durable: until then a
  power cut leaves the old file, still whole.
- Within `batched_writes()` (Pelican's pages, feeds and exports: two thousand files, each
  fsync a wait on the disk) a file is written under its temporary name and fsynced by a
  background thread while the next one is made; when the block ends, once every fsync has
  succeeded, each is renamed over its old file. Until then readers see the old files: the
  rule above holds, and a block that fails, or a file that cannot be made durable, leaves
  every old file of the batch as it was (`written()` says where a batched file's bytes are).
  Past a few dozen files, where the system can flush one file system (Linux's syncfs), the
  rest of a batch, and a thousand folders, are made durable by one flush of each file
  system they are on, before the first rename: the same guarantee, without an fsync (a
  journal commit, on ext4) per file.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from digest.errors import WriteError

TEMP_SUFFIX = ".digest-tmp"
# What the system, not digest, got wrong: reported in one line, never a traceback.
ENVIRONMENT = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)
# ... and those of them a write itself (not the opening of a file) can raise.
_WRITING = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
_ADVICE = {
    errno.ENOSPC: "free some space and run the command again",
    errno.EDQUOT: "free some space (or raise the quota) and run the command again",
    errno.EFBIG: "raise the file size limit (ulimit -f) and run the command again",
    errno.EROFS: "make the file system writable and run the command again",
    errno.EACCES: "check that you may write there and run the command again",
    errno.EPERM: "check that you may write there and run the command again",
}
_pending_syncs: set[Path] | None = None  # folders to fsync at the end of a batch
_SYNC_THREADS = 8  # fsyncs in flight at once: the file system joins them into few commits
# Files (or folders) made durable one by one, in the background; past this many, the rest
# by flushing their file systems whole (_flush_file_systems). A rebuild stays under it; a
# 520-issue full build's 2,300 fsyncs (each a journal commit, the threads waiting on them)
# took 0.4 s of its 3.8.
_EACH_UP_TO = 64


def shown(path: Path | str) -> str:
    """`path` as the user typed it: relative to the working folder when under it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


def failure(exc: OSError, path: Path | str | None = None, *, writing: bool = True) -> WriteError:
    """The one-line error for `exc` on `path` (default: the file the error names)."""
    where = shown(path if path is not None else exc.filename)
    reason = (exc.strerror or os.strerror(exc.errno or 0) or str(exc)).strip()
    reason = reason[:1].lower() + reason[1:]
    advice = _ADVICE.get(exc.errno or 0, "run the command again")
    if writing:  # through atomic_writer: the file is as it was
        return WriteError(
            f"{where}: could not write: {reason}; {advice} (nothing was left half-written)", where
        )
    return WriteError(f"{where}: {reason}; {advice}", where)


def environmental(exc: BaseException) -> bool:
    """An OSError the system caused (disk full, permissions), naming a file: not a bug."""
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT and exc.filename is not None


def temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


@contextmanager
def atomic_writer(path: Path, mode: str = "w", *, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """A file to write `path` through: it replaces `path` when the block ends, whole; if
    the block raises, `path` is left as it was. `mode`: "w" (text, LF) or "wb"."""
    path = Path(path)
    temp = temporary_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if "b" in mode:
            stream: IO[Any] = open(temp, "xb")  # noqa: SIM115 (closed below)
        else:
            stream = open(temp, "x", encoding=encoding, newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise failure(exc, path) from exc
    batch = _batch
    try:
        with stream:
            yield stream
            stream.flush()
            if batch is None:
                os.fsync(stream.fileno())
        if batch is not None:
            batch.add(temp, path)  # fsynced in the background, renamed when the batch ends
            return
        os.replace(temp, path)
    except BaseException as exc:
        with suppress(OSError):
            temp.unlink()
        # The caller's own errors pass through; a write that found the disk full is ours.
        if isinstance(exc, OSError) and _ours(exc, (temp, path)):
            raise failure(exc, path) from exc
        raise
    sync_folder(path.parent)


def _ours(exc: OSError, paths: tuple[Path, ...]) -> bool:
    """A write's failure (disk full, whatever the file), or the system's on our files."""
    if exc.errno in _WRITING:
        return True
    return exc.errno in ENVIRONMENT and exc.filename in (None, *map(str, paths))


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as stream:
        stream.write(data)


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """`text` with LF line ends (no newline translation), as write_text(newline="\\n")."""
    with atomic_writer(path, "w", encoding=encoding) as stream:
        stream.write(text)


def write_cache(path: Path, data: bytes) -> bool:
    """Write a cache file (its folder made), whole or not at all, through a temporary file
    of its own (two runs may write it at once); returns whether it was written. A cache
    that cannot be written only costs the next run time: no error."""
    partial = temporary_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        with suppress(OSError):
            partial.unlink()
        return False
    return True


def read_entries(path: Path, token: str) -> dict[str, Any]:
    """The entries a cache file keeps (write_entries) for `token` (the code and settings
    they are valid for); none when it is missing, damaged, or another token's."""
    try:
        stored = json.loads(path.read_bytes())
        if stored["token"] == token and isinstance(stored["files"], dict):
            return stored["files"]
    except Exception:  # unreadable, not JSON, nested past the parser's depth, another shape
        pass
    return {}


def write_entries(path: Path, token: str, entries: dict[str, Any]) -> None:
    """Keep `entries` for `token` in a cache file (write_cache: best effort)."""
    data = json.dumps({"token": token, "files": entries}, ensure_ascii=False)
    write_cache(path, data.encode())


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless `path` already holds exactly it; returns whether it wrote."""
    try:
        current = written(path)
        if current.stat().st_size == len(data) and current.read_bytes() == data:
            return False
    except OSError:
        pass  # missing or unreadable: write it
    write_bytes(path, data)
    return True


def copy_file(source: Path | str, target: Path | str) -> None:
    """Copy a file whole (a theme's stylesheet or font), not when the target already
    holds the same bytes."""
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise failure(exc, source, writing=False) from exc
    write_if_changed(Path(target), data)


class _Batch:
    """Files written under their temporary names, fsynced in the background, to be renamed
    into place together (batched_writes)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(_SYNC_THREADS, thread_name_prefix="digest-fsync")
        self.pending: dict[Path, tuple[Path, Future[None]]] = {}  # place -> (temp, its fsync)
        self.superseded: list[tuple[Path, Future[None]]] = []  # a place written twice
        self.submitted = 0
        self.unsynced: list[Path] = []  # written past _EACH_UP_TO: their file systems flushed

    def add(self, temp: Path, path: Path) -> None:
        path = _place(path)
        earlier = self.pending.pop(path, None)
        if earlier is not None:
            self.superseded.append(earlier)
        if self.submitted < _EACH_UP_TO or _syncfs() is None:
            self.submitted += 1
            self.pending[path] = (temp, self.pool.submit(_fsync, temp))
        else:
            self.unsynced.append(temp)
            self.pending[path] = (temp, _DONE)

    def written(self, path: Path) -> Path:
        found = self.pending.get(_place(path))
        return found[0] if found else path

    def _all_durable(self) -> None:
        """Wait for every fsync; the first that failed fails the batch (none is kept)."""
        for path, (_, done) in self.pending.items():
            exc = done.exception()
            if exc is not None:
                self.abort()
                if isinstance(exc, OSError):
                    raise failure(exc, path) from exc
                raise exc
        unsynced, self.unsynced = self.unsynced, []
        try:
            _flush_file_systems(temp.parent for temp in unsynced)
        except OSError as exc:
            self.abort()
            raise failure(exc) from exc

    def commit(self) -> None:
        """Every file renamed into place once all are durable; else none is."""
        self._all_durable()
        self._discard(self.superseded)
        pending = list(self.pending.items())
        self.pending.clear()
        self.pool.shutdown()
        for number, (path, (temp, _)) in enumerate(pending):
            try:
                os.replace(temp, path)
            except OSError as exc:
                self._discard([entry for _, entry in pending[number:]])
                if _ours(exc, (temp, path)):
                    raise failure(exc, path) from exc
                raise
            sync_folder(path.parent)

    def hand_over(self) -> list[tuple[Path, Path]]:
        """(temporary file, place) of each file, once all are durable, for another process
        to rename (adopt); else none is left."""
        self._all_durable()
        self._discard(self.superseded)
        handed = [(temp, path) for path, (temp, _) in self.pending.items()]
        self.pending.clear()
        self.pool.shutdown()
        return handed

    def adopt(self, temp: Path, path: Path) -> None:
        path = _place(path)
        earlier = self.pending.pop(path, None)
        if earlier is not None:
            self.superseded.append(earlier)
        self.pending[path] = (temp, _DONE)  # made durable by the process that wrote it

    def abort(self) -> None:
        """No file of the batch replaces its old one."""
        self._discard([*self.pending.values(), *self.superseded])
        self.pending.clear()
        self.superseded.clear()
        self.pool.shutdown()

    @staticmethod
    def _discard(entries: list[tuple[Path, Future[None]]]) -> None:
        for temp, done in entries:
            done.exception()  # wait: the temporary file may still be open in its fsync
            with suppress(OSError):
                temp.unlink()


def _place(path: Path | str) -> Path:
    """One name for one place (Pelican names its pages by absolute path, others may not)."""
    return Path(os.path.abspath(path))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_DONE: Future[None] = Future()
_DONE.set_result(None)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2) (flush the file system a descriptor is on), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only a build writing more than _EACH_UP_TO files gets here

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # a C library without it
        return None


def _flush_file_systems(folders: Iterable[Path]) -> None:
    """Make every file in `folders` (and the folders) durable by flushing once each file
    system that holds one (syncfs); raises OSError naming a folder when a flush fails."""
    devices: dict[int, Path] = {}
    for folder in sorted(set(folders)):
        devices.setdefault(os.stat(folder).st_dev, folder)
    if not devices:
        return
    import ctypes

    syncfs = _syncfs()
    assert syncfs is not None, "flushed only where the system can"
    for folder in devices.values():
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)


_batch: _Batch | None = None


@contextmanager
def batched_writes() -> Iterator[None]:
    """Files written in the block (atomic_writer and what uses it) replace their old ones
    when it ends, all of them once each is durable; if the block raises, none does."""
    global _batch
    if _batch is not None:  # nested: the outer batch renames
        yield
        return
    batch = _batch = _Batch()
    try:
        yield
    except BaseException:
        _batch = None
        batch.abort()
        raise
    _batch = None
    batch.commit()


@contextmanager
def handed_over() -> Iterator[list[tuple[Path, Path]]]:
    """For a process forked within batched_writes() to write some of the batch's files:
    what it writes in the block is fsynced and left under temporary names, and the list
    the block is given holds (temporary file, place) pairs when it ends, for the batch's
    own process to adopt(). If the block raises, the files are removed."""
    global _batch
    batch = _batch = _Batch()
    handed: list[tuple[Path, Path]] = []
    try:
        yield handed
    except BaseException:
        _batch = None
        batch.abort()
        raise
    _batch = None
    handed.extend(batch.hand_over())


def adopt(handed: list[tuple[Path, Path]]) -> None:
    """Files another process wrote and made durable (handed_over) join this batch: renamed
    into place with the rest, or removed with them."""
    assert _batch is not None, "adopt() belongs within batched_writes()"
    for temp, path in handed:
        _batch.adopt(temp, path)


def batching() -> bool:
    return _batch is not None


def written(path: Path) -> Path:
    """Where the newest bytes of `path` are: within batched_writes(), a file written in the
    batch is still under its temporary name (its modification time is the one it keeps)."""
    return _batch.written(path) if _batch is not None else path


def sync_folder(folder: Path) -> None:
    """fsync a folder: its renames survive a power cut. Deferred within a batch."""
    if _pending_syncs is not None:
        _pending_syncs.add(folder)
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a system that cannot open folders cannot fsync them either
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to fsync a folder; the rename is done
    finally:
        os.close(fd)


@contextmanager
def deferred_folder_syncs() -> Iterator[None]:
    """Each folder written into in the block is fsynced once, when it ends."""
    global _pending_syncs
    if _pending_syncs is not None:  # nested: the outer batch syncs
        yield
        return
    _pending_syncs = set()
    try:
        yield
    finally:
        folders, _pending_syncs = _pending_syncs, None
        if len(folders) < 2:
            for folder in folders:
                sync_folder(folder)
        elif len(folders) > _EACH_UP_TO and _syncfs() is not None:
            with suppress(OSError):  # as sync_folder: the renames are done
                _flush_file_systems(folders)
        else:  # a thousand folders: the waits overlap, the file system joins the commits
            with ThreadPoolExecutor(_SYNC_THREADS, thread_name_prefix="digest-fsync") as pool:
                list(pool.map(sync_folder, sorted(folders)))


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` in place of `target` and remove the old one. Where the system
    can exchange two names in one step, `target` is never missing; elsewhere it is, for
    the moment between two renames."""
    try:
        if not target.exists():
            os.rename(new, target)
        elif _exchange(new, target):  # `new` now holds the old folder (or file)
            _remove(new)
        else:
            old = target.with_name(f".{target.name}.old{TEMP_SUFFIX}")
            _remove(old)
            os.rename(target, old)
            os.rename(new, target)
            _remove(old)
    except OSError as exc:
        if environmental(exc):
            raise failure(exc, target) from exc
        raise
    sync_folder(target.parent)


def _remove(path: Path) -> None:
    """Remove a file or a folder tree, if there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names atomically (Linux renameat2 RENAME_EXCHANGE); False: not here."""
    if sys.platform != "linux":
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, musl
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system cannot exchange: rename twice
    raise OSError(code, os.strerror(code), os.fspath(b))


def remove_temporaries(folder: Path, name: str | None = None) -> int:
    """Remove what killed writes left in `folder` and below (files and folders ending in
    TEMP_SUFFIX), or only those of the file `name` in `folder` itself. Returns how many."""
    removed = 0
    if name is not None:
        found = list(folder.glob(f".{name}.*{TEMP_SUFFIX}"))
    else:
        found = []
        for root, dirs, names in os.walk(folder):
            found += [Path(root, n) for n in names if n.endswith(TEMP_SUFFIX)]
            found += [Path(root, d) for d in dirs if d.endswith(TEMP_SUFFIX)]
            dirs[:] = [d for d in dirs if not d.endswith(TEMP_SUFFIX)]
    for path in found:
        with suppress(OSError):
            _remove(path)
            removed += 1
    return removed


def _forget_the_parents_batches() -> None:
    """In a forked child: the parent's batch and deferred folder syncs stay the parent's.
    The child has none of the batch's fsync threads, and folders it defers would never be
    fsynced; what it writes it makes durable itself (or hands over: handed_over)."""
    global _batch, _pending_syncs
    _batch = None
    _pending_syncs = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_the_parents_batches)
