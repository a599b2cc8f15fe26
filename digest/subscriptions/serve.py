"""`digest serve-subscriptions`: the WSGI application from the settings, served by waitress.

`make_app(settings, secret, password, clock=...)` takes the time from its caller (the
`digest` command hands down its clock). `wsgi_application()` is what a production WSGI
server (gunicorn, uWSGI) imports; see the README for a module path and an nginx snippet.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from digest.clock import now
from digest.config import Settings
from digest.errors import DeliveryError
from digest.subscriptions.app import ServiceSettings, SubscriptionApp, origins
from digest.subscriptions.mailer import Mailer


def make_app(
    settings: Settings, secret: bytes, password: str = "", *, clock: Callable[[], datetime]
) -> SubscriptionApp:
    send = settings.send
    if not send.subscriptions_url:
        raise DeliveryError(
            "DIGEST_SUBSCRIPTIONS_URL is not set: give the address the service is published at"
        )
    if not secret:
        raise DeliveryError(
            "DIGEST_SECRET_KEY is not set in the environment: it signs every link the "
            "service sends and checks (use the same one as `digest send`)"
        )
    if send.server is None:
        raise DeliveryError("DIGEST_SMTP_URL is not set: confirmation emails need a mail server")
    service = ServiceSettings(
        sitename=settings.sitename,
        site_url=(settings.site_url or send.subscriptions_url) + "/",
        base_url=send.subscriptions_url,
        allowed_origins=origins(settings.site_url, send.subscriptions_url),
        store_path=settings.store_path,
        secret=secret,
        pending_days=send.pending_days,
    )
    mailer = Mailer(replace(send.server, password=password), settings.sitename,
                    settings.email_from, clock, days=send.pending_days)  # fmt: skip
    return SubscriptionApp(service, mailer.send, clock=clock)


def wsgi_application():
    """For a WSGI server: settings from DIGEST_CONFIG (default ./pelican.conf.py)."""
    from digest import config

    settings = config.load(os.environ.get("DIGEST_CONFIG", "pelican.conf.py"))
    return make_app(
        settings,
        os.environ.get("DIGEST_SECRET_KEY", "").encode(),
        os.environ.get("DIGEST_SMTP_PASSWORD", ""),
        # No `digest` command above a WSGI server to hand down its clock: the one clock itself.
        clock=now,
    )


def serve(app: SubscriptionApp, host: str, port: int, threads: int = 4) -> None:
    import waitress

    waitress.serve(
        app, host=host, port=port, threads=threads, ident="digest", max_request_body_size=16384
    )
