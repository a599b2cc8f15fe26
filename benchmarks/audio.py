"""Audio benchmark: a 2,000-word issue read aloud, how fast, and how intelligibly.

    .venv/bin/invoke bench-audio [--words 2000] [--engine festival] [--paragraphs 5]
    .venv/bin/python -m benchmarks.audio [--words 2000] [--engine festival] [--paragraphs 5]

A temporary project (the repository's settings, DIGEST_AUDIO = True) holds one synthetic
weekly issue from benchmarks/archive.py, the one whose text is closest to --words words
(below 1,500 words, the first issue cut to length). Then, from one run, it prints:

- cold: `digest audio` (in this process, the library call the command makes) makes the
  issue's audio from nothing: chapters synthesised in worker processes, one per core, then
  joined, loudness-normalised and encoded to Opus. Wall-clock seconds, split into
  synthesis and encoding, the audio's duration and the real-time factor (duration /
  seconds; target: >= 10x on 2 cores for the default engine);
- warm: the same again with nothing changed: the stamp says current;
- the baseline (unless --no-baseline): what a script would do, the issue's whole spoken
  text through one `text2wave` process, then one ffmpeg to Opus; the same engine and
  voice, so the difference is digest's chapters in parallel, its pauses and two-pass
  loudness;
- the file: its size, its loudness measured by ffmpeg's ebur128 filter (target -16 LUFS);
- intelligibility: --paragraphs paragraphs of plain news English made into audio exactly as
  an issue's are (the same words, engine, loudness and Opus encoding), decoded and
  transcribed offline by pocketsphinx (the PyPI wheel and its bundled en-US model, 16 kHz
  mono) and compared with the script's words: word accuracy = 1 - word error rate
  (substitutions + deletions + insertions over the script's words). Target >= 80% for the
  default voice.

tests/test_audio.py runs the same intelligibility check on three paragraphs.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.archive import issue_markdown

ROOT = Path(__file__).resolve().parent.parent

# Plain news English: everyday words, a date and figures, no names a recogniser's
# dictionary would not know.
PLAIN_NEWS = (
    "On February 4, the central bank said it would keep its main interest rate unchanged "
    "for another month. Officials said prices had risen more slowly than expected in "
    "January, and that the bank would review its policy again in March.",
    "Heavy rain caused flooding in several towns in the north of the country on Tuesday. "
    "Roads were closed and schools sent children home early. Local officials said no one was "
    "hurt, but dozens of families had to leave their homes for the night.",
    "The health ministry opened three new clinics in the capital this week. Each clinic will "
    "treat about 200 patients a day, and doctors will offer free checks for children and "
    "older people. The minister said more clinics would open later in the year.",
    "Farmers in the south say the dry winter has left their fields without enough water. "
    "Many have planted less wheat than last year, and some are selling their animals to pay "
    "their debts. The government has promised help, but farmers say it has not arrived.",
    "Police arrested four men after a fight outside a football stadium on Friday night. Two "
    "people were taken to hospital with minor injuries. The city council said it would add "
    "more security at the next match.",
)


# --------------------------------------------------------------------------- intelligibility


def tokens(text: str) -> list[str]:
    """Words as a recogniser writes them: lower case, no punctuation, hyphens as spaces."""
    return re.findall(r"[a-z']+", text.lower().replace("-", " "))


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Substitutions + deletions + insertions turning `reference` into `heard`."""
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(reference, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def spoken_file(
    text: str, folder: Path, engine: str = "festival", voice: str | None = None
) -> tuple[Path, str]:
    """`text` made into Opus as an issue paragraph is (its words, the engine, the pauses,
    the loudness, the encoder); returns the file and the words said."""
    from digest.publish.audio import encode, lexicon, synth, words
    from digest.publish.audio.engines import Voices
    from digest.publish.audio.script import Utterance

    said = words.spoken(text, lexicon.load())
    state = synth.setup(synth.Setup(Voices.choose(engine, voice, "en", frozenset()), 120))
    folder.mkdir(parents=True, exist_ok=True)
    pcm = folder / "paragraph.pcm"
    synth.chapter(state, synth.ChapterJob("bench", 0, (Utterance(said, "en", 0.5),), str(pcm)))
    target = folder / f"paragraph-{len(list(folder.glob('*.opus')))}.opus"
    encode.encode(pcm, target, "opus", 120)
    pcm.unlink()
    return target, said


def transcribe(path: Path) -> str:
    """What pocketsphinx (its bundled en-US model) hears in an audio file."""
    from pocketsphinx import Decoder

    from digest.publish.audio.pcm import run_ffmpeg

    raw, _ = run_ffmpeg(["-i", str(path), "-ac", "1", "-ar", "16000", "-f", "s16le", "pipe:1"], 120)
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    found = decoder.hyp()
    return found.hypstr if found is not None else ""


def intelligibility(
    paragraphs: tuple[str, ...], folder: Path, engine: str = "festival"
) -> list[tuple[int, int, str, str]]:
    """(word errors, script words, script, transcript) of each paragraph."""
    found = []
    for text in paragraphs:
        path, said = spoken_file(text, folder, engine)
        heard = transcribe(path)
        reference = tokens(said)
        found.append((word_errors(reference, tokens(heard)), len(reference), said, heard))
    return found


def accuracy(results: list[tuple[int, int, str, str]]) -> float:
    errors = sum(r[0] for r in results)
    total = sum(r[1] for r in results)
    return 1 - errors / total if total else 0.0


# --------------------------------------------------------------------------- speed


def prose_words(markdown: str) -> int:
    """Words a reader counts: link texts, not their addresses; no header, no comments."""
    body = markdown.split("\n\n", 1)[1] if "\n\n" in markdown else markdown
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"\]\([^)]*\)", "]", body)
    return len(re.findall(r"\w[\w'’,.-]*", body))


