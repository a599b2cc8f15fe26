"""Regular expressions compiled by an earlier run of a command, kept in the project's cache.

Before it reads its first report or page, a command compiles hundreds of patterns: digest's
own (the casualty readers' spell out every way wire copy counts the dead and the wounded:
70-100 ms) and those of the libraries it imports (soupsieve's CSS parser alone, 25 ms).
CPython compiles a pattern in two steps: a parser and a code generator written in Python
(the cost), then `_sre.compile`, which takes the code they made (a list of integers) and is
quick. While a command runs, what `re`'s compiler hands `_sre.compile` is recorded (a
stand-in for `_sre` in `re._compiler`, which passes every call on); at its end, that form
of each pattern it compiled is kept here, for the interpreter that made it. Its next run
makes those patterns with `_sre.compile` and puts them in `re`'s own cache before it imports
anything else, so that `re.compile`, `re.search` ... of each finds it compiled. For
`digest build` of a 520-issue archive, 379 patterns in 3 ms, where compiling them took
about 70.

A form is what `re` itself gave `_sre` for the pattern, used only by the same interpreter
(its exact version and _sre's magic number) and the same digest code, from a file whose
checksum holds. Another interpreter, a damaged file or an `re` whose compiler does not call
`_sre.compile` as CPython 3.11-3.13's does compiles as before. The file is a cache:
without it a run only takes longer. Its first line says who made it and the checksum of
the rest, the forms. The checksum finds damage, not intent: like Pelican's content cache
beside it (pickles), the project's cache folder is trusted as its settings file is.
"""

from __future__ import annotations

import array
import base64
import contextlib
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest import files, stamps

try:
    import _sre
    from re import _compiler

    _INTERPRETER: str | None = (
        f"{sys.implementation.cache_tag} {sys.version} {sys.byteorder} {_sre.MAGIC} {_sre.CODESIZE}"
    )
    # re's cache of compiled patterns, by (type, source, flags): what re.compile looks in.
    _CACHE: dict[Any, Any] | None = re._cache if isinstance(re._cache, dict) else None  # type: ignore[attr-defined]
    _ROOM: int = re._MAXCACHE  # type: ignore[attr-defined]  # it holds at most this many
except (ImportError, AttributeError):  # not CPython: every pattern is compiled by `re`
    _INTERPRETER, _CACHE, _ROOM = None, None, 0

_CODE = "I" if array.array("I").itemsize == 4 else "L"  # the code's words, as _sre stores them

Form = list[Any]  # [flags, code (base64 of its words), groups, groupindex, indexgroup]
Key = tuple[int, str]  # (flags, source)


def cache_file(folder: Path, command: str) -> Path:
    """The file keeping what `command` compiles (each its own: a build's are not a draft's)."""
    return folder / f"patterns-{command}.json"


class _Recording:
    """Stands in for `_sre` in `re._compiler` while commands run: passes each compile on to
    `_sre.compile` and keeps what it was given, the form keep() writes."""

    def __init__(self) -> None:
        # _sre's own functions and constants, as attributes of this object: the compiler
        # asks for some of them for every character of a pattern that ignores case.
        names = (k for k in vars(_sre) if not k.startswith("__") and k != "compile")
        self.__dict__.update((k, getattr(_sre, k)) for k in names)
        self.forms: dict[Key, Form] = {}  # by the pattern's own flags and source
        self.users = 0  # the commands running (warm() without its stop())

    def compile(self, pattern: Any, flags: int, code: list[int], *rest: Any) -> Any:
        made = _sre.compile(pattern, flags, code, *rest)
        if isinstance(pattern, str) and len(rest) == 3:
            groups, groupindex, indexgroup = rest
            self.forms[flags, pattern] = [flags, code, groups, dict(groupindex), list(indexgroup)]
        return made

    def __getattr__(self, name: str) -> Any:  # what _sre may hold beyond the above
        return getattr(_sre, name)


_RECORDING = _Recording() if _INTERPRETER is not None else None


@dataclass
class Warmed:
    """What warm() found: the forms of the file, and what re's cache held before."""

    forms: dict[Key, Form] = field(default_factory=dict)  # as read, in the file's order
    before: set[Any] = field(default_factory=set)  # compiled before the command began
    stale: bool = False  # the file is missing, another's, or holds a damaged form
    recording: bool = False  # re's compiler records what it compiles until stop()


@contextlib.contextmanager
def kept(path: Path) -> Iterator[None]:
    """Within: the patterns `path` keeps are ready (warm); once it ends without an error,
    what was compiled within is kept (keep)."""
    warmed = warm(path)
    try:
        yield
        keep(warmed, path)
    finally:
        stop(warmed)


