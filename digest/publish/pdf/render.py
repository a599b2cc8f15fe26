"""The WeasyPrint side of the PDF: runs inside a PDF worker (digest.publish.pdf.workers).

The PDF is the built issue page with print.css (screen.css is linked for media="screen"
only), through WeasyPrint, as a tagged PDF (PDF/UA-1) whose outline follows the page's
headings. WeasyPrint fetches nothing but our own output and theme files and data: URLs:
any other URL (file: outside those folders, /dev/*, http(s), anything) is refused, so item
HTML cannot make the PDF read local files or reach the network, and no file is ever
attached to the PDF.

A worker (digest.publish.pdf.workers) calls setup() once (fonts, the page-size stylesheet)
and work() for each issue. WeasyPrint is imported inside them, so the build process, which
only hands out the jobs, never pays for the import.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from digest import files

VARIANT = "pdf/ua-1"  # tagged, with the document title shown and the language set


@dataclass(frozen=True)
class RenderSettings:
    page_size: str  # "A4" or "Letter"
    roots: tuple[Path, ...]  # folders the fetcher serves files from; the first is output/
    created: str | None  # W3C date for the PDF's creation and modification dates
    site_url: str  # where output/ is published: the PDF's links to the site lead there


@dataclass(frozen=True)
class PdfJob:
    slug: str
    page: Path  # output/issues/<slug>/index.html
    target: Path  # output/issues/<slug>/<slug>.pdf


def partial_path(target: Path) -> Path:
    """Where an older digest wrote a PDF before it replaced `target` (a killed render left
    it; pdf.py still removes it). PDFs are now written through digest.files."""
    return target.with_name(f".{target.name}.partial")


def _fetcher(roots: tuple[Path, ...]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    resolved = [root.resolve() for root in roots]

    class LocalOnlyFetcher(URLFetcher):
        """Serves files under our output and theme folders, and data: URLs; nothing else."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                # is_file(): a device (/dev/zero) or a folder is never read, wherever it is.
                if any(path.is_relative_to(root) for root in resolved) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"refused {url[:100]}")

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


@dataclass
class Renderer:
    settings: RenderSettings
    fetcher: Any
    fonts: Any  # weasyprint FontConfiguration, shared: print.css's fonts load once
    size: Any  # the @page size stylesheet


def _public(link: tuple, published: str, site_url: str) -> tuple | None:
    """A link as a reader of the PDF can follow it: the page's relative links (to the
    site's sections, its home) lead to the published site, not to the build machine's
    files; a link to any other local file, or one that would attach a file, is dropped."""
    kind, target, *rest = link
    if kind == "attachment":
        return None
    if kind == "external" and target.startswith("file:"):
        if site_url and target.startswith(published):
            return (kind, f"{site_url}/{target[len(published) :]}", *rest)
        return None
    return link


def setup(settings: RenderSettings) -> Renderer:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher(settings.roots)
    fonts = FontConfiguration()
    size = weasyprint.CSS(
        string=f"@page {{ size: {settings.page_size}; }}", url_fetcher=fetcher, font_config=fonts
    )
    return Renderer(settings, fetcher, fonts, size)


def work(renderer: Renderer, job: PdfJob) -> int:
    """Write one issue's PDF (atomically); returns its page count."""
    import weasyprint

    html = weasyprint.HTML(filename=str(job.page), url_fetcher=renderer.fetcher, media_type="print")
    document = html.render(stylesheets=[renderer.size], font_config=renderer.fonts)
    document.metadata.attachments = []  # <link rel="attachment">: never embed a file
    published = renderer.settings.roots[0].resolve().as_uri() + "/"
    site = renderer.settings.site_url
    for page in document.pages:
        links = (_public(link, published, site) for link in page.links)
        page.links[:] = [link for link in links if link is not None]
    if renderer.settings.created:
        document.metadata.created = renderer.settings.created
        document.metadata.modified = renderer.settings.created
    # Whole or not at all, fsynced before it replaces the old PDF (digest.files).
    with files.atomic_writer(job.target, "wb") as stream:
        document.write_pdf(stream, pdf_variant=VARIANT)
    return len(document.pages)
