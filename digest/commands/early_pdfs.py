"""The PDF of an issue added or edited since the last build, begun while Pelican still works.

A rebuild after adding an issue waits longest for that issue's PDF: WeasyPrint needs the
built page, and Pelican writes it well before it is done with the lists, feeds and
exports that follow. When Pelican writes the page (its `content_written` signal), its
bytes are handed to a PDF worker started before the site (commands/pdf.py
start_pdf_workers), and the PDF is printed into a temporary file beside the published
one while Pelican goes on.

Nothing is published early. Once the site is built, `settle` keeps the PDF only if the
page as published is the page that was printed and the stylesheets and fonts the site
now serves are the ones the worker started with; then it takes the published PDF's place
and its stamp is recorded, and make_pdfs finds it current. Otherwise, or if the build
fails, the early PDF is thrown away: make_pdfs prints the page as usual, or the
published PDF and its stamp stay as they were.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest import files
from digest.publish.pdf import glyphs, workers
from digest.publish.pdf import jobs as pdf
from digest.publish.pdf import render as pdf_render

log = logging.getLogger(__name__)


@dataclass
class _Early:
    job: pdf.PdfJob  # the published page and PDF
    printed: bytes  # the page's bytes when it was printed
    staged: pdf.PdfJob  # a copy of that page, and the PDF being printed beside the published
    outcome: Future[workers.Outcome]


class EarlyPdfs:
    """Prints the pages of `sources` (issue files) as Pelican writes them, with `pool`'s
    workers, within `listening()` (around Pelican's run); then `settle`. As a context
    manager, it throws away on leaving what was not settled."""

    def __init__(self, pool: workers.Pool, output: Path, sources: set[str]) -> None:
        self.pool, self.output, self.sources = pool, output, sources
        self._names = {os.path.basename(source) for source in sources}
        self._early: dict[str, _Early] = {}
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-pdf-early")

    def __enter__(self) -> EarlyPdfs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # what was not settled (the build failed) is thrown away

    @contextmanager
    def listening(self) -> Iterator[None]:
        """Pages written within are printed."""
        from pelican import signals

        signals.content_written.connect(self._written)
        try:
            yield
        finally:
            signals.content_written.disconnect(self._written)

    def _written(self, path: str, context: dict[str, Any] | None = None) -> None:
        article = (context or {}).get("article")
        source = getattr(article, "source_path", None)
        # By name first: every page of the site comes by, and resolving a path is a dozen
        # system calls. (An issue file that is a link under another name is printed later,
        # by make_pdfs, as any other.)
        if source is None or os.path.basename(source) not in self._names:
            return
        if str(Path(source).resolve()) not in self.sources:
            return
        page = Path(path)
        if (
            article.slug in self._early
            or page.resolve() != (self.output / article.save_as).resolve()
        ):
            return
        job = pdf.PdfJob(article.slug, page, page.parent / f"{article.slug}.pdf")
        try:
            data = files.written(page).read_bytes()
            if pdf.stamp(job, self.pool.key).is_current(
                [job.target], [], lambda: pdf.fingerprint_of(data)
            ):
                return  # what is printed did not change (the links to its neighbours did)
            # A copy beside the page: its relative links (the stylesheets, the images)
            # resolve as the page's own; the name is one a killed build's sweep removes.
            copy = files.temporary_path(page)
            copy.write_bytes(data)
        except OSError as exc:  # make_pdfs will try again, and say what is wrong
            log.debug("%s: PDF not begun early: %s", article.slug, exc)
            return
        staged = pdf.PdfJob(job.slug, copy, files.temporary_path(job.target))
        outcome = self._threads.submit(self._print, staged)
        self._early[job.slug] = _Early(job, data, staged, outcome)
        log.info("%s: PDF begun while the site is built", job.slug)

    def _print(self, staged: pdf.PdfJob) -> workers.Outcome:
        try:
            [outcome] = pdf.render_jobs([staged], self.pool.init, self.pool.limits, pool=self.pool)
            return outcome
        finally:
            staged.page.unlink(missing_ok=True)

    def settle(self, page_size: str) -> pdf.PdfReport:
        """Publish each early PDF whose page and style are still the published ones (with its
        stamp); returns what was published. The others are thrown away."""
        report = pdf.PdfReport()
        style = pdf.style_token(page_size, pdf.theme_files(self.output))
        try:
            for early in self._early.values():
                outcome = early.outcome.result()
                if outcome.error is not None or style != self.pool.key:
                    continue  # make_pdfs prints it again, and says why it cannot
                try:
                    if early.job.page.read_bytes() != early.printed:
                        continue
                    os.replace(early.staged.target, early.job.target)
                except OSError:
                    continue
                files.sync_folder(early.job.target.parent)
                pdf.stamp(early.job, style).record(pdf.fingerprint_of(early.printed))
                for level, message in outcome.logs:  # WeasyPrint's own, as make_pdfs logs them
                    log.log(level, "%s: PDF: %s", early.job.slug, message)
                printed: pdf_render.Printed = outcome.value
                report.rendered.append(early.job.slug)
                report.pages += printed.pages
                if printed.missing:
                    report.warnings.append(glyphs.warning(early.job.slug, printed.missing))
                log.info("%s: PDF written (%d pages), begun early", early.job.slug, printed.pages)
        finally:
            self.close()
        return report

    def close(self) -> None:
        """Wait for what is being printed, and remove what was not published."""
        self._threads.shutdown(wait=True)
        for early in self._early.values():
            early.staged.target.unlink(missing_ok=True)
            early.staged.page.unlink(missing_ok=True)
        self._early.clear()
