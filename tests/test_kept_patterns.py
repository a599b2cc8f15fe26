"""The casualty patterns' compiled forms, kept in the project's cache (digest/kept_patterns.py):
a kept form makes the very pattern re.compile makes, without compiling it; anything else
in the file (another Python's, damaged, unwritable) costs time, never a wrong pattern."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from digest import config, kept_patterns
from digest.text import casualties
from tests.conftest import SAMPLE_EPOCH, run_cli

# Every pattern casualties.compile_patterns compiles, with its flags.
SOURCES = (*casualties._DEATHS, *casualties._INJURIES, casualties._COUNT, casualties._TOLL)
FLAGS = casualties._FLAGS
_code = re._compiler._code
REPORT = (
    "A roadside bomb killed two soldiers and wounded three others near Tuz Khurmatu on "
    "Monday, raising the death toll to five. Two of the wounded were later treated in hospital."
)


def _kept(path: Path) -> kept_patterns.KeptPatterns:
    kept = kept_patterns.KeptPatterns()
    for source in SOURCES:
        kept.compile(source, FLAGS)
    kept_patterns.save(kept, path)
    return kept


def _read(path: Path) -> tuple[dict, dict]:
    """The file's header (who made it, the checksum) and its forms."""
    head, _, data = path.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(data)


def _write(path: Path, interpreter: str, forms: dict) -> None:
    """A file as digest writes it, with a checksum that holds."""
    data = json.dumps(forms).encode()
    header = {"interpreter": interpreter, "crc32": zlib.crc32(data)}
    path.write_bytes(json.dumps(header).encode() + b"\n" + data)


def _from_forms(kept: kept_patterns.KeptPatterns, source: str) -> re.Pattern[str]:
    """kept.compile(source), checked to have been made from its form: re.compile, asked
    right after, returns its own cached object, a different one."""
    re.purge()
    pattern = kept.compile(source, FLAGS)
    assert pattern is not re.compile(source, FLAGS)
    return pattern


def test_a_kept_form_makes_the_pattern_re_compile_makes(tmp_path):
    path = tmp_path / "cache" / kept_patterns.FILE_NAME
    _kept(path)
    assert len(_read(path)[1]) == len(SOURCES)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    again = kept_patterns.load(path)
    for source in SOURCES:
        pattern = _from_forms(again, source)
        compiled = re.compile(source, FLAGS)
        assert pattern == compiled  # equal flags, source and code
        assert pattern.groupindex == compiled.groupindex and pattern.groups == compiled.groups
        found = [m.groupdict() for m in pattern.finditer(REPORT)]
        assert found == [m.groupdict() for m in compiled.finditer(REPORT)]
    killed = _from_forms(again, casualties._DEATHS[0]).search(REPORT)  # "killed two soldiers"
    assert killed is not None and killed.group("victims") == "two soldiers"
    assert not again.changed  # nothing new to keep: the file is not written again


def test_the_draft_keeps_every_pattern_and_only_those(tmp_path):
    """Asked of every costly pattern, compiled in this process already or not; a form kept
    for a pattern's earlier source is dropped."""
    path = tmp_path / kept_patterns.FILE_NAME
    _kept(path)
    header, forms = _read(path)
    old = f"{FLAGS.value} (?:an old source)"
    forms[old] = kept_patterns._form("(?:an old source)", FLAGS)
    _write(path, header["interpreter"], forms)
    for _ in range(2):  # the patterns are compiled in this process from the first time on
        kept = kept_patterns.load(path)
        casualties.compile_patterns(kept)
        kept_patterns.save(kept, path)
        assert sorted(_read(path)[1]) == sorted(f"{FLAGS.value} {s}" for s in SOURCES)


