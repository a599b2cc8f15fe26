"""Pagefind 1.5's bundle, read and written again with pages added: the search index of a
build that adds an issue, without indexing the other issues again.

Pagefind indexes each page on its own (its words and their places, its fragment, its
filter values) and then joins them: page numbers in the order it met the pages, the words
of every page sorted and cut into chunks, each chunk, filter and the metadata CBOR-encoded
and named by its SHA-1 (pagefind/src/index/mod.rs at v1.5.2). The join is what this module
does again: read a bundle into `Index` (per word, the CBOR of its page entries as Pagefind
wrote them), drop the pages from some number on, append the pages of a small bundle that
Pagefind made of the new records alone, and write the bundle a single Pagefind run over
all the records in that page order would write: the same files under the same names, each
the same bytes once uncompressed. (Gzip's own bytes differ: Pagefind's flate2 and ISA-L
(python-isal, else Python's zlib) compress the same data differently; the browser reads
the uncompressed data. A rebuild compresses every index chunk again, 5 MB at 520 issues:
ISA-L takes 14 ms for what zlib took 60-100 ms, and makes it no larger.)

What a page entry holds is independent of the other pages (its word positions, its
metadata positions by field number, its fragment) but for two things handled here: field
numbers index the sorted list of every page's metadata fields (remapped, and a field new
to the index is `Unmergeable`), and a fragment's short name grows by a character while it
collides with an earlier page's (done as Pagefind does, in page order). Pure but for
`read_bundle`, `write_bundle` and `stage_update`.

A rebuild's bundle is brought up to date where it lies (`stage_update`, then
`Staged.switch`), not copied into a new folder: every file but pagefind-entry.json is named
by what it holds, so the files the new bundle lacks are added beside the old ones, the
entry file is replaced in one step, and only then are the files no longer named removed.
A reader finds a whole bundle before and after the switch; a build killed before it leaves
the old bundle whole, with files beside it that the next build removes. (A rebuild adds a
few fragments and rewrites the index chunks; the 2,000 fragments of a 520-issue archive
are no longer linked into a new folder and unlinked from the old one.)
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from digest import files

try:  # ISA-L's gzip: the same format, 4-7 times as fast (see the module doc)
    from isal import igzip as gzip
except ImportError:  # a platform without its wheels: Python's own
    import gzip  # type: ignore[no-redef]

ENTRY = "pagefind-entry.json"
SIGNATURE = b"pagefind_dcd"  # the start of every gzip'd file's data
CHUNK_SIZE = 20000  # Pagefind's default index chunk size (positions, not bytes)
VERSION = "1.5.2"  # the Pagefind whose bundle layout this reads and writes
# ISA-L's default (of 0-3). Pagefind's 9 took zlib 16 times as long as its 2, for index files
# 12% smaller.
GZIP_LEVEL = 2
FOLDERS = ("fragment", "index", "filter")


class Unmergeable(ValueError):
    """The bundles cannot be joined here (another Pagefind, a new metadata field ...):
    index everything with Pagefind instead."""


# --------------------------------------------------------------------------- CBOR


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes((major << 5 | n,))
    if n < 0x100:
        return bytes((major << 5 | 24, n))
    if n < 0x10000:
        return bytes((major << 5 | 25,)) + n.to_bytes(2, "big")
    if n < 0x100000000:
        return bytes((major << 5 | 26,)) + n.to_bytes(4, "big")
    return bytes((major << 5 | 27,)) + n.to_bytes(8, "big")


_SMALL = [bytes((n,)) for n in range(24)]


def _uint(n: int) -> bytes:
    return _SMALL[n] if n < 24 else _head(0, n)


def _int(n: int) -> bytes:
    return _uint(n) if n >= 0 else _head(1, -1 - n)


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


def _array(items: list[bytes]) -> bytes:
    return _head(4, len(items)) + b"".join(items)


def _ints(values: list[int]) -> bytes:
    return _head(4, len(values)) + b"".join(_int(v) for v in values)


_LENGTH = {24: 2, 25: 3, 26: 5, 27: 9}


class _Reader:
    """A cursor over CBOR data of Pagefind's shapes: integers, text, arrays."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def head(self, major: int) -> int:
        data, pos = self.data, self.pos
        first = data[pos]
        if first >> 5 != major:
            raise Unmergeable(f"CBOR: major type {first >> 5} at {pos}, not {major}")
        extra = first & 31
        if extra < 24:
            self.pos = pos + 1
            return extra
        size = _LENGTH.get(extra)
        if size is None:
            raise Unmergeable(f"CBOR: indefinite or reserved length at {pos}")
        self.pos = pos + size
        return int.from_bytes(data[pos + 1 : pos + size], "big")

    def uint(self) -> int:
        return self.head(0)

    def int(self) -> int:
        if self.data[self.pos] >> 5 == 1:
            return -1 - self.head(1)
        return self.head(0)

    def text(self) -> str:
        size = self.head(3)
        start = self.pos
        self.pos += size
        return self.data[start : self.pos].decode("utf-8")

    def ints(self) -> list[int]:
        return [self.int() for _ in range(self.head(4))]

    def skip_ints(self) -> int:
        """Step over an array of integers; returns how many it held."""
        count = self.head(4)
        if count:
            found = _run(count).match(self.data, self.pos)
            if not found:
                raise Unmergeable(f"CBOR: not {count} integers at {self.pos}")
            self.pos = found.end()
        return count


