"""The site's search index: Pagefind over the built issue pages, once per build.

Pagefind (PyPI `pagefind[bin]`) writes a static index and its UI into output/pagefind/
(pagefind.js, pagefind-ui.js, the index and fragments); the /search/ page loads it. Only
issue pages are indexed: the archive lists them, the email edition and the PDFs repeat them.
Each page is indexed as a record per section (search_records.py), so that the Section
filter counts sections and the Series filter narrows to one series: the records are
written as small HTML files into a hidden folder inside output/ (removed when done) and
Pagefind indexes that folder. A record's address is its `url` meta (the issue page);
`pages_indexed` counts those.

A build gives Pagefind only the records new or changed since the last one (issue 25): what
the index holds is kept in CACHE_PATH/search.pickle (each page's records and their digests,
and the index itself as search_bundle.py reads it), the records from the first one gone or
changed on are dropped, Pagefind indexes the new ones alone, and search_bundle.py joins the
two into the bundle Pagefind would write for all of them. A build that changed no record
writes nothing; `--full`, a missing or unreadable cache, or a join that cannot be done
(another Pagefind, a new metadata field) index every record again. A full index is written
whole into a new folder beside the old one (output/.pagefind.<random>.digest-tmp; Pagefind
leaves the fragments of a previous run beside the new ones) and swapped in when complete
(digest.files.replace_folder); a joined one is written where the bundle lies, its new files
beside the old ones and its entry file replaced last (search_bundle.stage_update). Either
way a killed or failed build leaves the old index whole and the site searchable. The cache
is removed before the swap and written after it, so it never describes another bundle than
the one beside it. A build runs all this in a worker process (search_worker.py).

Not byte-reproducible: with filters on the pages (data-pagefind-filter, the theme's
"section" filter) Pagefind 1.5.2 writes its filter index in hash-map order, so two runs over
identical pages give a different filter/*.pf_filter file, and with it a different hash in
pagefind-entry.json and pagefind.<lang>_<hash>.pf_meta. The fragments and the index
chunks are stable (Pagefind/pagefind#638: fixed for fragments in 1.3.0, "other files will
still change"). The rest of output/ is reproducible; the determinism test leaves out
pagefind/.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import importlib
import json
import logging
import os
import pickle
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from digest import files
from digest.errors import RenderError, WriteError
from digest.publish.search_bundle import (
    Index,
    Unmergeable,
    append,
    bundle_files,
    read_bundle,
    stage_update,
    write_bundle,
)
from digest.publish.search_records import document as document_of
from digest.publish.search_records import page_url, records

log = logging.getLogger(__name__)

BUNDLE = "pagefind"
RECORDS = "search-records"  # the hidden folder of records, beside the bundle while indexing
TIMEOUT = 600  # seconds; Pagefind reads a few hundred pages a second
STATE_VERSION = "3"  # of the cache's pickled _State
CACHE_NAME = "search.pickle"  # in the build's CACHE_PATH: what the index holds, by record


def page_glob(save_as: str) -> str:
    """The glob of the issue pages from Pelican's ARTICLE_SAVE_AS: every {field} is `*`."""
    return re.sub(r"\{[^}]*\}", "*", save_as)


# Less free space than this after a run whose index is unreadable: the disk filled up.
_ROOM = 1024 * 1024


def index_site(output: Path, glob: str, cache: Path | None = None, *, full: bool = False) -> int:
    """Index the pages `glob` matches under `output` into output/pagefind/; returns how many
    pages the index holds. No pages: no index (and no stale one left behind).

    With `cache` (a file): what was indexed is kept there, and the next run gives Pagefind
    only the records that are new or changed since (search_bundle.py joins them to the
    rest); `full` indexes every record again, as without it."""
    output = output.resolve()
    bundle = output / BUNDLE
    pages = sorted(output.glob(glob))
    if not pages:
        if bundle.is_dir() and not bundle.is_symlink():
            shutil.rmtree(bundle)
        if cache is not None:
            cache.unlink(missing_ok=True)
        return 0
    if cache is None:
        _index_all(output, {r.path: r for r in _cut(output, pages, {})[0]}, None, None)
        return len(pages)
    state = None if full else _load(cache)
    found, cuts = _cut(output, pages, state.cuts if state else {})
    records = {r.path: r for r in found}
    if state is not None:
        try:
            known = state.cuts
            if _index_changes(output, records, state, cache) or cuts != known:
                _save(cache, state, cuts)
            return len(pages)
        except Unmergeable as exc:
            log.info("search: indexing every page again (%s)", exc)
    state = _index_all(output, records, cuts, cache)
    _save(cache, state, cuts)
    return len(pages)


