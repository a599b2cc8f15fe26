"""Judge every issue file under content/issues/ (issue_check.py), for `digest check` and
before `digest build` writes anything: the same verdict, the same lines.

A file is judged again only when its bytes, digest's code or the settings the judge reads
(sections, sources, language, DIGEST_MAX_ISSUE_BYTES) changed (a file over that limit only
when its size did: it is never read whole): verdicts are kept in CACHE_PATH/checks.json, so a
rebuild of a large archive judges only the issue that was edited. Many files are judged in
one process per CPU. The issues judged here are handed to the build, which then does not
parse them a second time.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import files, lifeline, stamps
from digest.config import Settings
from digest.errors import IssueFileError
from digest.heap import frozen_heap
from digest.models import SectionRule, Source
from digest.render.problems import Problem, display_path

# Loaded where an issue is judged (_judge_all) or parsed (_judge): the judge loads the
# Markdown parser and the text readers, the parsed issue Pelican, none of which reading
# the verdicts kept for unchanged files needs (`digest pdf` with nothing to make).
if TYPE_CHECKING:
    from digest.pelican_plugin.stored import StoredEdition
    from digest.render.issue_check import Later

CACHE_NAME = "checks.json"
_POOL_AT_LEAST = 16  # fewer files than this are judged faster than a pool starts
_CHUNKS_PER_WORKER = 16  # at 520 files, chunks of 16 or 17 (about 0.1 s each)


@dataclass
class ContentVerdict:
    problems: list[Problem] = field(default_factory=list)
    # Issues judged in this run and found publishable, parsed: {absolute path: (edition,
    # header)}, for the build's reader.
    parsed: dict[str, tuple[StoredEdition, dict[str, str]]] = field(default_factory=dict)
    # Files new to the build: added or edited since a build last printed their warnings.
    new_to_build: set[str] = field(default_factory=set)
    # The build's verdicts, saved by `shown` once the build has published (one save).
    cache: _Cache | None = field(default=None, repr=False)
    # The warning-only checks still being judged (check_content's `later`).
    pending: _Pending | None = field(default=None, repr=False)
    # Each file's content hash (SHA-256, hex) by its absolute path, as the check read it:
    # the build's Pelican stamps its content cache with them instead of reading every
    # issue file again.
    hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def settle(self) -> None:
        """Wait for the warnings judged later: then `problems` holds every problem, as
        without `later`. Safe to call again, and from any thread."""
        if self.pending is not None:
            self.pending.settle()

    def abandon(self) -> None:
        """The build failed: its warnings are not wanted."""
        if self.pending is not None:
            self.pending.abandon()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def issue_files(settings: Settings) -> list[Path]:
    return settings.issue_files()


def check_content(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    parsed: bool = False,
    build: bool = False,
    later: bool = False,
) -> ContentVerdict:
    """The problems of every issue file (or of `paths`), in file then line order; with
    `parsed`, also the issues judged now and found publishable; with `build`, the files
    whose warnings no published build has shown yet (`shown` records that one has).

    `later` (a build that warnings do not stop): when many files are judged, the
    warning-only checks (relative day words, scripts, unknown links, takeaways) run in a
    process of their own at the lowest priority, on the CPU time the build leaves idle;
    the verdict's errors and parsed issues are complete, its warnings once `settle()`d."""
    paths = issue_files(settings) if paths is None else list(paths)
    cache = _Cache(settings)
    verdict = ContentVerdict()
    found: dict[str, list[Problem]] = {}
    todo: list[tuple[str, str, str]] = []  # (absolute path, displayed path, content hash)
    for path in paths:
        name = display_path(path, settings.root)
        key = _content_key(path, settings.max_issue_bytes)
        if not key.startswith(_OVER):
            verdict.hashes[os.path.abspath(path)] = key
        known = cache.get(name, key)
        if known is not None:
            found[name] = known
        else:
            todo.append((str(path.resolve()), name, key))
    later = later and len(todo) >= _POOL_AT_LEAST
    deferred: list[tuple[str, Later]] = []
    for name, key, problems, edition, rest in _judge_all(todo, settings, parsed, later):
        found[name] = problems
        cache.put(name, key, problems)
        if edition is not None:
            verdict.parsed[edition[0]] = edition[1]
        if rest is not None:
            deferred.append((name, rest))
    names = [display_path(path, settings.root) for path in paths]
    for name in names:
        verdict.problems.extend(found[name])
        if build and not cache.shown(name):
            verdict.new_to_build.add(name)
    if deferred:
        verdict.pending = _Pending(verdict, deferred, found, names, settings)
        cache.pending = verdict.pending
    if build:
        verdict.cache = cache  # a build that fails judges its new files again: no loss
    else:
        cache.save()
    return verdict


