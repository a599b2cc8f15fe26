"""Worker processes that each run jobs within a time and memory limit.

The PDF renderer runs untrusted page content through a large C stack (Pango, HarfBuzz,
FreeType): a page can make it loop or eat memory. So jobs run in worker processes, fresh
interpreters (`python -m digest.publish.pdf.workers`, not forks of the build, which holds
Pelican's whole site in memory), each with RLIMIT_AS set. A worker that passes a job's
deadline is killed; one that dies or fails a job is replaced. A failed job never stops
the others.

A worker serves a module: it calls `module.setup(init)` once, then `module.work(state,
job)` for each job it is given, so what it sets up (fonts, stylesheets) serves many jobs.
Parent and worker exchange pickled frames over the worker's stdin and stdout. Log records
the work emits (WeasyPrint's warnings) travel back with each result and are logged here,
under the job's name; so does, at DEBUG level, what the worker wrote to stderr (kept in a
file: a C library's last words as it aborts, GLib's "failed to allocate", are no message
for the person running the build, and a dozen of them would bury the one that is).

A worker dies with the process that started it (a pipe it watches, digest/lifeline.py), so
a killed build leaves no renderer behind. A job that fails says why in one line: a job out
of memory is "ran out of memory", also when a C library failed to allocate without saying
so (SystemError) or crashed (a signal); and a worker that failed exits at once, without
the finalizers that, with its memory full, would print a screenful of "Exception ignored".
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from multiprocessing.connection import wait
from pathlib import Path
from typing import IO, Any

import digest
from digest import lifeline

_HEADER = struct.Struct("!Q")
_BACKGROUND = 10  # the niceness of a pool's workers in the background (Pool.background)
# How a worker dies when its native code fails (a failed allocation at the memory limit).
_CRASHES = frozenset(
    {signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGTRAP, signal.SIGILL, signal.SIGFPE}
)


@dataclass(frozen=True)
class Limits:
    seconds: float  # wall-clock per job
    memory_mb: int  # address space per worker process
    workers: int  # processes at once


@dataclass(frozen=True)
class Outcome:
    job: Any
    value: Any = None
    error: str | None = None  # why the job failed, for a message
    logs: list[tuple[int, str]] = field(default_factory=list)  # (level, message)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes], size: int) -> bytes:
    """Exactly `size` bytes (the pipes are unbuffered, so nothing waits in a buffer that
    select() cannot see)."""
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    size = _HEADER.unpack(_read(stream, _HEADER.size))[0]
    return pickle.loads(_read(stream, size))  # our own process, over its own pipe


class _Worker:
    def __init__(
        self, module: str, init: Any, limits: Limits, scratch: str, parent: lifeline.Lifeline
    ) -> None:
        # A worker is killed when it is no longer needed, so it never removes what it put
        # in the temporary folder (WeasyPrint's copies of the fonts): its temporary folder
        # is the run's, which the run removes.
        env = {**os.environ, "TMPDIR": scratch}
        # The worker imports the digest this process runs, wherever it comes from.
        home = str(Path(digest.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [home, env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", __name__, module, str(limits.memory_mb), str(parent.fd)]
        self._stderr, _ = tempfile.mkstemp(prefix="stderr-", dir=scratch)
        self._said = 0  # bytes of it handed back already
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            bufsize=0,
            pass_fds=(parent.fd,),
        )
        self.memory_mb = limits.memory_mb
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        _send(self.stdin, init)
        self.job: Any = None
        self.deadline = 0.0

    def give(self, job: Any, seconds: float) -> None:
        # Until the worker says it is ready, the same limit holds for its start (imports
        # and fonts, about a second); the job's own clock starts then (_collect).
        self.job, self.deadline = job, time.monotonic() + seconds
        _send(self.stdin, job)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.stdin.close()
        self.stdout.close()
        if self._stderr >= 0:
            os.close(self._stderr)
            self._stderr = -1

    def said(self) -> list[tuple[int, str]]:
        """What the worker wrote to stderr since last asked (its last 64 KB at most), as
        DEBUG log lines. pread leaves the offset the worker writes at alone."""
        size = os.fstat(self._stderr).st_size
        start = max(self._said, size - 65_536)
        data = os.pread(self._stderr, size - start, start)
        self._said = size
        lines = data.decode("utf-8", "replace").splitlines()
        return [(logging.DEBUG, line.strip()[:300]) for line in lines if line.strip()]

    def death(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the renderer stopped answering"
        if code < 0 and -code in _CRASHES:  # native code failing, at its memory limit mostly
            name = signal.Signals(-code).name
            return f"the renderer crashed ({name}), {_likely_memory(self.memory_mb)}"
        if code < 0:
            return f"the renderer was killed by signal {signal.Signals(-code).name}"
        # At its limit a worker may die before it can answer (fontconfig or Pango failing
        # to allocate while starting): its last words say so.
        last = " ".join(line for _, line in self.said()[-5:])
        if any(sign in last for sign in _MEMORY_SIGNS):
            return f"the renderer stopped (exit status {code}), {_likely_memory(self.memory_mb)}"
        return f"the renderer stopped (exit status {code})"


class Pool:
    """Workers of one module and init, and what they share (a scratch folder, the lifeline).
    `start` of them are started at once, ahead of their jobs: a build starts the PDF
    workers before Pelican runs, so that their imports overlap its work. `run` takes them
    up; what is left idle when the pool closes is stopped. `key`: anything else the
    workers' state depends on (files they read when they start), for the caller to compare
    before it hands them work."""

    def __init__(
        self, module: str, init: Any, limits: Limits, *, start: int = 0, key: object = None
    ) -> None:
        self.module, self.init, self.limits, self.key = module, init, limits, key
        self._scratch = tempfile.TemporaryDirectory(
            prefix="digest-workers-", ignore_cleanup_errors=True
        )
        self._parent = lifeline.Lifeline()
        self._niceness: int | None = None  # Pool.background's
        self.idle: list[_Worker] = []
        try:
            self.idle = [self.worker() for _ in range(min(start, limits.workers))]
        except BaseException:
            self.close()
            raise

    def worker(self) -> _Worker:
        """An idle worker started earlier, else a new one."""
        if self.idle:
            return self.idle.pop(0)
        worker = _Worker(self.module, self.init, self.limits, self._scratch.name, self._parent)
        self._lower(worker)
        return worker

    def background(self, niceness: int = _BACKGROUND) -> None:
        """Run the pool's workers, started and to come, at a lower priority (`niceness`
        more than this process's): started ahead of their work, they then take only the
        CPU the build process leaves, and never slow what they are waiting for. (A process
        may lower its children's priority, not raise it.)"""
        self._niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
        for worker in self.idle:
            self._lower(worker)

    def _lower(self, worker: _Worker) -> None:
        if self._niceness is not None:
            with contextlib.suppress(OSError):  # it has ended meanwhile
                os.setpriority(os.PRIO_PROCESS, worker.process.pid, self._niceness)

    def close(self) -> None:
        for worker in self.idle:
            worker.stop()
        self.idle = []
        self._parent.close()
        self._scratch.cleanup()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run(
    jobs: Iterable[Any], *, module: str, init: Any, limits: Limits, pool: Pool | None = None
) -> Iterator[Outcome]:
    """Run `module.work(module.setup(init), job)` for every job in worker processes;
    yields an Outcome per job as it finishes (the worker that finished it has its next
    job by then: what the caller does with an outcome, such as a stamp written and
    fsynced, keeps no worker waiting). `pool`: workers started earlier for the same
    module, init and limits (the caller closes it); else a pool of this run's own."""
    own = pool is None
    if pool is None:
        pool = Pool(module, init, limits)
    elif (pool.module, pool.init, pool.limits) != (module, init, limits):
        raise ValueError("the pool's workers were started for other work")
    pending = deque(jobs)
    workers: list[_Worker] = []
    try:
        while pending or workers:
            # No more workers than jobs to give them: a worker started and stopped at once
            # costs a process.
            while len(workers) < limits.workers and len(pending) > sum(
                w.job is None for w in workers
            ):
                workers.append(pool.worker())
            for worker in workers:
                if worker.job is None and pending:
                    worker.give(pending.popleft(), limits.seconds)
            busy = [w for w in workers if w.job is not None]
            idle = [w for w in workers if w.job is None]
            for worker in idle:  # nothing left for it
                worker.stop()
                workers.remove(worker)
            if not busy:
                continue
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.stdout for w in busy], timeout))
            for worker in busy:
                outcome = _collect(worker, ready, limits)
                if outcome is None:
                    continue
                worker.job = None
                if outcome.error is not None:  # a failed worker is not trusted again
                    worker.stop()
                    workers.remove(worker)
                elif pending:  # its next job first: it works while the caller takes this one
                    worker.give(pending.popleft(), limits.seconds)
                yield outcome
    finally:
        for worker in workers:
            worker.stop()
        if own:
            pool.close()