@dataclass
class _Record:
    """A record as Pagefind reads it: its file under the records' folder, its document
    (None while the page it comes from is unchanged: cut again when needed)."""

    path: str  # "issues/2024-02-08/1/index.html", or the page's own path
    digest: str  # SHA-1 of the document
    page: str  # the page's path under output/
    document: bytes | None = None

    @property
    def url(self) -> str:
        return page_url(self.path)


@dataclass
class _State:
    """What the last run indexed: its indexes, each record's digest by URL, each page's
    cut (digest of the page -> its records), and the bundle's file names."""

    indexes: dict[str, Index]
    digests: dict[str, str]
    cuts: dict[str, _Cut] = field(default_factory=dict)
    listing: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # records Pagefind left out
    version: str = STATE_VERSION


# A page's cut: its file's (size, mtime, inode), its SHA-1, its records (path, digest).
_Cut = tuple[tuple[int, int, int], str, list[tuple[str, str]]]


def _cut(
    output: Path, pages: list[Path], known: dict[str, _Cut]
) -> tuple[list[_Record], dict[str, _Cut]]:
    """Every page's records; a page `known` saw, with the same bytes, is not cut again (the
    site's writer replaces a page whole or leaves it alone, so the same size, time and
    inode are the same bytes; else they are read and compared)."""
    found: list[_Record] = []
    cuts = {}
    try:
        for page in pages:
            relative = page.relative_to(output).as_posix()
            info = os.stat(page)
            key = (info.st_size, info.st_mtime_ns, info.st_ino)
            seen = known.get(relative)
            if seen is not None and seen[0] == key:
                found += [_Record(path, d, relative) for path, d in seen[2]]
                cuts[relative] = seen
                continue
            data = page.read_bytes()
            digest = hashlib.sha1(data).hexdigest()
            if seen is not None and seen[1] == digest:
                found += [_Record(path, d, relative) for path, d in seen[2]]
                cuts[relative] = (key, digest, seen[2])
                continue
            made = _documents(relative, data)
            found += made
            cuts[relative] = (key, digest, [(r.path, r.digest) for r in made])
    except OSError as exc:
        raise RenderError(
            f"search: could not read {files.shown(exc.filename or output)}: {exc.strerror}"
        ) from exc
    return found, cuts


def _documents(relative: str, data: bytes) -> list[_Record]:
    """A page's records as the documents Pagefind indexes; a page without sections as
    itself."""
    found = records(data.decode("utf-8"), page_url(relative))
    if not found:
        return [_Record(relative, hashlib.sha1(data).hexdigest(), relative, data)]
    # Pagefind's own address for a record: <page>/<n>/ (the UIs use its url meta).
    folder = relative.removesuffix("index.html").removesuffix(".html")
    made = []
    for number, record in enumerate(found, start=1):
        document = document_of(record).encode("utf-8")
        path = f"{folder}{'/' if folder and not folder.endswith('/') else ''}{number}/index.html"
        made.append(_Record(path, hashlib.sha1(document).hexdigest(), relative, document))
    return made


def _index_all(
    output: Path, records: dict[str, _Record], cuts: dict | None, cache: Path | None
) -> _State:
    """Pagefind over every record; the bundle swapped in whole."""
    bundle = output / BUNDLE
    new = files.temporary_path(bundle)
    site = files.temporary_path(output / RECORDS)
    try:
        _write_records(output, list(records.values()), site)
        _run_pagefind(site, new, "**/*.html", cwd=output)
        _check(output, new)
        state = None
        if cuts is not None:
            try:
                state = _state_of(new, records)
            except (Unmergeable, OSError, ValueError, KeyError, IndexError) as exc:
                log.info("search: the index is not kept for the next build (%s)", exc)
        _forget(cache)
        files.replace_folder(new, bundle)
    finally:
        shutil.rmtree(new, ignore_errors=True)  # a failed run's half index
        shutil.rmtree(site, ignore_errors=True)
    return state or _State({}, {})


