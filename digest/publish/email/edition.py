"""Write each issue's email edition (.html, .txt, .eml) under output/email/, each file
whole or not at all (digest.files): `send` never reads half an edition."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import files, stamps
from digest.models import Edition
from digest.periods import PeriodStyle
from digest.render.series import series_title

if TYPE_CHECKING:  # the email worker imports this module, and needs no settings (Pelican)
    from digest.config import Settings


def sender_domain(sender: str) -> str:
    """The domain of a From address ("Name <a@example.org>"): Message-IDs and List-Id use it."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def list_id(settings: Settings, series: str | None = None) -> str:
    """The List-Id (RFC 2919) of the site's mail, or of one series' mail:
    `Monitor – Situation reports <report.monitor.example.org>`, a list under the site's own,
    so a reader can keep each series in its own folder and a filter on the site's id still
    matches every series."""
    return _list_id(settings.sitename, settings.email_from, series)


def _list_id(sitename: str, sender: str, series: str | None) -> str:
    domain = sender_domain(sender)
    name = re.sub(r"[^a-z0-9]+", "-", sitename.lower()).strip("-") or "digest"
    if not series:
        return f"{sitename} <{name}.{domain}>"
    return f"{sitename} – {series_title(series)} <{series}.{name}.{domain}>"


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


@dataclass(frozen=True)
class EmailJob:
    """What one edition is rendered from, all picklable: the build hands it to a worker
    process (digest/publish/email/worker.py)."""

    edition: Edition
    sitename: str
    language: str
    period_style: PeriodStyle
    sender: str
    page_url: str
    pdf_url: str
    date: datetime
    audio: tuple[tuple[str, str | int], ...]  # audio_link's


@dataclass(frozen=True)
class Stale:
    """An edition to render, and where it goes."""

    job: EmailJob
    outputs: tuple[Path, Path, Path]  # .html, .txt, .eml
    stamp: stamps.Stamp

    def write(self, rendered: tuple[bytes, bytes, bytes]) -> bool:
        """True when any of the three files changed; then the stamp records the inputs."""
        pairs = zip(self.outputs, rendered, strict=True)
        written = [files.write_if_changed(path, body) for path, body in pairs]
        self.stamp.record(stamps.fingerprint(repr(self.job.edition)))
        return any(written)


def stale_edition(
    edition: Edition,
    settings: Settings,
    folder: Path,
    *,
    page_url: str,
    pdf_url: str,
    date: datetime,
    source: Path | None = None,
    stamped: Any = None,
) -> Stale | None:
    """The edition to render, or None when its files are current.

    `source`, the issue file: when it is older than the stamp, the issue is not compared.
    `stamped`: stamp_start(settings), for a caller that looks at many editions.
    """
    outputs = (
        folder / f"{edition.slug}.html",
        folder / f"{edition.slug}.txt",
        folder / f"{edition.slug}.eml",
    )
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
        return None
    job = EmailJob(
        edition,
        settings.sitename,
        settings.language,
        settings.period_style,
        settings.email_from,
        page_url,
        pdf_url,
        date,
        tuple(audio.items()),
    )
    return Stale(job, outputs, made)


def render_edition(job: EmailJob) -> tuple[bytes, bytes, bytes]:
    """The edition's .html, .txt and .eml."""
    # Imported only now: the renderer (BeautifulSoup, CSS inlining) is slow to import, and a
    # rebuild usually renders one edition or none.
    from digest.publish.email.message import build_message
    from digest.publish.email.render import render_email

    edition = job.edition
    email = render_email(
        edition,
        sitename=job.sitename,
        page_url=job.page_url,
        pdf_url=job.pdf_url,
        language=job.language,
        period_style=job.period_style,
        **dict(job.audio),
    )
    message = build_message(
        email,
        sender=job.sender,
        to=job.sender,
        message_id=message_id(
            edition.slug,
            sender_domain(job.sender),
            job.sitename,
            edition.slug,
            digits=20,
        ),
        date=job.date,
        list_id=_list_id(job.sitename, job.sender, edition.series),
    )
    return email.html.encode(), email.text.encode(), message


def write_email_edition(edition: Edition, settings: Settings, folder: Path, **where: Any) -> bool:
    """True when any of the three files was written; unchanged inputs render nothing.
    `where`: stale_edition's keywords (page_url, pdf_url, date, source, stamped)."""
    stale = stale_edition(edition, settings, folder, **where)
    return stale is not None and stale.write(render_edition(stale.job))