_OVER = "size "  # a file over the size limit's key: its size, not its hash


def _content_key(path: Path, limit: int) -> str:
    """What the verdict depends on: the bytes' hash, or the size of a file over the limit
    (its one problem says nothing else, and reading it is what the limit spares)."""
    size = path.stat().st_size
    if size > limit:
        return f"{_OVER}{size}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _judge_all(
    todo: list[tuple[str, str, str]], settings: Settings, parsed: bool, later: bool
) -> list[tuple[str, str, list[Problem], Any, Later | None]]:
    if not todo:
        return []
    import digest.render.issue_check  # noqa: F401  (here: the pool's workers inherit it)

    limit = settings.max_issue_bytes
    args = (settings.sections, settings.sources, settings.language, limit, parsed, later)
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if workers < 2 or len(todo) < _POOL_AT_LEAST:
        return _judge(todo, *args)
    # Small chunks: when one worker takes the last, the other waits at most that long.
    parts = workers * _CHUNKS_PER_WORKER
    chunks = [todo[i::parts] for i in range(parts)]
    context = multiprocessing.get_context("fork")  # workers start with digest imported
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=lifeline.watch_parent)
    with frozen_heap(), pool:
        jobs = [pool.submit(_judge, chunk, *args) for chunk in chunks if chunk]
        return [found for job in jobs for found in job.result()]


def read_issue(path: Path, max_bytes: int | None) -> tuple[bytes, int]:
    """An issue file's bytes, at most `max_bytes` + 1 of them (enough to tell it is over the
    limit without reading a 50 MB file), and its size."""
    with path.open("rb") as file:
        data = file.read() if max_bytes is None else file.read(max_bytes + 1)
        return data, os.fstat(file.fileno()).st_size


def _judge(
    todo: list[tuple[str, str, str]],
    sections: Sequence[SectionRule],
    sources: Sequence[Source],
    language: str,
    max_bytes: int,
    parsed: bool,
    later: bool = False,
) -> list[tuple[str, str, list[Problem], Any, Later | None]]:
    from digest.render.issue_check import check_bytes

    judged = []
    for path, name, key in todo:
        data, size = read_issue(Path(path), max_bytes)
        verdict = check_bytes(
            data,
            name,
            sections,
            sources,
            language=language,
            size=size,
            max_bytes=max_bytes,
            later=later,
        )
        edition = None
        if parsed and verdict.edition is not None:
            # Packed here, in the worker: the parent receives bytes, not object graphs.
            from digest.pelican_plugin.stored import StoredEdition

            edition = (path, (StoredEdition(verdict.edition), verdict.meta))
        judged.append((name, key, verdict.problems, edition, verdict.later))
    return judged


class _Pending:
    """The warning-only checks of the files judged `later`, in a forked process at the
    lowest priority: it takes only the CPU the build leaves idle (at normal priority, two
    such processes were measured to slow the build, taking the CPU Pelican's writer needs)."""

    def __init__(
        self,
        verdict: ContentVerdict,
        deferred: list[tuple[str, Later]],
        found: dict[str, list[Problem]],
        names: list[str],
        settings: Settings,
    ) -> None:
        self.verdict, self.found, self.names = verdict, found, names
        self.deferred, self.sources = deferred, settings.sources
        self.lock = threading.Lock()
        self.done = False
        context = multiprocessing.get_context("fork")  # the payload is inherited, not sent
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_judge_later,
            args=(deferred, settings.sources, send),
            name="digest-warnings",
            daemon=True,
        )
        with frozen_heap():  # the payload, and all else it inherits, it never scans
            self.process.start()
        send.close()

    def settle(self) -> None:
        with self.lock:
            if self.done:
                return
            try:
                judged = self.receive.recv()
            except (EOFError, OSError):  # killed (out of memory?): judged here, the same
                judged = _judged_later(self.deferred, self.sources)
            finally:
                self.done = True
                self.receive.close()
                self.process.join()
            from digest.render.issue_check import merged

            cache = self.verdict.cache
            for name, warnings in judged:
                more = [Problem(name, line, "warning", message) for line, message in warnings]
                self.found[name] = merged(self.found[name], more)
                if cache is not None:
                    cache.replace(name, self.found[name])
            self.verdict.problems = [p for name in self.names for p in self.found[name]]

    def abandon(self) -> None:
        with self.lock:
            if not self.done:
                self.done = True
                self.process.kill()
                self.process.join()
                self.receive.close()


