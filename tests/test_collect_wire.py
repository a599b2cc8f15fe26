"""collect/wire.py speaks HTTP/1.1 as httpx's client did for our fetches (issue 25, round 4).

A server on 127.0.0.1 answers each test with bytes written by hand and keeps the bytes of
every request it read. The requests must be the bytes httpx's client sent (header order
included, a redirect's cookies sent on to the next hop), and each answer, good or broken,
must give the result or the one-line error the committed digest (httpx 0.29, httpcore 1.0,
h11 0.16) gave: the expected values below were recorded from it, scenario by scenario.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from digest.collect import http
from digest.collect.http import ACCEPT, FetchTimeout, HTTPStatusError, fetch
from digest.errors import FetchError
from tests.support.http_server import SELF_SIGNED_CERT, server_tls

UA = "digest-tests/1.0 (+https://example.org/digest)"
Reply = bytes | Callable[[socket.socket], None]


@contextmanager
def answering(*replies: Reply, tls: bool = False, head: bool = True) -> Iterator[tuple]:
    """A server taking one connection per reply: (port, the requests it read). `head`
    False: a TLS server that answers the handshake itself with the reply (a callable)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    received: list[bytes] = []

    def serve() -> None:
        for reply in replies:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                if tls:
                    conn = server_tls().wrap_socket(conn, server_side=True)
                if head:
                    data = b""
                    while b"\r\n\r\n" not in data and (chunk := conn.recv(65536)):
                        data += chunk
                    received.append(data)
                if callable(reply):
                    reply(conn)
                else:
                    conn.sendall(reply)
                    conn.close()
            except OSError:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        listener.close()
        thread.join(5)


def _reset(after: bytes) -> Callable[[socket.socket], None]:
    def reply(conn: socket.socket) -> None:
        conn.sendall(after)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    return reply


def _get(url: str, **options):
    options = {"timeout": 5, "max_bytes": 1_000_000, "user_agent": UA, **options}
    return fetch(url, allow_private=True, **options)


def _request(path: str, host: str, *extra: str) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Connection: keep-alive",
        f"User-Agent: {UA}",
        f"Accept: {ACCEPT}",
        "Accept-Encoding: gzip, deflate",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# --------------------------------------------------------------------------- the requests


def test_the_request_is_the_bytes_httpx_sent():
    reply = (
        b'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nETag: "a"\r\nContent-Length: 5\r\n\r\nhello'
    )
    with answering(reply) as (port, received):
        fetched = _get(f"http://localhost:{port}/a/%7Efeed?q=1#frag", etag='"v1"')
    assert received == [_request("/a/%7Efeed?q=1", f"localhost:{port}", 'If-None-Match: "v1"')]
    assert (fetched.status, fetched.body, fetched.etag) == (200, b"hello", '"a"')
    assert fetched.headers == {"content-type": "text/xml", "etag": '"a"', "content-length": "5"}


def test_both_validators_go_in_the_order_httpx_sent_them():
    with answering(b'HTTP/1.1 304 Not Modified\r\nETag: "n"\r\n\r\n') as (port, received):
        fetched = _get(f"http://127.0.0.1:{port}/f", etag='"e"', last_modified="Sat, 1 Jun")
    host = f"127.0.0.1:{port}"
    assert received == [_request("/f", host, 'If-None-Match: "e"', "If-Modified-Since: Sat, 1 Jun")]
    assert (fetched.status, fetched.etag, fetched.last_modified) == (304, '"n"', "Sat, 1 Jun")


