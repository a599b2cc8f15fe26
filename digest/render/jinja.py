"""The Jinja environment for the templates digest owns (`templates/`: issue Markdown, email)."""

from __future__ import annotations

import contextlib
import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2

# The repository's templates/, shipped as package data: found the same way installed or not.
TEMPLATES = files("digest.templates")
KEPT_FOLDER = "jinja"  # in the project's cache: compiled templates, Pelican's and these


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


class KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates in a folder, which only ever costs time: a file that
    cannot be read or written is compiled anew. Jinja checks a kept template against its
    source, not against the environment that compiled it: `key` names that (its options,
    Jinja's version) in the files' names."""

    def __init__(self, folder: Path, key: str = "") -> None:
        super().__init__(str(folder), f"__jinja2_{key}%s.cache" if key else "__jinja2_%s.cache")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # damaged (Jinja checks the source's checksum, not the file)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def keep_compiled(folder: Path) -> None:
    """Keep the templates compiled in `folder` (the project's cache): a later run loads
    them (about 1 ms) instead of compiling them (the email's two, 25 ms)."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    for html in (False, True):
        env = environment(html)
        options = (jinja2.__version__, html, env.trim_blocks, env.lstrip_blocks)
        options += (env.keep_trailing_newline,)
        key = hashlib.sha256(repr(options).encode()).hexdigest()
        env.bytecode_cache = KeptTemplates(folder, f"digest-{key[:16]}-")


def render(name: str, **context: object) -> str:
    """Render templates/<name>; names ending in .html.j2 are autoescaped."""
    return environment(name.endswith(".html.j2")).get_template(name).render(**context)
