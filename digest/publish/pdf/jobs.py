"""Each issue's PDF, made again only when its printed page or the print style changed.

What is printed and how is digest.publish.pdf.render (WeasyPrint). This module decides
which PDFs are stale (stamps: the style token, then the page's fingerprint), renders
those in worker processes in parallel, each within a time and memory limit
(digest.publish.pdf.workers), and records the new stamps. A PDF that cannot be made is
reported and removed (the page it was made from changed); the others are still made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from digest import stamps
from digest.publish.pdf import glyphs, workers
from digest.publish.pdf import render as pdf_render
from digest.publish.pdf.render import PdfJob, RenderSettings

__all__ = ["PdfJob", "PdfReport", "make_pdfs"]

log = logging.getLogger(__name__)

CACHE_NAME = ".pdf-cache"


@dataclass
class PdfReport:
    rendered: list[str] = field(default_factory=list)  # slugs
    current: int = 0
    pages: int = 0  # of the rendered PDFs
    problems: list[str] = field(default_factory=list)  # one readable line each
    warnings: list[str] = field(default_factory=list)  # characters a PDF could not print


def fingerprint(page: Path) -> str:
    """The printed page."""
    return fingerprint_of(page.read_bytes())


def fingerprint_of(page: bytes) -> str:
    """fingerprint() of a page's bytes."""
    return stamps.fingerprint(pdf_render.printed_part(page))


def style_token(page_size: str, theme_files: Sequence[Path]) -> str:
    """The page size, the theme's stylesheets and fonts, WeasyPrint's version and our
    renderer (with what it changes in WeasyPrint), read once a build: a change to any makes
    every PDF again. The theme folder is copied on every build, so these files' times say
    nothing; the pages', written only when they change, keep the stamps' fast path."""
    renderer = Path(pdf_render.__file__)
    return stamps.fingerprint(
        page_size,
        stamps.package_source("weasyprint"),  # its version (a worker says if it is missing)
        renderer.read_bytes(),
        renderer.with_name("reuse.py").read_bytes(),
        renderer.with_name("faster.py").read_bytes(),
        renderer.with_name("repeats.py").read_bytes(),
        renderer.with_name("styles.py").read_bytes(),
        *(part for path in theme_files for part in (path.name, path.read_bytes())),
    )[:16]


def theme_files(output: Path) -> list[Path]:
    """The stylesheets and fonts as the site serves them (output/theme/)."""
    theme = output / "theme"
    return sorted([*theme.glob("css/*.css"), *theme.glob("fonts/*")])


def font_folders(output: Path, theme: Path) -> tuple[Path, ...]:
    """The only fonts the PDF may use: the theme's, as the site serves them (print.css
    loads them from there), or the theme's own folder before the site has them."""
    served = output / "theme" / "fonts"
    return (served,) if pdf_render.font_files([served]) else (theme / "static" / "fonts",)


def stamp(job: PdfJob, style: str) -> stamps.Stamp:
    return stamps.Stamp(job.target.with_name(CACHE_NAME), style)


def is_current(job: PdfJob, style: str) -> bool:
    return stamp(job, style).is_current([job.target], [job.page], lambda: fingerprint(job.page))


def make_pdfs(
    jobs: Sequence[PdfJob],
    *,
    page_size: str,
    output: Path,
    theme: Path,
    site_url: str,
    created: datetime | None,
    limits: workers.Limits,
    progress: Callable[[int], Callable[[str], None]] | None = None,
    pool: workers.Pool | None = None,
) -> PdfReport:
    """Render the PDFs of `jobs` that are not current. `created`: the PDFs' creation date
    (the build's clock: SOURCE_DATE_EPOCH when set); `site_url`: where output/ is
    published, for the PDF's links to the site. `progress(total)` returns a callback
    called with each finished slug. `pool`: workers started earlier (start_workers), used
    if they were started with what these PDFs need."""
    report = PdfReport()
    style = style_token(page_size, theme_files(output))
    stale = [job for job in jobs if not is_current(job, style)]
    report.current = len(jobs) - len(stale)
    if not stale:
        return report
    settings = render_settings(page_size, output, theme, site_url, created)
    if pool is not None and (pool.init, pool.limits, pool.key) != (settings, limits, style):
        pool = None  # the fonts or settings changed since they started: fresh workers
    advance = progress(len(stale)) if progress else (lambda slug: None)
    for outcome in render_jobs(largest_first(stale), settings, limits, pool=pool):
        job = outcome.job
        for level, message in outcome.logs:  # WeasyPrint's own warnings, refusals included
            log.log(level, "%s: PDF: %s", job.slug, message)
        if outcome.error is None:
            printed: pdf_render.Printed = outcome.value
            stamp(job, style).record(fingerprint(job.page))
            report.rendered.append(job.slug)
            report.pages += printed.pages
            if printed.missing:  # the CLI prints these: not logged too
                report.warnings.append(glyphs.warning(job.slug, printed.missing))
            log.debug("%s: PDF written (%d pages)", job.slug, printed.pages)
        else:
            _discard(job)
            report.problems.append(  # the CLI prints these: not logged too
                f"{job.slug}: could not make the PDF: {outcome.error}; "
                "the issue is published without one"
            )
        advance(job.slug)
    # In the jobs' order, whichever worker finished first: the same lines every time.
    order = {job.slug: index for index, job in enumerate(jobs)}
    report.rendered.sort(key=order.__getitem__)
    for lines in (report.warnings, report.problems):  # each begins with its slug
        lines.sort(key=lambda line: order.get(line.partition(":")[0], len(order)))
    return report


def render_settings(
    page_size: str, output: Path, theme: Path, site_url: str, created: datetime | None
) -> RenderSettings:
    """What a worker starts with (make_pdfs' arguments of the same names)."""
    return RenderSettings(
        page_size=page_size,
        roots=(output, theme),
        created=created.isoformat(timespec="seconds") if created else None,
        site_url=site_url,
        fonts=font_folders(output, theme),
    )


def start_workers(
    settings: RenderSettings, limits: workers.Limits, count: int, output: Path
) -> workers.Pool:
    """`count` workers started now, for make_pdfs to take up later (the caller closes the
    pool). They read the fonts when they start: make_pdfs takes them up only if the
    stylesheets and fonts under `output` are still the ones they saw."""
    style = style_token(settings.page_size, theme_files(output))
    return workers.Pool(pdf_render.__name__, settings, limits, start=count, key=style)


def largest_first(jobs: Sequence[PdfJob]) -> list[PdfJob]:
    """The longest pages first, so that the last job to finish is a short one and no
    worker waits long for another's (jobs of the same size keep their order)."""

    def size(job: PdfJob) -> int:
        try:
            return job.page.stat().st_size
        except OSError:  # the job fails and says why, in its turn
            return 0

    return sorted(jobs, key=size, reverse=True)


def render_jobs(
    jobs: Sequence[PdfJob],
    settings: RenderSettings,
    limits: workers.Limits,
    *,
    pool: workers.Pool | None = None,
) -> Iterator[workers.Outcome]:
    """The rendering itself, in workers (benchmarks/build.py stands placeholders in)."""
    return workers.run(jobs, module=pdf_render.__name__, init=settings, limits=limits, pool=pool)


def _discard(job: PdfJob) -> None:
    """A PDF of an older page, or half a new one, is worse than none."""
    for path in (job.target, pdf_render.partial_path(job.target)):
        path.unlink(missing_ok=True)
    stamp(job, "").path.unlink(missing_ok=True)
