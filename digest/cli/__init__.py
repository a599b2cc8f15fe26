"""The `digest` command: the only place that turns errors into messages and exit codes.

The commands live by subject (project: init; content: collect, draft, check; sources; site:
build, pdf, audio, deploy; mail: send, serve-subscriptions, subscribers, bounces) and know nothing
of this group:
each is a plain click command named in COMMANDS below. One raising a DigestError is answered
here, once, in DigestGroup.invoke.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

import click

from digest import kept_code
from digest.errors import DigestError, DraftExistsError, IssueFileError

# Each command by name: (its module in digest/cli/, its function). A module is imported when
# one of its commands is first asked for, so that `digest pdf` waits for none of the others'.
COMMANDS = {
    "init": ("project", "init"),
    "collect": ("content", "collect"),
    "sources": ("sources", "sources"),
    "draft": ("content", "draft"),
    "check": ("content", "check"),
    "build": ("site", "build"),
    "pdf": ("site", "pdf"),
    "audio": ("site", "audio"),
    "deploy": ("site", "deploy"),
    "send": ("mail", "send"),
    "serve-subscriptions": ("mail", "serve_subscriptions"),
    "subscribers": ("mail", "subscribers"),
    "bounces": ("mail", "bounces"),
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands by name, as click keeps them; a command is loaded when it is
    looked up (listing the names loads nothing)."""

    def __init__(self, known: dict[str, tuple[str, str]]) -> None:
        self._known = dict(known)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, function = self._known[name]  # KeyError: no such command
            command = getattr(importlib.import_module(f"digest.cli.{module}"), function)
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command
        self._known.setdefault(name, ("", ""))

    def __delitem__(self, name: str) -> None:
        del self._known[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)

    def __contains__(self, name: object) -> bool:
        return name in self._known


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
            # Imported here, not with the group: `digest collect` starts its parsers sooner.
            from digest import files

            if not files.environmental(exc):
                raise
            failed = files.failure(exc, writing=False)
            click.echo(f"error: {failed}", err=True)
            ctx.exit(failed.exit_code)


def _print_problems(problems: Sequence[Any]) -> None:
    """Each problem of the issue files on its own line: "error: file:line: what"."""
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=True)


@click.group(
    cls=DigestGroup,
    commands=_Commands(COMMANDS),
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


def run() -> None:
    """The `digest` program (`digest`, `python -m digest`): main(), then the process ends
    without the interpreter's teardown (ending.py). Code that calls the group itself (the
    tests, the benchmarks) calls main, which leaves its process alone."""
    from digest.cli import ending

    # Before a command's modules make their dataclasses; for the program only, not for code
    # that imports digest (the tests, the benchmarks).
    kept_code.install()
    try:
        main()  # standalone: it always ends in SystemExit
    except SystemExit as ended:
        kept_code.keep()
        ending.end(ended.code)
        raise
