"""A WSGI application served for real (waitress) on 127.0.0.1, for tests that speak HTTP."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import waitress


@contextlib.contextmanager
def serve_wsgi(app, port: int) -> Iterator[str]:
    """Serve `app` on 127.0.0.1:`port`; yields its base URL (no trailing /)."""
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=2)
    stopping = threading.Event()
    closing = threading.Lock()  # the trigger is pulled only while it is open
    closed = threading.Event()

    def run() -> None:
        # The server's own thread closes its sockets once told to stop: closed from another
        # thread while its loop waits on them in select(), they failed there (EBADF).
        try:
            while not stopping.is_set():
                server.asyncore.loop(timeout=1, map=server._map, count=1)
        finally:
            with closing:
                server.asyncore.close_all(server._map)
                closed.set()
            server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stopping.set()
        with closing:
            if not closed.is_set():
                server.trigger.pull_trigger()  # wakes the loop: it stops now, not in 1 s
        thread.join(timeout=10)