_ONE_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39]..|[\x1a\x3a]....|[\x1b\x3b].{8})"


@functools.lru_cache(maxsize=512)
def _run(count: int) -> re.Pattern[bytes]:
    return re.compile(_ONE_INT + b"{%d}" % count, re.DOTALL)


def full_hash(data: bytes) -> str:
    """Pagefind's utils::full_hash: SHA-1, each byte as hex without a leading zero."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def _short(language: str, data: bytes, taken: set[str]) -> str:
    """The name Pagefind gives an index or filter file: language, "_", 7 hex characters,
    one more while the name is taken."""
    whole = f"{language}_{full_hash(data)}"
    length = len(language) + 8
    name = whole[:length]
    while name in taken and length < len(whole):
        length += 1
        name = whole[:length]
    return name


# --------------------------------------------------------------------------- the index


@dataclass
class Postings:
    """A word's page entries (Pagefind's PackedPage list): `body` their CBOR as Pagefind
    writes it (page numbers as the difference to the entry before), `count` of them, the
    `last` one's page, `size` Pagefind's chunk-size count (positions, plus one an entry)."""

    body: bytes = b""
    count: int = 0
    last: int = 0
    size: int = 0

    def entries(self) -> Iterator[tuple[int, int, int, int]]:
        """(page, start, end of the page number, end) of each entry in `body`."""
        reader = _Reader(self.body)
        page = 0
        for _ in range(self.count):
            start = reader.pos
            if reader.head(4) != 3:
                raise Unmergeable("CBOR: a page entry of other than 3 parts")
            page += reader.uint()
            number_end = reader.pos
            reader.skip_ints()
            reader.skip_ints()
            yield page, start, number_end, reader.pos

    def cut(self, page: int) -> Postings:
        """The entries of pages before `page`."""
        if self.last < page:
            return self
        kept = Postings()
        for number, start, _, _end in self.entries():
            if number >= page:
                kept.body = self.body[:start]
                break
            kept.count += 1
            kept.last = number
            kept.size += _units(self.body, start)
        return kept

    def add(self, page: int, parts: bytes, units: int) -> None:
        """Append the entry of `page` (after every page here): `parts` its positions and
        metadata positions as CBOR arrays, `units` their lengths plus one."""
        self.body += b"\x83" + _uint(page - self.last) + parts
        self.count += 1
        self.last = page
        self.size += units

    def cbor(self) -> bytes:
        return _head(4, self.count) + self.body


def _units(body: bytes, start: int) -> int:
    reader = _Reader(body, start + 1)
    reader.uint()
    return reader.skip_ints() + reader.skip_ints() + 1


@dataclass
class Word:
    pages: Postings = field(default_factory=Postings)
    variants: dict[str, Postings] = field(default_factory=dict)  # in Pagefind's order

    def cut(self, page: int) -> Word | None:
        if self.pages.last < page and all(v.last < page for v in self.variants.values()):
            return self
        pages = self.pages.cut(page)
        variants = {form: p.cut(page) for form, p in self.variants.items()}
        variants = {form: p for form, p in variants.items() if p.count}
        if not pages.count and not variants:
            return None
        return Word(pages, variants)


@dataclass
class Page:
    hash: str  # the fragment's name: "en_1f3af0f"
    whole: str  # the fragment's full hash, for the collisions of later pages
    word_count: int
    url: str  # Pagefind's URL of the record


@dataclass
class Index:
    """One language's index, as Pagefind joined it."""

    language: str
    pages: list[Page] = field(default_factory=list)
    meta_fields: list[str] = field(default_factory=list)
    words: dict[str, Word] = field(default_factory=dict)
    filters: dict[str, dict[str, array]] = field(default_factory=dict)
    wasm: str | None = None

    def cut(self, page: int) -> Index:
        """The index of its pages before `page`."""
        if page >= len(self.pages):
            return self
        words = {}
        for text, word in self.words.items():
            kept = word.cut(page)
            if kept is not None:
                words[text] = kept
        filters = {}
        for name, values in self.filters.items():
            cut = {v: p[: bisect_left(p, page)] for v, p in values.items()}
            filters[name] = {v: p for v, p in cut.items() if p}
        return Index(
            self.language,
            self.pages[:page],
            list(self.meta_fields),
            words,
            {n: v for n, v in filters.items() if v},
            self.wasm,
        )