def test_a_redirects_cookies_go_with_the_next_hop_only_where_they_belong():
    first = (
        b"HTTP/1.1 301 Moved\r\nSet-Cookie: sid=1; Path=/\r\n"
        b"Set-Cookie: other=2; Domain=other.example\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"
    )
    with answering(first, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") as (port, got):
        fetched = _get(f"http://localhost:{port}/first")
    host = f"localhost:{port}"
    assert got == [_request("/first", host), _request("/next", host, "Cookie: sid=1")]
    assert (fetched.url, fetched.body) == (f"http://localhost:{port}/next", b"ok")


# --------------------------------------------------------------------------- the answers

OK = b"HTTP/1.1 200 OK\r\n"
ANSWERS = {
    "chunked": (OK + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", b"helloabc", {"transfer-encoding": "chunked"}),
    "HTTP/1.0 until close": (b"HTTP/1.0 200 OK\r\n\r\nbody until close", b"body until close", {}),
    "HTTP/1.1 until close": (OK + b"\r\nuntil close", b"until close", {}),
    "100 Continue first": (b"HTTP/1.1 100 Continue\r\n\r\n" + OK + b"Content-Length: 2\r\n\r\nok", b"ok", {"content-length": "2"}),
    "repeated headers joined": (OK + b'ETag: "a"\r\nETag: "b"\r\nX-Y: 1\r\nx-y: 2\r\nContent-Length: 2\r\n\r\nok', b"ok", {"etag": '"a", "b"', "x-y": "1, 2", "content-length": "2"}),
    "latin-1 header": (OK + b"Last-Modified: caf\xe9\r\nContent-Length: 2\r\n\r\nok", b"ok", {"last-modified": "café", "content-length": "2"}),
    "UTF-8 header": (OK + b"Last-Modified: caf\xc3\xa9\r\nContent-Length: 2\r\n\r\nok", b"ok", {"last-modified": "café", "content-length": "2"}),
    "folded header": (OK + b"X-A: one\r\n two\r\nContent-Length: 2\r\n\r\nok", b"ok", {"x-a": "one two", "content-length": "2"}),
    "bytes after the body": (OK + b"Content-Length: 3\r\n\r\nabcEXTRA", b"abc", {"content-length": "3"}),
    "no reason phrase": (b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", b"ok", {"content-length": "2"}),
    "bare LF": (b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", b"ok", {"content-length": "2"}),
    "headers of 90 KB": (OK + b"X-A: " + b"a" * 90_000 + b"\r\nContent-Length: 2\r\n\r\nok", b"ok", {"x-a": "a" * 90_000, "content-length": "2"}),
}  # fmt: skip


@pytest.mark.parametrize("name", ANSWERS)
def test_answers_read_as_httpx_read_them(name):
    reply, body, headers = ANSWERS[name]
    with answering(reply) as (port, _):
        fetched = _get(f"http://127.0.0.1:{port}/x")
    assert (fetched.status, fetched.body, fetched.headers) == (200, body, headers)


def test_a_gzip_body_is_inflated_by_us_as_before():
    body = gzip.compress(b"<rss>" + b"a" * 5000 + b"</rss>")
    reply = OK + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    with answering(reply) as (port, _):
        assert _get(f"http://127.0.0.1:{port}/g").body == b"<rss>" + b"a" * 5000 + b"</rss>"


BROKEN = {
    "closed without an answer": (b"", "broken response: Server disconnected without sending a response."),
    "not HTTP": (b"HELLO WORLD\r\n\r\n", "broken response: illegal status line: bytearray(b'HELLO WORLD')"),
    "body shorter than promised": (OK + b"Content-Length: 100\r\n\r\nonly ten!!", "broken response: peer closed connection without sending complete message body (received 10 bytes, expected 100)"),
    "chunks cut short": (OK + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nabc", "broken response: peer closed connection without sending complete message body (incomplete chunked read)"),
    "bad chunk size": (OK + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "broken response: illegal chunk header: bytearray(b'zz\\r\\n')"),
    "reset in the body": (_reset(OK + b"Content-Length: 100000\r\n\r\n" + b"x" * 1000), "ReadError: ReadError"),
    "reset before an answer": (_reset(b""), "ReadError: ReadError"),
    "headers over 100 KB": (OK + b"X-A: " + b"a" * 200_000 + b"\r\n\r\n", "broken response: Receive buffer too long"),
    "header line without a colon": (OK + b"No colon here\r\nContent-Length: 2\r\n\r\nok", "broken response: illegal header line: bytearray(b'No colon here')"),
    "space in a header name": (OK + b"Bad Name: x\r\nContent-Length: 2\r\n\r\nok", "broken response: illegal header line: bytearray(b'Bad Name: x')"),
    "101 never asked for": (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n", "broken response: Received server _SWITCH_UPGRADE event without a pending proposal"),
    "gzip transfer coding": (OK + b"Transfer-Encoding: gzip\r\n\r\nxx", "broken response: Only Transfer-Encoding: chunked is supported"),
    "bad Content-Length": (OK + b"Content-Length: abc\r\n\r\nok", "broken response: bad Content-Length"),
    "two Content-Lengths": (OK + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\nok", "broken response: conflicting Content-Length headers"),
    "redirect without Location": (b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", "HTTP 302 redirect without a Location header"),
}  # fmt: skip


@pytest.mark.parametrize("name", BROKEN)
def test_broken_answers_fail_with_the_words_they_had(name):
    reply, message = BROKEN[name]
    with answering(reply) as (port, _), pytest.raises(FetchError) as caught:
        _get(f"http://127.0.0.1:{port}/x")
    assert str(caught.value) == message


def test_unknown_statuses_are_http_errors_as_before():
    for status in (b"999 Weird", b"600 X"):
        reply = b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\n\r\n"
        with answering(reply) as (port, _), pytest.raises(HTTPStatusError) as caught:
            _get(f"http://127.0.0.1:{port}/x")
        assert str(caught.value) == f"HTTP {status[:3].decode()} Unknown Status"


def test_a_refused_connection_has_the_words_it_had():
    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    with pytest.raises(FetchError, match=r"^could not connect: All connection attempts failed$"):
        _get(f"http://127.0.0.1:{port}/x")


# --------------------------------------------------------------------------- TLS


def test_an_untrusted_certificate_is_refused_at_the_handshake():
    ok = OK + b"Content-Length: 2\r\n\r\nok"
    with answering(ok, tls=True) as (port, received), pytest.raises(FetchError) as caught:
        _get(f"https://localhost:{port}/t")
    assert str(caught.value).startswith(
        "could not connect: TLS certificate not trusted: self-signed certificate"
    )
    assert received == []  # not a byte of the request was sent


def _hang_up(conn: socket.socket) -> None:
    conn.recv(65536)  # the ClientHello
    conn.close()


def _reset_after_hello(conn: socket.socket) -> None:
    conn.recv(65536)
    _reset(b"")(conn)


def _not_tls(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(OK + b"\r\n")
    conn.close()


@pytest.mark.parametrize(
    "reply, message",
    [
        (_hang_up, "could not connect: ConnectError"),
        (_reset_after_hello, "could not connect: ConnectError"),
        (_not_tls, r"could not connect: \[SSL: WRONG_VERSION_NUMBER\] wrong version number"),
    ],
)
def test_a_handshake_that_goes_wrong_has_the_words_it_had(reply, message):
    with answering(reply, head=False) as (port, _), pytest.raises(FetchError, match=message):
        _get(f"https://127.0.0.1:{port}/t")


def test_a_server_that_never_answers_the_handshake_hits_the_deadline():
    def silent(conn: socket.socket) -> None:
        conn.recv(65536)
        threading.Event().wait(2)
        conn.close()

    with answering(silent, head=False) as (port, _), pytest.raises(FetchTimeout):
        _get(f"https://127.0.0.1:{port}/t", timeout=0.5)


@pytest.mark.parametrize("etag", ["bad\nvalue", " spaced "])
def test_a_validator_h11_refuses_fails_with_the_words_it_had(etag):
    reply = OK + b"Content-Length: 2\r\n\r\nok"
    with answering(reply) as (port, received), pytest.raises(FetchError) as caught:
        _get(f"http://127.0.0.1:{port}/x", etag=etag)
    assert str(caught.value) == f"LocalProtocolError: Illegal header value {etag.encode()!r}"
    assert received in ([], [b""])  # nothing of the request was sent


@pytest.fixture
def trusted_self_signed(tmp_path, monkeypatch):
    """The test certificate as the one authority digest trusts: the CA bundle is the world
    outside (certifi's file), so that is what is replaced, not our TLS setup."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text(SELF_SIGNED_CERT)
    monkeypatch.setattr(http.certifi, "where", lambda: str(bundle))
    http._tls.cache_clear()
    yield
    http._tls.cache_clear()


def test_a_tls_fetch_offers_what_httpx_offered(trusted_self_signed):
    context = server_tls()
    context.set_alpn_protocols(["h2", "http/1.1"])
    names: list[str | None] = []
    context.sni_callback = lambda conn, name, ctx: names.append(name)
    seen: list[str | None] = []

    def reply(conn: ssl.SSLSocket) -> None:
        seen.append(conn.selected_alpn_protocol())
        conn.sendall(OK + b"Content-Length: 2\r\n\r\nok")
        conn.close()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            received.append(tls.recv(65536))
            reply(tls)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        fetched = _get(f"https://localhost:{port}/t")
    finally:
        thread.join(5)
        listener.close()
    assert fetched.body == b"ok"
    assert names == ["localhost"]  # SNI names the host, though we connect to its address
    assert seen == ["http/1.1"]  # ALPN as httpcore offered it
    assert received == [_request("/t", f"localhost:{port}")]
