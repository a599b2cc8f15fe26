"""Send benchmark: 10,000 personalized messages of an issue vs bare smtplib.

    .venv/bin/invoke bench-send [--messages 10000] [--connections 4] [--repeat 1] [--sink S]
    .venv/bin/python -m benchmarks.send [--messages 10000] [--connections 4] [--repeat 1]

A temporary project holds one synthetic issue from benchmarks/archive.py (about 2,100
words, four sections, an incident table; the same as benchmarks/build.py), built once with
`digest build`. An aiosmtpd sink (benchmarks/smtp_sink.py) listens on loopback in its own
process and accepts everything: by default a process per connection with PIPELINING, as
Postfix serves mail (`--sink shared`: one process for every connection, without
PIPELINING, as before issue 25). Both sides send to the same kind of sink, a fresh one
each. Then, from one run, the script prints:

- the baseline: bare smtplib in this process sending one pre-built message of that issue
  (digest's own, for one reader) 10,000 times over one persistent connection, one
  envelope recipient each time;
- ours: `digest send SLUG --subscribers <10,000 readers> --send` (the CLI, a fresh
  process: start, reading and storing the subscribers, the journal, building each
  reader's message with their own Message-ID and unsubscribe link, and sending), with
  DIGEST_SEND_RATE = 0 and DIGEST_SEND_CONNECTIONS = --connections;
- both as messages a second; the target (issue 25) is ours >= 1.5x the baseline.

Each run of ours starts from an empty store (a new send). The sink's counts are checked
after each run: exactly the messages sent, each to a different reader. digest is the
installed one (`python -m digest`).
"""

from __future__ import annotations

import argparse
import os
import platform
import smtplib
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes
from email.utils import parseaddr
from pathlib import Path

from benchmarks import build as build_bench  # the project it makes
from benchmarks.archive import FIRST_WEEK_ENDING
from benchmarks.smtp_sink import Sink

SECRET = "benchmark secret"


def env() -> dict[str, str]:
    return {
        **os.environ,
        "SOURCE_DATE_EPOCH": build_bench.EPOCH,
        "PYTHONHASHSEED": "0",
        "DIGEST_SECRET_KEY": SECRET,
    }


def digest(config: Path, *args: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "digest", "--config", str(config), *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env(), cwd=config.parent)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"digest {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return wall, done.stdout.strip().splitlines()[-1]


def one_message(config: Path, slug: str) -> tuple[str, bytes]:
    """digest's message of the issue for one reader, as the dry run writes it, and its
    sender."""
    digest(config, "send", slug, "--subscribers", str(config.parent / "one.csv"))
    data = next((config.parent / "outbox" / slug / "new").iterdir()).read_bytes()
    return parseaddr(message_from_bytes(data)["From"])[1], data


def baseline(port: int, sender: str, data: bytes, count: int) -> float:
    # smtplib does not pipeline: the plain thing, even where the sink offers PIPELINING.
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(count):
            connection.sendmail(sender, [f"reader{n:05d}@example.org"], data)
    return time.perf_counter() - started


def check(sink: Sink, messages: int) -> None:
    received = sink.stop()
    if (received, sink.recipients) != (messages, messages):
        sys.exit(f"the sink took {received} messages for {sink.recipients} readers, not {messages}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each")
    parser.add_argument("--sink", choices=("per-connection", "shared"), default="per-connection")
    options = parser.parse_args()
    per_connection = options.sink == "per-connection"
    with tempfile.TemporaryDirectory(prefix="digest-send-bench-") as tmp:
        config = build_bench.make_project(Path(tmp) / "project", 1)
        slug = FIRST_WEEK_ENDING.isoformat()
        print("building the issue ...")
        digest(config, "build")
        readers = [f"reader{n:05d}@example.org" for n in range(options.messages)]
        (config.parent / "one.csv").write_text("email,name\nreader@example.org,A Reader\n")
        subscribers = config.parent / "subscribers.csv"
        subscribers.write_text(
            "email,name\n" + "".join(f"{a},Reader {n}\n" for n, a in enumerate(readers))
        )
        sender, data = one_message(config, slug)
        print(f"  one message: {len(data) / 1000:.0f} KB")

        ours, theirs = [], []
        for run in range(options.repeat):
            sink = Sink(per_connection=per_connection)
            print(f"  baseline: smtplib, one connection, {options.messages} messages")
            theirs.append(baseline(sink.port, sender, data, options.messages))
            check(sink, options.messages)

            sink = Sink(per_connection=per_connection)
            settings = (
                f"\nDIGEST_SMTP_URL = 'smtp+plain://127.0.0.1:{sink.port}'\n"
                f"DIGEST_SEND_RATE = 0\nDIGEST_SEND_CONNECTIONS = {options.connections}\n"
                f"DIGEST_STORE_PATH = 'send-{run}.sqlite3'\n"
            )
            run_config = config.parent / f"send-{run}.conf.py"
            run_config.write_text(config.read_text() + settings)
            print(f"  ours: digest send --send, {options.connections} connections")
            wall, line = digest(run_config, "send", slug, "--subscribers", str(subscribers),
                                "--send")  # fmt: skip
            print(f"    {line}")
            ours.append(wall)
            check(sink, options.messages)

    base_s, ours_s = min(theirs), min(ours)
    rate_base, rate_ours = options.messages / base_s, options.messages / ours_s
    print()
    print(f"{options.messages} messages of {len(data) / 1000:.0f} KB; "
          f"{platform.python_version()}, {os.cpu_count()} CPUs; sink: {options.sink}")  # fmt: skip
    print(f"  baseline: smtplib, one pre-built message   {base_s:7.2f} s  {rate_base:7.0f} msg/s")
    print(
        f"  digest send --send ({options.connections} connections)      {ours_s:7.2f} s  "
        f"{rate_ours:7.0f} msg/s   {rate_ours / rate_base:.2f}x   (target >= 1.5x)"
    )


if __name__ == "__main__":
    main()