def append(base: Index, extra: Index) -> Index:
    """`base` with the pages of `extra` after its own (`base` is changed)."""
    if extra.language != base.language:
        raise Unmergeable(f"languages {base.language} and {extra.language}")
    if base.pages and set(extra.meta_fields) - set(base.meta_fields):
        new = sorted(set(extra.meta_fields) - set(base.meta_fields))
        raise Unmergeable(f"metadata fields new to the index: {', '.join(new)}")
    fields = sorted(set(base.meta_fields) | set(extra.meta_fields))
    # The extra bundle numbers its fields among its own; the join among all of them.
    renumber = {-1 - i: -1 - fields.index(name) for i, name in enumerate(extra.meta_fields)}
    offset = len(base.pages)
    taken = {page.hash for page in base.pages}
    wholes = {page.hash: page.whole for page in base.pages}
    for page in extra.pages:
        name = page.whole[: len(base.language) + 8]
        while name in taken:
            if wholes[name] == page.whole:
                raise Unmergeable(f"two identical records ({page.url})")
            name = page.whole[: len(name) + 1]
        taken.add(name)
        wholes[name] = page.whole
        base.pages.append(Page(name, page.whole, page.word_count, page.url))
    for text, word in extra.words.items():
        mine = base.words.setdefault(text, Word())
        _extend(mine.pages, word.pages, offset, renumber)
        for form, postings in word.variants.items():
            _extend(mine.variants.setdefault(form, Postings()), postings, offset, renumber)
    for name, values in extra.filters.items():
        mine_values = base.filters.setdefault(name, {})
        for value, pages in values.items():
            mine_values.setdefault(value, array("I")).extend(p + offset for p in pages)
    base.meta_fields = fields
    base.wasm = base.wasm or extra.wasm
    return base