def _judge_later(deferred: list[tuple[str, Later]], sources: Sequence[Source], send: Any) -> None:
    lifeline.watch_parent()
    os.nice(19)
    send.send(_judged_later(deferred, sources))
    send.close()


def _judged_later(
    deferred: list[tuple[str, Later]], sources: Sequence[Source]
) -> list[tuple[str, list[tuple[int, str]]]]:
    """(file, [(line, message)]) of the files with warnings, as plain values to send."""
    from digest.render.issue_check import later_warnings

    judged = []
    for name, later in deferred:
        warnings = later_warnings(later, name, sources)
        if warnings:
            judged.append((name, [(p.line, p.message) for p in warnings]))
    return judged


def _rows(problems: list[Problem]) -> list[list[Any]]:
    """Problems as the cache file holds them."""
    return [[p.line, p.severity, p.message] for p in problems]


class _Cache:
    """Verdicts by file and content hash, valid for one code and settings fingerprint."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.cache_path / CACHE_NAME
        # A verdict follows from the file's bytes, digest's code, the Markdown parser (read
        # by its version: `digest pdf` does not load it), Python (its Unicode tables) and
        # the settings that name what a file may hold.
        self.token = stamps.fingerprint(
            stamps.code_fingerprint(),
            stamps.package_source("markdown_it"),
            sys.version,
            settings.language,
            str(settings.max_issue_bytes),
            *(rule.key for rule in settings.sections),
            *(f"{s.name}={','.join(s.domains)}" for s in settings.sources),
        )
        self.entries: dict[str, list[Any]] = files.read_entries(self.path, self.token)
        self.changed = False
        self.pending: _Pending | None = None  # warnings still being judged

    def get(self, name: str, key: str) -> list[Problem] | None:
        entry = self.entries.get(name)
        if not entry or entry[0] != key:
            return None
        return [Problem(name, line, severity, message) for line, severity, message in entry[1]]

    def put(self, name: str, key: str, problems: list[Problem]) -> None:
        self.entries[name] = [key, _rows(problems), ""]
        self.changed = True

    def replace(self, name: str, problems: list[Problem]) -> None:
        """The problems of a file put in this run, its marks kept."""
        self.entries[name][1] = _rows(problems)

    def shown(self, name: str) -> bool:
        """Whether a published build has shown this version's warnings."""
        entry = self.entries[name]
        return len(entry) > 2 and entry[2] == entry[0]

    def show(self, name: str) -> None:
        entry = self.entries.get(name)
        if entry:
            self.entries[name] = [entry[0], entry[1], entry[0]]
            self.changed = True

    def save(self) -> None:
        if self.pending is not None:
            self.pending.settle()  # the verdicts saved are whole
        if not self.changed:
            return
        files.write_entries(self.path, self.token, self.entries)


def shown(settings: Settings, names: Iterable[str], cache: _Cache | None = None) -> None:
    """A build that published has shown these files' warnings: later builds only count them.
    `cache`: the verdicts the build judged (ContentVerdict.cache), saved with the marks."""
    cache = cache if cache is not None else _Cache(settings)
    for name in names:
        cache.show(name)
    cache.save()


def refuse_broken(settings: Settings, slugs: Sequence[str] = ()) -> ContentVerdict:
    """Judge the issue files of `slugs` (all when empty) and raise IssueFileError when one
    has errors: what `pdf`, `send` and `draft --update` do before they touch an issue."""
    paths = issue_files(settings)
    if slugs:
        wanted = set(slugs)
        paths = [path for path in paths if _slug(path) in wanted]
    verdict = check_content(settings, paths)
    if verdict.errors:
        raise IssueFileError(verdict.errors)
    return verdict


def _slug(path: Path) -> str:
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return path.stem
    from digest.render.edition import split_metadata

    return split_metadata(head.removeprefix("\ufeff")).meta.get("slug") or path.stem
