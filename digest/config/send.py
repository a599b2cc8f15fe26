"""The settings of sending: the SMTP server, the pace, the unsubscribe links, the outbox.

Declared here, read by config.validate() with the others (every problem reported together).
Secrets are not settings: the SMTP password (DIGEST_SMTP_PASSWORD) and the key that signs
unsubscribe links (DIGEST_SECRET_KEY) come from the environment, read by the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

# DIGEST_SMTP_URL: `smtp://user@host:587` (STARTTLS, required), `smtps://user@host:465` (TLS
# from the first byte) or `smtp+plain://host:25` (no TLS: only for a relay on this machine or
# a trusted network).
SCHEMES = {"smtp": 587, "smtps": 465, "smtp+plain": 25}
_LOCAL = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpServer:
    scheme: str  # smtp (STARTTLS), smtps (TLS), smtp+plain
    host: str
    port: int
    username: str = ""
    password: str = ""
    timeout: float = 30.0
    ca_file: str | None = None  # a private CA to trust, beside the system's

    @property
    def name(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server a DIGEST_SMTP_URL names; ValueError with the reason if it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"{url!r}: the scheme must be one of smtp://, smtps://, smtp+plain://")
    if parts.password is not None:
        raise ValueError("put the password in the DIGEST_SMTP_PASSWORD environment variable")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host name")
    if parts.scheme == "smtp+plain" and parts.username and parts.hostname not in _LOCAL:
        raise ValueError(
            "a login over smtp+plain:// would send the password in clear: use smtp:// "
            "(STARTTLS) or smtps:// for a server that is not on this machine"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{url!r}: only scheme://[user@]host[:port] is read")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise ValueError(f"{url!r}: {exc}") from exc
    return SmtpServer(parts.scheme, parts.hostname, port, unquote(parts.username or ""))


@dataclass(frozen=True)
class DkimSettings:
    key: Path  # PEM private key
    selector: str
    domain: str


@dataclass(frozen=True)
class SendSettings:
    server: SmtpServer | None  # None: DIGEST_SMTP_URL not set (dry runs still work)
    rate: float  # messages a second over all connections; 0: no limit
    connections: int
    retries: int  # attempts for a delivery that fails for now (4xx, connection lost)
    max_errors: int  # failed deliveries in a row that pause the run
    unsubscribe_url: str | None  # https; each message gets ?token=... appended
    unsubscribe_mailto: str | None
    outbox: Path  # where dry runs write the messages (one Maildir an issue)
    dkim: DkimSettings | None = None
    subscriptions_url: str | None = None  # where `digest serve-subscriptions` is published
    bounce_threshold: float = 5.0
    pending_days: int = 7  # a subscribe request waits this long for its confirmation


# (name, default, help): config.SETTINGS lists these with the others.
DECLARED: tuple[tuple[str, Any, str], ...] = (
    (
        "DIGEST_SMTP_URL",
        None,
        "Mail server: smtp://user@host:587 (STARTTLS), smtps://user@host:465 or "
        "smtp+plain://host:25; the password is read from DIGEST_SMTP_PASSWORD.",
    ),
    ("DIGEST_SMTP_TIMEOUT", 30, "Seconds to wait for the mail server's answer."),
    ("DIGEST_SMTP_CA_FILE", None, "A private CA (PEM) to trust for the mail server's TLS."),
    ("DIGEST_SEND_RATE", 10, "Messages sent per second, over all connections; 0: no limit."),
    ("DIGEST_SEND_CONNECTIONS", 2, "SMTP connections used at once."),
    ("DIGEST_SEND_RETRIES", 5, "Attempts for a delivery the server refuses for now (4xx)."),
    ("DIGEST_SEND_MAX_ERRORS", 20, "Failed deliveries in a row that pause a send."),
    (
        "DIGEST_UNSUBSCRIBE_URL",
        None,
        "HTTPS address of the one-click unsubscribe service; each message links to it "
        "with the reader's own signed token. Default: DIGEST_SUBSCRIPTIONS_URL/unsubscribe.",
    ),
    ("DIGEST_UNSUBSCRIBE_MAILTO", None, "Address that unsubscribes whoever writes to it."),
    ("DIGEST_OUTBOX", "outbox", "Folder (relative to the config) where dry runs write mail."),
    (
        "DIGEST_SUBSCRIPTIONS_URL",
        None,
        "Public address of `digest serve-subscriptions` (its links in emails and pages).",
    ),
    ("DIGEST_BOUNCE_THRESHOLD", 5.0, "Bounce score (30 days) that stops mail to an address."),
    (
        "DIGEST_PENDING_DAYS",
        7,
        "Days a subscribe request waits for its confirmation link; then it is forgotten.",
    ),
    ("DIGEST_DKIM_KEY", None, "DKIM private key (PEM file, relative to the config): sign mail."),
    ("DIGEST_DKIM_SELECTOR", None, "DKIM selector: the DNS record is <selector>._domainkey."),
    ("DIGEST_DKIM_DOMAIN", None, "DKIM signing domain; default: the From address's domain."),
)


def read(
    get: Callable[[str], Any], root: Path, problems: list[str], number: Callable, sender: str
) -> SendSettings:
    server = None
    url = get("DIGEST_SMTP_URL")
    if url is not None:
        try:
            server = parse_smtp_url(str(url))
        except ValueError as exc:
            problems.append(f"DIGEST_SMTP_URL: {exc}")
    timeout = number("DIGEST_SMTP_TIMEOUT", get("DIGEST_SMTP_TIMEOUT"), 1, 600, problems)
    ca_file = get("DIGEST_SMTP_CA_FILE")
    if ca_file is not None:
        if not isinstance(ca_file, (str, Path)) or not (root / str(ca_file)).is_file():
            problems.append(f"DIGEST_SMTP_CA_FILE: {ca_file!r} is not a file")
        else:
            ca_file = str((root / str(ca_file)).resolve())
    if server is not None:
        server = SmtpServer(
            server.scheme, server.host, server.port, server.username, "", float(timeout), ca_file
        )
    unsubscribe = get("DIGEST_UNSUBSCRIBE_URL")
    if unsubscribe is not None and (
        not isinstance(unsubscribe, str)
        or not unsubscribe.startswith("https://")
        or not unsubscribe.isascii()
        or any(c in unsubscribe for c in " <>,#\"'\r\n")
    ):
        problems.append(
            "DIGEST_UNSUBSCRIBE_URL: must be an https:// address (one-click unsubscribe needs "
            "HTTPS, RFC 8058), ASCII, without spaces, quotes, <, > or #"
        )
    mailto = get("DIGEST_UNSUBSCRIBE_MAILTO")
    if mailto is not None and (
        not isinstance(mailto, str) or "@" not in mailto or any(c in mailto for c in " <>,\r\n")
    ):
        problems.append("DIGEST_UNSUBSCRIBE_MAILTO: must be one email address")
    outbox = get("DIGEST_OUTBOX")
    if not isinstance(outbox, (str, Path)) or not str(outbox).strip():
        problems.append("DIGEST_OUTBOX: must be a folder path")
        outbox = "outbox"
    service = get("DIGEST_SUBSCRIPTIONS_URL")
    if service is not None and (
        not isinstance(service, str)
        or not service.startswith(("https://", "http://"))
        or not service.isascii()
        or any(c in service for c in " <>\"'?#\r\n")
    ):
        problems.append(
            "DIGEST_SUBSCRIPTIONS_URL: must be the service's public http(s) address, "
            "without ? or #, e.g. 'https://example.org/subscriptions'"
        )
    threshold = number("DIGEST_BOUNCE_THRESHOLD", get("DIGEST_BOUNCE_THRESHOLD"), 1, 1000, problems)
    pending_days = number("DIGEST_PENDING_DAYS", get("DIGEST_PENDING_DAYS"), 1, 365, problems)
    if pending_days != int(pending_days):
        problems.append(
            f"DIGEST_PENDING_DAYS: must be a whole number of days, got {pending_days!r}"
        )
    service = service.rstrip("/") if isinstance(service, str) else None
    if unsubscribe is None and service and service.startswith("https://"):
        unsubscribe = f"{service}/unsubscribe"  # the service's own one-click endpoint
    return SendSettings(
        subscriptions_url=service,
        bounce_threshold=float(threshold),
        pending_days=int(pending_days),
        dkim=_dkim(get, root, problems, sender),
        server=server,
        rate=float(number("DIGEST_SEND_RATE", get("DIGEST_SEND_RATE"), 0, 100_000, problems)),
        connections=int(
            number("DIGEST_SEND_CONNECTIONS", get("DIGEST_SEND_CONNECTIONS"), 1, 64, problems)
        ),
        retries=int(number("DIGEST_SEND_RETRIES", get("DIGEST_SEND_RETRIES"), 1, 100, problems)),
        max_errors=int(
            number("DIGEST_SEND_MAX_ERRORS", get("DIGEST_SEND_MAX_ERRORS"), 1, 100_000, problems)
        ),
        unsubscribe_url=unsubscribe,
        unsubscribe_mailto=mailto,
        outbox=(root / str(outbox)).resolve(),
    )


def _dkim(
    get: Callable[[str], Any], root: Path, problems: list[str], sender: str
) -> DkimSettings | None:
    key, selector = get("DIGEST_DKIM_KEY"), get("DIGEST_DKIM_SELECTOR")
    domain = get("DIGEST_DKIM_DOMAIN") or parseaddr(sender)[1].rpartition("@")[2]
    if key is None and selector is None:
        return None
    if not isinstance(key, (str, Path)) or not (root / str(key)).is_file():
        problems.append(f"DIGEST_DKIM_KEY: {key!r} is not a file (the PEM private key)")
        return None
    if not isinstance(selector, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", selector):
        problems.append("DIGEST_DKIM_SELECTOR: must be a DNS label such as 'digest2024'")
        return None
    if not isinstance(domain, str) or not re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", domain):
        problems.append(f"DIGEST_DKIM_DOMAIN: {domain!r} is not a domain name")
        return None
    return DkimSettings((root / str(key)).resolve(), selector, domain)
