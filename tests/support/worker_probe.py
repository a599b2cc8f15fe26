"""A module digest.publish.pdf.workers can serve in tests: each job says what to do."""

from __future__ import annotations

import os
import signal
import tempfile
import time


def setup(init: str) -> str:
    return init


def work(state: str, job: tuple[str, float]) -> tuple[str, int, float, float]:
    """(setup's state, this worker's pid, when the job started and ended)."""
    kind, amount = job
    started = time.time()
    if kind == "sleep":
        time.sleep(amount)
    elif kind == "allocate":  # amount: MB, more than the worker may hold
        blocks = [bytearray(1024 * 1024) for _ in range(int(amount))]
        del blocks
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "leave":  # a temporary folder, as WeasyPrint's fonts make, never removed
        tempfile.mkdtemp(prefix="probe-")
    elif kind == "fail":
        raise ValueError("this job fails")
    return state, os.getpid(), started, time.time()
