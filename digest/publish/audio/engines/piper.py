"""Piper (`piper-tts` from PyPI): neural voices, natural and still fast on a CPU, from a
voice model the user downloads and names in DIGEST_AUDIO_VOICE (a .onnx file with its
.onnx.json beside it). digest ships no model."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from digest.publish.audio.engines.base import AudioError, Engine

INSTALL = "piper: not installed; pip install piper-tts (into digest's Python environment)"
VOICES = "https://huggingface.co/rhasspy/piper-voices"


def binary() -> str | None:
    """`piper` beside this Python (a venv's bin/), else on the PATH."""
    beside = Path(sys.executable).with_name("piper")
    return str(beside) if beside.is_file() else shutil.which("piper")


class Piper(Engine):
    name = "piper"

    def missing(self) -> str | None:
        if binary() is None:
            return INSTALL
        if not self.voice:
            return (
                "piper: no voice model; set DIGEST_AUDIO_VOICE to the path of a Piper voice "
                f"(.onnx, with its .onnx.json beside it), e.g. from {VOICES}"
            )
        model = Path(self.voice)
        if not model.is_file():
            return f"piper: DIGEST_AUDIO_VOICE: no such voice model: {model}"
        if not model.with_name(model.name + ".json").is_file():
            return f"piper: {model}: its config {model.name}.json is not beside it"
        return None

    def speaks(self, language: str) -> bool:
        return language == "en"

    def synthesize(self, text: str, language: str, timeout: float) -> bytes:
        command = binary()
        if command is None or not self.voice:
            self.check()
        assert command is not None and self.voice
        handle, output = tempfile.mkstemp(suffix=".wav")
        os.close(handle)
        try:
            self.run(
                [command, "--model", self.voice, "--output_file", output], text, timeout, quiet=True
            )
            data = Path(output).read_bytes()
        finally:
            Path(output).unlink(missing_ok=True)
        if not data:
            raise AudioError("piper: could not synthesise speech: it wrote no sound")
        return data
