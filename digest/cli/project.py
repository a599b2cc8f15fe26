"""The project commands of `digest`: init."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from digest.cli import output
from digest.config.schema import Invalid


def _defaults(folder: Path) -> dict[str, Any]:
    from digest.config.new_project import DEFAULT_KEYS

    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return {
        "name": " ".join(w[:1].upper() + w[1:] for w in words) or "Weekly Monitor",
        "site_url": "https://monitor.example.org",
        "timezone": "UTC",
        "week_ends_on": "thursday",
        "sections": ", ".join(DEFAULT_KEYS),
        "language": "en",
    }


_ASK = {
    "name": "Name of the monitor",
    "site_url": "Site URL (where readers will find it)",
    "timezone": "Time zone of the newsroom (IANA name)",
    "week_ends_on": "Weekday a weekly issue ends on",
    "sections": "Sections, in order (politics, security, humanitarian, economy have keywords)",
    "language": "Language of the issues",
}


def _ask(label: str, default: str, check: Any) -> Any:
    """Ask until the answer passes `check`; a bad answer is said in one line and asked again."""
    while True:
        answer = click.prompt(label, default=default, show_default=True)
        try:
            return check(answer)
        except Invalid as exc:
            click.echo(f"error: {exc}", err=True)


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The monitor's name (SITENAME).")
@click.option("--site-url", help="Where the site is published (SITEURL), https://…")
@click.option("--timezone", help="IANA time zone of the newsroom, e.g. Asia/Baghdad.")
@click.option("--week-ends-on", help="Weekday a weekly issue ends on (default thursday).")
@click.option("--sections", help="Section keys in order, comma-separated.")
@click.option("--language", help="Language of the issues (default en).")
@click.option("--no-input", is_flag=True, help="Ask nothing: flags, else the defaults.")
def init(path: Path, no_input: bool, **given: str | None) -> None:
    """Start a new monitor project in PATH: settings, content folders, theme overrides."""
    from digest.commands.init import create
    from digest.config.new_project import QUESTIONS, new_project

    defaults = _defaults(path)
    answers: dict[str, Any] = {}
    for attribute, _option, check in QUESTIONS:
        if given.get(attribute) is not None or no_input:
            answers[attribute] = given.get(attribute) or defaults[attribute]
        else:
            answers[attribute] = _ask(_ASK[attribute], defaults[attribute], check)
    project = new_project(**answers)  # the flags', all problems at once
    written = create(path, project)
    folder = output.rel(path.resolve())
    click.echo(f"created {folder}/: " + ", ".join(output.rel(p) for p in written[:4]) + " …")
    if project.site_url == defaults["site_url"]:
        click.echo(f"note: SITEURL is {project.site_url}; set yours in pelican.conf.py", err=True)
    click.echo(
        "next:\n"
        f"  cd {folder}\n"
        "  digest sources add URL         (or: digest sources import feeds.opml)\n"
        "  digest collect && digest draft && digest build\n"
        "  digest deploy                  (after setting DIGEST_DEPLOY)"
    )