def warm(path: Path) -> Warmed:
    """Put the patterns `path` keeps into re's cache, and record what re compiles from now
    on until stop(); returns what keep() needs at the end."""
    if _INTERPRETER is None or _CACHE is None or _RECORDING is None:
        return Warmed()
    warmed = Warmed(forms=_read(path), before=set(_CACHE))
    warmed.stale = not warmed.forms
    forms = list(warmed.forms.items())
    room = _ROOM - len(_CACHE)  # the newest forms, if re's cache has room for fewer
    for (flags, source), form in forms[max(len(forms) - room, 0) :] if room > 0 else ():
        key = (str, source, flags)
        if key in _CACHE:
            continue
        try:
            _CACHE[key] = _rebuilt(source, form)
        except Exception:  # a damaged form: compiled by re when asked for, and kept again
            del warmed.forms[flags, source]
            warmed.stale = True
    if getattr(_compiler, "_sre", None) in (_sre, _RECORDING):  # else: another re
        _compiler._sre = _RECORDING  # type: ignore[attr-defined]
        _RECORDING.users += 1
        warmed.recording = True
    return warmed


def stop(warmed: Warmed) -> None:
    """re's compiler as it was before warm(), once no command records."""
    if warmed.recording and _RECORDING is not None:
        warmed.recording = False
        _RECORDING.users -= 1
        if not _RECORDING.users:
            _compiler._sre = _sre  # type: ignore[attr-defined]
            _RECORDING.forms = {}


def keep(warmed: Warmed, path: Path) -> None:
    """Keep in `path` the patterns the command compiled (those in re's cache it did not
    hold before warm() but from the file), if the file lacks any of them. A reader never
    sees half a file; one that cannot be written only costs the next run time."""
    if _INTERPRETER is None or _CACHE is None or _RECORDING is None:
        return
    try:
        cached = list(_CACHE.items())  # a copy: another thread may compile meanwhile
    except RuntimeError:
        return
    forms: dict[Key, Form] = {}
    added: set[Key] = set()
    for key, pattern in cached:
        kind, source, flags = key
        if kind is not str or not isinstance(flags, int) or not isinstance(pattern, re.Pattern):
            continue
        form = warmed.forms.get((flags, source))
        if form is None:
            if key in warmed.before:
                continue  # compiled before the command began: warm() comes too late for it
            recorded = _RECORDING.forms.get((pattern.flags, source))
            if recorded is None:
                continue  # compiled with no record (re's compiler is not the one it knows)
            form = _written(recorded)
            added.add((flags, source))
        forms[flags, source] = form
    if not (added or (warmed.stale and forms)):
        return
    if added:
        # A library that builds a pattern from a set spells it in another order in each
        # process (string hashes are salted): the spelling compiled now replaces those kept
        # before, which no run may ask for again.
        respelled = {_letters(key) for key in added}
        forms = {k: f for k, f in forms.items() if k in added or _letters(k) not in respelled}
    data = json.dumps([[flags, source, form] for (flags, source), form in forms.items()]).encode()
    header = json.dumps({"interpreter": _INTERPRETER, "code": _code(), "crc32": zlib.crc32(data)})
    if files.write_cache(path, header.encode() + b"\n" + data):
        warmed.forms, warmed.stale = forms, False


def _written(recorded: Form) -> Form:
    """A recorded form as the file keeps it: the code's words in base64."""
    flags, code, groups, groupindex, indexgroup = recorded
    words = base64.b64encode(array.array(_CODE, code).tobytes()).decode("ascii")
    return [flags, words, groups, groupindex, indexgroup]


def _letters(key: Key) -> tuple[int, str]:
    """A pattern's flags and letters, in any order: the same for each of its spellings."""
    flags, source = key
    return flags, "".join(sorted(source))


def _code() -> str:
    return stamps.code_fingerprint()


def _read(path: Path) -> dict[Key, Form]:
    """The forms `path` keeps for this interpreter and code (none if it holds none, or is
    unreadable)."""
    try:
        head, _, data = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        made = {"interpreter": _INTERPRETER, "code": _code(), "crc32": zlib.crc32(data)}
        if header != made:
            return {}  # another Python's or digest's (their code may differ), or damaged
        return {(flags, source): form for flags, source, form in json.loads(data)}
    except Exception:  # unreadable, not JSON, nested past the parser's depth, another shape
        return {}


def _rebuilt(source: str, form: Form) -> re.Pattern[str]:
    flags, words, groups, groupindex, indexgroup = form
    code = array.array(_CODE, base64.b64decode(words, validate=True)).tolist()
    # _sre checks the code it is given (an invalid program is a RuntimeError, not a crash).
    return _sre.compile(source, flags, code, groups, groupindex, tuple(indexgroup))
