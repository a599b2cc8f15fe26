"""A Pelican reader for issue Markdown: metadata plus an Edition for templates and exports."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, ClassVar

from pelican.readers import BaseReader

from digest import config
from digest.errors import ContentError
from digest.render.edition import parse_edition, split_metadata

# Only these keys may appear in an issue's header: nothing can set save_as, template, url.
ALLOWED_METADATA = frozenset(
    {"title", "date", "modified", "slug", "issue", "period", "layout", "summary", "status", "lang"}
)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
RUNTIME_KEY = "_DIGEST_SETTINGS"  # the validated Settings digest's build hands to Pelican
PROBLEMS_KEY = "_DIGEST_PROBLEMS"  # where the reader leaves its reasons: Pelican drops them


def settings_for(pelican_settings: dict[str, Any]) -> config.Settings:
    """The validated digest settings for this Pelican run (validated here when run bare)."""
    found = pelican_settings.get(RUNTIME_KEY)
    if found is None:
        root = Path(pelican_settings["PATH"]).resolve().parent
        found = config.validate(pelican_settings, root / "pelican.conf.py")
        pelican_settings[RUNTIME_KEY] = found
    return found


class IssueReader(BaseReader):
    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        try:
            return self._read(Path(source_path))
        except ContentError as exc:
            # Pelican logs only "Could not process <file>"; keep the reason for the build.
            self.settings.setdefault(PROBLEMS_KEY, []).append(str(exc))
            raise

    def _read(self, path: Path) -> tuple[str, dict[str, Any]]:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        settings = settings_for(self.settings)
        doc = split_metadata(text)
        for key in doc.meta:
            if key not in ALLOWED_METADATA:
                raise ContentError(
                    f"{path}: metadata {key!r} is not allowed; use "
                    + ", ".join(sorted(ALLOWED_METADATA))
                )
        slug = doc.meta.get("slug") or path.stem
        if not _SLUG.fullmatch(slug):
            raise ContentError(f"{path}: slug {slug!r} may use only a-z, 0-9 and '-'")
        try:
            edition = parse_edition(
                text, slug=slug, sections=settings.sections, sources=settings.sources
            )
        except ContentError as exc:
            raise ContentError(f"{path}: {exc}") from None
        metadata: dict[str, Any] = {
            "title": self.process_metadata("title", edition.title),
            "slug": slug,
            "summary": html.escape(edition.summary),
            "digest": edition,
        }
        for key in ("date", "modified", "status", "lang"):
            if key in doc.meta:
                metadata[key] = self.process_metadata(key, doc.meta[key])
        return edition.html, metadata


def add_reader(readers: Any) -> None:
    for extension in IssueReader.file_extensions:
        readers.reader_classes[extension] = IssueReader


def forget_markdown_package(generator: Any) -> None:
    """Pelican warns that python-markdown is missing for .md files; we read them instead."""
    for extension in IssueReader.file_extensions:
        generator.readers.disabled_readers.pop(extension, None)