def _collect(worker: _Worker, ready: set[Any], limits: Limits) -> Outcome | None:
    """The worker's outcome if it has one now (None: still working)."""
    job = worker.job
    if worker.stdout in ready:
        try:
            kind, value, logs = _receive(worker.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            return Outcome(job, error=worker.death(), logs=worker.said())
        if kind == "ready":
            worker.deadline = time.monotonic() + limits.seconds
            return None
        if kind == "ok":
            return Outcome(job, value=value, logs=logs + worker.said())
        return Outcome(job, error=value, logs=logs + worker.said())
    if time.monotonic() >= worker.deadline:
        error = f"took longer than {limits.seconds:g} s, so it was stopped"
        return Outcome(job, error=error, logs=worker.said())
    return None


# --------------------------------------------------------------------------- the worker


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, " ".join(record.getMessage().split())[:300]))


class _Ignored:
    """sys.unraisablehook in a worker: the errors Python cannot raise (in finalizers, mostly,
    when memory runs out, where even their repr() fails) are counted, not each printed with
    a traceback; a job that succeeds anyway reports them as one warning."""

    def __init__(self) -> None:
        self.count = 0
        self.first = ""

    def __call__(self, unraisable: Any) -> None:
        self.count += 1  # nothing that allocates much: memory may be what is missing
        self.first = self.first or type(unraisable.exc_value).__name__

    def note(self) -> list[tuple[int, str]]:
        count, first = self.count, self.first
        self.count, self.first = 0, ""
        if not count:
            return []
        return [(logging.WARNING, f"{count} errors ignored while freeing memory (first: {first})")]


