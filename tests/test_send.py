"""digest send against a real SMTP server on 127.0.0.1 (BAD-INPUTS 38-43, 47).

Every test sends the sample issue 2024-02-08 as built by the session's sample site, with
its own store and outbox, to an aiosmtpd server that keeps what it receives."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.errors import TokenError
from digest.publish.send.tokens import read_token
from digest.store import Store
from tests.conftest import ROOT, SAMPLE_EPOCH
from tests.support.smtp_server import make_certificates, raw_server, server_tls, smtp_server

# The test server's own choice (AUTH over smtps, which aiosmtpd does not count as TLS).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SLUG = "2024-02-08"
SECRET = "test secret: not for production"
ENV = {"DIGEST_SECRET_KEY": SECRET, "SOURCE_DATE_EPOCH": SAMPLE_EPOCH}


def people(count: int, start: int = 1) -> list[str]:
    return [f"reader{n:03d}@example.org" for n in range(start, start + count)]


def csv_of(folder: Path, addresses: list[str], extra: str = "") -> Path:
    path = folder / "subscribers.csv"
    path.write_text("email,name\n" + "".join(f"{a},\n" for a in addresses) + extra)
    return path


def send(conf: Path, *args: str, env: dict | None = None):
    result = CliRunner().invoke(
        main, ["--config", str(conf), "send", SLUG, *args], env={**ENV, **(env or {})}
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def journal(tmp_path: Path) -> dict[str, str]:
    with Store(tmp_path / "store.sqlite3") as store:
        return {d.address: d.state for d in store.deliveries(SLUG)}


def parsed(data: bytes):
    return message_from_bytes(data, policy=policy.default)


# --------------------------------------------------------------------------- dry run


def test_a_dry_run_writes_one_message_per_person_to_the_outbox(mail_project, tmp_path, caplog):
    conf = mail_project()
    hostile = (
        '"alice@example.org)<bob@example.org>",cve\n'  # CVE-2023-27043
        '"carol@example.org\r\nBcc: x@example.com",crlf\n'
        + ("a" * 310)
        + "@example.org,long\n"
        + "READER001@Example.ORG,same person\n"
        + 'dave@bücher.example,"Dave ""D"", Jr.\r\nBcc: evil@example.com"\n'
    )
    result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3), hostile)))
    assert result.exit_code == 0, result.output
    assert "4 messages written" in result.output
    bad = [r.getMessage() for r in caplog.records if "subscribers.csv:" in r.getMessage()]
    assert [line.split("subscribers.csv:")[1].split(":")[0] for line in bad] == ["5", "6", "8"]
    files = sorted((tmp_path / "outbox" / SLUG / "new").iterdir())
    messages = [parsed(f.read_bytes()) for f in files]
    recipients = [m["To"].addresses[0].addr_spec for m in messages]
    assert recipients == [*people(3), "dave@xn--bcher-kva.example"]  # IDN in ASCII form
    dave = messages[3]
    assert dave["To"].addresses[0].display_name == 'Dave "D", Jr. Bcc: evil@example.com'
    for message in messages:
        assert "Bcc" not in message
        assert sorted(message.keys()) == sorted(
            ["To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "From",
             "Subject", "Date", "List-Id", "MIME-Version", "Content-Type"]
        )  # fmt: skip
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert journal(tmp_path) == {}  # a dry run sends nothing and records nothing
    again = send(conf, "--subscribers", str(tmp_path / "subscribers.csv"))
    assert again.exit_code == 0
    assert [f.read_bytes() for f in files] == [
        f.read_bytes() for f in sorted((tmp_path / "outbox" / SLUG / "new").iterdir())
    ]  # the same bytes: Message-IDs and links are stable


def test_an_issue_marked_draft_is_never_sent(mail_project, tmp_path, sample_site):
    # The issue is built (its page is in the sample's output/): only its Status stops it.
    content = tmp_path / "content"
    (content / "issues").mkdir(parents=True)
    text = (sample_site / "content" / "issues" / f"{SLUG}.md").read_text(encoding="utf-8")
    (content / "issues" / f"{SLUG}.md").write_text("Status: draft\n" + text, encoding="utf-8")
    with smtp_server() as (sink, port):
        conf = mail_project(f"PATH = {str(content)!r}", port=port)
        for args in ((), ("--send",)):
            result = send(conf, "--subscribers", str(csv_of(tmp_path, people(2))), *args)
            assert result.exit_code == 1
            assert result.output.strip() == (
                f"error: {SLUG}: not sent: {SLUG}.md is marked 'Status: draft' (a preview, "
                "never published); remove that line and run `digest build` first"
            )
    assert sink.received == []
    assert not (tmp_path / "outbox" / SLUG).exists()
    assert journal(tmp_path) == {}


def test_each_message_carries_its_readers_own_unsubscribe_link(mail_project, tmp_path):
    conf = mail_project()
    send(conf, "--subscribers", str(csv_of(tmp_path, people(2))))
    for file, address in zip(
        sorted((tmp_path / "outbox" / SLUG / "new").iterdir()), people(2), strict=True
    ):
        message = parsed(file.read_bytes())
        https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
        assert https.startswith("https://monitor.example.org/subscriptions/unsubscribe?token=")
        assert mailto == "mailto:leave@monitor.example.org?subject=unsubscribe"
        token = https.split("token=")[1]
        assert read_token(SECRET.encode(), "unsubscribe", token) == address
        with pytest.raises(TokenError):
            read_token(SECRET.encode(), "confirm", token)  # made for something else
        text, html = (part.get_content() for part in message.iter_parts())
        assert https in text
        assert https in html  # the footer's link, per reader
        assert "unsubscribe.invalid" not in text + html


# --------------------------------------------------------------------------- sending


def test_each_subscriber_gets_exactly_one_copy_and_a_second_run_sends_none(mail_project, tmp_path):
    addresses = people(20)
    with smtp_server() as (sink, port):
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 3", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
        assert result.exit_code == 0, result.output
        assert "20 sent now; in all 20 sent, 0 failed" in result.output
        again = send(conf, "--subscribers", str(tmp_path / "subscribers.csv"), "--send")
        assert again.exit_code == 0, again.output
        assert "0 sent now; in all 20 sent" in again.output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})
    assert all(len(m.recipients) == 1 for m in sink.received)  # explicit envelope, one each
    assert {m.sender for m in sink.received} == {"monitor@example.org"}
    assert set(journal(tmp_path).values()) == {"sent"}
    ids = [m.message_id for m in sink.received]
    assert len(set(ids)) == 20 and all(i.endswith("@example.org>") for i in ids)


def test_refusals_for_now_are_retried_and_for_good_are_recorded(mail_project, tmp_path):
    later, unknown_user, rejected = people(3)
    with smtp_server() as (sink, port):
        sink.faults.rcpt = {
            later: ["451 4.3.0 Try again later"],
            unknown_user: ["550 5.1.1 No such user"],
        }
        sink.faults.data = {rejected: ["554 5.7.1 Message rejected as spam"]}
        conf = mail_project(port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
        assert result.exit_code == 1  # something failed: the editor must look
        assert f"{unknown_user}: failed: RCPT: 550 5.1.1 No such user" in result.output
        assert f"{rejected}: failed: DATA: 554 5.7.1 Message rejected as spam" in result.output
        assert "1 sent now; in all 1 sent, 2 failed" in result.output
        # The next issue, or this one again: the refused address is never mailed again.
        again = send(conf, "--subscribers", str(tmp_path / "subscribers.csv"), "--send")
        assert "0 sent now" in again.output
    assert sink.per_recipient() == Counter({later: 1})
    with Store(tmp_path / "store.sqlite3") as store:
        statuses = {s.address: s.status for s in store.subscribers()}
    assert statuses == {later: "subscribed", unknown_user: "bounced", rejected: "subscribed"}


def test_a_relay_refusing_us_is_not_the_readers_fault(mail_project, tmp_path):
    relayed, full, fine = people(3)
    with smtp_server() as (sink, port):
        sink.faults.rcpt = {
            relayed: ["554 5.7.1 Relay access denied"],
            full: ["552 5.2.2 Mailbox full"],  # RCPT 552: "try later" (RFC 5321)
        }
        conf = mail_project(port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
    assert f"{relayed}: failed: RCPT: 554 5.7.1 Relay access denied" in result.output
    assert sink.per_recipient() == Counter({full: 1, fine: 1})
    with Store(tmp_path / "store.sqlite3") as store:
        assert {s.status for s in store.subscribers()} == {"subscribed"}  # nobody "bounced"


def test_a_server_refusing_the_sender_pauses_with_everyone_still_queued(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        conf = mail_project(port=port)

        async def refuse_sender(server, session, envelope, address, options):
            return "553 5.7.1 Sender address rejected: not owned by user"

        sink.handle_MAIL = refuse_sender
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(4))), "--send")
    assert result.exit_code == 1
    assert "paused" in result.output and "the server refuses the sender" in result.output
    assert set(journal(tmp_path).values()) == {"queued"}
    assert sink.received == []


def test_a_delivery_refused_for_now_too_often_waits_for_the_next_run(mail_project, tmp_path):
    busy = people(1)[0]
    with smtp_server() as (sink, port):
        sink.faults.rcpt = {busy: ["452 4.2.2 Mailbox full"] * 2}
        conf = mail_project("DIGEST_SEND_RETRIES = 2", port=port)
        subscribers = str(csv_of(tmp_path, people(2)))
        result = send(conf, "--subscribers", subscribers, "--send")
        assert result.exit_code == 1
        assert f"{busy}: queued: RCPT: 452 4.2.2 Mailbox full (tried 2 times)" in result.output
        assert "1 still queued" in result.output
        assert "1 not delivered yet: run the same command again" in result.output
        later = send(conf, "--subscribers", subscribers, "--send")
        assert later.exit_code == 0, later.output
    assert sink.per_recipient() == Counter({a: 1 for a in people(2)})


def test_an_answer_lost_after_the_message_is_unknown_and_resent_only_on_request(
    mail_project, tmp_path
):
    first, lost = people(2)
    with smtp_server() as (sink, port):
        sink.faults.hang_up_after_data = {lost}
        conf = mail_project(port=port)
        subscribers = str(csv_of(tmp_path, people(2)))
        result = send(conf, "--subscribers", subscribers, "--send")
        assert result.exit_code == 1
        assert f"{lost}: unknown: no answer after the message was sent" in result.output
        assert journal(tmp_path) == {first: "sent", lost: "unknown"}
        again = send(conf, "--subscribers", subscribers, "--send")
        assert sink.per_recipient() == Counter({first: 1, lost: 1})  # not blindly resent
        assert "1 unknown" in again.output
        sink.faults.hang_up_after_data = set()
        forced = send(conf, "--subscribers", subscribers, "--send", "--retry-unknown")
        assert forced.exit_code == 0, forced.output
    assert sink.per_recipient() == Counter({first: 1, lost: 2})  # the editor asked for it
    assert journal(tmp_path) == {first: "sent", lost: "sent"}


def test_a_server_that_stops_answering_mid_message_leaves_it_unknown(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        sink.faults.data_delay = 3
        conf = mail_project("DIGEST_SMTP_TIMEOUT = 1", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(1))), "--send")
    assert result.exit_code == 1
    assert "unknown: no answer after the message was sent: no answer (timed out)" in (result.output)


def test_421_at_connect_pauses_the_send_after_too_many_errors(mail_project, tmp_path):
    with raw_server(b"421 4.3.2 Too busy, come back later\r\n") as port:
        conf = mail_project("DIGEST_SEND_MAX_ERRORS = 2", port=port)
        started = time.monotonic()
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(5))), "--send")
    assert result.exit_code == 1
    assert "paused: 2 deliveries failed in a row" in result.output
    assert "421 4.3.2 Too busy" in result.output
    assert "0 sent now; in all 0 sent, 0 failed, 0 unknown, 0 skipped, 5 still queued" in (
        result.output
    )
    assert time.monotonic() - started < 30


def test_a_silent_server_times_out_and_pauses(mail_project, tmp_path):
    with raw_server(None) as port:
        conf = mail_project("DIGEST_SMTP_TIMEOUT = 1\nDIGEST_SEND_MAX_ERRORS = 1", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(2))), "--send")
    assert result.exit_code == 1
    assert "cannot connect: no answer (timed out)" in result.output
    assert set(journal(tmp_path).values()) == {"queued"}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


def test_starttls_refuses_a_certificate_it_cannot_verify(
    mail_project, tmp_path, certificates, monkeypatch
):
    made = []
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: made.append(1) or real())
    tls = server_tls(certificates["self.pem"], certificates["self.key"])
    with smtp_server(tls=tls) as (sink, port):
        conf = mail_project(port=port, scheme="smtp")
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(2))), "--send")
    assert result.exit_code == 1
    assert "TLS failed: CERTIFICATE_VERIFY_FAILED" in result.output
    assert made  # the client verifies as the standard library's default context does
    assert sink.received == []


def test_starttls_with_a_trusted_certificate_sends(mail_project, tmp_path, certificates):
    tls = server_tls(certificates["server.pem"], certificates["server.key"])
    with smtp_server(tls=tls) as (sink, port):
        ca = f"DIGEST_SMTP_CA_FILE = {str(certificates['ca.pem'])!r}"
        conf = mail_project(ca, port=port, scheme="smtp")
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(2))), "--send")
    assert result.exit_code == 0, result.output
    assert sink.per_recipient() == Counter({a: 1 for a in people(2)})


@pytest.mark.parametrize(("password", "sent"), [("s3cret", True), ("wrong", False)])
def test_smtps_logs_in_with_the_password_from_the_environment(
    mail_project, tmp_path, certificates, password, sent
):
    tls = server_tls(certificates["server.pem"], certificates["server.key"])
    with smtp_server(implicit_tls=tls, login=("digest", "s3cret")) as (sink, port):
        ca = f"DIGEST_SMTP_CA_FILE = {str(certificates['ca.pem'])!r}"
        conf = mail_project(ca + f"\nDIGEST_SMTP_URL = 'smtps://digest@localhost:{port}'")
        subscribers = str(csv_of(tmp_path, people(2)))
        result = send(conf, "--subscribers", subscribers, "--send",
                      env={"DIGEST_SMTP_PASSWORD": password})  # fmt: skip
    if sent:
        assert result.exit_code == 0, result.output
        assert sink.per_recipient() == Counter({a: 1 for a in people(2)})
    else:
        assert result.exit_code == 1
        assert "login refused (535 5.7.8 Authentication credentials invalid)" in result.output
        assert "DIGEST_SMTP_PASSWORD" in result.output
        assert sink.received == []
        assert set(journal(tmp_path).values()) == {"queued"}  # nothing lost: run it again


def test_a_server_without_starttls_is_refused_for_smtp_urls(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        conf = mail_project(port=port, scheme="smtp")
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(1))), "--send")
    assert result.exit_code == 1
    assert "does not offer STARTTLS" in result.output
    assert sink.received == []


# --------------------------------------------------------------------------- crashes, locks


def send_process(conf: Path, subscribers: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "digest", "--config", str(conf), "send", SLUG]
    return subprocess.Popen(
        [*command, "--subscribers", str(subscribers), "--send", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def killed_at_37_then_resumed(sink, conf: Path, subscribers: Path):
    """A send process killed (SIGKILL) as the server takes its 37th message, then the same
    command run again; returns (the killed process, the second run's result)."""
    killed = send_process(conf, subscribers)
    sink.faults.kill_pid, sink.faults.kill_after = killed.pid, 37
    killed.wait(timeout=120)
    sink.faults.kill_after = 0
    return killed, send(conf, "--subscribers", str(subscribers), "--send")


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command a trip", "pipelining"])
def test_a_send_killed_after_37_of_100_resumes_and_nobody_gets_two(
    mail_project, tmp_path, pipelining
):
    addresses = people(100)
    with smtp_server() as (sink, port):
        if pipelining:  # the next message's commands travel with this one's content
            sink.offer_pipelining()
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        killed, resumed = killed_at_37_then_resumed(sink, conf, csv_of(tmp_path, addresses))
    assert killed.returncode == -9
    # The 37th reached the server, but the killed run never heard so: unknown, not resent.
    assert "1 deliveries were in progress when an earlier run stopped" in resumed.output
    assert "63 sent now; in all 99 sent, 0 failed, 1 unknown" in resumed.output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})
    ids = [m.message_id for m in sink.received]
    assert len(set(ids)) == 100


