"""Confirmation emails, sent from a queue by a thread of their own.

The subscribe page answers at once and the same way for everyone: it must not wait for the
mail server, nor take longer for a new address than for a known one.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from digest.errors import DigestError
from digest.publish import email_send
from digest.publish.email_edition import sender_domain
from digest.publish.email_send import SmtpServer
from digest.publish.pacing import backoff

log = logging.getLogger(__name__)


def confirmation(sitename: str, sender: str, address: str, link: str, date: datetime) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = address
    message["Subject"] = f"Confirm your subscription to {sitename}"
    message["Date"] = format_datetime(date)
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: not a reply to anything
    message.set_content(
        f"Someone, probably you, asked to receive {sitename} at this address.\n\n"
        f"To confirm, open this link (it works for 7 days):\n\n{link}\n\n"
        "If it was not you, ignore this message: nothing will be sent to you.\n"
    )
    return message.as_bytes()


class Mailer:
    """send() returns at once; a thread delivers, one connection per message."""

    def __init__(
        self, server: SmtpServer, sitename: str, sender: str, clock: Callable[[], datetime]
    ) -> None:
        self.server, self.sitename, self.sender, self.clock = server, sitename, sender, clock
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=1000)
        self._thread = threading.Thread(target=self._run, name="confirmations", daemon=True)
        self._thread.start()

    def send(self, address: str, link: str) -> None:
        try:
            self._queue.put_nowait((address, link))
        except queue.Full:
            log.warning("subscriptions: %s: confirmation not sent: the mail queue is full", address)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            address, link = job
            try:
                self._deliver(address, link)
            except Exception:  # one message's trouble must not end the thread
                log.exception("subscriptions: %s: confirmation not sent", address)

    def _deliver(self, address: str, link: str) -> None:
        data = confirmation(self.sitename, self.sender, address, link, self.clock())
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
