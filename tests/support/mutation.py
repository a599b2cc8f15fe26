"""`invoke mutate [MODULE]`: mutmut over one module at a time, with the tests that cover it.

mutmut reads its settings from the pyproject.toml of the folder it runs in and mutates every
file of its source paths, so each module gets a scratch copy of the project under
`.mutate/<module>/` whose pyproject names that module and its tests (`[tool.digest.mutation]`).
Scores count killed and timed-out mutants over all mutants less the equivalent ones listed
in tests/MUTANTS.md; a survivor that is not listed there fails the run like a low score.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = ROOT / ".mutate"
LEDGER = ROOT / "tests" / "MUTANTS.md"
# mutmut's exit codes for a mutant (mutmut.stats.status_by_exit_code, 3.8): 1 and 3 are a
# failing test, 36 and the SIGXCPU codes a timeout. Anything else counts as not detected.
DETECTED = {1, 3, 36, 24, -24, 152, 255}
# "- `digest.text.dates.x__first_letters__mutmut_1`: why it changes nothing"
_LISTED = re.compile(r"^\s*[-*]\s+`([\w.]+__mutmut_\d+)`", re.M)


class MutationError(Exception):
    """A run that could not be made: unknown module, broken config, tests failing unmutated."""


@dataclass(frozen=True)
class Target:
    module: str  # digest/text/dates.py
    tests: tuple[str, ...]
    score: float  # percent

    @property
    def slug(self) -> str:
        return self.module.removeprefix("digest/").removesuffix(".py").replace("/", ".")

    @property
    def dotted(self) -> str:
        return self.module.removesuffix(".py").replace("/", ".")


@dataclass
class Outcome:
    target: Target
    total: int = 0
    detected: int = 0
    equivalent: list[str] = field(default_factory=list)
    survivors: list[str] = field(default_factory=list)  # not detected and not listed
    stale: list[str] = field(default_factory=list)  # listed, but no such mutant any more
    seconds: float = 0.0

    @property
    def score(self) -> float:
        counted = self.total - len(self.equivalent)
        return 100.0 * self.detected / counted if counted else 100.0

    @property
    def passed(self) -> bool:
        return not self.survivors and not self.stale and self.score >= self.target.score

    def line(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return (
            f"{self.target.module}: {self.score:.1f}% (target {self.target.score:g}%), "
            f"{self.detected} of {self.total} mutants killed, {len(self.equivalent)} equivalent "
            f"(tests/MUTANTS.md), {len(self.survivors)} surviving, "
            + (f"{len(self.stale)} listed but gone, " if self.stale else "")
            + f"{self.seconds:.0f} s: {verdict}"
        )


def settings(root: Path = ROOT) -> tuple[dict, list[Target]]:
    """[tool.mutmut] (shared by every run) and the modules of [tool.digest.mutation]."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    tool = data.get("tool", {})
    shared = tool.get("mutmut", {})
    modules = tool.get("digest", {}).get("mutation", {}).get("modules", {})
    if not modules:
        raise MutationError("pyproject.toml: [tool.digest.mutation.modules] lists no module")
    targets = []
    for module, entry in modules.items():
        tests = tuple(entry.get("tests", ()))
        missing = [t for t in (module, *tests) if not (root / t).is_file()]
        if missing or not tests:
            raise MutationError(
                f"pyproject.toml: [tool.digest.mutation.modules] {module!r}: "
                + (f"no such file {', '.join(missing)}" if missing else "lists no tests")
            )
        targets.append(Target(module, tests, float(entry.get("score", 90))))
    return shared, targets


def choose(targets: list[Target], wanted: str) -> list[Target]:
    """Every target (`all`), or those matching WANTED: a path, a dotted name or a file name."""
    if wanted == "all":
        return targets
    key = wanted.removeprefix("digest/").removeprefix("digest.").removesuffix(".py")
    key = key.replace("/", ".")
    found = [t for t in targets if t.slug == key or t.slug.endswith("." + key)]
    if not found:
        names = ", ".join(t.module for t in targets)
        raise MutationError(f"{wanted}: not a module with mutation targets; these are: {names}")
    return found


