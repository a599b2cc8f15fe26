"""Signed tokens that name one subscriber's address for one purpose (unsubscribe, confirm).

A token is `<payload>.<signature>`, both base64url without padding: the payload is
`purpose:address[:expires]`, the signature an HMAC-SHA256 of it under the list's secret
(DIGEST_SECRET_KEY, from the environment). A token made for one purpose or address is
worthless for another; anyone can read the address in it, nobody can forge one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from digest.errors import TokenError

SIGNATURE_BYTES = 16  # 128 bits: far past guessing, and the link stays short


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Strict: one spelling per token (no padding, no stray characters)."""
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64(data) != text:
        raise ValueError("not the canonical spelling")
    return data


def _signature(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make_token(secret: bytes, purpose: str, address: str, *, expires: int | None = None) -> str:
    """A token for `address` and `purpose`; `expires`: a Unix time after which it is refused."""
    if ":" in purpose or not secret:
        raise ValueError("a token needs a secret and a purpose without ':'")
    payload = f"{purpose}:{address}" + (f":{expires}" if expires is not None else "")
    data = payload.encode("utf-8")
    return f"{_b64(data)}.{_b64(_signature(secret, data))}"


def read_token(secret: bytes, purpose: str, token: str, *, now: float | None = None) -> str:
    """The address a valid token names; TokenError otherwise."""
    payload_text, _, signature_text = token.partition(".")
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except (binascii.Error, ValueError) as exc:
        raise TokenError("the link is damaged") from exc
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        raise TokenError("the link is not valid")
    kind, _, rest = payload.decode("utf-8", "replace").partition(":")
    if kind != purpose:
        raise TokenError("the link is not valid")
    address, _, expires = rest.partition(":")
    if expires and (now is None or not expires.isdigit() or now > int(expires)):
        raise TokenError("the link has expired")
    return address
