"""The `digest` process ends once its work is done and said (digest/cli/ending.py): what runs
at exit has run, the standard streams are whole, the exit status is the command's, and the
interpreter's teardown is skipped; where that would be unsafe, the interpreter ends it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from digest.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]

# A script's state at its end: a stream written but not flushed, a handler to run at exit,
# and an object the teardown would take apart (its __del__ writes a line).
PROLOGUE = """
import atexit, sys, threading, time
from digest.cli import ending

class Held:
    def __del__(self):
        sys.stdout.write("teardown\\n")
        sys.stdout.flush()

held = Held()
atexit.register(lambda: sys.stdout.write("at exit\\n"))
sys.stdout.write("said ")
"""


def _python(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter importing this checkout's digest."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def _script(body: str) -> subprocess.CompletedProcess[str]:
    return _python("-c", PROLOGUE + textwrap.dedent(body))


def test_the_teardown_would_run_in_a_plain_exit() -> None:
    """The yardstick for the tests below: the script's object is taken apart at a plain exit."""
    done = _script("sys.exit(3)")
    assert done.returncode == 3
    assert done.stdout == "said at exit\nteardown\n"


@pytest.mark.parametrize(("code", "status"), [(3, 3), (0, 0), (None, 0), (1, 1), (256 + 2, 2)])
def test_ends_with_the_status_after_what_runs_at_exit_without_the_teardown(
    code: int | None, status: int
) -> None:
    done = _script(f"ending.end({code!r})\nsys.stdout.write('returned\\n')")
    assert done.returncode == status
    assert done.stdout == "said at exit\n"  # flushed; no teardown, nothing after
    assert done.stderr == ""


def test_a_message_for_a_status_is_left_to_the_interpreter() -> None:
    done = _script("ending.end('no good')\nsys.stdout.write('returned\\n')\nsys.exit('no good')")
    assert done.returncode == 1
    assert done.stdout == "said returned\nat exit\nteardown\n"
    assert done.stderr == "no good\n"


def test_a_thread_still_working_is_waited_for() -> None:
    done = _script(
        """
        def late():
            time.sleep(0.3)
            sys.stdout.write("thread done\\n")

        threading.Thread(target=late).start()
        ending.end(0)
        sys.stdout.write("returned\\n")
        sys.exit(0)
        """
    )
    assert done.returncode == 0
    assert "thread done\n" in done.stdout
    assert done.stdout.startswith("said returned\n")
    assert done.stdout.endswith("teardown\n")  # the interpreter's own exit


def test_a_daemon_thread_does_not_hold_the_end() -> None:
    done = _script(
        """
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        ending.end(4)
        """
    )
    assert done.returncode == 4
    assert done.stdout == "said at exit\n"


def test_a_stream_that_cannot_be_flushed_is_left_to_the_interpreter() -> None:
    done = _script(
        """
        class Broken:
            def write(self, text):
                return len(text)
            def flush(self):
                raise OSError(32, "Broken pipe")

        real = sys.stdout
        sys.stdout = Broken()
        ending.end(0)
        real.write("returned\\n")
        real.flush()
        """
    )
    assert "returned\n" in done.stdout
    assert done.returncode == 120  # the interpreter's status for an unflushable stdout


def test_the_program_ends_with_its_commands_status_and_every_line(tmp_path: Path) -> None:
    """`python -m digest` (digest.cli.run): a usage error, a settings error and a success, each
    with its status and its whole output."""

    def digest(*args: str) -> subprocess.CompletedProcess[str]:
        return _python("-m", "digest", *args, cwd=tmp_path)

    usage = digest("no-such-command")
    assert usage.returncode == 2
    assert "No such command 'no-such-command'" in usage.stderr

    missing = digest("--config", str(tmp_path / "absent.py"), "build")
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"error: {tmp_path / 'absent.py'}: 1 problem in the settings")
    assert missing.stderr.endswith("pass --config PATH or run from the project folder\n")

    helped = digest("--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: python -m digest")
    listed = {line.split()[0] for line in helped.stdout.split("Commands:")[1].splitlines() if line}
    assert listed == set(COMMANDS)  # every line came out