def _extend(mine: Postings, theirs: Postings, offset: int, renumber: dict[int, int]) -> None:
    for page, _, number_end, end in theirs.entries():
        reader = _Reader(theirs.body, number_end)
        units = reader.skip_ints() + 1
        locs = theirs.body[number_end : reader.pos]
        meta = [renumber.get(v, v) if v < 0 else v for v in reader.ints()]
        if reader.pos != end:
            raise Unmergeable("CBOR: a page entry longer than its parts")
        mine.add(page + offset, locs + _ints(meta), units + len(meta))


# --------------------------------------------------------------------------- reading


# A page entry whose two arrays hold fewer than 24 integers each (nearly all do): its page
# number's difference (one byte, else the longer form) and the heads of its two arrays,
# captured; an array's length is in its one-byte head.
_SMALL_ARRAY = b"(?:" + b"|".join(bytes((0x80 + n,)) + _ONE_INT * n for n in range(24)) + b")"
_ENTRY = (
    rb"\x83(?:([\x00-\x17])|(\x18.|\x19..|\x1a....|\x1b.{8}))"
    + (b"(?=([\x80-\x97]))" + _SMALL_ARRAY) * 2
)


_SCAN_FROM = 64  # pages: a bundle of fewer (a rebuild's new records) is read entry by entry


@functools.cache
def _entry_patterns() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """An entry with its captures, and a run of entries without (where the run ends).
    Compiled when a bundle is first read (about 70 ms): a build that reads none, or
    `digest pdf`, does not wait for them."""
    entries = re.compile(
        rb"(?:\x83(?:[\x00-\x17]|\x18.|\x19..|\x1a....|\x1b.{8})" + _SMALL_ARRAY * 2 + b")*",
        re.DOTALL,
    )
    return re.compile(_ENTRY, re.DOTALL), entries


def _scan(found: Postings, reader: _Reader, todo: int) -> int:
    """Step over the run of entries at the reader whose arrays are short (the regular
    expressions above, in C: a full index reads every entry of every word), at most `todo`
    of them, adding their pages and sizes to `found`; returns how many."""
    data, pos = reader.data, reader.pos
    entry, run = _entry_patterns()
    end = run.match(data, pos).end()
    entries = entry.findall(data, pos, end)
    # After a word's entries come its variants or the next word: never an entry's shape.
    if len(entries) > todo:
        raise Unmergeable(f"CBOR: more page entries than {todo} at {pos}")
    found.last += sum(b"".join(map(itemgetter(0), entries))) + sum(
        int.from_bytes(d[1:], "big") for d in filter(None, map(itemgetter(1), entries))
    )
    heads = b"".join(map(itemgetter(2), entries)) + b"".join(map(itemgetter(3), entries))
    found.size += sum(heads) - 0x80 * len(heads) + len(entries)
    reader.pos = end
    return len(entries)


def _read_postings(reader: _Reader, scan: bool) -> Postings:
    """A word's page entries. `scan`: read runs of them with _scan (a large bundle: worth
    compiling its patterns), else one by one."""
    found = Postings(count=reader.head(4))
    start = reader.pos
    done = 0
    while done < found.count:
        if scan:
            done += _scan(found, reader, found.count - done)
        if done < found.count:  # an entry with a longer array: walked here
            if reader.head(4) != 3:
                raise Unmergeable("CBOR: a page entry of other than 3 parts")
            found.last += reader.uint()
            found.size += reader.skip_ints() + reader.skip_ints() + 1
            done += 1
    found.body = reader.data[start : reader.pos]
    return found


def _read_chunk(data: bytes, words: dict[str, Word], scan: bool) -> None:
    reader = _Reader(data, len(SIGNATURE))
    if reader.head(4) != 1:
        raise Unmergeable("CBOR: an index chunk of other than 1 part")
    for _ in range(reader.head(4)):
        if reader.head(4) != 3:
            raise Unmergeable("CBOR: a word of other than 3 parts")
        text = reader.text()
        word = Word(_read_postings(reader, scan))
        for _ in range(reader.head(4)):
            if reader.head(4) != 2:
                raise Unmergeable("CBOR: a word variant of other than 2 parts")
            form = reader.text()
            word.variants[form] = _read_postings(reader, scan)
        words[text] = word


