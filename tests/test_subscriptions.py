"""The subscription service over real HTTP (waitress on 127.0.0.1) with a real SMTP sink,
the subscribers commands, and bounces from a Maildir (BAD-INPUTS 44, 46)."""

from __future__ import annotations

import mailbox
import re
import shutil
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from digest import config
from digest.cli import main
from digest.store import Store
from digest.subscriptions.bounces import process_maildir
from digest.subscriptions.serve import make_app
from tests.conftest import ROOT
from tests.smtp_server import free_port, smtp_server
from tests.test_send import ENV, SECRET, send
from tests.wsgi_server import serve_wsgi

SITE = "https://monitor.example.org"
# Links in the issue's messages: any https address (the test posts the token to the service).
LINKS = "\nDIGEST_UNSUBSCRIBE_URL = 'https://monitor.example.org/subscriptions/unsubscribe'\n"


@pytest.fixture
def service(mail_project, tmp_path):
    """The service on 127.0.0.1 beside an SMTP sink; yields (base URL, sink, config)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with smtp_server() as (sink, smtp_port):
        conf = mail_project(
            f"DIGEST_SUBSCRIPTIONS_URL = '{base}'\nDIGEST_UNSUBSCRIBE_URL = None\n",
            port=smtp_port,
        )
        with serve_wsgi(make_app(config.load(conf), SECRET.encode()), port):
            yield base, sink, conf


def subscribe(base: str, address: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/subscribe", data={"email": address}, headers=headers)


def wait_for(sink, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(sink.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sink.received) >= count


def link_in(data: bytes) -> str:
    body = message_from_bytes(data, policy=policy.default).get_content()
    return re.search(r"http://\S+/confirm\?token=\S+", body).group(0)


def test_subscribe_confirm_receive_one_click_unsubscribe_and_the_next_send_skips(service, tmp_path):
    base, sink, conf = service
    answer = subscribe(base, "New.Reader@Example.org", Origin=SITE)
    assert answer.status_code == 200
    assert "Check your inbox" in answer.text
    wait_for(sink, 1)
    confirmation = sink.received[0]
    assert confirmation.recipients == ["New.Reader@example.org"]
    link = link_in(confirmation.data)
    page = httpx.get(link)  # a mail scanner following the link changes nothing
    assert "Confirm your subscription" in page.text
    assert _status(tmp_path, "new.reader@example.org") == "pending"
    assert "You are subscribed" in httpx.post(link, data={"confirm": "confirm"}).text
    replay = httpx.post(link, data={"confirm": "confirm"})
    assert replay.status_code == 400 and "used already" in replay.text

    # The issue, to everyone subscribed in the store (the service's subscriber among them).
    conf_with_links = conf.with_name(conf.name.replace(".conf.py", "-links.conf.py"))
    conf_with_links.write_text(
        conf.read_text() + "\nDIGEST_UNSUBSCRIBE_URL = 'https://monitor.example.org/x'\n"
    )
    try:
        sent = send(conf_with_links, "--send")
    finally:
        conf_with_links.unlink()
    assert sent.exit_code == 0, sent.output
    issue = message_from_bytes(sink.received[1].data, policy=policy.default)
    token = re.search(r"token=([^>]+)>", issue["List-Unsubscribe"]).group(1)
    assert issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One click, as a mail client does it: a POST, no cookies, no redirect.
    click = httpx.post(
        f"{base}/unsubscribe?token={token}",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert click.status_code == 200
    assert "You are unsubscribed" in click.text
    assert "set-cookie" not in click.headers
    with Store(tmp_path / "store.sqlite3") as store:
        (row,) = store.subscribers(["new.reader@example.org"])
    assert row.status == "unsubscribed"
    conf_with_links.write_text(conf.read_text() + LINKS)
    try:  # the next issue
        later = CliRunner().invoke(
            main, ["--config", str(conf_with_links), "send", "2024-02-01", "--send"], env=ENV
        )
    finally:
        conf_with_links.unlink()
    assert later.exit_code == 0, later.output
    assert "2024-02-01: 0 sent now; in all 0 sent" in later.output
    assert len(sink.received) == 2


def test_a_get_never_unsubscribes_and_multipart_one_click_does(service, tmp_path):
    from digest.publish.tokens import make_token

    base, _, _ = service
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers([("a@example.org", "a@example.org", "")], _now(), origin="import")
    token = make_token(SECRET.encode(), "unsubscribe", "a@example.org")
    page = httpx.get(f"{base}/unsubscribe?token={token}")
    assert page.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in page.text
    assert "a@example.org" in page.text
    assert _status(tmp_path, "a@example.org") == "subscribed"  # a prefetch changes nothing
    multipart = httpx.post(
        f"{base}/unsubscribe?token={token}", files={"List-Unsubscribe": (None, "One-Click")}
    )
    assert multipart.status_code == 200
    assert _status(tmp_path, "a@example.org") == "unsubscribed"


def test_bad_links_are_refused_and_change_nothing(service, tmp_path):
    from digest.publish.tokens import make_token

    base, _, _ = service
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers([("b@example.org", "b@example.org", "")], _now(), origin="import")
    token = make_token(SECRET.encode(), "unsubscribe", "b@example.org")
    forged = make_token(b"not our secret", "unsubscribe", "b@example.org")
    wrong_purpose = make_token(SECRET.encode(), "confirm", "b@example.org x", expires=2**40)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, wrong_purpose, tampered, token + "!!!!", token + "A", "", "x" * 5000):
        answer = httpx.post(
            f"{base}/unsubscribe", params={"token": bad}, data={"List-Unsubscribe": "One-Click"}
        )
        assert answer.status_code == 400, bad
    confirm = httpx.get(f"{base}/confirm", params={"token": token})  # made to unsubscribe
    assert confirm.status_code == 400
    assert _status(tmp_path, "b@example.org") == "subscribed"
    no_body = httpx.post(f"{base}/unsubscribe", params={"token": token})
    assert no_body.status_code == 400  # neither one-click nor the page's button
    assert _status(tmp_path, "b@example.org") == "subscribed"


def test_subscribing_tells_nothing_about_an_address_and_is_rate_limited(service, tmp_path):
    base, sink, _ = service
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers([("known@example.org", "known@example.org", "")], _now(),
                              origin="import")  # fmt: skip
    known = subscribe(base, "known@example.org")
    unknown = subscribe(base, "unknown@example.org")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text)
    wait_for(sink, 1)
    time.sleep(0.3)
    assert Counter(r for m in sink.received for r in m.recipients) == {"unknown@example.org": 1}
    third = subscribe(base, "third@example.org")
    assert third.status_code == 200
    limited = subscribe(base, "fourth@example.org")
    assert limited.status_code == 429  # three in a burst from one client, then wait


def test_asking_twice_keeps_the_first_emails_link_working(service, tmp_path):
    base, sink, _ = service
    subscribe(base, "twice@example.org")
    wait_for(sink, 1)
    subscribe(base, "twice@example.org")  # a double click: no second email, same link
    time.sleep(0.3)
    assert len(sink.received) == 1
    link = link_in(sink.received[0].data)
    assert "You are subscribed" in httpx.post(link, data={"confirm": "confirm"}).text


def test_strict_input_headers_and_escaping(service):
    base, _, _ = service
    assert subscribe(base, "x@example.org", Origin="https://evil.example").status_code == 403
    bad = subscribe(base, "<script>alert(1)</script>@example.org")
    assert bad.status_code == 400
    assert "<script>" not in bad.text
    assert httpx.get(f"{base}/subscribe").status_code == 405
    assert httpx.get(f"{base}/admin").status_code == 404
    huge = httpx.post(f"{base}/subscribe", content=b"email=" + b"a" * 20_000,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert huge.status_code == 400
    page = httpx.get(f"{base}/confirm?token=x")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _status(tmp_path: Path, key: str) -> str:
    with Store(tmp_path / "store.sqlite3") as store:
        return store.subscribers([key])[0].status


# --------------------------------------------------------------------------- the list


def test_subscribers_import_list_export_remove(mail_project, tmp_path):
    conf = mail_project()
    people = tmp_path / "people.csv"
    people.write_text("email,name\na@example.org,Ann\nA@example.org,dup\nnot-an-address,x\n")

    def run(*args):
        return CliRunner().invoke(main, ["--config", str(conf), "subscribers", *args])

    imported = run("import", str(people))
    assert imported.exit_code == 1  # a row was rejected: said, and the rest imported
    assert "1 added, 0 already known, 1 duplicates, 1 rejected; 0 pending, 1 subscribed" in (
        imported.output
    )
    assert "people.csv:4:" in imported.output
    listed = run("list")
    assert "a@example.org" in listed.output and "1 subscribed" in listed.output
    exported = run("export")
    assert exported.output.splitlines()[:2][0] == "email,name,status,updated"
    assert exported.output.splitlines()[1].startswith("a@example.org,Ann,subscribed,")
    removed = run("remove", "A@EXAMPLE.ORG", "nobody@example.org")
    assert removed.exit_code == 1
    assert "nobody@example.org: no such subscriber" in removed.output
    assert "1 removed; 0 pending, 0 subscribed" in removed.output


# --------------------------------------------------------------------------- bounces

SAMPLES = ROOT / "tests" / "data" / "bounces"


def test_bounces_are_scored_once_a_day_and_garbage_is_set_aside(mail_project, tmp_path):
    conf = mail_project("DIGEST_BOUNCE_THRESHOLD = 2.0")
    known = ["gone@example.net", "full@example.net", "nobody@example.com", "lost@example.com"]
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers([(a, a, "") for a in known], _now(), origin="import")
    box = tmp_path / "bounces"
    maildir = mailbox.Maildir(box, create=True)
    for sample in sorted(SAMPLES.iterdir()):
        maildir.add(sample.read_bytes())
    # The same hard bounce again the same day: counted once.
    maildir.add((SAMPLES / "postfix.eml").read_bytes())
    result = CliRunner().invoke(main, ["--config", str(conf), "bounces", "--maildir", str(box)])
    assert result.exit_code == 0, result.output
    assert "7 messages read, 5 bounces counted, 0 addresses stopped, 2 set aside" in (result.output)
    assert "Traceback" not in result.output
    assert "not a delivery-status notification" in result.output  # the autoreply
    assert "cannot be read as a bounce" in result.output  # the garbage
    assert list(mailbox.Maildir(box).keys()) == []  # all moved: nothing read twice
    assert len(mailbox.Maildir(box).get_folder("unrecognized")) == 2
    # Bounces claiming other dates, read today, still count once today (a backlog, or
    # forged reports, cannot stop an address in one run).
    for day in ("13", "14", "15"):
        sample = (SAMPLES / "postfix.eml").read_bytes()
        mailbox.Maildir(box).add(sample.replace(b"Mon, 12 Feb", b"Mon, " + day.encode() + b" Feb"))
    same_day = CliRunner().invoke(main, ["--config", str(conf), "bounces", "--maildir", str(box)])
    assert "3 messages read, 3 bounces counted, 0 addresses stopped" in same_day.output
    # On two more days (the reading clock moved on): 3 hard bounces pass the threshold of 2.0.
    with Store(tmp_path / "store.sqlite3") as store:
        for later in (1, 2):
            mailbox.Maildir(box).add((SAMPLES / "postfix.eml").read_bytes())
            clock = lambda later=later: _now() + timedelta(days=later)  # noqa: E731
            report = process_maildir(box, store, 2.0, clock)
        statuses = {s.address: s.status for s in store.subscribers()}
    assert report.disabled == ["gone@example.net"]
    assert statuses["gone@example.net"] == "bounced"
    assert statuses["full@example.net"] == "subscribed"  # soft bounces count half
    shutil.rmtree(box)
