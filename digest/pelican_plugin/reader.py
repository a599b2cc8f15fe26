"""A Pelican reader for issue Markdown: metadata plus an Edition for templates and exports."""

from __future__ import annotations

import html
import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime

from digest import config, lifeline
from digest.errors import ContentError
from digest.models import Edition, SectionRule, Source
from digest.pelican_plugin.stored import StoredEdition
from digest.render.edition import parse_edition, split_metadata
from digest.render.issue_check import HEADER_KEYS

# Only these keys may appear in an issue's header: nothing can set save_as, template, url.
ALLOWED_METADATA = frozenset(HEADER_KEYS)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
RUNTIME_KEY = "_DIGEST_SETTINGS"  # the validated Settings digest's build hands to Pelican
PROBLEMS_KEY = "_DIGEST_PROBLEMS"  # where the reader leaves its reasons: Pelican drops them
PREREAD_KEY = "_DIGEST_PREREAD"  # issue files parsed in parallel before Pelican reads them
HASHES_KEY = "_DIGEST_HASHES"  # the check's hash of each issue file's bytes, by absolute path
_PREREAD_AT_LEAST = 16  # fewer files than this are parsed faster than a pool starts


def settings_for(pelican_settings: dict[str, Any]) -> config.Settings:
    """The validated digest settings for this Pelican run (validated here when run bare)."""
    found = pelican_settings.get(RUNTIME_KEY)
    if found is None:
        root = Path(pelican_settings["PATH"]).resolve().parent
        found = config.validate(pelican_settings, root / "pelican.conf.py", compile_selectors=False)
        pelican_settings[RUNTIME_KEY] = found
    return found


class IssueReader(BaseReader):
    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def process_metadata(self, name: str, value: Any) -> Any:
        # Pelican reads every issue file's date from its name (FILENAME_METADATA) in every
        # build, cached or not, with dateutil's general parser: a day in ISO form is read
        # here into the value that parser gives (midnight, Pelican's SafeDatetime).
        if name == "date" and isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return SafeDatetime(int(value[:4]), int(value[5:7]), int(value[8:10]))
            except ValueError:
                pass  # not a day of the calendar: Pelican's own error
        return super().process_metadata(name, value)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        try:
            return self._read(Path(source_path))
        except ContentError as exc:
            # Pelican logs only "Could not process <file>"; keep the reason for the build.
            self.settings.setdefault(PROBLEMS_KEY, []).append(str(exc))
            raise

    def _read(self, path: Path) -> tuple[str, dict[str, Any]]:
        settings = settings_for(self.settings)
        found = self.settings.get(PREREAD_KEY, {}).pop(str(path), None)
        if isinstance(found, ContentError):
            raise found
        edition, meta = found or _stored(read_issue(path, settings.sections, settings.sources))
        metadata: dict[str, Any] = {
            "title": self.process_metadata("title", edition.title),
            "slug": edition.slug,
            "summary": html.escape(edition.summary),
            "digest": edition,
        }
        for key in ("date", "modified", "status", "lang", "tags"):
            if key in meta:
                metadata[key] = self.process_metadata(key, meta[key])
        return edition.html, metadata


def read_issue(
    path: Path, sections: Sequence[SectionRule], sources: Sequence[Source]
) -> tuple[Edition, dict[str, str]]:
    """An issue file's Edition and its header; ContentError names the file and the cause."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # as issue_check reads it: a BOM is fine
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
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
        edition = parse_edition(text, slug=slug, sections=sections, sources=sources)
    except ContentError as exc:
        raise ContentError(f"{path}: {exc}") from None
    return edition, doc.meta


def _stored(read: tuple[Edition, dict[str, str]]) -> tuple[StoredEdition, dict[str, str]]:
    return StoredEdition(read[0]), read[1]


def _read_many(
    paths: list[str], sections: Sequence[SectionRule], sources: Sequence[Source]
) -> list[tuple[str, tuple[StoredEdition, dict[str, str]] | ContentError]]:
    # Packed here, in the worker: the parent receives bytes, not object graphs.
    found: list[tuple[str, tuple[StoredEdition, dict[str, str]] | ContentError]] = []
    for path in paths:
        try:
            found.append((path, _stored(read_issue(Path(path), sections, sources))))
        except ContentError as exc:
            found.append((path, exc))
    return found


def preread(pelican_settings: dict[str, Any], paths: Sequence[Path]) -> None:
    """Parse many issue files at once, one process per CPU, before Pelican reads them one
    by one: the reader then takes each parsed issue from memory.

    Worth it on a cold build (no content cache: every issue must be parsed); a rebuild
    parses the few new or changed files in the reader itself.
    """
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if workers < 2 or len(paths) < _PREREAD_AT_LEAST:
        return
    settings = settings_for(pelican_settings)
    names = [str(p.resolve()) for p in paths]
    chunks = [names[i :: workers * 4] for i in range(workers * 4)]
    found: dict[str, Any] = {}
    # fork: the workers start with digest and its settings already imported.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=lifeline.watch_parent
    ) as pool:  # workers that die with the build (lifeline.py)
        jobs = [pool.submit(_read_many, c, settings.sections, settings.sources) for c in chunks]
        for job in jobs:
            found.update(job.result())
    pelican_settings.setdefault(PREREAD_KEY, {}).update(found)


def add_reader(readers: Any) -> None:
    for extension in IssueReader.file_extensions:
        readers.reader_classes[extension] = IssueReader


def stamp_from_check(generator: Any) -> None:
    """Pelican's content cache knows a file unchanged by its stamp, here the hash of its
    bytes, which the generator and its readers each read and hash again, three times a
    build for every file. An issue file's stamp is now the hash the build's check took of
    it (HASHES_KEY); any other file's, or one the check did not read, is Pelican's own.
    (At the generators' own init signals: both set their caches up after readers_init
    and generator_init.)"""
    known = generator.settings.get(HASHES_KEY)
    if not known:
        return
    for cacher in (generator, getattr(generator, "readers", None)):
        own = getattr(cacher, "_filestamp_func", None)
        if own is not None:
            cacher._filestamp_func = _stamps(known, own)


def _stamps(known: dict[str, str], own: Callable[[str], Any]) -> Callable[[str], Any]:
    def stamp(filename: str) -> Any:
        found = known.get(filename)
        return own(filename) if found is None else bytes.fromhex(found)

    return stamp


def forget_markdown_package(generator: Any) -> None:
    """Pelican warns that python-markdown is missing for .md files; we read them instead."""
    for extension in IssueReader.file_extensions:
        generator.readers.disabled_readers.pop(extension, None)
