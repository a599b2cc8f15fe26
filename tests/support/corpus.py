"""feedparser's own test corpus (BSD-2), used as hostile input for collect: fetched, and
each file's self-description read.

About 2,200 tiny feeds, each stating what it tests in a header comment: 745 sanitization
cases, xml:base chains, ill-formed XML, a zoo of encodings. It is not committed; the
installed feedparser's sdist is downloaded once with pip and its tests/ folder unpacked into
.cache/feedparser-<version>/ (git-ignored). `invoke test` runs this module before pytest,
and the corpus tests call ensure_corpus() themselves, so plain `pytest` works too.

    python tests/support/corpus.py      # download if missing; prints one line when it downloads

Standard library only: tasks.py runs it as a script, before pytest.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
MARKER = ".complete"  # written last: a folder without it is a broken unpack, redone
DOWNLOAD_TIMEOUT = 300  # seconds for the whole `pip download`


class CorpusError(Exception):
    """The corpus is missing and could not be fetched; the message says what to do."""


def ensure_corpus(cache: Path = CACHE) -> Path:
    """The folder holding feedparser's tests/ tree (wellformed/, illformed/, encoding/ …)
    for the installed feedparser, downloading it first if the cache does not have it."""
    version = importlib.metadata.version("feedparser")
    target = cache / f"feedparser-{version}"
    if (target / MARKER).is_file():
        return target
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"feedparser test corpus: downloading the feedparser {version} sdist into {shown}/")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=f".feedparser-{version}-") as tmp:
        sdist = _download(version, Path(tmp) / "download")
        staging = Path(tmp) / "corpus"
        count = _unpack_tests(sdist, staging)
        checksum = hashlib.sha256(sdist.read_bytes()).hexdigest()
        (staging / MARKER).write_text(f"{sdist.name} sha256:{checksum} files:{count}\n")
        if target.exists():  # an earlier unpack that never finished
            shutil.rmtree(target)
        os.replace(staging, target)
    return target


def _download(version: str, folder: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", f"feedparser=={version}",
        "--no-deps", "--no-binary", ":all:", "--disable-pip-version-check", "-d", str(folder),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT)
        failure = _last_line(result.stderr) if result.returncode else ""
    except subprocess.TimeoutExpired:
        failure = f"no answer from the package index in {DOWNLOAD_TIMEOUT} s"
    sdists = sorted(folder.glob("feedparser-*.tar.gz")) if not failure else []
    if not sdists:
        failure = failure or "pip saved no feedparser-*.tar.gz"
        raise CorpusError(
            f"feedparser test corpus missing: `pip download feedparser=={version}` failed"
            f" ({failure}); give pip access to a package index, then run"
            f" `{_python()} tests/support/corpus.py` (or `make test`) again"
        )
    return sdists[0]


def _unpack_tests(sdist: Path, staging: Path) -> int:
    """Unpack only <top>/tests/ into `staging`, with tarfile's "data" filter (no absolute
    paths, no links out of the folder, no devices, no setuid bits)."""
    with tarfile.open(sdist, "r:gz") as archive:
        members = [
            m for m in archive.getmembers() if m.name.split("/")[1:2] == ["tests"] and m.isfile()
        ]
        if not members:
            raise CorpusError(f"{sdist.name}: has no tests/ folder; is it a feedparser sdist?")
        unpacked = staging.parent / "unpacked"
        archive.extractall(unpacked, members=members, filter="data")
    top = members[0].name.split("/")[0]
    os.replace(unpacked / top / "tests", staging)
    return len(members)


def _python() -> str:
    python = Path(sys.executable)
    return str(python.relative_to(ROOT)) if python.is_relative_to(ROOT) else str(python)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no error output")[:300]


# --------------------------------------------------------------------------- reading a case


@dataclass(frozen=True)
class Case:
    """What a corpus file says about itself in its header comment."""

    expect: str  # the `Expect:` line, a Python expression over feedparser's result
    headers: dict[str, str]  # `Header:` lines (lower-cased names): what its server sent
    runs_here: bool  # False when feedparser's own suite would skip it here (`SkipUnless:`)


def read_case(data: bytes) -> Case:
    comment = _as_text(data)
    expect = re.search(r"^Expect:[ \t]*(.*?)\s*$", comment, re.MULTILINE)
    headers = {
        key.strip().lower(): value.strip()
        for key, value in re.findall(r"^Header:\s+([^:\n]+):(.+)$", comment, re.MULTILINE)
    }
    return Case(expect[1] if expect else "", headers, _runs_here(comment))


def expected_strings(expect: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, value) for each `path == 'plain string'` in an `Expect:` expression, e.g.
    (("entries", 0, "content", 0, "value"), "safe <b>description</b>"). Read with ast,
    never evaluated."""
    try:
        tree = ast.parse(expect, mode="eval")
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and [type(op) for op in node.ops] == [ast.Eq]:
            path, value = _path(node.left), _string(node.comparators[0])
            if path and value is not None:
                yield path, value


def _path(node: ast.expr) -> tuple[str | int, ...] | None:
    steps: list[str | int] = []
    while isinstance(node, ast.Subscript | ast.Attribute):
        if isinstance(node, ast.Attribute):
            steps.append(node.attr)
        elif isinstance(node.slice, ast.Constant):
            steps.append(node.slice.value)
        else:
            return None
        node = node.value
    return (node.id, *reversed(steps)) if isinstance(node, ast.Name) else None


def _string(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # 'a -' + '- b'
        left, right = _string(node.left), _string(node.right)
        return None if left is None or right is None else left + right
    return None


def _runs_here(comment: str) -> bool:
    """Most `SkipUnless:` lines ask for a codec (Python has no "mac" or "viscii") or a
    module (chardet). We read those two forms and never evaluate code from the download;
    any other condition counts as unmet."""
    condition = re.search(r"^SkipUnless:\s*(.*?)\s*$", comment, re.MULTILINE)
    if condition is None:
        return True
    if codec := re.fullmatch(r"__import__\('codecs'\)\.lookup\('([\w-]+)'\)", condition[1]):
        try:
            codecs.lookup(codec[1])
        except LookupError:
            return False
        return True
    if module := re.fullmatch(r"__import__\('(\w+)'\)", condition[1]):
        return importlib.util.find_spec(module[1]) is not None
    return False


def _as_text(data: bytes) -> str:
    """A corpus file as text, well enough to read its comment (some are UTF-16/32/EBCDIC)."""
    for start, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
        (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"), (b"Lo\xa7\x94", "cp037"),
    ):  # fmt: skip
        if data.startswith(start):
            return data.decode(codec, "replace")
    return data.decode("utf-8", "replace")


# --------------------------------------------------------------------------- command line


def main() -> int:
    try:
        ensure_corpus()
    except CorpusError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
