"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives and misbehaves
on request, the way Mailman's test server injects errors; and a few raw-socket servers for
faults aiosmtpd will not produce (421 at connect, a server that never speaks)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import ssl
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message_id(self) -> str:
        return message_from_bytes(self.data)["Message-ID"]


@dataclass
class Faults:
    """What the server does wrong. Keys are envelope recipients."""

    rcpt: dict[str, list[str]] = field(default_factory=dict)  # replies given in turn, then 250
    data: dict[str, list[str]] = field(default_factory=dict)  # the same, at the end of DATA
    hang_up_after_data: set[str] = field(default_factory=set)  # keep it, never answer
    data_delay: float = 0.0  # seconds before answering the end of DATA
    kill_after: int = 0  # SIGKILL `kill_pid` when the Nth message has arrived (before 250)
    kill_pid: int = 0


class Sink:
    """The handler: keeps every accepted message, applies the faults."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.faults.rcpt.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.faults.data_delay:
            await asyncio.sleep(self.faults.data_delay)
        for address in envelope.rcpt_tos:
            replies = self.faults.data.get(address)
            if replies:
                return replies.pop(0)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
            count = len(self.received)
        if self.faults.kill_pid > 0 and count == self.faults.kill_after:
            os.kill(self.faults.kill_pid, signal.SIGKILL)
            await asyncio.sleep(0.2)  # the client is gone before it can hear a 250
        if set(envelope.rcpt_tos) & self.faults.hang_up_after_data:
            server.transport.close()
            return "250 OK (never heard)"
        return "250 OK queued"

    def per_recipient(self) -> Counter[str]:
        return Counter(r for message in self.received for r in message.recipients)

    def offer_pipelining(self) -> None:
        """Say PIPELINING (RFC 2920) in the EHLO answer, as Postfix and Exim do."""

        async def handle_EHLO(server, session, envelope, hostname, responses):
            session.host_name = hostname
            return [responses[0], "250-PIPELINING", *responses[1:]]

        self.handle_EHLO = handle_EHLO


@contextlib.contextmanager
def smtp_server(
    tls: ssl.SSLContext | None = None,
    *,
    implicit_tls: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[tuple[Sink, int]]:
    """`tls`: offers STARTTLS; `implicit_tls`: TLS from the first byte (smtps);
    `login`: (user, password) it requires, with AUTH PLAIN/LOGIN."""
    sink = Sink()
    extra = {}
    if login:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; over smtps the link is TLS already.
        extra = {
            "authenticator": _Authenticator(*login),
            "auth_required": True,
            "auth_require_tls": implicit_tls is None,
        }
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="localhost",
        tls_context=tls,
        ssl_context=implicit_tls,
        ready_timeout=10,
        **extra,
    )
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.expected = (user.encode(), password.encode())

    def __call__(self, server, session, envelope, mechanism, auth_data):
        given = (getattr(auth_data, "login", None), getattr(auth_data, "password", None))
        return AuthResult(success=given == self.expected, handled=False)  # False: reply 535


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def raw_server(greeting: bytes | None) -> Iterator[int]:
    """Answers every connection with `greeting` and hangs up (None: says nothing, ever)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if greeting is None:
                held.append(conn)  # silent: keep it open, never write
            else:
                with contextlib.suppress(OSError):
                    conn.sendall(greeting)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
        for conn in held:
            conn.close()


def make_certificates(folder: Path) -> dict[str, Path]:
    """A test CA, a server certificate it signed for 127.0.0.1/localhost, and a
    self-signed one nobody trusts (openssl, as Debian ships it)."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
        "/CN=digest test CA", "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
        "server.key", "-out", "server.csr")  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "3650", "-extfile", "san.ext", "-out", "server.pem")  # fmt: skip
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
        "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", "self.key", "-out", "self.pem")  # fmt: skip
    return {name: folder / name for name in ("ca.pem", "server.pem", "server.key",
                                             "self.pem", "self.key")}  # fmt: skip


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
