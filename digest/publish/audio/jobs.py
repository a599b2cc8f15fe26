"""Each issue's audio, made again only when what it says or how it is said changed.

Stamps (digest/stamps.py) decide: the token is how the audio is made (the engines and
voices, the format, the code that synthesises, encodes and tags); the key is what is said
(the script's fingerprint and the site's name in the tags). The key is computed, which
means parsing the issue, only when an input was written after the stamp: the issue file,
the settings file, the lexicons, or the code that turns an issue into a script. A key that
still matches is recorded again, so the next build takes the fast path.

The stale issues are made a few at a time: first all their chapters, synthesised in
worker processes in parallel (longest first, so the cores finish together), then each
issue's chapters joined and encoded, also in workers; each job within the time limit, as
the PDFs are (digest.publish.pdf.workers). An issue whose chapter or encoding fails is
reported and its old audio removed (it said what the issue no longer says); the others are
still made.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest import files, stamps
from digest.publish.audio import chapters, encode, synth
from digest.publish.audio.engines import Voices
from digest.publish.audio.script import Script
from digest.publish.pdf import workers

log = logging.getLogger(__name__)

CACHE_NAME = ".audio-cache"
FORMATS = tuple(encode.MIME_TYPES)
MEMORY_MB = 2048  # a worker and the engine it runs (Festival's HTS voice: ~350 MB)
_HERE = Path(__file__).resolve().parent
# How the audio is made from a script: a change to any makes every issue's audio again.
PRODUCTION_CODE = (
    *sorted((_HERE / "engines").glob("*.py")),
    _HERE / "pcm.py",
    _HERE / "encode.py",
    _HERE / "chapters.py",
    _HERE / "synth.py",
)
# How an issue becomes a script: a change to any has every script made again and compared.
SCRIPT_CODE = (
    _HERE / "script.py",
    _HERE / "blocks.py",
    _HERE / "words.py",
    _HERE / "lexicon.py",
    *sorted((_HERE.parent.parent / "render").glob("*.py")),
)


@dataclass(frozen=True)
class IssueAudio:
    """Where one issue's audio goes and what it is made from."""

    slug: str
    source: Path  # the issue file
    folder: Path  # beside its page: output/issues/<slug>/

    def target(self, format: str) -> Path:
        return self.folder / f"{self.slug}.{format}"

    @property
    def transcript(self) -> Path:
        return self.folder / f"{self.slug}.vtt"

    @property
    def chapters(self) -> Path:
        return self.folder / f"{self.slug}.chapters.json"

    @property
    def stamp_path(self) -> Path:
        return self.folder / CACHE_NAME


@dataclass(frozen=True)
class Production:
    """How every issue's audio is made."""

    voices: Voices
    format: str  # "opus" | "mp3"
    timeout: float  # seconds a job may take
    album: str  # the site's name, in the tags
    workers: int  # processes at once


@dataclass
class AudioReport:
    made: list[str] = field(default_factory=list)  # slugs
    current: int = 0
    problems: list[str] = field(default_factory=list)  # one readable line each
    notes: list[str] = field(default_factory=list)  # what the listener misses, and why
    synthesis_seconds: float = 0.0  # wall-clock, all chapters
    encoding_seconds: float = 0.0  # wall-clock, joining, normalising, encoding
    audio_seconds: float = 0.0  # of the audio made
    words: int = 0  # said in the audio made
    loudness: dict[str, encode.Loudness] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of each file made


def token(production: Production) -> str:
    voices = production.voices
    return stamps.fingerprint(
        voices.main,
        voices.voice or "",
        voices.language,
        *(f"{tag}={name}" for tag, name in voices.others),
        production.format,
        *(path.read_bytes() for path in PRODUCTION_CODE),
    )[:16]


def key(script: Script, production: Production) -> str:
    return stamps.fingerprint(script.fingerprint(), production.album)[:32]


def plan(
    issues: Sequence[IssueAudio],
    production: Production,
    read: Callable[[IssueAudio], Script],
    inputs: Sequence[Path] = (),
) -> tuple[list[tuple[IssueAudio, Script]], int]:
    """The issues whose audio must be made, with their scripts, and how many are current.
    `read` makes an issue's script (parsing it); `inputs`: files besides the issue and
    digest's script code that the scripts depend on (the settings, the lexicon)."""
    made = token(production)
    stale: list[tuple[IssueAudio, Script]] = []
    current = 0
    for issue in issues:
        stamp = stamps.Stamp(issue.stamp_path, made)
        said: list[Script] = []

        def fingerprint(issue: IssueAudio = issue, said: list[Script] = said) -> str:
            said.append(read(issue))
            return key(said[0], production)

        outputs = [issue.target(production.format), issue.transcript, issue.chapters]
        watched = [issue.source, *SCRIPT_CODE, *inputs]
        if stamp.is_current(outputs, watched, fingerprint):
            current += 1
            if said:  # the script is the same: the next build need not read it again
                stamp.record(key(said[0], production))
        else:
            stale.append((issue, said[0] if said else read(issue)))
    return stale, current


