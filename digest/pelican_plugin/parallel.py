"""Pages rendered by two processes: a full build's largest serial part, on both CPUs.

A full build renders every issue page and every list of issues with Jinja, one after the
other, in one process, while the machine's other CPU waits. `write_in_two` forks: the child
renders every other page, the parent the rest. Rendering is pure (the template, the shared
context, the page's own values), so a page is the same bytes whichever process makes it.

Everything stays as one build would leave it:

- files: the child writes within `files.handed_over()` (each page under its temporary
  name, fsynced); the parent adopts them into its own batch, so all the build's pages
  replace the old ones together, or none does (digest.files);
- what a page write leaves behind (its ledger entry, the names Pelican's writer guards
  against overwriting, the `content_written` signal the sitemap listens to) comes back
  through a pipe and is replayed in the parent;
- errors: the page that fails first in the serial order is the one reported, with its
  own exception (or, when that cannot cross the pipe, its type and message in a
  RenderError worded as build.run_pelican words Pelican's failures). A child that dies
  fails the build in one line.

Only where it pays: two CPUs or more, enough pages, and a batch of writes to join.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from digest import files
from digest.errors import RenderError

Job = TypeVar("Job")
AT_LEAST = 16  # fewer pages than this are rendered faster than a process is forked


def worth_it(count: int) -> bool:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return cpus >= 2 and count >= AT_LEAST and files.batching() and hasattr(os, "fork")


def write_in_two(jobs: Sequence[Job], write: Callable[[Job], Any]) -> list[Any]:
    """`write(job)` for every job, the odd ones in a forked child; returns each job's
    result in order (results must pickle). Raises the first failure in job order."""
    theirs = list(range(1, len(jobs), 2))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child([jobs[i] for i in theirs], theirs, write, write_end)
    os.close(write_end)
    results: list[Any] = [None] * len(jobs)
    failed: tuple[int, BaseException] | None = None
    try:
        for index in range(0, len(jobs), 2):
            try:
                results[index] = write(jobs[index])
            except Exception as exc:  # compared with the child's first failure, then raised
                failed = (index, exc)
                break
    finally:
        answer = _read_all(read_end)
        _, status = os.waitpid(pid, 0)
    outcome = _outcome(answer, status)
    handed, done, theirs_failed = outcome
    files.adopt(handed)  # removed with the rest if this build fails
    for index, result in zip(theirs, done, strict=False):
        results[index] = result
    first = min((f for f in (failed, theirs_failed) if f is not None), default=None)
    if first is not None:
        raise first[1]
    return results


def _child(jobs: list[Any], indexes: list[int], write: Callable[[Any], Any], out: int) -> None:
    code = 0
    try:
        gc.disable()  # short-lived: no collections walking (and copying) the parent's heap
        done: list[Any] = []
        failed: tuple[int, BaseException] | None = None
        with files.handed_over() as handed:
            for index, job in zip(indexes, jobs, strict=True):
                try:
                    done.append(write(job))
                except Exception as exc:  # sent to the parent
                    failed = (index, _portable(exc))
                    break
        payload = pickle.dumps((handed, done, failed), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(out, "wb") as stream:
            stream.write(payload)
    except BaseException:  # the parent reports a child that sent nothing
        code = 1
    finally:
        os._exit(code)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its words in a RenderError."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # any exception may refuse to pickle
        return RenderError(f"site: Pelican failed: {type(exc).__name__}: {exc}")


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def _outcome(
    answer: bytes, status: int
) -> tuple[list[Any], list[Any], tuple[int, BaseException] | None]:
    if not answer or status != 0:
        how = (
            f"was killed by signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exited with status {os.waitstatus_to_exitcode(status)}"
        )
        raise RenderError(f"site: the process writing half of the issue pages {how}")
    return pickle.loads(answer)
