"""eSpeak NG (Debian's `espeak-ng`): robotic but small, fast and many-languaged. It reads
the Arabic paragraphs (`-v ar`) whatever the main engine, and can read everything."""

from __future__ import annotations

import re
import shutil

from digest.publish.audio.engines.base import Engine

INSTALL = "espeak-ng: not installed; apt-get install espeak-ng"
DEFAULT_VOICES = {"en": "en-us", "ar": "ar"}
VOICE_NAME = re.compile(r"[A-Za-z0-9_+-]+")
# The languages eSpeak NG 1.51 has a voice for, of those an issue's paragraphs are tagged
# with (render/edition.py: a right-to-left paragraph's language, else the site's).
LANGUAGES = frozenset({"en", "ar", "fa", "he", "ku", "tr"})


class Espeak(Engine):
    name = "espeak"

    def missing(self) -> str | None:
        if shutil.which("espeak-ng") is None:
            return INSTALL
        if self.voice is not None and not VOICE_NAME.fullmatch(self.voice):
            return f"espeak: {self.voice!r} is not an eSpeak NG voice name"
        return None

    def speaks(self, language: str) -> bool:
        return language in LANGUAGES

    def voice_for(self, language: str) -> str:
        if language == "en" and self.voice:
            return self.voice
        return DEFAULT_VOICES.get(language, language)

    def synthesize(self, text: str, language: str, timeout: float) -> bytes:
        # -b 1: the text is UTF-8; --stdout: a WAV on stdout; the text on stdin, so none
        # of it can be taken for an option.
        command = ["espeak-ng", "-v", self.voice_for(language), "-b", "1", "--stdout"]
        return self.run(command, text + "\n", timeout)
