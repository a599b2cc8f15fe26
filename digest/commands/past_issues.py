"""The editor's published issues, read back as training data for the section classifier.

An issue counts as the editor's when digest did not draft it (no draft marker: written by
hand or imported) or when it was edited after drafting (the marker's hash no longer holds).
An untouched draft is digest's own guess; learning from it would only teach digest its own
mistakes. Files that do not parse are skipped here: `digest check` reports them.

What each file teaches (its paragraphs by section) is kept in the project's cache
(CACHE_PATH/past-issues.json) under the file's hash, so a draft parses only the issues
added or edited since the last one, not the whole archive (52 past issues: 0.16 s parsed,
0.02 s from the cache).
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

from digest import files, stamps
from digest.config import Settings
from digest.errors import ContentError
from digest.issues.learn import Model, paragraph_text, train
from digest.models import Edition
from digest.render.edition import parse_edition
from digest.render.issue_markdown import is_unedited

log = logging.getLogger(__name__)

CACHE_NAME = "past-issues.json"  # in the project's cache folder

Example = tuple[str, str]  # (section key, paragraph text)


def published_issues(settings: Settings, *, exclude: str | None = None) -> list[Edition]:
    """Weekly issues in content/issues written or edited by the editor, oldest first."""
    editions = []
    for path in sorted(settings.issues_path.glob("*.md")):
        if path.stem == exclude:
            continue
        edition = _read(path, settings)
        if edition is not None:
            editions.append(edition)
    return editions


def section_model(settings: Settings, *, exclude: str | None = None) -> Model | None:
    """A classifier trained on the published issues; None while there are too few."""
    kept = _Kept(settings)
    examples: list[Example] = []
    issues = 0
    paths = sorted(settings.issues_path.glob("*.md"))
    for path in paths:
        if path.stem == exclude:
            continue
        taught = kept.examples(path)
        if taught is not None:
            issues += 1
            examples.extend(taught)
    kept.save({path.name for path in paths})
    return train(examples, issues=issues)


def _examples(edition: Edition, settings: Settings) -> list[Example]:
    keys = {rule.key for rule in settings.sections}
    return [
        (section.key, paragraph_text(item.text))
        for section in edition.sections
        if section.key in keys
        for item in section.items
    ]


class _Kept:
    """Each issue file's examples by the hash of its bytes (None: not a weekly issue of
    the editor's), valid for one code and settings fingerprint."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.cache_path / CACHE_NAME
        # What a file teaches follows from its bytes, digest's code, the Markdown parser and
        # Python (its Unicode tables), and the sections and sources the settings name.
        self.token = stamps.fingerprint(
            stamps.code_fingerprint(),
            stamps.package_source("markdown_it"),
            sys.version,
            repr(settings.sections),
            repr(settings.sources),
        )
        self.entries = files.read_entries(self.path, self.token)  # none: every file read
        self.used: dict[str, list] = {}

    def examples(self, path: Path) -> list[Example] | None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.info("%s: not read for learning: %s", path.name, exc)
            return None
        key = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        entry = self.entries.get(path.name)
        if _whole(entry) and entry[0] == key:
            taught = entry[1]
        else:
            edition = _edition(path, data, self.settings)
            taught = _examples(edition, self.settings) if edition is not None else None
        self.used[path.name] = [key, taught]
        return None if taught is None else [(k, text) for k, text in taught]

    def save(self, present: set[str]) -> None:
        """Keep what this run read, and what it kept of the files `present` it did not read
        (the week being drafted); a cache that cannot be written only costs time."""
        kept = {name: e for name, e in self.entries.items() if name in present}
        kept.update(self.used)
        if kept == self.entries:
            return
        files.write_entries(self.path, self.token, kept)


def _whole(entry: object) -> bool:
    """Whether a kept entry has the shape _Kept writes: [hash, None or [[key, text], ...]]."""
    if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str):
        return False
    taught = entry[1]
    return taught is None or (
        isinstance(taught, list)
        and all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
            for e in taught
        )
    )


def _read(path: Path, settings: Settings) -> Edition | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.info("%s: not read for learning: %s", path.name, exc)
        return None
    return _edition(path, data, settings)


def _edition(path: Path, data: bytes, settings: Settings) -> Edition | None:
    """The editor's weekly issue in `data` (None: digest's untouched draft, another layout,
    or a file that does not parse, which `digest check` reports)."""
    try:  # as read_text reads it: universal newlines
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        log.info("%s: not read for learning: %s", path.name, exc)
        return None
    if is_unedited(text):
        return None
    try:
        edition = parse_edition(
            text, slug=path.stem, sections=settings.sections, sources=settings.sources
        )
    except ContentError as exc:
        log.info("%s: not read for learning: %s", path.name, exc)
        return None
    return edition if edition.layout == "weekly" else None
