"""The patterns a command compiled, kept in the project's cache (digest/kept_patterns.py):
the next run finds each in re's own cache, made from its kept form without compiling it,
and the very pattern re.compile makes; anything else in the file (another Python's or
digest's, damaged, unwritable, too many) costs time, never a wrong pattern."""

from __future__ import annotations

import _sre
import array
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from digest import config, kept_patterns
from digest.text import casualties
from tests.conftest import SAMPLE_EPOCH, run_cli

# The costliest patterns digest compiles (casualties.compile_patterns), and two only this
# test compiles: no other code in the test process holds them in re's cache.
FLAGS = casualties._FLAGS.value
SOURCES = (casualties._DEATHS[0], casualties._COUNT)
OWN = (r"(?P<word>kept-pattern-\w+) (?P<n>\d+)", r"kept-pattern-other \d+")
ALL = (*SOURCES, *OWN)
REPORT = (
    "A roadside bomb killed two soldiers and wounded three others near Tuz Khurmatu on "
    "Monday, raising the death toll to five. kept-pattern-one 12 kept-pattern-other 7"
)


@pytest.fixture(autouse=True)
def empty_re_cache() -> Iterator[None]:
    """Each test starts and ends with re's cache empty (what one puts there, no other
    sees) and re's compiler its own (no test leaves a recording behind)."""
    re.purge()
    yield
    re.purge()
    assert re._compiler._sre is _sre and kept_patterns._RECORDING.users == 0


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources re compiles from now on (re's cache misses)."""
    seen: list[str] = []

    def spy(source: str, flags: int = 0) -> re.Pattern[str]:
        seen.append(source)
        return _COMPILE(source, flags)

    monkeypatch.setattr(re._compiler, "compile", spy)
    return seen


_COMPILE = re._compiler.compile


def _fresh(source: str) -> re.Pattern[str]:
    """The pattern re's compiler makes of `source`, past any cache (and any spy)."""
    return _COMPILE(source, FLAGS)


def _run(path: Path, sources: tuple[str, ...] = ALL) -> kept_patterns.Warmed:
    """A command's run as the CLI frames it (kept_patterns.kept): warm, compile `sources`,
    keep, stop."""
    warmed = kept_patterns.warm(path)
    try:
        for source in sources:
            re.compile(source, FLAGS)
        kept_patterns.keep(warmed, path)
    finally:
        kept_patterns.stop(warmed)
    assert re._compiler._sre is _sre  # re's compiler as it was
    return warmed


def _read(path: Path) -> tuple[dict, list]:
    """The file's header (who made it, the checksum) and its forms, [flags, source, form]."""
    head, _, data = path.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(data)


def _write(path: Path, header: dict, forms: list) -> None:
    """A file as digest writes it, with a checksum that holds."""
    data = json.dumps(forms).encode()
    header = {**header, "crc32": zlib.crc32(data)}
    path.write_bytes(json.dumps(header).encode() + b"\n" + data)


def _kept_sources(path: Path) -> set[str]:
    return {source for _, source, _ in _read(path)[1]}


def test_a_kept_pattern_is_ready_next_time_and_the_same_as_compiled(tmp_path, compiles):
    path = kept_patterns.cache_file(tmp_path / "cache", "draft")
    _run(path)
    assert _kept_sources(path) == set(ALL)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    re.purge()
    compiles.clear()
    kept_patterns.stop(kept_patterns.warm(path))
    found = {source: re.compile(source, FLAGS) for source in ALL}
    assert compiles == []  # each was in re's cache, made from its form
    for source, pattern in found.items():
        fresh = _fresh(source)
        assert pattern is not fresh and pattern == fresh  # equal flags, source and code
        assert (pattern.groups, pattern.groupindex) == (fresh.groups, fresh.groupindex)
        matches = [(m.span(), m.groupdict()) for m in pattern.finditer(REPORT)]
        assert matches == [(m.span(), m.groupdict()) for m in fresh.finditer(REPORT)]
        assert matches  # each pattern finds something in the report
    assert re.search(OWN[0], REPORT, FLAGS).group("n") == "12"  # re.search finds it too
    assert compiles == []


def test_only_what_the_command_compiled_is_kept_and_nothing_rewritten(tmp_path):
    path = tmp_path / "patterns-build.json"
    re.compile(OWN[1], FLAGS)  # compiled before the command began: warming comes too late
    _run(path, (*SOURCES, OWN[0]))
    assert _kept_sources(path) == {*SOURCES, OWN[0]}
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    re.purge()
    _run(path, SOURCES)  # nothing new: the file stays as it was, OWN[0] in it
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    re.purge()
    _run(path, (OWN[1],))  # one more: kept beside those made ready
    assert _kept_sources(path) == set(ALL)


@pytest.mark.parametrize("field", ["interpreter", "code"])
def test_forms_made_by_another_python_or_digest_are_not_used(tmp_path, compiles, field):
    path = tmp_path / "patterns-draft.json"
    _run(path)
    header, forms = _read(path)
    _write(path, {**header, field: "cpython-310 3.10.0 or other code"}, forms)
    re.purge()
    compiles.clear()
    _run(path)
    assert sorted(compiles) == sorted(ALL)  # compiled by re, as without the file
    assert _read(path)[0] == header  # replaced by this Python's and digest's


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.partition("\n")[0],  # the forms lost
        lambda text: "not json",
        lambda text: "[]",
        lambda text: "[" * 100_000,  # deeper than json can read: RecursionError
        lambda text: text.replace("AAAA", "AAAB", 1),  # one word of code changed
    ],
)
def test_a_damaged_file_is_compiled_anew(tmp_path, compiles, damage):
    """A form from a file whose checksum fails would make another pattern than re's."""
    path = tmp_path / "patterns-draft.json"
    _run(path)
    text = path.read_text(encoding="utf-8")
    damaged = damage(text)
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    re.purge()
    compiles.clear()
    warmed = kept_patterns.warm(path)
    assert warmed.forms == {} and warmed.stale
    for source in ALL:
        assert re.compile(source, FLAGS) == _fresh(source)
    assert sorted(compiles) == sorted(ALL)
    kept_patterns.keep(warmed, path)
    kept_patterns.stop(warmed)
    assert _kept_sources(path) == set(ALL)  # kept again, whole


