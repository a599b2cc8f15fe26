"""The checks of DIGEST_SECTIONS and DIGEST_SOURCES: lists whose entries are checked one by one.

Each entry's problem names its place (`DIGEST_SOURCES[3].url: ...`); the good entries are
kept, so a source is checked against the sections that are fine.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.config.schema import Reading
from digest.models import SectionRule, Selectors, Source

SOURCE_KINDS = ("feed", "html")
_RESERVED_SECTIONS = {"key-takeaways", "incidents"}  # the ids of an issue's own parts


def sections(value: Any, reading: Reading) -> tuple[SectionRule, ...]:
    problems = reading.problems
    if not isinstance(value, (list, tuple)) or not value:
        problems.append("DIGEST_SECTIONS: must be a non-empty list of dicts (key, title, keywords)")
        return ()
    found: list[SectionRule] = []
    seen: set[str] = set()
    for i, entry in enumerate(value):
        where = f"DIGEST_SECTIONS[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a dict with key, title and keywords")
            continue
        _unknown_fields(where, entry, {"key", "title", "keywords", "description"}, problems)
        key = entry.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            problems.append(
                f"{where}.key: must be lowercase letters, digits or '-' "
                f"(it becomes the HTML id), got {key!r}"
            )
            continue
        if key in seen or key in _RESERVED_SECTIONS:
            problems.append(f"{where}.key: {key!r} is used twice or reserved")
        seen.add(key)
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{where}.title: must be a non-empty string")
            title = key.title()
        keywords = entry.get("keywords", [])
        if not isinstance(keywords, (list, tuple)) or not all(
            isinstance(k, str) and k.strip() for k in keywords
        ):
            problems.append(f"{where}.keywords: must be a list of words or phrases")
            keywords = []
        description = entry.get("description")
        if description is not None and not isinstance(description, str):
            problems.append(f"{where}.description: must be a string")
            description = None
        found.append(
            SectionRule(
                key=key,
                title=title.strip(),
                keywords=tuple(k.strip().lower() for k in keywords),
                description=description,
            )
        )
    return tuple(found)


def sources(value: Any, reading: Reading) -> tuple[Source, ...]:
    """Needs DIGEST_SECTIONS checked first: a source's section must be one of them."""
    problems = reading.problems
    if not isinstance(value, (list, tuple)):
        problems.append("DIGEST_SOURCES: must be a list of dicts (name, url, ...)")
        return ()
    section_keys = {s.key for s in reading.checked["DIGEST_SECTIONS"]}
    found: list[Source] = []
    names: set[str] = set()
    allowed = {"name", "url", "kind", "section", "language", "selectors", "domains", "enabled"}
    for i, entry in enumerate(value):
        where = f"DIGEST_SOURCES[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a dict with at least name and url")
            continue
        _unknown_fields(where, entry, allowed, problems)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip() or any(c in name for c in "\r\n\x00"):
            problems.append(f"{where}.name: must be a one-line, non-empty string")
            continue
        name = name.strip()
        if name.lower() in names:
            problems.append(f"{where}.name: {name!r} is used by another source")
        names.add(name.lower())
        url = _source_url(f"{where}.url", entry.get("url"), reading.root, problems)
        kind = entry.get("kind", "feed")
        if kind not in SOURCE_KINDS:
            problems.append(f"{where}.kind: must be 'feed' or 'html', got {kind!r}")
        section = entry.get("section")
        if section is not None and section not in section_keys:
            problems.append(f"{where}.section: {section!r} is not a key of DIGEST_SECTIONS")
        language = entry.get("language")
        if language is not None and not (
            isinstance(language, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", language)
        ):
            problems.append(f"{where}.language: must be a language tag such as 'en' or 'ar'")
            language = None
        selectors = _selectors(
            f"{where}.selectors", entry.get("selectors"), kind, problems, reading.compile_selectors
        )
        domains = entry.get("domains", [])
        if not isinstance(domains, (list, tuple)) or not all(
            isinstance(d, str) and re.fullmatch(r"[a-z0-9.-]+", d.lower()) for d in domains
        ):
            problems.append(f"{where}.domains: must be a list of host names")
            domains = []
        domains = [d.lower().removeprefix("www.") for d in domains]
        if url and url.startswith(("http://", "https://")):
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            if host and host not in domains:
                domains.append(host)
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append(f"{where}.enabled: must be True or False")
        if url is None:
            continue
        found.append(
            Source(
                name=name,
                url=url,
                kind=kind if kind in SOURCE_KINDS else "feed",
                section=section,
                language=language,
                selectors=selectors,
                domains=tuple(domains),
                enabled=enabled is not False,
            )
        )
    return tuple(found)


def _source_url(where: str, url: Any, root: Path, problems: list[str]) -> str | None:
    if not isinstance(url, str) or not url.strip():
        problems.append(f"{where}: missing; give an http(s) URL or a path relative to the config")
        return None
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(url).hostname:
            problems.append(f"{where}: {url!r} has no host name")
            return None
        return url
    # Anything else must be a bundled file inside the project: never an absolute path, a
    # home directory or another scheme, so a config can't make us read /etc/passwd.
    if scheme or url.startswith(("/", "~", "\\")) or ".." in Path(url).parts:
        problems.append(f"{where}: {url!r} is not an http(s) URL or a file inside the project")
        return None
    path = (root / url).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        problems.append(f"{where}: {url!r} is not an http(s) URL or an existing file")
        return None
    return str(path)


def _selectors(
    where: str, value: Any, kind: str, problems: list[str], compile_selectors: bool
) -> Selectors | None:
    if value is None:
        if kind == "html":
            problems.append(f"{where}: an html source needs selectors (item, title, link)")
        return None
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a dict of CSS selectors")
        return None
    _unknown_fields(where, value, {"item", "title", "link", "date", "summary"}, problems)
    good = True
    for part in ("item", "title", "link", "date", "summary"):
        selector = value.get(part)
        if selector is None:
            if part in ("item", "title", "link"):
                problems.append(f"{where}.{part}: missing CSS selector")
                good = False
            continue
        if not compile_selectors:
            continue
        from soupsieve import SelectorSyntaxError
        from soupsieve import compile as compile_selector

        try:
            compile_selector(str(selector))
        except SelectorSyntaxError as exc:
            problems.append(
                f"{where}.{part}: bad CSS selector {selector!r}: {str(exc).splitlines()[0]}"
            )
            good = False
    if not good:
        return None
    return Selectors(
        item=value["item"],
        title=value["title"],
        link=value["link"],
        date=value.get("date"),
        summary=value.get("summary"),
    )


def _unknown_fields(where: str, entry: dict, allowed: set[str], problems: list[str]) -> None:
    for key in sorted(set(entry) - allowed, key=str):
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(f"{where}: unknown field {key!r}{hint}")
