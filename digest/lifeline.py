"""Worker processes die with the process that started them.

A command killed outright (SIGKILL: a cron job's timeout, the OOM killer) cleans nothing
up. Its workers would live on, each holding its memory, blocked on a pipe the dead parent
can never write to; and a multiprocessing fork server and resource tracker live as long as
any worker does. So every worker watches a pipe whose write end its parent holds and never
writes to: when the parent dies, however it dies, the kernel closes that end, the worker's
end reports end-of-file and the worker exits at once, whatever it is doing.

Pool workers (concurrent.futures, any start method) watch multiprocessing's own parent
sentinel: `watch_parent` is their initializer. Workers started with subprocess are handed
the read end of a pipe (`Lifeline`). Linux's parent-death signal would not do: the workers
of a fork-server pool are the server's children, not the command's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

ORPHANED = 70  # a worker's exit status when its parent died first (nobody reads it)


def watch_parent() -> None:
    """In a multiprocessing worker (a pool's initializer): exit when the parent dies."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        watch(parent.sentinel)


def watch(fd: int) -> None:
    """Exit this process as soon as `fd`, the read end of a pipe nobody writes to,
    reports end-of-file: its write end's holder has died."""
    thread = threading.Thread(target=_exit_on_eof, args=(fd,), name="digest-lifeline", daemon=True)
    # Started with every signal blocked, so it never takes a signal meant for the main
    # thread (a parser's SIGALRM time budget): the kernel picks a thread that accepts it.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _exit_on_eof(fd: int) -> None:
    wait([fd])
    os._exit(ORPHANED)  # no cleanup: the parent that would want the results is gone


class Lifeline:
    """A pipe for workers started with subprocess: pass `fd` to each (pass_fds) and have it
    call watch(fd); close() when the workers are done (or let the process die)."""

    def __init__(self) -> None:
        self.fd, self._write_end = os.pipe()

    def close(self) -> None:
        for fd in (self.fd, self._write_end):
            with contextlib.suppress(OSError):  # closed already
                os.close(fd)
        self.fd = self._write_end = -1
