"""The WeasyPrint side of the PDF: runs inside a PDF worker (digest.publish.pdf.workers).

The PDF is the built issue page with print.css (screen.css is linked for media="screen"
only), through WeasyPrint, as a tagged PDF (PDF/UA-1) whose outline follows the page's
headings. WeasyPrint fetches nothing but our own output and theme files and data: URLs:
any other URL (file: outside those folders, /dev/*, http(s), anything) is refused, so item
HTML cannot make the PDF read local files or reach the network, and no file is ever
attached to the PDF.

Fonts: the PDF is set in the theme's bundled fonts and no other. Before WeasyPrint (and
through it fontconfig and Pango) is loaded, setup() points FONTCONFIG_FILE at a config
that lists only the theme's font folder, so neither the CSS nor a fallback for a letter
the bundled fonts lack can reach the build machine's fonts (a system DejaVu made the PDF's
bytes depend on the machine). A character no bundled font has is replaced by a note in
brackets before layout (digest.publish.pdf.glyphs), never printed as a box, and work()
returns what was left out, for the build's warning.

A worker (digest.publish.pdf.workers) calls setup() once (fonts, the page-size stylesheet,
what WeasyPrint need not do again for each issue: digest.publish.pdf.reuse) and work() for
each issue. WeasyPrint is imported inside them, so the build process, which only hands out
the jobs, never pays for the import.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from digest import files, user_cache
from digest.errors import RenderError
from digest.publish.pdf import glyphs

VARIANT = "pdf/ua-1"  # tagged, with the document title shown and the language set


@dataclass(frozen=True)
class RenderSettings:
    page_size: str  # "A4" or "Letter"
    roots: tuple[Path, ...]  # folders the fetcher serves files from; the first is output/
    created: str | None  # W3C date for the PDF's creation and modification dates
    site_url: str  # where output/ is published: the PDF's links to the site lead there
    fonts: tuple[Path, ...]  # folders of the only fonts the PDF may use


# What fontconfig reads in a font folder: TrueType and OpenType. The WOFF and WOFF2 copies
# there are the site's, the same faces compressed.
FONT_FILES = (".ttf", ".otf")
# Never printed: its text needs no font.
_UNPRINTED = frozenset({"script", "style", "template"})
# The theme wraps what is never printed (links to the previous and next issue) in these
# markers: adding an issue does not make the previous issue's PDF again, and the titles of
# its neighbours are no part of an issue's PDF (nor of what it cannot print).
_SCREEN_ONLY = re.compile(rb"<!--digest:screen-only-->.*?<!--/digest:screen-only-->", re.DOTALL)


def printed_part(page: bytes) -> bytes:
    """The built page without what only screens show."""
    return _SCREEN_ONLY.sub(b"", page)


@dataclass(frozen=True)
class Printed:
    """What work() made: the page count, and the characters left out for want of a font."""

    pages: int
    missing: tuple[glyphs.Missing, ...] = ()


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
    covered: frozenset[int] = field(default_factory=frozenset)  # what the fonts can print
    reused: bool = False  # digest.publish.pdf.reuse's changes are made


def font_files(folders: Sequence[Path]) -> list[Path]:
    return sorted(
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.iterdir()
        if path.suffix.lower() in FONT_FILES
    )


def fontconfig_file(folders: Sequence[Path], scratch: Path) -> Path:
    """A fontconfig configuration that knows the fonts of `folders` and nothing else: no
    system folders, no user's ~/.fonts, no aliases mapping "serif" to a system face."""
    root = ElementTree.Element("fontconfig")
    for folder in folders:
        ElementTree.SubElement(root, "dir").text = str(folder.resolve())
    ElementTree.SubElement(root, "cachedir").text = str(scratch / "cache")
    reject = ElementTree.SubElement(ElementTree.SubElement(root, "selectfont"), "rejectfont")
    for pattern in ("*.woff", "*.woff2"):
        ElementTree.SubElement(reject, "glob").text = pattern
    path = scratch / "fonts.conf"
    # Whole or not at all: workers starting together write the same file.
    files.write_bytes(
        path,
        b'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        + ElementTree.tostring(root),
    )
    return path


def coverage(folders: Sequence[Path]) -> frozenset[int]:
    """Every character some font of `folders` has a glyph for."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in font_files(folders):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def kept_coverage(folders: Sequence[Path], scratch: Path) -> frozenset[int]:
    """coverage(folders), kept in `scratch` under the fonts' own bytes: reading every
    font's character map cost each worker about 0.06 CPU-s at its start, and the worker
    of a rebuild's one new PDF is what the build waits for last."""
    fonts = font_files(folders)
    key = hashlib.sha256()
    for path in fonts:
        key.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    kept = scratch / f"coverage-{key.hexdigest()[:24]}.json"
    try:
        known = json.loads(kept.read_bytes())
    except (OSError, ValueError):
        known = None  # not made yet, or spoiled: made again below
    if isinstance(known, list) and all(type(code) is int for code in known):
        return frozenset(known)
    covered = coverage(folders)
    files.write_bytes(kept, json.dumps(sorted(covered)).encode("ascii"))
    return covered


