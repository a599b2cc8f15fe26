"""A real rsync daemon on 127.0.0.1 for the deploy tests: `rsync --daemon --no-detach` with
one writable module, `site`, that only the user `deployer` may use, with a password that
RSYNC_PASSWORD must give."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.sshd import free_port, listening, need, stop

USER = "deployer"
PASSWORD = "correct horse"


@dataclass(frozen=True)
class Rsyncd:
    port: int
    root: Path  # the module's folder

    def url(self, path: str = "") -> str:
        return f"rsync://{USER}@127.0.0.1:{self.port}/site{path}"


@contextlib.contextmanager
def rsyncd(folder: Path) -> Iterator[Rsyncd]:
    need("rsync")
    root = folder / "module"
    root.mkdir(parents=True, exist_ok=True)
    secrets = folder / "secrets"
    secrets.write_text(f"{USER}:{PASSWORD}\n")
    secrets.chmod(0o600)
    owner = "uid = 0\ngid = 0\n" if os.geteuid() == 0 else ""  # else nobody, who may not write
    for _ in range(3):
        port = free_port()
        config = folder / "rsyncd.conf"
        config.write_text(
            f"pid file = {folder / 'rsyncd.pid'}\n"
            "use chroot = no\n"
            f"{owner}"
            "[site]\n"
            f"  path = {root}\n"
            "  read only = no\n"
            f"  auth users = {USER}\n"
            f"  secrets file = {secrets}\n"
        )
        process = subprocess.Popen(
            [
                "rsync",
                "--daemon",
                "--no-detach",
                f"--config={config}",
                f"--port={port}",
                "--address=127.0.0.1",
                f"--log-file={folder / 'rsyncd.log'}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if listening(port, process, b"@RSYNCD:"):
            break
        stop(process)
    else:
        raise AssertionError("rsync --daemon did not start")
    try:
        yield Rsyncd(port, root)
    finally:
        stop(process)
