"""What a speech engine is to digest: a program that turns text in one language into WAV
bytes, and says in one line what to install when it is missing.

Engines run as child processes with the text on stdin and the arguments as a list (never a
shell), within a time limit, and die with the worker that started them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from digest.errors import RenderError


class AudioError(RenderError):
    """The spoken edition could not be made: an engine or ffmpeg failed or is missing."""


class EngineMissing(AudioError):
    """An engine, its voice or ffmpeg is not installed; the message says what to install."""


class Engine(ABC):
    """One speech engine with one voice per language it speaks."""

    name: ClassVar[str]

    def __init__(self, voice: str | None = None) -> None:
        self.voice = voice

    @abstractmethod
    def missing(self) -> str | None:
        """What to install for this engine and voice, or None when it is ready."""

    def available(self) -> bool:
        return self.missing() is None

    def check(self) -> None:
        problem = self.missing()
        if problem is not None:
            raise EngineMissing(problem)

    @abstractmethod
    def speaks(self, language: str) -> bool:
        """Whether there is a voice for `language` (a BCP 47 primary tag: "en", "ar")."""

    @abstractmethod
    def synthesize(self, text: str, language: str, timeout: float) -> bytes:
        """WAV bytes of `text` said in `language` (its header's sizes may be wrong: the
        engines write to a pipe; see pcm.read_wav)."""

    def synthesize_many(self, texts: Sequence[str], language: str, timeout: float) -> list[bytes]:
        """WAV bytes of each of `texts`: engines that start slowly do them in one run."""
        return [self.synthesize(text, language, timeout) for text in texts]

    def run(
        self,
        command: list[str],
        text: str,
        timeout: float,
        *,
        encoding: str = "utf-8",
        quiet: bool = False,
    ) -> bytes:
        """`command`'s stdout, given `text` on stdin; AudioError with its last words when
        it fails or runs out of time. `quiet`: it writes its sound to a file instead."""
        try:
            done = subprocess.run(
                command,
                input=text.encode(encoding, "replace"),
                capture_output=True,
                timeout=timeout,
                check=False,
                preexec_fn=die_with_parent,
            )
        except FileNotFoundError:
            raise EngineMissing(self.missing() or f"{command[0]}: not installed") from None
        except subprocess.TimeoutExpired:
            raise AudioError(
                f"{self.name}: took longer than {timeout:g} s, so it was stopped"
            ) from None
        if done.returncode != 0 or not (done.stdout or quiet):
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = said[-1][:300] if said else f"exit status {done.returncode}, no sound"
            raise AudioError(f"{self.name}: could not synthesise speech: {reason}")
        return done.stdout


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before exec: killed when the worker that started it is (a worker
    past its deadline is killed; its engine must not go on alone)."""
    name = ctypes.util.find_library("c")
    if name:
        ctypes.CDLL(name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
