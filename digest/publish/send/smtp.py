"""SMTP: the only module that talks to a mail server.

The server is a config.send.SmtpServer (what DIGEST_SMTP_URL names). The password comes
from the environment (DIGEST_SMTP_PASSWORD), never from a file. TLS always verifies the
server's certificate and name (ssl.create_default_context(); smtplib's own starttls() does
not).

A transaction is classified by where it failed: before the content was sent nothing can
have been delivered (retry or fail), after it the server may have accepted it (unknown).
open_transaction() sends MAIL, RCPT and DATA and reads their answers; the caller's ready()
comes once the server waits for the content; send_content() sends it and reads the answer.
Where the server offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go out in one write, and
the next message's three go out in the same write as this message's content (a content may
open a pipelined group): one round trip a message instead of four.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace

from digest.config.send import SmtpServer
from digest.errors import DeliveryError


@dataclass(frozen=True)
class Outcome:
    state: str  # "sent", "retry" (4xx, connection trouble before the content), "failed",
    # "unknown" (the content went out, the answer did not come back), "skipped" (ready()
    # said no)
    detail: str = ""
    bounced: bool = False  # the server refused the address itself, for good (5xx on RCPT)
    code: int = 0  # the server's reply code, when it gave one
    step: str = ""  # MAIL, RCPT or DATA: where the server answered


def _tls_context(server: SmtpServer) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if server.ca_file:
        context.load_verify_locations(cafile=server.ca_file)
    return context


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"[:300]


class ConnectError(DeliveryError):
    """No connection now; `temporary`: worth trying again later."""

    temporary = False


def connect(server: SmtpServer, local_hostname: str | None = None) -> smtplib.SMTP:
    """A logged-in connection; DeliveryError (with `temporary`) if there is none."""
    try:
        if server.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host,
                server.port,
                local_hostname=local_hostname,
                timeout=server.timeout,
                context=_tls_context(server),
            )
        else:
            connection = smtplib.SMTP(
                server.host, server.port, local_hostname=local_hostname, timeout=server.timeout
            )
        try:
            connection.ehlo()
            if server.scheme == "smtp":
                if not connection.has_extn("starttls"):
                    raise DeliveryError(
                        f"{server.name}: the server does not offer STARTTLS; use smtps:// or, "
                        "for a relay on this machine, smtp+plain://"
                    )
                connection.starttls(context=_tls_context(server))
                connection.ehlo()
            if server.username:
                connection.login(server.username, server.password)
        except BaseException:
            connection.close()
            raise
    except smtplib.SMTPAuthenticationError as exc:
        if 400 <= exc.smtp_code < 500:  # 454: the server cannot check now
            error = ConnectError(
                f"{server.name}: login failed for now: {_reply(exc.smtp_code, exc.smtp_error)}"
            )
            error.temporary = True
            raise error from exc
        raise DeliveryError(
            f"{server.name}: login refused ({_reply(exc.smtp_code, exc.smtp_error)}); check "
            "the user in DIGEST_SMTP_URL and DIGEST_SMTP_PASSWORD"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ConnectError(
            f"{server.name}: the server does not offer login (AUTH) here: {exc}; check the "
            "user in DIGEST_SMTP_URL and that the connection is encrypted (smtp:// or smtps://)"
        ) from exc
    except ssl.SSLError as exc:
        raise DeliveryError(f"{server.name}: TLS failed: {exc.reason or exc}") from exc
    except smtplib.SMTPResponseException as exc:
        error = ConnectError(f"{server.name}: {_reply(exc.smtp_code, exc.smtp_error)}")
        error.temporary = 400 <= exc.smtp_code < 500
        raise error from exc
    except (OSError, smtplib.SMTPException) as exc:
        error = ConnectError(f"{server.name}: cannot connect: {_explain(exc)}")
        error.temporary = True
        raise error from exc
    return connection


def _explain(exc: BaseException) -> str:
    # smtplib turns a read timeout into SMTPServerDisconnected("... timed out").
    if isinstance(exc, TimeoutError) or str(exc).endswith("timed out"):
        return "no answer (timed out)"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    return str(exc) or type(exc).__name__


# A dot-atom at an ASCII domain: every address roster.check_address lets through. smtplib's
# quoteaddr() runs email.utils.parseaddr on each address (a quarter of a message's own
# cost) only to write this one as `<address>`; tests/test_send_smtp.py checks the two agree.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def envelope_address(address: str) -> str:
    """The address as MAIL FROM and RCPT TO carry it: what smtplib.quoteaddr() writes."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    quoted = smtplib.quoteaddr(address)
    if "\r" in quoted or "\n" in quoted:  # as smtplib's putcmd() refuses it
        raise ValueError(f"an envelope address spans lines: {address!r}")
    return quoted


Reply = tuple[int, bytes]


def transaction_commands(sender: str, recipient: str) -> bytes:
    """MAIL, RCPT and DATA as one pipelined group (RFC 2920: DATA may end a group); the
    bytes smtplib's mail(), rcpt() and docmd("DATA") send."""
    return (
        f"mail FROM:{envelope_address(sender)}\r\nrcpt TO:{envelope_address(recipient)}\r\nDATA\r\n"
    ).encode("ascii")


_WANTED = (("MAIL", (250,)), ("RCPT", (250, 251)), ("DATA", (354,)))


def _closing(reply: Reply) -> bool:
    return reply[0] == 421 or reply[0] < 0  # no answer to what follows will come


def _replies(connection: smtplib.SMTP, count: int) -> list[Reply]:
    """Up to `count` answers to a pipelined group, fewer when the server says it is closing."""
    replies: list[Reply] = []
    while len(replies) < count and not (replies and _closing(replies[-1])):
        replies.append(connection.getreply())
    return replies


