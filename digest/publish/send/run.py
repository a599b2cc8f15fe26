"""One issue sent to its subscribers: journaled, resumable, paced, one copy per person.

    journal  store/mailing.py: a row per (issue, subscriber), committed around each SMTP
             transaction, so a run killed at any moment resumes where it stopped; the
             connections' steps are committed in groups, by one writer (journal.Journal)
    lock     an OS lock on a file beside the store: a second send of the same issue exits
             at once, and a killed run never leaves the lock held
    workers  one thread per SMTP connection (DIGEST_SEND_CONNECTIONS), sharing the rate
             limit (pacing.Pacer) and a queue of deliveries; a delivery refused for now
             (4xx, lost connection) goes back to the queue after a growing pause; where
             the server pipelines, a worker takes the next delivery before sending a
             message and its commands go in the same write (smtp.send_content's `then`)
    pause    DIGEST_SEND_MAX_ERRORS failed deliveries in a row stop the run; the same command
             resumes it

A dry run (the default) writes the messages to a Maildir outbox and touches neither the
journal nor a server.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import itertools
import logging
import os
import smtplib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

from digest import files
from digest.config import Settings, over_limit
from digest.config.send import SmtpServer
from digest.errors import DeliveryError, DigestError, RenderError, SendLockedError
from digest.publish.email.edition import message_id, sender_domain
from digest.publish.email.message import MessageTemplate, Recipient
from digest.publish.send import smtp as email_send
from digest.publish.send.dkim import Signer
from digest.publish.send.journal import Journal
from digest.publish.send.pacing import Clock, Pacer, backoff
from digest.publish.send.roster import canonical
from digest.publish.send.smtp import ConnectError, Outcome
from digest.publish.send.tokens import make_token
from digest.store import Store
from digest.store.mailing import Delivery

log = logging.getLogger(__name__)

Progress = Callable[[int], Callable[[str], None]]  # total -> called with each outcome


@dataclass(frozen=True)
class Letter:
    """What one issue's send needs from outside: the message, and how to sign links."""

    slug: str
    template: MessageTemplate
    sender: str  # envelope sender (the From address)
    domain: str  # for Message-IDs
    secret: bytes  # signs the unsubscribe tokens
    unsubscribe_url: str | None
    unsubscribe_mailto: str | None
    signer: Signer | None = None  # DKIM

    def message_id(self, canonical: str, *, test: bool = False) -> str:
        # Stable for (issue, subscriber): a resend after a crash carries the same ID, so a
        # receiving system that already has it can drop the copy.
        return message_id(
            self.slug,
            self.domain,
            self.slug,
            canonical,
            str(test),
            digits=24,
            label="test." if test else "",
        )

    def message(self, address: str, name: str, message_id: str, *, smtp: bool = False) -> bytes:
        """One reader's copy: their address, Message-ID and unsubscribe link, signed;
        `smtp`: as SMTP's DATA carries it (smtp.data_form)."""
        url = mailto = ""
        if self.unsubscribe_url:
            token = make_token(self.secret, "unsubscribe", canonical(address))
            joiner = "&" if "?" in self.unsubscribe_url else "?"
            url = f"{self.unsubscribe_url}{joiner}token={token}"
            if self.unsubscribe_mailto:
                mailto = f"mailto:{self.unsubscribe_mailto}?subject=unsubscribe"
        recipient = Recipient(address, message_id, name, url, mailto)
        if self.signer is None:
            return self.template.render(recipient, smtp=smtp)
        data = self.signer.sign(self.template.render(recipient))
        return email_send.data_form(data) if smtp else data


@dataclass
class SendReport:
    slug: str
    counts: dict[str, int] = field(default_factory=dict)  # journal states after the run
    sent_now: int = 0
    problems: list[str] = field(default_factory=list)  # "address: state: reason"
    paused: str | None = None  # why the run stopped early
    interrupted: int = 0  # deliveries a killed run left in doubt (now "unknown")


