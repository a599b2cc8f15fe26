"""The subscription service: a small WSGI application beside the static site.

    POST /subscribe            the site's subscribe box (field `email`): a confirmation
                               email goes out; the answer is the same whoever asks
    GET  /confirm?token=...    the link in that email: a page with a button (a GET changes
                               nothing: mail scanners follow links too)
    POST /confirm?token=...    the button: subscribed (once; the link expires)
    GET  /unsubscribe?token=   a page with a button; a GET never unsubscribes (link
                               scanners and prefetchers follow links)
    POST /unsubscribe?token=   unsubscribe: the page's button, or one-click from a mail
                               client (RFC 8058: body List-Unsubscribe=One-Click,
                               urlencoded or multipart, no cookies); 200, no redirect

HEAD is answered as GET without the body (same status and headers, Content-Length too),
so a keep-alive connection stays in step.

Tokens are signed (publish/tokens.py), each for one address and one purpose; a
confirmation token also carries a nonce the store uses up, so it cannot be replayed.
Nothing answers differently for an address that is or is not subscribed, and nothing takes
longer: a subscribe request runs the same store statements (store/mailing.py), makes a
token and queues one confirmation job (mailer.py) whatever the address, and only the job's
`deliver` flag differs. A subscribe request for an address that unsubscribed keeps it
unsubscribed until the emailed link is followed. Input the service cannot read (a query
of too many fields, an unknown charset, a broken multipart body) is a 400, never a 500.
Every page is a template with autoescaping, sent with a strict Content-Security-Policy.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.errors import MessageError
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from digest.errors import StoreError, TokenError
from digest.publish.send.roster import canonical, check_address
from digest.publish.send.tokens import make_token, read_token
from digest.render.jinja import render
from digest.store import Store
from digest.subscriptions.limits import RateLimit, client_key
from digest.subscriptions.mailer import Job

log = logging.getLogger(__name__)

MAX_BODY = 10_000  # bytes: a form with one address, or a one-click POST
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    ),
]
Start = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class ServiceSettings:
    sitename: str
    site_url: str
    base_url: str  # where this service is published (links in emails and pages)
    allowed_origins: frozenset[str]  # pages that may post to /subscribe (the site's)
    store_path: Any
    secret: bytes
    pending_days: int = 7  # DIGEST_PENDING_DAYS: a confirmation link works this long


class SubscriptionApp:
    """The WSGI application. `send_confirmation(job)` queues a confirmation email (a
    queue: the answer must not wait for, or reveal, the mail server)."""

    def __init__(
        self,
        settings: ServiceSettings,
        send_confirmation: Callable[[Job], None],
        *,
        clock: Callable[[], datetime],
        limit: RateLimit | None = None,
    ) -> None:
        self.settings = settings
        self.send_confirmation = send_confirmation
        self.clock = clock
        self.limit = limit or RateLimit(per_hour=6, burst=3)
        self.per_address = RateLimit(per_hour=2, burst=1)  # confirmation emails to one inbox
        self._stores = threading.local()

    def __call__(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/").rstrip("/") or "/"
        answer = self._route(method, path, environ, start)
        # HEAD: the GET's status and headers (its Content-Length too), no body. A body here
        # would be read by the client as the start of its next response.
        return [] if method == "HEAD" else answer

    def _route(
        self, method: str, path: str, environ: dict[str, Any], start: Start
    ) -> Iterable[bytes]:
        routes = {
            ("POST", "/subscribe"): self.subscribe,
            ("GET", "/confirm"): self.confirm_page,
            ("POST", "/confirm"): self.confirm,
            ("GET", "/unsubscribe"): self.unsubscribe_page,
            ("POST", "/unsubscribe"): self.unsubscribe,
        }
        handler = routes.get(("GET" if method == "HEAD" else method, path))
        if handler is None:
            allowed = sorted({m for m, route_path in routes if route_path == path})
            if allowed:
                if "GET" in allowed:
                    allowed = sorted([*allowed, "HEAD"])
                return self._page(
                    start,
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    "Not allowed",
                    "",
                    extra=[("Allow", ", ".join(allowed))],
                )
            return self._page(start, HTTPStatus.NOT_FOUND, "Not found", "There is no such page.")
        try:
            return handler(environ, start)
        except Exception:  # a bug: the reader gets a page, the log the traceback
            log.exception("subscriptions: %s %s failed", method, path)
            return self._page(
                start, HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong", "Try again later."
            )

    # ------------------------------------------------------------------------ routes

    def subscribe(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin.rstrip("/") not in self.settings.allowed_origins:
            return self._page(start, HTTPStatus.FORBIDDEN, "Not allowed", "")  # CSRF
        if not self.limit.allow(client_key(client(environ)), self._now()):
            return self._page(
                start,
                HTTPStatus.TOO_MANY_REQUESTS,
                "Too many requests",
                "Please try again in a few minutes.",
            )
        form = read_form(environ)
        if form is None:
            return self._page(start, HTTPStatus.BAD_REQUEST, "Bad request", "")
        try:
            address = check_address(form.get("email", "")[:320])
        except ValueError:
            return self._page(
                start,
                HTTPStatus.BAD_REQUEST,
                "Please check the address",
                "That does not look like an email address. Go back and try again.",
            )
        key, now, spare = canonical(address), self.clock(), secrets.token_hex(8)
        days = self.settings.pending_days
        with self._store() as store:
            pending = store.request_subscription(address, key, spare, now, days=days)
        # From here on, the same steps for every address: a token (a subscribed address
        # gets one with a spare nonce, and its job is dropped), one job queued.
        inbox_free = self.per_address.allow(key, now.timestamp())
        expires = int(pending.issued.timestamp()) + days * 86400
        nonce = pending.nonce or spare
        token = make_token(self.settings.secret, "confirm", f"{key} {nonce}", expires=expires)
        link = f"{self.settings.base_url}/confirm?token={token}"
        self.send_confirmation(Job(address, link, pending.nonce is not None and inbox_free))
        # The same answer whether the address was new, pending, subscribed or gone.
        return self._page(
            start,
            HTTPStatus.OK,
            "Check your inbox",
            "If the address can receive our email, a message is on its way with a link "
            "to confirm. Nothing is sent to you until you follow it.",
        )

    def confirm_page(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        return self._ask(
            environ,
            start,
            "confirm",
            "Confirm your subscription",
            f"Press the button to receive {self.settings.sitename} by email.",
        )

    def confirm(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        try:
            key, _, nonce = self._token(environ, "confirm").partition(" ")
        except TokenError as exc:
            return self._bad_link(start, exc)
        form = read_form(environ)
        if form is None or form.get("confirm") != "confirm":
            return self._page(start, HTTPStatus.BAD_REQUEST, "Bad request", "")
        with self._store() as store:
            done = store.confirm_subscription(key, nonce, self.clock())
        if not done:
            return self._page(
                start,
                HTTPStatus.BAD_REQUEST,
                "This link was used already",
                "A confirmation link works once. If you are not receiving the newsletter, "
                "subscribe again.",
            )
        return self._page(
            start, HTTPStatus.OK, "You are subscribed", "The next issue will be in your inbox."
        )

    def unsubscribe_page(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        return self._ask(
            environ,
            start,
            "unsubscribe",
            "Unsubscribe?",
            f"Press the button to stop receiving {self.settings.sitename}.",
        )

    def _ask(
        self, environ: dict[str, Any], start: Start, purpose: str, title: str, message: str
    ) -> Iterable[bytes]:
        """A GET of a link: a page whose button POSTs it (a GET itself changes nothing)."""
        try:
            address = self._token(environ, purpose).partition(" ")[0]
        except TokenError as exc:
            return self._bad_link(start, exc)
        return self._page(
            start,
            HTTPStatus.OK,
            title,
            message,
            button=f"{self.settings.base_url}/{purpose}?token={_query(environ)['token']}",
            button_label=purpose.capitalize(),
            field=purpose,
            address=address,
        )

    def unsubscribe(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        try:
            key = self._token(environ, "unsubscribe")
        except TokenError as exc:
            return self._bad_link(start, exc)
        form = read_form(environ)
        one_click = form is not None and form.get("List-Unsubscribe") == "One-Click"
        button = form is not None and form.get("confirm") == "unsubscribe"
        if not (one_click or button):
            return self._page(start, HTTPStatus.BAD_REQUEST, "Bad request", "")
        with self._store() as store:
            store.unsubscribe(key, self.clock(), "one-click" if one_click else "page")
        return self._page(
            start,
            HTTPStatus.OK,
            "You are unsubscribed",
            "You will get no more issues. Changed your mind? Subscribe again on the site.",
        )

    # ------------------------------------------------------------------------ helpers

    @contextmanager
    def _store(self) -> Iterator[Store]:
        """This thread's connection to the store, opened once: opening and closing one
        per request (a checkpoint at each close) costs more than the request itself."""
        store = getattr(self._stores, "store", None)
        if store is None:
            store = self._stores.store = Store(self.settings.store_path)
        try:
            yield store
        except StoreError:
            self._stores.store = None  # the next request opens it again
            store.close()
            raise

    def _now(self) -> float:
        return self.clock().timestamp()

    def _token(self, environ: dict[str, Any], purpose: str) -> str:
        token = _query(environ).get("token", "")
        if not token or len(token) > 1000:
            raise TokenError("the link is not valid")
        return read_token(self.settings.secret, purpose, token, now=self._now())

    def _bad_link(self, start: Start, exc: TokenError) -> Iterable[bytes]:
        return self._page(
            start,
            HTTPStatus.BAD_REQUEST,
            "This link does not work",
            f"{str(exc).capitalize()}. Please use the latest link we sent you.",
        )

    def _page(
        self,
        start: Start,
        status: HTTPStatus,
        title: str,
        message: str,
        *,
        button: str | None = None,
        button_label: str = "",
        field: str = "",
        address: str = "",
        extra: list[tuple[str, str]] | None = None,
    ) -> Iterable[bytes]:
        body = render(
            "subscription.html.j2",
            sitename=self.settings.sitename,
            site_url=self.settings.site_url,
            title=title,
            message=message,
            button=button,
            button_label=button_label,
            field=field,
            address=address,
        ).encode("utf-8")
        start(
            f"{status.value} {status.phrase}",
            [*HEADERS, *(extra or []), ("Content-Length", str(len(body)))],
        )
        return [body]


def client(environ: dict[str, Any]) -> str:
    """The client's address; behind a proxy on this machine, the one it reports."""
    remote = environ.get("REMOTE_ADDR", "")
    forwarded = environ.get("HTTP_X_REAL_IP", "").strip()
    if remote in ("127.0.0.1", "::1") and forwarded:
        return forwarded
    return remote


