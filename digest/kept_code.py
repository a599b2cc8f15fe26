"""The code `dataclasses` generates, compiled by an earlier run of digest and kept in the
user's cache folder.

A @dataclass writes the source of its methods (__init__, __repr__, __eq__, __hash__ ...)
and compiles it with exec as its class is made: `digest draft` makes 67 dataclasses
(digest's models, settings, stores, and some of the libraries'), 49 ms of its start, and
`digest build` 86, 56 ms; with their code kept, 13-14 ms each. A command (`run` in
digest/cli, and the parsers' fork server, collect/kept.py) has `dataclasses` call `_exec`
here, which looks each source text up in what earlier runs kept and compiles only what
they lack; once the command is done, what it compiled anew is added to the file (`keep`),
as Python adds a module's bytecode to __pycache__, and not when sys.dont_write_bytecode
(PYTHONDONTWRITEBYTECODE) says that no bytecode is to be written.

The same text compiled the same way is the same code: dataclasses' `exec(text, ...)`
compiles it as "<string>" with no __future__ flags (dataclasses.py has none), as
`compile(text, "<string>", "exec", dont_inherit=True)` does here. Each class gets code of
its own, read from the file for it, as exec compiled it anew for each: CPython specialises
a code object's instructions for the classes it meets, and two classes sharing one would
undo each other's (making and comparing three such classes in turn took 25-70% longer).

The file (`$XDG_CACHE_HOME/digest/`, else `~/.cache/digest/`) is marshal data as a .pyc is,
for this interpreter's bytecode only (its magic number), with a checksum against damage:
it is trusted as the user's own .pyc files are. Code no run has used for _STALE of its
writes goes. A missing, damaged or foreign file, or a folder that cannot be written, only
costs time: the classes are made as before.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import importlib.util
import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

from digest import user_cache

_MAGIC = importlib.util.MAGIC_NUMBER
_HEADER = b"digest: dataclasses' code\n" + _MAGIC
# Code no run has used for this many writes of the file is dropped: the texts of
# dataclasses since changed, or of a command no longer run. A run writes when it compiled
# something anew, or used code that had grown old: nothing ages while digest and its
# libraries stay the same.
_STALE = 16

_kept: dict[str, tuple[int, bytes]] = {}  # text: (writes since a run used it, its code)
_new: dict[str, bytes] = {}  # compiled by this run: text: its code
_used: set[str] = set()  # read from _kept by this run


def cache_file() -> Path | None:
    """Where the kept code is (None where Python keeps no bytecode)."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    return user_cache.folder() / f"dataclasses-{tag}-{_MAGIC.hex()}.bin"


def install(path: Path | None = None) -> None:
    """From now on, this process makes dataclasses with the code `path` (cache_file())
    keeps; once per process."""
    if "exec" in vars(dataclasses):
        return  # installed already, or someone else's exec stands there: left as it is
    with contextlib.suppress(Exception):  # no home folder: nothing is kept
        path = path or cache_file()
        if path is not None:
            _kept.update(_read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin


def keep(path: Path | None = None) -> None:
    """Add the code this run compiled to `path` (cache_file()), with what is kept there now
    (another process may have added to it since this one read it; two writing at once may
    lose one's additions, which only costs its next run time). Never raises: a cache that
    cannot be kept only costs the next run time."""
    # A run that found code grown old in the file writes too: what it used is young again.
    refresh = any(_kept[text][0] for text in _used if text in _kept)
    if sys.dont_write_bytecode or not (_new or refresh):
        return
    try:
        path = path or cache_file()
        if path is None:
            return
        kept = {
            text: (age + 1, code)
            for text, (age, code) in _read(path).items()
            if text not in _used and age + 1 < _STALE
        }
        # What this run used is young again, whatever became of the file meanwhile.
        kept.update((text, (0, _kept[text][1])) for text in _used if text in _kept)
        kept.update((text, (0, code)) for text, code in _new.items())
        body = marshal.dumps(kept)
        if _write(path, _HEADER + zlib.crc32(body).to_bytes(4, "little") + body):
            _kept.clear()
            _kept.update(kept)
            _used.update(_new)
            _new.clear()
    except Exception:  # whatever the cause, the command's outcome stands
        return


def compiled() -> int:
    """How many texts this run has compiled, not finding them kept."""
    return len(_new)


def _exec(source: Any, *args: Any, **kwargs: Any) -> Any:
    """exec, with a text's code read from what is kept (or compiled now, and kept later)."""
    if isinstance(source, str):
        text = source
        if (entry := _kept.get(text)) is not None and (code := _code(entry[1])) is not None:
            _used.add(text)
        elif (kept := _new.get(text)) is not None:
            code = marshal.loads(kept)  # code of its own for this class too
        else:
            code = compile(text, "<string>", "exec", dont_inherit=True)
            _new[text] = marshal.dumps(code)
        source = code
    return builtins.exec(source, *args, **kwargs)


def _code(data: bytes) -> CodeType | None:
    try:
        code = marshal.loads(data)
    except Exception:  # what marshal refuses (the checksum held): compiled again
        return None
    return code if isinstance(code, CodeType) else None


def _write(path: Path, data: bytes) -> bool:
    """files.write_cache, without importing digest.files: this module is imported before
    the rest of digest, and the parsers' fork server keeps its code as the interpreter
    ends, when digest.files' imports (concurrent.futures) may no longer be."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return False
    return True


def _read(path: Path) -> dict[str, tuple[int, bytes]]:
    """What `path` keeps for this interpreter; nothing if it is missing or damaged."""
    start = len(_HEADER) + 4
    try:
        data = memoryview(path.read_bytes())
        if data[: len(_HEADER)] != _HEADER:
            return {}  # another interpreter's bytecode, or not this file
        if int.from_bytes(data[len(_HEADER) : start], "little") != zlib.crc32(data[start:]):
            return {}
        kept = marshal.loads(data[start:])
    except Exception:  # unreadable, or what marshal refuses
        return {}
    if not isinstance(kept, dict):
        return {}
    return {
        text: entry
        for text, entry in kept.items()
        if isinstance(text, str)
        and isinstance(entry, tuple)
        and len(entry) == 2
        and isinstance(entry[0], int)
        and isinstance(entry[1], bytes)
    }
