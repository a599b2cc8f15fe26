"""Fetched bytes -> text: which encoding a feed or page is in, decided once for every parser.

The order is RFC 7303's (and the HTML standard's): a byte-order mark, or the zero bytes of
UTF-16/32 without one (XML 1.0 appendix F); then the HTTP charset; then the document's own
label (the XML declaration, or an HTML <meta charset>); then UTF-8. Labels are read the way
browsers read them (the WHATWG Encoding standard): ISO-8859-1 and US-ASCII as windows-1252,
GB2312 as GB18030, and so on. The bytes outrank a label where that cannot be an accident:

- a body that is valid UTF-8 is UTF-8 when a label says so, or when the only labels name a
  Latin-1 charset (servers' usual default, right or wrong);
- in a document that should be UTF-8 but is not, each bad byte is read as windows-1252
  (smart quotes pasted from a word processor), not the whole document: the UTF-8 around them
  stays intact. feedparser and BeautifulSoup both switch the whole document to windows-1252,
  which turns every other non-ASCII character into mojibake.

Anything that was wrong comes back as a one-line warning for the source's health.
"""

from __future__ import annotations

import codecs
import re

BOM_CODECS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16LE, whose BOM it starts with
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
BOMS = tuple(bom for bom, _ in BOM_CODECS)
# The first character ("<" or white space) of a UTF-16/32 document without a BOM is an
# ASCII character padded with zero bytes.
_ZERO_PADDED = (
    (re.compile(rb"\x00\x00\x00[^\x00]"), "utf-32-be"),
    (re.compile(rb"[^\x00]\x00\x00\x00"), "utf-32-le"),
    (re.compile(rb"\x00[^\x00]\x00[^\x00]"), "utf-16-be"),
    (re.compile(rb"[^\x00]\x00[^\x00]\x00"), "utf-16-le"),
)
_EBCDIC_XML = b"Lo\xa7\x94"  # "<?xm" in EBCDIC
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';,\s]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"'>]*)[\"']")
# Labels Python's codecs do not know, and labels browsers read as a superset.
_ALIASES = {
    "ucs-2": "utf-16", "iso-10646-ucs-2": "utf-16", "csunicode": "utf-16", "ucs-4": "utf-32",
    "iso-10646-ucs-4": "utf-32", "csucs4": "utf-32", "windows-874": "cp874", "x-sjis": "cp932",
}  # fmt: skip
_SUPERSETS = {
    "ascii": "windows-1252", "iso8859-1": "windows-1252", "cp1252": "windows-1252",
    "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874", "gb2312": "gb18030",
    "gbk": "gb18030", "euc_kr": "cp949", "big5": "big5hkscs", "shift_jis": "cp932",
}  # fmt: skip
# windows-1252 as browsers decode it: the five bytes cp1252 leaves undefined map to C1
# controls (as in Latin-1), which normalize then strips.
_C1_AS_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252", "replace").replace("\ufffd", chr(byte))
    for byte in range(0x80, 0xA0)
}


def _windows_1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1").translate(_C1_AS_WINDOWS_1252), error.end


codecs.register_error("digest.windows-1252", _windows_1252_fallback)


def decode(
    body: bytes, content_type: str = "", declared: str | None = None
) -> tuple[str, list[str]]:
    """`body` as text, and what was wrong with its encoding. `content_type` is the HTTP
    header; `declared` the label the document gives itself (XML declaration, <meta>)."""
    warnings: list[str] = []
    header_label = match.group(1) if (match := _CHARSET.search(content_type)) else None
    sniffed, bom_length = _sniff(body)
    if sniffed:
        header = _codec(header_label) if header_label else None
        if header and header[:6] != sniffed[:6] and sniffed != "cp037":
            warnings.append(
                f"the byte-order mark says {sniffed.upper()} but the Content-Type says "
                f"{_quoted(header_label or '')}: read as {sniffed.upper()}"
            )
        return _decode_as(body[bom_length:], sniffed, warnings), warnings

    labels = []
    for label in (header_label, declared):
        if not label:
            continue
        codec = _codec(label)
        if codec is None:
            warnings.append(f"unknown encoding {_quoted(label)}; ignored")
        elif not codec.startswith(("utf-16", "utf-32")):  # impossible without zero bytes
            labels.append(codec)
    if not labels or "utf-8" in labels or set(labels) == {"windows-1252"}:
        labels.insert(0, "utf-8")
    for codec in dict.fromkeys(labels):
        try:
            return _decode_strictly(body, codec), warnings
        except UnicodeDecodeError:
            continue
    return _decode_as(body, labels[0], warnings), warnings


def xml_declared_encoding(body: bytes) -> str | None:
    """The encoding an ASCII-compatible XML document declares, if any."""
    start = body.removeprefix(b"\xef\xbb\xbf")[:1024].decode("ascii", "replace")
    match = _XML_ENCODING.match(start)
    return match.group(1) if match else None


def _sniff(body: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark or zero-byte padding shows, and the BOM's length."""
    for bom, codec in BOM_CODECS:
        if body.startswith(bom):
            return codec, len(bom)
    for pattern, codec in _ZERO_PADDED:
        if pattern.match(body):
            return codec, 0
    if body.startswith(_EBCDIC_XML):
        declared = _XML_ENCODING.match(body[:1024].decode("cp037"))
        codec = _codec(declared.group(1)) if declared else None
        return (codec if codec and codec.startswith("cp") else "cp037"), 0
    return None, 0


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(name, name)


def _decode_strictly(body: bytes, codec: str) -> str:
    if codec == "windows-1252":  # never fails
        return body.decode("latin-1").translate(_C1_AS_WINDOWS_1252)
    return body.decode(codec)


def _decode_as(body: bytes, codec: str, warnings: list[str]) -> str:
    """`body` in `codec`; where it is not, a warning and the bad bytes replaced."""
    try:
        return _decode_strictly(body, codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            how, errors = "read the bad bytes as windows-1252", "digest.windows-1252"
        else:
            how, errors = "replaced the bad bytes", "replace"
        warnings.append(f"not valid {codec.upper()} (first bad byte at {exc.start:,}); {how}")
        return body.decode(codec, errors)


def _quoted(label: str) -> str:
    shown = "".join(c if c.isprintable() else "?" for c in label[:30])
    return repr(shown + ("…" if len(label) > 30 else ""))
