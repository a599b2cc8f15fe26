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
from digest.publish.dkim_sign import Signer
from digest.publish.email_message import (
    UNSUBSCRIBE_MARKER,
    MessageTemplate,
    Recipient,
    transfer_encoding,
)
from digest.publish.email_render import EmailEdition
from digest.publish.pacing import Clock, Pacer
from digest.publish.subscribers import canonical, parse_subscribers
from digest.publish.tokens import make_token, read_token

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
