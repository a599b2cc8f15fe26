"""One issue's PCM -> an Opus (Ogg) or MP3 file, loudness-normalised to about -16 LUFS
(EBU R128, what podcast apps and Apple ask of speech).

ffmpeg passes: the first measures the integrated loudness and true peak (the ebur128
filter: five times faster than loudnorm's analysis, which resamples to 192 kHz). The last
applies the gain that brings it to -16 LUFS, measures what it made, and encodes. Where
that gain would push peaks past -1.5 dBTP (synthetic speech has sharp ones: Festival's are
17 dB over its loudness), a look-ahead limiter with its delay compensated catches them, so
no sample moves and the chapters stay where they were; the loudness the limiter takes is
measured by a pass between the two, and given back.

The same PCM gives the same bytes: `-fflags +bitexact` and `-flags:a +bitexact` keep
ffmpeg's version and a random Ogg serial number out, `-map_metadata -1` any tag; the tags
digest writes (chapters.py) come after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from digest.publish.audio.engines.base import AudioError
from digest.publish.audio.pcm import RATE, run_ffmpeg

TARGET_LUFS = -16.0
TARGET_PEAK = -1.5  # dBTP
MIME_TYPES = {"opus": "audio/ogg", "mp3": "audio/mpeg"}
# Speech: Opus at 48 kb/s mono is near transparent; MP3 needs more, and 44.1 kHz is what
# every podcast app plays.
CODECS = {
    "opus": ["-c:a", "libopus", "-b:a", "48k", "-application", "voip", "-ar", "48000", "-f", "ogg"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k", "-ar", "44100", "-id3v2_version", "0",
            "-write_id3v1", "0", "-f", "mp3"],
}  # fmt: skip
_INPUT = ["-f", "s16le", "-ar", str(RATE), "-ac", "1"]
_LOUDNESS = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS")
_PEAK = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS")
_MEASURE = "ebur128=peak=true:framelog=verbose"  # the summary only, at the info level
_PROBE = "ebur128=framelog=verbose"  # loudness only: the true peak doubles its time
LIMIT_DB = -2.0  # the limiter's ceiling on samples; true peaks land near TARGET_PEAK
PROBES = 3  # passes at most to measure what the limiter took


@dataclass(frozen=True)
class Loudness:
    before: float  # LUFS, integrated, as synthesised
    after: float  # LUFS, integrated, as normalised (what the encoder was given)
    gain: float  # dB applied


def _measured(stderr: str, what: str) -> tuple[float, float]:
    """(integrated loudness, true peak) from the ebur128 filter's summary."""
    peak = _PEAK.findall(stderr)
    if not peak:
        raise AudioError(f"ffmpeg: could not measure the true peak of {what}")
    return _loudness(stderr, what), _number(peak[-1])


def _loudness(stderr: str, what: str) -> float:
    found = _LOUDNESS.findall(stderr)
    if not found:
        raise AudioError(f"ffmpeg: could not measure the loudness of {what}")
    return _number(found[-1])


def _number(value: str) -> float:
    return float(value)  # "-inf" (silence) is a float too


def gain_filter(gain: float, limit: bool) -> str:
    """The filter raising speech by `gain` dB, its peaks limited when `limit`."""
    if not limit:
        return f"volume={gain:.2f}dB"
    ceiling = 10 ** (LIMIT_DB / 20)
    return f"volume={gain:.2f}dB,alimiter=limit={ceiling:.4f}:level=false:latency=true"


def encode(pcm: Path, target: Path, format: str, timeout: float) -> Loudness:
    """Encode `pcm` (our raw PCM) into `target` as `format` ("opus" or "mp3")."""
    if pcm.stat().st_size == 0:
        raise AudioError("nothing to say: the script has no sound")
    source = [*_INPUT, "-i", str(pcm)]
    _, said = run_ffmpeg([*source, "-af", _MEASURE, "-f", "null", "-"], timeout)
    before, peak = _measured(said, "the synthesised speech")
    if before == float("-inf"):
        raise AudioError("the synthesised speech is silent")
    gain = TARGET_LUFS - before
    limit = peak + gain > TARGET_PEAK
    for _ in range(PROBES if limit else 0):
        # The limiter takes some loudness with the peaks: measured, and given back (giving
        # it back is limited in turn: eSpeak NG's peaks need a second look).
        probe = f"{gain_filter(gain, limit)},{_PROBE}"
        _, said = run_ffmpeg([*source, "-af", probe, "-f", "null", "-"], timeout)
        short = TARGET_LUFS - _loudness(said, "the limited speech")
        gain += short
        if abs(short) < 0.3:
            break
    graph = f"[0:a]{gain_filter(gain, limit)},asplit=2[out][probe];[probe]{_PROBE}[done]"
    arguments = [*source, "-filter_complex", graph, "-map", "[out]", "-ac", "1"]
    arguments += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    arguments += ["-threads", "1", *CODECS[format], "-y", str(target)]
    arguments += ["-map", "[done]", "-f", "null", "-"]
    _, said = run_ffmpeg(arguments, timeout)
    after = _loudness(said, "the normalised speech")
    return Loudness(before=before, after=after, gain=gain)


def measure(path: Path, timeout: float = 120) -> float:
    """The integrated loudness of an audio file, LUFS (ffmpeg's ebur128 filter)."""
    _, said = run_ffmpeg(["-i", str(path), "-af", _PROBE, "-f", "null", "-"], timeout)
    return _loudness(said, path.name)
