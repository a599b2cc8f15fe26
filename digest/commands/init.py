"""`digest init PATH`: a new monitor project, ready to build.

Every file is made in memory first and written only when none of them exists, so a project
already there is never touched; the settings file written is then loaded the way every
command loads it, so a project that `digest init` makes always passes `digest check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from digest import config, files
from digest.config.new_project import DEFAULT_KEYS, NewProject
from digest.errors import DigestError
from digest.render import jinja

SETTINGS_FILE = "pelican.conf.py"
# Where each file of a new project comes from: a template of templates/project/, or None
# for an empty file that keeps its folder in git.
LAYOUT: dict[str, str | None] = {
    SETTINGS_FILE: "project/pelican.conf.py.j2",
    "README.md": "project/README.md.j2",
    ".gitignore": "project/gitignore.j2",
    "content/pages/about.md": "project/about.md.j2",
    "content/issues/.gitkeep": None,
    "theme/README.md": "project/theme-README.md.j2",
    "theme/templates/.gitkeep": None,
    "theme/static/css/.gitkeep": None,
}


@dataclass(frozen=True)
class _Section:
    key: str  # a Python literal
    title: str  # a Python literal
    default: bool


def _literal(text: str) -> str:
    """A Python string literal (JSON's escapes are all Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _display_name(name: str) -> str:
    """The name as a From: header shows it, quoted when it holds RFC 5322 specials; kept
    readable (email.utils.formataddr would write non-ASCII as an encoded word)."""
    if not any(c in name for c in '()<>@,;:\\".[]'):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_files(project: NewProject) -> dict[str, str]:
    """The new project's files, by path relative to its folder."""
    host = urlsplit(project.site_url).hostname or "example.org"
    weekday = project.week_ends_on.capitalize()
    context = {
        "site_name": _literal(project.name),
        "site_name_text": project.name,
        "site_url": _literal(project.site_url),
        "language": _literal(project.language),
        "timezone": _literal(project.timezone),
        "timezone_text": project.timezone,
        "week_ends_on": _literal(project.week_ends_on),
        "weekday": weekday,
        "email_from": _literal(f"{_display_name(project.name)} <newsletter@{host}>"),
        "sections_default": project.sections == DEFAULT_KEYS,
        "sections": [
            _Section(_literal(key), _literal(key.replace("-", " ").title()), key in DEFAULT_KEYS)
            for key in project.sections
        ],
    }
    return {
        path: jinja.render(template, **context) if template else ""
        for path, template in LAYOUT.items()
    }


def create(folder: Path, project: NewProject) -> list[Path]:
    """Write a new project into `folder` (made if missing); DigestError, with nothing
    written, when any of its files is already there. Returns the files written."""
    if folder.exists() and not folder.is_dir():
        raise DigestError(f"{files.shown(folder)}: is a file; give a folder for the new project")
    made = project_files(project)
    there = [path for path in made if (folder / path).exists()]
    if there:
        what = "a project" if SETTINGS_FILE in there else "files"
        raise DigestError(
            f"{files.shown(folder)}: already holds {what} ({', '.join(there[:3])}"
            f"{' …' if len(there) > 3 else ''}); nothing was written. "
            "Choose a new folder, or move them away first"
        )
    written = []
    for path, text in made.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_text(target, text)
        written.append(target)
    config.load(folder / SETTINGS_FILE)  # a template that no longer loads is our bug: say so now
    return written
