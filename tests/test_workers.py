"""digest.publish.pdf.workers: jobs in real worker processes, each within its limits."""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
import time

import pytest

from digest.publish.pdf import workers
from tests.conftest import ROOT
from tests.support import processes

PROBE = "tests.support.worker_probe"


def run(jobs, *, seconds=60.0, memory_mb=1024, count=2):
    limits = workers.Limits(seconds=seconds, memory_mb=memory_mb, workers=count)
    return {o.job: o for o in workers.run(jobs, module=PROBE, init="ready", limits=limits)}


def test_jobs_run_at_once_in_separate_processes_set_up_once():
    jobs = [("sleep", 1.0), ("sleep", 1.01), ("sleep", 1.02), ("sleep", 1.03)]
    outcomes = run(jobs)
    assert all(o.error is None for o in outcomes.values())
    assert {o.value[0] for o in outcomes.values()} == {"ready"}  # setup's state
    assert len({o.value[1] for o in outcomes.values()}) == 2  # two workers, reused
    spans = [o.value[2:] for o in outcomes.values()]
    overlapping = [a for a, b in itertools.combinations(spans, 2) if a[0] < b[1] and b[0] < a[1]]
    assert overlapping  # at once, not one after the other


def test_a_job_past_its_deadline_is_stopped_and_the_others_finish():
    started = time.monotonic()
    outcomes = run([("sleep", 60.0), ("sleep", 0.0), ("sleep", 0.0)], seconds=3)
    assert time.monotonic() - started < 20
    assert outcomes[("sleep", 60.0)].error == "took longer than 3 s, so it was stopped"
    assert outcomes[("sleep", 0.0)].error is None


def test_a_job_over_the_memory_limit_fails_with_the_reason():
    outcomes = run([("allocate", 2048), ("sleep", 0.0)], memory_mb=512)
    assert outcomes[("allocate", 2048)].error == "ran out of memory (limit 512 MB)"
    assert outcomes[("sleep", 0.0)].error is None


def test_a_crashed_or_failed_worker_is_replaced():
    jobs = [("crash", 0), ("fail", 0), ("sleep", 0.0), ("sleep", 0.01), ("sleep", 0.02)]
    outcomes = run(jobs, count=1)
    assert outcomes[("crash", 0)].error == (
        "the renderer crashed (SIGSEGV), most likely out of memory (limit 1024 MB)"
    )
    assert outcomes[("fail", 0)].error == "this job fails"
    assert all(outcomes[job].error is None for job in jobs[2:])


def test_what_workers_leave_in_the_temporary_folder_is_removed(tmp_path, monkeypatch):
    # A worker is killed when its work is done, so nothing it made in the temporary folder
    # would be removed by it (WeasyPrint keeps its fonts in one per worker).
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    outcomes = run([("leave", 0), ("leave", 0), ("crash", 0)])
    assert outcomes[("leave", 0)].error is None
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- orphans

PDF_PARENT = """
import sys
from digest.publish.pdf import workers
limits = workers.Limits(seconds=300, memory_mb=1024, workers=2)
for outcome in workers.run(
    [("sleep", 300.0), ("sleep", 300.1)], module="tests.support.worker_probe", init="", limits=limits
):
    pass
"""

POOL_PARENT = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from digest import lifeline
context = multiprocessing.get_context(sys.argv[1])
pool = ProcessPoolExecutor(2, mp_context=context, initializer=lifeline.watch_parent)
jobs = [pool.submit(time.sleep, 300) for _ in range(2)]
time.sleep(300)
"""


def start(script: str, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-c", script, *args]
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def test_pdf_workers_die_with_the_process_that_started_them():
    parent = start(PDF_PARENT)
    try:  # the parent and two workers, busy with their jobs
        assert processes.wait_for(lambda: len(processes.group(parent.pid)) == 3, 30)
        time.sleep(1.0)
    finally:
        left = processes.kill_and_count(parent)
    assert left == []


@pytest.mark.parametrize("method, started", [("fork", 3), ("forkserver", 5)])
def test_pool_workers_and_their_helpers_die_with_the_process_that_started_them(method, started):
    # forkserver: the server and the resource tracker too, which lived as long as a worker
    parent = start(POOL_PARENT, method)
    try:
        assert processes.wait_for(lambda: len(processes.group(parent.pid)) == started, 30)
        time.sleep(0.5)
    finally:
        left = processes.kill_and_count(parent)
    assert left == []


def test_a_pool_started_ahead_gives_its_workers_to_the_run():
    limits = workers.Limits(seconds=60.0, memory_mb=1024, workers=2)
    with workers.Pool(PROBE, "ready", limits, start=1) as pool:
        (early,) = [w.process.pid for w in pool.idle]
        assert processes.alive(early)  # running before any job was handed out
        outcomes = list(
            workers.run([("sleep", 0.0)], module=PROBE, init="ready", limits=limits, pool=pool)
        )
        assert [o.value[1] for o in outcomes] == [early]  # the job ran in that very worker
        assert pool.idle == []
    assert not processes.alive(early)


def test_a_run_starts_no_more_workers_than_it_has_jobs(tmp_path, monkeypatch):
    """Each worker started keeps its stderr in the pool's temporary folder: one job on a
    limit of two workers starts one."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    limits = workers.Limits(seconds=60.0, memory_mb=1024, workers=2)
    with workers.Pool(PROBE, "ready", limits) as pool:
        outcomes = list(
            workers.run([("sleep", 0.0)], module=PROBE, init="ready", limits=limits, pool=pool)
        )
        assert [o.error for o in outcomes] == [None]
        assert len(list(tmp_path.glob("digest-workers-*/stderr-*"))) == 1


def test_a_pool_started_for_other_work_is_refused_and_its_idle_workers_stop_with_it():
    limits = workers.Limits(seconds=60.0, memory_mb=1024, workers=2)
    pool = workers.Pool(PROBE, "other", limits, start=2)
    pids = [w.process.pid for w in pool.idle]
    with pytest.raises(ValueError, match="started for other work"):
        list(workers.run([("sleep", 0.0)], module=PROBE, init="ready", limits=limits, pool=pool))
    assert all(processes.alive(pid) for pid in pids)
    pool.close()
    assert not any(processes.alive(pid) for pid in pids)
