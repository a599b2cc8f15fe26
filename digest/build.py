"""`digest build`: the Pelican site and feeds, the search index, then each issue's PDF and
email edition.

Reads like the pipeline: pelican -> pagefind (once) -> for each issue: pdf, email. Pelican's
own errors ("Could not process ...") fail the build instead of being logged and forgotten.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.config import Settings
from digest.errors import RenderError
from digest.pelican_plugin import incremental
from digest.pelican_plugin.reader import PROBLEMS_KEY, RUNTIME_KEY, preread
from digest.publish import pdf, search
from digest.publish.email_edition import write_email_edition

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    issues: list[str] = field(default_factory=list)
    pages_written: int = 0  # issue pages, Pelican pages and lists of issues rendered
    pages_unchanged: int = 0  # ... and those skipped: their inputs had not changed
    pdfs_rendered: int = 0
    pdfs_current: int = 0
    emails_written: int = 0
    search_pages: int = 0  # issue pages in the search index
    search_seconds: float = 0.0  # time Pagefind took (the benchmark reports it on its own)
    problems: list[str] = field(default_factory=list)


class _Problems(logging.Handler):
    """Collects Pelican's errors so a broken content file fails the build."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}: {record.exc_info[1]}"
        self.messages.append(" ".join(message.split()))


def run_pelican(
    settings: Settings, report: BuildReport | None = None, *, full: bool = False
) -> list[Any]:
    """Build the site into settings.output_path; returns the issue articles."""
    report = report if report is not None else BuildReport()
    from pelican import Pelican, signals

    articles: list[Any] = []

    def keep(generator: Any) -> None:
        articles.extend(a for a in generator.articles if getattr(a, "digest", None))

    pelican_settings = dict(settings.pelican)
    pelican_settings[RUNTIME_KEY] = settings
    if incremental.prepare(pelican_settings, settings.config_path.parent, full=full):
        content = settings.content_path
        preread(pelican_settings, sorted([*content.rglob("*.md"), *content.rglob("*.markdown")]))
    reasons: list[str] = []
    pelican_settings[PROBLEMS_KEY] = reasons
    problems = _Problems()
    pelican_log = logging.getLogger("pelican")
    pelican_log.addHandler(problems)
    signals.article_generator_finalized.connect(keep)
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):  # Pelican prints its "Done: ..." line
            Pelican(pelican_settings).run()
    except Exception as exc:  # Pelican raises bare exceptions for theme/template trouble
        raise RenderError(f"site: Pelican failed: {type(exc).__name__}: {exc}") from exc
    finally:
        signals.article_generator_finalized.disconnect(keep)
        pelican_log.removeHandler(problems)
    written, unchanged = pelican_settings.get(incremental.COUNTS_KEY, (0, 0))
    report.pages_written += written
    report.pages_unchanged += unchanged
    log.info("site: %s", " ".join(chatter.getvalue().split()))
    if problems.messages:
        # The reader's reasons name file and cause; Pelican's own lines only the file.
        raise RenderError("site: " + "; ".join(reasons or problems.messages))
    return sorted(articles, key=lambda a: a.slug)


def build(settings: Settings, *, full: bool = False) -> BuildReport:
    """`full`: read every issue again and rewrite every page (PDF and email stamps hold)."""
    report = BuildReport()
    articles = run_pelican(settings, report, full=full)
    output = settings.output_path
    started = time.perf_counter()
    pages = search.page_glob(settings.pelican.get("ARTICLE_SAVE_AS") or "{slug}.html")
    report.search_pages = search.index_site(output, pages)
    report.search_seconds = time.perf_counter() - started
    log.info("search: %d pages indexed in %.2f s", report.search_pages, report.search_seconds)
    theme = Path(settings.pelican["THEME"]).resolve()
    style = pdf.style_token(
        settings.pdf_page_size, sorted((output / "theme" / "css").glob("*.css"))
    )
    for article in articles:
        report.issues.append(article.slug)
        folder = output / Path(article.save_as).parent
        page_url = f"{settings.site_url}/{article.url}"
        job = pdf.PdfJob(article.slug, folder / "index.html", folder / f"{article.slug}.pdf")
        try:
            if pdf.render_pdf(
                job, page_size=settings.pdf_page_size, style=style, output=output, theme=theme
            ):
                report.pdfs_rendered += 1
            else:
                report.pdfs_current += 1
        except RenderError as exc:
            # One issue's failed PDF fails that PDF only; the rest of the build goes on.
            log.error("%s", exc)
            report.problems.append(str(exc))
        if write_email_edition(
            article.digest,
            settings,
            output / "email",
            page_url=page_url,
            pdf_url=f"{page_url}{article.slug}.pdf",
            date=article.date,
            source=Path(article.source_path),
        ):
            report.emails_written += 1
    return report
