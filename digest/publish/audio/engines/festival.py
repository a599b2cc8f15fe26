"""Festival (Debian's `festival`) with an HTS voice, the default: `festvox-us-slt-hts`,
a clear American English female voice, synthesised faster than it speaks.

Festival takes a third of a second to start and load its voice, longer than it takes to
say a headline: a chapter's utterances are said by one Festival, each read from a file of
its own as a text file (never as Scheme) by Festival's `tts_file`, as `text2wave` does,
into a WAV of its own. The program on Festival's stdin names only the voice, which passed
the settings' check (letters, digits and underscores), and the files' paths, which digest
made.
Festival reads 8-bit text and knows American spellings best, so the text is given to it
as ASCII with British spellings it mispronounces respelled; the transcript keeps them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from digest.publish.audio.engines.base import AudioError, Engine

DEFAULT_VOICE = "cmu_us_slt_arctic_hts"
INSTALL = "apt-get install festival festvox-us-slt-hts"
VOICE_FOLDERS = (Path("/usr/share/festival/voices"), Path("/usr/local/share/festival/voices"))
VOICE_NAME = re.compile(r"[a-z0-9_]+")
# Respelled for Festival's American lexicon ("kilometres" is read letter by letter).
_AMERICAN = {
    r"\b(kilo|centi|milli|)metre(s?)\b": r"\1meter\2",
    r"\b(mil|)litre(s?)\b": r"\1liter\2",
    r"\bcentre(s|d)?\b": r"center\1",
    r"\btheatre(s?)\b": r"theater\1",
    r"\bneighbour": "neighbor",
    r"\bcolour": "color",
    r"\bdefence\b": "defense",
    r"\bprogramme(s?)\b": r"program\1",
}
_RESPELLINGS = [(re.compile(pattern, re.I), said) for pattern, said in _AMERICAN.items()]
# Each utterance of a file is synthesised and its wave appended; the whole saved as a WAV.
_SAY = (
    "(defvar digest_wave nil)",
    "(define (digest_keep utt) (set! digest_wave (if digest_wave "
    "(wave.append digest_wave (utt.wave utt)) (utt.wave utt))))",
    "(set! tts_hooks (list utt.synth digest_keep))",
    "(define (digest_say infile outfile) (set! digest_wave nil) (tts_file infile nil) "
    "(wave.save digest_wave outfile (quote riff)))",
)
_PUNCTUATION = str.maketrans({"\u2013": ", ", "\u2014": ", ", "\u2019": "'", "\u2018": "'"})


class Festival(Engine):
    name = "festival"

    @property
    def voice_name(self) -> str:
        return self.voice or DEFAULT_VOICE

    def missing(self) -> str | None:
        if shutil.which("festival") is None:
            return f"festival: not installed; {INSTALL}"
        if not VOICE_NAME.fullmatch(self.voice_name):
            return f"festival: {self.voice_name!r} is not a Festival voice name"
        if not any(list(folder.glob(f"*/{self.voice_name}")) for folder in VOICE_FOLDERS):
            if self.voice_name == DEFAULT_VOICE:
                return f"festival: voice {DEFAULT_VOICE} not installed; {INSTALL}"
            return (
                f"festival: voice {self.voice_name} not installed; "
                "apt-get install the festvox-* package that has it"
            )
        return None

    def speaks(self, language: str) -> bool:
        return language == "en"

    def synthesize(self, text: str, language: str, timeout: float) -> bytes:
        return self.synthesize_many([text], language, timeout)[0]

    def synthesize_many(self, texts: Sequence[str], language: str, timeout: float) -> list[bytes]:
        with tempfile.TemporaryDirectory(prefix="festival-") as scratch:
            folder = Path(scratch)
            program = [f"(voice_{self.voice_name})", *_SAY]
            for number, text in enumerate(texts):
                source, target = folder / f"{number}.txt", folder / f"{number}.wav"
                source.write_text(festival_text(text), encoding="ascii")
                program.append(f"(digest_say {_string(source)} {_string(target)})")
            said = self.run(["festival", "--pipe"], "\n".join(program) + "\n", timeout, quiet=True)
            found = []
            for number in range(len(texts)):
                wav = folder / f"{number}.wav"
                if not wav.is_file():
                    last = said.decode("utf-8", "replace").strip().splitlines()[-1:]
                    reason = last[0][:300] if last else "it wrote no sound"
                    raise AudioError(f"festival: could not synthesise speech: {reason}")
                found.append(wav.read_bytes())
            return found


def _string(path: Path) -> str:
    """A path as a Scheme string literal (Festival reads 8-bit ASCII)."""
    text = str(path)
    if not text.isascii() or not text.isprintable():
        raise AudioError(f"festival: cannot name the temporary file {text!r}; set TMPDIR")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def festival_text(text: str) -> str:
    """ASCII text Festival reads well: accents dropped, dashes as pauses, respelled."""
    text = text.translate(_PUNCTUATION)
    for pattern, said in _RESPELLINGS:
        text = pattern.sub(said, text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.split()) + "\n"
