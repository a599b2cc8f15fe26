"""Which stored item an entry is: guid, then canonical URL, then title+date hash, each a
UNIQUE index. Tested in both directions: no duplicate kept, no distinct item lost."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from digest.collect.identity import batch_keys, canonical_url, content_key
from digest.models import Item
from digest.store import Store

DAY = datetime(2024, 2, 4, 9, tzinfo=UTC)


def item(
    title: str = "Title",
    *,
    guid: str | None = None,
    url: str | None = None,
    source: str = "Wire",
    text: str = "x",
    hours: int = 0,
    flag: str | None = None,
) -> Item:
    return Item(
        source=source,
        guid=guid,
        url=url,
        title=title,
        summary_html=f"<p>{text}</p>",
        text=text,
        published=DAY + timedelta(hours=hours),
        date_flag=flag,
    )


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.sqlite3") as opened:
        yield opened


def stored(store: Store) -> list[Item]:
    return store.items_between(DAY - timedelta(days=1), DAY + timedelta(days=30))


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Wire.Example:80/a?utm_source=x&id=3#top", "https://wire.example/a?id=3"),
        ("https://wire.example", "https://wire.example/"),
        ("https://wire.example:8443/a?fbclid=1", "https://wire.example:8443/a"),
        ("https://wire.example./a", "https://wire.example/a"),
        ("mailto:desk@wire.example", None),
        ("http://bad]test/", None),  # BAD-INPUTS 24
        (None, None),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_content_key_ignores_markup_case_and_a_guessed_date():
    assert content_key(item("Same  Title")) == content_key(item("same title"))
    assert content_key(item("Same title")) != content_key(item("Same title", hours=24))
    guessed = item("Same title", flag="missing")
    assert content_key(guessed) == content_key(replace(guessed, published=DAY + timedelta(7)))


def test_an_item_changed_upstream_is_updated_not_duplicated(store, now):  # BAD-INPUTS 21
    for key in ({"guid": "g1"}, {"url": "https://wire.example/1"}):
        first = store.save_items([item("Draft headline", **key, source=str(key))], now)
        again = store.save_items([item("Final headline", **key, source=str(key))], now)
        assert (first.new, again.new, again.updated) == (1, 0, 1)
    assert sorted(i.title for i in stored(store)) == ["Final headline"] * 2


def test_one_guid_on_different_items_keeps_them_all(store, now):  # BAD-INPUTS 21
    items = [
        item("Ports reopen", guid="same", url="https://wire.example/1"),
        item("Talks resume", guid="same", url="https://wire.example/2"),
    ]
    assert store.save_items(items, now).new == 2
    assert store.save_items(items, now).unchanged == 2  # and the next fetch adds nothing
    assert store.count_items() == 2


def test_no_guid_and_one_shared_link_keeps_every_item(store, now):  # BAD-INPUTS 21
    # rss2email #111: every entry links to the home page.
    items = [item(f"Story {n}", url="https://wire.example/", hours=n) for n in range(3)]
    assert store.save_items(items, now).new == 3
    assert store.save_items(items, now).unchanged == 3
    assert store.count_items() == 3


def test_a_guid_that_changes_on_every_fetch_is_one_item(store, now):  # BAD-INPUTS 21
    # feedbin #580: a fresh guid per fetch, the link and headline unchanged.
    for fetch in range(3):
        store.save_items(
            [item("Ports reopen", guid=f"tmp-{fetch}", url="https://w.example/1")], now
        )
    assert store.count_items() == 1


def test_two_stories_sharing_a_link_across_fetches_stay_two(store, now):  # BAD-INPUTS 21
    store.save_items([item("Ports reopen", guid="a", url="https://w.example/live")], now)
    store.save_items([item("Talks resume", guid="b", url="https://w.example/live", hours=5)], now)
    assert sorted(i.title for i in stored(store)) == ["Ports reopen", "Talks resume"]


def test_is_permalink_guid_and_link_disagreeing_is_one_item(store, now):  # BAD-INPUTS 21
    # A guid that is a permalink on one fetch and a plain id on the next: same link.
    store.save_items([item(guid="https://w.example/1", url="https://w.example/1?utm_x=1")], now)
    store.save_items([item(guid="1234", url="http://w.example/1")], now)
    assert store.count_items() == 1


def test_the_same_article_in_two_feeds_is_stored_once(store, now):  # BAD-INPUTS 21
    store.save_items([item("Ports reopen", guid="p-1", url="https://w.example/1")], now)
    second = store.save_items(
        [item("Ports reopen", guid="t-9", url="https://w.example/1", source="Wire top")], now
    )
    assert (second.new, second.unchanged) == (0, 1)
    assert [i.source for i in stored(store)] == ["Wire"]  # the first source keeps it


def test_same_title_and_date_with_different_text_are_two_items(store, now):  # BAD-INPUTS 21
    items = [item("Update", text="Morning news"), item("Update", text="Evening news")]
    assert store.save_items(items, now).new == 2
    assert store.save_items(items, now).unchanged == 2


def test_an_entry_sent_twice_in_one_fetch_is_one_item(store, now):  # BAD-INPUTS 21
    twice = item("Ports reopen", guid="g")
    assert store.save_items([twice, twice], now).new == 1


def test_no_guid_no_link_identity_is_title_and_date(store, now):  # BAD-INPUTS 21
    store.save_items([item("Ports reopen")], now)
    store.save_items([item("Ports  reopen")], now)  # the same after normalizing
    store.save_items([item("Ports reopen", hours=24)], now)  # another day, another item
    assert store.count_items() == 2


def test_the_unique_indexes_hold_even_against_a_bypassing_insert(store, now):  # BAD-INPUTS 21
    store.save_items([item("A", guid="g", url="https://w.example/1")], now)
    db = sqlite3.connect(store.path)
    columns = "(source, guid, url_key, content_key, title, summary_html, text, published,"
    columns += " first_seen, last_seen)"
    for guid, url in (("g", None), (None, "https://w.example/1")):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                f"INSERT INTO items {columns} VALUES ('Wire', ?, ?, 'c', 't', '', '', '', '', '')",
                (guid, url),
            )
    db.close()


def test_batch_keys_drop_ambiguous_keys_only():
    keys = [k for _, k in batch_keys([item("A", guid="g"), item("B", guid="g"), item("C")])]
    assert [k.guid for k in keys] == [None, None, None]
    assert len({k.content for k in keys}) == 3


def test_a_version_1_store_is_migrated(tmp_path, now):  # BAD-INPUTS 48: old schema
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    from digest.store.sqlite import _V1, _run_script

    _run_script(db, _V1)
    rows = [
        ("urn:1", "https://w.example/1", "With guid"),
        ("https://w.example/2", "https://w.example/2", "Link as key"),
        ("sha256:" + "0" * 64, None, "Hash as key"),
    ]
    for guid, url, title in rows:
        db.execute(
            "INSERT INTO items (source, guid, url, title, summary_html, text, published,"
            " first_seen, last_seen) VALUES ('Wire', ?, ?, ?, '', '', ?, 'f', 'l')",
            (guid, url, title, DAY.isoformat()),
        )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        assert sorted((i.title, i.guid) for i in stored(store)) == [
            ("Hash as key", None),
            ("Link as key", None),
            ("With guid", "urn:1"),
        ]
        # The migrated keys find the same items again.
        again = store.save_items(
            [
                item("With guid", guid="urn:1", url="https://w.example/1", text=""),
                item("Link as key", url="https://w.example/2", text=""),
            ],
            now,
        )
        assert again.new == 0
    with Store(path) as store:  # opening again changes nothing
        assert store.count_items() == 3