def _query(environ: dict[str, Any]) -> dict[str, str]:
    """The query's fields (the first of each name); none when there are more than 5: our
    links have one, so a longer query is not ours (and is answered as a bad link)."""
    try:
        fields = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=5)
    except ValueError:
        return {}
    return {name: values[0] for name, values in fields.items()}


def read_form(environ: dict[str, Any]) -> dict[str, str] | None:
    """A small urlencoded or multipart form body; None if it is anything else."""
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 <= size <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(size) if size else b""
    kind = environ.get("CONTENT_TYPE", "")
    if kind.startswith("application/x-www-form-urlencoded") or not kind:
        try:
            fields = parse_qs(body.decode("utf-8"), max_num_fields=10, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            return None
        return {name: values[0] for name, values in fields.items()}
    if kind.startswith("multipart/form-data"):
        try:
            return _multipart(kind, body)
        except (LookupError, UnicodeError, ValueError, MessageError):
            return None  # a charset Python does not know, a broken encoding: not a form
    return None


def _multipart(kind: str, body: bytes) -> dict[str, str] | None:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode("latin-1", "replace") + body
    )
    if not message.is_multipart():
        return None
    form = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            form[name] = part.get_content().strip() if part.get_content_maintype() == "text" else ""
    return form


def origins(*urls: str | None) -> frozenset[str]:
    found = set()
    for url in urls:
        if url:
            parts = urlsplit(url)
            found.add(f"{parts.scheme}://{parts.netloc}")
    return frozenset(found)
