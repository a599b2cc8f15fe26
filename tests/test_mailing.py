"""The parts of sending that need no server: tokens, subscriber files, pacing, DKIM, and
personalized messages (BAD-INPUTS 38, 39, 43, 45)."""

from __future__ import annotations

import base64
import subprocess
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import dkim
import pytest

from digest.errors import DeliveryError, RenderError, TokenError
from digest.publish.email.message import (
    UNSUBSCRIBE_MARKER,
    MessageTemplate,
    Recipient,
    transfer_encoding,
)
from digest.publish.email.render import EmailEdition
from digest.publish.send.dkim import Signer
from digest.publish.send.pacing import Clock, Pacer
from digest.publish.send.roster import canonical, parse_subscribers
from digest.publish.send.tokens import make_token, read_token

SECRET = b"k" * 32
DATE = datetime(2024, 2, 8, 6, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- tokens


def test_a_token_names_its_address_for_its_purpose_only():
    token = make_token(SECRET, "unsubscribe", "alice@example.org")
    assert read_token(SECRET, "unsubscribe", token) == "alice@example.org"
    with pytest.raises(TokenError, match="not valid"):
        read_token(SECRET, "confirm", token)
    with pytest.raises(TokenError, match="not valid"):
        read_token(b"another secret", "unsubscribe", token)
    signature = token.split(".")[1]
    forged = base64.urlsafe_b64encode(b"unsubscribe:bob@example.org").rstrip(b"=").decode()
    with pytest.raises(TokenError, match="not valid"):
        read_token(SECRET, "unsubscribe", f"{forged}.{signature}")
    with pytest.raises(TokenError):
        read_token(SECRET, "unsubscribe", "%%%.???")


def test_a_token_with_an_expiry_is_refused_after_it():
    token = make_token(SECRET, "confirm", "a@example.org", expires=1000)
    assert read_token(SECRET, "confirm", token, now=999) == "a@example.org"
    with pytest.raises(TokenError, match="expired"):
        read_token(SECRET, "confirm", token, now=1001)


# --------------------------------------------------------------------------- subscribers


def test_subscriber_rows_are_validated_normalized_and_deduplicated():
    text = (
        "Name,Email\n"
        '"Smith, Alice ""Al""",Alice@Example.org\n'
        "dup,alice@example.org\n"
        "cve,alice@example.org)<bob@example.org>\n"
        "idn,user@Bücher.example\n"
        "utf8,jösé@example.org\n"
        f"long,{'a' * 300}@example.org\n"
        "none,\n"
        ",\n"
    )
    roster = parse_subscribers(text, "list.csv")
    assert [(s.address, s.name) for s in roster.subscribers] == [
        ("Alice@example.org", 'Smith, Alice "Al"'),
        ("user@xn--bcher-kva.example", "idn"),
    ]
    assert roster.duplicates == 1
    assert [p.split(":")[1] for p in roster.problems] == ["4", "6", "7", "8"]
    assert "SMTPUTF8" in roster.problems[1] or "Internationalized" in roster.problems[1]
    assert canonical("Alice@Example.ORG") == "alice@example.org"


def test_a_file_without_an_email_column_is_one_clear_error():
    with pytest.raises(DeliveryError, match=r"people.csv:1: no 'email' column"):
        parse_subscribers("name,phone\nAlice,123\n", "people.csv")
    bare = parse_subscribers("a@example.org\nb@example.org,Bee\n", "bare.csv")
    assert [s.address for s in bare.subscribers] == ["a@example.org", "b@example.org"]


# --------------------------------------------------------------------------- pacing


class FakeClock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def test_ten_a_second_never_puts_more_than_ten_in_any_second():
    fake = FakeClock()
    pacer = Pacer(10, Clock(fake.now, fake.sleep))
    sent = []
    for _ in range(1000):
        pacer.wait()
        sent.append(fake.time)
    assert sent[-1] - sent[0] >= 99.8
    for i, start in enumerate(sent):  # any 1-second window [t, t+1)
        assert sum(1 for t in sent[i : i + 12] if t < start + 1 - 1e-9) <= 10


@pytest.mark.parametrize("rate", [10, 0])  # 0: no limit, but a server's "slow down" holds
def test_a_server_asking_to_slow_down_holds_everyone(rate):
    fake = FakeClock()
    pacer = Pacer(rate, Clock(fake.now, fake.sleep))
    pacer.wait()
    pacer.hold(30)
    pacer.wait()
    assert fake.time >= 30


# --------------------------------------------------------------------------- messages


def edition(text: str, html: str) -> EmailEdition:
    return EmailEdition(subject="Weekly Monitor: February 2–8, 2024", html=html, text=text)


def template(text: str, html: str) -> MessageTemplate:
    return MessageTemplate(
        edition(text, html),
        sender="Monitor <monitor@example.org>",
        date=DATE,
        list_id="Monitor <monitor.example.org>",
    )


URL = "https://example.org/unsubscribe?list=weekly&token=abc.def"


@pytest.mark.parametrize(
    "body",
    [
        "Plain ASCII text.\n.leading dot\nFrom the start\n",  # 7bit
        "Mostly English with one dash – here.\n" * 40,  # quoted-printable
        "قصفت طائرة مسيرة موقعاً قرب سنجار\n" * 40,  # base64
    ],
)
def test_each_copy_decodes_to_the_issue_with_the_readers_link(body):
    text = f"{body}\nUnsubscribe:\n{UNSUBSCRIBE_MARKER}\n"
    html = f'<p>{body}</p><a href="{UNSUBSCRIBE_MARKER}">Unsubscribe</a>\n'
    made = template(text, html)
    data = made.render(Recipient("bob@example.org", "<m1@example.org>", "Bob", URL))
    message = message_from_bytes(data, policy=policy.default)
    plain, rich = (p.get_content().replace("\r\n", "\n") for p in message.iter_parts())
    assert plain == text.replace(UNSUBSCRIBE_MARKER, URL)
    assert rich == html.replace(UNSUBSCRIBE_MARKER, URL.replace("&", "&amp;"))
    assert message["List-Unsubscribe"] == f"<{URL}>"
    assert {transfer_encoding(text)} <= {"7bit", "quoted-printable", "base64"}
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


@pytest.mark.parametrize(
    ("name", "address", "message_id", "url", "built"),
    [
        ("Eve\r\nBcc: x@example.com", "eve@example.org", "<m@example.org>", URL, True),
        ("Eve", "eve@example.org\r\nBcc: x@example.com", "<m@example.org>", URL, False),
        ("Eve", "eve@example.org", "<m@example.org>\nBcc: x@example.com", URL, False),
        ("Eve", "eve@example.org", "<m@example.org>", URL + ">\r\nBcc: x@example.com", False),
        ("=?utf-8?q?=0ABcc:_x@example.com?=", "eve@example.org", "<m@example.org>", URL, True),
    ],
)
def test_nothing_about_a_reader_can_add_a_header(name, address, message_id, url, built):
    made = template("text\n", "<p>html</p>\n")
    if not built:  # a value that cannot be made safe is refused
        with pytest.raises(RenderError):
            made.render(Recipient(address, message_id, name, url))
        return
    data = made.render(Recipient(address, message_id, name, url))  # made safe
    message = message_from_bytes(data, policy=policy.default)
    assert "Bcc" not in message
    assert message["To"].addresses[0].addr_spec == "eve@example.org"
    assert "Bcc" in message["To"].addresses[0].display_name  # kept as text, not a header


# --------------------------------------------------------------------------- DKIM


@pytest.fixture(scope="module")
def dkim_keys(tmp_path_factory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("dkim")
    key = folder / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)  # fmt: skip
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key, base64.b64encode(public)


def test_dkim_covers_the_unsubscribe_headers_and_breaks_when_they_change(dkim_keys):
    key, public = dkim_keys
    record = b"v=DKIM1; k=rsa; p=" + public

    def dns(name: bytes, timeout: int = 5) -> bytes | None:  # the outside world, stubbed
        return record if name == b"digest2024._domainkey.example.org." else None

    signer = Signer.from_file(key, "digest2024", "example.org")
    made = template("text\n", "<p>html</p>\n")
    data = signer.sign(made.render(Recipient("bob@example.org", "<m1@example.org>", "", URL)))
    assert dkim.verify(data, dnsfunc=dns)
    signature = message_from_bytes(data)["DKIM-Signature"]
    tags = dict(t.strip().split("=", 1) for t in signature.split(";"))
    signed = tags["h"].replace(" ", "").replace("\r\n", "").split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post", "subject", "to"} <= set(signed)
    changed_link = data.replace(b"token=abc.def", b"token=abc.xyz")
    changed_subject = data.replace(b"Weekly_Monitor", b"Weekly_Monitar")
    assert changed_subject != data
    assert not dkim.verify(changed_link, dnsfunc=dns)
    assert not dkim.verify(changed_subject, dnsfunc=dns)


def test_a_bad_dkim_key_is_one_clear_error(tmp_path):
    bad = tmp_path / "key.pem"
    bad.write_text("not a key")
    with pytest.raises(DeliveryError, match="not a readable DKIM private key"):
        Signer.from_file(bad, "s", "example.org")


# --------------------------------------------------------------------------- the service's store
# (issue 19: equal work for known and unknown addresses, opt-outs kept, pending expiry)


def _store(tmp_path: Path):
    from digest.store import Store

    return Store(tmp_path / "store.sqlite3")


def _statements(store, work) -> tuple[list[str], int]:
    """The SQL `work` runs on the store's connection, literals taken out, and the rows it
    changed: what SQLite did, not what our code says it did."""
    import re

    seen: list[str] = []
    before = store._db.total_changes
    store._db.set_trace_callback(seen.append)
    try:
        work()
    finally:
        store._db.set_trace_callback(None)
    literal = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
    return [literal.sub("?", statement) for statement in seen], store._db.total_changes - before


def test_a_subscribe_request_runs_the_same_statements_whatever_the_address(tmp_path):
    """New, pending, subscribed, unsubscribed, bounced: the same SQL, the same rows written."""
    with _store(tmp_path) as store:
        known = ["pending@example.org", "subscribed@example.org", "gone@example.org",
                 "bounced@example.org"]  # fmt: skip
        store.add_subscribers([(a, a, "") for a in known[1:]], DATE, origin="import")
        store.request_subscription(known[0], known[0], "n0", DATE)
        store.set_status("gone@example.org", "unsubscribed", DATE, "page")
        store.set_status("bounced@example.org", "bounced", DATE, "550")
        runs = {}
        for address in ["new@example.org", *known]:
            runs[address] = _statements(
                store, lambda a=address: store.request_subscription(a, a, "n1", DATE)
            )
        statements, changes = runs["new@example.org"]
        assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
        assert any("INSERT INTO subscriber_history" in s for s in statements)
        assert changes == 2  # one subscriber row, one history row
        for address, run in runs.items():
            assert run == (statements, changes), address


def test_a_subscribe_request_keeps_an_opt_out_until_the_link_is_followed(tmp_path):
    later = DATE.replace(day=20)
    with _store(tmp_path) as store:
        store.add_subscribers(
            [("Ann@example.org", "ann@example.org", "Ann")], DATE, origin="import"
        )
        store.set_status("ann@example.org", "unsubscribed", DATE.replace(day=10), "one-click")
        asked = store.request_subscription("ann@example.org", "ann@example.org", "n1", later)
        (row,) = store.subscribers(["ann@example.org"])
        assert row.status == "unsubscribed"  # a stranger's request changes nothing
        assert (asked.nonce, asked.issued) == ("n1", later)
        again = store.request_subscription("ann@example.org", "ann@example.org", "n2", later)
        assert again.nonce == "n1"  # the first email's link still works
        assert not store.confirm_subscription("ann@example.org", "n2", later)
        assert store.confirm_subscription("ann@example.org", "n1", later.replace(hour=9))
        assert store.subscribers(["ann@example.org"])[0].status == "subscribed"
        history = [
            (h.at[:10], h.event, h.detail) for h in store.subscriber_history("ann@example.org")
        ]
    assert history == [
        ("2024-02-08", "subscribed", "import"),
        ("2024-02-10", "unsubscribed", "one-click"),
        ("2024-02-20", "requested", "while unsubscribed"),
        ("2024-02-20", "requested", "while unsubscribed"),
        ("2024-02-20", "subscribed", "confirmed by the emailed link"),
    ]


def test_a_subscribed_address_has_nothing_to_confirm(tmp_path):
    with _store(tmp_path) as store:
        store.add_subscribers([("a@example.org", "a@example.org", "")], DATE, origin="import")
        asked = store.request_subscription("a@example.org", "a@example.org", "n1", DATE)
        assert asked.nonce is None
        assert not store.confirm_subscription("a@example.org", "n1", DATE)


def test_unsubscribing_cancels_a_request_to_come_back(tmp_path):
    with _store(tmp_path) as store:
        store.add_subscribers([("b@example.org", "b@example.org", "")], DATE, origin="import")
        store.unsubscribe("b@example.org", DATE, "page")
        store.request_subscription("b@example.org", "b@example.org", "n1", DATE)
        assert store.unsubscribe("b@example.org", DATE, "one-click")  # an old issue's link
        assert not store.confirm_subscription("b@example.org", "n1", DATE)
        assert not store.unsubscribe("b@example.org", DATE, "page")  # nothing left to change
        assert store.subscribers(["b@example.org"])[0].status == "unsubscribed"


def test_pending_rows_and_unused_links_expire_after_the_pending_days(tmp_path):
    from datetime import timedelta

    with _store(tmp_path) as store:
        store.add_subscribers([("gone@example.org", "gone@example.org", "")], DATE, origin="import")
        store.set_status("gone@example.org", "unsubscribed", DATE, "page")
        store.request_subscription("gone@example.org", "gone@example.org", "g1", DATE)
        store.request_subscription("new@example.org", "new@example.org", "p1", DATE)
        six_days = DATE + timedelta(days=6)
        assert store.expire_pending(six_days, 7) == 0
        again = store.request_subscription("new@example.org", "new@example.org", "p2", six_days)
        assert (again.nonce, again.issued) == ("p1", DATE)  # expiry counts from the first
        assert store.expire_pending(DATE + timedelta(days=7, seconds=1), 7) == 1
        assert store.subscribers(["new@example.org"]) == []
        assert store.subscriber_history("new@example.org") == []
        (gone,) = store.subscribers(["gone@example.org"])
        assert gone.status == "unsubscribed"  # the opt-out stays, its link stops working
        assert not store.confirm_subscription("gone@example.org", "g1", DATE)
        assert [h.event for h in store.subscriber_history("gone@example.org")] == [
            "subscribed",
            "unsubscribed",
            "requested",
        ]
        # A request after the expiry starts again, with a new link.
        fresh = store.request_subscription(
            "new@example.org", "new@example.org", "p3", DATE + timedelta(days=9)
        )
        assert fresh.nonce == "p3"


def test_a_version_5_store_keeps_its_opt_outs_and_starts_their_history(tmp_path):
    import sqlite3

    from digest.store import Store
    from digest.store.items import MIGRATIONS, _run_script

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:5]:
        step(db) if callable(step) else _run_script(db, step)
    db.execute("PRAGMA user_version = 5")
    stamp = "2024-02-01T06:00:00+00:00"
    for n, (address, status, nonce) in enumerate(
        [("left@example.org", "pending", "x1"), ("new@example.org", "pending", "x2"),
         ("kept@example.org", "subscribed", None)], start=1,
    ):  # fmt: skip
        db.execute(
            "INSERT INTO subscribers (id, address, canonical, status, origin, created, updated,"
            " nonce) VALUES (?, ?, ?, ?, 'form', ?, ?, ?)",
            (n, address, address, status, stamp, stamp, nonce),
        )
    # left@ had issues sent, then unsubscribed, then a stranger's request set it pending.
    db.execute(
        "INSERT INTO sends (slug, subscriber, address, message_id, state, updated)"
        " VALUES ('2024-01-25', 1, 'left@example.org', '<m@x>', 'sent', ?)",
        (stamp,),
    )
    db.close()
    with Store(path) as store:
        statuses = {s.address: s.status for s in store.subscribers()}
        assert statuses == {"kept@example.org": "subscribed", "left@example.org": "unsubscribed",
                            "new@example.org": "pending"}  # fmt: skip
        assert store.confirm_subscription("left@example.org", "x1", DATE)  # its link works
        assert [h.event for h in store.subscriber_history("left@example.org")] == [
            "unsubscribed",
            "subscribed",
        ]


