"""The SQLite store: the only SQL in digest.

One file (DIGEST_STORE_PATH), WAL mode, schema versions in `PRAGMA user_version`.
An item is found again by its guid, else its canonical URL, else a hash of its title and
date (store/keys.py), and each of those keys is a UNIQUE index, so an item re-fetched
is updated, never duplicated. Every write is one transaction.

Every statement, a read's as much as a write's, fails as a StoreError naming the store
(_Connection): a damaged store is one line whichever query meets the damage first. A store
made by a newer digest is refused before anything in it changes; the migrations run in one
exclusive transaction that reads the version again inside it, so processes opening a new
store at once make it once. The send journal's connection commits with synchronous=FULL
(`durable`): a commit a power cut undid would send a message twice.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from digest.errors import StoreError
from digest.models import Item
from digest.store import mailing
from digest.store.keys import (
    CONTENT,
    GUID,
    PUBLISHED,
    SOURCE,
    SUMMARY,
    TITLE,
    URL,
    URL_KEY,
    VALUES,
    Keys,
    Row,
    batch_rows,
    canonical_url,
    content_key,
    to_row,
)
from digest.store.timestamps import timestamp

# An item's row is a few kilobytes (its HTML and its text): at SQLite's default 4 KiB one
# page holds one row, and a collect writes each of 10,000 rows' pages to the log as a frame
# of its own. With 16 KiB pages the log gets a quarter of the frames, and the benchmark's
# cold collect takes 4-6% less time. A store made before keeps its page size.
PAGE_SIZE = 16_384

_V1 = """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        guid TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        summary_html TEXT NOT NULL,
        text TEXT NOT NULL,
        published TEXT NOT NULL,
        language TEXT,
        date_flag TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        UNIQUE (source, guid)
    );
    CREATE INDEX items_published ON items (published);
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_fetch TEXT,
        last_status TEXT,
        last_http_status INTEGER,
        last_error TEXT,
        last_success TEXT
    );
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        http_status INTEGER,
        new INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
"""

# 2: identity by guid, then canonical URL (across sources), then content hash, each one a
# UNIQUE index (see store/keys.py); back-off and "gone" state per source.
_V2 = """
    CREATE TABLE items_v2 (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        guid TEXT,
        url_key TEXT,
        content_key TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        summary_html TEXT NOT NULL,
        text TEXT NOT NULL,
        published TEXT NOT NULL,
        language TEXT,
        date_flag TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE UNIQUE INDEX items_by_guid ON items_v2 (source, guid) WHERE guid IS NOT NULL;
    CREATE UNIQUE INDEX items_by_url ON items_v2 (url_key) WHERE url_key IS NOT NULL;
    CREATE UNIQUE INDEX items_by_content ON items_v2 (source, content_key)
        WHERE guid IS NULL AND url_key IS NULL;
    CREATE INDEX items_v2_content ON items_v2 (source, content_key);
    CREATE INDEX items_v2_source ON items_v2 (source, published);
    ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sources ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sources ADD COLUMN retry_at TEXT;
    ALTER TABLE sources ADD COLUMN disabled TEXT
"""


def _migrate_v2(db: sqlite3.Connection) -> None:
    _run_script(db, _V2)
    # Version 1 kept one key per item (guid, else link, else a hash): sort it back out.
    rows = [_item(row) for row in db.execute("SELECT * FROM items ORDER BY id")]
    stamps = db.execute("SELECT first_seen, last_seen FROM items ORDER BY id").fetchall()
    for item, (first, last) in zip(rows, stamps, strict=True):
        if item.guid and (item.guid == item.url or item.guid.startswith("sha256:")):
            item = replace(item, guid=None)
        keys = Keys(item.guid, canonical_url(item.url), content_key(item))
        _insert(db, to_row(item, keys), first, table="items_v2")
        db.execute("UPDATE items_v2 SET last_seen = ? WHERE id = last_insert_rowid()", (last,))
    _run_script(
        db,
        """
        DROP TABLE items;
        ALTER TABLE items_v2 RENAME TO items;
        CREATE INDEX items_published ON items (published)
        """,
    )


# 3: which items each drafted issue took in, so `digest draft --update` adds only new ones
# (and never brings back a paragraph the editor deleted).
_V3 = """
    CREATE TABLE drafted (
        slug TEXT NOT NULL,
        item INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        PRIMARY KEY (slug, item)
    ) WITHOUT ROWID
"""

# 4: subscribers and the send journal; 5: confirmations and bounces; 6: opt-outs kept,
# pending expiry, subscriber history (store/mailing.py).
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    _V1,
    _migrate_v2,
    _V3,
    mailing.V4,
    mailing.V5,
    mailing.V6,
)


BUSY_TIMEOUT = 30.0  # seconds to wait for another writer before giving up


def explain(exc: sqlite3.Error, busy_timeout: float) -> str:
    """sqlite3's message, and what to do about the common ones."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{text}: another program kept the store busy for {busy_timeout:g} s "
            "(a second collect?); nothing was written, run again when it has finished"
        )
    if "full" in text or "disk I/O" in text:  # EFBIG and some ENOSPC come as I/O errors
        return f"{text}: free some disk space and run again; nothing was half-written"
    if "malformed" in text or "not a database" in text:
        return f"{text}: the store file is damaged; restore it from a backup"
    return text


