"""Regular expressions compiled by an earlier run, kept in the project's cache.

The casualty readers' patterns (digest/text/casualties.py) spell out every way wire copy
counts the dead and the wounded; Python's `re` takes 70-100 ms to compile them, at every
start of `digest draft`, before the first report is read. CPython compiles a pattern in
two steps: a parser and a code generator written in Python (the cost), then
`_sre.compile`, which takes the code they made (a list of integers) and is quick. That
code is kept here, by pattern, for the interpreter that made it, and handed straight to
`_sre.compile` in a later run: 1 ms for the lot.

A form is kept only when the pattern it makes equals re.compile's (a pattern's equality
compares its code), and used only by the same interpreter (its exact version and _sre's
magic number), from a file whose checksum holds. Another interpreter, a damaged file or an
`re` whose internals changed compiles as before. The file is a cache: without it a run only
takes longer. Its first line says who made it and the checksum of the rest, the forms.
The checksum finds damage, not intent: like Pelican's content cache beside it (pickles),
the project's cache folder is trusted as its settings file is.
"""

from __future__ import annotations

import array
import base64
import contextlib
import json
import re
import sys
import zlib
from pathlib import Path
from typing import Any

from digest import files

FILE_NAME = "patterns.json"  # in the project's cache folder

try:
    import _sre
    from re import _compiler, _parser

    _INTERPRETER: str | None = (
        f"{sys.implementation.cache_tag} {sys.version} {sys.byteorder} {_sre.MAGIC} {_sre.CODESIZE}"
    )
except (ImportError, AttributeError):  # not CPython: every pattern is compiled by `re`
    _INTERPRETER = None

_CODE = "I" if array.array("I").itemsize == 4 else "L"  # the code's words, as _sre stores them

Form = list[Any]  # [flags, code (base64 of its words), groups, groupindex, indexgroup]


class KeptPatterns:
    """The compiled forms read from a project's cache, and those added this run."""

    def __init__(self, forms: dict[str, Form] | None = None) -> None:
        self.forms = forms or {}
        self.used: set[str] = set()  # what this run compiled: only those are kept
        self.changed = False

    def compile(self, source: str, flags: int) -> re.Pattern[str]:
        """re.compile(source, flags), from its kept form when there is one."""
        key = f"{int(flags)} {source}"
        self.used.add(key)
        form = self.forms.get(key)
        if form is not None:
            with contextlib.suppress(Exception):  # a damaged entry: compiled anew below
                return _rebuilt(source, form)
        pattern = re.compile(source, flags)
        form = _form(source, flags)
        if form is not None and _makes(source, form, pattern):
            self.forms[key] = form
            self.changed = True
        return pattern


def load(path: Path) -> KeptPatterns:
    """The forms `path` keeps for this interpreter (none if it holds none, or is unreadable)."""
    if _INTERPRETER is None:
        return KeptPatterns()
    try:
        head, _, data = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if header != {"interpreter": _INTERPRETER, "crc32": zlib.crc32(data)}:
            return KeptPatterns()  # another Python's (its code may differ), or damaged
        forms = json.loads(data)
    except Exception:  # unreadable, not JSON, nested past the parser's depth: none kept
        return KeptPatterns()
    return KeptPatterns(forms if isinstance(forms, dict) else None)


def save(kept: KeptPatterns, path: Path) -> None:
    """Keep the forms this run compiled in `path`, if it added any or the file holds others
    (a pattern's old source). A reader never sees half a file; one that cannot be written
    only costs the next run time."""
    if _INTERPRETER is None or not (kept.changed or kept.forms.keys() - kept.used):
        return
    forms = {key: form for key, form in kept.forms.items() if key in kept.used}
    data = json.dumps(forms, sort_keys=True).encode()
    header = json.dumps({"interpreter": _INTERPRETER, "crc32": zlib.crc32(data)}).encode()
    if files.write_cache(path, header + b"\n" + data):
        kept.changed = False


def _form(source: str, flags: int) -> Form | None:
    """What re._compiler.compile hands _sre.compile for `source`, as JSON can keep it."""
    if _INTERPRETER is None:
        return None
    try:
        parsed = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        words = base64.b64encode(array.array(_CODE, code).tobytes()).decode("ascii")
        return [flags | parsed.state.flags, words, parsed.state.groups - 1, groupindex, indexgroup]
    except Exception:  # `re`'s internals changed: the pattern is not kept
        return None


def _makes(source: str, form: Form, pattern: re.Pattern[str]) -> bool:
    """Whether `form` makes `pattern` again (not so if `re`'s internals changed)."""
    try:
        return _rebuilt(source, form) == pattern
    except Exception:
        return False


def _rebuilt(source: str, form: Form) -> re.Pattern[str]:
    flags, words, groups, groupindex, indexgroup = form
    code = array.array(_CODE, base64.b64decode(words, validate=True)).tolist()
    # _sre checks the code it is given (an invalid program is a RuntimeError, not a crash).
    return _sre.compile(source, flags, code, groups, groupindex, tuple(indexgroup))
