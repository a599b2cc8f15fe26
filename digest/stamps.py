"""Stamps: an output is made again only when what it is made from has changed.

A stamp is a small file beside the output: "<token> <key>". The token fingerprints the
cheap inputs (settings, digest's code), the key the expensive ones (the page, the issue).
An output is current when its stamp holds the same token and key and the output files
still exist. When no input file was written after the stamp, the token alone decides and
the key is never computed: that is what keeps a rebuild of a large archive fast. Deleting
an output, or its stamp, makes it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import digest
from digest import files

PACKAGE = Path(digest.__file__).resolve().parent
# The repository's templates/, shipped as package data: found the same way installed or not.
TEMPLATES = resources.files("digest.templates")


def fingerprint(*parts: str | bytes) -> str:
    return fingerprint_after(hashlib.sha256(), *parts)


def fingerprint_start(*parts: str | bytes) -> Any:
    """The first parts of many fingerprints, hashed once: fingerprint_after(start, *rest)
    is fingerprint(*parts, *rest) (a build stamps 520 email editions with the same
    settings)."""
    started = hashlib.sha256()
    _add(started, parts)
    return started


def fingerprint_after(start: Any, *parts: str | bytes) -> str:
    digest_ = start.copy()
    _add(digest_, parts)
    return digest_.hexdigest()


def _add(digest_: Any, parts: tuple[str | bytes, ...]) -> None:
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        # Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        digest_.update(len(data).to_bytes(8, "big"))
        digest_.update(data)


def package_source(name: str) -> bytes:
    """A package's __init__.py, which holds its version: read, not imported (a command that
    needs only the version does not load the package), and without importlib.metadata (10-15
    ms to ask it); b"" when the package is not installed."""
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        return b""
    return Path(spec.origin).read_bytes()


@cache
def code_fingerprint() -> str:
    """digest's version, every module of it and its templates: editing any (without a
    version bump) makes outputs again."""
    templates = [path for path in TEMPLATES.iterdir() if path.name.endswith(".j2")]
    sources = sorted([*PACKAGE.rglob("*.py"), *templates])
    return fingerprint(digest.__version__, *(path.read_bytes() for path in sources))


@dataclass(frozen=True)
class Stamp:
    path: Path
    token: str  # fingerprint of the cheap inputs, no spaces

    def _read(self) -> str | None:
        try:
            return self.path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return None

    def is_current(
        self, outputs: Sequence[Path], inputs: Sequence[Path], key: Callable[[], str]
    ) -> bool:
        """Outputs exist and either no input changed since the stamp, or `key()` matches."""
        recorded = self._read()
        if recorded is None or not recorded.startswith(self.token + " "):
            return False
        if not all(path.exists() for path in outputs):
            return False
        if self._untouched(inputs):
            return True
        return recorded == f"{self.token} {key()}"

    def _untouched(self, inputs: Sequence[Path]) -> bool:
        try:
            made = self.path.stat().st_mtime_ns
            # Strictly older: a file written in the same clock tick as the stamp is hashed.
            return bool(inputs) and all(path.stat().st_mtime_ns < made for path in inputs)
        except OSError:
            return False

    def record(self, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        files.write_text(self.path, f"{self.token} {key}", encoding="ascii")
