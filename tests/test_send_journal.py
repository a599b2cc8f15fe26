"""The send journal's group commits (publish/send/journal.py), against a real SMTP server
on 127.0.0.1 and the real store: steps queued while a commit is under way are written
together, in the order they were queued, and a send still records every delivery."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from digest.publish.send.journal import Journal
from digest.store import Store
from tests.support.smtp_server import smtp_server
from tests.test_send import SLUG, csv_of, journal, people, send

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def verbose_send(conf, *args: str):
    from click.testing import CliRunner

    from digest.cli import main
    from tests.test_send import ENV

    return CliRunner().invoke(main, ["-v", "--config", str(conf), "send", SLUG, *args], env=ENV)


def written(caplog) -> tuple[int, int]:
    for record in caplog.records:
        found = re.search(r"the journal wrote (\d+) steps in (\d+) commits", record.getMessage())
        if found:
            return int(found[1]), int(found[2])
    raise AssertionError("no journal line in the log")


def test_steps_queued_during_a_slow_commit_share_the_next_one(mail_project, tmp_path, caplog):
    """Another process holds the store's write lock for a moment mid-send (as a slow fsync
    would hold the writer): the four connections' steps pile up and go in one commit, and
    meanwhile no message goes out whose `sending` is not on disk."""
    addresses = people(40)
    store_path = tmp_path / "store.sqlite3"
    held = threading.Event()
    window: list[float] = []  # when the lock was taken, and when it was let go
    arrived: list[float] = []

    def hold_the_lock() -> None:
        other = sqlite3.connect(store_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        window.append(time.monotonic())
        held.set()
        time.sleep(0.5)
        window.append(time.monotonic())
        other.execute("COMMIT")
        other.close()

    with smtp_server() as (sink, port):
        original = sink.handle_DATA

        async def handle_DATA(server, session, envelope):
            arrived.append(time.monotonic())
            if len(sink.received) == 10 and not held.is_set():
                threading.Thread(target=hold_the_lock, daemon=True).start()
            return await original(server, session, envelope)

        sink.handle_DATA = handle_DATA
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 4", port=port)
        with caplog.at_level(logging.INFO, logger="digest"):
            result = verbose_send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    assert result.exit_code == 0, result.output
    assert held.is_set()
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})
    assert set(journal(tmp_path).values()) == {"sent"}
    # Only messages whose `sending` was committed before the lock (one a connection, at
    # most) could arrive while it was held.
    assert sum(window[0] + 0.05 < t < window[1] for t in arrived) <= 4
    steps, commits = written(caplog)
    assert steps == 80  # "sending" and "sent" for each of the 40
    assert commits <= steps - 3  # at least the piled-up steps went together


def test_every_step_is_written_in_the_order_it_was_queued(mail_project, tmp_path):
    """An outcome queued after another for the same delivery wins, even in one commit."""
    addresses = people(3)
    with smtp_server() as (_, port):
        conf = mail_project(port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
        assert result.exit_code == 0, result.output
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with Store(tmp_path / "store.sqlite3", durable=True) as store:
        ids = {d.address: d.subscriber for d in store.deliveries(SLUG)}
        log = Journal(store, SLUG)
        first, second = ids[addresses[0]], ids[addresses[1]]
        assert log.start(first, now) is None  # waits for its commit
        log.finish(first, "failed", now, "DATA: 554 no")
        log.finish(first, "queued", now, "not sent: the run paused")
        log.finish(second, "unknown", now, "no answer")
        log.finish(second, "sent", now, "250 OK")
        log.close()
        assert log.steps == 5 and 2 <= log.commits <= 5
        states = {d.address: (d.state, d.detail) for d in store.deliveries(SLUG)}
    assert states[addresses[0]] == ("queued", "not sent: the run paused")
    assert states[addresses[1]] == ("sent", "250 OK")


def test_a_reader_who_left_is_skipped_by_the_journal_not_sent(mail_project, tmp_path):
    addresses = people(2)
    with smtp_server() as (_, port):
        conf = mail_project(port=port)
        send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with Store(tmp_path / "store.sqlite3", durable=True) as store:
        ids = {d.address: d.subscriber for d in store.deliveries(SLUG)}
        store.set_status(addresses[1], "unsubscribed", now)
        log = Journal(store, SLUG)
        assert log.start(ids[addresses[0]], now) is None
        assert log.start(ids[addresses[1]], now) == "unsubscribed"
        log.close()
        states = {d.address: d.state for d in store.deliveries(SLUG)}
    assert states == {addresses[0]: "sending", addresses[1]: "skipped"}


def test_a_store_that_fails_stops_the_journal_and_says_why(tmp_path):
    store = Store(tmp_path / "store.sqlite3", durable=True)
    log = Journal(store, SLUG)
    store.close()  # every later write fails
    with pytest.raises(Exception, match="closed"):
        log.start(1, datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(Exception, match="closed"):
        log.finish(1, "sent", datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(Exception, match="closed"):
        log.close()


def test_an_outcome_shares_the_next_sendings_commit_or_is_written_within_linger(
    mail_project, tmp_path
):
    """An outcome alone waits for a `sending` step to commit with (no fsync of its own that
    the next `sending` would wait behind), but never more than LINGER: a run killed later
    has it on disk."""
    from digest.publish.send.journal import LINGER

    addresses = people(3)
    with smtp_server() as (_, port):
        conf = mail_project(port=port)
        send(conf, "--subscribers", str(csv_of(tmp_path, addresses)))  # the journal's rows
        send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with Store(tmp_path / "store.sqlite3", durable=True) as store:
        ids = [d.subscriber for d in store.deliveries(SLUG)]
        log = Journal(store, SLUG)
        log.finish(ids[0], "failed", now, "one")
        assert log.start(ids[1], now) is None
        assert log.commits == 1  # the outcome went with the `sending`
        log.finish(ids[1], "failed", now, "two")
        time.sleep(LINGER * 10)
        assert log.commits == 2  # alone, after LINGER
        with Store(tmp_path / "store.sqlite3") as reader:  # on disk, for another process
            assert {d.detail for d in reader.deliveries(SLUG)} >= {"one", "two"}
        log.close()
        assert (log.steps, log.commits) == (3, 2)
