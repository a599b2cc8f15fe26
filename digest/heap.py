"""The garbage collector's view of a process's long-lived heap, around forks and long work."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive now are left out of the garbage collector's scans until the
    outermost `frozen_heap` ends (gc.freeze), here and in every process forked meanwhile
    (for good: a forked worker never scans what it inherited, nor so writes to, and has
    the kernel copy, the pages it shares). They are a build's long-lived heap (modules,
    settings, the issues judged and parsed), which each full collection would otherwise
    walk again: about a tenth of a judging worker's CPU. Still freed when no longer
    referenced; only cyclic garbage among them waits for the end (gc.unfreeze)."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()
