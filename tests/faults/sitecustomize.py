"""Test-only fault injection for tests/test_faults.py, loaded by Python at start-up when
this folder is on PYTHONPATH. Nothing in digest reads these variables.

DIGEST_FAULT_ROOT: only files under this folder count. Each event is a write() into a file
opened for writing there, or an os.replace/os.rename of a file there.
DIGEST_FAULT_KILL_AT=N: at the N-th event the process SIGKILLs itself: inside a write, after
writing half of the data (flushed, so the half is on disk); before a rename.
DIGEST_FAULT_COUNT: a file to write the number of events into at exit (a clean run).

The variables are taken out of the environment at once: child processes (PDF workers,
Pagefind) are not counted, so N means the same in every run.
"""

from __future__ import annotations

import atexit
import builtins
import io
import os
import signal
from typing import Any

_root = os.environ.pop("DIGEST_FAULT_ROOT", "")
_kill_at = int(os.environ.pop("DIGEST_FAULT_KILL_AT", "0") or 0)
_count_file = os.environ.pop("DIGEST_FAULT_COUNT", "")
_events = 0


def _event() -> bool:
    """Count an event; True: this is the one to die at."""
    global _events
    _events += 1
    return _events == _kill_at


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _ours(path: Any) -> bool:
    if isinstance(path, int) or not _root:
        return False
    try:
        return os.path.abspath(os.fsdecode(path)).startswith(_root + os.sep)
    except (TypeError, ValueError):
        return False


class _Watched(io.RawIOBase):
    """The raw file under a file opened for writing under the root (real io classes stay
    on top of it: a library's isinstance checks still hold). Each raw write is an event."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw
        self.name = raw.name

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return self._raw.readable()

    def seekable(self) -> bool:
        return self._raw.seekable()

    def write(self, data: Any) -> int:
        if _event():
            self._raw.write(bytes(data[: len(data) // 2]))  # FileIO: straight to the file
            _die()
        return self._raw.write(data)

    def readinto(self, buffer: Any) -> int:
        return self._raw.readinto(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def truncate(self, size: int | None = None) -> int:
        return self._raw.truncate(size)

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._raw.close()


_open = io.open


def _watched_open(
    file: Any,
    mode: str = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: Any = None,
) -> Any:
    if not any(flag in mode for flag in "wax") or "+" in mode or not _ours(file):
        return _open(file, mode, buffering, encoding, errors, newline, closefd, opener)
    raw = _Watched(
        _open(
            file, mode.replace("t", "").replace("b", "") + "b", 0, None, None, None, closefd, opener
        )
    )
    if buffering == 0:
        return raw
    buffered = io.BufferedWriter(raw)
    if "b" in mode:
        return buffered
    text = io.TextIOWrapper(
        buffered, encoding=encoding, errors=errors, newline=newline, line_buffering=buffering == 1
    )
    text.mode = mode
    return text


def _watch_rename(original: Any) -> Any:
    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        if _ours(src) and _event():
            _die()
        return original(src, dst, *args, **kwargs)

    return rename


def _report() -> None:
    with _open(_count_file, "w", encoding="ascii") as out:
        out.write(str(_events))


if _root:
    io.open = builtins.open = _watched_open
    os.replace = _watch_rename(os.replace)
    os.rename = _watch_rename(os.rename)
    if _count_file:
        atexit.register(_report)
