"""digest send where the server offers PIPELINING (RFC 2920), against real servers on
127.0.0.1: MAIL, RCPT and DATA go out in one write, the next message's with this one's
content, every answer is still read and classified as without it, and a kill mid-send
still never doubles or hides anyone. Also: the envelope
written without smtplib's address parser is byte for byte what smtplib writes."""

from __future__ import annotations

import random
import smtplib
import socket
import threading
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes

import pytest

from digest.publish.send.roster import check_address
from digest.publish.send.smtp import envelope_address
from digest.store import Store
from tests.support.smtp_server import smtp_server
from tests.test_send import SLUG, csv_of, journal, killed_at_37_then_resumed, people, send

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


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
        self.answers: list[bytes] = []  # each write of answers: one per round trip
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
                if replies:
                    self.answers.append(b"".join(replies))
                connection.sendall(b"".join(replies))  # a group's answers in one write


def test_with_pipelining_each_message_takes_one_round_trip(mail_project, tmp_path):
    server = _Recorder()
    conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=server.port)
    result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
    assert result.exit_code == 0, result.output
    server.thread.join(timeout=30)
    assert server.messages == 3
    # MAIL, RCPT and DATA in one write; "sending" is recorded between the 354 and the content.
    first = b"mail FROM:<monitor@example.org>\r\nrcpt TO:<reader001@example.org>\r\nDATA\r\n"
    assert first in server.chunks
    # Each later message's three commands go out in the write of the message before it.
    ok, go = b"250 OK\r\n", b"354 go on\r\n"
    assert server.answers[1:] == [ok * 2 + go, ok * 3 + go, ok * 3 + go, ok, b"221 bye\r\n"]
    stream = b"".join(server.chunks)
    for n in (2, 3):
        then = f".\r\nmail FROM:<monitor@example.org>\r\nrcpt TO:<reader00{n}@example.org>\r\n"
        assert then.encode() + b"DATA\r\n" in stream


def test_with_pipelining_everyone_gets_one_copy(mail_project, tmp_path):
    addresses = people(20)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 3", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    assert result.exit_code == 0, result.output
    assert "20 sent now; in all 20 sent, 0 failed" in result.output
    assert sink.per_recipient() == Counter({a: 1 for a in addresses})
    assert set(journal(tmp_path).values()) == {"sent"}


def test_with_pipelining_refusals_are_read_and_classified_as_without(mail_project, tmp_path):
    later, unknown_user, relayed, rejected, fine = people(5)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
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
        sink.offer_pipelining()

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


def test_with_pipelining_and_four_connections_a_kill_never_doubles_or_hides_anyone(
    mail_project, tmp_path
):
    addresses = people(100)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
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


# --------------------------------------------------------------------------- chained messages


def test_with_pipelining_the_server_gets_the_outboxs_bytes_for_each_reader(mail_project, tmp_path):
    """The copy sent (dotted per piece, the next commands in its write) arrives as the dry
    run writes it, byte for byte, names outside ASCII included."""
    addresses = people(12)
    names = ["", "Ann Lee", "Zoë Çelik", 'Smith, Alice "Al"', "=?utf-8?q?x?=", "O'Brien"]
    subscribers = tmp_path / "subscribers.csv"
    rows = "".join(
        f'{a},"{names[n % 6].replace(chr(34), 2 * chr(34))}"\n' for n, a in enumerate(addresses)
    )
    subscribers.write_text("email,name\n" + rows)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 2", port=port)
        assert send(conf, "--subscribers", str(subscribers)).exit_code == 0  # the dry run
        result = send(conf, "--subscribers", str(subscribers), "--send")
    assert result.exit_code == 0, result.output
    outbox = sorted((tmp_path / "outbox" / SLUG / "new").iterdir())
    written = {message_from_bytes(p.read_bytes())["Message-ID"]: p.read_bytes() for p in outbox}
    received = {m.message_id: m.data for m in sink.received}
    assert len(received) == 12 and received == written


def test_with_pipelining_a_lost_answer_leaves_one_unknown_and_the_next_is_sent(
    mail_project, tmp_path
):
    first, lost, after = people(3)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
        sink.faults.hang_up_after_data = {lost}  # its commands went out with `lost`'s content
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
    assert f"{lost}: unknown: no answer after the message was sent" in result.output
    assert journal(tmp_path) == {first: "sent", lost: "unknown", after: "sent"}
    assert sink.per_recipient() == Counter({first: 1, lost: 1, after: 1})


def test_with_pipelining_421_after_a_message_sends_the_next_on_a_new_connection(
    mail_project, tmp_path
):
    first, closing, after = people(3)
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
        sink.faults.data = {closing: ["421 4.3.2 Shutting down"]}
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        result = send(conf, "--subscribers", str(csv_of(tmp_path, people(3))), "--send")
        assert result.exit_code == 0, result.output  # retried in the same run, after a pause
    assert journal(tmp_path) == {first: "sent", closing: "sent", after: "sent"}
    assert sink.per_recipient() == Counter({first: 1, closing: 1, after: 1})


def test_with_pipelining_a_reader_who_left_gets_nothing_and_the_rest_go_on(mail_project, tmp_path):
    addresses = people(6)
    leaver = addresses[3]
    with smtp_server() as (sink, port):
        sink.offer_pipelining()
        conf = mail_project("DIGEST_SEND_CONNECTIONS = 1", port=port)
        original = sink.handle_DATA

        async def leave_after_two(server, session, envelope):
            if len(sink.received) == 2:
                with Store(tmp_path / "store.sqlite3") as store:
                    store.set_status(leaver, "unsubscribed", datetime.now(UTC))
            return await original(server, session, envelope)

        sink.handle_DATA = leave_after_two
        result = send(conf, "--subscribers", str(csv_of(tmp_path, addresses)), "--send")
    assert "5 sent now; in all 5 sent, 0 failed, 0 unknown, 1 skipped" in result.output
    assert result.exit_code == 0
    assert sink.per_recipient() == Counter({a: 1 for a in addresses if a != leaver})
    assert journal(tmp_path)[leaver] == "skipped"