@pytest.mark.parametrize(
    "field, value", [(1, "%%%"), (1, "AAAA"), (1, "AAAAAA=="), (2, "two"), (3, []), (4, 1)]
)
def test_a_damaged_form_is_compiled_anew_and_kept_again(tmp_path, compiles, field, value):
    """Bad base64, code _sre refuses ("invalid SRE code"), wrong types: never a crash."""
    path = tmp_path / "patterns-draft.json"
    _run(path)
    header, forms = _read(path)
    [entry] = [entry for entry in forms if entry[1] == SOURCES[0]]
    good = list(entry[2])
    entry[2][field] = value
    _write(path, header, forms)
    re.purge()
    compiles.clear()
    _run(path)
    assert compiles == [SOURCES[0]]  # the others came from their forms
    assert re.compile(SOURCES[0], FLAGS) == _fresh(SOURCES[0])
    assert [e[2] for e in _read(path)[1] if e[1] == SOURCES[0]] == [good]


def test_a_kept_form_is_what_re_gave_sre_and_keeping_parses_nothing(tmp_path, monkeypatch):
    given = {}
    real = _sre.compile

    def spy(pattern, flags, code, *rest):
        given[pattern] = [flags, list(code), *rest]
        return real(pattern, flags, code, *rest)

    monkeypatch.setattr(kept_patterns._sre, "compile", spy)
    path = tmp_path / "patterns-draft.json"
    warmed = kept_patterns.warm(path)
    for source in ALL:
        re.compile(source, FLAGS)
    parses = []
    monkeypatch.setattr(re._parser, "parse", lambda *args: parses.append(args))
    kept_patterns.keep(warmed, path)
    kept_patterns.stop(warmed)
    assert parses == []  # no pattern read again to keep it
    for _, source, form in _read(path)[1]:
        flags_given, code, groups, groupindex, indexgroup = given[source]
        words = array.array(kept_patterns._CODE, base64.b64decode(form[1])).tolist()
        assert [form[0], words, form[2], form[3], tuple(form[4])] == [
            flags_given,
            code,
            groups,
            groupindex,
            indexgroup,
        ]


def test_with_another_re_compiler_nothing_is_recorded_nor_kept(tmp_path, monkeypatch):
    """Should a later `re` not hand its code to _sre.compile as this one does (its internals
    are not an API), nothing is kept, and its compiler is left as it is."""
    monkeypatch.setattr(re._compiler, "_sre", SimpleNamespace(**vars(_sre)))
    stand_in = re._compiler._sre
    path = tmp_path / "patterns-draft.json"
    with kept_patterns.kept(path):
        assert re._compiler._sre is stand_in
        for source in ALL:
            assert re.compile(source, FLAGS) == _fresh(source)
    assert not path.exists() and re._compiler._sre is stand_in


def test_re_s_compiler_is_given_back_when_the_command_fails(tmp_path):
    path = tmp_path / "patterns-draft.json"
    with pytest.raises(RuntimeError), kept_patterns.kept(path):
        assert re._compiler._sre is not _sre  # recording
        re.compile(OWN[0], FLAGS)
        raise RuntimeError("the command failed")
    assert re._compiler._sre is _sre
    assert not path.exists()  # a failed command keeps nothing
    assert kept_patterns._RECORDING.forms == {}


