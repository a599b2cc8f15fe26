"""`digest check`: every problem in the issue files, each as `file:line: what is wrong`."""

from __future__ import annotations

from pathlib import Path

from digest.config import Settings
from digest.errors import ContentError
from digest.render.edition import parse_edition, split_metadata


def check_content(settings: Settings) -> tuple[list[str], list[str]]:
    """(errors, warnings) for every issue file under content/issues/."""
    errors: list[str] = []
    warnings: list[str] = []
    keys = {s.key for s in settings.sections}
    for path in sorted(settings.issues_path.glob("*.md")):
        name = _display(path, settings.root)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            errors.append(f"{name}: not UTF-8 text (byte {exc.start})")
            continue
        slug = split_metadata(text).meta.get("slug") or path.stem
        try:
            edition = parse_edition(
                text, slug=slug, sections=settings.sections, sources=settings.sources
            )
        except ContentError as exc:
            errors.append(f"{name}: {exc}")
            continue
        seen: set[str] = set()
        for section in edition.sections:
            where = f"{name}:{section.line}"
            if section.key not in keys:
                errors.append(
                    f"{where}: section id {section.key!r} is not a key of "
                    "DIGEST_SECTIONS; end the heading with {#key}, e.g. {#security}"
                )
            if section.key in seen:
                errors.append(f"{where}: section {section.key!r} appears twice")
            seen.add(section.key)
            if not section.takeaway_text:
                warnings.append(
                    f"{where}: section has no 'Takeaway:' paragraph, so its Key "
                    "Takeaways bullet shows only the headline"
                )
            if not section.sources_cited:
                warnings.append(f"{where}: section cites no known source")
        for day in edition.days:  # the daily layout: a heading per day
            where = f"{name}:{day.line}"
            if day.key in seen:
                errors.append(f"{where}: day {day.key} has two headings")
            seen.add(day.key)
            if edition.period and day.day not in edition.period:
                warnings.append(f"{where}: day {day.key} is outside the Period")
            if not day.items:
                warnings.append(f"{where}: day {day.key} has no items")
        for link in edition.unknown_links:
            warnings.append(
                f"{name}:{link.line}: link to unknown source "
                f"{_host(link.url)} (add it to a source's domains)"
            )
    return errors, warnings


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
