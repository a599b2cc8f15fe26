"""Issue 25: the search index of a rebuild. Pagefind is given only the records that are new
or changed since the last build, and the bundle written is the one Pagefind itself writes
for all the records in that page order: every file the same once uncompressed, but the
filter file (Pagefind writes its values in hash-map order) and the two files that name its
hash, compared by what they hold. Pagefind is the real one, behind a wrapper that counts
the records each run is given."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from pagefind.index import IndexConfig, PagefindIndex
from pagefind.service import get_executable

from digest.publish import search, search_bundle
from digest.publish.search_bundle import read_bundle

GLOB = "issues/*/index.html"
REAL = get_executable()
WRAPPER = """#!/bin/sh
# Counts the record files Pagefind is given (one line a run), then runs the real one.
site=""; previous=""
for arg in "$@"; do
  if [ "$previous" = "--site" ]; then site="$arg"; fi
  previous="$arg"
done
find "$site" -name '*.html' | wc -l >> "{log}"
exec "{real}" "$@"
"""


def sample_pages(sample_site: Path) -> list[str]:
    """The sample's two built issue pages."""
    pages = sorted((sample_site / "output" / "issues").glob("*/index.html"))
    assert len(pages) == 2, pages
    return [p.read_text(encoding="utf-8") for p in pages]


@pytest.fixture(scope="module")
def templates(sample_site: Path) -> list[str]:
    return sample_pages(sample_site)


def issue_page(templates: list[str], number: int, edit: str = "") -> str:
    """Issue `number`: a sample page with words of its own (Pagefind's index then differs
    from page to page) in every section."""
    page = templates[number % 2]
    words = f"zephyr{number:03d}x quokka{number % 5}y {edit}".strip()
    return page.replace('<p class="section-label">', f'<p>{words}</p><p class="section-label">')


class Site:
    def __init__(self, root: Path, templates: list[str], monkeypatch: pytest.MonkeyPatch):
        root.mkdir(parents=True, exist_ok=True)
        self.output = root / "output"
        self.cache = root / ".cache" / "search.pickle"
        self.log = root / "pagefind-runs.log"
        self.templates = templates
        wrapper = root / "pagefind"
        wrapper.write_text(WRAPPER.format(log=self.log, real=REAL))
        wrapper.chmod(0o755)
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))

    def write(self, number: int, edit: str = "") -> None:
        page = self.output / "issues" / f"issue-{number:03d}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(issue_page(self.templates, number, edit), encoding="utf-8")

    def remove(self, number: int) -> None:
        shutil.rmtree(self.output / "issues" / f"issue-{number:03d}")

    def index(self, *, full: bool = False) -> int:
        return search.index_site(self.output, GLOB, self.cache, full=full)

    def runs(self) -> list[int]:
        """The number of records each Pagefind run was given."""
        if not self.log.exists():
            return []
        return [int(line) for line in self.log.read_text().split()]

    def records_of(self, *numbers: int) -> int:
        return sum(issue_page(self.templates, n).count('class="digest-section') for n in numbers)


@pytest.fixture
def site(tmp_path: Path, templates: list[str], monkeypatch: pytest.MonkeyPatch) -> Site:
    made = Site(tmp_path, templates, monkeypatch)
    for number in range(1, 7):
        made.write(number)
    return made