@contextlib.contextmanager
def send_lock(store_path: Path, slug: str) -> Iterator[None]:
    """Held while an issue is being sent; released by the OS if the process dies."""
    path = store_path.with_name(f"{store_path.name}-send-{slug}.lock")
    try:
        handle = open(path, "a+")  # noqa: SIM115 (held open for the lock's lifetime)
    except OSError as exc:
        raise DeliveryError(f"{path}: cannot make the send's lock file: {exc}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SendLockedError(
                f"{slug}: already being sent ({holder}); wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


# --------------------------------------------------------------------------- the run


class _Queue:
    """Deliveries to make, each available from a moment on (a retry waits its back-off)."""

    def __init__(self, deliveries: list[Delivery], clock: Clock) -> None:
        self._clock = clock
        self._order = itertools.count()
        self._heap = [(0.0, next(self._order), d) for d in deliveries]
        heapq.heapify(self._heap)
        self._busy = 0
        self._cond = threading.Condition()
        self.stopped = False

    def take(self) -> Delivery | None:
        with self._cond:
            while True:
                if self.stopped or (not self._heap and not self._busy):
                    return None
                if self._heap:
                    ready, _, delivery = self._heap[0]
                    wait = ready - self._clock.now()
                    if wait <= 0:
                        heapq.heappop(self._heap)
                        self._busy += 1
                        return delivery
                else:
                    wait = 0.5  # another worker may put a retry back
                self._cond.wait(min(wait, 0.5))

    def take_now(self) -> Delivery | None:
        """A delivery ready now, or None without waiting."""
        with self._cond:
            if self.stopped or not self._heap or self._heap[0][0] > self._clock.now():
                return None
            self._busy += 1
            return heapq.heappop(self._heap)[2]

    def put_back(self, delivery: Delivery) -> None:
        """A delivery taken but not tried: the next one to take again."""
        with self._cond:
            self._busy -= 1
            heapq.heappush(self._heap, (float("-inf"), next(self._order), delivery))
            self._cond.notify_all()

    def done(self, delivery: Delivery | None = None, *, after: float = 0.0) -> None:
        with self._cond:
            self._busy -= 1
            if delivery is not None:
                ready = self._clock.now() + after
                heapq.heappush(self._heap, (ready, next(self._order), delivery))
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


@dataclass(frozen=True)
class _Chained:
    """A delivery and its message; `sent`: its MAIL, RCPT and DATA went out already, with
    the previous message's content on the same connection."""

    delivery: Delivery
    data: bytes
    sent: bool


@dataclass
class _Run:
    journal: Journal
    letter: Letter
    server: SmtpServer
    retries: int
    max_errors: int
    pacer: Pacer
    now: Callable[[], datetime]
    advance: Callable[[str], None]
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors_in_a_row: int = 0
    streak: list[Delivery] = field(default_factory=list)  # failed since the last success
    sent: int = 0
    paused: str | None = None
    fatal: DigestError | None = None

    def record(self, delivery: Delivery, state: str, detail: str, *, bounced=False) -> None:
        with self.lock:  # queued in the order the counts below see
            self.journal.finish(delivery.subscriber, state, self.now(), detail, bounced=bounced)
            if state == "sent":
                self.sent += 1
                self.errors_in_a_row = 0
                self.streak.clear()
            else:
                self.errors_in_a_row += 1
                if state == "failed" and not bounced:
                    self.streak.append(delivery)
        if state != "queued":  # a delivery put back is not done yet
            self.advance(state)

    def failing(self, reason: str, queue: _Queue, *, now: bool = False) -> None:
        """Pause the run when too many deliveries failed in a row (or `now`). Those that
        failed in that streak were likely refused for the server's reasons, not theirs:
        they go back to the queue for the run that resumes."""
        with self.lock:
            if self.paused is not None:
                return
            if not now and self.errors_in_a_row < self.max_errors:
                return
            self.paused = (
                f"{max(1, self.errors_in_a_row)} deliveries failed in a row (last: {reason}); "
                "run the same command again to resume"
            )
            detail = f"not sent: the run paused ({reason})"
            for delivery in self.streak:
                self.journal.finish(delivery.subscriber, "queued", self.now(), detail)
            self.streak.clear()
            queue.stop()

    def work(self, queue: _Queue) -> None:
        connection: smtplib.SMTP | None = None
        chained: _Chained | None = None  # the next delivery, its commands sent already
        done = False  # every transaction finished: QUIT, not a hang-up
        try:
            while True:
                if chained is None:
                    delivery = queue.take()
                    if delivery is None:
                        done = True
                        break
                    connection, chained = self._one(delivery, connection, queue)
                elif queue.stopped:  # paused: it stays queued, for the run that resumes
                    queue.done()
                    break
                else:
                    chained = self._transaction(chained, connection, queue)
        except DigestError as exc:  # no point going on: login refused, TLS broken, store ...
            self.fatal = self.fatal or exc
        except Exception as exc:  # a bug: stop the run, say where, leave the journal right
            log.exception("%s: the send stopped on an unexpected error", self.letter.slug)
            self.fatal = self.fatal or DeliveryError(f"{self.letter.slug}: stopped: {exc!r}")
        finally:
            queue.stop()  # whatever ended this worker ends the run: no one waits forever
            if done:
                email_send.quit_quietly(connection)
            elif connection is not None:  # a transaction may be open: deliver nothing of it
                email_send.abandon(connection)

    def _one(
        self, delivery: Delivery, connection: smtplib.SMTP | None, queue: _Queue
    ) -> tuple[smtplib.SMTP | None, _Chained | None]:
        connection = connection if email_send.usable(connection) else self._connect(delivery, queue)
        if connection is None:
            return None, None
        data = self._message(delivery, queue)
        if data is None:
            return connection, None
        self.pacer.wait()
        return connection, self._transaction(
            _Chained(delivery, data, sent=False), connection, queue
        )

    def _message(self, delivery: Delivery, queue: _Queue) -> bytes | None:
        """The reader's message; None when it cannot be built (recorded: failed)."""
        try:
            return self.letter.message(
                delivery.address, delivery.name, delivery.message_id, smtp=True
            )
        except RenderError as exc:  # this reader's message only (an address the store holds)
            self.record(delivery, "failed", f"cannot build the message: {exc}")
            self.failing(str(exc), queue)
            queue.done()
            return None

    def _transaction(
        self, this: _Chained, connection: smtplib.SMTP, queue: _Queue
    ) -> _Chained | None:
        """One message on the connection; the next one, when its commands went out with this
        one's content."""
        delivery, sender = this.delivery, self.letter.sender
        outcome = email_send.open_transaction(connection, sender, delivery.address, sent=this.sent)
        if outcome is not None:
            self._settle(delivery, outcome, queue)
            return None
        # "sending" only once the server waits for the content: a run killed before leaves
        # the delivery queued, since nothing can have arrived.
        if self.journal.start(delivery.subscriber, self.now()) is not None:
            email_send.abandon(connection)  # left the list while the send ran
            queue.done()
            self.advance("skipped")
            return None
        following = self._following(connection, queue)
        then = b""
        if following is not None:
            then = email_send.transaction_commands(sender, following.delivery.address)
        outcome = email_send.send_content(connection, this.data, then)
        self._settle(delivery, outcome, queue)
        if following is not None and not email_send.usable(connection):
            queue.put_back(following.delivery)  # nothing of it reached the server
            return None
        return following

    def _following(self, connection: smtplib.SMTP, queue: _Queue) -> _Chained | None:
        """The next delivery, built, when its commands can go out with this message's
        content: the server pipelines, one is ready now, and the pace allows it now."""
        if not connection.has_extn("pipelining"):
            return None
        delivery = queue.take_now()
        if delivery is None:
            return None
        if not self.pacer.take_now():
            queue.put_back(delivery)
            return None
        data = self._message(delivery, queue)
        return None if data is None else _Chained(delivery, data, sent=True)

    def _connect(self, delivery: Delivery, queue: _Queue) -> smtplib.SMTP | None:
        """A new connection, or None with the delivery put back for later."""
        try:
            return email_send.connect(self.server)
        except ConnectError as exc:
            if not exc.temporary:
                queue.done()
                raise
            with self.lock:
                self.errors_in_a_row += 1
                errors = self.errors_in_a_row
            log.warning("%s: %s", self.server.name, exc)
            self.failing(str(exc), queue)
            queue.done(delivery, after=backoff(errors))
            return None

    def _settle(self, delivery: Delivery, outcome: Outcome, queue: _Queue) -> None:
        attempts = delivery.attempts + 1
        if outcome.state == "failed" and outcome.step == "MAIL":  # refuses us, not them
            self.record(delivery, "queued", outcome.detail)
            self.failing(f"the server refuses the sender: {outcome.detail}", queue, now=True)
            queue.done()
            return
        if outcome.state != "retry":
            self.record(delivery, outcome.state, outcome.detail, bounced=outcome.bounced)
            if outcome.state != "sent":
                self.failing(outcome.detail, queue)
            queue.done()
            return
        # Refused for now, or the connection broke before the message went out: it stays
        # queued, tried again in this run after a pause, or by the next run once this one
        # has tried DIGEST_SEND_RETRIES times.
        again = attempts < self.retries
        detail = outcome.detail if again else f"{outcome.detail} (tried {attempts} times)"
        self.record(delivery, "queued", detail)
        if outcome.code == 421:  # the server asks everyone to slow down
            self.pacer.hold(backoff(attempts))
        self.failing(outcome.detail, queue)
        if again:
            queue.done(replace(delivery, attempts=attempts), after=backoff(attempts))
        else:
            self.advance("queued")
            queue.done()


def run_send(
    store: Store,
    letter: Letter,
    server: SmtpServer,
    *,
    connections: int,
    retries: int,
    max_errors: int,
    pacer: Pacer,
    now: Callable[[], datetime],
    retry_unknown: bool = False,
    progress: Progress | None = None,
) -> SendReport:
    """Send every journal row of the issue not yet confirmed (the journal is filled by
    queue_recipients); the caller holds send_lock."""
    slug = letter.slug
    report = SendReport(slug)
    report.interrupted = store.interrupted(slug, now())
    states = ("queued", "unknown") if retry_unknown else ("queued",)
    todo = store.deliveries(slug, states)
    advance = progress(len(todo)) if progress else (lambda state: None)
    queue = _Queue(todo, pacer.clock)
    journal = Journal(store, slug)
    run = _Run(journal, letter, server, retries, max_errors, pacer, now, advance)
    threads = [
        threading.Thread(target=run.work, args=(queue,), name=f"smtp-{n}", daemon=True)
        for n in range(min(connections, max(1, len(todo))))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        journal.close()  # every outcome on disk before the counts are read
    log.info("%s: the journal wrote %d steps in %d commits", slug, journal.steps, journal.commits)
    if run.fatal is not None:
        raise run.fatal
    report.sent_now, report.paused = run.sent, run.paused
    report.counts = store.send_counts(slug)
    report.problems = [
        f"{d.address}: {d.state}: {d.detail or ''}".rstrip(": ")
        for d in store.deliveries(slug, ("failed", "unknown", "skipped", "queued"))
        if d.state != "queued" or d.detail  # queued with a reason: tried, not delivered
    ]
    return report


def queue_recipients(
    store: Store, letter: Letter, subscribers: list[tuple[str, str]] | None, now: datetime
) -> int:
    """Journal rows for the issue: for `subscribers` ((address, name) from a file, added to
    the store as subscribed unless it knows them), or for everyone subscribed."""
    if subscribers is not None:
        store.add_subscribers(
            [(address, canonical(address), name) for address, name in subscribers],
            now,
            origin="import",
        )
        rows = store.subscribers(canonical(address) for address, _ in subscribers)
    else:
        rows = store.subscribers(status="subscribed")
    return store.queue_send(
        letter.slug, [(r.id, r.address, letter.message_id(r.canonical)) for r in rows], now
    )


# --------------------------------------------------------------------------- dry run


def write_outbox(letter: Letter, people: list[tuple[str, str]], folder: Path) -> int:
    """Every message as a file in a Maildir (folder/new/), named in the list's order."""
    try:
        for sub in ("tmp", "new", "cur"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        for old in (folder / "new").glob(f"{letter.slug}.*.eml"):
            old.unlink()
        for number, (address, name) in enumerate(people, start=1):
            data = letter.message(address, name, letter.message_id(canonical(address)))
            name_ = f"{letter.slug}.{number:06d}.eml"
            partial = folder / "tmp" / name_
            partial.write_bytes(data)
            os.replace(partial, folder / "new" / name_)
    except OSError as exc:  # a full disk, a size limit, no permission: one line, what to do
        problem = files.failure(exc, exc.filename or folder, writing=False)
        raise DeliveryError(
            f"{problem} (the outbox, DIGEST_OUTBOX; the next run writes it again whole)"
        ) from exc
    return len(people)


def send_test(letter: Letter, server: SmtpServer, address: str) -> Outcome:
    """One copy to `address`, outside the journal (a proof before the real send)."""
    data = letter.message(address, "", letter.message_id(canonical(address), test=True))
    connection = email_send.connect(server)
    try:
        return email_send.deliver(connection, letter.sender, address, data)
    finally:
        email_send.quit_quietly(connection)


def make_letter(settings: Settings, slug: str, template: MessageTemplate, secret: bytes) -> Letter:
    """The issue's letter, refused (DeliveryError) when its message is larger than
    DIGEST_MAX_EMAIL_BYTES: before a dry run, a test copy or a send writes any of it."""
    sender = parseaddr(settings.email_from)[1]
    dkim = settings.send.dkim
    signer = Signer.from_file(dkim.key, dkim.selector, dkim.domain) if dkim else None
    letter = Letter(
        slug=slug,
        template=template,
        sender=sender,
        domain=sender_domain(sender),
        secret=secret,
        unsubscribe_url=settings.send.unsubscribe_url,
        unsubscribe_mailto=settings.send.unsubscribe_mailto,
        signer=signer,
    )
    size = message_size(letter)
    if size > settings.max_email_bytes:
        over = over_limit(size, "DIGEST_MAX_EMAIL_BYTES", settings.max_email_bytes)
        raise DeliveryError(
            f"{slug}: not sent: the email is {over}; shorten the issue or raise the limit"
        )
    return letter


# A reader's copy differs from another's only in the To and Message-ID headers and the
# unsubscribe link: one made for a long address weighs what any reader's does, to a few bytes.
_PROBE_ADDRESS = "size-check." + "x" * 40 + "@example.invalid"


def message_size(letter: Letter) -> int:
    """Bytes of one reader's message (the first message is also the one checked whole)."""
    message_id = letter.message_id(canonical(_PROBE_ADDRESS), test=True)
    return len(letter.message(_PROBE_ADDRESS, "", message_id))