def test_with_several_connections_a_kill_never_doubles_or_hides_anyone(mail_project, tmp_path):
    addresses = people(100)
    with smtp_server() as (sink, port):
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 4", port=port)
        killed, _ = killed_at_37_then_resumed(sink, conf, csv_of(tmp_path, addresses))
    assert killed.returncode == -9
    counts = sink.per_recipient()
    assert max(counts.values()) == 1
    states = journal(tmp_path)
    missing = {a for a in addresses if not counts[a]}
    assert missing <= {a for a, state in states.items() if state == "unknown"}
    assert sum(1 for state in states.values() if state == "sent") == 100 - sum(
        1 for state in states.values() if state == "unknown"
    )


def test_two_sends_of_one_issue_at_once_the_second_stops_on_the_lock(mail_project, tmp_path):
    addresses = people(30)
    subscribers = csv_of(tmp_path, addresses)
    with smtp_server() as (sink, port):
        sink.faults.data_delay = 0.05
        conf = mail_project(port=port)
        first = send_process(conf, subscribers)
        deadline = time.monotonic() + 60
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.05)
        second = send(conf, "--subscribers", str(subscribers), "--send")
        output, _ = first.communicate(timeout=120)
    assert second.exit_code == 4
    assert f"{SLUG}: already being sent (process {first.pid})" in second.output
    assert first.returncode == 0, output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})


