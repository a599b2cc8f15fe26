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
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        thread.join(timeout=10)
