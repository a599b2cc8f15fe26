"""Deploy with the rsync program: over SSH (`ssh://`) or to an rsync daemon (`rsync://`).

`--delay-updates` puts every new file in a hidden folder beside its place and renames them
all at the end, and `--delete-delay` deletes only after that: the site there switches to the
new build when everything has arrived, and a transfer that breaks leaves it as it was.
`--checksum` compares contents, so a rebuild that rewrote unchanged files sends nothing.

What is published is plan.py's choice, told to rsync as filter rules: the rules below say
the same as plan.published, and the tests hold the two to each other. Dot-files at the
destination (a server's `.well-known/`, rsync's own `.~tmp~`) are left alone; files of the
drafts folder there are deleted, since no draft is ever published. Symbolic links are not
sent (rsync skips them without `--links`).

ssh:// uses `RSYNC_RSH` when set (rsync's own convention: `ssh -i key -o ...`), else `ssh`,
with the URL's port and BatchMode (a password prompt would hang a cron job). rsync runs in
a session of its own, without a terminal, so nothing ever waits for a password.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from digest.errors import DeployError
from digest.files import TEMP_SUFFIX
from digest.publish.deploy.plan import Change, Outcome, Plan
from digest.publish.deploy.target import RsyncTarget

INSTALL = "apt-get install rsync openssh-client"
FLAGS = (
    "--recursive",
    "--times",
    "--checksum",
    "--delete-delay",
    "--delay-updates",
    "--itemize-changes",
    "--itemize-changes",  # twice: unchanged files are listed too, for the progress bar
    "--timeout=120",
)
# rsync's exit codes, as a person would say them.
_HINTS = {
    1: "rsync refused an option",
    2: "the two rsync programs speak different protocols",
    3: "a folder could not be used: does the destination's parent folder exist?",
    5: "the rsync daemon refused: check the module, the user and RSYNC_PASSWORD",
    10: "could not connect to the rsync daemon",
    11: "a file could not be written: is the destination writable, its disk full?",
    12: "the connection broke: is rsync installed on the server?",
    14: "rsync could not start the remote shell",
    23: "some files could not be transferred",
    24: "some files vanished while they were sent: was a build running?",
    30: "timed out",
    35: "timed out waiting for the rsync daemon",
    255: "ssh could not connect or log in: check the host, the port and the key (RSYNC_RSH)",
}
_SSH_FAILURES = (
    "ssh:",
    "Host key verification failed",
    "kex_exchange_identification",
    "Connection closed by",
    "Connection timed out",
)
_ITEM = re.compile(r"([<>ch.][fdLDS][.+ ?a-z]{9}|\*deleting  ) (.*)")


def filters(drafts: tuple[str, ...]) -> list[str]:
    """plan.published as rsync filter rules (first match wins)."""
    rules = ["--filter=- .*", f"--filter=- *{TEMP_SUFFIX}"]
    # -s: hidden on the sending side only, so a draft found at the destination is deleted.
    rules += [f"--filter=-s /{_escaped(folder)}/" for folder in drafts]
    return rules


def _escaped(name: str) -> str:
    return re.sub(r"([*?\[\\])", r"\\\1", name)


def command(
    target: RsyncTarget,
    source: Path,
    drafts: tuple[str, ...],
    env: Mapping[str, str],
    *,
    dry_run: bool,
) -> list[str]:
    args = ["rsync", *FLAGS, *filters(drafts)]
    if dry_run:
        args.append("--dry-run")
    if target.daemon:
        args.append("--contimeout=30")
    else:
        shell = env.get("RSYNC_RSH") or "ssh"
        shell += " -o BatchMode=yes -o ConnectTimeout=30"
        if target.port:
            shell += f" -p {target.port}"
        args += ["-e", shell]
    return [*args, f"{source}/", target.destination]


def deploy(
    target: RsyncTarget,
    plan: Plan,
    drafts: tuple[str, ...],
    *,
    dry_run: bool,
    progress: Callable[[int], Callable[[str], None]],
    env: Mapping[str, str] | None = None,
) -> Outcome:
    env = dict(os.environ if env is None else env)
    _need_tools(target, env)
    args = command(target, plan.root, drafts, env, dry_run=dry_run)
    outcome = Outcome(target.url, dry_run)
    advance = progress(len(plan.files))
    env["LC_ALL"] = "C"  # names with other bytes come escaped (\#ooo), whatever the locale
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            start_new_session=True,  # no terminal: neither ssh nor rsync can ask for a password
        )
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                _read(_unescaped(raw), outcome, advance)
            code = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace")
    if code != 0:
        raise DeployError(_failure(target, code, said))
    outcome.unchanged = len(plan.files) - outcome.uploaded
    return outcome


def _need_tools(target: RsyncTarget, env: Mapping[str, str]) -> None:
    if shutil.which("rsync", path=env.get("PATH")) is None:
        raise DeployError(f"{target.url}: rsync is not installed: {INSTALL}")
    if not target.daemon:
        shell = shlex.split(env.get("RSYNC_RSH") or "ssh")[:1] or ["ssh"]
        if shutil.which(shell[0], path=env.get("PATH")) is None:
            raise DeployError(f"{target.url}: {shell[0]} is not installed: {INSTALL}")


def _read(line: str, outcome: Outcome, advance: Callable[[str], None]) -> None:
    """One line of rsync's itemized list: a file sent, unchanged, or deleted."""
    item = _ITEM.fullmatch(line.rstrip("\n"))
    if item is None:
        return  # "skipping non-regular file", "created directory ..."
    code, path = item.groups()
    if path.endswith("/"):
        return  # folders come and go with their files
    if code.startswith("*"):
        outcome.changes.append(Change("-", path))
        return
    if code[1] != "f":
        return
    if code[0] in "<>":
        outcome.changes.append(Change("+" if code[2:] == "+" * 9 else "~", path))
    advance(path)


def _unescaped(raw: bytes) -> str:
    raw = re.sub(rb"\\#([0-7]{3})", lambda m: bytes([int(m[1], 8)]), raw)
    return raw.decode("utf-8", "surrogateescape")


def _failure(target: RsyncTarget, code: int, said: str) -> str:
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    # What ssh, the remote shell or the daemon said is the cause ("Permission denied",
    # "Connection refused", "rsync: command not found", "@ERROR: auth failed"); rsync's own
    # lines after it only say that the connection closed, and its last one gives the code.
    others = [line for line in lines if not line.startswith(("rsync:", "rsync error:", "Warning:"))]
    own = [line for line in lines if not line.startswith("rsync error:")]
    causes = others or own or lines
    # rsync asked for the daemon's password and read none: what counts is the daemon's answer.
    cause = re.sub(r"^Password:\s*", "", causes[-1]).rstrip(".") if causes else "no message"
    # ssh's failure reaches rsync as a broken pipe as often as through ssh's exit status
    # (exit 12 or 255, by a race): what ssh said decides.
    ssh_failed = any(
        line.startswith(_SSH_FAILURES) or "Permission denied" in line for line in others
    )
    hint = _HINTS[255] if ssh_failed else _HINTS.get(code, "rsync failed")
    if code in (11, 23, 24):  # rsync went on past the trouble and switched what arrived
        state = "the files that arrived may be in place; fix that and run it again"
    else:
        state = "nothing there was switched to the new build"
    return f"{target.url}: {cause} (rsync exit {code}); {hint}; {state}"
