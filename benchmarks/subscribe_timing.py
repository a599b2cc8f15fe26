"""Subscribe timing: does the service answer a known address as fast as an unknown one?

    .venv/bin/invoke bench-subscribe-timing [--requests 200] [--seed 1] [--source DIR]
    .venv/bin/python -m benchmarks.subscribe_timing [--requests 200] [--seed 1] [--source DIR]

The real service (`digest serve-subscriptions`: waitress, 4 threads, its own process) runs
on 127.0.0.1 with a store in a temporary project, beside an SMTP sink in a third process
(benchmarks/smtp_sink.py) that takes the confirmation emails. Half the requests subscribe
an address the store has as subscribed (imported with `digest subscribers import`), half
an address it has never seen; every address is used once, so each request is a first
request for it. The two kinds are interleaved (each pair in a random order, seeded), sent
one after the other over one keep-alive connection (http.client), each from its own client
address (`X-Real-IP` from the loopback proxy, in 198.18.0.0/15, the benchmarking range of
RFC 2544) so the per-client rate limit is not what is measured. A time is from sending the
request to having read the whole answer. After 20 warm-up requests (not counted), the
script prints both medians, their difference and the quartiles, and checks that every
answer was the same 200 page and that the sink received exactly one email per unknown
address.

The target (issue 19): the medians differ by less than 0.3 ms. The service is the installed
digest; `--source DIR` runs it from another copy of digest instead (e.g. `git archive` of an
older commit, unpacked; put first on the service's PYTHONPATH), for a before/after
comparison; its checks of the emails still apply.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import digest
from benchmarks.smtp_sink import Sink

ROOT = Path(__file__).resolve().parents[1]  # the project: its settings and theme
SECRET = "benchmark secret"
SOURCE: Path | None = None  # another digest to run the service from (--source); None: installed
TARGET_MS = 0.3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_project(folder: Path, smtp_port: int, service_port: int) -> Path:
    """The repository's config with a store, the sink and the service's address."""
    conf = (ROOT / "pelican.conf.py").read_text(encoding="utf-8")
    conf += (
        "\nDIGEST_AUDIO = False\n"
        f"DIGEST_STORE_PATH = {str(folder / 'store.sqlite3')!r}\n"
        f"DIGEST_SMTP_URL = 'smtp+plain://127.0.0.1:{smtp_port}'\n"
        f"DIGEST_SUBSCRIPTIONS_URL = 'http://127.0.0.1:{service_port}'\n"
        "DIGEST_UNSUBSCRIBE_URL = None\nDIGEST_SOURCES = []\n"
    )
    (folder / "themes").symlink_to(ROOT / "themes")
    (folder / "content" / "issues").mkdir(parents=True)
    path = folder / "pelican.conf.py"
    path.write_text(conf, encoding="utf-8")
    return path


def environment() -> dict[str, str]:
    env = {**os.environ, "DIGEST_SECRET_KEY": SECRET}
    if SOURCE is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    return env


def run_digest(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digest", "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=config.parent,
    )


def start_service(config: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "--config", str(config), "serve-subscriptions",
         "--port", str(port)],
        env=environment(),
        cwd=config.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"the service did not start:\n{process.stderr.read()}")
            time.sleep(0.1)
    process.kill()
    sys.exit("the service did not start within 30 s")


def client_address(n: int) -> str:
    return f"198.18.{n // 250}.{n % 250 + 1}"


def post(
    connection: http.client.HTTPConnection, address: str, client: str
) -> tuple[float, int, bytes]:
    body = urlencode({"email": address})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Real-IP": client,
    }
    started = time.perf_counter()
    connection.request("POST", "/subscribe", body=body, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    return (time.perf_counter() - started) * 1000, answer.status, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="in all, half of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--source", type=Path, help="another copy of digest to serve (default: the installed one)"
    )
    options = parser.parse_args()
    global SOURCE
    SOURCE = options.source.resolve() if options.source else None
    served = SOURCE or Path(digest.__file__).resolve().parents[1]
    pairs = options.requests // 2
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="digest-subscribe-bench-") as tmp:
        folder = Path(tmp)
        sink, port = Sink(), free_port()
        config = make_project(folder, sink.port, port)
        known = [f"known{n:04d}@example.org" for n in range(pairs + options.warmup)]
        (folder / "known.csv").write_text("email\n" + "".join(f"{a}\n" for a in known))
        imported = run_digest(config, "subscribers", "import", str(folder / "known.csv"))
        if imported.returncode:
            sink.stop()
            sys.exit(f"subscribers import failed:\n{imported.stdout}{imported.stderr}")
        service = start_service(config, port)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        answers: set[tuple[int, bytes]] = set()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            client = 0
            for n in range(options.warmup):
                for kind in ("known", "unknown"):
                    address = known[pairs + n] if kind == "known" else f"warm{n:04d}@example.org"
                    post(connection, address, client_address(client))
                    client += 1
            for n in range(pairs):
                order = ["known", "unknown"]
                rng.shuffle(order)
                for kind in order:
                    address = known[n] if kind == "known" else f"new{n:04d}@example.org"
                    ms, status, data = post(connection, address, client_address(client))
                    client += 1
                    times[kind].append(ms)
                    answers.add((status, data))
            connection.close()
            time.sleep(2)  # let the service's mail thread hand the last emails over
        finally:
            service.terminate()
            service.wait(timeout=30)
        received = sink.stop()

    median = {kind: statistics.median(values) for kind, values in times.items()}
    quartiles = {kind: statistics.quantiles(values, n=4) for kind, values in times.items()}
    difference = median["unknown"] - median["known"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )
    print(f"{options.requests} requests ({pairs} of each kind), seed {options.seed}, "
          f"service from {served}")  # fmt: skip
    print("| address | median | p25 | p75 |")
    print("|---|---|---|---|")
    for kind in ("known", "unknown"):
        q1, _, q3 = quartiles[kind]
        print(f"| {kind} | {median[kind]:.3f} ms | {q1:.3f} ms | {q3:.3f} ms |")
    verdict = "holds" if abs(difference) < TARGET_MS else "MISSED"
    print(f"difference of medians (unknown - known): {difference:+.3f} ms; "
          f"target |difference| < {TARGET_MS} ms: {verdict}")  # fmt: skip
    if len(answers) != 1 or next(iter(answers))[0] != 200:
        sys.exit(f"the answers differ: {len(answers)} distinct answers")
    expected = pairs + options.warmup
    if received != expected:
        sys.exit(f"the sink received {received} emails, expected {expected} (one per new address)")
    print(f"every answer the same 200 page; {received} confirmation emails, one per new address")


if __name__ == "__main__":
    main()