def _only_bundled_fonts(folders: Sequence[Path]) -> None:
    """Point fontconfig at the bundled fonts alone. It reads FONTCONFIG_FILE when first
    loaded, which WeasyPrint's import does: so before that, in this fresh process."""
    if "weasyprint" in sys.modules:
        raise RenderError("PDF: the renderer must start in a process of its own (fonts)")
    if not font_files(folders):
        where = ", ".join(str(folder) for folder in folders) or "no folder"
        raise RenderError(
            f"PDF: no fonts in {where}: the theme's static/fonts/ must hold the fonts the "
            "PDF prints with (.ttf or .otf)"
        )
    # One folder per set of font folders, shared by every worker and build: fontconfig's
    # cache there is made once (a scan per worker cost time and memory at its start), and
    # nothing is left behind per worker.
    scratch = font_scratch(folders)
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(folders, scratch))


def font_scratch(folders: Sequence[Path]) -> Path:
    """The folder kept for one set of font folders (fontconfig's file and cache, the
    fonts' coverage), shared by every worker and build: in the user's own cache folder,
    where no other user can put a file digest then reads (user_cache.py)."""
    key = hashlib.sha256("\0".join(str(f.resolve()) for f in folders).encode()).hexdigest()
    try:
        scratch = user_cache.private_folder() / f"fontconfig-{key[:16]}"
        scratch.mkdir(exist_ok=True)
    except OSError as error:
        raise RenderError(f"PDF: no folder for fontconfig's cache: {error}") from error
    return scratch


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


def _import_weasyprint() -> None:
    """Import WeasyPrint, on Linux without a library search by name.

    WeasyPrint loads each C library (GObject, Pango, HarfBuzz, fontconfig...) through cffi
    by a list of names for every platform, of which the Linux one, the file name
    ("libpango-1.0.so.0"), comes third or fourth. For each name before it, cffi asks
    ctypes.util.find_library, which runs ldconfig, gcc and ld: some fifteen failing
    searches, 0.15-0.2 s of CPU and more of wall time at every worker's start. Here they
    fail at once, so cffi goes on to the file name, which the dynamic loader finds as it
    did: the same files are loaded (tests/test_pdf_start.py). Should the import fail so, it
    is made again with the searches, as WeasyPrint always made it.
    """
    if not sys.platform.startswith("linux"):
        import weasyprint

        return
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        import weasyprint
    except OSError:
        ctypes.util.find_library = search
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    return None


def setup(settings: RenderSettings, *, reuse: bool = True) -> Renderer:
    """The worker's renderer. `reuse`: parse print.css once and skip a needless layout
    (digest.publish.pdf.reuse); off only to show that the bytes are the same without."""
    _only_bundled_fonts(settings.fonts)
    _import_weasyprint()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher(settings.roots)
    fonts = FontConfiguration()
    if reuse:
        from digest.publish.pdf import reuse as reusing

        reuse = reusing.install(fonts, fetcher)
    size = weasyprint.CSS(
        string=f"@page {{ size: {settings.page_size}; }}", url_fetcher=fetcher, font_config=fonts
    )
    covered = kept_coverage(settings.fonts, font_scratch(settings.fonts))
    return Renderer(settings, fetcher, fonts, size, covered, reuse)


def printable(root: Any, covered: frozenset[int]) -> tuple[glyphs.Missing, ...]:
    """Replace, in the text of the page `root` (an ElementTree) that is printed, each run
    of characters no font has by its note; returns what was left out."""
    tally = glyphs.Tally(covered)
    body = next((child for child in root if child.tag == "body"), None)
    for element in body.iter() if body is not None else ():
        if element.tag not in _UNPRINTED and element.text:
            element.text = tally.printable(element.text)
        if element is not body and element.tail:
            element.tail = tally.printable(element.tail)
    return tally.missing()


def work(renderer: Renderer, job: PdfJob) -> Printed:
    """Write one issue's PDF (atomically); returns its page count and what it left out."""
    import weasyprint

    html = weasyprint.HTML(
        file_obj=io.BytesIO(printed_part(job.page.read_bytes())),
        base_url=str(job.page),
        url_fetcher=renderer.fetcher,
        media_type="print",
    )
    missing = printable(html.etree_element, renderer.covered)
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
    return Printed(len(document.pages), missing)
