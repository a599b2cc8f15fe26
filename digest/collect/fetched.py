"""What a fetch gives the parsers: its own module, so that the parser processes, which
import it (and unpickle every job's copy by this module's name), never import httpx with
collect/http.py: about 0.13 s of each collect's fork server start, on the way to the first
parse."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fetched:
    """A fetched document: status 200 (body) or 304 (not modified, empty body)."""

    url: str  # the final URL after redirects (a path for local files)
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None
