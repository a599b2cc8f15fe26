import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import StoreError
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


def test_every_moment_the_store_writes_is_utc_to_the_second(tmp_path):
    from zoneinfo import ZoneInfo

    path = tmp_path / "s.sqlite3"
    baghdad = datetime(2024, 2, 4, 12, 0, 30, 500_000, tzinfo=ZoneInfo("Asia/Baghdad"))
    with Store(path) as store:
        store.save_items([item("a")], baghdad)
        store.record_fetch("Wire", "https://wire.example/f", FetchRecord(baghdad, "ok"))
        store.add_subscribers([("a@example.org", "a@example.org", "")], baghdad, origin="cli")
        store.request_subscription("b@example.org", "b@example.org", "n", baghdad)
    db = sqlite3.connect(path)
    stamps = {
        *db.execute("SELECT first_seen, last_seen FROM items").fetchone(),
        *db.execute("SELECT last_fetch, last_success FROM sources").fetchone(),
        *db.execute("SELECT at FROM fetches").fetchone(),
        *db.execute("SELECT created, updated FROM subscribers").fetchone(),
        *db.execute("SELECT requested FROM subscribers WHERE requested IS NOT NULL").fetchone(),
        *(at for (at,) in db.execute("SELECT at FROM subscriber_history")),
    }
    db.close()
    assert stamps == {"2024-02-04T09:00:30+00:00"}
    # Rows an earlier digest kept to the microsecond still sort among these as text.
    earlier = ["2024-02-04T09:00:30.9+00:00", "2024-02-04T09:00:31+00:00"]
    assert sorted([*earlier, *stamps]) == [*stamps, *earlier]


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


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA page_size").fetchone()[0]


def test_a_new_store_has_pages_that_hold_several_items(tmp_path, now):
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        store.save_items([item("a")], now)
    assert _page_size(path) == 16_384


def test_a_store_made_with_smaller_pages_keeps_them_and_its_items(tmp_path, now):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:  # a store as digest made it before: 4 KiB pages
        db.execute("PRAGMA page_size=4096")
        db.execute("CREATE TABLE t (x)")
    with Store(path) as store:
        store.save_items([item("a"), item("b")], now)
    with Store(path) as store:
        assert store.count_items() == 2
        assert store.save_items([item("a", title="Changed")], now).updated == 1
    assert _page_size(path) == 4096


# --------------------------------------------------------------------------- faults


def test_a_store_locked_by_another_writer_is_a_clear_error(tmp_path, now):  # BAD-INPUTS 48
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(path, busy_timeout=0.2) as store:
            started = time.monotonic()
            with pytest.raises(StoreError, match=r"busy for 0.2 s \(a second collect\?\)"):
                store.save_items([item("a")], now)
            assert time.monotonic() - started < 5  # a bounded wait, not a hang
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(path) as store:
        assert store.count_items() == 0


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_half_written(tmp_path):
    # BAD-INPUTS 48: RLIMIT_FSIZE stands in for a full disk, in a child process.
    path = tmp_path / "s.sqlite3"
    script = f"""
import resource, signal, sys
from datetime import UTC, datetime
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
from tests.test_store import item
from digest.store import Store
from digest.errors import StoreError
store = Store({str(path)!r})
store.save_items([item("small")], datetime(2024, 2, 10, tzinfo=UTC))
size = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, size[1]))
big = [item(f"g{{n}}", title="x" * 5_000) for n in range(200)]
try:
    store.save_items(big, datetime(2024, 2, 10, tzinfo=UTC))
except StoreError as exc:
    print(exc)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert "free some disk space" in result.stdout, result.stderr
    with Store(path) as store:
        assert store.count_items() == 1  # the big batch is all or nothing


def test_a_kill_during_a_save_leaves_nothing_half_written(tmp_path):  # BAD-INPUTS 48
    path = tmp_path / "s.sqlite3"
    script = f"""
import os, signal, sys
from datetime import UTC, datetime
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
from tests.test_store import item
from digest.store import Store
def items():
    for n in range(50):
        if n == 30:
            os.kill(os.getpid(), signal.SIGKILL)
        yield item(f"g{{n}}")
Store({str(path)!r}).save_items(items(), datetime.now(UTC))
"""
    result = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert result.returncode == -signal.SIGKILL
    with Store(path) as store:
        assert store.count_items() == 0


# --------------------------------------------------------------------------- opening


def _open_in_turn(paths: list[str], barrier, failures) -> None:
    """In a child process: open each store when all the others do."""
    for path in paths:
        barrier.wait(timeout=60)
        try:
            Store(Path(path)).close()
        except Exception as exc:  # any error at all is what the test looks for
            failures.put(f"{path}: {type(exc).__name__}: {exc}")


def test_a_new_store_opened_by_four_processes_at_once_is_made_once(tmp_path):
    import multiprocessing

    from digest.store.items import MIGRATIONS

    context = multiprocessing.get_context("fork")
    paths = [str(tmp_path / f"s{n}.sqlite3") for n in range(20)]
    barrier, failures = context.Barrier(4), context.Queue()
    workers = [
        context.Process(target=_open_in_turn, args=(paths, barrier, failures)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    found = []
    while not failures.empty():
        found.append(failures.get())
    assert found == []
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    for path in paths:
        with Store(Path(path)) as store:
            assert store.count_items() == 0
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        db.close()


def test_a_store_from_a_newer_digest_is_refused_before_anything_changes(tmp_path):
    from digest.store.items import MIGRATIONS

    path = tmp_path / "s.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")  # as an older SQLite or a copy might leave it
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"made by a newer digest .*; upgrade digest$"):
        Store(path)
    assert path.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite3"]


def _damage(path: Path, start: int) -> None:
    """Garbage over the store from byte `start` on (the header's 100 bytes, or page 1 with
    the schema, left whole), as a bad disk or a stray copy would leave it."""
    import random

    size = path.stat().st_size
    noise = random.Random(7).randbytes(size - start)
    with path.open("r+b") as file:
        file.seek(start)
        file.write(noise)


@pytest.mark.parametrize("start", [100, 4096], ids=["past-the-header", "past-the-schema"])
@pytest.mark.parametrize(
    "command",
    [("sources",), ("collect",), ("draft", "--week-ending", "2024-02-08")],
    ids=["sources", "collect", "draft"],
)
def test_a_damaged_store_is_one_line_for_every_command(project, command, start):
    from digest import config
    from tests.conftest import run_cli

    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    store = config.load(conf).store_path
    assert store.stat().st_size > 8192 and not store.with_name(store.name + "-wal").exists()
    _damage(store, start)
    result = run_cli(conf, *command)  # an unexpected exception would fail the test here
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {store}: ")
    assert "the store file is damaged; restore it from a backup" in lines[0]


def test_the_send_journals_connection_fsyncs_every_commit(tmp_path):
    # synchronous: 1 NORMAL (a power cut may undo the last commits), 2 FULL (it may not).
    path = tmp_path / "s.sqlite3"
    for durable, level in ((False, 1), (True, 2)):
        with Store(path, durable=durable) as store:
            assert store._db.execute("PRAGMA synchronous").fetchone()[0] == level
