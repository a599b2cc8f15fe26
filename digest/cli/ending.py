"""How the `digest` process ends: as soon as its command's work is done and said.

Left to itself, the interpreter spends its last moments taking apart every object it holds,
one by one, though the system takes the memory back whole. After a rebuild of a 520-issue
archive (Pelican's content cache loaded) that was 0.08 s of the 1.3 s the user waits
(benchmarks/README.md). So once a command has returned, the handlers registered to run at
exit run (logging's flush, multiprocessing's, temporary folders'), the standard streams are
flushed, and the process ends there (os._exit), as mypy's does.

Whatever would make that unsafe leaves the ending to the interpreter: a thread still
working (the interpreter waits for it), a stream that cannot be flushed (the interpreter
says so and exits 120), a status that is not a number (a message it prints). A command
closes what it writes before it returns (digest.files, the store, Pelican's writer), so
nothing written waits on the teardown.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading


def end(code: object) -> None:
    """Ends the process with `code`, a SystemExit's (None is 0), once what runs at exit has
    run and the standard streams are flushed. Returns, having ended nothing, where the
    interpreter's own exit is needed; the caller then exits as usual."""
    if code is None:
        code = 0
    if not isinstance(code, int):
        return
    current = threading.current_thread()
    if any(t is not current and t.is_alive() and not t.daemon for t in threading.enumerate()):
        return
    atexit._run_exitfuncs()  # each once: the interpreter does not run them again
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code & 0xFF)
