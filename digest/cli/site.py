"""The site commands of `digest`: build, pdf."""

from __future__ import annotations

import contextlib

import click

from digest.cli import output


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
    from digest.commands.build import build as build_site

    settings = output.settings(ctx, compile_selectors=False)  # the build scrapes nothing
    with contextlib.ExitStack() as bars:
        report = build_site(
            settings,
            full=full,
            strict=strict,
            now=output.now(),
            progress=output.progress(bars, "PDFs"),
        )
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
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
    if report.search_pages:
        click.echo(f"search: {report.search_pages} pages indexed in {report.search_seconds:.2f} s")
    _fail_on(ctx, report.problems)


@click.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.pass_context
def pdf(ctx: click.Context, slugs: tuple[str, ...]) -> None:
    """Make the PDFs of the built issues (all, or SLUG...) whose page or style changed."""
    from digest.commands.build import issue_pdf_jobs, make_pdfs
    from digest.commands.check import refuse_broken

    settings = output.settings(ctx, compile_selectors=False)
    refuse_broken(settings, slugs)  # a PDF of an issue file with errors would print them
    jobs = issue_pdf_jobs(settings, slugs)
    with contextlib.ExitStack() as bars:
        report = make_pdfs(settings, jobs, now=output.now(), progress=output.progress(bars, "PDFs"))
    click.echo(
        f"PDFs {len(report.rendered)} rendered ({report.pages} pages), {report.current} unchanged"
    )
    _fail_on(ctx, report.problems)


def _fail_on(ctx: click.Context, problems: list[str]) -> None:
    """One issue's failed PDF fails that PDF only, and then the command: each, then exit 1."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        ctx.exit(1)
