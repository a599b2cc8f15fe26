"""The code dataclasses generate, kept in the user's cache folder (digest/kept_code.py): a
class made from kept code has the very methods exec makes from the text, code of its own,
the next run of a command compiles none of it, two processes writing one after the other
both keep theirs, and a damaged, foreign or unwritable file only costs time."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from digest import kept_code

# Dataclasses of every kind digest writes (frozen, slots, order, defaults and factories,
# keyword-only fields, InitVar and __post_init__, fields out of repr, compare or hash), made
# anew at each make(); then what their methods' code is and what the methods do.
_CLASSES = textwrap.dedent(
    """
    import dataclasses, json, sys
    from dataclasses import InitVar, dataclass, field

    def make():
        @dataclass(frozen=True, order=True)
        class Point:
            x: int
            y: int = 0
            label: str = field(default="", compare=False)

        @dataclass(slots=True)
        class Box:
            items: list = field(default_factory=list)
            size: int = 1
            secret: str = field(default="", repr=False)

        @dataclass(kw_only=True, unsafe_hash=True)
        class Named:
            name: str
            scale: InitVar[int] = 2
            doubled: str = field(init=False, default="")

            def __post_init__(self, scale):
                self.doubled = self.name * scale

        @dataclass(eq=False)
        class Plain:
            a: object = None

        @dataclass(eq=False)
        class Twin:  # the same generated text as Plain's
            a: object = None

        return [Point, Box, Named, Plain, Twin]

    def shape(code):
        return repr([
            code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
            code.co_filename, code.co_name, code.co_qualname, code.co_firstlineno,
            code.co_linetable, code.co_exceptiontable, code.co_flags, code.co_argcount,
            code.co_kwonlyargcount, code.co_stacksize,
            [shape(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts],
        ])

    def methods(classes):
        return {
            f"{cls.__name__}.{name}": shape(getattr(f, "__wrapped__", f).__code__)
            for cls in classes
            for name, f in sorted(vars(cls).items())
            if callable(f) and hasattr(f, "__code__")
        }

    def own_code(classes):
        Plain, Twin = classes[3:]
        return Plain.__init__.__code__ is not Twin.__init__.__code__

    def behaviour(classes):
        Point, Box, Named, Plain, _ = classes
        p, q = Point(1, 2, "a"), Point(1, 2, "b")
        b1, b2 = Box(), Box()
        b1.items.append(1)
        n = Named(name="ab", scale=3)
        try:
            p.x = 5
            frozen = False
        except dataclasses.FrozenInstanceError:
            frozen = True
        return [
            p == q, p < Point(2), hash(p) == hash(q), repr(p), frozen,
            b2.items, repr(b1), hasattr(b1, "__dict__"),
            n.doubled, hash(n) == hash(Named(name="ab", scale=3)), repr(n),
            Plain(1) == Plain(1),
        ]
    """
)


def _python(script: str, future: bool) -> dict:
    """Run `script` (after _CLASSES, in a module with or without `from __future__ import
    annotations`) in a fresh interpreter; its last line printed, as JSON."""
    head = "from __future__ import annotations\n" if future else ""
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", head + _CLASSES + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("future", [False, True], ids=["annotations", "future annotations"])
def test_classes_made_from_kept_code_have_the_methods_exec_makes(tmp_path, future):
    kept = tmp_path / "dataclasses.bin"
    first = _python(
        f"""
        plain = make()  # as dataclasses makes them, exec compiling each text
        from pathlib import Path
        from digest import kept_code
        kept_code.install(Path({str(kept)!r}))
        hooked = make()  # compiled by kept_code, none kept yet
        compiled = kept_code.compiled()
        kept_code.keep(Path({str(kept)!r}))
        print(json.dumps({{
            "plain": methods(plain), "hooked": methods(hooked), "compiled": compiled,
            "plain_does": repr(behaviour(plain)), "hooked_does": repr(behaviour(hooked)),
            "own": own_code(hooked),
        }}))
        """,
        future,
    )
    assert first["compiled"] >= 12  # every class's __init__, __repr__, __eq__ ... at least
    assert first["hooked"] == first["plain"]
    assert len(first["plain"]) >= 12
    assert first["hooked_does"] == first["plain_does"]
    assert first["own"]  # Twin's text was compiled for Plain, its code is still its own
    second = _python(
        f"""
        from pathlib import Path
        from digest import kept_code
        kept_code.install(Path({str(kept)!r}))
        classes = make()  # every text kept by the first run
        print(json.dumps({{
            "methods": methods(classes), "compiled": kept_code.compiled(),
            "does": repr(behaviour(classes)), "own": own_code(classes),
        }}))
        """,
        future,
    )
    assert second["compiled"] == 0
    assert second["methods"] == first["plain"]
    assert second["does"] == first["plain_does"]
    assert second["own"]


def _cli(conf: Path, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [sys.executable, "-m", "digest", "--config", str(conf), "check"],
        capture_output=True,
        text=True,
        env={**environ, "XDG_CACHE_HOME": str(cache), **env},
        timeout=300,
    )


def test_a_command_keeps_the_code_and_its_next_run_compiles_none_of_it(project, tmp_path):
    conf = project()
    cache = tmp_path / "user-cache"  # the user's cache folder (XDG_CACHE_HOME)
    assert _cli(conf, cache).returncode == 0
    [kept] = (cache / "digest").glob("dataclasses-*.bin")
    texts = kept_code._read(kept)
    assert len(texts) > 50  # the settings', the models' ...
    assert any("def __init__(self,source:_type_source,guid:" in t for t in texts)  # models.Item
    before = (kept.read_bytes(), kept.stat().st_mtime_ns)
    assert _cli(conf, cache).returncode == 0
    assert (kept.read_bytes(), kept.stat().st_mtime_ns) == before  # nothing compiled anew
    kept.unlink()
    assert _cli(conf, cache, PYTHONDONTWRITEBYTECODE="1").returncode == 0
    assert not kept.exists()  # no bytecode written: none of this either


@pytest.fixture
def state(monkeypatch):
    """This process's kept_code state, fresh for the test (and bytecode writable)."""
    monkeypatch.setattr(kept_code, "_kept", {})
    monkeypatch.setattr(kept_code, "_new", {})
    monkeypatch.setattr(kept_code, "_used", set())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return kept_code


def _compiled(state, *texts: str) -> None:
    """As if this run had compiled `texts`."""
    for text in texts:
        code = compile(text, "<string>", "exec", dont_inherit=True)
        state._new[text] = marshal.dumps(code)


def test_two_processes_keep_what_each_compiled(state, tmp_path):
    path = tmp_path / "kept.bin"
    # The second process read the file before the first added to it, and adds its own.
    _compiled(state, "x = 1\n")
    state.keep(path)
    state._kept.clear()  # the second process, which read the file before the first wrote
    state._used.clear()
    _compiled(state, "y = 2\n")
    state.keep(path)
    assert sorted(kept_code._read(path)) == ["x = 1\n", "y = 2\n"]


def test_code_no_run_uses_goes_after_so_many_writes(state, tmp_path, monkeypatch):
    monkeypatch.setattr(kept_code, "_STALE", 2)
    path = tmp_path / "kept.bin"
    _compiled(state, "old = 1\n", "used = 1\n")
    state.keep(path)
    for write in range(3):
        state._used.clear()  # the next run
        state._used.add("used = 1\n")  # found kept by it
        _compiled(state, f"new = {write}\n")
        state.keep(path)
        assert ("old = 1\n" in kept_code._read(path)) == (write < 1), write  # 2 writes unused
    assert sorted(kept_code._read(path)) == ["new = 1\n", "new = 2\n", "used = 1\n"]


def test_a_run_that_only_reads_old_code_makes_it_young(state, tmp_path, monkeypatch):
    monkeypatch.setattr(kept_code, "_STALE", 2)
    path = tmp_path / "kept.bin"
    _compiled(state, "read = 1\n")
    state.keep(path)
    state._used.clear()
    _compiled(state, "other = 1\n")  # another command's run: "read" unused, one write old
    state.keep(path)
    state._kept.clear()
    state._kept.update(kept_code._read(path))
    state._used.clear()
    state._used.add("read = 1\n")  # a run that compiled nothing and found it kept
    state.keep(path)
    assert kept_code._read(path)["read = 1\n"][0] == 0
    state._used.clear()
    _compiled(state, "third = 1\n")  # it survives the next write it is not used in
    state.keep(path)
    assert "read = 1\n" in kept_code._read(path)


def test_keeping_never_fails_a_command(state, tmp_path):
    state._new["x = 1\n"] = object()  # type: ignore[assignment]  # marshal refuses it
    state.keep(tmp_path / "kept.bin")  # no error
    assert not (tmp_path / "kept.bin").exists()


def test_a_damaged_or_foreign_file_keeps_nothing(state, tmp_path):
    path = tmp_path / "kept.bin"
    _compiled(state, "x = 1\n", "def f(a):\n return a\n")
    state.keep(path)
    data = path.read_bytes()
    assert sorted(kept_code._read(path)) == ["def f(a):\n return a\n", "x = 1\n"]
    magic = len(kept_code._HEADER)  # the header ends in this Python's magic number
    for damaged in (
        data[:-1],  # cut short
        data.replace(b"return a", b"return b"),  # a byte changed: marshal reads it still
        data[: magic - 4] + b"\x00\x00\r\n" + data[magic:],  # another Python's bytecode
        b"",
        b"not a kept file at all",
    ):
        path.write_bytes(damaged)
        assert kept_code._read(path) == {}, damaged[:40]
    # Checksums that hold, over what marshal refuses or what is not code kept by text.
    for payload in (b"\x00garbage", marshal.dumps([1, 2]), marshal.dumps({"x": (0, 1)})):
        path.write_bytes(data[:magic] + zlib.crc32(payload).to_bytes(4, "little") + payload)
        assert kept_code._read(path) == {}
    assert kept_code._code(b"\x00garbage") is None  # such code is compiled again
    assert kept_code._code(marshal.dumps(1)) is None


def test_no_file_is_written_when_bytecode_is_not(state, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _compiled(state, "x = 1\n")
    state.keep(tmp_path / "kept.bin")
    assert not (tmp_path / "kept.bin").exists()


def test_a_folder_that_cannot_be_written_costs_nothing_but_time(state, tmp_path):
    (tmp_path / "cache").write_text("a file, not a folder", encoding="utf-8")
    _compiled(state, "x = 1\n")
    state.keep(tmp_path / "cache" / "kept.bin")  # no error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
