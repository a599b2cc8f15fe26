"""A parser process sends the store ready-made rows (issue 25, round 4): the same rows.

collect's parser processes now return each document's entries as the tuples the store
inserts (store/keys.py batch_rows), not Item objects for the collecting process to take
apart. These tests hold that to the items: the rows are the items' rows, a store filled
from rows equals one filled from items (new, known, changed and taken-over entries), and
what crosses the pipe is plain values.
"""

from __future__ import annotations

import pickle
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.collect import make_feed
from digest.collect.fetched import Fetched
from digest.collect.parsing import parse_items, parse_rows
from digest.errors import ParseError
from digest.models import Source
from digest.store import FetchRecord, Store
from digest.store.keys import batch_rows

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)
TYPES = {".xml": "application/xml", ".json": "application/feed+json", ".html": "text/html"}


def _documents() -> list[tuple[Fetched, Source]]:
    documents = []
    for path in sorted(FEEDS.glob("*")):
        source = Source(name=path.stem, url=f"https://{path.stem}.example/feed")
        headers = {"content-type": TYPES[path.suffix]}
        documents.append((Fetched(source.url, 200, headers, path.read_bytes()), source))
    for number in range(5):  # RSS, Atom and JSON Feed, as the benchmark serves them
        content_type, body = make_feed(number, 30)
        source = Source(name=f"site{number}", url=f"https://site{number}.example/feed")
        documents.append((Fetched(source.url, 200, {"content-type": content_type}, body), source))
    return documents


def _parsed(job, fetched: Fetched, source: Source, now: datetime = NOW):
    try:
        return job(fetched, source, now=now, budget=30, max_items=500)
    except ParseError as exc:
        return str(exc)


def test_the_rows_are_the_items_as_the_store_inserts_them():
    checked = 0
    for fetched, source in _documents():
        items, rows = _parsed(parse_items, fetched, source), _parsed(parse_rows, fetched, source)
        if isinstance(items, str):  # refused documents are refused alike
            assert rows == items
            continue
        assert rows.warnings == items.warnings
        assert rows.rows == batch_rows(items.items)
        checked += len(rows.rows)
    assert checked > 150


def test_what_crosses_the_pipe_is_plain_values():
    fetched, source = _documents()[-1]
    rows = pickle.loads(pickle.dumps(parse_rows(fetched, source, now=NOW, budget=30, max_items=50)))
    assert all(type(row) is tuple and len(row) == 11 for row in rows.rows)
    assert {type(value) for row in rows.rows for value in row} <= {str, type(None)}


def _table(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM items ORDER BY id").fetchall()


def _disturb(path: Path) -> None:
    """Edits between two fetches that send entries down every branch of the careful path:
    changed stories, a stored guid gone (matched by URL), rows gone (new again)."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE items SET title = title || ' (old)' WHERE id % 3 = 0")
        db.execute("UPDATE items SET guid = NULL WHERE id % 5 = 0")
        db.execute("DELETE FROM items WHERE id % 7 = 0")


@pytest.mark.parametrize("shared", [False, True], ids=["own sources", "one source"])
def test_a_store_filled_from_rows_equals_one_filled_from_items(tmp_path, shared):
    documents = [(f, s) for f, s in _documents() if not isinstance(_parsed(parse_items, f, s), str)]
    if shared:  # every document as one source: entries another document already brought
        documents = [(f, Source(name="one", url=s.url)) for f, s in documents]
    by_items, by_rows = tmp_path / "items.sqlite3", tmp_path / "rows.sqlite3"
    for step, now in enumerate((NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=2))):
        record = FetchRecord(at=now, status="ok", http_status=200)
        with Store(by_items) as items_store, Store(by_rows) as rows_store:
            for fetched, source in documents:
                items = _parsed(parse_items, fetched, source, now).items
                counts = items_store.save_items(items, now)
                rows = _parsed(parse_rows, fetched, source, now).rows
                assert rows_store.save_fetch(source.name, source.url, rows, record) == counts
        if step == 0:
            _disturb(by_items)
            _disturb(by_rows)
    assert _table(by_rows) == _table(by_items)
    assert len(_table(by_rows)) > 150
