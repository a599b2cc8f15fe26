"""An SMTP sink on 127.0.0.1 for benchmarks/send.py and subscribe_timing.py: aiosmtpd,
accepts and counts every message, keeps none. Runs in its own process (its own interpreter
and GIL, as a real server would), prints its port, and stops when its stdin closes; then
prints the count.

    .venv/bin/python -m benchmarks.smtp_sink      # from the project root
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]  # the project: where `benchmarks` is found


class Sink:
    """This sink in its own process, for the benchmarks: `port`, then `stop()` -> count."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.smtp_sink"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def stop(self) -> int:
        out, _ = self.process.communicate(timeout=60)
        return int(out.split()[0])


class Counter:
    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.original_content or b"")
        return "250 OK"


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port, server_hostname="sink")
    controller.start()
    print(port, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    controller.stop()
    print(counter.messages, counter.bytes, flush=True)


if __name__ == "__main__":
    main()
