"""What every command shares: the clock, the settings, and how results are shown (tables,
progress bars, paths relative to the working folder, one-line usage errors)."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from digest import clock

if TYPE_CHECKING:
    from digest import config

log = logging.getLogger("digest")
# The one clock (digest/clock.py): commands read it here and hand it down.
now = clock.now


class UsageProblem(click.UsageError):
    """Options that do not go together: one line, "error: ...", exit 2 (click's own usage
    errors print the usage too; these name the fix instead)."""

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def settings(ctx: click.Context, *, compile_selectors: bool = True) -> config.Settings:
    from digest import config  # here: `digest collect` starts its parsers before this import

    return config.load(ctx.obj["config"], compile_selectors=compile_selectors)


@contextlib.contextmanager
def patterns_kept(settings: config.Settings, command: str) -> Iterator[None]:
    """The regular expressions `command` compiled in its last run, made ready before it
    imports its modules (digest/kept_patterns.py); what it compiles now is kept once it
    has succeeded."""
    from digest import kept_patterns

    with kept_patterns.kept(kept_patterns.cache_file(settings.cache_path, command)):
        yield


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, an ellipsis showing the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(lines)


@contextlib.contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[str], None]]:
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


def progress(bars: contextlib.ExitStack, label: str) -> Callable[[int], Callable[[str], None]]:
    """For a library call that learns its total late: `progress(total)` opens the bar
    (closed with `bars`) and returns the callback to call as each thing is done."""
    return lambda total: bars.enter_context(progress_bar(label, total))