def _index_changes(output: Path, records: dict[str, _Record], state: _State, cache: Path) -> bool:
    """Index the records new or changed since `state`, join them to the rest; returns
    whether anything was written (nothing when the bundle is current)."""
    bundle = output / BUNDLE
    by_url = {r.url: r for r in records.values()}
    # Each language's pages are kept up to the first one gone or changed; the records
    # after it are indexed again with the new ones.
    kept: dict[str, Index] = {}
    indexed = set()
    for language, index in state.indexes.items():
        stop = len(index.pages)
        for number, page in enumerate(index.pages):
            record = by_url.get(page.url)
            if record is None or record.digest != state.digests.get(page.url):
                stop = number
                break
        kept[language] = index.cut(stop)
        indexed.update(page.url for page in kept[language].pages)
    # Records Pagefind leaves out (no words) stay out while they are the same.
    indexed.update(u for u, d in state.skipped.items() if u in by_url and by_url[u].digest == d)
    todo = [r for r in records.values() if r.url not in indexed]
    if len(todo) > max(8, len(records) // 2):
        raise Unmergeable(f"{len(todo)} of {len(records)} records to index")
    unchanged = all(kept[lang] is state.indexes[lang] for lang in kept)
    if not todo and unchanged and _listing(bundle) == state.listing:
        return False  # the bundle is current
    new = files.temporary_path(bundle)
    site = files.temporary_path(output / RECORDS)
    small = files.temporary_path(bundle)
    try:
        sources = [bundle]
        if todo:
            _write_records(output, todo, site)
            if any(b"data-pagefind-body" not in (r.document or b"") for r in todo):
                # Pagefind indexes such a page only when no other has the attribute.
                raise Unmergeable("a page without sections to index")
            _run_pagefind(site, small, "**/*.html", cwd=output)
            _check(output, small)
            extra = read_bundle(small)
            urls = {p.url for i in extra.values() for p in i.pages}
            if urls - {r.url for r in todo}:
                raise Unmergeable("Pagefind indexed other records than it was given")
            state.skipped.update((r.url, r.digest) for r in todo if r.url not in urls)
            for language, index in extra.items():
                kept[language] = append(kept.get(language) or Index(language), index)
            sources = [small, bundle]
        joined = {lang: index for lang, index in kept.items() if index.pages}
        with _writing(new):
            staged = stage_update(joined, bundle, small if todo else None)
            if staged is None:
                write_bundle(joined, new, sources)
        if staged is None:
            _check(output, new)
            _forget(cache)
            files.replace_folder(new, bundle)
        else:
            _forget(cache)
            with _writing(bundle):
                staged.switch()
    finally:
        for folder in (new, site, small):
            shutil.rmtree(folder, ignore_errors=True)
    state.indexes = joined
    state.digests = {
        url: by_url[url].digest for i in joined.values() for url in (p.url for p in i.pages)
    }
    state.skipped = {
        u: d for u, d in state.skipped.items() if u in by_url and u not in state.digests
    }
    state.listing = _listing(bundle)
    return True


def _state_of(bundle: Path, records: dict[str, _Record]) -> _State:
    indexes = read_bundle(bundle)
    by_url = {r.url: r for r in records.values()}
    digests = {p.url: by_url[p.url].digest for i in indexes.values() for p in i.pages}
    skipped = {url: r.digest for url, r in by_url.items() if url not in digests}
    return _State(indexes, digests, listing=_listing(bundle), skipped=skipped)


def _listing(bundle: Path) -> list[str]:
    """The bundle's file names, to tell a bundle changed or broken since it was written."""
    try:
        return bundle_files(bundle)
    except OSError:
        return []


@contextmanager
def _writing(bundle: Path) -> Iterator[None]:
    """A full disk is one line naming the bundle; another failure to write, a reason to
    index everything again."""
    try:
        yield
    except OSError as exc:
        if files.environmental(exc):
            raise _no_room(bundle, exc.strerror or str(exc)) from exc
        raise Unmergeable(f"{exc}") from exc


def _forget(cache: Path | None) -> None:
    """No cache while the bundle changes: a cache always describes the bundle beside it
    (a fragment's name is only unique within its bundle)."""
    if cache is not None:
        try:
            cache.unlink(missing_ok=True)
        except OSError as exc:
            raise files.failure(exc, cache) from exc


_preloaded: dict[Path, tuple[tuple[int, int, int], _State | None]] = {}


def preload(cache: Path) -> None:
    """Read what `cache` says the index holds now, ahead of index_site (a worker does, while
    the site is built): index_site takes it from memory if the file is still the same."""
    key = _file_key(cache)
    if key is not None:
        _preloaded[cache] = (key, _load(cache))


def _file_key(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _load(cache: Path) -> _State | None:
    early = _preloaded.pop(cache, None)
    if early is not None and early[0] == _file_key(cache):
        return early[1]
    try:
        with cache.open("rb") as stream:
            state = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a cache from another version, a torn file: index it all
        log.info("search: %s not read (%s); indexing every page", files.shown(cache), exc)
        return None
    if not isinstance(state, _State) or state.version != STATE_VERSION:
        return None
    return state


def _save(cache: Path, state: _State, cuts: dict) -> None:
    state.cuts = cuts
    if not state.indexes:
        cache.unlink(missing_ok=True)
        return
    # Not fsynced: a cache torn by a power cut is not read (then everything is indexed).
    data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    temp = files.temporary_path(cache)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, cache)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        log.info("search: %s not written (%s)", files.shown(cache), exc)


def _check(output: Path, bundle: Path) -> None:
    try:
        _records_indexed(bundle)
    except RenderError:
        # Pagefind 1.5 exits 0 on a full disk, leaving empty files behind.
        if shutil.disk_usage(output).free < _ROOM:
            raise _no_room(bundle, "no space left on device") from None
        raise


def _write_records(output: Path, found: list[_Record], site: Path) -> None:
    """The records' documents as files under `site` (those of unchanged pages, not kept
    from the last run, cut again)."""
    try:
        pages = {r.page for r in found if r.document is None}
        documents = {}
        for page in sorted(pages):
            documents.update(
                (r.path, r.document) for r in _documents(page, (output / page).read_bytes())
            )
        for record in found:
            if record.document is None:
                record.document = documents.get(record.path)
            target = site / record.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(record.document or b"")
    except OSError as exc:
        if files.environmental(exc):
            raise _no_room(site, exc.strerror or str(exc)) from exc
        raise


def _run_pagefind(output: Path, bundle: Path, glob: str, *, cwd: Path | None = None) -> None:
    command = [
        _binary(),
        "--site",
        str(output),
        "--output-path",
        str(bundle),
        "--glob",
        glob,
        "--quiet",
    ]
    try:
        # Run from inside the site: whatever Pagefind writes by default lands there too.
        done = subprocess.run(
            command,
            cwd=cwd or output,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except OSError as exc:
        raise RenderError(
            f"search: pagefind failed to start ({command[0]}): {exc.strerror or exc}"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"search: pagefind could not index {output}: {exc}") from exc
    if done.returncode != 0:
        reason = _reason(done.stderr + "\n" + done.stdout)
        if _disk_full(reason):
            raise _no_room(bundle, reason)
        raise RenderError(
            f"search: pagefind failed (exit {done.returncode}) indexing {output}: {reason}"
        )


def _binary() -> str:
    """Pagefind's program, found as the `pagefind` package finds it (PAGEFIND_BINARY_PATH,
    then the one of pagefind[bin]), without the Python start and the asyncio import that
    `python -m pagefind` costs."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        return named
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(module).get_executable())
        except (ImportError, FileNotFoundError):
            continue
    return shutil.which("pagefind_extended") or shutil.which("pagefind") or "pagefind"


def _no_room(bundle: Path, reason: str) -> WriteError:
    shown = files.shown(bundle.parent / BUNDLE)
    return WriteError(
        f"{shown}: could not write the search index: {reason}; free some space and run the "
        "command again (the old index is kept)",
        shown,
    )


def _disk_full(reason: str) -> bool:
    """Pagefind (Rust) says "No space left on device (os error 28)" and the like."""
    codes = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    return any(f"os error {code})" in reason for code in codes)


def _records_indexed(bundle: Path) -> int:
    """The number of records in a Pagefind bundle, from its pagefind-entry.json."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(lang["page_count"]) for lang in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"search: pagefind wrote no usable index into {bundle}: {exc}") from exc


def indexed_urls(bundle: Path) -> set[str]:
    """The pages a Pagefind bundle leads to: each record's `url` meta (else its own URL),
    read from its fragment (gzip of "pagefind_dcd" + JSON)."""
    _records_indexed(bundle)
    urls = set()
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        try:
            data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
            record = json.loads(data)
        except (OSError, ValueError) as exc:
            raise RenderError(f"search: {fragment}: not a Pagefind fragment: {exc}") from exc
        urls.add(record.get("meta", {}).get("url") or record["url"])
    return urls


def pages_indexed(bundle: Path) -> int:
    """The number of pages a Pagefind bundle leads to (a page has a record per section)."""
    return len(indexed_urls(bundle))


def _reason(text: str) -> str:
    """The one line of Pagefind's output that says what went wrong."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines):
        if line.startswith("Error:"):
            return " ".join(lines[i : i + 2]).removeprefix("Error:").strip()
        if "panicked at" in line and i + 1 < len(lines):
            return lines[i + 1]  # Rust's panic message: the line after "panicked at ..."
    return lines[-1] if lines else "no output"
