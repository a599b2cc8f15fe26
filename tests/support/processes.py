"""Counting the processes a command leaves behind: every process it starts stays in the
process group the test gave it (start_new_session), so the group is what to count."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def _live() -> Iterator[tuple[int, list[str], Path]]:
    """(pid, the fields of /proc/<pid>/stat after the command, /proc/<pid>) of each live
    process (zombies hold nothing)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            yield int(entry.name), fields, entry


def group(pgid: int) -> list[int]:
    """Live processes of process group `pgid`, from /proc."""
    return [pid for pid, fields, _ in _live() if int(fields[2]) == pgid]


def children(marker: bytes) -> list[int]:
    """Live children of this process whose command line holds `marker`."""
    found = []
    for pid, fields, entry in _live():
        if int(fields[1]) != os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if marker in command:
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    """A process of that pid exists (one that was waited for no longer does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition, seconds: float) -> bool:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_and_count(process: subprocess.Popen, seconds: float = 2.0) -> list[int]:
    """SIGKILL `process` (a session leader) and return what is left of its group after
    `seconds` (killing those, so a failing test leaves nothing running either)."""
    process.kill()
    process.wait(timeout=10)
    wait_for(lambda: not group(process.pid), seconds)
    left = group(process.pid)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def python_child(script: str, order: object, folder: Path, name: str) -> dict:
    """`script` run by a fresh interpreter from the checkout, `order` pickled into a file
    under `folder` given as its argument; returns the JSON it printed last."""
    given = folder / f"{name}.pickle"
    given.write_bytes(pickle.dumps(order))
    done = subprocess.run(
        [sys.executable, "-c", script, str(given)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
