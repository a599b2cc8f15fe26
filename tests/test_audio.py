"""The audio edition (issue 24), made for real: Festival (festvox-us-slt-hts), eSpeak NG and
ffmpeg, as `.ci/run` installs them. A missing one fails these tests with the package to
install, as it fails `digest audio` for the user.

What is checked is what listeners and podcast apps get: the files beside the page, the
chapters read back from the audio file with mutagen against the JSON chapters and the
transcript, the loudness ffmpeg measures, the same bytes from the same issue, audio made
again only for the issue that changed, one line for what is missing, and that the words
can be understood (pocketsphinx transcribes them, benchmarks/audio.py the longer check).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import mutagen
import pytest
from click.testing import CliRunner, Result
from mutagen.id3 import ID3
from mutagen.oggopus import OggOpus

from benchmarks.audio import PLAIN_NEWS, accuracy, intelligibility
from digest.cli import main
from digest.publish.audio.info import audio_info
from tests.conftest import SAMPLE_EPOCH, make_project

NEEDED = {
    "festival": "festival festvox-us-slt-hts",
    "text2wave": "festival",
    "espeak-ng": "espeak-ng",
    "ffmpeg": "ffmpeg",
}


@pytest.fixture(autouse=True, scope="module")
def engines_installed() -> None:
    missing = sorted({package for tool, package in NEEDED.items() if not shutil.which(tool)})
    if not list(Path("/usr/share/festival/voices").glob("*/cmu_us_slt_arctic_hts")):
        missing.append("festvox-us-slt-hts")
    if missing:
        pytest.fail(f"the audio tests need: apt-get install {' '.join(missing)}")


ISSUE = """\
Title: Iraq Weekly Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Council Elects Governor {{#politics}}

Takeaway: On February 6, the council elected a governor.

On February 6, the council elected a governor, the KRG said ([Tigris Wire](https://tigriswire.example/2024/02/06/a)).

{extra}

## Bomb Kills Two {{#security}}

Takeaway: A roadside bomb killed two soldiers.

On February 4, a roadside bomb killed two soldiers near Tarmiyah ([Tigris Wire](https://tigriswire.example/2024/02/04/b)).

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah, Baghdad | 2 | 3 |
"""
OTHER = """\
Title: Iraq Weekly Monitor: January 26 – February 1, 2024
Date: 2024-02-01
Slug: 2024-02-01
Period: 2024-01-26 to 2024-02-01

## Talks Resume {#politics}

Takeaway: Talks resumed in Baghdad.

On January 29, talks resumed in Baghdad ([Tigris Wire](https://tigriswire.example/2024/01/29/c)).
"""
ARABIC = "حذّر مزارعون في محافظة النجف من تراجع مناسيب المياه ([Al-Rafidain](https://alrafidain.example/news/1))."


def cli(conf: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        main,
        ["--config", str(conf), *args],
        env={"SOURCE_DATE_EPOCH": SAMPLE_EPOCH, **(env or {})},
        catch_exceptions=False,
    )


def site(folder: Path, extra: str = "", paragraph: str = "") -> Path:
    conf = make_project(folder, "DIGEST_AUDIO = True\n" + extra)
    issues = conf.parent / "content" / "issues"
    (issues / "2024-02-08.md").write_text(ISSUE.format(extra=paragraph), encoding="utf-8")
    (issues / "2024-02-01.md").write_text(OTHER, encoding="utf-8")
    return conf


def beside(conf: Path, slug: str) -> Path:
    return conf.parent / "output" / "issues" / slug


def ogg_chapters(path: Path) -> list[tuple[str, str]]:
    tags = OggOpus(path).tags
    assert tags is not None
    numbers = sorted({m[1] for key, _ in tags if (m := re.fullmatch(r"CHAPTER(\d{3})", key, re.I))})
    return [(tags[f"CHAPTER{n}NAME"][0], tags[f"CHAPTER{n}"][0]) for n in numbers]


def vtt_cues(path: Path) -> list[tuple[str, str, str]]:
    """(start, end, text) of each cue."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if lines:
            start, end = lines[1].split(" --> ")
            cues.append((start, end, "\n".join(lines[2:])))
    return cues


def seconds(clock: str) -> float:
    hours, minutes, rest = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with two issues (one with an Arabic paragraph) and their Opus audio."""
    conf = site(tmp_path_factory.mktemp("audio") / "site", paragraph=ARABIC)
    result = cli(conf, "audio")
    assert result.exit_code == 0, result.output
    assert "audio 2 made" in result.output
    return conf


# --------------------------------------------------------------------------- the files


def test_the_audio_its_chapters_and_transcript_are_beside_the_page(made: Path):
    folder = beside(made, "2024-02-08")
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        ".audio-cache",
        "2024-02-08.chapters.json",
        "2024-02-08.opus",
        "2024-02-08.vtt",
    ]
    assert mutagen.File(folder / "2024-02-08.opus").mime[0] == "audio/ogg"
    info = audio_info(folder, "2024-02-08")
    assert info is not None and info.format == "opus" and info.mime_type == "audio/ogg"
    assert info.size == (folder / "2024-02-08.opus").stat().st_size
    assert info.transcript == folder / "2024-02-08.vtt"


def test_the_chapters_in_the_file_the_json_and_the_transcript_agree(made: Path):
    folder = beside(made, "2024-02-08")
    listed = json.loads((folder / "2024-02-08.chapters.json").read_text(encoding="utf-8"))
    assert listed["version"] == "1.2.0"
    titles = [c["title"] for c in listed["chapters"]]
    assert titles == ["Introduction", "Key takeaways", "Politics", "Security", "Incidents"]
    starts = [c["startTime"] for c in listed["chapters"]]
    assert starts[0] == 0 and starts == sorted(starts)
    in_file = ogg_chapters(folder / "2024-02-08.opus")
    assert [title for title, _ in in_file] == titles
    assert [seconds(clock) for _, clock in in_file] == starts
    cues = vtt_cues(folder / "2024-02-08.vtt")
    assert [seconds(start) for start, _, _ in cues] == starts
    assert [seconds(end) for _, end, _ in cues[:-1]] == starts[1:]  # no gap, no overlap
    duration = OggOpus(folder / "2024-02-08.opus").info.length
    assert abs(seconds(cues[-1][1]) - duration) < 0.002
    assert cues[0][2] == "Iraq Weekly Monitor, February second to eighth, twenty twenty-four."
    assert "Tarmiyah, Baghdad: two killed, three injured." in cues[-1][2]
    assert "Kurdistan Regional Government" in cues[2][2] and "(Tigris Wire)" not in cues[2][2]


def test_the_arabic_paragraph_is_read_in_arabic(made: Path):
    politics = vtt_cues(beside(made, "2024-02-08") / "2024-02-08.vtt")[2][2]
    assert "حذّر مزارعون" in politics and "not read" not in politics


def test_the_loudness_is_about_minus_16_lufs(made: Path):
    for slug in ("2024-02-08", "2024-02-01"):
        said = subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(beside(made, slug) / f"{slug}.opus"),
             "-af", "ebur128=framelog=verbose", "-f", "null", "-"],
            capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        loudness = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", said)[-1])
        print(f"{slug}: {loudness} LUFS")
        assert abs(loudness - -16) <= 1.5, loudness


def test_the_same_issue_gives_the_same_bytes(made: Path, tmp_path: Path):
    folder = beside(made, "2024-02-08")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    copy = tmp_path / "copy"
    shutil.copytree(made.parent, copy, ignore=shutil.ignore_patterns("output", ".cache"))
    result = cli(copy / "pelican.conf.py", "audio", "2024-02-08")
    assert result.exit_code == 0, result.output
    after = {
        p.name: p.read_bytes() for p in beside(copy / "pelican.conf.py", "2024-02-08").iterdir()
    }
    assert after == before


def test_a_second_run_makes_nothing_and_an_edit_remakes_that_issue_only(made: Path):
    again = cli(made, "audio")
    assert again.exit_code == 0 and "audio 0 made, 2 unchanged" in again.output, again.output
    issue = made.parent / "content" / "issues" / "2024-02-08.md"
    os.utime(issue)  # touched, not changed: its script is read again and found the same
    touched = cli(made, "audio")
    assert "audio 0 made, 2 unchanged" in touched.output, touched.output
    other = beside(made, "2024-02-01") / "2024-02-01.opus"
    other_bytes, other_time = other.read_bytes(), other.stat().st_mtime_ns
    audio = beside(made, "2024-02-08") / "2024-02-08.opus"
    old = audio.read_bytes()
    issue.write_text(
        issue.read_text(encoding="utf-8").replace("two soldiers near", "three soldiers near")
    )
    edited = cli(made, "audio")
    assert (
        edited.exit_code == 0 and "audio 1 made" in edited.output and "1 unchanged" in edited.output
    )
    assert audio.read_bytes() != old
    assert other.read_bytes() == other_bytes and other.stat().st_mtime_ns == other_time
    assert "three soldiers" in (beside(made, "2024-02-08") / "2024-02-08.vtt").read_text()


def test_mp3_has_id3_chapters_and_a_format_switch_leaves_no_opus(tmp_path: Path):
    conf = site(tmp_path / "site", 'DIGEST_AUDIO_ARABIC = "skip"\n', paragraph=ARABIC)
    assert cli(conf, "audio", "2024-02-08").exit_code == 0
    text = conf.read_text() + '\nDIGEST_AUDIO_FORMAT = "mp3"\n'
    conf.write_text(text)
    result = cli(conf, "audio", "2024-02-08")
    assert result.exit_code == 0 and "audio 1 made" in result.output, result.output
    folder = beside(conf, "2024-02-08")
    assert not (folder / "2024-02-08.opus").exists()
    mp3 = folder / "2024-02-08.mp3"
    info = audio_info(folder, "2024-02-08")
    assert info is not None and info.mime_type == "audio/mpeg" and info.path == mp3
    tags = ID3(mp3)
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{child}"] for child in toc.child_element_ids]
    listed = json.loads((folder / "2024-02-08.chapters.json").read_text())["chapters"]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == [c["title"] for c in listed]
    assert [c.start_time / 1000 for c in chapters] == [c["startTime"] for c in listed]
    assert [c.start_time for c in chapters[1:]] == [c.end_time for c in chapters[:-1]]
    cues = vtt_cues(folder / "2024-02-08.vtt")
    assert [round(seconds(s) * 1000) for s, _, _ in cues] == [c.start_time for c in chapters]
    assert "A paragraph in Arabic is not read." in cues[2][2]
    assert abs(mutagen.File(mp3).info.length - seconds(cues[-1][1])) < 0.1
    first = mp3.read_bytes()
    mp3.unlink()
    assert cli(conf, "audio", "2024-02-08").exit_code == 0
    assert mp3.read_bytes() == first  # MP3 bytes are reproducible too


def test_text_that_looks_like_festival_code_is_only_said(tmp_path: Path):  # BAD-INPUTS 30
    marker = tmp_path / "pwned"
    paragraph = f'") (system "touch {marker}") (" (system "touch {marker}") --help -v ar'
    conf = site(tmp_path / "site", paragraph=paragraph)
    result = cli(conf, "audio", "2024-02-08")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert "touch" in (beside(conf, "2024-02-08") / "2024-02-08.vtt").read_text()


# --------------------------------------------------------------------------- what is missing


def tools_but(tmp_path: Path, *left_out: str) -> str:
    """A PATH holding the audio tools except `left_out`."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for tool in ("festival", "text2wave", "espeak-ng", "ffmpeg"):
        if tool not in left_out:
            (folder / tool).symlink_to(shutil.which(tool))
    return str(folder)


@pytest.mark.parametrize(
    ("settings", "left_out", "said"),
    [
        ("", ("festival", "text2wave"), "festival: not installed; apt-get install festival festvox-us-slt-hts"),
        ('DIGEST_AUDIO_ENGINE = "espeak"\n', ("espeak-ng",), "espeak-ng: not installed; apt-get install espeak-ng"),
        ("", ("ffmpeg",), "ffmpeg: not installed; apt-get install ffmpeg"),
        ('DIGEST_AUDIO_VOICE = "kal_diphone"\n', (),
         "festival: voice kal_diphone not installed; apt-get install the festvox-* package that has it"),
        ('DIGEST_AUDIO_ENGINE = "piper"\n', (),
         "piper: not installed; pip install piper-tts (into digest's Python environment)"),
    ],
)  # fmt: skip
def test_a_missing_engine_or_ffmpeg_is_one_line_naming_the_package(
    tmp_path, settings, left_out, said
):
    conf = site(tmp_path / "site", settings)
    result = cli(conf, "audio", env={"PATH": tools_but(tmp_path, *left_out)})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {said}"]


def fake_piper(tmp_path: Path) -> str:
    folder = tmp_path / "piper-bin"
    folder.mkdir()
    script = folder / "piper"
    script.write_text("#!/bin/sh\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{folder}{os.pathsep}{tools_but(tmp_path)}"


@pytest.mark.parametrize(
    ("voice", "said"),
    [
        ("", "piper: no voice model; set DIGEST_AUDIO_VOICE to the path of a Piper voice (.onnx, "
         "with its .onnx.json beside it), e.g. from https://huggingface.co/rhasspy/piper-voices"),
        ('DIGEST_AUDIO_VOICE = "voices/en.onnx"\n', "piper: DIGEST_AUDIO_VOICE: no such voice model: {root}/voices/en.onnx"),
    ],
)  # fmt: skip
def test_piper_without_its_voice_model_says_which(tmp_path, voice, said):
    conf = site(tmp_path / "site", 'DIGEST_AUDIO_ENGINE = "piper"\n' + voice)
    result = cli(conf, "audio", env={"PATH": fake_piper(tmp_path)})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {said.format(root=conf.parent)}"]


# --------------------------------------------------------------------------- in the build


def test_the_build_makes_the_audio_before_the_pages_and_reports_it(tmp_path: Path):
    conf = site(tmp_path / "site")
    result = cli(conf, "build")
    assert result.exit_code == 0, result.output
    assert "audio 2 made, 0 unchanged" in result.output
    page = (beside(conf, "2024-02-08") / "index.html").read_text(encoding="utf-8")
    assert "2024-02-08.opus" in page  # the page was written after the audio it offers
    again = cli(conf, "build")
    assert "audio 0 made, 2 unchanged" in again.output, again.output


def test_a_missing_engine_fails_the_audio_only_and_the_build_says_so(tmp_path: Path):
    conf = site(tmp_path / "site", 'DIGEST_AUDIO_ENGINE = "piper"\n')
    result = cli(conf, "build")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: piper: not installed; pip install piper-tts (into digest's Python environment)"
    ]
    assert (beside(conf, "2024-02-08") / "index.html").is_file()  # the site is still built
    assert not [p for p in beside(conf, "2024-02-08").iterdir() if p.suffix in (".opus", ".mp3")]


def test_with_audio_off_nothing_about_audio_runs_or_is_needed(tmp_path: Path):
    conf = make_project(
        tmp_path / "site", 'DIGEST_AUDIO_ENGINE = "piper"\nDIGEST_AUDIO_VOICE = "none.onnx"\n'
    )
    (conf.parent / "content" / "issues" / "2024-02-01.md").write_text(OTHER, encoding="utf-8")
    result = cli(conf, "build")
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if line.startswith("audio")]
    output = conf.parent / "output"
    assert not [p for p in output.rglob("*") if p.suffix in (".opus", ".mp3", ".vtt")]
    assert not list(output.rglob(".audio-cache"))


# --------------------------------------------------------------------------- time limits


FAKE_FESTIVAL = r"""#!{python}
# Festival as far as digest uses it: each (digest_say "in" "out") writes a WAV of a tone,
# and a text asking to be slow takes a minute.
import math, re, struct, sys, time
for infile, outfile in re.findall(r'\(digest_say "([^"]+)" "([^"]+)"\)', sys.stdin.read()):
    if "SLOW" in open(infile).read():
        time.sleep(60)
    rate = 16000
    data = b"".join(struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(rate // 2))
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" + struct.pack("<I", len(data))
    open(outfile, "wb").write(header + data)
"""


def test_a_chapter_past_its_time_limit_fails_its_issue_only(tmp_path: Path):
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    fake = folder / "festival"
    fake.write_text(FAKE_FESTIVAL.replace("{python}", sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    conf = site(tmp_path / "site", "DIGEST_AUDIO_TIMEOUT = 3\n", paragraph="SLOW down, please.")
    path = f"{folder}{os.pathsep}{tools_but(tmp_path, 'festival', 'text2wave')}"
    result = cli(conf, "audio", env={"PATH": path})
    assert result.exit_code == 1, result.output
    assert "audio 1 made" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: 2024-02-08: could not make the audio: chapter 'Politics': took longer than "
        "3 s, so it was stopped; the issue is published without it"
    ]
    assert (beside(conf, "2024-02-01") / "2024-02-01.opus").is_file()
    assert not beside(conf, "2024-02-08").exists() or not list(beside(conf, "2024-02-08").iterdir())


# --------------------------------------------------------------------------- intelligibility


def test_the_default_voice_can_be_understood(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Three paragraphs of plain news English, made as an issue's are, transcribed by
    pocketsphinx: at least 80% of the script's words come back."""
    heard = intelligibility(PLAIN_NEWS[:3], tmp_path)
    found = accuracy(heard)
    with capsys.disabled():
        print(f"\nword accuracy (festival, cmu_us_slt_arctic_hts, pocketsphinx): {found:.1%}")
    assert found >= 0.8, [h[3] for h in heard]


def test_word_errors_are_counted_as_substitutions_deletions_and_insertions():
    from benchmarks.audio import tokens, word_errors

    assert word_errors(tokens("the bank said"), tokens("the bank said")) == 0
    assert word_errors(tokens("the bank said"), tokens("a bank said it")) == 2
    assert word_errors(tokens("twenty-four hours"), tokens("twenty four")) == 1
