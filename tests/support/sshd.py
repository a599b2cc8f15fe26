"""A real OpenSSH server on 127.0.0.1 for the deploy tests: Debian's sshd, started with a
config, a host key and an authorized client key made in a temporary folder.

As root it logs in as root (sshd then needs /run/sshd, made here if missing); as anyone
else it can only log in as that user. `rsync_rsh` is what RSYNC_RSH must say for rsync to
log in with the client key and trust only this server's host key.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"
PACKAGES = "apt-get install openssh-server openssh-client rsync"


@dataclass(frozen=True)
class Sshd:
    port: int
    user: str
    client_key: Path
    known_hosts: Path
    process: subprocess.Popen
    log: Path

    @property
    def rsync_rsh(self) -> str:
        return (
            f"ssh -F /dev/null -i {self.client_key} -o IdentitiesOnly=yes "
            f"-o UserKnownHostsFile={self.known_hosts} -o StrictHostKeyChecking=yes"
        )

    def url(self, path: Path | str) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{path}"


def need(*programs: str) -> None:
    """Fail (never skip) naming the Debian package, when a program the tests run is missing."""
    missing = [p for p in programs if shutil.which(p) is None and not Path(p).is_file()]
    assert not missing, f"{', '.join(missing)} missing: {PACKAGES}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path


@contextlib.contextmanager
def sshd(folder: Path) -> Iterator[Sshd]:
    need(SSHD, "ssh", "ssh-keygen")
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "host_key", "digest test host")
    client_key = keygen(folder / "client_key", "digest test client")
    authorized = folder / "authorized_keys"
    shutil.copy(client_key.with_suffix(".pub"), authorized)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation's chroot
    user = getpass.getuser()
    for attempt in range(3):
        port = free_port()
        config = folder / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {port}",
                    f"HostKey {host_key}",
                    f"PidFile {folder / 'sshd.pid'}",
                    f"AuthorizedKeysFile {authorized}",
                    f"AllowUsers {user}",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "StrictModes no",
                    "UsePAM no",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        log = folder / f"sshd-{attempt}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if listening(port, process):
            break
        stop(process)
    else:
        raise AssertionError(f"sshd did not start: {log.read_text(errors='replace')}")
    public = host_key.with_suffix(".pub").read_text().split()
    known_hosts = folder / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    try:
        yield Sshd(port, user, client_key, known_hosts, process, log)
    finally:
        stop(process)


def listening(
    port: int, process: subprocess.Popen, banner: bytes = b"SSH-", seconds: float = 10
) -> bool:
    """Whether the server answers on `port` with `banner` before `seconds` pass."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.settimeout(2)
            if s.recv(64).startswith(banner):
                return True
        time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
