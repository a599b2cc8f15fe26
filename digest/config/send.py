"""The settings of sending: the SMTP server, the pace, the unsubscribe links, the outbox.

Each setting is declared on the field it fills (config/schema.py); config.validate() reads
them with the others, so every problem is reported together. Secrets are not settings: the
SMTP password (DIGEST_SMTP_PASSWORD) and the key that signs unsubscribe links
(DIGEST_SECRET_KEY) come from the environment, read by the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from digest.config.schema import (
    Invalid,
    Reading,
    existing_file,
    group,
    number,
    optional,
    project_path,
    setting,
)

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


def _smtp_url(value: Any, reading: Reading) -> SmtpServer:
    try:
        return parse_smtp_url(str(value))
    except ValueError as exc:
        raise Invalid(str(exc)) from exc


def _ca_file(value: Any, reading: Reading) -> str:
    found = existing_file(value, reading)
    if found is None:
        raise Invalid(f"{value!r} is not a file")
    return str(found)


def _unsubscribe_url(value: Any, reading: Reading) -> str | None:
    if value is None:  # the subscriptions service's own one-click endpoint, if it is https
        service = reading.value("DIGEST_SUBSCRIPTIONS_URL")
        service = service.rstrip("/") if isinstance(service, str) else ""
        return f"{service}/unsubscribe" if service.startswith("https://") else None
    if (
        not isinstance(value, str)
        or not value.startswith("https://")
        or not value.isascii()
        or any(c in value for c in " <>,#\"'\r\n")
    ):
        raise Invalid(
            "must be an https:// address (one-click unsubscribe needs HTTPS, RFC 8058), "
            "ASCII, without spaces, quotes, <, > or #"
        )
    return value


def _mailbox(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or "@" not in value or any(c in value for c in " <>,\r\n"):
        raise Invalid("must be one email address")
    return value


def _service_url(value: Any, reading: Reading) -> str:
    if (
        not isinstance(value, str)
        or not value.startswith(("https://", "http://"))
        or not value.isascii()
        or any(c in value for c in " <>\"'?#\r\n")
    ):
        raise Invalid(
            "must be the service's public http(s) address, without ? or #, "
            "e.g. 'https://example.org/subscriptions'"
        )
    return value.rstrip("/")


def _days(value: Any, reading: Reading) -> int:
    days = number(1, 365)(value, reading)
    if days != int(days):
        raise Invalid(f"must be a whole number of days, got {days!r}")
    return int(days)


def _signing(reading: Reading) -> bool:
    return any(reading.value(n) is not None for n in ("DIGEST_DKIM_KEY", "DIGEST_DKIM_SELECTOR"))


def _dkim_key(value: Any, reading: Reading) -> Path:
    found = existing_file(value, reading)
    if found is None:
        raise Invalid(f"{value!r} is not a file (the PEM private key)")
    return found


def _dkim_selector(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        raise Invalid("must be a DNS label such as 'digest2024'")
    return value


def _dkim_domain(value: Any, reading: Reading) -> str:
    domain = value or parseaddr(str(reading.value("DIGEST_EMAIL_FROM")))[1].rpartition("@")[2]
    if not isinstance(domain, str) or not re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", domain):
        raise Invalid(f"{domain!r} is not a domain name")
    return domain


@dataclass(frozen=True)
class DkimSettings:
    """Wanted once a key or a selector is set; then all three must be right."""

    key: Path = setting(
        "DIGEST_DKIM_KEY",
        None,
        "DKIM private key (PEM file, relative to the config): sign mail.",
        _dkim_key,
    )
    selector: str = setting(
        "DIGEST_DKIM_SELECTOR",
        None,
        "DKIM selector: the DNS record is <selector>._domainkey.",
        _dkim_selector,
    )
    domain: str = setting(
        "DIGEST_DKIM_DOMAIN",
        None,
        "DKIM signing domain; default: the From address's domain.",
        _dkim_domain,
    )


@dataclass(frozen=True)
class SendSettings:
    # The mail server; `server` below is the one digest connects to.
    smtp_url: SmtpServer | None = setting(
        "DIGEST_SMTP_URL",
        None,
        "Mail server: smtp://user@host:587 (STARTTLS), smtps://user@host:465 or "
        "smtp+plain://host:25; the password is read from DIGEST_SMTP_PASSWORD.",
        optional(_smtp_url),
    )
    smtp_timeout: float = setting(
        "DIGEST_SMTP_TIMEOUT",
        SmtpServer.timeout,
        "Seconds to wait for the mail server's answer.",
        number(1, 600),
    )
    smtp_ca_file: str | None = setting(
        "DIGEST_SMTP_CA_FILE",
        None,
        "A private CA (PEM) to trust for the mail server's TLS.",
        optional(_ca_file),
    )
    # Links and addresses in every message.
    unsubscribe_url: str | None = setting(  # https; each message gets ?token=... appended
        "DIGEST_UNSUBSCRIBE_URL",
        None,
        "HTTPS address of the one-click unsubscribe service; each message links to it "
        "with the reader's own signed token. Default: DIGEST_SUBSCRIPTIONS_URL/unsubscribe.",
        _unsubscribe_url,
    )
    unsubscribe_mailto: str | None = setting(
        "DIGEST_UNSUBSCRIBE_MAILTO",
        None,
        "Address that unsubscribes whoever writes to it.",
        optional(_mailbox),
    )
    outbox: Path = setting(  # one Maildir an issue
        "DIGEST_OUTBOX",
        "outbox",
        "Folder (relative to the config) where dry runs write mail.",
        project_path("folder"),
    )
    # The subscriptions service (`digest serve-subscriptions`).
    subscriptions_url: str | None = setting(
        "DIGEST_SUBSCRIPTIONS_URL",
        None,
        "Public address of `digest serve-subscriptions` (its links in emails and pages).",
        optional(_service_url),
    )
    bounce_threshold: float = setting(
        "DIGEST_BOUNCE_THRESHOLD",
        5.0,
        "Bounce score (30 days) that stops mail to an address.",
        number(1, 1000),
    )
    pending_days: int = setting(
        "DIGEST_PENDING_DAYS",
        7,
        "Days a subscribe request waits for its confirmation link; then it is forgotten.",
        _days,
    )
    # Signing; None when neither a key nor a selector is set.
    dkim: DkimSettings | None = group(DkimSettings, when=_signing)
    # The pace of a send.
    rate: float = setting(
        "DIGEST_SEND_RATE",
        10,
        "Messages sent per second, over all connections; 0: no limit.",
        number(0, 100_000),
    )
    connections: int = setting(
        "DIGEST_SEND_CONNECTIONS", 2, "SMTP connections used at once.", number(1, 64, int)
    )
    retries: int = setting(  # a lost connection counts as a refusal for now
        "DIGEST_SEND_RETRIES",
        5,
        "Attempts for a delivery the server refuses for now (4xx).",
        number(1, 100, int),
    )
    max_errors: int = setting(
        "DIGEST_SEND_MAX_ERRORS",
        20,
        "Failed deliveries in a row that pause a send.",
        number(1, 100_000, int),
    )
    # The server digest connects to: the URL's, with its timeout and CA; None when
    # DIGEST_SMTP_URL is not set (dry runs still work).
    server: SmtpServer | None = field(init=False)

    def __post_init__(self) -> None:
        # Sending and the subscriptions mailer are handed the server, not the settings.
        server = self.smtp_url
        if server is not None:
            server = replace(server, timeout=self.smtp_timeout, ca_file=self.smtp_ca_file)
        object.__setattr__(self, "server", server)