class _Connection(sqlite3.Connection):
    """The store's connection: every statement's sqlite3.Error becomes a StoreError that
    names the store, for reads (store/mailing.py's included) as for writes."""

    path: Path
    busy_timeout: float

    def error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(f"{self.path}: {explain(exc, self.busy_timeout)}")

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return self.cursor(_Cursor).execute(sql, parameters)
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return self.cursor(_Cursor).executemany(sql, parameters)
        except sqlite3.Error as exc:
            raise self.error(exc) from exc


class _Cursor(sqlite3.Cursor):
    """Rows are read from the file as they are fetched, so a fetch fails like a query."""

    connection: _Connection

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self.connection.error(exc) from exc

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as exc:
            raise self.connection.error(exc) from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self.connection.error(exc) from exc

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self.connection.error(exc) from exc


@dataclass(frozen=True)
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class FetchRecord:
    """One fetch of one source, as the store keeps it."""

    at: datetime
    status: str  # "ok", "not modified", "failed", "timeout"
    http_status: int | None = None
    counts: SaveCounts = SaveCounts()
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # failed fetches in a row, this one included
    gone: int = 0  # 410 Gone answers in a row
    retry_at: datetime | None = None
    disabled: str | None = None


@dataclass(frozen=True)
class SourceState:
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    last_fetch: str | None
    last_status: str | None
    last_http_status: int | None
    last_error: str | None
    last_success: str | None
    failures: int
    gone: int
    retry_at: datetime | None
    disabled: str | None
    items: int