def test_someone_who_unsubscribes_during_a_send_gets_nothing_more(mail_project, tmp_path):
    addresses = people(10)
    leaver = addresses[-1]
    with smtp_server() as (sink, port):
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        store_path = tmp_path / "store.sqlite3"

        def leave_after_three(server, session, envelope, _original=sink.handle_DATA):
            if len(sink.received) == 3:
                with Store(store_path) as store:
                    store.set_status(leaver, "unsubscribed", datetime_now())
            return _original(server, session, envelope)

        sink.handle_DATA = leave_after_three
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    assert "9 sent now; in all 9 sent, 0 failed, 0 unknown, 1 skipped" in result.output
    # Skipping a reader who left is what they asked for: no error, and the send succeeded.
    assert result.exit_code == 0 and "error:" not in result.output
    assert leaver not in sink.per_recipient()
    assert journal(tmp_path)[leaver] == "skipped"


def datetime_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_a_real_send_needs_a_server_a_secret_and_an_unsubscribe_address(mail_project, tmp_path):
    subscribers = str(csv_of(tmp_path, people(1)))
    no_server = send(mail_project(), "--subscribers", subscribers, "--send")
    assert no_server.exit_code == 1
    assert "DIGEST_SMTP_URL is not set" in no_server.output
    no_secret = send(mail_project(port=2525), "--subscribers", subscribers, "--send",
                     env={"DIGEST_SECRET_KEY": ""})  # fmt: skip
    assert "DIGEST_SECRET_KEY is not set in the environment" in no_secret.output
    no_link = send(mail_project("DIGEST_SUBSCRIPTIONS_URL = None", port=2525), "--subscribers",
                   subscribers, "--send")  # fmt: skip
    assert "DIGEST_UNSUBSCRIBE_URL is not set" in no_link.output
    bad_url = send(mail_project("DIGEST_SMTP_URL = 'smtp://u:pw@mail.example.org'"), "--send")
    assert bad_url.exit_code == 2
    assert "DIGEST_SMTP_URL: put the password in the DIGEST_SMTP_PASSWORD" in bad_url.output


