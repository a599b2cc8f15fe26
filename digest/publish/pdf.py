"""Issue page + print.css -> PDF with WeasyPrint, only when the page or stylesheet changed.

WeasyPrint fetches nothing but our own output and theme files: every other URL (file:
outside those folders, http(s), anything) is refused, so item HTML cannot make the PDF
read local files or reach the network.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.errors import RenderError
from digest.publish import stamps

log = logging.getLogger(__name__)

CACHE_NAME = ".pdf-cache"


@dataclass(frozen=True)
class PdfJob:
    slug: str
    page: Path  # output/issues/<slug>/index.html
    target: Path  # output/issues/<slug>/<slug>.pdf


# The theme wraps what is never printed (links to the previous and next issue) in these
# markers, so adding an issue does not make the previous issue's PDF again.
_SCREEN_ONLY = re.compile(rb"<!--digest:screen-only-->.*?<!--/digest:screen-only-->", re.DOTALL)


def fingerprint(page: Path) -> str:
    """The printed page."""
    return stamps.fingerprint(_SCREEN_ONLY.sub(b"", page.read_bytes()))


def style_token(page_size: str, stylesheets: Sequence[Path]) -> str:
    """The page size and the theme's stylesheets, read once a build: a style change makes
    every PDF again. The theme folder is copied on every build, so these files' times say
    nothing; the pages', written only when they change, keep the stamps' fast path."""
    return stamps.fingerprint(page_size, *(path.read_bytes() for path in stylesheets))[:16]


def stamp(job: PdfJob, style: str) -> stamps.Stamp:
    return stamps.Stamp(job.target.with_name(CACHE_NAME), style)


def _fetcher(allowed: Sequence[Path]):
    import mimetypes
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [p.resolve() for p in allowed]

    class LocalOnlyFetcher(URLFetcher):
        """Serves files under our output and theme folders, and data: URLs; nothing else."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"refused {url[:100]}")

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf(job: PdfJob, *, page_size: str, style: str, output: Path, theme: Path) -> bool:
    """Render one issue's PDF; False when the cached PDF is still current.

    `style`: style_token() of `page_size` and the stylesheets the page links (WeasyPrint
    loads them through the page).
    """
    made = stamp(job, style)
    if made.is_current([job.target], [job.page], lambda: fingerprint(job.page)):
        return False
    import weasyprint  # half a second to import: only when a PDF is made

    fetcher = _fetcher([output, theme])
    size = weasyprint.CSS(string=f"@page {{ size: {page_size}; }}", url_fetcher=fetcher)
    try:
        document = weasyprint.HTML(filename=str(job.page), url_fetcher=fetcher, media_type="print")
        pdf = document.write_pdf(stylesheets=[size])
    except Exception as exc:  # WeasyPrint raises many types; one issue's failure is reported
        raise RenderError(f"{job.slug}: could not make the PDF: {exc}") from exc
    job.target.write_bytes(pdf)
    made.record(fingerprint(job.page))
    log.debug("%s: PDF written (%d bytes)", job.slug, len(pdf))
    return True