def open_transaction(
    connection: smtplib.SMTP, sender: str, recipient: str, *, sent: bool = False
) -> Outcome | None:
    """MAIL, RCPT and DATA: None once the server has accepted the recipient and waits for
    the content (354); otherwise the outcome, the connection reset for the next transaction
    or closed. Where the server offers PIPELINING the three go out in one write, and `sent`
    says they went out already, after the previous message's content (send_content's
    `then`)."""
    try:
        if connection.has_extn("pipelining"):
            if not sent:
                connection.send(transaction_commands(sender, recipient))
            replies = _replies(connection, 3)
        else:
            replies = []
            commands = (
                f"mail FROM:{envelope_address(sender)}",
                f"rcpt TO:{envelope_address(recipient)}",
                "DATA",
            )
            for command, (_, wanted) in zip(commands, _WANTED, strict=True):
                connection.putcmd(command)
                replies.append(connection.getreply())
                if replies[-1][0] not in wanted:
                    break
    except (OSError, smtplib.SMTPException) as exc:
        _close(connection)
        return Outcome("retry", f"connection lost before the message was sent: {_explain(exc)}")
    return _accepted(connection, replies)


def _accepted(connection: smtplib.SMTP, replies: list[Reply]) -> Outcome | None:
    """What the answers to MAIL, RCPT and DATA mean; the connection left ready for the next
    transaction, or closed."""
    refusals = [
        (step, code, message)
        for (step, wanted), (code, message) in zip(_WANTED, replies, strict=False)
        if code not in wanted
    ]
    if not refusals:
        return None
    if replies[-1][0] == 354 or _closing(replies[-1]):
        # The server closing, or waiting for content after a refused MAIL or RCPT (a broken
        # server): hanging up before the final dot is the one way to deliver nothing.
        _close(connection)
    # The first refusal is the outcome: a pipelined server answers what follows it 503.
    step, code, message = refusals[0]
    outcome = _refused(connection, step, code, message)
    if step != "RCPT":
        return outcome
    # Only "no such mailbox" (5.1.x) is about the address; a relay refusing us (5.7.1) is
    # not, and 552 on RCPT is "try later" (RFC 5321 4.5.3.1.10).
    if code == 552:
        return replace(outcome, state="retry")
    return replace(outcome, bounced=outcome.state == "failed" and _mailbox_gone(message))


def send_content(connection: smtplib.SMTP, content: bytes, then: bytes = b"") -> Outcome:
    """The message once the server waits for it (open_transaction returned None), and the
    server's answer. `content`: the message as DATA carries it (data_form). `then`: the
    next transaction's commands, in the same write (RFC 2920: a message's content may open
    a pipelined group), read by open_transaction(sent=True). On outcomes caused by the
    connection, the connection is closed here."""
    try:
        connection.send(content + then)
    except (OSError, smtplib.SMTPException) as exc:  # no final dot: nothing was accepted
        _close(connection)
        return Outcome("retry", f"connection lost while sending the message: {_explain(exc)}")
    try:
        code, message = connection.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        _close(connection)
        return Outcome("unknown", f"no answer after the message was sent: {_explain(exc)}")
    if code == 250:
        return Outcome("sent", _reply(code, message), code=code, step="DATA")
    if code == 421:
        _close(connection)
    state = "retry" if 400 <= code < 500 else "failed"
    return Outcome(state, f"DATA: {_reply(code, message)}", code=code, step="DATA")


def deliver(
    connection: smtplib.SMTP,
    sender: str,
    recipient: str,
    data: bytes,
    ready: Callable[[], bool] = lambda: True,
) -> Outcome:
    """One message to one envelope recipient over an open connection.

    `ready()` is called once the server has accepted the recipient and waits for the
    content: the caller records that the message is going out (False: it must not, and
    the connection is closed, the content never sent). On outcomes caused by the
    connection, the connection is closed here."""
    outcome = open_transaction(connection, sender, recipient)
    if outcome is not None:
        return outcome
    if not ready():
        abandon(connection)
        return Outcome("skipped", step="RCPT")
    return send_content(connection, data_form(data))


def abandon(connection: smtplib.SMTP) -> None:
    """Leave a transaction whose content was not sent: in DATA mode only hanging up before
    the final dot is sure to deliver nothing."""
    _close(connection)


def _mailbox_gone(message: bytes | str) -> bool:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return text.lstrip().startswith("5.1.")


def data_form(data: bytes) -> bytes:
    """The message as DATA carries it: lines starting with a dot doubled, then <CRLF>.<CRLF>
    (what smtplib's data() sends; MessageTemplate.render(smtp=True) makes the same)."""
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _refused(connection: smtplib.SMTP, step: str, code: int, message: bytes) -> Outcome:
    if code == 421 or code < 0:  # the server is closing the connection
        _close(connection)
        return Outcome("retry", f"{step}: {_reply(code, message)}", code=code, step=step)
    _reset(connection)
    state = "retry" if 400 <= code < 500 else "failed"
    return Outcome(state, f"{step}: {_reply(code, message)}", code=code, step=step)


def _reset(connection: smtplib.SMTP) -> None:
    if connection.sock is None:  # closed already
        return
    try:
        connection.rset()
    except (OSError, smtplib.SMTPException):
        _close(connection)


def _close(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        connection.close()


def usable(connection: smtplib.SMTP | None) -> bool:
    return connection is not None and connection.sock is not None


def quit_quietly(connection: smtplib.SMTP | None) -> None:
    if connection is None or connection.sock is None:
        return
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        _close(connection)
