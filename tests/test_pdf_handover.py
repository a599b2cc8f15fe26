"""A PDF worker is handed its next job as its last one's outcome is handed to the caller
(digest/publish/pdf/workers.py): what `digest pdf` does with an outcome (the stamp
written and fsynced, the log, the progress bar) keeps no worker waiting."""

from __future__ import annotations

import time

from digest.publish.pdf import workers

PROBE = "tests.support.worker_probe"
TAKES = 1.0  # seconds the caller takes with each outcome


def test_a_worker_starts_its_next_job_while_the_caller_takes_the_last_one():
    limits = workers.Limits(seconds=60, memory_mb=1024, workers=1)
    jobs = [("sleep", 0.0), ("sleep", 0.01), ("sleep", 0.02)]
    taken: list[tuple[tuple, float]] = []  # (job, when the caller had it)
    started: dict[tuple, float] = {}
    for outcome in workers.run(jobs, module=PROBE, init="ready", limits=limits):
        assert outcome.error is None, outcome.error
        taken.append((outcome.job, time.time()))
        started[outcome.job] = outcome.value[2]
        time.sleep(TAKES)
    assert [job for job, _ in taken] == jobs  # one worker: in their order
    for (_, had), job in zip(taken, jobs[1:], strict=False):
        # Begun while the caller still had the one before (not after it let it go).
        assert started[job] < had + TAKES * 0.8, (job, started[job] - had)