def test_test_to_sends_one_copy_outside_the_journal(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        conf = mail_project(port=port)
        result = send(conf, "--test-to", "editor@example.org")
    assert result.exit_code == 0, result.output
    assert sink.per_recipient() == Counter({"editor@example.org": 1})
    assert ".test." in sink.received[0].message_id
    assert journal(tmp_path) == {}


# --------------------------------------------------------------------------- refused first


def issue_copy(tmp_path: Path, sample_site: Path, change) -> Path:
    """A content folder holding the sample issue with `change` (bytes -> bytes) made."""
    folder = tmp_path / "content" / "issues"
    folder.mkdir(parents=True)
    data = (sample_site / "content" / "issues" / f"{SLUG}.md").read_bytes()
    (folder / f"{SLUG}.md").write_bytes(change(data))
    return folder.parent


def refused_everywhere(conf: Path, tmp_path: Path, sink) -> list[str]:
    """The output of a dry run, a send and a test copy, all refused; nothing went out."""
    outputs = []
    subscribers = str(csv_of(tmp_path, people(2)))
    for args in (("--subscribers", subscribers), ("--subscribers", subscribers, "--send"),
                 ("--test-to", "editor@example.org")):  # fmt: skip
        result = send(conf, *args)  # an unexpected exception would be raised here
        assert result.exit_code == 1, result.output
        outputs.append(result.output.strip())
    assert sink.received == []
    assert not (tmp_path / "outbox" / SLUG).exists()
    assert journal(tmp_path) == {}
    return outputs


def test_an_issue_file_that_is_not_utf8_is_one_line_before_it_is_read(
    mail_project, tmp_path, sample_site
):
    content = issue_copy(tmp_path, sample_site, lambda data: data.replace(b". ", b". \xff", 1))
    with smtp_server() as (sink, port):
        outputs = refused_everywhere(
            mail_project(f"PATH = {str(content)!r}", port=port), tmp_path, sink
        )
    for output in outputs:
        problem, summary = output.splitlines()
        assert re.fullmatch(
            r"error: \S+/2024-02-08\.md:\d+: not UTF-8 text at byte \d+; save the file as UTF-8",
            problem,
        )
        assert summary == "error: 1 problem in 1 issue file; nothing was published"


def test_an_issue_file_over_the_size_limit_is_one_line_and_never_mailed(
    mail_project, tmp_path, sample_site
):
    padding = b"\n\nFiller paragraph of an issue pasted twice over. " + b"word " * 1_200_000
    content = issue_copy(tmp_path, sample_site, lambda data: data + padding)
    with smtp_server() as (sink, port):
        outputs = refused_everywhere(
            mail_project(f"PATH = {str(content)!r}", port=port), tmp_path, sink
        )
    for output in outputs:
        problem, _ = output.splitlines()
        assert problem.endswith(
            "/2024-02-08.md:1: the file is 6 MB, larger than DIGEST_MAX_ISSUE_BYTES (5 MB); "
            "split the issue or raise the limit"
        )


def test_an_email_over_the_size_limit_is_refused_before_anything_is_sent(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        conf = mail_project("DIGEST_MAX_EMAIL_BYTES = 10_000", port=port)
        outputs = refused_everywhere(conf, tmp_path, sink)
    for output in outputs:
        assert re.fullmatch(
            rf"error: {SLUG}: not sent: the email is \d+ KB, larger than DIGEST_MAX_EMAIL_BYTES "
            r"\(10 KB\); shorten the issue or raise the limit",
            output,
        )


def test_a_damaged_store_is_one_line_for_send(mail_project, tmp_path):
    from tests.test_store import _damage

    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        store.add_subscribers([(a, a, "") for a in people(300)], datetime_now(), origin="import")
    _damage(path, 4096)
    with smtp_server() as (sink, port):
        conf = mail_project(port=port)
        for args in ((), ("--send",)):
            result = send(conf, *args)
            assert result.exit_code == 1
            assert len(result.output.strip().splitlines()) == 1, result.output
            assert result.output.startswith(f"error: {path}: ")
            assert "the store file is damaged; restore it from a backup" in result.output
    assert sink.received == []


def test_message_ids_stay_those_of_earlier_versions(mail_project, sample_site, tmp_path):
    # A resend after an upgrade must carry the first send's Message-ID (a receiver that has
    # it drops the copy), and the edition file keeps its own.
    conf = mail_project()
    assert send(conf, "--subscribers", str(csv_of(tmp_path, people(1)))).exit_code == 0
    (outbox,) = (tmp_path / "outbox" / SLUG / "new").iterdir()
    edition = parsed((sample_site / "output" / "email" / f"{SLUG}.eml").read_bytes())
    assert parsed(outbox.read_bytes())["Message-ID"] == (
        "<2024-02-08.8692c5f96920ce0a7360242c@example.org>"
    )
    assert edition["Message-ID"] == "<2024-02-08.ac33734c774863d67402@example.org>"
