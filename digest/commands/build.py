"""`digest build`: the Pelican site and feeds, the search index, then each issue's PDF and
email edition.

Reads like the pipeline: (audio, with DIGEST_AUDIO) -> pelican -> pagefind (once) -> for
each issue: pdf, email. The audio comes first: pages, issue.json and feeds show it. Pelican's
own errors ("Could not process ...") fail the build instead of being logged and forgotten.

Every file is written whole or not at all (digest.files): a killed or failed build leaves
each published file as it was or as the new build made it, never a part. A full disk is
one line (WriteError) naming the file. What killed writes left (temporary files) is swept
from output/ when the next build starts.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import files
from digest.commands import check as checks
from digest.commands.check import check_content
from digest.commands.early_pdfs import EarlyPdfs
from digest.commands.head_start import HeadStart, search_job
from digest.commands.pdf import make_pdfs, start_pdf_workers
from digest.commands.pdf import pdf_job as _pdf_job
from digest.config import Settings
from digest.errors import DigestError, IssueFileError, RenderError
from digest.heap import frozen_heap
from digest.pelican_plugin import atomic, incremental
from digest.pelican_plugin.reader import (
    HASHES_KEY,
    PREREAD_KEY,
    PROBLEMS_KEY,
    RUNTIME_KEY,
    preread,
)
from digest.publish import search_worker
from digest.publish.email.edition import stamp_start, write_email_edition
from digest.publish.pdf import jobs as pdf
from digest.publish.pdf import workers
from digest.render import jinja

if TYPE_CHECKING:
    from digest.commands import audio

log = logging.getLogger(__name__)

NOW_KEY = "DIGEST_NOW"  # the build's clock, timezone-aware, for pelican_plugin/feeds.py
_EARLY_PDFS = 2  # at most this many new or edited issues: their PDF workers start early


@dataclass
class BuildReport:
    issues: list[str] = field(default_factory=list)
    pages_written: int = 0  # issue pages, Pelican pages and lists of issues rendered
    pages_unchanged: int = 0  # ... and those skipped: their inputs had not changed
    pdfs_rendered: int = 0
    pdfs_current: int = 0
    emails_written: int = 0
    audio: audio.AudioReport | None = None  # with DIGEST_AUDIO on
    search_pages: int = 0  # issue pages in the search index
    search_seconds: float = 0.0  # time Pagefind took (the benchmark reports it on its own)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the issue files' (checks.py), the PDFs'
    older_warnings: int = 0  # ... in files not changed since they were judged


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
    settings: Settings,
    report: BuildReport | None = None,
    *,
    full: bool = False,
    parsed: dict[str, Any] | None = None,
    hashes: dict[str, str] | None = None,
    now: datetime | None = None,
    pages_awaited: bool = False,
) -> list[Any]:
    """Build the site into settings.output_path; returns the issue articles. `now`: the
    build's clock, for what Pelican would otherwise date by the system's (an empty feed).
    `pages_awaited`: PDFs wait for pages this run writes (incremental.save_cache_last)."""
    report = report if report is not None else BuildReport()
    from pelican import Pelican, signals

    articles: list[Any] = []

    def keep(generator: Any) -> None:
        articles.extend(a for a in generator.articles if getattr(a, "digest", None))

    pelican_settings = dict(settings.pelican)
    pelican_settings[RUNTIME_KEY] = settings
    pelican_settings[PREREAD_KEY] = dict(parsed or {})  # judged and parsed by checks.py
    pelican_settings[HASHES_KEY] = hashes or {}  # ... and each file's hash, as the check read it
    if incremental.prepare(pelican_settings, settings.config_path.parent, full=full):
        content = settings.content_path
        found = sorted([*content.rglob("*.md"), *content.rglob("*.markdown")])
        with frozen_heap():  # its pool's workers never scan the heap they inherit
            preread(pelican_settings, [p for p in found if str(p.resolve()) not in (parsed or {})])
    if now is not None:
        # After prepare(): the settings' fingerprint must not take the time, or every
        # build by the system's clock would be a full one.
        pelican_settings[NOW_KEY] = now
    if pages_awaited:
        incremental.save_cache_last(pelican_settings)
    reasons: list[str] = []
    pelican_settings[PROBLEMS_KEY] = reasons
    problems = _Problems()
    pelican_log = logging.getLogger("pelican")
    pelican_log.addHandler(problems)
    signals.article_generator_finalized.connect(keep)
    chatter = io.StringIO()
    try:
        # Pages, feeds and exports replace the old ones together, once all are durable.
        # The issues read are the heap's largest part: no collection walks them again.
        with (
            frozen_heap(),
            contextlib.redirect_stdout(chatter),
            atomic.atomic_copies(),
            files.batched_writes(),
        ):
            Pelican(pelican_settings).run()  # it prints its "Done: ..." line
    except DigestError:
        raise  # a file that could not be written (WriteError) names itself
    except OSError as exc:
        if files.environmental(exc):  # disk full in Pelican's own code (a folder, a cache)
            raise files.failure(exc, writing=False) from exc
        raise RenderError(f"site: Pelican failed: {type(exc).__name__}: {exc}") from exc
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


def build(
    settings: Settings,
    *,
    full: bool = False,
    strict: bool = False,
    now: datetime,
    progress: Callable[[int], Callable[[str], None]] | None = None,
    audio_progress: Callable[[int], Callable[[str], None]] | None = None,
    started: HeadStart | None = None,
) -> BuildReport:
    """`full`: read every issue again and rewrite every page (PDF and email stamps hold).
    `now`: the build's clock (an empty feed's date, the PDFs' creation date).
    `progress(total)`: for the PDFs (the long part of a first build), returns a callback
    called as each is made; `audio_progress` the same for the audio (DIGEST_AUDIO).
    `started`: the workers head_start started for this build."""
    report = BuildReport()
    # Every issue file is judged before anything is written: one with errors (or, with
    # `strict`, warnings) stops the build, and the published site stays as it was.
    # Without `strict`, warnings stop nothing: they are judged while the site is built.
    verdict = check_content(settings, parsed=True, build=True, later=not strict)
    if verdict.errors:
        verdict.settle()  # the refusal lists every problem
    refused = verdict.errors + (verdict.warnings if strict else [])
    if refused:
        raise IssueFileError(verdict.problems, strict=strict)
    try:
        with files.deferred_folder_syncs():  # each folder fsynced once, at the end
            _publish(
                settings,
                report,
                verdict,
                full=full,
                now=now,
                progress=progress,
                audio_progress=audio_progress,
                started=started or HeadStart(),
            )
    except BaseException:
        verdict.abandon()
        raise
    verdict.settle()
    # Warnings of the files new to the build (added or edited); the others' were printed
    # by an earlier build, and `digest check` lists them all. Before the PDFs' and audio's.
    issued = [str(p) for p in verdict.warnings if p.path in verdict.new_to_build]
    report.warnings[:0] = issued
    report.older_warnings = len(verdict.warnings) - len(issued)
    return report


def _publish(
    settings: Settings,
    report: BuildReport,
    verdict: checks.ContentVerdict,
    *,
    full: bool,
    now: datetime,
    progress: Callable[[int], Callable[[str], None]] | None,
    audio_progress: Callable[[int], Callable[[str], None]] | None = None,
    started: HeadStart,
) -> None:
    """The audio, the site, its search index, the PDFs and email editions of the judged
    issues."""
    files.remove_temporaries(settings.output_path)  # what a killed build left
    if settings.audio:
        _make_audio(settings, report, verdict, audio_progress)
    with contextlib.ExitStack() as stack:
        # A rebuild's search worker started before the check (head_start.py): its start
        # and its reading of the last index overlap the check's and Pelican's work.
        # (Without a last index, Pelican needs both CPUs: it starts after Pelican.)
        searcher = started.search
        # An issue added or edited since the last build gets a new PDF: its workers start
        # before Pelican (one already did, if head_start guessed there was a new issue),
        # and WeasyPrint's import overlaps Pelican's work instead of following it. (Many
        # new issues: a first build or an emptied cache, where Pelican needs both cores and
        # the PDFs may all be current.)
        new = len(verdict.new_to_build)
        early = None
        if 0 < new <= _EARLY_PDFS:
            early = started.pdfs or stack.enter_context(
                start_pdf_workers(settings, now=now, count=new)
            )
        else:
            started.stop_pdfs()
        begun = None

        def site() -> list[Any]:
            return run_pelican(
                settings,
                report,
                full=full,
                parsed=verdict.parsed,
                hashes=verdict.hashes,
                now=now,
                pages_awaited=early is not None,
            )

        if early is None:
            articles = site()
        else:
            log.info("pdf: %d worker(s) started ahead of the site", len(early.idle))
            # Their pages are printed as soon as Pelican writes them.
            sources = {str((settings.root / name).resolve()) for name in verdict.new_to_build}
            begun = stack.enter_context(EarlyPdfs(early, settings.output_path, sources))
            with begun.listening():
                articles = site()
        _publish_issues(
            settings,
            report,
            articles,
            full=full,
            now=now,
            progress=progress,
            pool=early,
            begun=begun,
            searcher=searcher,
            judged=verdict,
        )


def _publish_issues(
    settings: Settings,
    report: BuildReport,
    articles: list[Any],
    *,
    full: bool,
    now: datetime,
    progress: Callable[[int], Callable[[str], None]] | None,
    pool: workers.Pool | None,
    searcher: workers.Pool | None,
    begun: EarlyPdfs | None = None,
    judged: checks.ContentVerdict | None = None,
) -> None:
    """The search index, the PDFs and the email editions of the built issue pages. `begun`:
    the PDFs begun while Pelican worked, published before make_pdfs looks for stale ones;
    `judged`: the check's verdict, whose new files' warnings this build printed
    (checks.shown)."""
    output = settings.output_path
    jobs = [_pdf_job(output / article.save_as, article.slug) for article in articles]

    def make() -> tuple[pdf.PdfReport, pdf.PdfReport]:
        early = begun.settle(settings.pdf_page_size) if begun else pdf.PdfReport()
        return early, make_pdfs(settings, jobs, now=now, progress=progress, pool=pool)

    # The PDFs are made in worker processes, the search index in its own (a rebuild's
    # started before Pelican: search_worker.py): all run while the email editions are
    # written here (none reads what another writes).
    job = search_job(settings, full=full)
    with (
        contextlib.ExitStack() as stack,
        ThreadPoolExecutor(max_workers=3, thread_name_prefix="digest-publish") as threads,
    ):
        if searcher is None:
            searcher = stack.enter_context(search_worker.started(job.cache, full=full))
        searched = threads.submit(search_worker.index, searcher, job)
        pdfs = threads.submit(make)
        shown, cache = (judged.new_to_build, judged.cache) if judged else (set(), None)
        marked = threads.submit(checks.shown, settings, shown, cache)
        stamped = stamp_start(settings)
        jinja.keep_compiled(settings.cache_path / jinja.KEPT_FOLDER)  # the email's templates
        for article in articles:
            report.issues.append(article.slug)
            page_url = f"{settings.site_url}/{article.url}"
            if write_email_edition(
                article.digest,
                settings,
                output / "email",
                page_url=page_url,
                pdf_url=f"{page_url}{article.slug}.pdf",
                date=article.date,
                source=Path(article.source_path),
                stamped=stamped,
            ):
                report.emails_written += 1
        report.search_pages, report.search_seconds = _searched(searched.result())
        marked.result()
        early, made = pdfs.result()
    # make_pdfs found those begun early current.
    report.pdfs_rendered = len(early.rendered) + len(made.rendered)
    report.pdfs_current = made.current - len(early.rendered)
    report.problems.extend(made.problems)  # one issue's failed PDF fails that PDF only
    report.warnings.extend(early.warnings + made.warnings)  # characters no bundled font has


def _searched(found: search_worker.Indexed) -> tuple[int, float]:
    """The pages indexed and the seconds it took."""
    log.info("search: %d pages indexed in %.2f s", found.pages, found.ended - found.started)
    return found.pages, found.ended - found.started


def _make_audio(
    settings: Settings,
    report: BuildReport,
    verdict: checks.ContentVerdict,
    progress: Callable[[int], Callable[[str], None]] | None,
) -> None:
    """Each issue's audio, before Pelican: its page and feeds show it. A missing engine
    fails the audio only: the site is still built, and the command exits 1."""
    # Imported only now: a site without audio does not load the engines' code.
    from digest.commands import audio

    try:
        made = audio.make_audio(settings, parsed=verdict.parsed, progress=progress)
    except audio.AudioError as exc:
        report.problems.append(str(exc))
        return
    report.audio = made
    report.problems.extend(made.problems)  # one issue's failed audio fails that audio only
    report.warnings.extend(made.notes)
