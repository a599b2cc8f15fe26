"""The mail commands of `digest`: send, serve-subscriptions, subscribers, bounces.

Each takes its times from the one clock (output.now): with SOURCE_DATE_EPOCH set, every
time they record (the send journal, a subscriber's last change, pending requests'
expiry, bounces) is that moment, as the build's are.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from digest import clock
from digest.cli import output


@click.command()
@click.argument("slug")
@click.option(
    "--subscribers",
    "subscribers",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of subscribers (email, name); without it, everyone subscribed in the store.",
)
@click.option("--send", "really", is_flag=True, help="Send for real (default: a dry run).")
@click.option("--test-to", metavar="ADDRESS", help="Send one copy to ADDRESS, and nothing else.")
@click.option(
    "--retry-unknown",
    is_flag=True,
    help="Send again the deliveries whose outcome is unknown (the server may have them).",
)
@click.pass_context
def send(
    ctx: click.Context,
    slug: str,
    subscribers: Path | None,
    really: bool,
    test_to: str | None,
    retry_unknown: bool,
) -> None:
    """Send issue SLUG by email; a dry run (messages to the outbox) unless --send."""
    from digest.commands.send import SendRequest, send_issue

    settings = output.settings(ctx, compile_selectors=False)
    secret = os.environ.get("DIGEST_SECRET_KEY", "").encode()
    request = SendRequest(
        slug,
        subscribers,
        send=really,
        test_to=test_to,
        retry_unknown=retry_unknown,
        secret=secret or None,
        password=os.environ.get("DIGEST_SMTP_PASSWORD", ""),
    )
    if not really and not test_to and not secret:
        output.log.warning(
            "DIGEST_SECRET_KEY is not set: the outbox's unsubscribe links are samples"
        )
    # The Date header and every event of the journal: the clock's time (each its own moment,
    # or, with SOURCE_DATE_EPOCH set, all that one).
    with contextlib.ExitStack() as bars:
        result = send_issue(
            settings, request, clock=output.now, progress=output.progress(bars, "sending")
        )
    if test_to:
        click.echo(f"{slug}: one copy sent to {test_to}")
        return
    if isinstance(result, int):
        folder = output.rel(settings.send.outbox / slug)
        click.echo(f"{slug}: dry run: {result} messages written to {folder}/new/ (--send sends)")
        return
    for problem in result.problems:
        click.echo(f"  {problem}")
    counts = result.counts
    click.echo(
        f"{slug}: {result.sent_now} sent now; in all {counts['sent']} sent, "
        f"{counts['failed']} failed, {counts['unknown']} unknown, {counts['skipped']} skipped, "
        f"{counts['queued']} still queued"
    )
    if result.interrupted:
        click.echo(
            f"{slug}: {result.interrupted} deliveries were in progress when an earlier run "
            "stopped: recorded as unknown (--retry-unknown sends them again)"
        )
    if result.paused:
        click.echo(f"error: {slug}: paused: {result.paused}", err=True)
        ctx.exit(1)
    if counts["queued"]:
        click.echo(f"{slug}: {counts['queued']} not delivered yet: run the same command again")
    if counts["failed"] or counts["unknown"] or counts["queued"]:
        ctx.exit(1)


@click.command("serve-subscriptions")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8081, show_default=True, type=int, help="Port to listen on.")
@click.pass_context
def serve_subscriptions(ctx: click.Context, host: str, port: int) -> None:
    """Run the subscription service (subscribe, confirm, unsubscribe) with waitress."""
    from digest.subscriptions.serve import make_app, serve

    settings = output.settings(ctx, compile_selectors=False)
    # Under SOURCE_DATE_EPOCH (a test, a demo) the service lives in that one moment: its
    # links never expire and a client's rate limit never refills.
    if clock.frozen():
        output.log.warning(
            "serve-subscriptions: SOURCE_DATE_EPOCH is set, so the service's clock stands still: "
            "links never expire and rate limits never refill; unset it for a real service"
        )
    app = make_app(
        settings,
        os.environ.get("DIGEST_SECRET_KEY", "").encode(),
        os.environ.get("DIGEST_SMTP_PASSWORD", ""),
        clock=output.now,
    )
    click.echo(f"subscriptions: serving {settings.send.subscriptions_url} on http://{host}:{port}/")
    serve(app, host, port)


@click.group()
def subscribers() -> None:
    """The subscriber list: import, export, list, remove."""


@subscribers.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def subscribers_import(ctx: click.Context, file: Path) -> None:
    """Add the readers of a CSV (email, name) as subscribed; known addresses keep their status."""
    from digest.publish.send.roster import read_subscribers
    from digest.store import Store

    settings = output.settings(ctx, compile_selectors=False)
    roster = read_subscribers(file)
    for problem in roster.problems:
        click.echo(f"warning: {problem}", err=True)
    rows = [(s.address, s.canonical, s.name) for s in roster.subscribers]
    with Store(settings.store_path) as store:
        added, known = store.add_subscribers(rows, output.now(), origin="import")
        counts = store.subscriber_counts()
    click.echo(
        f"{output.rel(file)}: {added} added, {known} already known, "
        f"{roster.duplicates} duplicates, {len(roster.problems)} rejected; " + _counts(counts)
    )
    if roster.problems:
        ctx.exit(1)


@subscribers.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--status", type=click.Choice(["subscribed", "unsubscribed", "bounced", "pending"]))
@click.pass_context
def subscribers_export(ctx: click.Context, file: Path | None, status: str | None) -> None:
    """Write the list as CSV (email, name, status, updated) to FILE or standard output."""
    import csv
    import io

    from digest.publish.send.roster import spreadsheet_cell
    from digest.store import Store

    settings = output.settings(ctx, compile_selectors=False)
    with Store(settings.store_path) as store:
        store.expire_pending(output.now(), settings.send.pending_days)
        rows = store.subscribers(status=status)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "name", "status", "updated"])
    # A name (or an address) starting with = + - @ would run as a formula in a spreadsheet.
    writer.writerows(
        [spreadsheet_cell(cell) for cell in (r.address, r.name, r.status, r.updated)] for r in rows
    )
    if file is None:
        click.echo(out.getvalue(), nl=False)
    else:
        file.write_text(out.getvalue(), encoding="utf-8")
        click.echo(f"{output.rel(file)}: {len(rows)} subscribers written", err=True)


@subscribers.command("list")
@click.option("--status", type=click.Choice(["subscribed", "unsubscribed", "bounced", "pending"]))
@click.pass_context
def subscribers_list(ctx: click.Context, status: str | None) -> None:
    """Each subscriber with status and last change, then the counts by status."""
    from digest.store import Store

    settings = output.settings(ctx, compile_selectors=False)
    with Store(settings.store_path) as store:
        store.expire_pending(output.now(), settings.send.pending_days)
        rows = store.subscribers(status=status)
        counts = store.subscriber_counts()
    if rows:
        table = [("address", "status", "since", "why")]
        table += [(r.address, r.status, r.updated, r.detail or "") for r in rows]
        click.echo(output.table(table))
    click.echo(_counts(counts))


@subscribers.command("remove")
@click.argument("addresses", nargs=-1, required=True)
@click.pass_context
def subscribers_remove(ctx: click.Context, addresses: tuple[str, ...]) -> None:
    """Forget ADDRESSES entirely (their delivery records too), e.g. on a request to erase."""
    from digest.publish.send.roster import canonical
    from digest.store import Store

    settings = output.settings(ctx, compile_selectors=False)
    missing = []
    with Store(settings.store_path) as store:
        for address in addresses:
            if not store.remove_subscriber(canonical(address.strip())):
                missing.append(address)
        counts = store.subscriber_counts()
    for address in missing:
        click.echo(f"error: {address}: no such subscriber", err=True)
    click.echo(f"{len(addresses) - len(missing)} removed; " + _counts(counts))
    if missing:
        ctx.exit(1)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in counts.items())


@click.command()
@click.option(
    "--maildir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The Maildir that receives the bounces (the envelope sender's mailbox).",
)
@click.pass_context
def bounces(ctx: click.Context, maildir: Path) -> None:
    """Read bounces from a Maildir; stop mailing addresses that bounce too often."""
    from digest.store import Store
    from digest.subscriptions.bounces import process_maildir

    settings = output.settings(ctx, compile_selectors=False)
    with Store(settings.store_path) as store:
        report = process_maildir(maildir, store, settings.send.bounce_threshold, output.now)
    for line in report.set_aside:
        click.echo(f"  set aside: {line}")
    click.echo(
        f"{output.rel(maildir)}: {report.read} messages read, {report.counted} bounces counted, "
        f"{len(report.disabled)} addresses stopped, {len(report.set_aside)} set aside "
        "(in .unrecognized)"
    )
