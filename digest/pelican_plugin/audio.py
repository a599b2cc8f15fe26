"""The spoken edition on the site: each issue's audio, made beside its page before Pelican
runs (digest.publish.audio), handed to the issue page, issue.json and the podcast feed.

With DIGEST_AUDIO on, each published issue gets `digest_audio` as soon as Pelican has read
the issues: a PublishedAudio read from the files of DIGEST_AUDIO_FORMAT beside its page
(audio_info), or None when there are none (its audio failed, or was never made); a file
that cannot be read stops the build with one line naming it. Templates get
DIGEST_PODCAST_FEED, the podcast feed's path (as FEED_ALL_RSS is a path) when some issue
has audio, else None. With DIGEST_AUDIO off nothing is read: no page, export or feed
differs by a byte from a site without audio, whatever audio files an earlier build left.

What an issue's audio shows is part of its page's fingerprint (incremental.py): audio made
or remade since the last build writes the page and issue.json again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals

from digest.errors import RenderError
from digest.pelican_plugin.reader import settings_for
from digest.publish.audio.info import AudioInfo, audio_info
from digest.publish.email.edition import spoken_minutes

CONTEXT_KEY = "DIGEST_PODCAST_FEED"
PODCAST_PATH = "feeds/podcast.xml"
# Browsers that cannot play Opus (older Safari) skip a <source> by its codecs, not by trying.
_HTML_TYPES = {"opus": "audio/ogg; codecs=opus"}
_FORMAT_NAMES = {"opus": "Opus", "mp3": "MP3"}


def seconds_text(seconds: float) -> str:
    """Seconds as a data attribute and a media fragment say them: "754.25", "0"."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def clock(seconds: float) -> str:
    """A chapter's start as a player shows it: "4:05", "1:02:03"."""
    whole = math.floor(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class AudioChapter:
    title: str
    start: float  # seconds from the start of the file

    @property
    def start_text(self) -> str:
        return seconds_text(self.start)

    @property
    def clock(self) -> str:
        return clock(self.start)


@dataclass(frozen=True)
class PublishedAudio:
    """What the site shows of one issue's audio; paths relative to the output folder. Its
    repr is part of the issue page's fingerprint (incremental.py)."""

    href: str  # issues/<slug>/<slug>.opus
    format: str  # "opus" | "mp3"
    mime_type: str  # "audio/ogg" | "audio/mpeg": the file's, as the feed's enclosure says
    size: int  # bytes
    duration: float  # seconds
    chapters: tuple[AudioChapter, ...]
    transcript_href: str | None  # the WebVTT transcript, one cue per chapter
    chapters_href: str | None  # the Podcasting 2.0 JSON chapters

    @property
    def minutes(self) -> int:
        return spoken_minutes(self.duration)

    @property
    def html_type(self) -> str:
        """The <source> type: with its codecs where browsers need them to choose."""
        return _HTML_TYPES.get(self.format, self.mime_type)

    @property
    def format_name(self) -> str:
        return _FORMAT_NAMES.get(self.format, self.format.upper())

    @property
    def size_text(self) -> str:
        """The download link's size: "5.1 MB", "840 kB"."""
        if self.size >= 1_000_000:
            return f"{self.size / 1_000_000:.1f} MB"
        return f"{max(1, round(self.size / 1000))} kB"

    def as_json(self, site_url: str) -> dict[str, Any]:
        """issue.json's "audio" (README: "issue.json")."""
        return {
            "url": f"{site_url}/{self.href}",
            "type": self.mime_type,
            "size": self.size,
            "duration": round(self.duration, 3),
            "transcript": f"{site_url}/{self.transcript_href}" if self.transcript_href else None,
            "chapters": [{"title": c.title, "start": round(c.start, 3)} for c in self.chapters],
        }


def issue_audio(
    output: Path, save_as: str, slug: str, audio_format: str | None = None
) -> PublishedAudio | None:
    """The audio beside the page `save_as` (relative to `output`), or None; `audio_format`:
    only a file of that format (DIGEST_AUDIO_FORMAT: not one left by an earlier setting)."""
    from mutagen import MutagenError  # only with DIGEST_AUDIO on: mutagen reads the files

    folder = PurePosixPath(save_as).parent
    try:
        info = audio_info(output / folder, slug, format=audio_format)
        if info is not None and not info.duration > 0:  # mutagen's answer for a cut file
            raise ValueError(f"{info.path.name} has no length")
    except (OSError, ValueError, KeyError, TypeError, MutagenError) as exc:
        raise RenderError(
            f"{output / folder / slug}: the audio edition cannot be read ({exc}); "
            f"run `digest audio {slug}` to make it again"
        ) from exc
    return None if info is None else _view(info, folder, slug)


def _view(info: AudioInfo, folder: PurePosixPath, slug: str) -> PublishedAudio:
    def href(path: Path | None) -> str | None:
        return (folder / path.name).as_posix() if path is not None else None

    chapters_file = info.path.with_name(f"{slug}.chapters.json")
    return PublishedAudio(
        href=(folder / info.path.name).as_posix(),
        format=info.format,
        mime_type=info.mime_type,
        size=info.size,
        duration=info.duration,
        chapters=tuple(AudioChapter(c.title, c.start) for c in info.chapters),
        transcript_href=href(info.transcript),
        chapters_href=href(chapters_file if chapters_file.is_file() else None),
    )


def enabled(settings: dict[str, Any]) -> bool:
    return bool(settings_for(settings).audio)


def attach_audio(generator: Any) -> None:
    """`article_generator_finalized`: each published issue's audio, and the podcast feed's path."""
    settings = generator.settings
    generator.context[CONTEXT_KEY] = None
    if not enabled(settings):
        return
    output = Path(settings["OUTPUT_PATH"])
    audio_format = settings_for(settings).audio_format
    found = False
    for article in generator.articles:
        if getattr(article, "digest", None) is None:
            continue
        article.digest_audio = issue_audio(output, article.save_as, article.slug, audio_format)
        found = found or article.digest_audio is not None
    if found:
        generator.context[CONTEXT_KEY] = PODCAST_PATH


def register() -> None:
    signals.article_generator_finalized.connect(attach_audio)
