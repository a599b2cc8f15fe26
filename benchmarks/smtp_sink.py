"""An SMTP sink on 127.0.0.1 for benchmarks/send.py and subscribe_timing.py: aiosmtpd,
accepts and counts every message, keeps none. Runs in its own process (its own interpreter
and GIL, as a real server would), prints its port, and stops when its stdin closes; then
prints the count, the bytes and the number of distinct envelope recipients.

Two shapes:

- shared (the default): one process, one event loop, for every connection;
- per connection (`--per-connection`): the way Postfix's smtpd and Exim serve mail, a
  process for each connection, forked when it is accepted, and PIPELINING offered (RFC
  2920, as both do). aiosmtpd reads a message line by line in Python (about 2 ms of CPU
  for 66 KB), so a shared sink serves four connections no faster than one: it measures
  aiosmtpd, not the client. One connection gets the same process and the same code
  either way.

    .venv/bin/python -m benchmarks.smtp_sink [--per-connection]   # from the project root
"""

from __future__ import annotations

import argparse
import asyncio
import os
import select
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ROOT = Path(__file__).resolve().parents[1]  # the project: where `benchmarks` is found


class Sink:
    """This sink in its own process, for the benchmarks: `port`, then `stop()` -> count;
    `recipients`: distinct envelope recipients, known after stop()."""

    def __init__(self, *, per_connection: bool = False) -> None:
        command = [sys.executable, "-m", "benchmarks.smtp_sink"]
        self.process = subprocess.Popen(
            command + (["--per-connection"] if per_connection else []),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.recipients = 0

    def stop(self) -> int:
        out, _ = self.process.communicate(timeout=120)
        messages, _, recipients = out.split()
        self.recipients = int(recipients)
        return int(messages)


class Counter:
    def __init__(self, *, pipelining: bool = False) -> None:
        self.pipelining = pipelining
        self.messages = 0
        self.bytes = 0
        self.recipients: set[str] = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.original_content or b"")
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"

    def report(self) -> str:
        return f"{self.messages} {self.bytes} {' '.join(sorted(self.recipients))}\n"


def shared() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port, server_hostname="sink")
    controller.start()
    print(port, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    controller.stop()
    print(counter.messages, counter.bytes, len(counter.recipients), flush=True)


class _OneConnection(SMTP):
    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        if not self.closed.done():
            self.closed.set_result(None)


async def _serve(connection: socket.socket, counter: Counter) -> None:
    loop = asyncio.get_running_loop()
    closed = loop.create_future()

    def protocol() -> SMTP:
        server = _OneConnection(counter, hostname="sink", loop=loop)
        server.closed = closed
        return server

    await loop.connect_accepted_socket(protocol, sock=connection)
    await closed


def per_connection() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    children = []
    with tempfile.TemporaryDirectory(prefix="smtp-sink-") as reports:
        while True:
            ready, _, _ = select.select([listener, sys.stdin], [], [])
            if sys.stdin in ready:
                sys.stdin.read()  # closed: the benchmark is done
                break
            connection, _ = listener.accept()
            # asyncio sets TCP_NODELAY only on sockets it makes itself: without it a
            # server's second answer to a pipelined group waits for the client's delayed
            # ACK (40 ms).
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pid = os.fork()
            if pid == 0:  # the child: this connection only, then its counts in a file
                listener.close()
                counter = Counter(pipelining=True)
                asyncio.run(_serve(connection, counter))
                Path(reports, str(os.getpid())).write_text(counter.report())
                os._exit(0)
            connection.close()
            children.append(pid)
        listener.close()
        for pid in children:
            os.waitpid(pid, 0)
        counts = [path.read_text().split(" ", 2) for path in Path(reports).iterdir()]
    recipients = {r for _, _, seen in counts for r in seen.split()}
    messages, size = sum(int(m) for m, _, _ in counts), sum(int(b) for _, b, _ in counts)
    print(messages, size, len(recipients), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-connection", action="store_true")
    per_connection() if parser.parse_args().per_connection else shared()


if __name__ == "__main__":
    main()
