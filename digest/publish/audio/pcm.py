"""Raw sound between the engines and the encoder: 16-bit mono PCM at 48 kHz (Opus's own
rate), whatever each engine writes, so that chapters are joined by concatenation and a
chapter's start is an exact count of samples.

The engines write WAV to a pipe, so the sizes in its header are unknown (eSpeak NG says
"a gigabyte", Festival "nothing"): the data runs to the end of what was written.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass

from digest.publish.audio.engines.base import AudioError, EngineMissing, die_with_parent

RATE = 48_000
WIDTH = 2  # bytes a sample
FFMPEG_INSTALL = "ffmpeg: not installed; apt-get install ffmpeg"


@dataclass(frozen=True)
class Format:
    rate: int
    channels: int
    width: int

    @property
    def frame(self) -> int:
        return self.channels * self.width


OURS = Format(RATE, 1, WIDTH)


def read_wav(data: bytes, engine: str) -> tuple[Format, bytes]:
    """The format and sample bytes of a RIFF WAV (PCM only)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(f"{engine}: wrote no WAV sound")
    at, found = 12, None
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        body = at + 8
        if kind == b"fmt ":
            code, channels, rate = struct.unpack("<HHI", data[body : body + 8])
            bits = struct.unpack("<H", data[body + 14 : body + 16])[0]
            if code not in (1, 0xFFFE) or bits not in (8, 16, 24, 32) or not channels:
                raise AudioError(f"{engine}: wrote WAV sound digest cannot read (format {code})")
            found = Format(rate, channels, bits // 8)
        elif kind == b"data":
            if found is None:
                break
            # Written to a pipe, the size is 0 (Festival) or huge (eSpeak NG): to the end.
            end = len(data) if size == 0 or body + size > len(data) else body + size
            samples = data[body:end]
            return found, samples[: len(samples) - len(samples) % found.frame]
        at = body + size + (size & 1)
    raise AudioError(f"{engine}: wrote a WAV without sound data")


def silence(seconds: float, form: Format = OURS) -> bytes:
    return bytes(round(seconds * form.rate) * form.frame)


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise EngineMissing(FFMPEG_INSTALL)
    return found


def run_ffmpeg(
    arguments: list[str], timeout: float, data: bytes | None = None
) -> tuple[bytes, str]:
    """ffmpeg's stdout and stderr; AudioError with its last words when it fails."""
    command = [ffmpeg(), "-nostdin", "-hide_banner", "-nostats", *arguments]
    try:
        done = subprocess.run(
            command,
            input=data,
            stdin=None if data is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
            preexec_fn=die_with_parent,
        )
    except subprocess.TimeoutExpired:
        raise AudioError(f"ffmpeg: took longer than {timeout:g} s, so it was stopped") from None
    said = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        lines = [line for line in said.strip().splitlines() if line.strip()]
        raise AudioError(
            f"ffmpeg: {lines[-1][:300] if lines else f'exit status {done.returncode}'}"
        )
    return done.stdout, said


def converted(form: Format, data: bytes, timeout: float) -> bytes:
    """`data` as our PCM (48 kHz, mono, 16-bit), resampled by ffmpeg when it is not."""
    if form == OURS or not data:
        return data
    codec = {1: "u8", 2: "s16le", 3: "s24le", 4: "s32le"}[form.width]
    arguments = ["-f", codec, "-ar", str(form.rate), "-ac", str(form.channels), "-i", "pipe:0"]
    arguments += ["-ac", "1", "-ar", str(RATE), "-f", "s16le", "-fflags", "+bitexact", "pipe:1"]
    return run_ffmpeg(arguments, timeout, data)[0]