def make_audio(
    stale: Sequence[tuple[IssueAudio, Script]],
    production: Production,
    progress: Callable[[int], Callable[[str], None]] | None = None,
) -> AudioReport:
    """Make the audio of `stale` (from plan()). `progress(total)` returns a callback
    called with each finished slug."""
    report = AudioReport()
    if not stale:
        return report
    advance = progress(len(stale)) if progress else (lambda slug: None)
    limits = workers.Limits(
        seconds=production.timeout, memory_mb=MEMORY_MB, workers=production.workers
    )
    init = synth.Setup(production.voices, production.timeout)
    made = token(production)
    with tempfile.TemporaryDirectory(prefix="digest-audio-", ignore_cleanup_errors=True) as tmp:
        scratch = Path(tmp)
        for batch in _batches(stale, max(2, production.workers * 2)):
            for slug, problem in _make_batch(
                batch, production, limits, init, scratch, made, report
            ):
                if problem is not None:
                    report.problems.append(  # the CLI prints these: not logged too
                        f"{slug}: could not make the audio: {problem}; "
                        "the issue is published without it"
                    )
                advance(slug)
    return report


def _batches(
    stale: Sequence[tuple[IssueAudio, Script]], size: int
) -> Iterator[Sequence[tuple[IssueAudio, Script]]]:
    """A few issues at a time: their chapters' sound waits on disk for the encoder."""
    for start in range(0, len(stale), size):
        yield stale[start : start + size]


def _make_batch(
    batch: Sequence[tuple[IssueAudio, Script]],
    production: Production,
    limits: workers.Limits,
    init: synth.Setup,
    scratch: Path,
    made: str,
    report: AudioReport,
) -> Iterator[tuple[str, str | None]]:
    """(slug, None) for each issue made, (slug, why not) for each that failed."""
    jobs = [
        synth.ChapterJob(
            issue.slug, index, chapter.utterances, str(scratch / f"{issue.slug}.{index}.pcm")
        )
        for issue, script in batch
        for index, chapter in enumerate(script.chapters)
    ]
    samples: dict[str, dict[int, int]] = {issue.slug: {} for issue, _ in batch}
    failed: dict[str, str] = {}
    started = time.perf_counter()
    longest_first = sorted(jobs, key=lambda job: -job.words)
    for outcome in workers.run(longest_first, module=synth.__name__, init=init, limits=limits):
        job = outcome.job
        _log(job.slug, outcome.logs)
        if outcome.error is not None:
            title = next(s for i, s in batch if i.slug == job.slug).chapters[job.index].title
            failed.setdefault(job.slug, f"chapter {title!r}: {outcome.error}")
        else:
            samples[job.slug][job.index] = outcome.value
    report.synthesis_seconds += time.perf_counter() - started

    started = time.perf_counter()
    encodes = [
        synth.EncodeJob(
            issue.slug,
            tuple(job.target for job in jobs if job.slug == issue.slug),
            str(scratch / f"{issue.slug}.{production.format}"),
            production.format,
        )
        for issue, _ in batch
        if issue.slug not in failed
    ]
    encoded: dict[str, encode.Loudness] = {}
    for outcome in workers.run(encodes, module=synth.__name__, init=init, limits=limits):
        _log(outcome.job.slug, outcome.logs)
        if outcome.error is not None:
            failed[outcome.job.slug] = outcome.error
        else:
            encoded[outcome.job.slug] = outcome.value
    for issue, script in batch:
        if issue.slug in encoded:
            counts = [samples[issue.slug][i] for i in range(len(script.chapters))]
            _publish(issue, script, counts, scratch, production, made, encoded[issue.slug], report)
    report.encoding_seconds += time.perf_counter() - started
    for issue, _ in batch:
        for path in scratch.glob(f"{issue.slug}.*"):
            path.unlink(missing_ok=True)
        if issue.slug in failed:
            _discard(issue)
        yield issue.slug, failed.get(issue.slug)


def _publish(
    issue: IssueAudio,
    script: Script,
    counts: list[int],
    scratch: Path,
    production: Production,
    made: str,
    loudness: encode.Loudness,
    report: AudioReport,
) -> None:
    """Tag the encoded file with its chapters, then put it, its chapters and its
    transcript beside the issue's page, each whole; the stamp last."""
    form = production.format
    encoded = scratch / f"{issue.slug}.{form}"
    found = chapters.marks(script, counts)
    tags = chapters.Tags(script.title, production.album, script.date, script.language)
    chapters.tag(encoded, form, found, tags)
    data = encoded.read_bytes()
    files.write_bytes(issue.target(form), data)
    files.write_text(issue.chapters, chapters.chapters_json(found))
    files.write_text(issue.transcript, chapters.webvtt(found))
    for other in FORMATS:  # a switch of DIGEST_AUDIO_FORMAT leaves no stale file behind
        if other != form:
            issue.target(other).unlink(missing_ok=True)
    stamps.Stamp(issue.stamp_path, made).record(key(script, production))
    seconds = found[-1].end_ms / 1000 if found else 0.0
    report.made.append(issue.slug)
    report.audio_seconds += seconds
    report.words += script.words
    report.loudness[issue.slug] = loudness
    report.sizes[issue.slug] = len(data)
    log.info(
        "%s: audio written (%s, %d:%02d, %d bytes, %.1f LUFS)",
        issue.slug,
        form,
        *divmod(round(seconds), 60),
        len(data),
        loudness.after,
    )


def _log(slug: str, logs: Sequence[tuple[int, str]]) -> None:
    for level, message in logs:
        log.log(level, "%s: audio: %s", slug, message)


def _discard(issue: IssueAudio) -> None:
    """Audio of what the issue said before is worse than none."""
    for path in (*(issue.target(f) for f in FORMATS), issue.transcript, issue.chapters):
        path.unlink(missing_ok=True)
    issue.stamp_path.unlink(missing_ok=True)
