"""The email editions of a rebuild, rendered by a worker process of its own
(digest/publish/pdf/workers.py).

A rebuild renders one edition or two, but the renderer's imports (BeautifulSoup, its CSS
selectors, the CSS inliner) cost more than the rendering, and in the build process they
would follow Pelican's work, which everything else waits for. So a rebuild that expects a
new edition starts this worker before it reads the issue files (commands/head_start.py): it
imports the renderer while the build imports Pelican, and renders what it is given once
the site is written. The build still decides what is stale, writes the files and records
the stamps (edition.Stale), so a build that fails midway leaves the editions as
write_email_edition would have. A renderer's error is raised here as the RenderError it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.errors import DigestError, RenderError
from digest.publish.email import edition as editions
from digest.publish.pdf import workers

MODULE = __name__
LIMITS = workers.Limits(seconds=120, memory_mb=2048, workers=1)


def start() -> workers.Pool:
    """The worker, started now; the caller closes the pool."""
    return workers.Pool(MODULE, None, LIMITS, start=1)


def write(stale: Sequence[editions.Stale], pool: workers.Pool | None) -> int:
    """Render and write the `stale` editions (by `pool`'s worker, else here); returns how
    many changed on disk."""
    if pool is None:
        return sum(one.write(editions.render_edition(one.job)) for one in stale)
    written = 0
    by_job = {id(one.job): one for one in stale}
    jobs = [one.job for one in stale]
    for outcome in workers.run(jobs, module=MODULE, init=pool.init, limits=LIMITS, pool=pool):
        one = by_job[id(outcome.job)]
        if outcome.error is not None:
            raise RenderError(f"{one.job.edition.slug}: email: {outcome.error}")
        kind, value = outcome.value
        if kind == "error":
            raise RenderError(value)
        written += one.write(value)
    return written


# --------------------------------------------------------------------------- in the worker


def setup(init: None) -> None:
    from digest.publish.email import message, render  # noqa: F401  (the slow imports)


def work(state: None, job: editions.EmailJob) -> tuple[str, object]:
    try:
        return "ok", editions.render_edition(job)
    except DigestError as exc:  # said as it would be without the worker
        return "error", str(exc)
