"""Which stored item an entry is: guid, then canonical URL, then title+date hash, each a
UNIQUE index. Tested in both directions: no duplicate kept, no distinct item lost."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from digest.models import Item
from digest.store import Store
from digest.store.keys import batch_keys, canonical_url, content_key

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
        # Only http(s) pages are articles: another scheme is not turned into https.
        ("ftp://wire.example/x", None),
        ("ftps://wire.example/x", None),
        ("https:///a", None),  # no host
        ("https://wire.example:99999/a", None),  # a port out of range
        ("  https://wire.example/a  ", "https://wire.example/a"),
        ("https://wire.example:443/a", "https://wire.example/a"),
        # IPv6 hosts keep their brackets, lower-cased, with a port only when not the default.
        ("http://[2001:DB8::1]/a", "https://[2001:db8::1]/a"),
        ("http://[2001:db8::1]:8080/a", "https://[2001:db8::1]:8080/a"),
        ("https://[::1]:443/a", "https://[::1]/a"),
        # A blank query value is part of the address; parameter order is kept as written.
        ("https://wire.example/a?q=&id=3", "https://wire.example/a?q=&id=3"),
        ("https://wire.example/a?q&utm_source=x", "https://wire.example/a?q="),
        ("https://wire.example/a?b=2&a=1", "https://wire.example/a?b=2&a=1"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_content_key_ignores_markup_case_and_a_guessed_date():
    assert content_key(item("Same  Title")) == content_key(item("same title"))
    assert content_key(item("Same title")) != content_key(item("Same title", hours=24))
    guessed = item("Same title", flag="missing")
    assert content_key(guessed) == content_key(replace(guessed, published=DAY + timedelta(7)))


def test_the_content_key_is_a_sha256_of_the_folded_title_and_the_feed_date():
    # Pinned: every stored item carries this key, so changing how it is computed would
    # make every stored item look new. A change here needs a store migration.
    assert content_key(item("  Ports   Reopen in BASRA ")) == (
        "sha256:405eceb6b65009d91ba2a5215d5ab3bcdeb394403b1e814b17845288dbbd5da6"
    )  # sha256("ports reopen in basra\n2024-02-04T09:00:00+00:00")
    assert content_key(item("Ports reopen", flag="missing")) == (
        "sha256:ce89fc26f86f01630f80af62578ddb4f28220835eb78960ba571998ecc009019"
    )  # sha256("ports reopen\n"): a guessed date is left out
    assert content_key(item("", text="Rockets hit the base.")) == (
        "sha256:45dbb8f3214a808d1ccd75af9482349245f6672b22d17d0f60bcc0963edbaf56"
    )  # no title: the text's start stands in for it
    untitled = (
        "Rockets hit the base near Erbil airport before dawn on Sunday, the regional"
        " counter-terrorism service said, adding that two of them fell inside the perimeter"
        " and one landed in a field nearby. No casualties were reported. Flights resumed at noon."
    )
    assert content_key(item("", text=untitled)) == (
        "sha256:b17f61aa6cac87af811a24adb9604f8ff2e6082c22c7648c081aee5097d62a3f"
    )  # only the text's first 200 characters stand in: "...in a field nearby. no casua\n..."


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
    from digest.store.items import _V1, _run_script

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


def test_a_link_shared_in_one_fetch_is_no_key_and_a_unique_one_is():
    # Two distinct stories linking one page: the link says nothing about which is which.
    entries = [
        item("Ports reopen", url="https://wire.example/live"),
        item("Talks resume", url="http://WIRE.example/live#update"),
        item("Curfew lifted", url="https://wire.example/3"),
    ]
    urls = [keys.url for _, keys in batch_keys(entries)]
    assert urls == [None, None, "https://wire.example/3"]


def test_distinct_stories_sharing_a_link_in_one_fetch_stay_apart(store, now):
    entries = [
        item("Ports reopen", url="https://wire.example/live"),
        item("Talks resume", url="https://wire.example/live"),
    ]
    assert store.save_items(entries, now).new == 2
    assert sorted(i.title for i in stored(store)) == ["Ports reopen", "Talks resume"]
    assert store.save_items(entries, now).unchanged == 2


def test_one_headline_told_twice_gets_two_content_keys_told_apart_by_text_and_link():
    plain = content_key(item("Update"))
    entries = [
        item("Update", text="Morning news"),
        item("Update", text="Evening news"),
        item("Another"),
    ]
    contents = [keys.content for _, keys in batch_keys(entries)]
    assert len(set(contents)) == 3
    assert plain not in contents[:2]  # the shared key alone would merge them
    assert contents[2] == content_key(entries[2])  # an unshared key is left as it is


def test_batch_keys_keep_feed_order_and_each_entry_once():
    entries = [item("B", guid="b"), item("A", guid="a"), item("B", guid="b")]
    assert [(i.title, k.guid) for i, k in batch_keys(entries)] == [("B", "b"), ("A", "a")]
