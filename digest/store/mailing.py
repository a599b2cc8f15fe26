"""Subscribers and the send journal: the store's side of sending an issue.

A subscriber is keyed by the canonical form of the address (one row however the address
is capitalized) and has a status: subscribed, unsubscribed, bounced (or pending, until a
confirmation). The journal has one row per (issue, subscriber), with the Message-ID that
delivery always uses and a state:

    queued -> sending -> sent | failed | unknown;  queued -> skipped

`sending` is committed just before the message's content goes to the server, `sent` as
soon as the server accepts it, so a crash leaves `sending` only on the few deliveries whose
outcome nobody knows; the next run reports those as `unknown` and sends them again only
when asked to. `journal()` writes several deliveries' steps in one transaction: a send's
connections share each commit's fsync (publish/send/journal.py).

A subscribe request from the service never changes a status by itself: a new address is
`pending`, and an `unsubscribed` or `bounced` one stays so, with a confirmation nonce,
until the link in the confirmation email is followed (an opt-out is a fact nobody but its
owner may undo). Every request does the same statements whatever the address's status,
so neither the answer nor its timing tells whether an address is known. Pending rows and
unused nonces expire after DIGEST_PENDING_DAYS. `subscriber_history` keeps each change of
status and each request, with its time: when someone unsubscribed, and when they asked
to come back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from digest.store.timestamps import timestamp

V4 = """
    CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL,
        canonical TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'subscribed', 'unsubscribed', 'bounced')),
        origin TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        detail TEXT
    );
    CREATE TABLE sends (
        slug TEXT NOT NULL,
        subscriber INTEGER NOT NULL REFERENCES subscribers (id),
        address TEXT NOT NULL,
        message_id TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        detail TEXT,
        updated TEXT NOT NULL,
        PRIMARY KEY (slug, subscriber)
    ) WITHOUT ROWID;
    CREATE INDEX sends_state ON sends (slug, state)
"""

# 5: the subscription service: a pending subscriber's confirmation nonce (a confirm link
# works once), and bounce scores per day (Mailman's way: one score a day at most).
V5 = """
    ALTER TABLE subscribers ADD COLUMN nonce TEXT;
    CREATE TABLE bounces (
        subscriber INTEGER NOT NULL REFERENCES subscribers (id),
        day TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (subscriber, day)
    ) WITHOUT ROWID
"""

# 6: opt-outs are kept: a subscribe request leaves the status alone and sets a nonce with
# the time it was issued (`requested`: pending rows and unused nonces expire); the history
# of each subscriber (one row per request and per change of status). A pending row with
# journal rows was an opt-out an earlier version set back to pending: unsubscribed again,
# its confirmation link still works.
V6 = """
    ALTER TABLE subscribers ADD COLUMN requested TEXT;
    UPDATE subscribers SET requested = updated WHERE nonce IS NOT NULL;
    UPDATE subscribers SET status = 'unsubscribed',
        detail = 'asked to subscribe again: waits for the confirmation link'
        WHERE status = 'pending' AND id IN (SELECT subscriber FROM sends);
    CREATE INDEX subscribers_requested ON subscribers (requested) WHERE nonce IS NOT NULL;
    CREATE TABLE subscriber_history (
        subscriber INTEGER NOT NULL REFERENCES subscribers (id),
        at TEXT NOT NULL,
        event TEXT NOT NULL
            CHECK (event IN ('requested', 'pending', 'subscribed', 'unsubscribed', 'bounced')),
        detail TEXT
    );
    CREATE INDEX subscriber_history_by ON subscriber_history (subscriber, at);
    INSERT INTO subscriber_history (subscriber, at, event, detail)
        SELECT id, updated, status, coalesce(detail, 'the status when history began')
        FROM subscribers
