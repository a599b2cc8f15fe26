"""Pelican's output written whole or not at all (digest.files), for every Pelican run with
digest's plugin.

- Pages and Pelican's own feeds: Pelican's Writer opens each file in place (`_open_w`) and
  writes into it, so a killed build left a 0-byte `404.html` or half an `atom.xml`.
  AtomicWriter keeps Pelican's bookkeeping (what was written, what may be overridden) and
  hands out a temporary file that replaces the output when it is complete.
- Theme and static files: Pelican copies them in place on every build (and on a full disk
  only logs a warning, leaving half a stylesheet). `atomic_copies()` swaps in a copy that
  writes whole, skips a file whose bytes are already there and raises WriteError.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pelican import utils
from pelican.writers import FileOverwriteFailedError, Writer

from digest import files

log = logging.getLogger(__name__)


class AtomicWriter(Writer):
    """Pelican's writer; each file replaces the old one whole when it is written."""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        # Pelican's bookkeeping, as in pelican.writers.Writer._open_w (4.x); only the
        # opening differs.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            log.info('Skipping "%s", not overwriting', filename)
            return open(os.devnull, "w", encoding=encoding)  # Pelican closes it
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return files.atomic_writer(Path(filename), "w", encoding=encoding)


def _copy_file(source: str, destination: str) -> None:
    files.copy_file(source, destination)


@contextmanager
def atomic_copies() -> Iterator[None]:
    """Within the block, Pelican copies theme and static files whole (pelican.utils.copy
    looks its copy_file up at each call)."""
    original = utils.copy_file
    utils.copy_file = _copy_file
    try:
        yield
    finally:
        utils.copy_file = original
