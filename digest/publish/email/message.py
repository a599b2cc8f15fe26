"""The MIME message of an email edition: built once an issue, personalized per recipient.

An issue goes to thousands of people, and only a few bytes differ between their copies:
the To and Message-ID headers and the unsubscribe link (in List-Unsubscribe and in the
body's footer). So a MessageTemplate serializes everything else once, and render() puts
one recipient's values in: the bodies are rendered with a marker where the unsubscribe
link goes, and each recipient's bodies are the marker replaced and encoded again (binascii,
in C). Every message is checked before it is sent: the headers must be exactly the
intended ones (BAD-INPUTS 38). The first message of a template is parsed back whole, so
the headers every copy shares are checked once; each later copy's own headers are parsed
back unless they are plain: a To of ASCII words and a dot-atom address, which a mail client
can only read as written, beside values the checks in render() leave one line each.

Pure: strings in, bytes out. No files, sockets or clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.header import Header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, formataddr

from digest.errors import RenderError
from digest.publish.email.headers import clean_header_text
from digest.publish.email.render import EmailEdition

# Where a recipient's unsubscribe link goes in the bodies; render_email() writes it as the
# link, and nothing in an issue can contain it (it is not a word anyone writes).
UNSUBSCRIBE_MARKER = "https://unsubscribe.invalid/digest-recipient-link"
_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_URL = re.compile(r"(https://|mailto:)[!#-;=?-~]+")  # printable ASCII without space , < >
_HIGH_BYTES = bytes(range(128, 256))
_REGISTRY = HeaderRegistry()
_HEADERS = ("From", "Subject", "Date", "List-Id", "MIME-Version", "Content-Type")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
# `Name <address>` or `address`, as formataddr writes them for a name of ASCII words: read
# back by any parser as that name and that address (no quotes, comments or encoded words).
_PLAIN_TO = re.compile(
    rf"(?:[A-Za-z0-9]+(?: [A-Za-z0-9]+)* <{_DOT_ATOM_ADDRESS}>|{_DOT_ATOM_ADDRESS})"
)


@dataclass(frozen=True)
class Recipient:
    address: str  # ASCII addr-spec, as validated by subscribers.check_address
    message_id: str  # <local@domain>, the same for every attempt of this delivery
    name: str = ""
    unsubscribe_url: str = ""  # https; empty: no List-Unsubscribe (a copy to ourselves)
    unsubscribe_mailto: str = ""  # mailto:, optional, beside the https link


class _EncodedHeader(str):
    """A header value folded by the legacy encoder; the policy stores objects with a `name`
    as they are and asks them to fold themselves (EmailPolicy.header_store_parse)."""

    name: str

    def __new__(cls, name: str, value: str) -> _EncodedHeader:
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: email_policy.EmailPolicy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(
            linesep=policy.linesep, maxlinelen=policy.max_line_length or 78
        )
        return f"{self.name}: {encoded}{policy.linesep}"


def _subject_header(subject: str) -> str:
    # Python 3.11's folder decodes "=?...?=" found in plain text (BAD-INPUTS 38) and drops
    # spaces next to the encoded words it makes for non-ASCII or long words. A short ASCII
    # subject needs no folding; anything else is encoded whole, which neutralises "=?".
    if subject.isascii() and "=?" not in subject and len(subject) <= 69:
        return subject
    return _EncodedHeader("Subject", subject)


def _mailbox(name: str, address: str) -> str:
    """`Name <address>`; a name that is not plain ASCII, or holds "=?" (BAD-INPUTS 38: a
    reader would decode it as an encoded word), travels encoded whole."""
    name = clean_header_text(name)
    if name and (not name.isascii() or "=?" in name):
        return f"{Header(name, 'utf-8').encode()} <{address}>"
    return formataddr((name, address))


def _plain_to(header: str, address: str) -> bool:
    """The To header is `Name <address>` or `address`, with a name of ASCII words."""
    if "=?" in header or not _PLAIN_TO.fullmatch(header):
        return False
    return header == address or header.endswith(f" <{address}>")


def _one_line(name: str, value: str, to: str) -> None:
    if not value.strip() or any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise RenderError(f"email to {to!r}: header {name} is empty or spans lines: {value!r}")


def transfer_encoding(text: str) -> str:
    # Some relays still lack 8BITMIME, so bodies stay 7-bit; of the two encodings take the
    # smaller, since Gmail clips messages over ~100 KB and Arabic triples in quoted-printable.
    if text.isascii() and all(len(line) <= 900 for line in text.splitlines()):
        return "7bit"
    data = text.encode("utf-8")
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    return "quoted-printable" if len(data) + 2 * high <= len(data) * 4 // 3 else "base64"


def _encode(text: str, encoding: str) -> bytes:
    """`text` in the transfer encoding, with CRLF line ends."""
    data = text.encode("utf-8")
    if encoding == "quoted-printable":
        data = binascii.b2a_qp(data, istext=True)
    elif encoding == "base64":
        flat = base64.b64encode(data)
        return b"\r\n".join(flat[i : i + 76] for i in range(0, len(flat), 76)) + b"\r\n"
    return data.replace(b"\n", b"\r\n")


def _dot(piece: bytes) -> bytes:
    """A piece of a message that starts a line, as SMTP's DATA carries it: a dot that
    starts a line doubled (RFC 5321 4.5.2)."""
    piece = piece.replace(b"\r\n.", b"\r\n..")
    return b"." + piece if piece.startswith(b".") else piece


class _Part:
    """One body part, encoded once except where a reader's link goes.

    7bit and quoted-printable encode line by line, so only the lines holding the marker are
    encoded for each reader; base64 is not line by line, so such a part is encoded whole."""

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.encoding = transfer_encoding(text)
        self.header = (
            f'Content-Type: text/{kind}; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: {self.encoding}\r\n\r\n"
        ).encode("ascii")
        self.pieces: list[bytes | str] = []  # bytes: encoded; str: encoded per reader
        if UNSUBSCRIBE_MARKER not in text or self.encoding == "base64":
            self.pieces = [text if UNSUBSCRIBE_MARKER in text else _encode(text, self.encoding)]
        else:
            lines = text.split("\n")
            pieces = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
            marked = itertools.groupby(pieces, key=lambda line: UNSUBSCRIBE_MARKER in line)
            for per_reader, group in marked:
                chunk = "".join(group)
                self.pieces.append(chunk if per_reader else _encode(chunk, self.encoding))
        # Each piece starts a line: the pieces as DATA carries them are dotted one by one.
        self.dotted = [p if isinstance(p, str) else _dot(p) for p in self.pieces]

    def body(self, link: str, *, smtp: bool = False) -> bytes:
        url = html.escape(link) if self.kind == "html" else link
        encoded = (
            p
            if isinstance(p, bytes)
            else (_dot if smtp else bytes)(
                _encode(p.replace(UNSUBSCRIBE_MARKER, url), self.encoding)
            )
            for p in (self.dotted if smtp else self.pieces)
        )
        # The line break before a boundary belongs to the boundary, not to the body.
        return b"".join([self.header, *encoded, b"\r\n"])


class MessageTemplate:
    """One issue's message; render() makes one recipient's copy."""

    def __init__(self, email: EmailEdition, *, sender: str, date: datetime, list_id: str) -> None:
        if date.tzinfo is None or date.utcoffset() is None:
            raise RenderError(f"email: Date must be timezone-aware, got {date!r}")
        self.subject = clean_header_text(email.subject)
        self._parts = (_Part("plain", email.text), _Part("html", email.html))
        texts = [self.subject, email.text, email.html]
        digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()
        self._boundary = f"=_{digest[:32]}"
        static = {
            "From": sender,
            "Subject": self.subject,
            "Date": format_datetime(date),
            "List-Id": list_id,
        }
        for name, value in static.items():
            _one_line(name, value, "everyone")
        head = EmailMessage(policy=email_policy.SMTP)
        try:
            for name, value in static.items():
                head[name] = _subject_header(value) if name == "Subject" else value
            head["MIME-Version"] = "1.0"
            head["Content-Type"] = f'multipart/alternative; boundary="{self._boundary}"'
            smtp = email_policy.SMTP
            self._head = b"".join(smtp.fold_binary(n, v) for n, v in head.items())
        except (ValueError, TypeError, UnicodeError) as exc:
            raise RenderError(f"email: cannot build the headers: {exc}") from exc
        if len(head["From"].addresses) != 1:
            raise RenderError(f"email: From must hold exactly one address, got {sender!r}")
        self._checked = False

    def render(self, recipient: Recipient, *, smtp: bool = False) -> bytes:
        """The recipient's message; `smtp`: as SMTP's DATA carries it, a dot that starts a
        line doubled and the final dot line added (the bytes smtplib's data() would send)."""
        if smtp and not self._checked:  # the first copy is parsed back whole, as sent
            self.render(recipient)
        to = recipient.address
        to_header = _mailbox(recipient.name, to)
        headers = [
            ("To", to_header),
            ("Message-ID", recipient.message_id),
        ]
        _one_line("To", to, to)
        _one_line("Message-ID", recipient.message_id, to)
        if not to.isascii() or not _MESSAGE_ID.fullmatch(recipient.message_id):
            raise RenderError(f"email to {to!r}: the address or Message-ID is not valid ASCII")
        link = recipient.unsubscribe_url
        if link:
            links = [recipient.unsubscribe_url, recipient.unsubscribe_mailto]
            if not all(_URL.fullmatch(u) for u in filter(None, links)):
                raise RenderError(f"email to {to!r}: unsubscribe link {link!r} is not valid")
            value = ", ".join(f"<{u}>" for u in filter(None, links))
            headers += [
                ("List-Unsubscribe", value),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        lines = b"".join(f"{n}: {v}".encode("ascii") + b"\r\n" for n, v in headers)
        # A recipient's name may be encoded and folded; a folded line starts with a space.
        lines = lines.replace(b"\n ", b"\r\n ").replace(b"\r\r\n", b"\r\n")
        boundary = f"--{self._boundary}\r\n".encode("ascii")
        parts = [boundary + part.body(link or "#", smtp=smtp) for part in self._parts]
        end = f"--{self._boundary}--\r\n".encode()
        # No header line, boundary or part header starts with a dot: with `smtp`, only the
        # parts' bodies change, and the final dot line comes after.
        data = b"".join([lines, self._head, b"\r\n", *parts, end, b".\r\n" if smtp else b""])
        # The Message-ID and links were checked above: one line each, without spaces. A
        # plain To can only read back as written, and the headers every copy shares are the
        # first copy's, parsed back whole: then the parse would find what was written.
        if not (self._checked and _plain_to(to_header, to)):
            self._check(data, recipient, [name for name, _ in headers])
        return data

    def _check(self, data: bytes, recipient: Recipient, personal: list[str]) -> None:
        """Parse the bytes as a mail client would: any injected or lost header is a bug."""
        problem = parse_problem(data, recipient, personal)
        if not problem and not self._checked:
            problem = self._check_whole(data)
            self._checked = not problem
        if problem:
            raise RenderError(f"email to {recipient.address!r}: self-check failed: {problem}")

    def _check_whole(self, data: bytes) -> str:
        parsed = BytesParser(policy=email_policy.default).parsebytes(data)
        if str(parsed["Subject"]) != self.subject:
            return f"Subject reads back as {str(parsed['Subject'])!r}"
        if len(parsed["From"].addresses) != 1:
            return "From must hold exactly one address"
        parts = list(parsed.iter_parts())
        if [p.get_content_type() for p in parts] != ["text/plain", "text/html"]:
            return "the body is not one text/plain and one text/html part"
        return ""


def parse_problem(data: bytes, recipient: Recipient, personal: list[str]) -> str:
    """What is wrong with a message's headers, parsed back as a mail client would ("": they
    are exactly the `personal` ones and the template's, To and Message-ID the recipient's)."""
    try:
        head = data[: data.index(b"\r\n\r\n") + 4]  # the body is checked once, whole
        # compat32 only splits the headers (fast); To is read as a mail client reads it.
        parsed = BytesHeaderParser(policy=email_policy.compat32).parsebytes(head)
        found = sorted(name.lower() for name in parsed)
        wanted = sorted(name.lower() for name in [*personal, *_HEADERS])
        if found != wanted:
            return f"headers are {found}, expected {wanted}"
        to = _REGISTRY("To", str(parsed["To"]))
        if [a.addr_spec for a in to.addresses] != [recipient.address]:
            return f"To reads back as {str(to)!r}"
        if parsed["Message-ID"] != recipient.message_id:
            return f"Message-ID reads back as {parsed['Message-ID']!r}"
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        return f"the message does not parse back: {exc}"
    return ""


def build_message(
    email: EmailEdition,
    *,
    sender: str,
    to: str,
    message_id: str,
    date: datetime,
    list_id: str,
    unsubscribe_url: str = "",
) -> bytes:
    """One message on its own (a test copy, the build's sample .eml); `to` may carry a
    display name ("Name <address>")."""
    _one_line("To", to, to)
    template = MessageTemplate(email, sender=sender, date=date, list_id=list_id)
    addresses = _REGISTRY("To", to).addresses
    if len(addresses) != 1:
        raise RenderError(f"email to {to!r}: self-check failed: To must be exactly one address")
    name, address = addresses[0].display_name, addresses[0].addr_spec
    recipient = Recipient(address, message_id, name=name, unsubscribe_url=unsubscribe_url)
    return template.render(recipient)
