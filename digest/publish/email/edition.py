"""Write each issue's email edition (.html, .txt, .eml) under output/email/, each file
whole or not at all (digest.files): `send` never reads half an edition."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from digest import files, stamps
from digest.config import Settings
from digest.models import Edition
from digest.render.series import series_title


def sender_domain(sender: str) -> str:
    """The domain of a From address ("Name <a@example.org>"): Message-IDs and List-Id use it."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def list_id(settings: Settings, series: str | None = None) -> str:
    """The List-Id (RFC 2919) of the site's mail, or of one series' mail:
    `Monitor – Situation reports <report.monitor.example.org>`, a list under the site's own,
    so a reader can keep each series in its own folder and a filter on the site's id still
    matches every series."""
    domain = sender_domain(settings.email_from)
    name = re.sub(r"[^a-z0-9]+", "-", settings.sitename.lower()).strip("-") or "digest"
    if not series:
        return f"{settings.sitename} <{name}.{domain}>"
    return f"{settings.sitename} – {series_title(series)} <{series}.{name}.{domain}>"


def message_id(slug: str, domain: str, *hashed: str, digits: int, label: str = "") -> str:
    """`<slug.[label]hash@domain>`: the same issue and inputs give the same ID on every build
    and every resend, and the hash hides what went into it (an address)."""
    token = hashlib.sha256("\0".join(hashed).encode()).hexdigest()[:digits]
    return f"<{slug}.{label}{token}@{domain}>"


def spoken_minutes(seconds: float) -> int:
    """An audio edition's length as the issue page and the email say it ("12 min"): whole
    minutes, at least one."""
    return max(1, round(seconds / 60))


def audio_link(settings: Settings, page_url: str, slug: str) -> dict[str, str | int]:
    """render_email's `audio_url` and `audio_minutes` for the issue's audio edition, when
    DIGEST_AUDIO is on and its audio was made (the file beside the issue page at
    `page_url`, as its PDF is); else nothing."""
    if not settings.audio:
        return {}
    base = page_url if page_url.endswith("/") else page_url.rpartition("/")[0] + "/"
    prefix = f"{settings.site_url}/"
    if not base.startswith(prefix):
        return {}
    # Imported only now: a site without audio never reads an audio file (nor needs mutagen).
    from digest.publish.audio.info import audio_info

    info = audio_info(
        settings.output_path / base.removeprefix(prefix), slug, format=settings.audio_format
    )
    if info is None:
        return {}
    return {"audio_url": f"{base}{info.path.name}", "audio_minutes": spoken_minutes(info.duration)}


def stamp_start(settings: Settings) -> Any:
    """What every edition's stamp begins with: digest's code and the settings it is made
    with (stamps.fingerprint_start)."""
    return stamps.fingerprint_start(
        stamps.code_fingerprint(),
        repr((settings.sitename, settings.language, settings.email_from)),
        repr(settings.period_style),
        # What the issue is read with (not the feed URLs: local paths move with the project).
        repr((settings.sections, [(s.name, s.domains, s.language) for s in settings.sources])),
    )


def write_email_edition(
    edition: Edition,
    settings: Settings,
    folder: Path,
    *,
    page_url: str,
    pdf_url: str,
    date: datetime,
    source: Path | None = None,
    stamped: Any = None,
) -> bool:
    """True when any of the three files was written; unchanged inputs render nothing.

    `source`, the issue file: when it is older than the stamp, the issue is not compared.
    `stamped`: stamp_start(settings), for a caller that writes many editions.
    """
    outputs = [folder / f"{edition.slug}{suffix}" for suffix in (".html", ".txt", ".eml")]
    audio = audio_link(settings, page_url, edition.slug)
    made = stamps.Stamp(
        folder / f".{edition.slug}.email-cache",
        stamps.fingerprint_after(
            stamp_start(settings) if stamped is None else stamped,
            repr((page_url, pdf_url, date.isoformat())),
            *([repr(sorted(audio.items()))] if audio else []),  # without: as before
        ),
    )

    def key() -> str:
        return stamps.fingerprint(repr(edition))

    if made.is_current(outputs, [source] if source else [], key):
        return False
    # Imported only now: the renderer (BeautifulSoup, CSS inlining) is slow to import, and a
    # rebuild usually renders one edition or none.
    from digest.publish.email.message import build_message
    from digest.publish.email.render import render_email

    email = render_email(
        edition,
        sitename=settings.sitename,
        page_url=page_url,
        pdf_url=pdf_url,
        language=settings.language,
        period_style=settings.period_style,
        **audio,
    )
    sender = settings.email_from
    message = build_message(
        email,
        sender=sender,
        to=sender,
        message_id=message_id(
            edition.slug,
            sender_domain(sender),
            settings.sitename,
            edition.slug,
            digits=20,
        ),
        date=date,
        list_id=list_id(settings, edition.series),
    )
    data = (email.html.encode(), email.text.encode(), message)
    changed = [files.write_if_changed(path, body) for path, body in zip(outputs, data, strict=True)]
    made.record(key())
    return any(changed)
