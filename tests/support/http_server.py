"""A real HTTP(S) server on 127.0.0.1 for the collect tests: no mocks of what we own.

Each test registers routes (path -> function writing a raw response) and reads back the
requests the server saw, so it can assert that a refused fetch never reached the server.
"""

from __future__ import annotations

import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A self-signed certificate for localhost/127.0.0.1 (EC P-256, valid 100 years). It is
# deliberately untrusted: the TLS test expects verification to refuse it.
SELF_SIGNED_CERT = """-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUQkRzHQvI7B9xmJuiE6o9i9Ffo94wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTEyMDg1NVoYDzIxMjYxMDI4
MTIwODU1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ4Z0GVH8oTEL+IyewzgZ47O9TRwCgArGoNZmino0SB/wzmhAVgkdce
RP16PAeA3AxAvjgaClL9W/DcFqYk/zjAo28wbTAdBgNVHQ4EFgQUsHHjh2Rze5vl
xGzXMgb04asishcwHwYDVR0jBBgwFoAUsHHjh2Rze5vlxGzXMgb04asishcwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhAICct13CQtTav8Z8srW3b2XeRmEpTiftqui+IrxNHvhHAiBJ
VUF9bav9BndqNq1AdqJEtjkglgmgoe8PsJ1gvrR91A==
-----END CERTIFICATE-----
"""
SELF_SIGNED_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwft6UQjhBaWSppR/
rn/5l2dg+X1LCrmPcU9TRBudXU+hRANCAAQ4Z0GVH8oTEL+IyewzgZ47O9TRwCgA
rGoNZmino0SB/wzmhAVgkdceRP16PAeA3AxAvjgaClL9W/DcFqYk/zjA
-----END PRIVATE KEY-----
"""

Route = Callable[["Handler"], None]


def server_tls() -> ssl.SSLContext:
    """A server's TLS context with the self-signed certificate for 127.0.0.1."""
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert.write_text(SELF_SIGNED_CERT)
        key.write_text(SELF_SIGNED_KEY)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    return context


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.respond(404, b"not here")
        else:
            route(self)
        self.close_connection = True

    def respond(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.send_response(status)
        headers = {"Content-Length": str(len(body)), **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # refused TLS handshakes and dropped clients are what the tests provoke


class LocalServer:
    """`with LocalServer() as server:` a server on 127.0.0.1 at a free port."""

    def __init__(self, tls: bool = False):
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.routes = {}
        self._server.requests = []
        self._server.stopping = threading.Event()
        self.scheme = "https" if tls else "http"
        if tls:
            context = server_tls()
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        # A short poll interval keeps shutdown (and so every test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.requests

    @property
    def stopping(self) -> threading.Event:
        return self._server.stopping

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Route) -> None:
        self._server.routes[path] = handler

    def static(
        self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        self.route(path, lambda h: h.respond(status, body, headers))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.static(path, status, headers={"Location": location})

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def drip(handler: Handler, every: float = 0.2, limit: float = 5) -> None:
    """Headers at once, then one body byte every `every` seconds until the client leaves,
    or `limit` seconds pass (so a client without a deadline fails instead of hanging)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    ends = time.monotonic() + limit
    try:
        while time.monotonic() < ends and not handler.server.stopping.wait(every):
            handler.wfile.write(b" ")
            handler.wfile.flush()
    except OSError:  # the client gave up, as it should
        pass
