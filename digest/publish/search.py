"""The site's search index: Pagefind over the built issue pages, once per build.

Pagefind (PyPI `pagefind[bin]`) writes a static index and its UI into output/pagefind/
(pagefind.js, pagefind-ui.js, the index and fragments); the /search/ page loads it. Only
issue pages are indexed: the archive lists them, the email edition and the PDFs repeat them.
Each page is indexed as a record per section (search_records.py), so that the Section
filter counts sections and the Series filter narrows to one series: the records are
written as small HTML files into a hidden folder inside output/ (removed when done) and
Pagefind indexes that folder. A record's address is its `url` meta (the issue page);
`pages_indexed` counts those.

The bundle is rebuilt from scratch each time: Pagefind leaves the fragments of a previous
run beside the new ones, so a changed issue would otherwise leave stale files behind. It is
built beside the old one (output/.pagefind.<random>.digest-tmp) and swapped in when
complete (digest.files.replace_folder): a killed or failed build leaves the old index whole
and the site searchable.

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
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from digest import files
from digest.errors import RenderError, WriteError
from digest.publish.search_records import document, page_url, records

BUNDLE = "pagefind"
RECORDS = "search-records"  # the hidden folder of records, beside the bundle while indexing
TIMEOUT = 600  # seconds; Pagefind reads a few hundred pages a second


def page_glob(save_as: str) -> str:
    """The glob of the issue pages from Pelican's ARTICLE_SAVE_AS: every {field} is `*`."""
    return re.sub(r"\{[^}]*\}", "*", save_as)


# Less free space than this after a run whose index is unreadable: the disk filled up.
_ROOM = 1024 * 1024


def index_site(output: Path, glob: str) -> int:
    """Index the pages `glob` matches under `output` into output/pagefind/; returns how many
    pages the index holds. No pages: no index (and no stale one left behind)."""
    output = output.resolve()
    bundle = output / BUNDLE
    pages = sorted(output.glob(glob))
    if not pages:
        if bundle.is_dir() and not bundle.is_symlink():
            shutil.rmtree(bundle)
        return 0
    new = files.temporary_path(bundle)
    site = files.temporary_path(output / RECORDS)
    try:
        _write_records(output, pages, site)
        _run_pagefind(site, new, "**/*.html", cwd=output)
        try:
            _records_indexed(new)
        except RenderError:
            # Pagefind 1.5 exits 0 on a full disk, leaving empty files behind.
            if shutil.disk_usage(output).free < _ROOM:
                raise _no_room(new, "no space left on device") from None
            raise
        files.replace_folder(new, bundle)
    finally:
        shutil.rmtree(new, ignore_errors=True)  # a failed run's half index
        shutil.rmtree(site, ignore_errors=True)
    return len(pages)


def _write_records(output: Path, pages: list[Path], site: Path) -> None:
    """Each page's records as files under `site`; a page without sections as itself."""
    try:
        for page in pages:
            relative = page.relative_to(output).as_posix()
            found = records(page.read_text(encoding="utf-8"), page_url(relative))
            if not found:
                (site / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, site / relative)
                continue
            # Pagefind's own address for a record: <page>/<n>/ (the UIs use its url meta).
            folder = site / relative.removesuffix("index.html").removesuffix(".html")
            for number, record in enumerate(found, start=1):
                (folder / str(number)).mkdir(parents=True, exist_ok=True)
                (folder / str(number) / "index.html").write_text(document(record), "utf-8")
    except OSError as exc:
        if files.environmental(exc):
            raise _no_room(site, exc.strerror or str(exc)) from exc
        raise


def _run_pagefind(output: Path, bundle: Path, glob: str, *, cwd: Path | None = None) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
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
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"search: pagefind could not index {output}: {exc}") from exc
    if done.returncode != 0:
        reason = _reason(done.stderr + "\n" + done.stdout)
        if _disk_full(reason):
            raise _no_room(bundle, reason)
        raise RenderError(
            f"search: pagefind failed (exit {done.returncode}) indexing {output}: {reason}"
        )


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
