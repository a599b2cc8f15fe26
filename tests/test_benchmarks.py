"""Every benchmark runs: each invoke task, at tiny sizes, finishes and prints its figures
against the baseline it measures in the same run. The figures themselves are not judged
here (speed is measured on a quiet machine, benchmarks/README.md); a benchmark that no
longer runs fails here instead of rotting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# (task and tiny arguments, what its output must show)
SMOKE = {
    "audio": (
        ["bench-audio", "--words", "300", "--paragraphs", "1", "--no-baseline"],
        [
            r"digest audio, cold .*real-time factor +\d+\.\dx",
            r"loudness: -?\d+\.\d LUFS",
            r"word accuracy: \d+\.\d% over \d+ words",
        ],
    ),
    "build": (
        ["bench-build", "--issues", "3", "--repeat", "1"],
        [
            r"plain Pelican",
            r"\d+\.\d+x",
            r"rebuild's output vs `digest build --full`: identical",
            r"add one issue and rebuild, as the user waits .* \d+\.\d+x",
        ],
    ),
    "collect": (
        ["bench-collect", "--feeds", "3", "--items", "5", "--repeat", "1"],
        [
            r"cold collect: .* \(15 of 15 items stored",
            r"throughput vs baseline: \d+\.\d+x",
            r"cold `digest collect`, as a user waits .*\(15 of 15 items stored\), \d+\.\d+x",
        ],
    ),
    "pdf": (
        ["bench-pdf", "--issues", "2", "--repeat", "1", "--browsers", "headless-shell"],
        [r"chromium-headless-shell", r"digest pdf, cold .*\d+\.\d+x", r"digest pdf, warm"],
    ),
    "send": (
        ["bench-send", "--messages", "20", "--connections", "1", "--repeat", "1"],
        [r"baseline: smtplib", r"digest send --send .* msg/s +\d+\.\d+x"],
    ),
    "grouping": (
        ["bench-grouping", "--sizes", "50"],
        [r"merges: precision \d\.\d+", r"incident rows: \d+ of \d+", r"50 items \d+\.\d+ s"],
    ),
    "drafting": (
        ["bench-drafting", "--size", "50"],
        [r"ROUGE", r"drafting time, 50-item week"],
    ),
    "same-build": (  # this checkout against itself: the comparison runs and finds nothing
        ["same-build", str(ROOT), "--issues", "3"],
        [r"3 issues: identical \(\d+ files compared\)"],
    ),
    "subscribe-timing": (
        ["bench-subscribe-timing", "--requests", "20", "--warmup", "2"],
        [r"every answer the same 200 page"],
    ),
}


@pytest.mark.parametrize("name", sorted(SMOKE))
def test_the_benchmark_runs_at_tiny_sizes(name: str):
    arguments, shown = SMOKE[name]
    env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said[-3000:]
    for pattern in shown:
        assert re.search(pattern, said), f"{name}: no {pattern!r} in:\n{said[-3000:]}"


def test_the_archive_task_writes_the_synthetic_issues(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "invoke", "bench-archive", str(tmp_path), "--issues", "3"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    written = sorted(tmp_path.glob("*.md"))
    assert len(written) == 3, written
    for issue in written:
        assert issue.read_text(encoding="utf-8").startswith("Title: "), issue


def test_every_benchmark_module_has_a_task_and_a_smoke_run():
    modules = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} - {"__init__", "smtp_sink"}
    tasks = (ROOT / "tasks.py").read_text(encoding="utf-8")
    for module in modules:
        task = re.search(rf'_bench\(\s*c,\s*"{module}"', tasks)
        assert task, f"benchmarks/{module}.py has no invoke task"
    smoked = {name.replace("-", "_") for name in SMOKE} | {"archive"}
    assert modules <= smoked, f"no smoke run for {sorted(modules - smoked)}"
