"""The SQLite store: the only SQL in digest.

One file (DIGEST_STORE_PATH), WAL mode, schema versions in `PRAGMA user_version`.
Items are unique per (source, guid); the guid is the feed's id, else its link, else a
hash of title and date (see collect/normalize.py), so an item re-fetched is updated,
never duplicated. Every write is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import StoreError
from digest.models import Item

MIGRATIONS: tuple[str, ...] = (
    # 1: items and per-source fetch state and history
    """
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
    """,
)


@dataclass(frozen=True)
class SaveCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


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
    items: int


class Store:
    """A connection to the store; use as a context manager or call close()."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc

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
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: made by a newer digest (schema {version}); upgrade")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # ------------------------------------------------------------------ items

    def save_items(self, items: Iterable[Item], now: datetime) -> SaveCounts:
        """Insert new items, update changed ones; all or nothing."""
        new = updated = unchanged = 0
        stamp = now.isoformat()
        with self._transaction() as db:
            for item in items:
                row = db.execute(
                    "SELECT url, title, summary_html, published FROM items "
                    "WHERE source = ? AND guid = ?",
                    (item.source, item.guid),
                ).fetchone()
                values = (
                    item.url,
                    item.title,
                    item.summary_html,
                    item.text,
                    _stamp(item.published),
                    item.language,
                    item.date_flag,
                )
                if row is None:
                    db.execute(
                        "INSERT INTO items (url, title, summary_html, text, published, language,"
                        " date_flag, source, guid, first_seen, last_seen)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, item.source, item.guid, stamp, stamp),
                    )
                    new += 1
                elif (row["url"], row["title"], row["summary_html"]) != (
                    item.url,
                    item.title,
                    item.summary_html,
                ):
                    # A changed story keeps its first-known date unless the date was a guess.
                    db.execute(
                        "UPDATE items SET url = ?, title = ?, summary_html = ?, text = ?,"
                        " published = CASE WHEN date_flag IS NULL THEN published ELSE ? END,"
                        " language = ?, date_flag = ?, last_seen = ?"
                        " WHERE source = ? AND guid = ?",
                        (*values, stamp, item.source, item.guid),
                    )
                    updated += 1
                else:
                    db.execute(
                        "UPDATE items SET last_seen = ? WHERE source = ? AND guid = ?",
                        (stamp, item.source, item.guid),
                    )
                    unchanged += 1
        return SaveCounts(new, updated, unchanged)

    def items_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items published in [start, end), oldest first, in a stable order."""
        rows = self._db.execute(
            "SELECT * FROM items WHERE published >= ? AND published < ?"
            " ORDER BY published, source, guid",
            (_stamp(start), _stamp(end)),
        ).fetchall()
        return [_item(row) for row in rows]

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
        return [SourceState(**dict(row)) for row in rows]

    def record_fetch(
        self,
        name: str,
        url: str,
        *,
        now: datetime,
        status: str,
        http_status: int | None = None,
        counts: SaveCounts = SaveCounts(),
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Remember how a fetch went: the source's state plus one history row."""
        stamp = now.isoformat()
        ok = status in ("ok", "not modified")
        with self._transaction() as db:
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
                " last_success = CASE WHEN ? THEN ? ELSE last_success END"
                " WHERE name = ?",
                (stamp, status, http_status, error, ok, etag, ok, last_modified, ok, stamp, name),
            )
            db.execute(
                "INSERT INTO fetches (source, at, status, http_status, new, updated, unchanged,"
                " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    stamp,
                    status,
                    http_status,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    error,
                ),
            )


def _stamp(moment: datetime) -> str:
    """UTC, whole seconds: one text form, so SQL string order is time order."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


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
    )
