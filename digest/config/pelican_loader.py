"""Pelican's settings loader, without the rest of Pelican until something asks for it.

`pelican.settings` itself is light, but importing it runs `pelican/__init__.py`, which
imports the generators, Jinja, docutils and the dev server: about 0.17 CPU-s that
`digest pdf`, `send`, `draft` and the build's head start (which waits for the settings
before it starts its workers) never use. So when Pelican is not imported yet, its package
is made without running its `__init__`, and runs it in place on the first use of a name
it defines (`from pelican import Pelican, signals`): the submodules already loaded stay
what they are, the same objects the rest of Pelican then sees.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()  # re-entered if Pelican's __init__ ever read the settings


class _Deferred(types.ModuleType):
    """A package whose `__init__` has not run yet: it runs on the first missing name."""

    def __getattr__(self, name: str) -> Any:
        with _LOCK:
            if type(self) is _Deferred:
                # From here on an ordinary module: a name looked up while __init__ runs
                # is missing as in any module being imported, not a second run.
                self.__class__ = types.ModuleType
                self.__spec__.loader.exec_module(self)  # type: ignore[union-attr]
        return getattr(self, name)


def _defer_package(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # not installed: the import below says so as it always did
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _Deferred
    sys.modules[name] = package


def read_settings() -> Callable[[str], dict[str, Any]]:
    """pelican.settings.read_settings, loaded without Pelican's generators; reading a
    settings file writes no bytecode of it."""
    with _LOCK:
        if "pelican" not in sys.modules:
            _defer_package("pelican")
    from pelican.settings import read_settings as pelican_read_settings

    def read(path: str) -> dict[str, Any]:
        # Pelican imports the settings file as a module, and Python would keep its bytecode
        # in a __pycache__ folder beside it: a file in the project that digest did not mean
        # to write, and read back in place of the file after an edit of the same size in the
        # same second (the settings as they were).
        with _LOCK:
            before = sys.dont_write_bytecode
            sys.dont_write_bytecode = True
            try:
                return pelican_read_settings(path)
            finally:
                sys.dont_write_bytecode = before

    return read
