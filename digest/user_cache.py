"""The user's own cache folder: what digest keeps between runs and projects that is not any
one project's (dataclasses' compiled code, the PDF's fontconfig cache).

`$XDG_CACHE_HOME/digest/`, else `~/.cache/digest/`. Never the shared temporary folder under
a name another user can guess: whoever made that folder first could plant or swap what a
run reads there (a fontconfig file, the fonts' character coverage). Where the home folder
cannot be used (no HOME, a read-only one), `private_folder` falls back to a folder of this
user's alone in the temporary folder, made with mode 0700 and checked before use.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class CacheFolderError(OSError):
    """No cache folder of this user's alone could be had."""


def folder() -> Path:
    """Where the user's cache is (not made here). Raises RuntimeError where there is no
    home folder to find."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "digest"


def private_folder() -> Path:
    """folder(), made if need be; where it cannot be, `digest-<uid>` in the temporary folder,
    which must then be this user's and no one else's (CacheFolderError names it if not)."""
    try:
        made = folder()
        made.mkdir(parents=True, exist_ok=True)
        return made
    except (OSError, RuntimeError):
        pass
    import tempfile  # only here: every command's start reads folder()

    uid = os.getuid() if hasattr(os, "getuid") else None
    fallback = Path(tempfile.gettempdir()) / f"digest-{uid if uid is not None else 'user'}"
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
        found = os.lstat(fallback)
    except OSError as error:
        raise CacheFolderError(f"{fallback}: cannot be made ({error.strerror})") from error
    if uid is None:
        return fallback  # no owners to compare (Windows): its temporary folder is the user's
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != uid or found.st_mode & 0o077:
        raise CacheFolderError(
            f"{fallback} is not a folder of this user's alone (owner, mode or a link): "
            "remove it, or set XDG_CACHE_HOME to a folder of your own"
        )
    return fallback
