"""The sources commands of `digest`: the health table, add, import, export, test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from digest.cli import output
from digest.cli.output import UsageProblem
from digest.errors import DigestError, SettingsNotEditable


@click.group(invoke_without_command=True)
@click.option("--reset", "reset", metavar="NAME", help="Forget a source's failures and back-off.")
@click.pass_context
def sources(ctx: click.Context, reset: str | None) -> None:
    """Each source's health: last fetch, status, failures, next try, items, last error.

    The subcommands manage the sources: add a feed (or a site's page that leads to one),
    import and export OPML, and test a source with one fetch that stores nothing."""
    if ctx.invoked_subcommand is not None:
        if reset is not None:
            raise UsageProblem(f"--reset goes alone: digest sources --reset {reset}")
        return
    from digest.store import Store

    settings = output.settings(ctx)
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
    click.echo(output.table(rows))


@sources.command("add")
@click.argument("url")
@click.option("--name", help="The source's name (default: the feed's title).")
@click.option("--section", metavar="KEY", help="Default section for its items (a section key).")
@click.option("--language", metavar="TAG", help="Language of its items, e.g. en, ar, ckb.")
@click.option(
    "--dry-run", "--print", "dry_run", is_flag=True, help="Print the entry; change no file."
)
@click.pass_context
def sources_add(
    ctx: click.Context,
    url: str,
    name: str | None,
    section: str | None,
    language: str | None,
    dry_run: bool,
) -> None:
    """Add the feed at URL (a feed, or a site's page that advertises one) to DIGEST_SOURCES,
    after one fetch that shows what it holds."""
    from digest.commands.sources import add_source

    if not _http_url(url):
        raise UsageProblem(f"{url!r} is not an http(s) URL; give a feed's or a site's address")
    settings = output.settings(ctx, compile_selectors=False)
    if section is not None and settings.section(section) is None:
        keys = ", ".join(s.key for s in settings.sections)
        raise UsageProblem(f"--section {section!r}: not a key of DIGEST_SECTIONS ({keys})")
    if language is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", language):
        raise UsageProblem(f"--language {language!r}: not a language tag such as en, ar or ckb")
    if name is not None and (not name.strip() or any(c in name for c in "\r\n\x00")):
        raise UsageProblem("--name: a source's name is one line of text")
    added = add_source(
        settings, url, now=output.now(), name=name, section=section, language=language
    )
    _show_discovery(url, added.discovery, ctx.obj["verbose"])
    probe = added.discovery.probe
    click.echo(
        output.table(
            [
                ("feed:", probe.url),
                ("title:", probe.title or "(none)"),
                ("format:", probe.format),
                ("items:", str(len(probe.items))),
            ]
        )
    )
    latest = sorted(probe.items, key=lambda item: item.published, reverse=True)[:5]
    if latest:
        click.echo("latest:")
        rows = [("", _when(item), output.clip(item.title, 70)) for item in latest]
        click.echo(output.table(rows))
    for warning in probe.warnings:
        click.echo(f"warning: {probe.url}: {warning}", err=True)
    for note in added.notes:
        click.echo(f"note: {note}", err=True)
    counted = f"{probe.format}, {len(probe.items)} item{'s' if len(probe.items) != 1 else ''}"
    name = added.entry["name"]
    if dry_run:
        click.echo(f"the entry to add to DIGEST_SOURCES:\n{added.block}", nl=False)
        shown = output.rel(settings.config_path)
        click.echo(f"{shown}: not changed (--dry-run); source {name!r} ({counted})")
        return
    written = _write(settings, [added.entry], "the entry")
    click.echo(f"{output.rel(written)}: added source {name!r} ({counted}); run `digest collect`")


def _write(settings: Any, entries: list[dict[str, object]], what: str) -> Path:
    """Write the entries into the settings file; when it refuses, the block to paste goes
    to standard output first, and the error (with the reason) to the group."""
    from digest.commands.sources import write_sources

    try:
        return write_sources(settings, entries)
    except SettingsNotEditable as refused:
        click.echo(f"{what} to add to DIGEST_SOURCES:\n{refused.block}", nl=False)
        raise


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be added; change no file.")
@click.pass_context
def sources_import(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML FILE (a feed reader's export) that are not sources yet, in one
    edit of the settings; nothing is fetched."""
    from digest.commands.sources import import_opml
    from digest.config.edit import paste_block

    settings = output.settings(ctx, compile_selectors=False)
    result = import_opml(settings, file)
    if result.entries:
        rows = [("name", "section", "url")]
        rows += [(str(e["name"]), str(e.get("section", "")), str(e["url"])) for e in result.entries]
        click.echo(output.table(rows))
    for line in [*result.skipped, *result.renamed, *result.notes]:
        click.echo(f"note: {line}", err=True)
    if result.unmatched:
        shown = ", ".join(f"{name!r} ({n})" for name, n in sorted(result.unmatched.items()))
        click.echo(
            f"note: categories that name no section: {shown}; their sources have no default "
            "section (add one to DIGEST_SECTIONS, or set each source's section)",
            err=True,
        )
    added = len(result.entries)
    summary = f"{added} source{'s' if added != 1 else ''}"
    if result.sections:
        summary += " (sections from categories: " + ", ".join(
            f"{key} {n}" for key, n in result.sections.most_common()
        )
        summary += ")"
    skipped = f", skipped {len(result.skipped)}" if result.skipped else ""
    where = output.rel(settings.config_path)
    if not added:
        click.echo(f"{where}: nothing to add: {file} has {result.feeds} feeds{skipped}")
    elif dry_run:
        click.echo(
            f"the entries to add to DIGEST_SOURCES:\n{paste_block(result.entries)}", nl=False
        )
        click.echo(f"{where}: not changed (--dry-run); would add {summary}{skipped}")
    else:
        _write(settings, result.entries, "the entries")
        click.echo(
            f"{where}: added {summary}{skipped}; run `digest sources test NAME` to try one, "
            "or `digest collect`"
        )


@sources.command("export")
@click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output.",
)
@click.pass_context
def sources_export(ctx: click.Context, target: Path | None) -> None:
    """The feed sources as OPML 2.0, for a feed reader: a folder per section."""
    from digest import files
    from digest.commands.sources import export_opml

    settings = output.settings(ctx, compile_selectors=False)
    exported = export_opml(settings, output.now())
    for line in exported.left_out:
        click.echo(f"note: left out {line}: a feed reader reads feeds only", err=True)
    if target is None:
        click.echo(exported.data, nl=False)
    else:
        files.write_bytes(target, exported.data)
    where = "" if target is None else f"{output.rel(target.resolve())}: "
    noun = "feed" if exported.count == 1 else "feeds"
    click.echo(f"{where}{exported.count} {noun} in OPML 2.0", err=True)


@sources.command("test")
@click.argument("what", metavar="NAME|URL")
@click.pass_context
def sources_test(ctx: click.Context, what: str) -> None:
    """Fetch a source (or any feed URL) once and show what collect would store; the store
    is not touched."""
    from digest.commands.sources import try_source

    settings = output.settings(ctx)
    trial = try_source(settings, what, output.now())
    probe, source = trial.probe, trial.source
    title = f" {probe.title!r}" if probe.title else ""
    count = len(probe.items)
    click.echo(
        f"{source.name}: {probe.format}{title}, {count} item{'s' if count != 1 else ''} "
        f"from {_shown_url(probe, settings)}"
    )
    if probe.items:
        rows = [("date (UTC)", "title", "link")]
        rows += [(_when(item), output.clip(item.title, 70), item.url or "") for item in probe.items]
        click.echo(output.table(rows))
    for warning in probe.warnings:
        click.echo(f"warning: {source.name}: {warning}", err=True)
    if trial.configured and not source.enabled:
        click.echo(f"note: {source.name} is off in the settings (enabled: False)", err=True)
    if not trial.configured:
        click.echo(f"note: not a source yet; `digest sources add {what}` adds it", err=True)
    click.echo("nothing was stored: a test never writes to the store (`digest collect` does)")


def _show_discovery(url: str, discovery: Any, verbose: bool) -> None:
    """How the feed was found, when `url` was a page rather than the feed."""
    if discovery.page_url is None:
        return
    chosen = discovery.probe.url
    links = discovery.advertised
    if links:
        noun = "feed" if len(links) == 1 else "feeds"
        click.echo(f"{url}: a page; it advertises {len(links)} {noun}:")
        for link in links:
            title = f", {link.title!r}" if link.title else ""
            mark = "  <- chosen" if link.url == chosen else ""
            click.echo(f"  {link.url} ({link.format}{title}){mark}")
        if chosen not in (link.url for link in links):
            click.echo(f"none of them could be read; found {chosen} at a usual path")
    else:
        click.echo(f"{url}: a page that advertises no feed; found one at {chosen}")
    if verbose:
        for tried, why in discovery.tried:
            click.echo(f"  tried {tried}: {why}", err=True)


def _shown_url(probe: Any, settings: Any) -> str:
    if probe.url.startswith(("http://", "https://")):
        moved = f" (redirected to {probe.final_url})" if probe.final_url != probe.url else ""
        return probe.url + moved
    return output.rel(Path(probe.url))


def _when(item: Any) -> str:
    flags = {"missing": "no date", "invalid": "bad date", "future": "future date"}
    shown = f"{item.published:%Y-%m-%d %H:%M}"
    return f"{shown} ({flags[item.date_flag]})" if item.date_flag in flags else shown


def _http_url(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


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
    if state.retry_at and state.retry_at > output.now():
        status += f"; next try {state.retry_at:%Y-%m-%d %H:%M} UTC"
    return status
