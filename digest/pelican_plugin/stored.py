"""An issue's Edition as Pelican's content cache keeps it: what lists show, and the rest
packed until a page needs it.

Pelican pickles every article's metadata into its cache and loads all of it on every
build. A whole Edition is some five hundred small objects: for a ten-year archive that is
0.4 s of pickling and unpickling, for pages that are mostly not written again. A
StoredEdition keeps as plain attributes what the archive, index and section lists show
of every issue (title, period, summary, which sections it has ...); everything else
stays pickled bytes until first read, so only the issues whose pages are written are
unpacked. Reading any other Edition field (`.sections`, `.incidents` ...) unpacks it; the
theme's issue page reads none (`section_keys`, `has_incidents`), so that each process that
writes pages does not unpack every issue again (an issue page and its exports are made in
different processes in a full build).
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

from digest.models import Edition, Period

_SHOWN = ("title", "slug", "number", "period", "layout", "series", "summary", "html")


class StoredEdition:
    """Read it as the Edition it holds: unknown attributes come from `.edition`."""

    title: str
    slug: str
    number: int | None
    period: Period | None
    layout: str
    series: str
    summary: str
    html: str  # the issue body: the same string as Pelican's content, pickled once
    section_keys: tuple[tuple[str, str], ...]  # (key, label) of each section, in order
    has_incidents: bool  # whether the issue has incident rows (its CSV is linked)

    def __init__(self, edition: Edition) -> None:
        for name in _SHOWN:
            setattr(self, name, getattr(edition, name))
        self.section_keys = tuple((s.key, s.label) for s in edition.sections)
        self.has_incidents = bool(edition.incidents)
        # The body is kept once, above; the rest goes in one bytes object (cheap to pickle).
        self._packed = pickle.dumps(replace(edition, html=""), pickle.HIGHEST_PROTOCOL)
        self._edition: Edition | None = edition

    @property
    def edition(self) -> Edition:
        if self._edition is None:
            self._edition = replace(pickle.loads(self._packed), html=self.html)
        return self._edition

    def __getattr__(self, name: str) -> Any:
        # Only called for names not set above.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.edition, name)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_edition": None}  # the packed bytes stand for it

    def __repr__(self) -> str:
        return repr(self.edition)
