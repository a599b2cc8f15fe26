"""The site commands of `digest`: build, pdf, audio, deploy."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import click

from digest.cli import output
from digest.config import Settings

if TYPE_CHECKING:
    from digest.commands.build import BuildReport


@click.command()
@click.option(
    "--full",
    is_flag=True,
    help="Read every issue again and rewrite every page (unchanged PDFs are still kept).",
)
@click.option("--strict", is_flag=True, help="Refuse to build when an issue file has warnings too.")
@click.pass_context
def build(ctx: click.Context, full: bool, strict: bool) -> None:
    """Check every issue file, then build the site and feeds, each issue's PDF and email."""
    settings = output.settings(ctx, compile_selectors=False)  # the build scrapes nothing
    with output.patterns_kept(settings, "build"):
        report = _built(settings, full=full, strict=strict)
    if report.warnings:  # one write: an archive may hold tens of thousands
        click.echo("".join(f"warning: {line}\n" for line in report.warnings), err=True, nl=False)
    if report.older_warnings:
        click.echo(
            f"note: {report.older_warnings} warnings in unchanged issue files; "
            "`digest check` lists them",
            err=True,
        )
    out = output.rel(settings.output_path)
    click.echo(
        f"built {len(report.issues)} issues into {out}/ "
        f"({report.pages_written} pages written, {report.pages_unchanged} unchanged): "
        f"PDFs {report.pdfs_rendered} rendered, {report.pdfs_current} unchanged; "
        f"email editions {report.emails_written} written"
    )
    if report.audio is not None:
        click.echo(f"audio {len(report.audio.made)} made, {report.audio.current} unchanged")
    if report.search_pages:
        click.echo(f"search: {report.search_pages} pages indexed in {report.search_seconds:.2f} s")
    _fail_on(ctx, report.problems)


def _built(settings: Settings, *, full: bool, strict: bool) -> BuildReport:
    # Imported here, once the patterns they compile are ready (output.patterns_kept).
    from digest.commands.head_start import head_start

    now = output.now()
    # The workers start before the build's own imports, which they overlap.
    with head_start(settings, full=full, now=now) as started, contextlib.ExitStack() as bars:
        from digest.commands.build import build as build_site

        return build_site(
            settings,
            full=full,
            strict=strict,
            now=now,
            progress=output.progress(bars, "PDFs"),
            audio_progress=output.progress(bars, "audio"),
            started=started,
        )


@click.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.pass_context
def pdf(ctx: click.Context, slugs: tuple[str, ...]) -> None:
    """Make the PDFs of the built issues (all, or SLUG...) whose page or style changed."""
    from digest.commands.check import refuse_broken
    from digest.commands.pdf import issue_pdf_jobs, make_pdfs

    settings = output.settings(ctx, compile_selectors=False)
    refuse_broken(settings, slugs)  # a PDF of an issue file with errors would print them
    jobs = issue_pdf_jobs(settings, slugs)
    with contextlib.ExitStack() as bars:
        report = make_pdfs(settings, jobs, now=output.now(), progress=output.progress(bars, "PDFs"))
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(
        f"PDFs {len(report.rendered)} rendered ({report.pages} pages), {report.current} unchanged"
    )
    _fail_on(ctx, report.problems)


@click.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.pass_context
def audio(ctx: click.Context, slugs: tuple[str, ...]) -> None:
    """Make the audio edition of the issues (all, or SLUG...) whose spoken text changed."""
    from digest.commands.audio import make_audio
    from digest.commands.check import refuse_broken

    settings = output.settings(ctx, compile_selectors=False)
    refuse_broken(settings, slugs)  # audio of an issue file with errors would say them
    with contextlib.ExitStack() as bars:
        report = make_audio(settings, slugs, progress=output.progress(bars, "audio"))
    for line in report.notes:
        click.echo(f"note: {line}", err=True)
    if not settings.audio:
        click.echo(
            "note: DIGEST_AUDIO is off, so pages and feeds do not offer the audio; "
            "set DIGEST_AUDIO = True to publish it",
            err=True,
        )
    minutes = report.audio_seconds / 60
    made = f" ({minutes:.1f} min of speech)" if report.made else ""
    click.echo(f"audio {len(report.made)} made{made}, {report.current} unchanged")
    _fail_on(ctx, report.problems)


@click.command()
@click.option("--dry-run", is_flag=True, help="List what would change there, and change nothing.")
@click.option("--to", "url", metavar="URL", help="Deploy there this once instead of DIGEST_DEPLOY.")
@click.pass_context
def deploy(ctx: click.Context, dry_run: bool, url: str | None) -> None:
    """Publish the built site (output/) to DIGEST_DEPLOY: only what changed."""
    from digest.commands.deploy import deploy as deploy_site
    from digest.config import DEPLOY_FORMS, check_deploy_url

    settings = output.settings(ctx, compile_selectors=False)
    if url is not None:
        try:
            url = check_deploy_url(url)
        except ValueError as exc:
            raise output.UsageProblem(f"--to: {exc}") from None
    url = url or settings.deploy
    if not url:
        raise output.UsageProblem(
            "nowhere to deploy: set DIGEST_DEPLOY in the settings (or pass --to URL) to "
            + ", ".join(DEPLOY_FORMS)
        )
    with contextlib.ExitStack() as bars:
        outcome, plan = deploy_site(
            settings,
            url,
            dry_run=dry_run,
            now=output.now(),
            progress=output.progress(bars, "deploying"),
        )
    note = f" ({outcome.note})" if outcome.note else ""
    if not dry_run:
        click.echo(
            f"deployed to {outcome.target}: {outcome.uploaded} uploaded, "
            f"{outcome.unchanged} unchanged, {outcome.deleted} deleted{note}"
        )
        return
    for change in outcome.changes:
        click.echo(str(change))
    if plan.drafts:
        folder, count = plan.drafts[0].split("/")[0], len(plan.drafts)
        files = "file" if count == 1 else "files"
        click.echo(f"  ({folder}/: {count} {files} left out: previews are never published)")
    click.echo(
        f"would upload {outcome.uploaded}, leave {outcome.unchanged} unchanged and delete "
        f"{outcome.deleted} at {outcome.target}{note} (dry run: nothing was changed)"
    )


def _fail_on(ctx: click.Context, problems: list[str]) -> None:
    """One issue's failed PDF fails that PDF only, and then the command: each, then exit 1."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        ctx.exit(1)