"""

STATUSES = ("pending", "subscribed", "unsubscribed", "bounced")
STATES = ("queued", "sending", "sent", "failed", "unknown", "skipped")


@dataclass(frozen=True)
class SubscriberRow:
    id: int
    address: str
    canonical: str
    name: str
    status: str
    updated: str
    detail: str | None


@dataclass(frozen=True)
class Delivery:
    """One journal row, with what the run needs to send it."""

    subscriber: int
    address: str
    name: str
    message_id: str
    state: str
    attempts: int
    detail: str | None
    status: str  # the subscriber's status now


@dataclass(frozen=True)
class Step:
    """One step of a delivery for the journal: `sending` (it goes out now, if the subscriber
    is still subscribed), or the outcome (`bounced`: the server refused the address for
    good, so it is never mailed again)."""

    subscriber: int
    state: str
    at: datetime
    detail: str | None = None
    bounced: bool = False


@dataclass(frozen=True)
class Confirmation:
    """What a subscribe request leaves to confirm: the nonce the link must carry and when
    it was issued (the link expires DIGEST_PENDING_DAYS later); nonce None: nothing to
    confirm (subscribed already)."""

    nonce: str | None
    issued: datetime


@dataclass(frozen=True)
class HistoryRow:
    at: str
    event: str  # requested, or the status it changed to
    detail: str | None


def _log(db: sqlite3.Connection, subscriber: int, at: str, event: str, detail: str | None) -> None:
    db.execute(
        "INSERT INTO subscriber_history (subscriber, at, event, detail) VALUES (?, ?, ?, ?)",
        (subscriber, at, event, detail),
    )


class MailingStore:
    """Mixed into Store: needs its `_db` and `_transaction()`."""

    _db: sqlite3.Connection

    def add_subscribers(
        self, people: Iterable[tuple[str, str, str]], now: datetime, *, origin: str
    ) -> tuple[int, int]:
        """(address, canonical, name) rows: new ones are subscribed, known ones keep their
        status (an import never brings back someone who left); (added, known)."""
        stamp = timestamp(now)
        added = known = 0
        with self._transaction() as db:
            for address, key, name in people:
                cursor = db.execute(
                    "INSERT INTO subscribers (address, canonical, name, status, origin, created,"
                    " updated) VALUES (?, ?, ?, 'subscribed', ?, ?, ?)"
                    " ON CONFLICT (canonical) DO NOTHING",
                    (address, key, name, origin, stamp, stamp),
                )
                if cursor.rowcount:
                    _log(db, cursor.lastrowid or 0, stamp, "subscribed", origin)
                    added += 1
                else:
                    known += 1
        return added, known

    def subscribers(
        self, canonicals: Iterable[str] | None = None, *, status: str | None = None
    ) -> list[SubscriberRow]:
        """Every subscriber (or those with these canonical addresses), by address."""
        if canonicals is None:
            rows = self._db.execute("SELECT * FROM subscribers ORDER BY canonical").fetchall()
        else:
            wanted = sorted(set(canonicals))
            rows = []
            for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT * FROM subscribers WHERE canonical IN ({marks})", chunk
                ).fetchall()
            rows.sort(key=lambda row: row["canonical"])
        if status is not None:
            rows = [row for row in rows if row["status"] == status]
        return [
            SubscriberRow(
                r["id"],
                r["address"],
                r["canonical"],
                r["name"],
                r["status"],
                r["updated"],
                r["detail"],
            )
            for r in rows
        ]

    def set_status(
        self, canonical: str, status: str, now: datetime, detail: str | None = None
    ) -> bool:
        """Change a status (an unsubscribe also cancels a confirmation still to come)."""
        if status not in STATUSES:
            raise ValueError(status)
        stamp = timestamp(now)
        with self._transaction() as db:
            row = db.execute(
                "UPDATE subscribers SET status = ?, updated = ?, detail = ?,"
                " nonce = CASE WHEN ? = 'pending' THEN nonce END WHERE canonical = ?"
                " RETURNING id",
                (status, stamp, detail, status, canonical),
            ).fetchone()
            if row is not None:
                _log(db, row["id"], stamp, status, detail)
        return row is not None

    def queue_send(self, slug: str, rows: Iterable[tuple[int, str, str]], now: datetime) -> int:
        """Journal rows (subscriber id, address, Message-ID) for those not in it yet."""
        stamp = timestamp(now)
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT INTO sends (slug, subscriber, address, message_id, state, updated)"
                " VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT DO NOTHING",
                [(slug, sid, address, mid, stamp) for sid, address, mid in rows],
            )
            return db.total_changes - before

    def deliveries(self, slug: str, states: Iterable[str] | None = None) -> list[Delivery]:
        rows = self._db.execute(
            "SELECT s.subscriber, s.address, b.name, s.message_id, s.state, s.attempts,"
            " s.detail, b.status FROM sends s JOIN subscribers b ON b.id = s.subscriber"
            " WHERE s.slug = ? ORDER BY b.canonical",
            (slug,),
        ).fetchall()
        wanted = set(states) if states is not None else None
        return [Delivery(*row) for row in rows if wanted is None or row["state"] in wanted]

    def send_counts(self, slug: str) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT state, count(*) FROM sends WHERE slug = ? GROUP BY state", (slug,)
        )
        return {state: 0 for state in STATES} | {state: n for state, n in rows}

    def interrupted(self, slug: str, now: datetime) -> int:
        """A run stopped while these were being delivered: nobody knows if they arrived."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE sends SET state = 'unknown', updated = ?,"
                " detail = 'the sending process stopped while delivering it'"
                " WHERE slug = ? AND state = 'sending'",
                (timestamp(now), slug),
            )
        return cursor.rowcount

    def start_delivery(self, slug: str, subscriber: int, now: datetime) -> str | None:
        """Mark a delivery `sending` if its subscriber is still subscribed; otherwise mark
        it skipped and return the subscriber's status (someone who left mid-send)."""
        return self.journal(slug, [Step(subscriber, "sending", now)])[0]

    def finish_delivery(
        self,
        slug: str,
        subscriber: int,
        state: str,
        now: datetime,
        detail: str | None = None,
        *,
        bounced: bool = False,
    ) -> None:
        """Record a delivery's outcome; `bounced`: the server refused the address for good,
        so it is never mailed again."""
        self.journal(slug, [Step(subscriber, state, now, detail, bounced)])

    def journal(self, slug: str, steps: Sequence[Step]) -> list[str | None]:
        """Steps of the issue's deliveries, in order, in one transaction: with a durable
        store, one fsync for them all (a send's connections share it). For each step, what
        start_delivery returns for a `sending` step (None: it may go out), else None."""
        for step in steps:
            if step.state not in STATES:
                raise ValueError(step.state)
        with self._transaction() as db:
            return [
                _start(db, slug, step) if step.state == "sending" else _finish(db, slug, step)
                for step in steps
            ]

    # ----------------------------------------------------------------- subscription service

    def expire_pending(self, now: datetime, days: int) -> int:
        """Forget what waited more than `days` for a confirmation: pending rows (with their
        history: they never subscribed) and the nonces of opt-outs asking to come back.
        The number of pending rows forgotten."""
        with self._transaction() as db:
            return _expire(db, timestamp(now - timedelta(days=days)))

    def request_subscription(
        self, address: str, key: str, nonce: str, now: datetime, *, days: int = 7
    ) -> Confirmation:
        """Someone asked to subscribe `address`. A new address waits for confirmation with
        `nonce`; an unsubscribed or bounced one keeps its status and gets the nonce (the
        link brings it back); a nonce younger than `days` is kept (a second request: the
        first email's link still works); a subscribed address has nothing to confirm.

        The same statements run for every address, known or not, and write the same rows
        (one subscriber row, one history row), so the work, hence the time, tells nothing."""
        stamp = timestamp(now)
        with self._transaction() as db:
            _expire(db, timestamp(now - timedelta(days=days)))
            row = db.execute(
                "INSERT INTO subscribers (address, canonical, status, origin, created, updated,"
                " nonce, requested) VALUES (?, ?, 'pending', 'form', ?, ?, ?, ?)"
                " ON CONFLICT (canonical) DO UPDATE SET"
                " nonce = CASE WHEN status = 'subscribed' THEN NULL"
                "   WHEN nonce IS NOT NULL THEN nonce ELSE excluded.nonce END,"
                " requested = CASE WHEN status = 'subscribed' THEN NULL"
                "   WHEN nonce IS NOT NULL THEN requested ELSE excluded.requested END"
                " RETURNING id, status, nonce, requested",
                (address, key, stamp, stamp, nonce, stamp),
            ).fetchone()
            _log(db, row["id"], stamp, "requested", f"while {row['status']}")
        when = datetime.fromisoformat(row["requested"]) if row["requested"] else now
        return Confirmation(row["nonce"], when)

    def confirm_subscription(self, key: str, nonce: str, now: datetime) -> bool:
        """The confirmation link was followed: subscribed, once (the nonce is used up),
        whether the address was new, had unsubscribed or had bounced."""
        stamp = timestamp(now)
        with self._transaction() as db:
            row = db.execute(
                "UPDATE subscribers SET status = 'subscribed', nonce = NULL, requested = NULL,"
                " updated = ?, detail = NULL WHERE canonical = ? AND nonce = ? RETURNING id",
                (stamp, key, nonce),
            ).fetchone()
            if row is not None:
                _log(db, row["id"], stamp, "subscribed", "confirmed by the emailed link")
        return row is not None

    def unsubscribe(self, key: str, now: datetime, detail: str) -> bool:
        """The reader's unsubscribe link: a subscribed or pending address is unsubscribed,
        and a confirmation still to come (a request to come back) is cancelled. A bounced
        address without one keeps its status. False: nothing to change."""
        stamp = timestamp(now)
        with self._transaction() as db:
            row = db.execute(
                "UPDATE subscribers SET status = 'unsubscribed', nonce = NULL, requested = NULL,"
                " updated = ?, detail = ? WHERE canonical = ?"
                " AND (status IN ('subscribed', 'pending') OR nonce IS NOT NULL) RETURNING id",
                (stamp, detail, key),
            ).fetchone()
            if row is not None:
                _log(db, row["id"], stamp, "unsubscribed", detail)
        return row is not None

    def subscriber_history(self, key: str) -> list[HistoryRow]:
        """What happened to an address, oldest first."""
        rows = self._db.execute(
            "SELECT h.at, h.event, h.detail FROM subscriber_history h"
            " JOIN subscribers s ON s.id = h.subscriber WHERE s.canonical = ?"
            " ORDER BY h.at, h.rowid",
            (key,),
        ).fetchall()
        return [HistoryRow(*row) for row in rows]

    def record_bounce(
        self, key: str, day: str, score: float, threshold: float, now: datetime
    ) -> bool | None:
        """One bounce of `key` on `day` (a day counts once, at its highest score); the
        subscriber is marked bounced when the scores of the last 30 days pass `threshold`.
        True: marked now; False: counted; None: no such subscriber."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, status FROM subscribers WHERE canonical = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "INSERT INTO bounces (subscriber, day, score) VALUES (?, ?, ?)"
                " ON CONFLICT (subscriber, day) DO UPDATE SET score = max(score, excluded.score)",
                (row["id"], day, score),
            )
            total = db.execute(
                "SELECT sum(score) FROM bounces WHERE subscriber = ? AND day > date(?, '-30 days')",
                (row["id"], day),
            ).fetchone()[0]
            if total <= threshold or row["status"] != "subscribed":
                return False
            detail = f"bounce score {total:g} over {threshold:g}"
            db.execute(
                "UPDATE subscribers SET status = 'bounced', updated = ?, detail = ? WHERE id = ?",
                (timestamp(now), detail, row["id"]),
            )
            _log(db, row["id"], timestamp(now), "bounced", detail)
        return True

    def remove_subscriber(self, key: str) -> bool:
        """Forget an address entirely (its journal rows too): a request to be erased."""
        with self._transaction() as db:
            row = db.execute("SELECT id FROM subscribers WHERE canonical = ?", (key,)).fetchone()
            if row is None:
                return False
            for table, column in (
                ("sends", "subscriber"),
                ("bounces", "subscriber"),
                ("subscriber_history", "subscriber"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (row["id"],))
            db.execute("DELETE FROM subscribers WHERE id = ?", (row["id"],))
        return True

    def subscriber_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, count(*) FROM subscribers GROUP BY status")
        return {status: 0 for status in STATUSES} | {status: n for status, n in rows}


def _start(db: sqlite3.Connection, slug: str, step: Step) -> str | None:
    row = db.execute("SELECT status FROM subscribers WHERE id = ?", (step.subscriber,)).fetchone()
    status = row[0] if row else "removed"  # `digest subscribers remove` ran meanwhile
    if status != "subscribed":
        db.execute(
            "UPDATE sends SET state = 'skipped', detail = ?, updated = ?"
            " WHERE slug = ? AND subscriber = ?",
            (status, timestamp(step.at), slug, step.subscriber),
        )
        return status
    db.execute(
        "UPDATE sends SET state = 'sending', attempts = attempts + 1, updated = ?"
        " WHERE slug = ? AND subscriber = ?",
        (timestamp(step.at), slug, step.subscriber),
    )
    return None


def _finish(db: sqlite3.Connection, slug: str, step: Step) -> None:
    stamp = timestamp(step.at)
    db.execute(
        "UPDATE sends SET state = ?, detail = ?, updated = ? WHERE slug = ? AND subscriber = ?",
        (step.state, step.detail, stamp, slug, step.subscriber),
    )
    if step.bounced:
        cursor = db.execute(
            "UPDATE subscribers SET status = 'bounced', detail = ?, updated = ?"
            " WHERE id = ? AND status = 'subscribed'",
            (step.detail, stamp, step.subscriber),
        )
        if cursor.rowcount:
            _log(db, step.subscriber, stamp, "bounced", step.detail)


def _expire(db: sqlite3.Connection, cutoff: str) -> int:
    """Pending rows and nonces issued before `cutoff` (UTC text), in one transaction."""
    expired = (
        "SELECT id FROM subscribers"
        " WHERE status = 'pending' AND nonce IS NOT NULL AND requested < ?"
    )
    for table in ("subscriber_history", "bounces"):  # a confirmation email can bounce
        db.execute(f"DELETE FROM {table} WHERE subscriber IN ({expired})", (cutoff,))
    gone = db.execute(f"DELETE FROM subscribers WHERE id IN ({expired})", (cutoff,)).rowcount
    db.execute(
        "UPDATE subscribers SET nonce = NULL, requested = NULL"
        " WHERE nonce IS NOT NULL AND requested < ?",
        (cutoff,),
    )
    return gone