def pagefind_bundle(output: Path, order: list[str], target: Path) -> None:
    """What Pagefind writes for the records of `output`'s issue pages, in `order` (URLs):
    its Python API indexes them in the order they are added."""
    found, _ = search._cut(output, sorted(output.glob(GLOB)), {})
    documents = {r.url: r.document for r in found}
    assert sorted(documents) == sorted(order)

    async def run() -> list:
        # Its own written files are not read: the service is stopped as soon as it
        # answers, before its writes are all on disk. The files in get_files() are whole.
        config = IndexConfig(output_path=str(target.with_name(target.name + "-unread")))
        async with PagefindIndex(config) as index:
            for url in order:
                await index.add_html_file(content=documents[url].decode("utf-8"), url=url)
            return await index.get_files()

    wrapped = os.environ.get("PAGEFIND_BINARY_PATH")
    os.environ["PAGEFIND_BINARY_PATH"] = str(REAL)  # the service speaks on stdout: no wrapper
    try:
        made = asyncio.run(asyncio.wait_for(run(), 120))
    finally:
        if wrapped is None:
            os.environ.pop("PAGEFIND_BINARY_PATH", None)
        else:
            os.environ["PAGEFIND_BINARY_PATH"] = wrapped
    for file in made:
        path = target / file["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file["content"])


def contents(bundle: Path) -> dict[str, object]:
    """Every file of a bundle, uncompressed; the filters by what they hold, and the
    metadata and entry files without the filters' hashes (their only difference)."""
    found: dict[str, object] = {}
    for path in sorted(bundle.rglob("*")):
        name = path.relative_to(bundle).as_posix()
        if path.is_dir() or name.startswith(("filter/", "pagefind.")) or name.endswith("json"):
            continue
        data = path.read_bytes()
        found[name] = gzip.decompress(data) if path.suffix.startswith(".pf_") else data
    for language, index in read_bundle(bundle).items():
        found[f"{language} pages"] = [(p.hash, p.word_count, p.url) for p in index.pages]
        found[f"{language} fields"] = index.meta_fields
        found[f"{language} filters"] = {
            name: {value: list(pages) for value, pages in values.items()}
            for name, values in index.filters.items()
        }
        found[f"{language} words"] = {
            text: (word.pages, sorted(word.variants.items())) for text, word in index.words.items()
        }
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    for about in entry["languages"].values():
        about.pop("hash")
    found["entry"] = entry
    return found


def assert_as_pagefind_writes(site: Site, tmp_path: Path) -> None:
    bundle = site.output / "pagefind"
    order = [p.url for index in read_bundle(bundle).values() for p in index.pages]
    theirs = tmp_path / "by-pagefind"
    pagefind_bundle(site.output, order, theirs)
    ours, expected = contents(bundle), contents(theirs)
    assert sorted(ours) == sorted(expected)
    different = [name for name in ours if ours[name] != expected[name]]
    assert different == []


def test_the_first_build_indexes_every_record(site, tmp_path):
    assert site.index() == 6
    assert site.runs() == [site.records_of(*range(1, 7))]
    assert site.cache.is_file()
    assert_as_pagefind_writes(site, tmp_path)


def test_adding_an_issue_gives_pagefind_its_records_only(site, tmp_path):
    site.index()
    site.write(7)
    assert site.index() == 7
    assert site.runs()[1:] == [site.records_of(7)]
    assert search.indexed_urls(site.output / "pagefind") == {
        f"/issues/issue-{n:03d}/" for n in range(1, 8)
    }
    assert_as_pagefind_writes(site, tmp_path)


def test_editing_an_older_issue_indexes_it_and_those_after_it_again(site, tmp_path):
    site.index()
    order = [p.url for p in read_bundle(site.output / "pagefind")["en"].pages]
    site.write(4, edit="wombat")
    site.index()
    # Pages after the first of issue 4's records are indexed again (their numbers change).
    first = min(i for i, url in enumerate(order) if url.startswith("/issues/issue-004/"))
    assert site.runs()[1:] == [len(order) - first]
    assert_as_pagefind_writes(site, tmp_path)
    assert "wombat" in read_bundle(site.output / "pagefind")["en"].words


def test_removing_an_issue_takes_its_records_out(site, tmp_path):
    site.index()
    site.remove(2)
    assert site.index() == 5
    assert "/issues/issue-002/" not in search.indexed_urls(site.output / "pagefind")
    assert_as_pagefind_writes(site, tmp_path)


def test_a_build_that_changed_no_page_runs_no_pagefind_and_keeps_the_bundle(site):
    site.index()
    bundle = site.output / "pagefind"
    before = {p: p.stat().st_ino for p in bundle.rglob("*")}
    site.write(3)  # rewritten with the same bytes, as a writer that replaces files does
    site.index()
    assert len(site.runs()) == 1
    assert {p: p.stat().st_ino for p in bundle.rglob("*")} == before


def test_a_torn_cache_means_indexing_everything_again(site, tmp_path):
    site.index()
    site.cache.write_bytes(site.cache.read_bytes()[:1000])
    site.write(7)
    site.index()
    assert site.runs()[1:] == [site.records_of(*range(1, 8))]
    assert_as_pagefind_writes(site, tmp_path)


def test_full_indexes_everything_again(site, tmp_path):
    site.index()
    site.index(full=True)
    assert site.runs() == [site.records_of(*range(1, 7))] * 2
    assert_as_pagefind_writes(site, tmp_path)


def test_a_bundle_changed_since_the_build_is_made_whole_again(site, tmp_path):
    site.index()
    fragment = next((site.output / "pagefind" / "fragment").iterdir())
    fragment.unlink()  # a deploy tool, a person: the bundle is no longer the cache's
    site.index()
    assert fragment.exists()
    assert_as_pagefind_writes(site, tmp_path)


def test_a_build_killed_while_joining_leaves_the_old_index_whole(site, monkeypatch):
    site.index()
    bundle = site.output / "pagefind"
    before = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    site.write(7)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(search_bundle, "encode", killed)  # mid-way through the new bundle
    with pytest.raises(KeyboardInterrupt):
        site.index()
    after = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in site.output.iterdir() if "digest-tmp" in p.name] == []


