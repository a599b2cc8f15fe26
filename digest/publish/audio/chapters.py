"""Where each chapter starts, said four ways from the same milliseconds: in the audio file
(Ogg: CHAPTERxxx / CHAPTERxxxNAME comments; MP3: ID3 CHAP frames under a CTOC), in the
Podcasting 2.0 JSON chapters (`<slug>.chapters.json`) and in the WebVTT transcript
(`<slug>.vtt`, one cue a chapter, holding what the chapter says).

Times come from sample counts (pcm.py), rounded once to milliseconds here, so the four
agree exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.publish.audio.pcm import RATE
from digest.publish.audio.script import Script


@dataclass(frozen=True)
class Mark:
    title: str
    start_ms: int
    end_ms: int
    text: str  # the chapter's transcript


@dataclass(frozen=True)
class Tags:
    title: str  # the title
    album: str  # the site's name
    date: str | None  # YYYY-MM-DD, the period's end
    language: str


def marks(script: Script, samples: Sequence[int]) -> list[Mark]:
    """The chapters of `script`, `samples[i]` long each."""
    found, at = [], 0
    for chapter, count in zip(script.chapters, samples, strict=True):
        start, at = at, at + count
        found.append(Mark(chapter.title, _ms(start), _ms(at), chapter.transcript))
    return found


def _ms(samples: int) -> int:
    return (samples * 1000 + RATE // 2) // RATE


def clock(ms: int) -> str:
    """HH:MM:SS.mmm, as WebVTT and the Vorbis chapter comments write times."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def chapters_json(found: Sequence[Mark]) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0)."""
    data = {
        "version": "1.2.0",
        "chapters": [{"startTime": m.start_ms / 1000, "title": m.title} for m in found],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def webvtt(found: Sequence[Mark]) -> str:
    """A cue a chapter: the chapter's title as its identifier (`cue.id` to a page's
    script), its times, what it says (escaped; no blank line, no "-->" inside, which would
    end or break the cue)."""
    out = ["WEBVTT", ""]
    for number, mark in enumerate(found, start=1):
        out.append(_identifier(mark.title) or str(number))
        out.append(f"{clock(mark.start_ms)} --> {clock(mark.end_ms)}")
        out.extend(_cue_line(line) for line in mark.text.splitlines() if line.strip())
        out.append("")
    return "\n".join(out)


def _identifier(title: str) -> str:
    """A title as a cue identifier: one line, no "-->", and no markup characters (an
    identifier is not unescaped: a script putting it into a page must not meet any)."""
    title = title.replace("-->", "->")
    return " ".join("".join(c for c in title if c not in "<>&").split())


def _cue_line(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("--&gt;", "-- &gt;")


def tag(path: Path, format: str, found: Sequence[Mark], tags: Tags) -> None:
    """Write the tags and chapters into the encoded file (mutagen; no padding, so the
    same chapters give the same bytes)."""
    if format == "opus":
        _tag_ogg(path, found, tags)
    else:
        _tag_mp3(path, found, tags)


def _tag_ogg(path: Path, found: Sequence[Mark], tags: Tags) -> None:
    from mutagen.oggopus import OggOpus

    audio = OggOpus(path)
    comments = audio.tags
    assert comments is not None  # an Ogg Opus stream always has its comment header
    comments.clear()
    comments["TITLE"] = tags.title
    comments["ALBUM"] = tags.album
    comments["ARTIST"] = tags.album
    comments["LANGUAGE"] = tags.language
    if tags.date:
        comments["DATE"] = tags.date
    for number, mark in enumerate(found, start=1):
        comments[f"CHAPTER{number:03d}"] = clock(mark.start_ms)
        comments[f"CHAPTER{number:03d}NAME"] = mark.title
    audio.save(padding=lambda info: 0)


def _tag_mp3(path: Path, found: Sequence[Mark], tags: Tags) -> None:
    from mutagen.id3 import CHAP, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, CTOCFlags

    frames = ID3()
    frames.add(TIT2(encoding=3, text=[tags.title]))
    frames.add(TALB(encoding=3, text=[tags.album]))
    frames.add(TPE1(encoding=3, text=[tags.album]))
    frames.add(TLAN(encoding=3, text=[tags.language]))
    if tags.date:
        frames.add(TDRC(encoding=3, text=[tags.date]))
    ids = [f"chp{number}" for number in range(len(found))]
    frames.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=[tags.title])],
        )
    )
    for element, mark in zip(ids, found, strict=True):
        frames.add(
            CHAP(
                element_id=element,
                start_time=mark.start_ms,
                end_time=mark.end_ms,
                start_offset=0xFFFFFFFF,  # "not used": times, not byte offsets, place it
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=[mark.title])],
            )
        )
    # ID3v2.3: what podcast apps read most widely (CHAP and CTOC are defined for it too).
    frames.save(path, v2_version=3, padding=lambda info: 0)
