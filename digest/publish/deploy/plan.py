"""What a deploy publishes, with which headers, in which order; and what a deploy did.

The one list of published files, whatever the target: every regular file under output/
but dot-files and dot-folders (the PDF and email stamps, what killed writes left, a
search index being built) and the drafts folder (unpublished previews). Symbolic links
are left out too: followed, one could publish a file from outside the site.

Order: assets first (stylesheets, scripts, fonts, images, the search index, PDFs), then
feeds and exports, then pages, the home page last. A reader who gets a new page while a
deploy runs finds what it links to already there. Deletions come after all uploads.

Cache-Control: a file whose name carries a content hash (Pagefind's fragments, indexes,
filters and its `pagefind.en_6bec892a9c.pf_meta`) never changes under that name, so it may
be kept a year; everything else (pages, feeds, the theme's stylesheets, PDFs) only briefly.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from digest.files import TEMP_SUFFIX

LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"
ASSETS, EXPORTS, PAGES, HOME = range(4)  # the upload order
HOME_PAGE = "index.html"

_PAGES = frozenset({".html", ".htm"})
_EXPORTS = frozenset({".xml", ".json", ".csv", ".txt", ".eml", ".atom", ".rss"})
_OCTETS = "application/octet-stream"
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".eml": "message/rfc822",
    ".wasm": "application/wasm",
    ".pagefind": _OCTETS,  # Pagefind's compressed index files (wasm.en.pagefind, .pf_*)
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".webmanifest": "application/manifest+json",
}
_TEXTUAL = frozenset(
    {
        "application/json",
        "application/xml",
        "application/atom+xml",
        "application/rss+xml",
        "application/feed+json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
# Python's own table only (MimeTypes() reads no /etc/mime.types): the same on every machine.
_FALLBACK = mimetypes.MimeTypes()
# A run of 7 to 64 hex digits between separators, with a digit and a letter in it (so
# neither a word like "defaced" nor a date like 20240208): a content hash in a file name.
_HASHED = re.compile(r"(?<![0-9a-z])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}(?![0-9a-z])")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w:.-]*)")


@dataclass(frozen=True)
class PublishedFile:
    path: str  # relative to output/, with / between folders
    size: int
    content_type: str
    cache_control: str
    rank: int  # ASSETS, EXPORTS, PAGES or HOME


@dataclass(frozen=True)
class Plan:
    root: Path  # output/
    files: tuple[PublishedFile, ...]  # in upload order
    drafts: tuple[str, ...] = ()  # files of the drafts folder, left out
    links: tuple[str, ...] = ()  # symbolic links, left out

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(f.path for f in self.files)


@dataclass(frozen=True)
class Change:
    mark: str  # "+" new, "~" changed, "-" deleted
    path: str

    def __str__(self) -> str:
        return f"{self.mark} {self.path}"


@dataclass
class Outcome:
    """What a deploy did (or, `dry_run`, would do) at `target`."""

    target: str
    dry_run: bool
    changes: list[Change] = field(default_factory=list)  # uploads in order, then deletions
    unchanged: int = 0
    note: str = ""  # e.g. the commit made

    @property
    def uploaded(self) -> int:
        return sum(c.mark != "-" for c in self.changes)

    @property
    def deleted(self) -> int:
        return sum(c.mark == "-" for c in self.changes)


def published(path: str, drafts: tuple[str, ...] = ("drafts",)) -> bool:
    """Whether the file at `path` (relative to output/, with /) is part of the site."""
    parts = PurePosixPath(path).parts
    if not parts or parts[0] in drafts:
        return False
    return not any(p.startswith(".") for p in parts) and not parts[-1].endswith(TEMP_SUFFIX)


def rank(path: str) -> int:
    if path == HOME_PAGE:
        return HOME
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in _PAGES:
        return PAGES
    return EXPORTS if suffix in _EXPORTS else ASSETS


def cache_control(path: str) -> str:
    """Long only for an asset whose name carries its content's hash: pages, feeds and
    exports keep their names when their content changes."""
    hashed = rank(path) == ASSETS and _HASHED.search(PurePosixPath(path).name)
    return LONG_CACHE if hashed else SHORT_CACHE


def content_type(path: str, head: bytes = b"") -> str:
    """The Content-Type of the file at `path`; `head` (its first bytes) tells a feed with an
    unusual name from other XML or JSON."""
    name = PurePosixPath(path).name.lower()
    suffix = PurePosixPath(name).suffix
    kind = _feed_type(name, suffix, head)
    if kind is None:
        kind = _TYPES.get(suffix)
    if kind is None and suffix.startswith(".pf_"):
        kind = _OCTETS
    if kind is None:
        kind = _FALLBACK.guess_type(name, strict=True)[0] or _OCTETS
    textual = kind.startswith("text/") or kind in _TEXTUAL
    return f"{kind}; charset=utf-8" if textual else kind


def _feed_type(name: str, suffix: str, head: bytes) -> str | None:
    if name == "atom.xml" or name.endswith(".atom.xml"):
        return "application/atom+xml"
    if name == "rss.xml" or name.endswith(".rss.xml"):
        return "application/rss+xml"
    if name == "feed.json":
        return "application/feed+json"
    text = head[:2048].decode("utf-8", "replace")
    if suffix == ".xml":
        # The first element, past the XML declaration, comments and a doctype.
        body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S)
        first = _FIRST_ELEMENT.search(body)
        element = first.group(1) if first else ""
        if element == "feed":
            return "application/atom+xml"
        if element == "rss" or element.endswith(":RDF"):
            return "application/rss+xml"
    if suffix == ".json" and "jsonfeed.org/version/" in text:
        return "application/feed+json"
    return None


def walk(root: Path, drafts: tuple[str, ...] = ("drafts",)) -> Plan:
    """The files under `root` (output/) that a deploy publishes, in upload order."""
    found: list[PublishedFile] = []
    left_drafts: list[str] = []
    links: list[str] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        prefix = "" if here == "." else f"{here}/"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.endswith(TEMP_SUFFIX))
        for name in sorted(names) + [d for d in dirs if Path(folder, d).is_symlink()]:
            path = prefix + name
            if not published(path, ()):
                continue
            if path.split("/", 1)[0] in drafts:
                left_drafts.append(path)
                continue
            full = Path(folder, name)
            if full.is_symlink():
                links.append(path)
                continue
            if not full.is_file():
                continue  # a socket, a fifo: nothing a web server serves
            found.append(_published_file(full, path))
    found.sort(key=lambda f: (f.rank, f.path))
    return Plan(root, tuple(found), tuple(left_drafts), tuple(links))


def _published_file(full: Path, path: str) -> PublishedFile:
    head = b""
    if PurePosixPath(path).suffix.lower() in (".xml", ".json"):
        with full.open("rb") as handle:
            head = handle.read(2048)
    return PublishedFile(
        path, full.stat().st_size, content_type(path, head), cache_control(path), rank(path)
    )


def fingerprint(full: Path) -> tuple[str, str]:
    """The MD5 (what S3 reports as a single-part upload's ETag) and SHA-256 of a file."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with full.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()