def test_a_rebuild_adds_to_the_bundle_where_it_lies(site, tmp_path):
    site.index()
    bundle = site.output / "pagefind"
    fragments = {p.name: p.stat().st_ino for p in (bundle / "fragment").iterdir()}
    site.write(7)
    site.index()
    # The old pages' fragments are the same files, not copies in a new folder.
    kept = {p.name: p.stat().st_ino for p in (bundle / "fragment").iterdir()}
    assert {name: kept.get(name) for name in fragments} == fragments
    assert len(kept) == len(fragments) + site.records_of(7)
    assert_as_pagefind_writes(site, tmp_path)


def test_a_build_killed_before_the_switch_leaves_the_old_index_whole(site, tmp_path, monkeypatch):
    site.index()
    bundle = site.output / "pagefind"
    before = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    pages = [p.url for p in read_bundle(bundle)["en"].pages]
    site.write(7)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        # Killed once the new files lie beside the old ones, before the entry names them.
        patched.setattr(search_bundle.Staged, "switch", killed)
        with pytest.raises(KeyboardInterrupt):
            site.index()
    after = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert len(after) > len(before)  # the staged files
    assert {name: after.get(name) for name in before} == before
    assert [p.url for p in read_bundle(bundle)["en"].pages] == pages  # what the entry leads to
    # The next build finishes the job: the bundle Pagefind writes, nothing left beside it.
    site.index()
    assert search.indexed_urls(bundle) == {f"/issues/issue-{n:03d}/" for n in range(1, 8)}
    assert_as_pagefind_writes(site, tmp_path)


def test_a_fragment_name_taken_by_other_bytes_means_a_new_folder(site, tmp_path):
    # A page gone can leave its fragment's short name to a new page with other words:
    # the live file is not overwritten while the old entry may name it.
    with pytest.MonkeyPatch.context() as own:  # the twin's Pagefind wrapper, for a while
        twin = Site(tmp_path / "twin", site.templates, own)
        for number in range(1, 8):
            twin.write(number)
        twin.index()
    site.index()
    old = {p.name for p in (site.output / "pagefind" / "fragment").iterdir()}
    names = {p.name for p in (twin.output / "pagefind" / "fragment").iterdir()} - old
    assert names  # issue 7's fragments
    taken = site.output / "pagefind" / "fragment" / sorted(names)[0]
    stray = (site.output / "pagefind" / "fragment" / sorted(old)[0]).read_bytes()
    taken.write_bytes(stray)
    site.write(7)
    site.index()
    assert site.runs()[1:] == [site.records_of(7)]  # still only the new records indexed
    assert_as_pagefind_writes(site, tmp_path)


def test_cbor_and_hash_names_are_pagefinds():
    # minicbor's shapes: definite lengths, the shortest integer heads.
    assert search_bundle._uint(23) == b"\x17"
    assert search_bundle._uint(24) == b"\x18\x18"
    assert search_bundle._int(-1) == b"\x20"
    assert search_bundle._int(-300) == b"\x39\x01\x2b"
    assert search_bundle._ints([1, 500]) == b"\x82\x01\x19\x01\xf4"
    # utils::full_hash writes each byte in hex without a leading zero.
    assert search_bundle.full_hash(b"") == "da39a3ee5e6b4bd3255bfef95601890afd879"
    assert re.fullmatch(r"en_[0-9a-f]{7}", search_bundle._short("en", b"x", set()))
    assert os.path.basename(search.CACHE_NAME) == "search.pickle"


def test_page_entries_read_back_as_written_short_and_long_arrays():
    # A full index reads every word's entries back: short arrays by a regular expression,
    # an entry with an array of 24 or more integers by the walk; both give what was written.
    def postings(pages: list[int], long_every: int) -> search_bundle.Postings:
        made = search_bundle.Postings()
        for number, page in enumerate(pages):
            locs = [*range(0, 3 * (30 if number % long_every == 0 else 2), 3), 70000]
            meta = [-1, -300] if number % 2 else []
            parts = search_bundle._ints(locs) + search_bundle._ints(meta)
            made.add(page, parts, len(locs) + len(meta) + 1)
        return made

    words = {
        "alpha": search_bundle.Word(postings([0, 1, 2, 30, 300, 70000], 4)),
        "beta": search_bundle.Word(postings([5, 6], 99), {"betas": postings([7, 40, 41, 400], 2)}),
        "gamma": search_bundle.Word(postings(list(range(0, 200, 7)), 1)),
        "delta": search_bundle.Word(postings([3], 99), {"deltas": postings([4, 9], 99)}),
    }
    index = search_bundle.Index("en", words=words)
    chunks = [d for n, d in search_bundle.encode(index).items() if n.startswith("index/")]
    for scan in (True, False):  # a large bundle's scan, and a small one's entry-by-entry walk
        read: dict[str, search_bundle.Word] = {}
        for data in chunks:
            search_bundle._read_chunk(search_bundle.SIGNATURE + data, read, scan)
        assert read == words
