"""The abbreviation lexicon: "PMF" -> "Popular Mobilisation Forces", a CSV of
`abbreviation,spoken` rows. The bundled one (digest/data/lexicon/abbreviations.csv) is
extended, entry by entry, by the project's own (DIGEST_AUDIO_LEXICON): a row there adds an
abbreviation or says a bundled one differently; an empty `spoken` leaves it unexpanded."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from digest import files
from digest.errors import ConfigError

BUNDLED = "lexicon/abbreviations.csv"


def bundled_text() -> str:
    return resources.files("digest.data").joinpath(BUNDLED).read_text(encoding="utf-8")


def parse(text: str, name: str) -> dict[str, str]:
    """The rows of a lexicon CSV; ConfigError names the file and line of each bad row."""
    found: dict[str, str] = {}
    problems: list[str] = []
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and [cell.strip().lower() for cell in row[:2]] == ["abbreviation", "spoken"]:
            continue
        if len(row) != 2:
            problems.append(
                f"{name}:{number}: expected 2 cells (abbreviation,spoken), got {len(row)}"
            )
            continue
        key, said = row[0].strip(), " ".join(row[1].split())
        if not key:
            problems.append(f"{name}:{number}: empty abbreviation")
            continue
        found[key] = said
    if problems:
        raise ConfigError(problems)
    return found


def load(extra: Path | None = None) -> dict[str, str]:
    """The bundled lexicon, then `extra`'s rows over it; entries whose spoken form is empty
    are dropped (the project's way to keep an abbreviation as written)."""
    lexicon = parse(bundled_text(), BUNDLED)
    if extra is not None:
        try:
            text = extra.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ConfigError(f"DIGEST_AUDIO_LEXICON: {files.shown(extra)}: {reason}") from None
        lexicon.update(parse(text, files.shown(extra)))
    return {key: said for key, said in lexicon.items() if said}
