"""The worker processes a rebuild starts before it has read anything but its settings.

A rebuild (`digest build` of a site built before) spends its first half second importing
Pelican and judging the issue files on one CPU. The worker processes it needs later start
then: the search index's, and, for an issue added or edited since the last build, a PDF
worker. Their interpreters, their imports (WeasyPrint's takes a quarter of a second) and
the reading of the last search index so use a CPU that would idle; they run ten steps
nicer than the build, so that they take only what the build process leaves. (The email
editions were rendered by such a worker too, and measured slower: the renderer's imports
in a fresh interpreter cost more than the build saved.)

They are started from what the settings and a look at the issue files' times say; the
check, which reads the files, decides what they are given. A PDF worker started for an
issue file that turns out to be unchanged (touched, not edited) is stopped once the check
has said so, and a build with more new issues than early_pdfs prints ahead starts its PDF
workers as it did. A wrong guess costs time, never a file.

This module is imported before Pelican, so it imports only what starting them needs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from digest.commands.pdf import start_pdf_workers
from digest.config import Settings
from digest.publish import search, search_worker
from digest.publish.pdf import workers


@dataclass
class HeadStart:
    search: workers.Pool | None = None  # the search worker, reading the last index
    pdfs: workers.Pool | None = None  # one PDF worker, for an issue edited since

    def stop_pdfs(self) -> None:
        """The PDF worker is not needed (no issue is new, or too many are): stop it now,
        so that it takes no CPU from Pelican."""
        if self.pdfs is not None:
            self.pdfs.close()
            self.pdfs = None


def search_job(settings: Settings, *, full: bool) -> search_worker.Job:
    """The search index of the issue pages: only what changed since the last build is
    given to Pagefind (digest/publish/search.py), all of it with `full`."""
    pages = search.page_glob(settings.pelican.get("ARTICLE_SAVE_AS") or "{slug}.html")
    cache = settings.cache_path / search.CACHE_NAME
    return search_worker.Job(settings.output_path, pages, cache, full)


@contextlib.contextmanager
def head_start(settings: Settings, *, full: bool, now: datetime) -> Iterator[HeadStart]:
    """The workers a rebuild will need, started now; those not taken up are stopped on
    leaving. A first build or `full` starts none: Pelican then needs both CPUs, and its
    search worker has no index to read."""
    started = HeadStart()
    cache = search_job(settings, full=full).cache
    try:
        built = cache.stat().st_mtime_ns  # written at the end of the last build
    except OSError:
        built = None
    with contextlib.ExitStack() as stack:
        stack.callback(started.stop_pdfs)
        if not full and built is not None:
            started.search = stack.enter_context(search_worker.started(cache, full=False))
            if _edited_since(settings, built):
                started.pdfs = start_pdf_workers(settings, now=now, count=1)
        # Ahead of their work, they take only the CPU the build process leaves.
        for pool in (started.search, started.pdfs):
            if pool is not None:
                pool.background()
        yield started


def _edited_since(settings: Settings, when: int) -> bool:
    """Whether an issue file was written after `when` (ns): a guess, from the files' times,
    that the build has a new PDF to make. A wrong guess costs a worker's start, or the
    head start; what is built is decided by the check alone."""
    for path in settings.issue_files():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime_ns > when:
                return True
    return False
