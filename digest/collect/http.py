"""The only network code in digest: one careful GET per source, and local file reads.

Rules every fetch follows, because sources are untrusted:

- one *total* deadline for the whole fetch (DNS, connect, every redirect hop and every
  read), enforced with `asyncio.timeout`, so a server dripping a byte every few seconds
  cannot hold a run hostage;
- a cap on *decoded* bytes: we decompress gzip/deflate ourselves with a bounded output, so a
  gzip bomb trips the cap without ever being inflated; a partial body is never returned;
- at most MAX_REDIRECTS redirects, http(s) targets only, never https -> http;
- every hop's host is resolved by us, every address checked, and the connection pinned to a
  checked address (Host header and TLS SNI keep the name), so DNS rebinding between the
  check and the connect cannot reach a private address;
- certificates verified; no proxy or netrc from the environment, so what we check is what
  we connect to;
- a connection carries one request (collect/wire.py speaks HTTP on it) and is closed after
  it, never lent to another host.

`fetch()` is a synchronous wrapper around `fetch_async()`; async callers (a concurrent
collect) use `fetch_async()` directly.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import cache
from http import HTTPStatus
from pathlib import Path

import certifi

from digest.collect import wire
from digest.collect.fetched import Fetched
from digest.collect.lean_httpx import httpx
from digest.errors import FetchError

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_GZIP_MAGIC = b"\x1f\x8b"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.1"
)
# Our own pool, not the event loop's default one: asyncio.run() waits for its default
# executor on exit, so a hung getaddrinfo there would outlive the deadline.
_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="digest-dns")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

__all__ = ["FetchTimeout", "Fetched", "HTTPStatusError", "fetch", "fetch_async", "read_file"]


class FetchTimeout(FetchError):
    """The total deadline passed; the caller can record the source as `timeout`."""


class HTTPStatusError(FetchError):
    """The server answered with an error status; `retry_after` is the raw header, if any."""

    def __init__(self, status: int, retry_after: str | None = None):
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown Status"
        super().__init__(f"HTTP {status} {phrase}")
        self.status = status
        self.retry_after = retry_after


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    user_agent: str,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool | Collection[str] = False,
) -> Fetched:
    """GET `url` under digest's rules (see the module docstring); raise FetchError.

    `allow_private`: True allows loopback/private/link-local addresses everywhere (tests, an
    intranet); a collection of "ip:port" strings (IPv6 as "[::1]:8080") allows exactly those.
    """
    return asyncio.run(
        fetch_async(
            url,
            timeout=timeout,
            max_bytes=max_bytes,
            user_agent=user_agent,
            etag=etag,
            last_modified=last_modified,
            allow_private=allow_private,
        )
    )


async def fetch_async(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    user_agent: str,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool | Collection[str] = False,
) -> Fetched:
    # In the order httpx's client sent them (its defaults, then ours); Host goes first.
    headers = [
        ("Connection", "keep-alive"),
        ("User-Agent", user_agent),
        ("Accept", ACCEPT),
        ("Accept-Encoding", "gzip, deflate"),
    ]
    if etag:
        headers.append(("If-None-Match", etag))
    if last_modified:
        headers.append(("If-Modified-Since", last_modified))
    current = _http_url(url, redirect=False)
    cookies = httpx.Cookies()  # a redirect's cookies go with the next hop, as in a client
    try:
        async with asyncio.timeout(timeout):
            for hop in range(MAX_REDIRECTS + 1):
                async with _send(current, headers, cookies, allow_private, hop > 0) as response:
                    if response.status_code not in REDIRECT_STATUSES:
                        return await _result(response, str(current), max_bytes, etag, last_modified)
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            f"HTTP {response.status_code} redirect without a Location header"
                        )
                    current = _http_url(redirect_target(str(current), location), redirect=True)
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
    except (TimeoutError, httpx.TimeoutException):
        raise FetchTimeout(f"timed out after {timeout:g} s") from None
    except httpx.RemoteProtocolError as exc:
        raise FetchError(f"broken response: {_first_line(exc)}") from None
    except httpx.ConnectError as exc:
        reason = _first_line(exc)
        if "CERTIFICATE_VERIFY_FAILED" in reason:
            reason = "TLS certificate not trusted: " + reason.split("failed:")[-1].strip()
        raise FetchError(f"could not connect: {reason}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {_first_line(exc)}") from None


def redirect_target(current: str, location: str) -> str:
    """The absolute URL a redirect points to, or FetchError if our policy refuses it."""
    try:
        target = httpx.URL(current).join(location.strip())
    except httpx.InvalidURL:
        raise FetchError(f"bad redirect target {_short(location)}") from None
    if target.scheme not in ("http", "https"):
        raise FetchError(f"refused redirect to a non-http(s) URL {_short(location)}")
    if current.startswith("https:") and target.scheme == "http":
        raise FetchError(f"refused redirect from https to http {_short(str(target))}")
    return str(target)


def read_file(path: str, *, max_bytes: int) -> Fetched:
    """Read a bundled/local source file under the same size cap as a download."""
    file = Path(path)
    try:
        if not file.exists():
            raise FetchError(f"no such file {path}")
        if not file.is_file():  # a directory, /dev/zero, a FIFO ...
            raise FetchError(f"not a regular file {path}")
        with file.open("rb") as stream:
            body = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"could not read {path}: {exc.strerror}") from None
    if len(body) > max_bytes:
        raise FetchError(f"file larger than {max_bytes:,} bytes")
    return Fetched(url=path, status=200, headers={}, body=body)


# --------------------------------------------------------------------------- internals


async def _result(
    response: wire.Response, url: str, max_bytes: int, etag: str | None, modified: str | None
) -> Fetched:
    status = response.status_code
    if status == 304:
        if not (etag or modified):  # a 304 to an unconditional GET: no cache entry to reuse
            raise FetchError("HTTP 304 Not Modified, but we sent no validators")
        body = b""
    elif 200 <= status < 300:
        body = await _read_body(response, max_bytes)
    else:
        raise HTTPStatusError(status, response.headers.get("retry-after"))
    names = {name.lower(): value for name, value in response.headers.items()}
    if status != 304:
        etag = modified = None
    # A 304 may leave the validators out: the ones we sent still hold.
    return Fetched(
        url=url,
        status=status,
        headers=names,
        body=body,
        etag=names.get("etag") or etag,
        last_modified=names.get("last-modified") or modified,
    )


def _http_url(url: str, *, redirect: bool) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise FetchError(f"invalid URL {_short(url)}") from None
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        what = "refused redirect to a non-http(s) URL" if redirect else "not an http(s) URL:"
        raise FetchError(f"{what} {_short(url)}")
    return parsed


@asynccontextmanager
async def _send(
    url: httpx.URL,
    headers: list[tuple[str, str]],
    cookies: httpx.Cookies,
    allow_private: bool | Collection[str],
    redirected: bool,
) -> AsyncIterator[wire.Response]:
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = await _resolve(host, port)
    for address in addresses:
        if not _is_public(address) and not _allowed(address, port, allow_private):
            where = "redirect to a private address" if redirected else "a private address"
            raise FetchError(f"refused {where} {address}")
    error: httpx.ConnectError | None = None
    tls = _tls() if url.scheme == "https" else None
    headers = [("Host", url.netloc.decode("ascii")), *headers]
    for address in addresses:
        try:
            connection = await wire.connect(str(address), port, tls, host)
        except httpx.ConnectError as exc:  # try the next address, like a browser would
            error = exc
            continue
        try:
            yield await wire.get(connection, url, str(address), headers, cookies)
        finally:
            connection.close()
        return
    if error is None:  # getaddrinfo answered with no address at all
        raise FetchError(f"could not resolve host {_short(host)}")
    raise error


async def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.run_in_executor(
            _RESOLVER, socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        raise FetchError(f"could not resolve host {_short(host)}") from None
    # getaddrinfo also accepts "2130706433" and "0x7f000001": we check what it returns.
    found = dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos)
    return list(found)


def _is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None:
            return _is_public(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved)


def _allowed(address: Address, port: int, allow_private: bool | Collection[str]) -> bool:
    if isinstance(allow_private, bool):
        return allow_private
    if isinstance(allow_private, str):  # one endpoint, not a substring test
        allow_private = {allow_private}
    shown = f"[{address}]" if address.version == 6 else str(address)
    return f"{shown}:{port}" in allow_private


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    inflater = None if coding in ("", "identity") else _Inflater(coding)
    declared = response.headers.get("content-length", "")
    if inflater is None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response larger than {max_bytes:,} bytes")
    body = bytearray()
    first = True
    async for raw in response.aiter_raw():
        if first and inflater is None and raw.startswith(_GZIP_MAGIC):
            # A feed.xml.gz served as a file, without Content-Encoding: same bounded inflating.
            inflater, coding = _Inflater("gzip"), "gzip"
        first = False
        body += raw if inflater is None else inflater.feed(raw, max_bytes - len(body))
        if len(body) > max_bytes:
            raise FetchError(f"response larger than {max_bytes:,} bytes")
    if inflater is not None and not inflater.done:
        raise FetchError(f"broken response: {coding} body ends early")
    return bytes(body)


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than asked for."""

    def __init__(self, coding: str):
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {_short(coding)}")
        self._deflate = coding == "deflate"
        self._zlib = zlib.decompressobj(wbits=47)  # 32+15: a gzip or zlib header
        self._started = False

    @property
    def done(self) -> bool:
        return self._zlib.eof

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        # max_length room+1 (never 0, which means "unlimited") proves an overflow cheaply.
        while data and not self._zlib.eof and len(out) <= room:
            try:
                out += self._zlib.decompress(data, room + 1 - len(out))
            except zlib.error as exc:
                if self._deflate and not self._started:  # servers that send raw deflate
                    self._zlib, self._started = zlib.decompressobj(wbits=-15), True
                    continue
                raise FetchError(f"broken response: bad compressed data ({exc})") from None
            self._started = True
            data = self._zlib.unconsumed_tail
        return bytes(out)


@cache
def _tls() -> ssl.SSLContext:
    # One verified context for all fetches: building it loads the CA bundle every time.
    context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])  # offered as httpcore offered it
    return context


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return _short(text.splitlines()[0])


def _short(text: str, limit: int = 120) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
