"""The editor's published issues, read back as training data for the section classifier.

An issue counts as the editor's when digest did not draft it (no draft marker: written by
hand or imported) or when it was edited after drafting (the marker's hash no longer holds).
An untouched draft is digest's own guess; learning from it would only teach digest its own
mistakes. Files that do not parse are skipped here: `digest check` reports them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from digest.config import Settings
from digest.errors import ContentError
from digest.issues.learn import Model, paragraph_text, train
from digest.models import Edition
from digest.render.edition import parse_edition
from digest.render.issue_markdown import is_unedited

log = logging.getLogger(__name__)


def published_issues(settings: Settings, *, exclude: str | None = None) -> list[Edition]:
    """Weekly issues in content/issues written or edited by the editor, oldest first."""
    editions = []
    for path in sorted(settings.issues_path.glob("*.md")):
        if path.stem == exclude:
            continue
        edition = _read(path, settings)
        if edition is not None and edition.layout == "weekly":
            editions.append(edition)
    return editions


def section_model(settings: Settings, *, exclude: str | None = None) -> Model | None:
    """A classifier trained on the published issues; None while there are too few."""
    editions = published_issues(settings, exclude=exclude)
    keys = {rule.key for rule in settings.sections}
    examples = [
        (section.key, paragraph_text(item.text))
        for edition in editions
        for section in edition.sections
        if section.key in keys
        for item in section.items
    ]
    return train(examples, issues=len(editions))


def _read(path: Path, settings: Settings) -> Edition | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.info("%s: not read for learning: %s", path.name, exc)
        return None
    if is_unedited(text):
        return None
    try:
        return parse_edition(
            text, slug=path.stem, sections=settings.sections, sources=settings.sources
        )
    except ContentError as exc:
        log.info("%s: not read for learning: %s", path.name, exc)
        return None
