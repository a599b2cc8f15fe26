from datetime import UTC, datetime, timedelta

import pytest

from digest.models import Item
from digest.store import FetchRecord, Store


def item(guid: str, title: str = "Title", hours: int = 0) -> Item:
    return Item(
        source="Wire",
        guid=guid,
        url=f"https://wire.example/{guid}",
        title=title,
        summary_html="<p>x</p>",
        text="x",
        published=datetime(2024, 2, 4, 9, tzinfo=UTC) + timedelta(hours=hours),
    )


def test_an_item_is_stored_once_and_updated_when_it_changes(tmp_path, now):
    with Store(tmp_path / "s.sqlite3") as store:
        first = store.save_items([item("a"), item("b")], now)
        again = store.save_items([item("a"), item("b", title="Changed")], now)
        assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
        assert (again.new, again.updated, again.unchanged) == (0, 1, 1)
        assert store.count_items() == 2


def test_items_between_uses_utc_instants_whatever_the_offset(tmp_path, now):
    from zoneinfo import ZoneInfo

    with Store(tmp_path / "s.sqlite3") as store:
        store.save_items([item("a"), item("b", hours=20)], now)
        start = datetime(2024, 2, 4, 12, tzinfo=ZoneInfo("Asia/Baghdad"))  # 09:00 UTC
        found = store.items_between(start, start + timedelta(hours=1))
        assert [i.guid for i in found] == ["a"]


def test_a_failed_save_leaves_nothing_half_written(tmp_path, now):
    broken = [item("a"), None]
    with Store(tmp_path / "s.sqlite3") as store:
        with pytest.raises(AttributeError):
            store.save_items(broken, now)  # the None fails after "a" was inserted
        assert store.count_items() == 0


def test_fetch_state_keeps_validators_only_from_successful_fetches(tmp_path, now):
    with Store(tmp_path / "s.sqlite3") as store:
        url = "https://wire.example/f"
        store.record_fetch("Wire", url, FetchRecord(now, "ok", http_status=200, etag='"v1"'))
        failed = FetchRecord(
            now, "failed", error="HTTP 500 Internal Server Error", etag='"bad"', failures=1
        )
        store.record_fetch("Wire", url, failed)
        state = store.fetch_state("Wire")
        assert state.etag == '"v1"'
        assert (state.last_status, state.failures) == ("failed", 1)
        assert state.last_error == "HTTP 500 Internal Server Error"
        assert store.reset_source("Wire") and not store.reset_source("Nobody")
        state = store.fetch_state("Wire")
        assert (state.etag, state.failures, state.retry_at) == (None, 0, None)


def test_reopening_the_store_keeps_its_schema_and_data(tmp_path, now):
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_items([item("a")], now)
    with Store(tmp_path / "s.sqlite3") as store:
        assert store.count_items() == 1
