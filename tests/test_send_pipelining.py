"""digest send where the server offers PIPELINING (RFC 2920), against real servers on
127.0.0.1: MAIL and RCPT go out in one write, every answer is still read and classified
as without it, and a kill mid-send still never doubles or hides anyone. Also: the envelope
written without smtplib's address parser is byte for byte what smtplib writes."""

from __future__ import annotations

import random
import smtplib
import socket
import threading
from collections import Counter

import pytest

from digest.publish.send.roster import check_address
from digest.publish.send.smtp import envelope_address
from digest.store import Store
from tests.support.smtp_server import smtp_server
from tests.test_send import csv_of, journal, killed_at_37_then_resumed, people, send

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def offer_pipelining(sink) -> None:
    async def handle_EHLO(server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [responses[0], "250-PIPELINING", *responses[1:]]

    sink.handle_EHLO = handle_EHLO


# --------------------------------------------------------------------------- the envelope


def test_the_envelope_is_what_smtplib_writes_for_every_address_the_roster_lets_through():
    given = [
        "reader@example.org",
        "Reader.Name+tag@Example.ORG",
        "o'brien@example.ie",
        "x!#$%&'*+/=?^_`{|}~-@example.org",
        "first.last@sub-domain.example.co.uk",
        "user@bücher.example",  # IDN: the roster keeps its ASCII form
        "a@[127.0.0.1]",  # a domain literal: refused by the roster, quoted by smtplib
        '"quoted local"@example.org',
        "Name <name@example.org>",
        "",
    ]
    letters = "abcXYZ019!#$%&'*+/=?^_`{|}~-."
    rng = random.Random(25)
    for _ in range(3000):
        local = "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
        domain = "".join(rng.choice("ab0-.") for _ in range(rng.randint(1, 8)))
        given.append(f"{local}@{domain}.org")
    checked = 0
    for text in given:
        assert envelope_address(text) == smtplib.quoteaddr(text), text
        try:
            address = check_address(text)
        except ValueError:
            continue
        checked += 1
        assert envelope_address(address) == smtplib.quoteaddr(address) == f"<{address}>"
    assert checked > 500  # the random addresses are mostly valid ones


def test_an_envelope_address_with_a_line_break_is_refused_where_smtplib_refuses_it():
    for text in ("a@example.org>\r\nRCPT TO:<b@example.org", "a\r\n@example.org", "\r\n", "\n"):
        quoted = smtplib.quoteaddr(text)
        if "\r" in quoted or "\n" in quoted:  # smtplib's putcmd() raises ValueError
            with pytest.raises(ValueError, match="spans lines"):
                envelope_address(text)
        else:
            assert envelope_address(text) == quoted


# --------------------------------------------------------------------------- pipelining


class _Recorder:
    """A minimal SMTP server offering PIPELINING that keeps every chunk it reads."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.chunks: list[bytes] = []
        self.messages = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.sendall(b"220 recorder\r\n")
            buffer, in_data = b"", False
            while chunk := connection.recv(65536):
                self.chunks.append(chunk)
                buffer += chunk
                replies = []
                while True:
                    if in_data:
                        end = buffer.find(b"\r\n.\r\n")
                        if end < 0:
                            break
                        buffer, in_data = buffer[end + 5 :], False
                        self.messages += 1
                        replies.append(b"250 OK\r\n")
                        continue
                    line, found, rest = buffer.partition(b"\r\n")
                    if not found:
                        break
                    buffer = rest
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        replies.append(b"250-recorder\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                    elif verb == b"DATA":
                        in_data = True
                        replies.append(b"354 go on\r\n")
                    elif verb == b"QUIT":
                        replies.append(b"221 bye\r\n")
                    else:
                        replies.append(b"250 OK\r\n")
                connection.sendall(b"".join(replies))  # a group's answers in one write


def test_with_pipelining_mail_and_rcpt_go_out_in_one_write(mail_project, tmp_path):
    server = _Recorder()
    conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=server.port)
    result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
    assert result.exit_code == 0, result.output
    server.thread.join(timeout=30)
    assert server.messages == 3
    envelopes = [c for c in server.chunks if c.startswith(b"mail FROM:")]
    assert [c.count(b"\r\n") for c in envelopes] == [2, 2, 2]
    assert envelopes[0] == b"mail FROM:<monitor@example.org>\r\nrcpt TO:<reader001@example.org>\r\n"
    # DATA waits for both answers: "sending" is recorded between the two.
    assert all(b"DATA" not in c for c in envelopes)


def test_with_pipelining_everyone_gets_one_copy(mail_project, tmp_path):
    addresses = people(20)
    with smtp_server() as (sink, port):
        offer_pipelining(sink)
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 3", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    assert result.exit_code == 0, result.output
    assert "20 sent now; in all 20 sent, 0 failed" in result.output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})
    assert set(journal(tmp_path).values()) == {"sent"}


def test_with_pipelining_refusals_are_read_and_classified_as_without(mail_project, tmp_path):
    later, unknown_user, relayed, rejected, fine = people(5)
    with smtp_server() as (sink, port):
        offer_pipelining(sink)
        sink.faults.rcpt = {
            later: ["451 4.3.0 Try again later"],
            unknown_user: ["550 5.1.1 No such user"],
            relayed: ["554 5.7.1 Relay access denied"],
        }
        sink.faults.data = {rejected: ["554 5.7.1 Message rejected as spam"]}
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(5))), "--send")
    assert result.exit_code == 1
    assert f"{unknown_user}: failed: RCPT: 550 5.1.1 No such user" in result.output
    assert f"{relayed}: failed: RCPT: 554 5.7.1 Relay access denied" in result.output
    assert f"{rejected}: failed: DATA: 554 5.7.1 Message rejected as spam" in result.output
    assert "2 sent now; in all 2 sent, 3 failed" in result.output
    # Each refusal left the conversation in step: the next reader's message went through.
    assert sink.per_recipient() == Counter({later: 1, fine: 1})
    with Store(tmp_path / "store.sqlite3") as store:
        bounced = {s.address for s in store.subscribers() if s.status == "bounced"}
    assert bounced == {unknown_user}


def test_with_pipelining_a_refused_sender_pauses_with_everyone_still_queued(mail_project, tmp_path):
    with smtp_server() as (sink, port):
        offer_pipelining(sink)

        async def refuse_sender(server, session, envelope, address, options):
            return "553 5.7.1 Sender address rejected: not owned by user"

        sink.handle_MAIL = refuse_sender
        conf = mail_project(port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(4))), "--send")
    assert result.exit_code == 1
    assert "the server refuses the sender: MAIL: 553 5.7.1 Sender address rejected" in (
        result.output
    )
    assert set(journal(tmp_path).values()) == {"queued"}
    assert sink.received == []


def test_with_pipelining_a_send_killed_after_37_resumes_and_nobody_gets_two(mail_project, tmp_path):
    addresses = people(100)
    with smtp_server() as (sink, port):
        offer_pipelining(sink)
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        killed, resumed = killed_at_37_then_resumed(sink, conf, csv_of(tmp_path, addresses))
    assert killed.returncode == -9
    assert "1 deliveries were in progress when an earlier run stopped" in resumed.output
    assert "63 sent now; in all 99 sent, 0 failed, 1 unknown" in resumed.output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})


def test_with_pipelining_and_four_connections_a_kill_never_doubles_or_hides_anyone(
    mail_project, tmp_path
):
    addresses = people(100)
    with smtp_server() as (sink, port):
        offer_pipelining(sink)
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 4", port=port)
        killed, _ = killed_at_37_then_resumed(sink, conf, csv_of(tmp_path, addresses))
    assert killed.returncode == -9
    counts = sink.per_recipient()
    assert max(counts.values()) == 1
    states = journal(tmp_path)
    unknown = {a for a, state in states.items() if state == "unknown"}
    # At most one delivery per connection was in doubt; every other reader has one copy.
    assert 1 <= len(unknown) <= 4
    assert {a for a in addresses if not counts[a]} <= unknown
    assert {a for a, state in states.items() if state == "sent"} == set(addresses) - unknown
