"""The `digest` command: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from digest import config
from digest.errors import ConfigError, DigestError, IssueFileError

log = logging.getLogger("digest")


def now() -> datetime:
    """The clock: SOURCE_DATE_EPOCH when set (reproducible runs), else the system's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH: {epoch!r} is not a whole number of seconds"
            ) from None
    return datetime.now(UTC)


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print a DigestError as one readable message and exit with its code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except IssueFileError as exc:  # one line a problem, file:line first
            _print_problems(exc.problems)
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except DigestError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # disk full, permissions: the system's, not a bug
            from digest import files

            if not files.environmental(exc):
                raise
            failed = files.failure(exc, writing=False)
            click.echo(f"error: {failed}", err=True)
            sys.exit(failed.exit_code)

    return wrapper


def _print_problems(problems: Sequence[Any]) -> None:
    """Each problem of the issue files on its own line: "error: file:line: what"."""
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=True)


def _settings(ctx: click.Context, *, compile_selectors: bool = True) -> config.Settings:
    return config.load(ctx.obj["config"], compile_selectors=compile_selectors)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    default="pelican.conf.py",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Settings file (Pelican + DIGEST_*).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say more about what happens.")
@click.version_option(package_name="digest")
@click.pass_context
def main(ctx: click.Context, config_path: str, verbose: bool) -> None:
    """digest: collect news, draft an issue, build the site, PDF and email edition."""
    logging.basicConfig(format="%(message)s", level=logging.INFO if verbose else logging.WARNING)
    logging.getLogger("digest").setLevel(logging.INFO if verbose else logging.WARNING)
    ctx.obj = {"config": config_path, "verbose": verbose}


@main.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any source failed.")
@click.option("--force", is_flag=True, help="Fetch sources that are backing off, too.")
@click.pass_context
@_reports_errors
def collect(ctx: click.Context, strict: bool, force: bool) -> None:
    """Fetch every enabled source into the store."""
    from digest.collect.run import collect as collect_sources
    from digest.store import Store

    settings = _settings(ctx)
    total = sum(1 for s in settings.sources if s.enabled)
    with Store(settings.store_path) as store, _progress_bar("collecting", total) as advance:
        reports = collect_sources(settings, store, now(), advance, force=force)
    rows = [("source", "status", "new", "updated", "unchanged", "error")]
    rows += [
        (
            r.source,
            r.status,
            str(r.counts.new),
            str(r.counts.updated),
            str(r.counts.unchanged),
            r.error or "",
        )
        for r in reports
    ]
    click.echo(_table(rows))
    if ctx.obj["verbose"]:  # ill-formed but readable feeds are common: say so only when asked
        for report in reports:
            for warning in report.warnings:
                click.echo(f"{report.source}: {warning}", err=True)
    failed = sum(r.failed for r in reports)
    skipped = sum(r.status in ("backing off", "disabled") for r in reports)
    new = sum(r.counts.new for r in reports)
    updated = sum(r.counts.updated for r in reports)
    summary = f"{len(reports)} sources: {new} new items, {updated} updated, {failed} failed"
    click.echo(summary + (f", {skipped} skipped" if skipped else ""))
    if strict and failed:
        sys.exit(1)


