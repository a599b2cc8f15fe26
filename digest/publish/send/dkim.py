"""DKIM signatures (dkimpy), optional: DIGEST_DKIM_KEY, DIGEST_DKIM_SELECTOR, DIGEST_DKIM_DOMAIN.

Most teams send through a relay that signs for them; a team with its own server signs
here. The signature covers every header a reader or a filter acts on, the one-click
unsubscribe pair included (RFC 8058 section 4 requires it), and the body.
"""

from __future__ import annotations

from pathlib import Path

import dkim

from digest.errors import DeliveryError

SIGNED_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)


class Signer:
    def __init__(self, key: bytes, selector: str, domain: str) -> None:
        self.key, self.selector, self.domain = key, selector.encode(), domain.encode()

    @classmethod
    def from_file(cls, path: Path, selector: str, domain: str) -> Signer:
        try:
            key = path.read_bytes()
            dkim.crypto.parse_pem_private_key(key)
        except (OSError, dkim.crypto.UnparsableKeyError) as exc:
            raise DeliveryError(f"{path}: not a readable DKIM private key (PEM): {exc}") from exc
        return cls(key, selector, domain)

    def sign(self, data: bytes) -> bytes:
        present = {line.split(b":", 1)[0].strip().lower() for line in _header_lines(data)}
        try:
            signature = dkim.sign(
                data,
                self.selector,
                self.domain,
                self.key,
                include_headers=[h for h in SIGNED_HEADERS if h in present],
                canonicalize=(b"relaxed", b"simple"),
            )
        except dkim.DKIMException as exc:
            raise DeliveryError(f"DKIM: cannot sign: {exc}") from exc
        return signature + data


def _header_lines(data: bytes) -> list[bytes]:
    head = data.split(b"\r\n\r\n", 1)[0]
    return [line for line in head.split(b"\r\n") if line and not line[:1].isspace()]