def _gunzip(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise Unmergeable(f"{path.name}: not a Pagefind file")
    return data


def read_bundle(bundle: Path) -> dict[str, Index]:
    """The indexes of a Pagefind bundle, by language. Raises Unmergeable (and OSError)."""
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    if entry.get("version") != VERSION:
        raise Unmergeable(f"Pagefind {entry.get('version')}, not {VERSION}")
    indexes = {}
    for language, about in entry["languages"].items():
        meta = _Reader(_gunzip(bundle / f"pagefind.{about['hash']}.pf_meta"), len(SIGNATURE))
        if meta.head(4) != 6:
            raise Unmergeable("CBOR: metadata of other than 6 parts")
        if meta.text() != VERSION:
            raise Unmergeable("the metadata of another Pagefind")
        index = Index(language, wasm=about.get("wasm"))
        for _ in range(meta.head(4)):
            meta.head(4)
            name, count = meta.text(), meta.uint()
            data = _gunzip(bundle / "fragment" / f"{name}.pf_fragment")
            url = json.loads(data[len(SIGNATURE) :])["url"]
            index.pages.append(
                Page(name, f"{language}_{full_hash(data[len(SIGNATURE) :])}", count, url)
            )
        chunks = []
        for _ in range(meta.head(4)):
            meta.head(4)
            meta.text(), meta.text()
            chunks.append(meta.text())
        filters = []
        for _ in range(meta.head(4)):
            meta.head(4)
            filters.append((meta.text(), meta.text()))
        if meta.head(4):
            raise Unmergeable("sort orders (data-pagefind-sort)")
        index.meta_fields = [meta.text() for _ in range(meta.head(4))]
        scan = len(index.pages) >= _SCAN_FROM
        for name in chunks:
            _read_chunk(_gunzip(bundle / "index" / f"{name}.pf_index"), index.words, scan)
        for name, file in filters:
            reader = _Reader(_gunzip(bundle / "filter" / f"{file}.pf_filter"), len(SIGNATURE))
            reader.head(4)
            if reader.text() != name:
                raise Unmergeable(f"filter {name}: its file names another")
            values = index.filters.setdefault(name, {})
            for _ in range(reader.head(4)):
                reader.head(4)
                value = reader.text()
                values[value] = array("I", reader.ints())
        indexes[language] = index
    return indexes


# --------------------------------------------------------------------------- writing


def _chunks(index: Index) -> list[list[tuple[str, bytes]]]:
    """Words sorted and cut as Pagefind's chunk_index: a chunk ends once its entries'
    positions (plus one an entry) reach CHUNK_SIZE."""
    chunks: list[list[tuple[str, bytes]]] = []
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for text in sorted(index.words):
        word = index.words[text]
        variants = [_array([_text(f), p.cbor()]) for f, p in word.variants.items()]
        chunk.append((text, b"\x83" + _text(text) + word.pages.cbor() + _array(variants)))
        size += word.pages.size
        if size >= CHUNK_SIZE:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def _chunk_bounds(chunks: list[list[tuple[str, bytes]]]) -> list[list[str]]:
    bounds = [[c[0][0], c[-1][0]] for c in chunks]
    for i in range(len(bounds) - 1):
        to, following = _prefixes(bounds[i][1], bounds[i + 1][0])
        if to >= bounds[i][0]:
            bounds[i][1] = to
        bounds[i + 1][0] = following
    return bounds


def encode(index: Index) -> dict[str, bytes]:
    """The files of one language's index, uncompressed, by their path in the bundle;
    "" names the metadata's hash."""
    files: dict[str, bytes] = {}
    lang = index.language
    chunks = _chunks(index)
    bounds = _chunk_bounds(chunks)
    taken: set[str] = set()
    metas = []
    for chunk, (low, high) in zip(chunks, bounds, strict=True):
        data = b"\x81" + _head(4, len(chunk)) + b"".join(c[1] for c in chunk)
        name = _short(lang, data, taken)
        taken.add(name)
        files[f"index/{name}.pf_index"] = data
        metas.append(_array([_text(low), _text(high), _text(name)]))
    taken = set()
    filters = []
    for filter_name in sorted(index.filters):
        values = index.filters[filter_name]
        packed = [_array([_text(v), _ints(list(p))]) for v, p in sorted(values.items())]
        data = _array([_text(filter_name), _array(packed)])
        name = _short(lang, data, taken)
        taken.add(name)
        files[f"filter/{name}.pf_filter"] = data
        filters.append(_array([_text(filter_name), _text(name)]))
    pages = [_array([_text(p.hash), _uint(p.word_count)]) for p in index.pages]
    meta = _array(
        [
            _text(VERSION),
            _array(pages),
            _array(metas),
            _array(filters),
            _array([]),
            _array([_text(f) for f in index.meta_fields]),
        ]
    )
    meta_hash = f"{lang}_{full_hash(meta)[: len(lang) + 8]}"
    files[f"pagefind.{meta_hash}.pf_meta"] = meta
    files[""] = meta_hash.encode()
    return files


def entry(indexes: dict[str, Index], hashes: dict[str, str], characters: list[str]) -> bytes:
    """pagefind-entry.json, as serde_json writes it."""
    languages = {
        lang: {"hash": hashes[lang], "wasm": index.wasm, "page_count": len(index.pages)}
        for lang, index in indexes.items()
    }
    about = {"version": VERSION, "languages": languages, "include_characters": characters}
    return json.dumps(about, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def bundle_files(bundle: Path) -> list[str]:
    """The names of a bundle's files, sorted: "pagefind.js", "fragment/en_1f3af0f.pf_fragment"."""
    names = [entry.name for entry in os.scandir(bundle) if not entry.is_dir()]
    for folder in FOLDERS:
        names += [f"{folder}/{name}" for name in os.listdir(bundle / folder)]
    return sorted(names)


def _own(name: str) -> bool:
    """Pagefind's own files (scripts, styles, WebAssembly): the same in every bundle it writes."""
    return "/" not in name and name != ENTRY and not name.endswith((".pf_meta", files.TEMP_SUFFIX))


def _characters(bundles: list[Path]) -> list[str]:
    """include_characters of the first of `bundles` whose entry names them."""
    for source in bundles:
        try:
            about = json.loads((source / ENTRY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if "include_characters" in about:
            return about["include_characters"]
    return []


def write_bundle(indexes: dict[str, Index], target: Path, sources: list[Path]) -> None:
    """Write the bundle of `indexes` into the folder `target` (made): fragments and
    Pagefind's own files (scripts, styles, WebAssembly) taken from the bundles `sources`,
    the first that has each; the index, filter and metadata files written (or taken too,
    when a source has the same: their names are their hashes)."""
    target.mkdir(parents=True)
    for folder in FOLDERS:
        (target / folder).mkdir()
    held: dict[str, str] = {}  # a file's path in the bundle -> the source's file
    for source in reversed(sources):  # the first source's files last: they win
        for folder in ("", *FOLDERS):
            try:
                names = os.listdir(source / folder)
            except OSError:
                continue
            prefix = f"{folder}/" if folder else ""
            held.update((prefix + n, os.path.join(source, folder, n)) for n in names)
    for name, path in held.items():
        if _own(name) and os.path.isfile(path):
            _place(path, os.path.join(target, name))
    hashes = {}
    for language, index in indexes.items():
        for page in index.pages:
            name = f"fragment/{page.hash}.pf_fragment"
            if name not in held:
                raise Unmergeable(f"{name} ({page.url}) is in no bundle")
            _place(held[name], os.path.join(target, name))
        for name, data in encode(index).items():
            if name == "":
                hashes[language] = data.decode()
            elif name in held:
                _place(held[name], os.path.join(target, name))  # the same name, same data
            else:
                (target / name).write_bytes(_packed(data))
        if index.wasm and not (target / f"wasm.{index.wasm}.pagefind").is_file():
            raise Unmergeable(f"wasm.{index.wasm}.pagefind is in no bundle")
    (target / ENTRY).write_bytes(entry(indexes, hashes, _characters(sources)))


def _packed(data: bytes) -> bytes:
    return gzip.compress(SIGNATURE + data, GZIP_LEVEL, mtime=0)


@dataclass
class Staged:
    """A bundle's new files, written beside its old ones; `switch` makes them the bundle."""

    bundle: Path
    entry: bytes  # the new pagefind-entry.json
    stale: list[str]  # the files only the old entry names

    def switch(self) -> None:
        """The new entry in place of the old in one step, then the stale files removed."""
        _put(self.bundle / ENTRY, lambda temp: temp.write_bytes(self.entry))
        for name in self.stale:
            with suppress(FileNotFoundError):
                os.unlink(self.bundle / name)
        files.sync_folder(self.bundle)


def stage_update(indexes: dict[str, Index], bundle: Path, extra: Path | None) -> Staged | None:
    """Write into the live `bundle` the files that the bundle of `indexes` has and it lacks:
    fragments and Pagefind's own files from the bundle `extra` (Pagefind's run over the new
    records), the index, filter and metadata files encoded. The live entry still names the
    old files until `switch`. None, with nothing written, where a fragment to add is there
    with other bytes (a page gone left its name to another): write_bundle a new folder."""
    present = set(bundle_files(bundle))
    offered = set(bundle_files(extra)) if extra is not None else set()
    wanted = {name for name in present if _own(name)}
    adds = [name for name in sorted(offered - present) if _own(name)]
    wanted.update(adds)
    writes: dict[str, bytes] = {}
    hashes = {}
    for language, index in indexes.items():
        for page in index.pages:
            name = f"fragment/{page.hash}.pf_fragment"
            wanted.add(name)
            if name in offered and name in present:
                if not _same_data(bundle / name, extra / name):  # type: ignore[operator]
                    return None
            elif name in offered:
                adds.append(name)
            elif name not in present:
                raise Unmergeable(f"{name} ({page.url}) is in no bundle")
        for name, data in encode(index).items():
            if name == "":
                hashes[language] = data.decode()
            else:
                wanted.add(name)
                if name not in present:  # else the same name, the same data
                    writes[name] = data
        if index.wasm and f"wasm.{index.wasm}.pagefind" not in wanted:
            raise Unmergeable(f"wasm.{index.wasm}.pagefind is in no bundle")
    sources = [extra, bundle] if extra is not None else [bundle]
    about = entry(indexes, hashes, _characters(sources))
    for name in adds:
        _put(bundle / name, lambda temp, name=name: _place(str(extra / name), str(temp)))  # type: ignore[operator]
    for name, data in writes.items():
        _put(bundle / name, lambda temp, data=data: temp.write_bytes(_packed(data)))
    return Staged(bundle, about, sorted(present - wanted - {ENTRY}))


def _same_data(a: Path, b: Path) -> bool:
    first, second = a.read_bytes(), b.read_bytes()
    return first == second or gzip.decompress(first) == gzip.decompress(second)


def _put(path: Path, write: Callable[[Path], object]) -> None:
    """`path` written whole or not at all: through a temporary file beside it. Not
    files.write_bytes: like the rest of the bundle (Pagefind's own files, a full index's
    folder) it is not fsynced, since a lost index is made again from the pages; a rebuild's
    85 fsyncs would wait on the disk for nothing the pages do not already hold."""
    temp = files.temporary_path(path)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _place(source: str, target: str) -> None:
    """A hard link where the file system allows: bundle files are never written twice."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        _place(source, target)
    except OSError:
        shutil.copyfile(source, target)
