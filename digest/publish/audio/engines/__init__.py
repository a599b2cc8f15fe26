"""Speech engines behind one interface (base.Engine), and which one says which language.

The main engine (DIGEST_AUDIO_ENGINE) reads the site's language. A paragraph in another
language goes to the main engine when it speaks it, else to eSpeak NG when that is
installed and speaks it (Festival and Piper voices are English: Arabic goes to `espeak-ng
-v ar`); a language no engine speaks is replaced in the script by a spoken note.
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.publish.audio.engines.base import AudioError, Engine, EngineMissing
from digest.publish.audio.engines.espeak import Espeak
from digest.publish.audio.engines.festival import Festival
from digest.publish.audio.engines.piper import Piper

__all__ = ["ENGINES", "AudioError", "Engine", "EngineMissing", "Voices", "engine"]

ENGINES: dict[str, type[Engine]] = {"festival": Festival, "espeak": Espeak, "piper": Piper}


def engine(name: str, voice: str | None = None) -> Engine:
    return ENGINES[name](voice)


@dataclass(frozen=True)
class Voices:
    """Which engine reads which language: picklable, for the workers."""

    main: str  # engine name
    voice: str | None  # the main engine's voice (DIGEST_AUDIO_VOICE)
    language: str  # the site's language, read by the main engine
    others: tuple[tuple[str, str], ...] = ()  # (language, engine name) for other languages

    @classmethod
    def choose(cls, main: str, voice: str | None, language: str, wanted: frozenset[str]) -> Voices:
        """The main engine (checked: EngineMissing says what to install) for `language`,
        and an engine for each of `wanted` languages there is one for."""
        first = engine(main, voice)
        first.check()
        others = []
        helper = Espeak() if main != "espeak" else None
        for tag in sorted(wanted - {language}):
            if first.speaks(tag):
                others.append((tag, main))
            elif helper is not None and helper.available() and helper.speaks(tag):
                others.append((tag, helper.name))
        return cls(main, voice, language, tuple(others))

    @property
    def languages(self) -> frozenset[str]:
        return frozenset({self.language, *(tag for tag, _ in self.others)})

    def engines(self) -> dict[str, Engine]:
        """language -> the engine that reads it."""
        main = engine(self.main, self.voice)
        found = {self.language: main}
        for tag, name in self.others:
            found[tag] = main if name == self.main else engine(name)
        return found
