"""The Jinja environment for the templates digest owns (`templates/`: issue Markdown, email)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2

# The repository's templates/, shipped as package data: found the same way installed or not.
TEMPLATES = files("digest.templates")


@cache
def environment(html: bool) -> jinja2.Environment:
    """HTML templates autoescape; Markdown and plain-text ones don't (the writer escapes)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: object) -> str:
    """Render templates/<name>; names ending in .html.j2 are autoescaped."""
    return environment(name.endswith(".html.j2")).get_template(name).render(**context)
