"""The code `dataclasses` generates, compiled by an earlier run and kept where Python keeps
digest's bytecode.

A @dataclass writes the source of its methods (__init__, __repr__, __eq__, __hash__ ...)
and compiles it with exec as its class is made: `digest draft` makes 67 dataclasses
(digest's models, settings, stores, and some of the libraries'), 49 ms of its start, and
`digest build` 86, 56 ms; with their code kept, 13 ms each. Python keeps a module's
bytecode (__pycache__, or under PYTHONPYCACHEPREFIX); this keeps the bytecode of the
generated source beside it. The CLI (and the parsers' fork server, collect/kept.py) has
`dataclasses` call `_exec` here, which looks each source text up in what an earlier run
kept and compiles only what it lacks; once the command is done, what it compiled anew is
kept (`keep`), unless sys.dont_write_bytecode (PYTHONDONTWRITEBYTECODE) says bytecode is
not to be written.

The same text compiled the same way is the same code: dataclasses' `exec(text, ...)`
compiles it as "<string>" with no __future__ flags (dataclasses.py has none), as
`compile(text, "<string>", "exec", dont_inherit=True)` does here. The file is marshal data
as a .pyc is, for this interpreter's bytecode only (its magic number), with a checksum
against damage; it is trusted as the .pyc files beside it are. A missing, damaged or
another interpreter's file, or a folder that cannot be written, only costs time: the
classes are made as before.
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

_HEADER = b"digest: dataclasses' code\n" + importlib.util.MAGIC_NUMBER
# Texts kept at most. Every command's together are about a thousand; past this the file
# keeps only the last run's (so the texts of code since changed go).
_MOST = 2048

_kept: dict[str, CodeType] = {}  # read from the file
_new: dict[str, CodeType] = {}  # compiled by this run
_used: set[str] = set()  # found kept by this run


def cache_file() -> Path | None:
    """Where the kept code is: beside digest's own bytecode (None when Python keeps none)."""
    try:
        pyc = importlib.util.cache_from_source(str(Path(__file__).with_name("dataclasses.py")))
    except NotImplementedError:  # no cache tag: this Python writes no bytecode
        return None
    return Path(pyc).with_suffix(".bin")


def install(path: Path | None = None) -> None:
    """From now on, this process makes dataclasses with the code `path` (cache_file())
    keeps; once per process."""
    if "exec" in vars(dataclasses):
        return  # installed already, or someone else's exec stands there: left as it is
    path = path or cache_file()
    if path is not None:
        _kept.update(_read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin


def keep(path: Path | None = None) -> None:
    """Keep in `path` (cache_file()) the code this run compiled, with what was kept."""
    path = path or cache_file()
    if not _new or sys.dont_write_bytecode or path is None:
        return
    if len(_kept) + len(_new) <= _MOST:
        kept = {**_kept, **_new}
    else:
        kept = {**{text: _kept[text] for text in _used}, **_new}
    body = marshal.dumps(kept)
    if _write(path, _HEADER + zlib.crc32(body).to_bytes(4, "little") + body):
        _kept.clear()
        _kept.update(kept)
        _used.update(_new)
        _new.clear()


def compiled() -> int:
    """How many texts this run has compiled, not finding them kept."""
    return len(_new)


def _exec(source: Any, *args: Any, **kwargs: Any) -> Any:
    """exec, with a text's code from what is kept (or compiled now, and kept later)."""
    if isinstance(source, str):
        code = _kept.get(source)
        if code is not None:
            _used.add(source)
        elif (code := _new.get(source)) is None:
            code = _new[source] = compile(source, "<string>", "exec", dont_inherit=True)
        source = code
    return builtins.exec(source, *args, **kwargs)


def _write(path: Path, data: bytes) -> bool:
    """files.write_cache, without importing digest.files: this module is the first of
    digest's a command imports, and the parsers' fork server keeps its code as the
    interpreter ends, when digest.files' imports (concurrent.futures) may no longer be."""
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


def _read(path: Path) -> dict[str, CodeType]:
    """The code `path` keeps for this interpreter; none if it is missing or damaged."""
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
    return {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, CodeType)}