def listed_equivalents(ledger: Path = LEDGER) -> set[str]:
    return set(_LISTED.findall(ledger.read_text(encoding="utf-8"))) if ledger.exists() else set()


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def prepare(target: Target, shared: dict) -> Path:
    """A fresh scratch project for TARGET: stale mutants or results never count."""
    folder = SCRATCH / target.slug
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in ("digest", "tests", *shared.get("also_copy", ())):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=skip, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, folder / name)
    config = dict(shared)
    config["only_mutate"] = [target.module]
    config["pytest_add_cli_args_test_selection"] = list(target.tests)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # Drop the repository's own [tool.mutmut] table: the scratch copy's is the one mutmut reads.
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    table = "\n".join(f"{key} = {_toml_value(value)}" for key, value in sorted(config.items()))
    (folder / "pyproject.toml").write_text(f"{text}\n[tool.mutmut]\n{table}\n", encoding="utf-8")
    return folder


def run(target: Target, shared: dict, jobs: int, equivalents: set[str], show: bool) -> Outcome:
    folder = prepare(target, shared)
    log = folder / "mutmut.log"
    started = time.monotonic()
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)]
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            command, cwd=folder, stdout=None if show else out, stderr=subprocess.STDOUT
        )
    outcome = Outcome(target, seconds=time.monotonic() - started)
    meta = folder / "mutants" / (target.module + ".meta")
    if result.returncode != 0 or not meta.exists():
        tail = (
            "" if show else "\n" + "\n".join(log.read_text("utf-8", "replace").splitlines()[-15:])
        )
        raise MutationError(
            f"{target.module}: mutmut stopped (exit {result.returncode}); its output is in "
            f"{log.relative_to(ROOT)}{tail}"
        )
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    outcome.total = len(codes)
    for name, code in sorted(codes.items()):
        if code in DETECTED:
            outcome.detected += 1
        elif name in equivalents:
            outcome.equivalent.append(name)
        else:
            outcome.survivors.append(name)
    # A listed mutant this run did not make: its function changed, and the ledger with it.
    outcome.stale = sorted(e for e in equivalents if owner(e) == target.dotted and e not in codes)
    return outcome


def owner(mutant: str) -> str:
    """The module a mutant name belongs to: digest.text.dates.x_dated__mutmut_4 (a function)
    or digest.collect.sanitize.xǁPolicyǁclean__mutmut_16 (a method)."""
    return mutant.rsplit(".", 1)[0]


def diff(target: Target, mutant: str) -> str:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", mutant],
        cwd=SCRATCH / target.slug,
        capture_output=True,
        text=True,
    )
    lines = shown.stdout.splitlines()
    # Only the changed lines and their function's header: a whole hunk per mutant floods.
    return "\n".join(line for line in lines if line[:1] in "-+@" and not line.startswith("---"))


def main(wanted: str, jobs: int = 0, show: bool = False) -> int:
    try:
        shared, targets = settings()
        chosen = choose(targets, wanted)
    except MutationError as error:
        print(f"mutate: {error}", file=sys.stderr)
        return 2
    if importlib.util.find_spec("mutmut") is None:
        print(
            "mutate: mutmut is not installed; run: .venv/bin/pip install -e '.[mutation]'",
            file=sys.stderr,
        )
        return 2
    jobs = jobs or os.cpu_count() or 2
    equivalents = listed_equivalents()
    outcomes = []
    for target in chosen:
        print(f"{target.module}: mutating, tests {' '.join(target.tests)} …", flush=True)
        try:
            outcome = run(target, shared, jobs, equivalents, show)
        except MutationError as error:
            print(f"mutate: {error}", file=sys.stderr)
            return 1
        outcomes.append(outcome)
        print(outcome.line(), flush=True)
        for mutant in outcome.survivors:
            print(f"  survived: {mutant}\n" + _indent(diff(target, mutant)))
        for mutant in outcome.stale:
            print(f"  listed in tests/MUTANTS.md but not made any more: {mutant}")
    if len(outcomes) > 1:
        print("\n| module | mutants | killed | equivalent | score | target |")
        print("|---|---|---|---|---|---|")
        for o in outcomes:
            print(
                f"| `{o.target.module}` | {o.total} | {o.detected} | {len(o.equivalent)} "
                f"| {o.score:.1f}% | {o.target.score:g}% |"
            )
    failed = [o for o in outcomes if not o.passed]
    if failed:
        print(
            f"\nmutate: {len(failed)} module(s) below target or with unlisted survivors: kill "
            "each survivor with a test of the behaviour it changes, or list it in "
            "tests/MUTANTS.md with one line on why it changes nothing",
            file=sys.stderr,
        )
        return 1
    return 0


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "all"))