def issue_of(words: int) -> tuple[str, str]:
    """(slug, Markdown) of a synthetic issue of about `words` words."""
    if words >= 1500:
        best = min(range(1, 121), key=lambda n: abs(prose_words(issue_markdown(n)[1]) - words))
        return issue_markdown(best)
    slug, text = issue_markdown(1)
    header, _, body = text.partition("\n\n")
    kept: list[str] = []
    for block in body.split("\n\n"):
        kept.append(block)
        if prose_words(header + "\n\n" + "\n\n".join(kept)) >= words:
            break
    return slug, header + "\n\n" + "\n\n".join(kept) + "\n"


def project(folder: Path, engine: str) -> Path:
    (folder / "content" / "issues").mkdir(parents=True)
    conf = (ROOT / "pelican.conf.py").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "samples", folder / "samples")
    conf += f'\nDIGEST_AUDIO = True\nDIGEST_AUDIO_ENGINE = "{engine}"\n'
    path = folder / "pelican.conf.py"
    path.write_text(conf, encoding="utf-8")
    return path


def baseline(text: str, folder: Path) -> float:
    """The whole text through one text2wave, then one ffmpeg to Opus: seconds."""
    import subprocess

    from digest.publish.audio.engines.festival import festival_text

    started = time.perf_counter()
    wav, opus = folder / "baseline.wav", folder / "baseline.opus"
    subprocess.run(
        ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(wav)],
        input=festival_text(text).encode("ascii"),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(wav), "-c:a", "libopus",
         "-b:a", "48k", "-ac", "1", str(opus)],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=2000, help="the issue's length in words")
    parser.add_argument("--engine", default="festival", choices=("festival", "espeak"))
    parser.add_argument("--paragraphs", type=int, default=5, help="paragraphs transcribed (1-5)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument("--show", action="store_true", help="print each paragraph's transcript")
    options = parser.parse_args()

    from digest import config
    from digest.commands.audio import make_audio
    from digest.pelican_plugin.reader import read_issue
    from digest.publish.audio import encode
    from digest.publish.audio.script import script as spoken_script
    from digest.publish.pdf.workers import default_workers

    with tempfile.TemporaryDirectory(prefix="digest-bench-audio-") as scratch:
        folder = Path(scratch)
        conf = project(folder / "site", options.engine)
        slug, text = issue_of(options.words)
        issue = folder / "site" / "content" / "issues" / f"{slug}.md"
        issue.write_text(text, encoding="utf-8")
        settings = config.load(conf, compile_selectors=False)
        from digest.commands.audio import prepare

        plan = prepare(settings)
        edition = read_issue(issue, settings.sections, settings.sources)[0]
        script = spoken_script(edition, plan.options)
        print(
            f"issue {slug}: {prose_words(text):,} words written, {script.words:,} spoken, "
            f"{len(script.chapters)} chapters; engine {options.engine}"
        )

        print("  cold: digest audio")
        started = time.perf_counter()
        cold = make_audio(settings)
        cold_s = time.perf_counter() - started
        if cold.problems or not cold.made:
            sys.exit("digest audio failed: " + "; ".join(cold.problems))
        print("  warm: digest audio")
        started = time.perf_counter()
        warm = make_audio(settings)
        warm_s = time.perf_counter() - started
        base_s = None
        if options.baseline and options.engine == "festival":
            print("  baseline: text2wave (one process, the whole text), then ffmpeg to Opus")
            said = "\n".join(
                u.text for c in script.chapters for u in c.utterances if u.language == "en"
            )
            base_s = baseline(said, folder)
        audio = folder / "site" / "output" / "issues" / slug / f"{slug}.opus"
        size, loudness = audio.stat().st_size, encode.measure(audio)

        print(f"  intelligibility: {options.paragraphs} paragraphs of plain news English")
        heard = intelligibility(PLAIN_NEWS[: options.paragraphs], folder / "said", options.engine)

    duration = cold.audio_seconds
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs ({default_workers()} used)"
    print(f"\n{machine}, Python {platform.python_version()}")
    print(f"  audio: {duration:.1f} s of speech ({duration / 60:.1f} min), {size:,} bytes Opus")
    print(
        f"  digest audio, cold      {cold_s:7.2f} s   real-time factor {duration / cold_s:5.1f}x"
        " (target >= 10x)"
    )
    print(
        f"    synthesis {cold.synthesis_seconds:.2f} s, joining and encoding "
        f"{cold.encoding_seconds:.2f} s"
    )
    print(f"  digest audio, warm      {warm_s:7.2f} s   ({warm.current} unchanged)")
    if base_s is not None:
        print(
            f"  baseline, one text2wave {base_s:7.2f} s   real-time factor "
            f"{duration / base_s:5.1f}x (digest: {base_s / cold_s:.2f}x as fast)"
        )
    print(f"  loudness: {loudness:.1f} LUFS integrated (target -16 +- 1.5)")
    for errors, total, said, transcript in heard:
        print(f"    {1 - errors / total:6.1%}  ({errors} errors in {total} words)")
        if options.show:
            print(f"      said:  {said}\n      heard: {transcript}")
    words = sum(h[1] for h in heard)
    print(f"  word accuracy: {accuracy(heard):.1%} over {words} words (target >= 80%)")


if __name__ == "__main__":
    main()
