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
from tests.support.smtp_server import free_port, smtp_server
from tests.support.wsgi_server import serve_wsgi
from tests.test_send import ENV, SECRET, send

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
        with serve_wsgi(make_app(config.load(conf), SECRET.encode(), clock=_now), port):
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
    assert page.status_code == 200
    assert "Confirm your subscription" in page.text
    assert _status(tmp_path, "new.reader@example.org") == "pending"
    confirmed = httpx.post(link, data={"confirm": "confirm"})
    assert confirmed.status_code == 200
    assert "You are subscribed" in confirmed.text
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
    from digest.publish.send.tokens import make_token

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
    from digest.publish.send.tokens import make_token

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
    first = subscribe(base, "twice@example.org")
    wait_for(sink, 1)
    second = subscribe(base, "twice@example.org")  # a double click: no second email, same link
    assert (first.status_code, second.status_code) == (200, 200)  # it was a 500 (issue 19)
    assert first.text == second.text
    time.sleep(0.6)  # longer than the mailer's wait before a job
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
    assert same_day.exit_code == 0, same_day.output
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


# --------------------------------------------------------------------------- issue 19


def _answer(response: httpx.Response) -> tuple[int, str, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, response.text, headers


def test_every_address_gets_the_same_answer_headers_and_all(service, tmp_path):
    """New, pending, subscribed, unsubscribed, bounced: one answer, byte for byte."""
    base, _, _ = service
    with Store(tmp_path / "store.sqlite3") as store:
        people = ["subscribed@example.org", "left@example.org", "bounced@example.org"]
        store.add_subscribers([(a, a, "") for a in people], _now(), origin="import")
        store.set_status("left@example.org", "unsubscribed", _now(), "page")
        store.set_status("bounced@example.org", "bounced", _now(), "550 no such user")
        store.request_subscription("pending@example.org", "pending@example.org", "n", _now())
    answers = [
        _answer(subscribe(base, address, **{"X-Real-IP": f"192.0.2.{n}"}))
        for n, address in enumerate(["new@example.org", "pending@example.org", *people], 1)
    ]
    assert answers[0][0] == 200
    assert all(answer == answers[0] for answer in answers)


def test_unreadable_input_is_a_400_never_a_500(service):
    from digest.publish.send.tokens import make_token

    base, _, _ = service
    many = "&".join(f"f{n}=x" for n in range(6))  # six fields: parse_qs raised ValueError
    for method, path in [("GET", "/confirm"), ("POST", "/confirm"), ("GET", "/unsubscribe"),
                         ("POST", "/unsubscribe")]:  # fmt: skip
        answer = httpx.request(method, f"{base}{path}?token=x&{many}")
        assert answer.status_code == 400, (method, path)
        assert "This link does not work" in answer.text
    boundary = "b0undary"
    bad_parts = {
        "unknown charset": 'Content-Disposition: form-data; name="{name}"\r\n'
        "Content-Type: text/plain; charset=bogus-8\r\n\r\n{value}",
        "broken base64": 'Content-Disposition: form-data; name="{name}"\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n!!!=",
        "undecodable bytes": 'Content-Disposition: form-data; name="{name}"\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n\udcff{value}",
    }
    token = make_token(SECRET.encode(), "unsubscribe", "x@example.org")
    forms = [
        ("/subscribe", "email", "x@example.org"),
        (f"/unsubscribe?token={token}", "List-Unsubscribe", "One-Click"),
    ]
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    for what, part in bad_parts.items():
        for path, name, value in forms:
            text = f"--{boundary}\r\n{part}\r\n--{boundary}--\r\n".format(name=name, value=value)
            body = text.encode("utf-8", "surrogateescape")
            answer = httpx.post(f"{base}{path}", content=body, headers=headers)
            assert answer.status_code == 400, (what, path, answer.text)


def test_head_is_a_get_without_its_body_and_the_connection_stays_in_step(service):
    """Two requests on one keep-alive connection: a body after a HEAD would be read as the
    start of the next answer."""
    import http.client

    from digest.publish.send.tokens import make_token

    base, _, _ = service
    token = make_token(SECRET.encode(), "unsubscribe", "a@example.org")
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        for path in (f"/unsubscribe?token={token}", "/confirm?token=x", "/subscribe", "/nowhere"):
            connection.request("GET", path)
            got = connection.getresponse()
            get_body, get_status = got.read(), got.status
            sock = connection.sock
            connection.request("HEAD", path)
            head = connection.getresponse()
            assert head.read() == b""
            assert head.status == get_status, path
            assert int(head.headers["Content-Length"]) == len(get_body), path
            assert head.headers["Connection"] != "close"
            connection.request("GET", path)  # the same connection, still in step
            again = connection.getresponse()
            assert (again.status, again.read()) == (get_status, get_body), path
            assert connection.sock is sock, path
        assert get_status == 404
        connection.request("HEAD", "/subscribe")
        not_allowed = connection.getresponse()
        not_allowed.read()
        assert (not_allowed.status, not_allowed.headers["Allow"]) == (405, "POST")
    finally:
        connection.close()


def test_a_subscribe_request_never_erases_an_opt_out(service, tmp_path):
    from digest.publish.send.tokens import make_token

    base, sink, _ = service
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers([("ann@example.org", "ann@example.org", "")], _now(), origin="import")
    token = make_token(SECRET.encode(), "unsubscribe", "ann@example.org")
    left = httpx.post(f"{base}/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert left.status_code == 200
    assert subscribe(base, "ann@example.org").status_code == 200  # anyone may ask
    wait_for(sink, 1)
    assert _status(tmp_path, "ann@example.org") == "unsubscribed"  # until the link is used
    link = link_in(sink.received[0].data)
    assert httpx.post(link, data={"confirm": "confirm"}).status_code == 200
    assert _status(tmp_path, "ann@example.org") == "subscribed"
    with Store(tmp_path / "store.sqlite3") as store:
        events = [(h.event, h.detail) for h in store.subscriber_history("ann@example.org")]
    assert events == [
        ("subscribed", "import"),
        ("unsubscribed", "one-click"),
        ("requested", "while unsubscribed"),
        ("subscribed", "confirmed by the emailed link"),
    ]


def test_the_rate_limit_takes_an_ipv6_64_for_one_client(service):
    base, _, _ = service

    def from_(client: str, n: int) -> int:
        return subscribe(base, f"r{n}@example.org", **{"X-Real-IP": client}).status_code

    same_64 = ["2001:db8::1", "2001:db8::2", "2001:db8::abcd:1", "2001:db8::ffff:ffff:ffff:ffff"]
    assert [from_(client, n) for n, client in enumerate(same_64)] == [200, 200, 200, 429]
    assert from_("2001:db8:0:1::1", 9) == 200  # the next /64 is someone else
    v4 = [from_("198.51.100.7", n) for n in range(10, 14)]
    assert v4 == [200, 200, 200, 429]
    assert from_("198.51.100.8", 20) == 200  # IPv4: one address, one client


# --------------------------------------------------------------------------- the same work
# The application called as a WSGI server calls it, with its real store and a real queue.


def _app(tmp_path: Path, jobs, clock):
    from digest.subscriptions.app import ServiceSettings, SubscriptionApp
    from digest.subscriptions.limits import RateLimit

    settings = ServiceSettings(
        sitename="Monitor",
        site_url="https://monitor.example.org/",
        base_url="https://monitor.example.org/subscriptions",
        allowed_origins=frozenset({SITE}),
        store_path=tmp_path / "store.sqlite3",
        secret=SECRET.encode(),
        pending_days=7,
    )
    return SubscriptionApp(settings, jobs, clock=clock, limit=RateLimit(per_hour=1e6, burst=1000))


def _call(app, method: str, path: str, body: bytes = b"", query: str = "") -> tuple[str, bytes]:
    import io

    answer: list[str] = []
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "REMOTE_ADDR": "192.0.2.1",
    }
    chunks = app(environ, lambda status, headers: answer.append(status))
    return answer[0], b"".join(chunks)


def test_known_and_unknown_addresses_cost_the_same_store_and_mail_work(tmp_path):
    """Each request: one history row written, one subscriber row (new or updated), one job
    queued with a link of the same form; only the job's `deliver` differs."""
    import queue
    from urllib.parse import urlencode

    jobs: queue.Queue = queue.Queue()
    app = _app(tmp_path, jobs.put_nowait, _now)
    with Store(tmp_path / "store.sqlite3") as store:
        store.add_subscribers(
            [("aaaa@example.org", "aaaa@example.org", "")], _now(), origin="import"
        )
        store.add_subscribers(
            [("cccc@example.org", "cccc@example.org", "")], _now(), origin="import"
        )
        store.set_status("cccc@example.org", "unsubscribed", _now(), "page")

    def rows() -> tuple[int, int]:
        with Store(tmp_path / "store.sqlite3") as store:
            history = store._db.execute("SELECT count(*) FROM subscriber_history").fetchone()[0]
            return history, len(store.subscribers())

    work = []
    for address in ("aaaa@example.org", "bbbb@example.org", "cccc@example.org", "bbbb@example.org"):
        before = rows()
        status, page = _call(app, "POST", "/subscribe", urlencode({"email": address}).encode())
        after = rows()
        job = jobs.get_nowait()
        assert jobs.empty()  # exactly one job a request
        assert job.address == address
        written = (after[0] - before[0], after[1] - before[1])  # (history rows, new subscribers)
        work.append(((status, page, written[0], len(job.link)), job.deliver, written[1]))
    known, new, left, again = work  # subscribed; new; unsubscribed; new's second request
    assert known[0] == new[0] == left[0] == again[0]  # same answer, rows, link length
    assert known[0][0] == "200 OK" and known[0][2] == 1
    assert [w[1] for w in work] == [False, True, True, False]  # what the mailer will deliver
    assert [w[2] for w in work] == [0, 1, 0, 0]  # the one row an unknown address adds


def test_the_mailer_builds_every_job_and_sends_only_those_meant_to_go():
    from digest.config.send import parse_smtp_url
    from digest.subscriptions.mailer import Job, Mailer

    with smtp_server() as (sink, port):
        mailer = Mailer(parse_smtp_url(f"smtp+plain://127.0.0.1:{port}"), "Monitor",
                        "Monitor <m@example.org>", _now, delay=(0, 0))  # fmt: skip
        mailer.send(Job("known@example.org", "https://x/confirm?token=a", deliver=False))
        mailer.send(Job("new@example.org", "https://x/confirm?token=b", deliver=True))
        mailer.close()
    assert mailer.built == 2
    assert [m.recipients for m in sink.received] == [["new@example.org"]]


def test_a_confirmation_link_lasts_the_pending_days_and_no_longer(tmp_path):
    import queue
    from datetime import timedelta

    jobs: queue.Queue = queue.Queue()
    moment = [_now()]
    app = _app(tmp_path, jobs.put_nowait, lambda: moment[0])
    _call(app, "POST", "/subscribe", b"email=late%40example.org")
    link = jobs.get_nowait().link
    query = link.partition("?")[2]
    moment[0] += timedelta(days=7, minutes=1)
    status, page = _call(app, "POST", "/confirm", b"confirm=confirm", query)
    assert status.startswith("400") and b"expired" in page
    _call(app, "POST", "/subscribe", b"email=other%40example.org")  # expiry runs with requests
    with Store(tmp_path / "store.sqlite3") as store:
        assert store.subscribers(["late@example.org"]) == []
    moment[0] = _now()  # within the week the same link works
    _call(app, "POST", "/subscribe", b"email=soon%40example.org")
    status, _ = _call(
        app, "POST", "/confirm", b"confirm=confirm", jobs.get_nowait().link.partition("?")[2]
    )
    assert status.startswith("200")


def test_a_negative_content_length_is_a_bad_request(tmp_path):
    import io
    import queue

    app = _app(tmp_path, queue.Queue().put_nowait, _now)
    answer: list[str] = []
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/subscribe", "CONTENT_LENGTH": "-1",
               "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "wsgi.input": io.BytesIO(b"email=a%40example.org"), "REMOTE_ADDR": "192.0.2.1"}  # fmt: skip
    app(environ, lambda status, headers: answer.append(status))
    assert answer == ["400 Bad Request"]


# --------------------------------------------------------------------------- export


def test_export_writes_no_cell_a_spreadsheet_would_run_and_imports_back(mail_project, tmp_path):
    import csv
    import io

    conf = mail_project()
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name\n"
        '"=1+2@example.org","=cmd|\' /C calc\'!A1"\n'
        "plain@example.org,+1 555 0100\n"
        "minus@example.org,-2+3\n"
        "at@example.org,@SUM(A1:A9)\n"
        'tab@example.org,"\t=1+1"\n'
        "ann@example.org,Ann O'Neil\n"
    )

    def run(config, *args):
        return CliRunner().invoke(main, ["--config", str(config), "subscribers", *args])

    assert run(conf, "import", str(people)).exit_code == 0
    exported = tmp_path / "out.csv"
    assert run(conf, "export", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "'=cmd|' /C calc'!A1" in text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    names = {row[0]: row[1] for row in rows}
    assert names["'=1+2@example.org"] == "'=cmd|' /C calc'!A1"
    assert names["ann@example.org"] == "Ann O'Neil"
    # Imported back (into a fresh store): the same addresses and names as the first file.
    other = mail_project(f"DIGEST_STORE_PATH = {str(tmp_path / 'other.sqlite3')!r}\n")
    assert run(other, "import", str(exported)).exit_code == 0
    with Store(tmp_path / "store.sqlite3") as store:
        first = {s.address: s.name for s in store.subscribers()}
    with Store(tmp_path / "other.sqlite3") as store:
        back = {s.address: s.name for s in store.subscribers()}
    assert back == first
    assert back["=1+2@example.org"] == "=cmd|' /C calc'!A1"
    assert back["minus@example.org"] == "-2+3"


def test_subscribers_list_forgets_requests_older_than_the_pending_days(mail_project, tmp_path):
    conf = mail_project("DIGEST_PENDING_DAYS = 3\n")
    with Store(tmp_path / "store.sqlite3") as store:
        store.request_subscription(
            "old@example.org", "old@example.org", "n", _now() - timedelta(days=4)
        )
        store.request_subscription(
            "new@example.org", "new@example.org", "n", _now() - timedelta(days=2)
        )
    listed = CliRunner().invoke(main, ["--config", str(conf), "subscribers", "list"])
    assert "new@example.org" in listed.output
    assert "old@example.org" not in listed.output
    assert "1 pending" in listed.output
