"""What a worker process does (digest.publish.pdf.workers serves this module): synthesise
one chapter into our PCM, or join an issue's chapters and encode them.

A chapter is the unit of work, so that one long issue still keeps every core busy; the
encoding of an issue waits for all its chapters (jobs.py runs the two as two rounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.publish.audio import encode, pcm
from digest.publish.audio.engines import Engine, Voices
from digest.publish.audio.engines.base import AudioError
from digest.publish.audio.script import Utterance


@dataclass(frozen=True)
class Setup:
    voices: Voices
    timeout: float  # seconds, for any one engine or ffmpeg run


@dataclass(frozen=True)
class ChapterJob:
    slug: str
    index: int
    utterances: tuple[Utterance, ...]
    target: str  # where its PCM goes

    @property
    def words(self) -> int:
        return sum(len(u.text.split()) for u in self.utterances)


@dataclass(frozen=True)
class EncodeJob:
    slug: str
    chapters: tuple[str, ...]  # the chapters' PCM files, in order
    target: str  # the encoded file (scratch), tagged and published by jobs.py
    format: str


@dataclass(frozen=True)
class State:
    engines: dict[str, Engine]
    timeout: float


def setup(init: Setup) -> State:
    return State(init.voices.engines(), init.timeout)


def work(state: State, job: ChapterJob | EncodeJob) -> int | encode.Loudness:
    if isinstance(job, ChapterJob):
        return chapter(state, job)
    return join_and_encode(state, job)


def chapter(state: State, job: ChapterJob) -> int:
    """Synthesise the chapter's utterances with their pauses; returns its length in
    samples. Runs of one engine's sound are resampled in one go."""
    pieces: list[tuple[pcm.Format, bytearray]] = []
    for language, run in _runs([u for u in job.utterances if u.text.strip()]):
        engine = state.engines.get(language)
        if engine is None:  # script.py notes a language no engine speaks: never here
            raise AudioError(f"no voice for language {language!r}")
        sounds = engine.synthesize_many([u.text for u in run], language, state.timeout)
        for utterance, wav in zip(run, sounds, strict=True):
            form, data = pcm.read_wav(wav, engine.name)
            if not pieces or pieces[-1][0] != form:
                pieces.append((form, bytearray()))
            pieces[-1][1].extend(data)
            pieces[-1][1].extend(pcm.silence(utterance.pause, form))
    sound = b"".join(pcm.converted(form, bytes(data), state.timeout) for form, data in pieces)
    Path(job.target).write_bytes(sound)  # scratch: the run's temporary folder
    return len(sound) // pcm.WIDTH


def _runs(utterances: Sequence[Utterance]) -> list[tuple[str, list[Utterance]]]:
    """Consecutive utterances in one language, each run said by one engine run."""
    runs: list[tuple[str, list[Utterance]]] = []
    for utterance in utterances:
        if runs and runs[-1][0] == utterance.language:
            runs[-1][1].append(utterance)
        else:
            runs.append((utterance.language, [utterance]))
    return runs


def join_and_encode(state: State, job: EncodeJob) -> encode.Loudness:
    target = Path(job.target)
    joined = target.with_suffix(".pcm")
    with joined.open("wb") as out:
        for part in job.chapters:
            out.write(Path(part).read_bytes())
    try:
        return encode.encode(joined, target, job.format, state.timeout)
    finally:
        joined.unlink(missing_ok=True)
