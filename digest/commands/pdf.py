"""`digest pdf`: the PDFs of the built issue pages, with the settings' page size and limits.

Apart from commands/build.py, which loads Pelican and the rest of the build: `digest pdf`
with nothing to make is a check of 52 stamps, and waits for no more than the settings and
the stamps (WeasyPrint itself is loaded only by the workers, when a PDF is to be made).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from digest.config import Settings
from digest.errors import RenderError
from digest.publish.pdf import jobs as pdf
from digest.publish.pdf import workers
from digest.publish.search import page_glob


def _limits(settings: Settings) -> workers.Limits:
    return workers.Limits(
        seconds=settings.pdf_timeout,
        memory_mb=settings.pdf_memory_mb,
        workers=settings.pdf_workers or workers.default_workers(),
    )


def _theme(settings: Settings) -> Path:
    return Path(settings.pelican["THEME"]).resolve()


def make_pdfs(
    settings: Settings,
    jobs: list[pdf.PdfJob],
    *,
    now: datetime,
    progress: Callable[[int], Callable[[str], None]] | None = None,
    pool: workers.Pool | None = None,
) -> pdf.PdfReport:
    """The PDFs of `jobs` that are not current, with the settings' page size and limits.
    `pool`: workers started earlier by start_pdf_workers."""
    return pdf.make_pdfs(
        jobs,
        page_size=settings.pdf_page_size,
        output=settings.output_path,
        theme=_theme(settings),
        site_url=settings.site_url,
        created=now,
        limits=_limits(settings),
        progress=progress,
        pool=pool,
    )


def start_pdf_workers(settings: Settings, *, now: datetime, count: int) -> workers.Pool:
    """Up to `count` PDF workers started now (WeasyPrint's import and the fonts take them
    about half a second), for make_pdfs to take up; the caller closes the pool."""
    limits = _limits(settings)
    output = settings.output_path
    render = pdf.render_settings(
        settings.pdf_page_size, output, _theme(settings), settings.site_url, now
    )
    return pdf.start_workers(render, limits, count, output)


def pdf_job(page: Path, slug: str) -> pdf.PdfJob:
    return pdf.PdfJob(slug, page, page.parent / f"{slug}.pdf")


def issue_pdf_jobs(settings: Settings, slugs: Sequence[str] = ()) -> list[pdf.PdfJob]:
    """The PDF jobs of the issue pages already built (all, or those of `slugs`)."""
    save_as = settings.pelican.get("ARTICLE_SAVE_AS") or "{slug}.html"
    # ARTICLE_SAVE_AS as a pattern: {slug} is captured, any other {field} matched.
    pattern = re.sub(r"\\\{slug\\\}", "(?P<slug>[^/]+)", re.escape(save_as), count=1)
    shape = re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", pattern))
    output = settings.output_path
    found = {}
    for page in sorted(output.glob(page_glob(save_as))):
        match = shape.fullmatch(page.relative_to(output).as_posix())
        if match and "slug" in match.groupdict():
            found[match["slug"]] = pdf_job(page, match["slug"])
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise RenderError(
            f"{', '.join(missing)}: no such issue page in {output}; run `digest build` first"
        )
    return [found[slug] for slug in slugs] if slugs else list(found.values())
