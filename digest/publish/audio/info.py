"""What an issue's audio is, read back from the files beside its page: the one thing pages,
issue.json and the podcast feed need to know about the spoken edition."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# Opus first: it is the default format, so a folder holding both (a format switch between
# builds before the stale file is removed) describes the one the build now makes.
FORMATS: tuple[tuple[str, str], ...] = (("opus", "audio/ogg"), ("mp3", "audio/mpeg"))


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds from the start of the file


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    format: str  # "opus" | "mp3"
    mime_type: str  # "audio/ogg" | "audio/mpeg"
    size: int  # bytes
    duration: float  # seconds
    chapters: tuple[Chapter, ...]
    transcript: Path | None  # the .vtt beside the audio, when there is one


def audio_info(folder: Path, slug: str, *, format: str | None = None) -> AudioInfo | None:
    """The audio of issue `slug` in `folder` (output/issues/<slug>/), or None when there is
    no audio file. `format` picks one of "opus"/"mp3"; by default the first that exists."""
    for name, mime in FORMATS:
        if format is not None and name != format:
            continue
        path = folder / f"{slug}.{name}"
        if path.is_file():
            transcript = folder / f"{slug}.vtt"
            return AudioInfo(
                path=path,
                format=name,
                mime_type=mime,
                size=path.stat().st_size,
                duration=_duration(path),
                chapters=_chapters(folder / f"{slug}.chapters.json"),
                transcript=transcript if transcript.is_file() else None,
            )
    return None


def _duration(path: Path) -> float:
    """Seconds, read from the file; ValueError when it is not audio mutagen can read."""
    # Imported here: a site without audio never loads mutagen.
    import mutagen

    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as exc:
        raise ValueError(f"{path.name}: not a readable audio file: {exc}") from None
    if audio is None or audio.info is None:
        raise ValueError(f"{path.name}: not a readable audio file")
    return float(audio.info.length)


def _chapters(path: Path) -> tuple[Chapter, ...]:
    if not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Chapter(title=str(entry["title"]), start=float(entry["startTime"]))
        for entry in data.get("chapters", ())
    )
