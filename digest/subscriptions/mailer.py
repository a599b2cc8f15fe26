"""Confirmation emails, sent from a queue by a thread of their own.

The subscribe page answers at once and the same way for everyone: it must not wait for the
mail server, nor take longer for a new address than for a known one. So every subscribe
request queues one job, and the thread builds the message of every job; only then does
`deliver` decide whether it goes to the mail server (False: the address is subscribed
already, or its inbox got a confirmation a moment ago). What a request costs, in its own
thread and in this one, is the same for an address we know and one we do not; only the
SMTP conversation differs. And this thread waits a random moment (DELAY) before each job,
so its work, which holds the interpreter's lock, never lands inside the answer of the
request that queued it: a thread woken at once would delay that answer by up to a
switch interval (5 ms), and by more when it then talked SMTP.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from digest.config.send import SmtpServer
from digest.errors import DigestError
from digest.publish.email.edition import sender_domain
from digest.publish.send import smtp as email_send
from digest.publish.send.pacing import backoff

log = logging.getLogger(__name__)

DELAY = (0.05, 0.5)  # seconds a job waits before it is built: after its request's answer
_jitter = random.SystemRandom()  # not guessable: the wait must not be timed around


@dataclass(frozen=True)
class Job:
    """One subscribe request's confirmation email."""

    address: str
    link: str
    deliver: bool  # False: built like the others, then dropped


def confirmation(
    sitename: str, sender: str, address: str, link: str, date: datetime, days: int = 7
) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = address
    message["Subject"] = f"Confirm your subscription to {sitename}"
    message["Date"] = format_datetime(date)
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: not a reply to anything
    message.set_content(
        f"Someone, probably you, asked to receive {sitename} at this address.\n\n"
        f"To confirm, open this link (it works for {days} days):\n\n{link}\n\n"
        "If it was not you, ignore this message: nothing will be sent to you.\n"
    )
    return message.as_bytes()


class Mailer:
    """send() returns at once; a thread builds every job's message and delivers those
    meant to go, one connection per message."""

    def __init__(
        self,
        server: SmtpServer,
        sitename: str,
        sender: str,
        clock: Callable[[], datetime],
        *,
        days: int = 7,
        delay: tuple[float, float] = DELAY,
    ) -> None:
        self.server, self.sitename, self.sender, self.clock = server, sitename, sender, clock
        self.days, self.delay = days, delay
        self.built = 0  # messages built: one per job, delivered or not
        self._queue: queue.Queue[tuple[Job, float] | None] = queue.Queue(maxsize=1000)
        self._thread = threading.Thread(target=self._run, name="confirmations", daemon=True)
        self._thread.start()

    def send(self, job: Job) -> None:
        try:
            due = time.monotonic() + _jitter.uniform(*self.delay)
            self._queue.put_nowait((job, due))
        except queue.Full:  # a flood: said once a job, for every job alike
            log.warning("subscriptions: %s: confirmation dropped: the mail queue is full",
                        job.address)  # fmt: skip

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while (queued := self._queue.get()) is not None:
            job, due = queued
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                data = confirmation(
                    self.sitename, self.sender, job.address, job.link, self.clock(), self.days
                )
                self.built += 1
                if job.deliver:
                    self._deliver(job.address, data)
            except Exception:  # one message's trouble must not end the thread
                log.exception("subscriptions: %s: confirmation not sent", job.address)

    def _deliver(self, address: str, data: bytes) -> None:
        for attempt in range(1, 4):
            try:
                connection = email_send.connect(self.server)
            except DigestError as exc:
                log.warning("subscriptions: %s: confirmation not sent: %s", address, exc)
                return
            try:
                outcome = email_send.deliver(connection, parseaddr(self.sender)[1], address, data)
            finally:
                email_send.quit_quietly(connection)
            if outcome.state != "retry" or attempt == 3:
                break
            time.sleep(backoff(attempt))  # greylisting answers 4xx to a first message
        if outcome.state != "sent":
            log.warning("subscriptions: %s: confirmation not sent: %s", address, outcome.detail)