# --------------------------------------------------------------------------- rate-limit keys


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:1:2:3", "2001:db8::/64"),  # any address of the same /64
        ("2001:DB8:0:0:1::9", "2001:db8::/64"),
        ("2001:db8:0:1::1", "2001:db8:0:1::/64"),  # the next /64: another client
        ("::ffff:192.0.2.7", "192.0.2.7"),  # IPv4 through a dual-stack socket
        ("[2001:db8::5]", "2001:db8::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("not an address", "not an address"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, key):
    from digest.subscriptions.limits import client_key

    assert client_key(address) == key


def test_twenty_addresses_of_one_64_share_one_bucket():
    from digest.subscriptions.limits import RateLimit, client_key

    limit = RateLimit(per_hour=6, burst=3)
    allowed = [limit.allow(client_key(f"2001:db8::{n:x}"), 1000.0) for n in range(1, 21)]
    assert allowed == [True] * 3 + [False] * 17
    assert limit.allow(client_key("2001:db8:0:1::1"), 1000.0)


# --------------------------------------------------------------------------- CSV cells


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=cmd|' /C calc'!A1", "'=cmd|' /C calc'!A1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Ann O'Neil", "Ann O'Neil"),
        ("ann@example.org", "ann@example.org"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell, written):
    from digest.publish.send.roster import spreadsheet_cell, unguard_cell

    assert spreadsheet_cell(cell) == written
    assert unguard_cell(written) == cell


# --------------------------------------------------------------------------- the setting


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "DIGEST_PENDING_DAYS: must be a number from 1 to 365, got 0"),
        ("2.5", "DIGEST_PENDING_DAYS: must be a whole number of days, got 2.5"),
        ("'7'", "DIGEST_PENDING_DAYS: must be a number from 1 to 365, got '7'"),
    ],
)
def test_pending_days_is_a_whole_number_of_days(project, value, problem):
    from digest import config
    from digest.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        config.load(project(f"DIGEST_PENDING_DAYS = {value}\n", samples=False))
    assert err.value.problems == [problem]


def test_pending_days_defaults_to_a_week(project):
    from digest import config

    assert config.load(project(samples=False)).send.pending_days == 7
    assert config.load(project("DIGEST_PENDING_DAYS = 30\n", samples=False)).send.pending_days == 30