def test_re_s_cache_never_holds_more_than_it_would_and_the_newest_are_made(tmp_path, compiles):
    path = tmp_path / "patterns-draft.json"
    many = tuple(f"kept-pattern-{n}" for n in range(kept_patterns._ROOM + 20))
    _run(path, many)
    kept = [source for _, source, _ in _read(path)[1]]
    assert len(kept) <= kept_patterns._ROOM  # no more than re's cache held
    assert kept == list(many[-len(kept) :])  # the newest, in the order they came
    re.purge()
    re.compile("kept-pattern-before", FLAGS)  # some room taken already
    compiles.clear()
    kept_patterns.stop(kept_patterns.warm(path))
    assert len(re._cache) == kept_patterns._ROOM
    assert re.compile(many[-1], FLAGS) and compiles == []  # the newest are there
    assert re.compile("kept-pattern-before", FLAGS) and compiles == []


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path):
    (tmp_path / "cache").write_text("a file, not a folder", encoding="utf-8")
    warmed = _run(tmp_path / "cache" / "patterns-draft.json")  # no error
    assert warmed.stale  # still to be kept, by a later run
    assert (tmp_path / "cache").read_text(encoding="utf-8") == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]  # no partial file


def _digest(conf: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`digest` in a fresh interpreter, whose re cache holds nothing of this process's."""
    return subprocess.run(
        [sys.executable, "-m", "digest", "--config", str(conf), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SAMPLE_EPOCH},
        timeout=300,
    )


def test_digest_draft_keeps_its_patterns_and_drafts_the_same_with_them(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    cache = kept_patterns.cache_file(config.load(conf).cache_path, "draft")
    issue = conf.parent / "content" / "issues" / "2024-02-08.md"
    draft = ("draft", "--week-ending", "2024-02-08", "--force")
    first = _digest(conf, *draft)
    assert first.returncode == 0, first.stderr
    written = issue.read_bytes()
    kept = _kept_sources(cache)
    every = (*casualties._DEATHS, *casualties._INJURIES, casualties._COUNT, casualties._TOLL)
    assert kept >= set(every)  # compiled before the readers fork, so kept
    assert len(kept) > 100  # the modules' own, imported after the settings
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)
    second = _digest(conf, *draft)  # from the kept forms
    assert second.returncode == 0, second.stderr
    assert issue.read_bytes() == written
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before  # nothing to add
    cache.write_text("{", encoding="utf-8")  # damaged: compiled anew, and kept again
    third = _digest(conf, *draft)
    assert third.returncode == 0, third.stderr
    assert issue.read_bytes() == written
    # Kept again; less than the first run's: the draft's template comes compiled by now,
    # and Jinja's lexer, which compiled it, was not needed.
    again = _kept_sources(cache)
    assert set(every) <= again <= kept and len(again) > 100


def _site(output: Path) -> dict[str, str]:
    """Each file's hash; Pagefind's index left out: two runs of it over the same pages
    name and pack its files differently (tests/test_search_browser.py: same results)."""
    return {
        str(path.relative_to(output)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(output.rglob("*"))
        if path.is_file() and "pagefind" not in path.relative_to(output).parts
    }


def test_digest_build_keeps_its_patterns_and_builds_the_same_with_them(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    assert _digest(conf, "draft", "--week-ending", "2024-02-08").returncode == 0
    settings = config.load(conf)
    cache = kept_patterns.cache_file(settings.cache_path, "build")
    first = _digest(conf, "build")
    assert first.returncode == 0, first.stderr
    site = _site(settings.output_path)
    kept = _kept_sources(cache)
    assert len(kept) > 100
    # Built again from nothing but the patterns kept.
    shutil.rmtree(settings.output_path)
    for path in settings.cache_path.iterdir():
        if path != cache:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    second = _digest(conf, "build")
    assert second.returncode == 0, second.stderr
    assert _site(settings.output_path) == site
    # Some libraries spell a pattern anew in each process (from a set): those replace
    # their last spelling; the rest came from the file.
    again = _kept_sources(cache)
    assert len(again) == len(kept) and len(again - kept) < 20
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)
    third = _digest(conf, "build")  # nothing to build: nothing new compiled either
    assert third.returncode == 0, third.stderr
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before


def test_respellings_of_a_pattern_replace_each_other(tmp_path):
    path = tmp_path / "patterns-build.json"
    _run(path, ("[abc]x", OWN[0]))
    re.purge()
    _run(path, ("[cab]x",))  # the same letters in another order: the last spelling wins
    assert _kept_sources(path) == {"[cab]x", OWN[0]}
