"""Each reader's message, built fast and still checked (publish/email/message.py): after the
first copy of an issue is parsed back whole, a copy whose To is plain skips the parse,
and every copy is still what the full parse accepts; the copy as SMTP's DATA carries it is
byte for byte what smtplib would make of the message; a hostile value is refused or made
safe in every copy, not only the first (BAD-INPUTS 38, 39)."""

from __future__ import annotations

import random
from email import message_from_bytes, policy

import pytest

from digest.errors import RenderError
from digest.publish.email.message import (
    UNSUBSCRIBE_MARKER,
    Recipient,
    parse_problem,
    transfer_encoding,
)
from digest.publish.send.smtp import data_form
from tests.test_mailing import URL, template

BODIES = [
    "Plain ASCII text.\n.leading dot\n..two dots\nFrom the start\n.\n",  # 7bit
    "Mostly English with one dash – here.\n.a dot after it\n" * 40,  # quoted-printable
    "قصفت طائرة مسيرة موقعاً قرب سنجار\n.\n" * 40,  # base64
]


def personal(recipient: Recipient) -> list[str]:
    names = ["To", "Message-ID"]
    return names + (
        ["List-Unsubscribe", "List-Unsubscribe-Post"] if recipient.unsubscribe_url else []
    )


def recipients(count: int) -> list[Recipient]:
    """Readers with every kind of name: plain words, quotes and commas, non-ASCII, encoded
    words, long ones that fold; and addresses of every atext character."""
    rng = random.Random(25)
    names = [
        "",
        "Reader",
        "Ann Lee",
        'Smith, Alice "Al"',
        "O'Brien",
        "Zoë Çelik",
        "=?utf-8?q?=0ABcc:_x@example.com?=",
        "Eve\r\nBcc: x@example.com",
        "(comment) Bob",
        "A <b@example.org>",
        "x" * 120,
        "Sam  Two Spaces",
        " lead",
    ]
    atext = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
    made = []
    for n in range(count):
        local = ".".join(
            "".join(rng.choice(atext) for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(1, 3))
        )
        name = (
            rng.choice(names)
            if n % 3
            else " ".join(rng.choice(["Al", "b2", "Q"]) for _ in range(n % 4))
        )
        link = f"{URL}{n}" if n % 5 else ""
        made.append(Recipient(f"{local}@example.org", f"<m{n}@example.org>", name, link))
    return made


@pytest.mark.parametrize("body", BODIES)
def test_every_copy_is_one_the_full_parse_accepts(body):
    made = template(
        f"{body}\n{UNSUBSCRIBE_MARKER}\n", f'<p>{body}</p><a href="{UNSUBSCRIBE_MARKER}">x</a>\n'
    )
    built = 0
    for recipient in recipients(600):
        try:
            data = made.render(recipient)
        except RenderError:
            continue
        built += 1
        assert parse_problem(data, recipient, personal(recipient)) == "", recipient
        message = message_from_bytes(data, policy=policy.default)
        assert message["To"].addresses[0].addr_spec == recipient.address
        assert "Bcc" not in message
    assert built > 500


@pytest.mark.parametrize("body", BODIES)
def test_the_copy_as_data_carries_it_is_what_smtplib_would_send(body):
    assert {transfer_encoding(b) for b in BODIES} == {"7bit", "quoted-printable", "base64"}
    made = template(
        f"{body}\n{UNSUBSCRIBE_MARKER}\n.{UNSUBSCRIBE_MARKER}\n",
        f'.<p>{body}</p>\n.<a href="{UNSUBSCRIBE_MARKER}">x</a>\n',
    )
    for recipient in recipients(100):
        try:
            data = made.render(recipient)
        except RenderError:
            continue
        assert made.render(recipient, smtp=True) == data_form(data)


@pytest.mark.parametrize(
    ("name", "address", "message_id", "url"),
    [
        ("Eve", "eve@example.org\r\nBcc: x@example.com", "<m@example.org>", URL),
        ("Eve", "eve@example.org", "<m@example.org>\nBcc: x@example.com", URL),
        ("Eve", "eve@example.org", "<m@example.org>", URL + ">\r\nBcc: x@example.com"),
        ("Eve", "eve@example.org", "<m@example.org> <n@example.org>", URL),
        ("Eve", "eve@example.org", "<m@example.org>", URL + " x"),
    ],
)
def test_a_hostile_value_is_refused_in_every_copy_not_only_the_first(
    name, address, message_id, url
):
    made = template("text\n", "<p>html</p>\n")
    for n in range(3):  # the first copy is parsed whole; the later ones are not
        made.render(Recipient(f"reader{n}@example.org", f"<m{n}@example.org>", "Reader", URL))
    with pytest.raises(RenderError):
        made.render(Recipient(address, message_id, name, url))
    with pytest.raises(RenderError):
        made.render(Recipient(address, message_id, name, url), smtp=True)


def test_a_name_that_would_add_a_header_is_kept_as_text_in_every_copy():
    made = template("text\n", "<p>html</p>\n")
    for n in range(3):
        made.render(Recipient(f"reader{n}@example.org", f"<m{n}@example.org>", "Reader", URL))
    for name in ("Eve\r\nBcc: x@example.com", "=?utf-8?q?=0ABcc:_x@example.com?=", "Eve\nTo: y"):
        data = made.render(Recipient("eve@example.org", "<m@example.org>", name, URL))
        message = message_from_bytes(data, policy=policy.default)
        assert "Bcc" not in message and len(message.get_all("To")) == 1
        assert message["To"].addresses[0].addr_spec == "eve@example.org"
