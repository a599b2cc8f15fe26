"""The `digest` command: the only place that turns errors into messages and exit codes.

The commands live by subject (project: init; content: collect, draft, check; sources; site:
build, pdf, audio, deploy; mail: send, serve-subscriptions, subscribers, bounces) and know nothing
of this group:
each is a plain click command added below. One raising a DigestError is answered here,
once, in DigestGroup.invoke.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import click

from digest import files
from digest.cli import content, mail, project, site, sources
from digest.errors import DigestError, DraftExistsError, IssueFileError


class DigestGroup(click.Group):
    """Runs a command and turns what it raises into one readable line and an exit code.
    click's own exits (--help, --version, usage errors with exit 2) pass through."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DraftExistsError as kept:
            # The editor's file stays, as promised: a note, not an error; exit 3 tells scripts.
            click.echo(f"note: {kept}", err=True)
            ctx.exit(kept.exit_code)
        except IssueFileError as exc:  # one line a problem, file:line first
            _print_problems(exc.problems)
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except DigestError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # disk full, permissions: the system's, not a bug
            if not files.environmental(exc):
                raise
            failed = files.failure(exc, writing=False)
            click.echo(f"error: {failed}", err=True)
            ctx.exit(failed.exit_code)


def _print_problems(problems: Sequence[Any]) -> None:
    """Each problem of the issue files on its own line: "error: file:line: what"."""
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=True)


@click.group(cls=DigestGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


main.add_command(project.init)
main.add_command(content.collect)
main.add_command(sources.sources)
main.add_command(content.draft)
main.add_command(content.check)
main.add_command(site.build)
main.add_command(site.pdf)
main.add_command(site.audio)
main.add_command(site.deploy)
main.add_command(mail.send)
main.add_command(mail.serve_subscriptions)
main.add_command(mail.subscribers)
main.add_command(mail.bounces)