class Store(mailing.MailingStore):
    """A connection to the store; use as a context manager or call close()."""

    def __init__(
        self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT, durable: bool = False
    ) -> None:
        """`durable`: fsync every commit (the send journal's connection, see _open)."""
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self._db.path, self._db.busy_timeout = self.path, busy_timeout
        self._db.row_factory = sqlite3.Row
        try:
            self._open(durable)
        except StoreError as exc:
            self._db.close()
            if not isinstance(exc.__cause__, sqlite3.Error):
                raise
            reason = self._explain(exc.__cause__)
            raise StoreError(f"{self.path}: cannot open the store: {reason}") from exc.__cause__

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {self._explain(exc)}") from exc

    def _explain(self, exc: sqlite3.Error) -> str:
        return explain(exc, self._busy_timeout)

    def _open(self, durable: bool) -> None:
        """Check the version before anything is changed (a newer digest's store is left as
        it is: not even switched to WAL), then set the connection up and migrate."""
        self._refuse_newer(self._version())
        self._use_wal()
        # In WAL mode NORMAL never corrupts the file; it only lets a power cut undo the last
        # commits, which the next collect fetches again. The send journal cannot afford
        # that (a `sent` undone is a message sent twice): it fsyncs every commit (FULL).
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._db.execute("PRAGMA foreign_keys=ON")
        if self._version() < len(MIGRATIONS):
            self._migrate()

    def _use_wal(self) -> None:
        """Switch to WAL (a store remembers it). The switch needs the file to itself, and
        SQLite answers `locked` at once, without waiting, when another process opens a new
        store at the same moment: so wait here, as long as a write would."""
        # Only a store not yet made takes the page size; for any other this does nothing.
        self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL").fetchall()
                return
            except StoreError as exc:
                cause = exc.__cause__
                busy = getattr(cause, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _refuse_newer(self, version: int) -> None:
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: made by a newer digest (schema {version}, this one knows "
                f"{len(MIGRATIONS)}); upgrade digest"
            )

    def _migrate(self) -> None:
        """Every missing step, in one transaction holding the write lock: the version read
        again inside it is the one the steps start from, so of several processes opening a
        new store at once one makes it and the others find it made. A failed step leaves
        the store as it was, never between two versions."""
        with self._transaction() as db:
            version = self._version()
            self._refuse_newer(version)
            for step in MIGRATIONS[version:]:
                if callable(step):
                    step(db)
                else:
                    _run_script(db, step)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    # ------------------------------------------------------------------ items

    def save_items(self, items: Iterable[Item], now: datetime) -> SaveCounts:
        """Insert new items and update changed ones, all or nothing. Which stored item an
        entry is: store/keys.py. An article another source already brought in is
        counted as unchanged and left to that source."""
        rows = batch_rows(list(items))
        with self._transaction() as db:
            return _save(db, rows, timestamp(now))

    def save_fetch(self, name: str, url: str, rows: list[Row], fetch: FetchRecord) -> SaveCounts:
        """save_items(items, fetch.at) and record_fetch(name, url, fetch) with the counts, in
        one transaction: a source's items and the fetch that brought them are written
        together or not at all (and a collect commits once per source, not twice). `rows`
        is batch_rows(items) (store/keys.py), which a parser process computes."""
        with self._transaction() as db:
            counts = _save(db, rows, timestamp(fetch.at))
            _record(db, name, url, replace(fetch, counts=counts))
        return counts

    def items_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items published in [start, end), oldest first, in a stable order."""
        rows = self._db.execute(
            "SELECT * FROM items WHERE published >= ? AND published < ?"
            " ORDER BY published, source, coalesce(guid, url_key, content_key)",
            (timestamp(start), timestamp(end)),
        ).fetchall()
        return [_item(row) for row in rows]

    def record_draft(self, slug: str, items: Iterable[Item]) -> None:
        """Remember that the draft `slug` has taken these (stored) items in."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO drafted (slug, item) VALUES (?, ?)",
                [(slug, item.id) for item in items if item.id is not None],
            )

    def drafted_ids(self, slug: str) -> frozenset[int]:
        rows = self._db.execute("SELECT item FROM drafted WHERE slug = ?", (slug,))
        return frozenset(row[0] for row in rows)

    def count_items(self) -> int:
        return self._db.execute("SELECT count(*) FROM items").fetchone()[0]

    # ------------------------------------------------------------------ sources

    def fetch_state(self, name: str) -> SourceState | None:
        return next((s for s in self.source_states() if s.name == name), None)

    def source_states(self) -> list[SourceState]:
        rows = self._db.execute(
            "SELECT s.*, (SELECT count(*) FROM items i WHERE i.source = s.name) AS items"
            " FROM sources s ORDER BY s.name"
        ).fetchall()
        states = []
        for row in rows:
            fields = dict(row)
            retry_at = fields.pop("retry_at")
            states.append(
                SourceState(
                    **fields, retry_at=datetime.fromisoformat(retry_at) if retry_at else None
                )
            )
        return states

    def record_fetch(self, name: str, url: str, fetch: FetchRecord) -> None:
        """Remember how a fetch went: the source's state plus one history row. Validators
        are kept from successful fetches only."""
        with self._transaction() as db:
            _record(db, name, url, fetch)

    def reset_source(self, name: str) -> bool:
        """Forget a source's failures, back-off, "gone" verdict and validators, so the next
        collect fetches it in full; False when the store has never seen it."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE sources SET failures = 0, gone = 0, retry_at = NULL, disabled = NULL,"
                " etag = NULL, last_modified = NULL WHERE name = ?",
                (name,),
            )
        return cursor.rowcount > 0


def _save(db: sqlite3.Connection, entries: list[Row], stamp: str) -> SaveCounts:
    if _all_new(db, entries):
        _insert_all(db, entries, stamp)
        return SaveCounts(new=len(entries))
    new = updated = unchanged = 0
    touched: set[int] = set()  # rows this batch has matched: two entries never share one
    for entry in entries:
        row = _match(db, entry, touched)
        if row is None:
            touched.add(_insert(db, entry, stamp))
            new += 1
            continue
        touched.add(row["id"])
        if row["source"] != entry[SOURCE] or _same(row, entry):
            db.execute("UPDATE items SET last_seen = ? WHERE id = ?", (stamp, row["id"]))
            unchanged += 1
        else:
            _update(db, row, entry, stamp)
            updated += 1
    return SaveCounts(new, updated, unchanged)


def _record(db: sqlite3.Connection, name: str, url: str, fetch: FetchRecord) -> None:
    stamp = timestamp(fetch.at)
    ok = fetch.status in ("ok", "not modified")
    db.execute(
        "INSERT INTO sources (name, url) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET url = excluded.url",
        (name, url),
    )
    db.execute(
        "UPDATE sources SET last_fetch = ?, last_status = ?, last_http_status = ?,"
        " last_error = ?,"
        " etag = CASE WHEN ? THEN coalesce(?, etag) ELSE etag END,"
        " last_modified = CASE WHEN ? THEN coalesce(?, last_modified)"
        " ELSE last_modified END,"
        " last_success = CASE WHEN ? THEN ? ELSE last_success END,"
        " failures = ?, gone = ?, retry_at = ?, disabled = ?"
        " WHERE name = ?",
        (
            stamp,
            fetch.status,
            fetch.http_status,
            fetch.error,
            ok,
            fetch.etag,
            ok,
            fetch.last_modified,
            ok,
            stamp,
            fetch.failures,
            fetch.gone,
            # Not a stamp: read back as a datetime and never compared as text, so kept to
            # the microsecond (a back-off never ends early).
            fetch.retry_at.isoformat() if fetch.retry_at else None,
            fetch.disabled,
            name,
        ),
    )
    db.execute(
        "INSERT INTO fetches (source, at, status, http_status, new, updated, unchanged,"
        " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            name,
            stamp,
            fetch.status,
            fetch.http_status,
            fetch.counts.new,
            fetch.counts.updated,
            fetch.counts.unchanged,
            fetch.error,
        ),
    )


def _match(db: sqlite3.Connection, entry: Row, touched: set[int]) -> sqlite3.Row | None:
    """The stored row this entry is, if any: by guid, then URL, then content (see
    store/keys.py)."""
    source, guid, url_key = entry[SOURCE], entry[GUID], entry[URL_KEY]
    if guid:
        row = db.execute(
            "SELECT * FROM items WHERE source = ? AND guid = ?", (source, guid)
        ).fetchone()
        if row is not None:
            return row
    if url_key:
        row = db.execute("SELECT * FROM items WHERE url_key = ?", (url_key,)).fetchone()
        # One link, two different guids: the same story only when its headline or date
        # agrees (a feed that changes guids on every fetch, feedbin #580), else two stories.
        if (
            row is not None
            and row["id"] not in touched
            and (
                not (row["guid"] and guid)
                or row["title"] == entry[TITLE]
                or row["published"] == entry[PUBLISHED]
            )
        ):
            return row
    rows = db.execute(
        "SELECT * FROM items WHERE source = ? AND content_key = ? ORDER BY id",
        (source, entry[CONTENT]),
    ).fetchall()
    return next((row for row in rows if row["id"] not in touched), None)


def _all_new(db: sqlite3.Connection, entries: list[Row]) -> bool:
    """Whether every entry of one source's batch is new, with keys no row and no other
    entry holds: then _match finds nothing for any of them and _insert keeps every key, so
    the rows can go in at once. Three look-ups for the batch instead of six per entry."""
    if not entries or len({entry[SOURCE] for entry in entries}) != 1:
        return False
    contents = [entry[CONTENT] for entry in entries]
    if len(set(contents)) != len(contents):  # a suffixed content key: the careful way
        return False
    source = entries[0][SOURCE]
    guids = [entry[GUID] for entry in entries if entry[GUID]]
    urls = [entry[URL_KEY] for entry in entries if entry[URL_KEY]]
    for column, values, scoped in (
        ("guid", guids, True),
        ("url_key", urls, False),
        ("content_key", contents, True),
    ):
        for chunk in range(0, len(values), _CHUNK):
            part = values[chunk : chunk + _CHUNK]
            where = f"{column} IN ({', '.join('?' * len(part))})"
            if scoped:
                where, part = f"source = ? AND {where}", [source, *part]
            if _taken(db, "items", where, tuple(part)):
                return False
    return True


_CHUNK = 500  # values per IN (...): well under SQLite's limit on parameters


def _insert_all(db: sqlite3.Connection, entries: list[Row], stamp: str) -> None:
    stamps = (stamp, stamp)
    db.executemany(
        "INSERT INTO items (source, guid, url_key, content_key, url, title, summary_html,"
        " text, published, language, date_flag, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [entry + stamps for entry in entries],
    )


def _same(row: sqlite3.Row, entry: Row) -> bool:
    return (row["url"], row["title"], row["summary_html"]) == (
        entry[URL],
        entry[TITLE],
        entry[SUMMARY],
    )


def _insert(db: sqlite3.Connection, entry: Row, stamp: str, table: str = "items") -> int:
    source, guid, url_key, content = entry[SOURCE], entry[GUID], entry[URL_KEY], entry[CONTENT]
    if guid and _taken(db, table, "source = ? AND guid = ?", (source, guid)):
        guid = None
    if url_key and _taken(db, table, "url_key = ?", (url_key,)):
        url_key = None
    if (
        not guid
        and not url_key
        and _taken(
            db,
            table,
            "source = ? AND content_key = ? AND guid IS NULL AND url_key IS NULL",
            (source, content),
        )
    ):  # the key of a row this batch already matched: this entry is another story
        content = f"{content}#{_count(db, table, source, content)}"
    cursor = db.execute(
        f"INSERT INTO {table} (source, guid, url_key, content_key, url, title, summary_html,"
        " text, published, language, date_flag, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source, guid or None, url_key or None, content, *entry[VALUES], stamp, stamp),
    )
    return cursor.lastrowid or 0


def _update(db: sqlite3.Connection, row: sqlite3.Row, entry: Row, stamp: str) -> None:
    # Fill keys the row lacks (a guid first seen now), unless another row holds them.
    source, guid, url_key = entry[SOURCE], entry[GUID], entry[URL_KEY]
    guid = row["guid"] or (
        guid
        if guid and not _taken(db, "items", "source = ? AND guid = ?", (source, guid))
        else None
    )
    url_key = row["url_key"] or (
        url_key if url_key and not _taken(db, "items", "url_key = ?", (url_key,)) else None
    )
    # A changed story keeps its first-known date unless that date was a guess.
    db.execute(
        "UPDATE items SET url = ?, title = ?, summary_html = ?, text = ?,"
        " published = CASE WHEN date_flag IS NULL THEN published ELSE ? END,"
        " language = ?, date_flag = CASE WHEN date_flag IS NULL THEN NULL ELSE ? END,"
        " guid = ?, url_key = ?, last_seen = ? WHERE id = ?",
        (*entry[VALUES], guid, url_key, stamp, row["id"]),
    )


def _taken(db: sqlite3.Connection, table: str, where: str, args: tuple[object, ...]) -> bool:
    return db.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", args).fetchone() is not None


def _count(db: sqlite3.Connection, table: str, source: str, content: str) -> int:
    return db.execute(
        f"SELECT count(*) FROM {table} WHERE source = ? AND content_key LIKE ?",
        (source, content + "%"),
    ).fetchone()[0]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    for statement in filter(str.strip, script.split(";")):
        db.execute(statement)


def _item(row: sqlite3.Row) -> Item:
    return Item(
        source=row["source"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        summary_html=row["summary_html"],
        text=row["text"],
        published=datetime.fromisoformat(row["published"]),
        language=row["language"],
        date_flag=row["date_flag"],
        id=row["id"],
    )