@contextmanager
def _progress_bar(label: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing (cron, pipes)."""
    if not sys.stderr.isatty() or total == 0:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda name: bar.update(task, advance=1, description=f"{label}: {name}")


@main.command()
@click.option("--reset", "reset", metavar="NAME", help="Forget a source's failures and back-off.")
@click.pass_context
@_reports_errors
def sources(ctx: click.Context, reset: str | None) -> None:
    """Each source's health: last fetch, status, failures, next try, items, last error."""
    from digest.store import Store

    settings = _settings(ctx)
    with Store(settings.store_path) as store:
        if reset is not None:
            if settings.source(reset) is None:
                names = ", ".join(s.name for s in settings.sources) or "none"
                raise DigestError(f"--reset: no source named {reset!r} (sources: {names})")
            if store.reset_source(reset):
                click.echo(f"{reset}: failures and back-off forgotten; the next collect fetches it")
            else:
                click.echo(f"{reset}: never fetched yet; nothing to reset")
            return
        states = {s.name: s for s in store.source_states()}
    rows = [("source", "kind", "health", "last fetch", "items", "last error")]
    for source in settings.sources:
        state = states.get(source.name)
        if state is None or state.url != source.url:
            health = "never fetched" if state is None else "new URL, not fetched yet"
            rows.append((source.name, source.kind, health, "never", "0", ""))
            continue
        rows.append(
            (
                source.name,
                source.kind,
                _health(source.enabled, state),
                (state.last_fetch or "never")[:16].replace("T", " "),
                str(state.items),
                state.last_error or "",
            )
        )
    click.echo(_table(rows))


def _health(enabled: bool, state: Any) -> str:
    if not enabled:
        return "off in settings"
    if state.disabled:
        return "disabled (gone)"
    status = state.last_status or "-"
    if state.last_http_status and status != "ok":
        status += f" ({state.last_http_status})"
    if state.failures:
        status = f"failing: {state.failures} in a row, last {status}"
    if state.retry_at and state.retry_at > now():
        status += f"; next try {state.retry_at:%Y-%m-%d %H:%M} UTC"
    return status


@main.command()
@click.option(
    "--week-ending",
    "week_ending",
    metavar="YYYY-MM-DD",
    help="Last day of the week to draft (the weekday of DIGEST_WEEK_ENDS_ON); weekly only.",
)
@click.option(
    "--layout",
    type=click.Choice(["weekly", "daily"]),
    default="weekly",
    show_default=True,
    help="weekly: a week's issue in sections; daily: a month page with a heading per day.",
)
@click.option("--month", metavar="YYYY-MM", help="Month to draft with --layout daily.")
@click.option("--force", is_flag=True, help="Replace an edited file (a backup is kept).")
@click.option(
    "--update", is_flag=True, help="Add items collected since the draft; change nothing else."
)
@click.option(
    "--explain", is_flag=True, help="List every decision (day, section, merge); write nothing."
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Draft a period with no items anyway, marked 'Status: draft' (never published).",
)
@click.pass_context
@_reports_errors
def draft(
    ctx: click.Context,
    week_ending: str | None,
    layout: str,
    month: str | None,
    force: bool,
    update: bool,
    explain: bool,
    allow_empty: bool,
) -> None:
    """Write the draft issue for a week (or a month, daily) to content/issues/; print its path."""
    from digest.commands.draft import draft_month, draft_week, plan_week, update_week
    from digest.errors import DraftExistsError

    _check_draft_options(layout, week_ending, month)
    if (update or explain) and layout != "weekly":
        _usage_error("--update and --explain work on weekly issues (--week-ending)")
    if sum((update, explain, force)) > 1:
        _usage_error("choose one of --update, --explain and --force")
    if allow_empty and (update or explain):
        _usage_error("--allow-empty goes with a new draft, not --update or --explain")
    settings = _settings(ctx)
    if explain:
        _, issue = plan_week(settings, week_ending or "")
        click.echo(_table(_explanation_rows(issue)))
        return
    try:
        if layout == "daily":
            result = draft_month(settings, month or "", force=force, allow_empty=allow_empty)
        elif update:
            result = update_week(settings, week_ending or "")
        else:
            result = draft_week(settings, week_ending or "", force=force, allow_empty=allow_empty)
    except DraftExistsError as kept:
        # The editor's file stays, as promised: a note, not an error; exit 3 tells scripts.
        click.echo(f"note: {kept}", err=True)
        sys.exit(kept.exit_code)
    click.echo(_rel(result.path))
    click.echo(result.summary, err=True)


def _explanation_rows(issue: Any) -> list[tuple[str, ...]]:
    rows = [("day", "dated by", "section", "conf.", "story", "item", "why", "rank and notes")]
    for x in sorted(issue.explanations, key=lambda x: (x.story, x.item.published)):
        decision = x.decision
        rows.append(
            (
                x.day.isoformat(),
                x.day_from,
                decision.section if decision else "(you)",
                f"{decision.confidence:.2f}" if decision else "",
                f"{x.story}" + (f" ({x.story_size} told)" if x.story_size > 1 else ""),
                _clip(f"{x.item.source}: {x.item.title}", 60),
                f"{decision.reason}: {decision.detail}" if decision else "no rule matched",
                "; ".join(x.notes),
            )
        )
    return rows


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_draft_options(layout: str, week_ending: str | None, month: str | None) -> None:
    """Wrong combinations of --layout, --week-ending and --month: one line, exit 2."""
    from digest.periods import parse_month

    if layout == "daily":
        if week_ending is not None:
            _usage_error("--week-ending is for weekly issues; --layout daily takes --month YYYY-MM")
        if month is None:
            _usage_error("--layout daily needs --month YYYY-MM, e.g. --month 2023-10")
        try:
            parse_month(month or "", "--month")
        except DigestError as exc:
            _usage_error(str(exc))
    else:
        if month is not None:
            _usage_error("--month goes with --layout daily; a weekly issue takes --week-ending")
        if week_ending is None:
            _usage_error("missing --week-ending YYYY-MM-DD (or --layout daily --month YYYY-MM)")


def _usage_error(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@main.command()
@click.option(
    "--full",
    is_flag=True,
    help="Read every issue again and rewrite every page (unchanged PDFs are still kept).",
)
@click.option("--strict", is_flag=True, help="Refuse to build when an issue file has warnings too.")
@click.pass_context
@_reports_errors
def build(ctx: click.Context, full: bool, strict: bool) -> None:
    """Check every issue file, then build the site and feeds, each issue's PDF and email."""
    from digest.commands.build import build as build_site

    settings = _settings(ctx, compile_selectors=False)  # the build scrapes nothing
    with contextlib.ExitStack() as bars:
        report = build_site(
            settings, full=full, strict=strict, now=now(), progress=_pdf_progress(bars)
        )
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    if report.older_warnings:
        click.echo(
            f"note: {report.older_warnings} warnings in unchanged issue files; "
            "`digest check` lists them",
            err=True,
        )
    out = _rel(settings.output_path)
    click.echo(
        f"built {len(report.issues)} issues into {out}/ "
        f"({report.pages_written} pages written, {report.pages_unchanged} unchanged): "
        f"PDFs {report.pdfs_rendered} rendered, {report.pdfs_current} unchanged; "
        f"email editions {report.emails_written} written"
    )
    if report.search_pages:
        click.echo(f"search: {report.search_pages} pages indexed in {report.search_seconds:.2f} s")
    _fail_on(report.problems)


def _pdf_progress(bars: contextlib.ExitStack) -> Callable[[int], Callable[[str], None]]:
    return lambda total: bars.enter_context(_progress_bar("PDFs", total))


def _fail_on(problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)


@main.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.pass_context
@_reports_errors
def pdf(ctx: click.Context, slugs: tuple[str, ...]) -> None:
    """Make the PDFs of the built issues (all, or SLUG...) whose page or style changed."""
    from digest.commands.build import issue_pdf_jobs, make_pdfs
    from digest.commands.check import refuse_broken

    settings = _settings(ctx, compile_selectors=False)
    refuse_broken(settings, slugs)  # a PDF of an issue file with errors would print them
    jobs = issue_pdf_jobs(settings, slugs)
    with contextlib.ExitStack() as bars:
        report = make_pdfs(settings, jobs, now=now(), progress=_pdf_progress(bars))
    click.echo(
        f"PDFs {len(report.rendered)} rendered ({report.pages} pages), {report.current} unchanged"
    )
    _fail_on(report.problems)


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_context
@_reports_errors
def check(ctx: click.Context, strict: bool) -> None:
    """Validate settings and content; list every problem with file:line."""
    from digest.commands.check import check_content

    settings = _settings(ctx)  # raises ConfigError listing every settings problem
    verdict = check_content(settings)
    for problem in verdict.problems:
        click.echo(f"{problem.severity}: {problem}")
    errors, warnings = len(verdict.errors), len(verdict.warnings)
    click.echo(f"settings ok; content: {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(lines)


# The mail commands (send, serve-subscriptions, subscribers, bounces) live in cli_mail.py;
# importing it registers them on `main`.
from digest.cli import mail as cli_mail  # noqa: E402, F401
