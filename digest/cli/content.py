"""The content commands of `digest`: collect, sources (add, import, export, test), draft,
check."""

from __future__ import annotations

from typing import Any

import click

from digest.cli import output
from digest.cli.output import UsageProblem
from digest.errors import DigestError


@click.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any source failed.")
@click.option("--force", is_flag=True, help="Fetch sources that are backing off, too.")
@click.pass_context
def collect(ctx: click.Context, strict: bool, force: bool) -> None:
    """Fetch every enabled source into the store."""
    from digest.collect.parser_server import start_parsers

    # The parsers' fork server starts first, so that its imports run on the other CPU while
    # this process reads the settings. A collect with nothing due leaves it idle; with an
    # HTML page due, the worker that reads one imports its reader then.
    start_parsers(html=False)
    from digest.collect.run import collect as collect_sources
    from digest.store import Store

    settings = output.settings(ctx)
    total = sum(1 for s in settings.sources if s.enabled)
    with (
        Store(settings.store_path) as store,
        output.progress_bar("collecting", total) as advance,
    ):
        reports = collect_sources(settings, store, output.now(), advance, force=force)
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
    click.echo(output.table(rows))
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
        ctx.exit(1)


@click.command()
@click.option(
    "--week-ending",
    "week_ending",
    metavar="YYYY-MM-DD",
    help="Last day of the week to draft (the weekday of DIGEST_WEEK_ENDS_ON); weekly or report.",
)
@click.option(
    "--layout",
    type=click.Choice(["weekly", "daily", "report"]),
    default="weekly",
    show_default=True,
    help="weekly: a week's issue in sections; daily: a month page with a heading per day; "
    "report: a week's situation report (a summary, then the stories by theme).",
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
    _check_draft_options(layout, week_ending, month)
    if (update or explain) and layout != "weekly":
        raise UsageProblem("--update and --explain work on weekly issues (--week-ending)")
    if sum((update, explain, force)) > 1:
        raise UsageProblem("choose one of --update, --explain and --force")
    if allow_empty and (update or explain):
        raise UsageProblem("--allow-empty goes with a new draft, not --update or --explain")
    settings = output.settings(ctx, compile_selectors=False)  # drafting scrapes nothing
    with output.patterns_kept(settings, "draft"):
        # Imported here, once the patterns they compile are ready (output.patterns_kept).
        from digest.commands.draft import (
            draft_month,
            draft_report,
            draft_week,
            plan_week,
            update_week,
        )

        if explain:
            _, issue = plan_week(settings, week_ending or "")
            click.echo(output.table(_explanation_rows(issue)))
            return
        # An edited draft kept (DraftExistsError) is the group's to report: a note, exit 3.
        if layout == "daily":
            result = draft_month(settings, month or "", force=force, allow_empty=allow_empty)
        elif layout == "report":
            result = draft_report(settings, week_ending or "", force=force, allow_empty=allow_empty)
        elif update:
            result = update_week(settings, week_ending or "")
        else:
            result = draft_week(settings, week_ending or "", force=force, allow_empty=allow_empty)
        click.echo(output.rel(result.path))
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
                output.clip(f"{x.item.source}: {x.item.title}", 60),
                f"{decision.reason}: {decision.detail}" if decision else "no rule matched",
                "; ".join(x.notes),
            )
        )
    return rows


def _check_draft_options(layout: str, week_ending: str | None, month: str | None) -> None:
    """Wrong combinations of --layout, --week-ending and --month: one line, exit 2."""
    from digest.periods import parse_month

    if layout == "daily":
        if week_ending is not None:
            raise UsageProblem(
                "--week-ending is for weekly issues; --layout daily takes --month YYYY-MM"
            )
        if month is None:
            raise UsageProblem("--layout daily needs --month YYYY-MM, e.g. --month 2023-10")
        try:
            parse_month(month, "--month")
        except DigestError as exc:
            raise UsageProblem(str(exc)) from None
    else:
        kind = "a situation report" if layout == "report" else "a weekly issue"
        if month is not None:
            raise UsageProblem(f"--month goes with --layout daily; {kind} takes --week-ending")
        if week_ending is None:
            raise UsageProblem(
                "missing --week-ending YYYY-MM-DD (or --layout daily --month YYYY-MM)"
                if layout == "weekly"
                else "--layout report needs --week-ending YYYY-MM-DD, the week it reports on"
            )


@click.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_context
def check(ctx: click.Context, strict: bool) -> None:
    """Validate settings and content; list every problem with file:line."""
    from digest.commands.check import check_content

    settings = output.settings(ctx)  # raises ConfigError listing every settings problem
    verdict = check_content(settings)
    for problem in verdict.problems:
        click.echo(f"{problem.severity}: {problem}")
    errors, warnings = len(verdict.errors), len(verdict.warnings)
    click.echo(f"settings ok; content: {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        ctx.exit(1)
