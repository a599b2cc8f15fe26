"""One HTTP/1.1 GET on its own connection: asyncio's streams and h11, nothing in between.

collect/http.py decides what to fetch and from which address (the checks, the pinning, the
redirects, the size cap, the deadline); this module only speaks HTTP on the connection it
is given an address for. It does what httpx's client did for those fetches, as httpx did it:
the same request bytes (header order included), h11 configured as httpcore configures it
(so a broken response is refused with the same words), response headers read by httpx's
own Headers class, cookies kept across a fetch's redirects in httpx's Cookies (keyed, as
before, by the address the request was sent to), the errors raised as the httpx exceptions
http.py already turns into messages, and the same INFO line on the "httpx" logger. What it
leaves out is the layers a one-request connection never needs (a connection pool, anyio's
cancel scopes around every read, the client's merging of settings), which took about 60%
of the CPU the collecting process spent on a fetch.

A connection carries one request and is closed after it: it is checked for one host name and
one address (http.py), so it is never lent to another.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass

import h11

from digest.collect.lean_httpx import httpx

# As httpcore reads: 64 KiB at a time, at most 100 KiB of status line and headers.
_READ = 64 * 1024
_MAX_HEAD = 100 * 1024
# httpx logs each request it sends on this logger, at INFO: `digest -v` has always shown it.
_LOG = logging.getLogger("httpx")


@dataclass
class Connection:
    """An open connection to one checked address, speaking for one host name."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def close(self) -> None:
        # No TLS close_notify is waited for: the response is read (or refused) already, as
        # httpcore closed it (anyio's TLS stream, not standard_compatible).
        self.writer.transport.abort()


@dataclass
class Response:
    status_code: int
    headers: httpx.Headers
    http_version: str
    reason_phrase: str
    _connection: Connection
    _h11: h11.Connection

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it arrives, transfer coding undone, content coding left."""
        while True:
            event = await _next_event(self._connection, self._h11)
            if isinstance(event, h11.Data):
                if event.data:  # httpx's chunker never gave an empty piece
                    yield bytes(event.data)
            elif isinstance(event, (h11.EndOfMessage, h11.PAUSED)):
                return


async def connect(address: str, port: int, tls: ssl.SSLContext | None, name: str) -> Connection:
    """A connection to `address`; with `tls`, verified for the host `name` (and SNI)."""
    try:
        reader, writer = await asyncio.open_connection(address, port)
    except OSError:
        raise httpx.ConnectError("All connection attempts failed") from None  # anyio's words
    if tls is None:
        return Connection(reader, writer)
    try:
        await writer.start_tls(tls, server_hostname=name)
    except ssl.SSLError as exc:
        writer.transport.abort()
        if isinstance(exc, ssl.SSLEOFError) or "UNEXPECTED_EOF_WHILE_READING" in str(exc):
            raise httpx.ConnectError("") from None  # the peer went away: anyio's EndOfStream
        raise httpx.ConnectError(str(exc)) from None
    except OSError:
        writer.transport.abort()
        raise httpx.ConnectError("") from None
    return Connection(reader, writer)


async def get(
    connection: Connection,
    url: httpx.URL,
    address: str,
    headers: list[tuple[str, str]],
    cookies: httpx.Cookies,
) -> Response:
    """Send GET `url` on `connection` (to `address`) and read the response's status line
    and headers. `cookies`: those of this fetch's earlier responses, matched as httpx's
    client matched them, to the URL with the address in place of the host name; this
    response's are kept in it the same way."""
    sent_to = ""
    if cookies:
        sent_to = str(url.copy_with(host=address))
        headers = [*headers, *_cookie_header(cookies, sent_to, headers)]
    state = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
    fields = [(name.encode("ascii"), value.encode("ascii")) for name, value in headers]
    try:
        request = h11.Request(method=b"GET", target=url.raw_path, headers=fields)
        data = state.send(request) + state.send(h11.EndOfMessage())
    except h11.LocalProtocolError as exc:
        raise httpx.LocalProtocolError(str(exc)) from None
    try:
        connection.writer.write(data)
        await connection.writer.drain()
    except OSError:
        pass  # httpcore too reads on: a server may close early and still answer
    while True:
        event = await _next_event(connection, state)
        if isinstance(event, h11.Response):
            break
        if isinstance(event, h11.InformationalResponse) and event.status_code == 101:
            break
    response = Response(
        status_code=event.status_code,
        headers=httpx.Headers(event.headers.raw_items()),
        http_version="HTTP/" + event.http_version.decode("ascii", errors="ignore"),
        reason_phrase=event.reason.decode("ascii", errors="ignore"),
        _connection=connection,
        _h11=state,
    )
    if "set-cookie" in response.headers or "set-cookie2" in response.headers:
        sent_to = sent_to or str(url.copy_with(host=address))
        _keep_cookies(cookies, response, sent_to, headers)
    if _LOG.isEnabledFor(logging.INFO):
        _LOG.info(
            'HTTP Request: %s %s "%s %d %s"',
            "GET",
            sent_to or url.copy_with(host=address),
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )
    return response


async def _next_event(connection: Connection, state: h11.Connection) -> object:
    while True:
        try:
            event = state.next_event()
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from None
        if event is not h11.NEED_DATA:
            return event
        try:
            data = await connection.reader.read(_READ)
        except ssl.SSLEOFError:
            data = b""  # an end without close_notify is an end (anyio, not standard_compatible)
        except OSError:
            raise httpx.ReadError("") from None  # anyio's BrokenResourceError has no words
        if data == b"" and state.their_state is h11.SEND_RESPONSE:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        try:
            state.receive_data(data)
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from None


def _cookie_header(
    cookies: httpx.Cookies, sent_to: str, headers: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    request = httpx.Request("GET", sent_to, headers=headers)
    cookies.set_cookie_header(request)
    value = request.headers.get("cookie")
    return [("Cookie", value)] if value else []


def _keep_cookies(
    cookies: httpx.Cookies, response: Response, sent_to: str, headers: list[tuple[str, str]]
) -> None:
    request = httpx.Request("GET", sent_to, headers=headers)
    cookies.extract_cookies(
        httpx.Response(response.status_code, headers=response.headers, request=request)
    )