def _serve(module_name: str, memory_mb: int, parent: int) -> int:
    """The worker's life: limits, setup once, then one job per frame until stdin closes."""
    lifeline.watch(parent)  # first: its thread's stack is mapped before the limit is set
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # a library's print() must not corrupt the frames
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    keep = _Keep()
    logging.getLogger().addHandler(keep)
    logging.getLogger().setLevel(logging.WARNING)
    ignored = _Ignored()
    sys.unraisablehook = ignored
    # Imports and setup make what lives as long as the worker: no collection while they
    # run (a collection would walk it all again, about 15% of WeasyPrint's import).
    gc.disable()
    try:
        module = import_module(module_name)
        state = module.setup(_receive(requests))
    except EOFError:
        return 0
    except MemoryError:
        state, failure = None, f"ran out of memory while starting (limit {memory_mb} MB)"
    except Exception as exc:  # told to the parent as the first job's failure
        state, failure = None, f"could not start: {_one_line(exc)}"
    else:
        failure = None
        _send(answers, ("ready", None, []))
    # What setup made lives as long as the worker: the collector need not walk it again,
    # and a page's many short-lived boxes trigger fewer collections.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    gc.enable()
    while True:
        try:
            job = _receive(requests)
        except EOFError:
            return 0
        keep.records = []
        if failure is None:
            value, failure = _attempt(module, state, job, memory_mb)
            if failure is None:
                _send(answers, ("ok", value, keep.records + ignored.note()))
                continue
        _send(answers, ("error", failure, keep.records))
        _quit(1)  # a fresh worker takes the next job


def _attempt(module: Any, state: Any, job: Any, memory_mb: int) -> tuple[Any, str | None]:
    """(the job's value, None) or (None, why it failed), in one line. It returns from the
    except clauses, so what the job held is freed before the answer is built."""
    try:
        return module.work(state, job), None
    except MemoryError:
        return None, f"ran out of memory (limit {memory_mb} MB)"
    except SystemError as exc:  # a C library that failed (to allocate, mostly) unannounced
        return None, f"failed in a C library ({exc}), {_likely_memory(memory_mb)}"
    except Exception as exc:  # the job's own failure
        return None, _one_line(exc)


_MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "out of memory", "std::bad_alloc")


def _likely_memory(memory_mb: int) -> str:
    return f"most likely out of memory (limit {memory_mb} MB)"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500] or type(exc).__name__


def _quit(code: int) -> None:
    """Exit a failed worker now: with its memory full, the interpreter's clean-up would run
    finalizers that fail and print "Exception ignored in: <object repr() failed>" by the
    dozen; there is nothing a worker holds that the parent does not clean up."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
