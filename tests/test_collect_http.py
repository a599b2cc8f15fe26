"""digest.collect.http against a real server on 127.0.0.1 (tests/support/http_server.py)."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.collect.http import (
    MAX_REDIRECTS,
    FetchTimeout,
    HTTPStatusError,
    fetch,
    read_file,
    redirect_target,
)
from digest.errors import FetchError
from tests.support.http_server import Handler, LocalServer, drip

FEED = b"<rss version='2.0'><channel><title>T</title></channel></rss>"
UA = "digest-tests/1.0 (+https://example.org/digest)"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    """A second server standing for an internal service no feed may reach."""
    with LocalServer() as running:
        yield running


def get(url: str, **options):
    options = {"timeout": 10, "max_bytes": 1_000_000, "user_agent": UA, **options}
    options.setdefault("allow_private", True)
    return fetch(url, **options)


# --------------------------------------------------------------------------- success


def test_200_returns_body_headers_validators_and_sends_our_headers(server):
    server.static(
        "/feed",
        body=FEED,
        headers={"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "X"},
    )
    fetched = get(server.url("/feed"))
    assert fetched.status == 200
    assert fetched.body == FEED
    assert fetched.url == server.url("/feed")
    assert fetched.headers["content-type"] == "application/rss+xml"
    assert (fetched.etag, fetched.last_modified) == ('"v1"', "X")
    _path, sent = server.requests[0]
    assert sent["user-agent"] == UA
    assert sent["host"] == server.origin
    assert sent["accept-encoding"] == "gzip, deflate"  # only what we can decode under a cap
    assert "if-none-match" not in sent


def test_a_host_name_is_pinned_to_its_checked_address_but_keeps_its_name(server):
    server.static("/feed", body=FEED)
    fetched = get(f"http://localhost:{server.port}/feed")
    assert fetched.body == FEED
    assert server.requests[0][1]["host"] == f"localhost:{server.port}"


def test_gzip_and_deflate_bodies_are_decoded(server):
    raw_deflate = zlib.compressobj(wbits=-15)
    server.static("/gz", body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    server.static("/zlib", body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})
    server.static(
        "/raw",
        body=raw_deflate.compress(FEED) + raw_deflate.flush(),
        headers={"Content-Encoding": "deflate"},
    )
    for path in ("/gz", "/zlib", "/raw"):
        assert get(server.url(path)).body == FEED, path


# --------------------------------------------------------------------------- conditional GET


def test_304_with_etag_means_not_modified(server):  # BAD-INPUTS 10
    def conditional(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == 'W/"x"':
            handler.respond(304, headers={"ETag": 'W/"x"'})
        else:
            handler.respond(200, FEED)

    server.route("/feed", conditional)
    fetched = get(server.url("/feed"), etag='W/"x"', last_modified="Sun, 04 Feb 2024 10:00:00 GMT")
    assert (fetched.status, fetched.body, fetched.etag) == (304, b"", 'W/"x"')
    assert fetched.last_modified == "Sun, 04 Feb 2024 10:00:00 GMT"  # kept from the request
    sent = server.requests[0][1]
    assert sent["if-modified-since"] == "Sun, 04 Feb 2024 10:00:00 GMT"


def test_304_when_we_sent_no_validators_is_an_error(server):  # BAD-INPUTS 10
    server.static("/feed", status=304)
    with pytest.raises(FetchError, match=r"^HTTP 304 Not Modified, but we sent no validators$"):
        get(server.url("/feed"))


# --------------------------------------------------------------------------- statuses


def test_404_message(server):  # BAD-INPUTS 11
    with pytest.raises(HTTPStatusError, match=r"^HTTP 404 Not Found$") as caught:
        get(server.url("/missing"))
    assert caught.value.status == 404


def test_429_keeps_retry_after_for_the_caller(server):  # BAD-INPUTS 11
    server.static("/feed", status=429, headers={"Retry-After": "120"})
    with pytest.raises(HTTPStatusError, match=r"^HTTP 429 Too Many Requests$") as caught:
        get(server.url("/feed"))
    assert caught.value.retry_after == "120"


def test_connection_refused_is_a_fetch_error():
    with LocalServer() as gone:
        port = gone.port
    with pytest.raises(FetchError, match=r"^could not connect: "):
        get(f"http://127.0.0.1:{port}/feed")


def test_only_http_urls_are_fetched():  # BAD-INPUTS 8
    for url in ("file:///etc/passwd", "ftp://example.org/feed", "/etc/passwd"):
        with pytest.raises(FetchError, match=r"^not an http\(s\) URL: "):
            get(url)


# --------------------------------------------------------------------------- redirects


def test_five_redirects_are_followed(server):
    for hop in range(MAX_REDIRECTS):
        server.redirect(f"/r{hop}", f"/r{hop + 1}", status=(301, 302, 303, 307, 308)[hop])
    server.static(f"/r{MAX_REDIRECTS}", body=FEED)
    fetched = get(server.url("/r0"))
    assert (fetched.body, fetched.url) == (FEED, server.url(f"/r{MAX_REDIRECTS}"))


def test_a_chain_of_25_redirects_stops_after_5(server):  # BAD-INPUTS 5
    for hop in range(25):
        server.redirect(f"/r{hop}", server.url(f"/r{hop + 1}"))
    with pytest.raises(FetchError, match=r"^too many redirects \(more than 5\)$"):
        get(server.url("/r0"))
    assert len(server.requests) == MAX_REDIRECTS + 1


def test_a_redirect_loop_stops(server):  # BAD-INPUTS 5
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(FetchError, match=r"^too many redirects"):
        get(server.url("/a"))


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://example.org/"]
)
def test_redirects_to_other_schemes_are_refused(server, target):  # BAD-INPUTS 6
    server.redirect("/feed", target)
    with pytest.raises(FetchError, match=r"^refused redirect to a non-http\(s\) URL "):
        get(server.url("/feed"))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "localhost.",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0x7f000001",
        "2130706433",
        "169.254.169.254",
        "10.0.0.1",
    ],
)
def test_redirects_to_private_addresses_never_reach_them(server, internal, host):  # BAD-INPUTS 6
    server.redirect("/feed", f"http://{host}:{internal.port}/secret")
    with pytest.raises(FetchError) as caught:
        # Only the public-standing fixture is allowed; the internal one is not.
        get(server.url("/feed"), allow_private={server.origin})
    message = str(caught.value)
    if host == "localhost.":  # unresolvable on some systems: refused either way
        assert message.startswith(("refused redirect to a private address", "could not resolve"))
    else:
        assert message.startswith("refused redirect to a private address ")
    assert internal.requests == []


def test_private_addresses_are_refused_unless_allowed(server):  # BAD-INPUTS 6, 7
    server.static("/feed", body=FEED)
    with pytest.raises(FetchError, match=r"^refused a private address 127.0.0.1$"):
        get(server.url("/feed"), allow_private=False)
    # A name resolving to a private address is checked on the address, not the name.
    with pytest.raises(FetchError, match=r"^refused a private address "):
        get(f"http://localhost:{server.port}/feed", allow_private=False)
    assert server.requests == []
    assert get(server.url("/feed"), allow_private={server.origin}).body == FEED


class StubResolver:
    """getaddrinfo answering from a script: one answer list per call, the last one repeated."""

    def __init__(self, *answers: list[str]):
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        ips = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[ipaddress.ip_address(ip).version], socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in ips
        ]


def test_a_name_resolving_to_a_private_address_is_refused(server, monkeypatch):  # BAD-INPUTS 7
    server.static("/feed", body=FEED)
    monkeypatch.setattr(socket, "getaddrinfo", StubResolver(["127.0.0.1"]))
    with pytest.raises(FetchError, match=r"^refused a private address 127.0.0.1$"):
        get(f"http://news.example:{server.port}/feed", allow_private=False)
    # One private answer among public ones is enough to refuse.
    monkeypatch.setattr(socket, "getaddrinfo", StubResolver(["93.184.215.14", "127.0.0.1"]))
    with pytest.raises(FetchError, match=r"^refused a private address 127.0.0.1$"):
        get(f"http://news.example:{server.port}/feed", allow_private=False)
    assert server.requests == []


def test_a_rebinding_name_is_resolved_once_and_pinned(server, monkeypatch):  # BAD-INPUTS 7
    # Public on the first lookup, loopback on any later one: a client that checked one
    # answer and connected with another would reach the fixture. We connect to the address
    # we checked (a public one, unreachable here), so the fixture never sees a request.
    resolver = StubResolver(["192.0.0.170"], ["127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(ipaddress.IPv4Address, "is_global", property(lambda a: not a.is_loopback))
    with pytest.raises(FetchError):
        get(f"http://rebind.example:{server.port}/feed", allow_private=False, timeout=1)
    assert resolver.calls == ["rebind.example"]
    assert server.requests == []


def test_a_redirect_to_a_name_resolving_privately_is_refused(server, internal, monkeypatch):
    # BAD-INPUTS 7: the public-standing fixture redirects to a name that resolves inside.
    server.redirect("/feed", f"http://intranet.example:{internal.port}/secret")
    monkeypatch.setattr(socket, "getaddrinfo", StubResolver(["10.1.2.3"]))
    with pytest.raises(FetchError, match=r"^refused redirect to a private address 10.1.2.3$"):
        get(server.url("/feed"), allow_private={server.origin})
    assert internal.requests == []


def test_https_to_http_downgrade_is_refused():  # BAD-INPUTS 9
    with pytest.raises(FetchError, match=r"^refused redirect from https to http "):
        redirect_target("https://example.org/feed", "http://example.org/feed")
    assert redirect_target("http://example.org/a/feed", "../b") == "http://example.org/b"
    assert redirect_target("https://example.org/a", "//cdn.example/x") == "https://cdn.example/x"


def test_an_untrusted_certificate_is_refused():  # BAD-INPUTS 13
    with LocalServer(tls=True) as tls, pytest.raises(FetchError, match=r"certificate") as caught:
        get(tls.url("/feed"))
    assert str(caught.value).startswith("could not connect: TLS certificate not trusted")


# --------------------------------------------------------------------------- size caps


def test_a_body_over_the_cap_is_refused(server):  # BAD-INPUTS 2
    server.static("/big", body=b"x" * 1_000_001)
    with pytest.raises(FetchError, match=r"^response larger than 1,000,000 bytes$"):
        get(server.url("/big"))


def test_an_endless_chunked_body_is_cut_at_the_cap(server):  # BAD-INPUTS 2
    def endless(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
        try:
            while not handler.server.stopping.is_set():
                handler.wfile.write(chunk)
        except OSError:
            pass

    server.route("/endless", endless)
    with pytest.raises(FetchError, match=r"^response larger than 100,000 bytes$"):
        get(server.url("/endless"), max_bytes=100_000)


def test_a_gzip_bomb_trips_the_decoded_cap(server):  # BAD-INPUTS 3
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    server.static("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"^response larger than 1,000,000 bytes$"):
            get(server.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # it never inflated the 50 MB, not even one chunk's worth


def test_a_gzip_bomb_served_as_a_file_trips_the_cap_too(server):  # BAD-INPUTS 3
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    server.static("/feed.xml.gz", body=bomb, headers={"Content-Type": "application/gzip"})
    with pytest.raises(FetchError, match=r"^response larger than 1,000,000 bytes$"):
        get(server.url("/feed.xml.gz"))
    server.static("/small.xml.gz", body=gzip.compress(FEED))
    assert get(server.url("/small.xml.gz")).body == FEED


def test_a_content_length_smaller_than_the_body_bounds_what_we_read(server):  # BAD-INPUTS 4
    def liar(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        try:
            for _ in range(160):  # 10 MB
                handler.wfile.write(b"x" * 65_536)
        except OSError:  # we hung up after 100 bytes, as we should
            pass

    server.route("/liar", liar)
    assert get(server.url("/liar")).body == b"x" * 100


def test_a_content_length_that_promises_more_than_arrives_is_an_error(server):  # BAD-INPUTS 4
    def short(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(FEED)  # then the connection closes

    server.route("/short", short)
    with pytest.raises(FetchError, match=r"^broken response: "):
        get(server.url("/short"))


# --------------------------------------------------------------------------- deadlines


def test_a_slow_drip_hits_the_total_deadline(server):  # BAD-INPUTS 1
    # One byte every 0.2 s never trips a per-read timeout; only a total deadline stops it.
    server.route("/tarpit", drip)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"^timed out after 1 s$"):
        get(server.url("/tarpit"), timeout=1)
    assert time.monotonic() - started < 2


def test_a_server_that_never_answers_hits_the_deadline(server):  # BAD-INPUTS 1
    server.route("/silent", lambda handler: handler.server.stopping.wait(10))
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"^timed out after 0.5 s$"):
        get(server.url("/silent"), timeout=0.5)
    assert time.monotonic() - started < 1.5


# --------------------------------------------------------------------------- local files


def test_read_file(tmp_path: Path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    fetched = read_file(str(feed), max_bytes=1000)
    assert (fetched.status, fetched.body, fetched.url, fetched.headers) == (
        200,
        FEED,
        str(feed),
        {},
    )
    with pytest.raises(FetchError, match=r"^file larger than 10 bytes$"):
        read_file(str(feed), max_bytes=10)
    with pytest.raises(FetchError, match=r"^no such file "):
        read_file(str(tmp_path / "nope.xml"), max_bytes=1000)
    with pytest.raises(FetchError, match=r"^not a regular file "):  # BAD-INPUTS 35
        read_file("/dev/zero", max_bytes=1000)