def test_forms_made_by_another_python_are_not_used(tmp_path):
    path = tmp_path / kept_patterns.FILE_NAME
    _kept(path)
    header, forms = _read(path)
    _write(path, "cpython-310 3.10.0 20220615 4", forms)
    other = kept_patterns.load(path)
    assert other.forms == {}
    re.purge()
    assert other.compile(SOURCES[0], FLAGS) is re.compile(SOURCES[0], FLAGS)  # compiled
    kept_patterns.save(other, path)  # replaced by this Python's
    assert _read(path)[0]["interpreter"] == header["interpreter"]


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
def test_a_damaged_file_is_compiled_anew(tmp_path, damage):
    """A form from a file whose checksum fails would make another pattern than re's."""
    path = tmp_path / kept_patterns.FILE_NAME
    _kept(path)
    text = path.read_text(encoding="utf-8")
    damaged = damage(text)
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    kept = kept_patterns.load(path)
    assert kept.forms == {}
    for source in SOURCES:
        assert kept.compile(source, FLAGS) == re.compile(source, FLAGS)


@pytest.mark.parametrize(
    "field, value", [(1, "%%%"), (1, "AAAA"), (1, "AAAAAA=="), (2, "two"), (3, []), (4, 1)]
)
def test_a_damaged_form_is_compiled_anew_and_kept_again(tmp_path, field, value):
    """Bad base64, code _sre refuses ("invalid SRE code"), wrong types: never a crash."""
    path = tmp_path / kept_patterns.FILE_NAME
    _kept(path)
    header, forms = _read(path)
    key = f"{FLAGS.value} {SOURCES[0]}"
    forms[key][field] = value
    _write(path, header["interpreter"], forms)
    kept = kept_patterns.load(path)
    assert kept.compile(SOURCES[0], FLAGS) == re.compile(SOURCES[0], FLAGS)
    assert kept.changed  # the good form replaces the damaged one
    kept_patterns.save(kept, path)
    assert _from_forms(kept_patterns.load(path), SOURCES[0]) == re.compile(SOURCES[0], FLAGS)


@pytest.mark.parametrize(
    "code",
    [
        lambda parsed, flags: _code(re._parser.parse("a|b", flags), flags),  # another's
        lambda parsed, flags: [*_code(parsed, flags), 99],  # code _sre refuses
        lambda parsed, flags: None,
    ],
)
def test_a_form_that_would_not_make_the_same_pattern_is_not_kept(monkeypatch, code):
    """Should a later `re` generate its code otherwise (its internals are not an API): as
    kept_patterns sees them, not as `re` itself does."""
    monkeypatch.setattr(kept_patterns, "_compiler", SimpleNamespace(_code=code))
    kept = kept_patterns.KeptPatterns()
    source = casualties._COUNT
    re.purge()
    assert kept.compile(source, FLAGS) is re.compile(source, FLAGS)
    assert kept.forms == {} and not kept.changed


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path):
    (tmp_path / "cache").write_text("a file, not a folder", encoding="utf-8")
    kept = _kept(tmp_path / "cache" / kept_patterns.FILE_NAME)  # no error
    assert kept.changed  # still to be kept, by a later run
    assert (tmp_path / "cache").read_text(encoding="utf-8") == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]  # no partial file


def _draft(conf: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "digest", "--config", str(conf), "draft"]
    return subprocess.run(
        [*command, "--week-ending", "2024-02-08", "--force"],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SAMPLE_EPOCH},
        timeout=120,
    )


def test_digest_draft_keeps_the_forms_and_drafts_the_same_with_them(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    cache = config.load(conf).cache_path / kept_patterns.FILE_NAME
    issue = conf.parent / "content" / "issues" / "2024-02-08.md"
    first = _draft(conf)
    assert first.returncode == 0, first.stderr
    written = issue.read_bytes()
    assert sorted(_read(cache)[1]) == sorted(f"{FLAGS.value} {s}" for s in SOURCES)
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)
    issue.unlink()
    second = _draft(conf)  # from the kept forms
    assert second.returncode == 0, second.stderr
    assert issue.read_bytes() == written
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before  # nothing to add
    cache.write_text("{", encoding="utf-8")  # damaged: compiled anew, and kept again
    issue.unlink()
    third = _draft(conf)
    assert third.returncode == 0, third.stderr
    assert issue.read_bytes() == written
    assert cache.read_bytes() == before[0]
