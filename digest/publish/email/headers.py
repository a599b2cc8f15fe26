"""Text made fit for one email header line (kept apart from the renderer: the subscriber
list and the subscription service need it without BeautifulSoup and the CSS inliner)."""

from __future__ import annotations

import unicodedata


def clean_header_text(value: str) -> str:
    """One line of text fit for a header: no control characters, whitespace collapsed."""
    # BAD-INPUTS 38: CR, LF, NUL, U+2028 ... in a title would otherwise start new headers.
    # str.split() treats CR/LF/U+2028/U+2029/U+0085 as whitespace; other controls go.
    kept = "".join(c for c in value if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())
