"""`digest send`: an issue's email to its subscribers, from the settings and the built site.

The message is rendered from the issue file (the same Edition as the site) and links to
the issue as built and published (`digest build` first: the send checks the page exists).
An issue marked `Status: draft` is a preview, never published: it is never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from digest.config import Settings
from digest.config.send import SmtpServer
from digest.errors import ContentError, DeliveryError, RenderError
from digest.publish.email.edition import audio_link, list_id
from digest.publish.email.message import UNSUBSCRIBE_MARKER, MessageTemplate
from digest.publish.send import run as send_run
from digest.publish.send.pacing import Pacer
from digest.publish.send.roster import Roster, read_subscribers
from digest.publish.send.run import Letter, SendReport
from digest.store import Store

log = logging.getLogger(__name__)

# Dry runs without DIGEST_SECRET_KEY sign their links with this, so the outbox shows real
# messages; a real send refuses to start without the secret.
DRY_RUN_SECRET = b"digest dry run: these links unsubscribe nobody"


@dataclass(frozen=True)
class SendRequest:
    slug: str
    subscribers: Path | None  # a CSV file, or None: everyone subscribed in the store
    send: bool = False  # False: a dry run into the outbox
    test_to: str | None = None
    retry_unknown: bool = False
    secret: bytes | None = None  # DIGEST_SECRET_KEY
    password: str = ""  # DIGEST_SMTP_PASSWORD


def letter_for(settings: Settings, slug: str, now: datetime, secret: bytes) -> Letter:
    from digest.commands.check import refuse_broken
    from digest.commands.pdf import issue_pdf_jobs
    from digest.publish.email.render import render_email
    from digest.render.edition import parse_edition, split_metadata

    source = settings.issues_path / f"{slug}.md"
    # The judge first, as for build: a file too large or not UTF-8 is its one line, and
    # errors are never mailed. Only then is the file read as text.
    refuse_broken(settings, [slug])
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DeliveryError(f"{slug}: no issue file {source}") from None
    except UnicodeDecodeError as exc:  # a file whose Slug names another issue: not judged
        raise DeliveryError(f"{source}: not UTF-8 text at byte {exc.start}") from None
    if split_metadata(text).meta.get("status", "").strip().lower() == "draft":
        raise DeliveryError(
            f"{slug}: not sent: {source.name} is marked 'Status: draft' (a preview, never "
            "published); remove that line and run `digest build` first"
        )
    try:
        edition = parse_edition(
            text, slug=slug, sections=settings.sections, sources=settings.sources
        )
    except ContentError as exc:
        raise DeliveryError(f"{source}: {exc}") from exc
    try:
        (job,) = issue_pdf_jobs(settings, [slug])
    except RenderError as exc:
        raise DeliveryError(f"{slug}: the issue is not built; run `digest build` first") from exc
    path = job.page.relative_to(settings.output_path).as_posix()
    page_url = f"{settings.site_url}/{path.removesuffix('index.html')}"
    email = render_email(
        edition,
        sitename=settings.sitename,
        page_url=page_url,
        pdf_url=f"{page_url}{slug}.pdf",
        language=settings.language,
        period_style=settings.period_style,
        unsubscribe_url=UNSUBSCRIBE_MARKER if settings.send.unsubscribe_url else "",
        **audio_link(settings, page_url, slug),
    )
    template = MessageTemplate(
        email, sender=settings.email_from, date=now, list_id=list_id(settings, edition.series)
    )
    return send_run.make_letter(settings, slug, template, secret)


def read_roster(path: Path) -> Roster:
    roster = read_subscribers(path)
    for problem in roster.problems:
        log.warning("%s", problem)
    return roster


def send_issue(
    settings: Settings,
    request: SendRequest,
    *,
    clock: Callable[[], datetime],
    progress: send_run.Progress | None = None,
) -> SendReport | int:
    """A real send (its report), a dry run or a test copy (the number of messages).
    `clock`: the time (the Date header is the run's start; the journal's times are each
    event's)."""
    now = clock()
    config = settings.send
    real = request.send or request.test_to
    if real:
        if config.server is None:
            raise DeliveryError("DIGEST_SMTP_URL is not set: name the mail server to send through")
        if not request.secret:
            raise DeliveryError(
                "DIGEST_SECRET_KEY is not set in the environment: it signs the unsubscribe links"
            )
        if not config.unsubscribe_url:
            raise DeliveryError(
                "DIGEST_UNSUBSCRIBE_URL is not set: every message needs a one-click "
                "unsubscribe link (RFC 8058)"
            )
    letter = letter_for(settings, request.slug, now, request.secret or DRY_RUN_SECRET)
    if request.test_to:
        from digest.publish.send.roster import check_address

        try:
            address = check_address(request.test_to)
        except ValueError as exc:
            raise DeliveryError(f"--test-to {request.test_to!r}: {exc}") from exc
        server = _with_password(config.server, request.password)
        outcome = send_run.send_test(letter, server, address)
        if outcome.state != "sent":
            raise DeliveryError(f"{address}: not sent ({outcome.state}): {outcome.detail}")
        return 1
    roster = read_roster(request.subscribers) if request.subscribers else None
    people = [(s.address, s.name) for s in roster.subscribers] if roster else None
    if not request.send:
        if people is None:
            with Store(settings.store_path) as store:
                people = [(r.address, r.name) for r in store.subscribers(status="subscribed")]
        folder = config.outbox / request.slug
        return send_run.write_outbox(letter, people, folder)
    server = _with_password(config.server, request.password)
    with (
        send_run.send_lock(settings.store_path, request.slug),
        Store(settings.store_path, durable=True) as store,  # a lost `sent` would send twice
    ):
        send_run.queue_recipients(store, letter, people, now)
        return send_run.run_send(
            store,
            letter,
            server,
            connections=config.connections,
            retries=config.retries,
            max_errors=config.max_errors,
            pacer=Pacer(config.rate),
            now=clock,
            retry_unknown=request.retry_unknown,
            progress=progress,
        )


def _with_password(server: SmtpServer | None, password: str) -> SmtpServer:
    assert server is not None  # checked by send_issue
    return replace(server, password=password)
