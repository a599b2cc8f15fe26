"""`digest audio [SLUG...]`, and the audio step of `digest build` (DIGEST_AUDIO): each
published issue read aloud into a file beside its page, with its chapters and transcript.

Glue: the settings say which engine, voice, format and script options; the issue files
say what is said (parsed here, or handed over by the build's check); digest.publish.audio
does the rest. A missing engine or ffmpeg is one line naming the package to install.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from digest.commands.check import issue_files
from digest.config import Settings
from digest.errors import ConfigError, RenderError
from digest.models import Edition
from digest.pelican_plugin.reader import read_issue
from digest.publish.audio import jobs, lexicon, pcm
from digest.publish.audio.engines import AudioError, Voices
from digest.publish.audio.jobs import AudioReport, IssueAudio, Production
from digest.publish.audio.script import LANGUAGE_NAMES, Script, ScriptOptions, script
from digest.publish.pdf import workers
from digest.render.edition import split_metadata

__all__ = ["AudioError", "AudioReport", "make_audio"]

FOLDER_NEEDED = (
    "DIGEST_AUDIO: the audio goes beside each issue's page, in a folder of its own: "
    "set ARTICLE_SAVE_AS to a pattern like 'issues/{slug}/index.html'"
)


@dataclass(frozen=True)
class Plan:
    production: Production
    options: ScriptOptions
    notes: tuple[str, ...]  # what the listener will miss, and what to install for it


def prepare(settings: Settings) -> Plan:
    """The engines (checked: EngineMissing names what to install), ffmpeg, the lexicon and
    the script's options."""
    if settings.language.split("-")[0].lower() != "en":
        raise AudioError(
            f"DIGEST_AUDIO: the audio edition reads English issues only; DEFAULT_LANG is "
            f"{settings.language!r}"
        )
    wanted = frozenset(LANGUAGE_NAMES) if settings.audio_arabic == "voice" else frozenset()
    voices = Voices.choose(settings.audio_engine, settings.audio_voice, "en", wanted)
    pcm.ffmpeg()  # EngineMissing: ffmpeg is not installed
    notes = []
    if settings.audio_arabic == "voice" and "ar" not in voices.languages:
        notes.append(
            "audio: Arabic paragraphs are replaced by a spoken note: apt-get install "
            "espeak-ng to have them read (or set DIGEST_AUDIO_ARABIC = 'skip')"
        )
    options = ScriptOptions(
        language="en",
        arabic=settings.audio_arabic,
        sources=settings.audio_sources,
        voiced=voices.languages,
        lexicon=lexicon.load(settings.audio_lexicon),
        source_names=tuple(source.name for source in settings.sources),
    )
    production = Production(
        voices=voices,
        format=settings.audio_format,
        timeout=settings.audio_timeout,
        album=settings.sitename,
        workers=workers.default_workers(),
    )
    return Plan(production, options, tuple(notes))


def published_issues(settings: Settings, slugs: Sequence[str] = ()) -> list[IssueAudio]:
    """The published issues (all, or those of `slugs`), each with its page's folder."""
    pattern = str(settings.pelican.get("ARTICLE_SAVE_AS") or "{slug}.html")
    folder = PurePosixPath(pattern).parent.as_posix()
    if "{slug}" not in folder:
        raise ConfigError(FOLDER_NEEDED, path=str(settings.config_path))
    found: dict[str, IssueAudio] = {}
    for path in issue_files(settings):
        meta = _header(path)
        if meta.get("status", "published").strip().lower() == "draft":
            continue  # a preview: never published, never read aloud
        slug = meta.get("slug") or path.stem
        try:
            where = folder.format(slug=slug)
        except (KeyError, IndexError, ValueError):
            raise ConfigError(FOLDER_NEEDED, path=str(settings.config_path)) from None
        found[slug] = IssueAudio(slug, path, settings.output_path / where)
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise RenderError(
            f"{', '.join(missing)}: no such published issue in {settings.issues_path}"
        )
    return [found[slug] for slug in slugs] if slugs else list(found.values())


def _header(path: Path) -> dict[str, str]:
    with path.open("rb") as file:  # the header is at the top: no need to read a whole issue
        head = file.read(16_384).decode("utf-8", "replace")
    return split_metadata(head.removeprefix("\ufeff")).meta


def make_audio(
    settings: Settings,
    slugs: Sequence[str] = (),
    *,
    parsed: Mapping[str, tuple[Any, dict[str, str]]] | None = None,
    progress: Callable[[int], Callable[[str], None]] | None = None,
) -> AudioReport:
    """The audio of every published issue (or of `slugs`) whose script or production
    changed. `parsed`: issues the build's check parsed already, by absolute path."""
    plan = prepare(settings)
    issues = published_issues(settings, slugs)
    parsed = parsed or {}

    def read(issue: IssueAudio) -> Script:
        found = parsed.get(str(issue.source.resolve()))
        edition: Edition = (
            found[0].edition
            if found is not None
            else read_issue(issue.source, settings.sections, settings.sources)[0]
        )
        return script(edition, plan.options)

    inputs = [settings.config_path]
    if settings.audio_lexicon is not None:
        inputs.append(settings.audio_lexicon)
    stale, current = jobs.plan(issues, plan.production, read, inputs)
    report = jobs.make_audio(stale, plan.production, progress)
    report.current = current
    report.notes.extend(plan.notes)
    return report
