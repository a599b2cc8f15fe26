"""Is a full build still the same bytes? This checkout against a reference one, on one archive.

    .venv/bin/python -m benchmarks.same_build REFERENCE [--issues 520] [--keep]
    .venv/bin/invoke same-build REFERENCE [--issues 520]

REFERENCE is another checkout of digest (e.g. a clone of the commit before a speed change:
`git clone -q . /tmp/ref && git -C /tmp/ref checkout <commit>`). One synthetic archive
(benchmarks/archive.py) is copied into two projects, each with its checkout's theme and
pelican.conf.py, and each is built with `digest build` by its own code (the reference's
with PYTHONPATH=REFERENCE, this one's with this checkout), in a fresh process, with the
same SOURCE_DATE_EPOCH and PYTHONHASHSEED, and an empty cache: the check of every issue
file, the Pelican site (pages, feeds, exports, sitemap), and each issue's email edition.
Then every file of the two outputs is compared byte for byte, and the first differences
are shown.

Left out, as benchmarks/build.py leaves them out: the PDFs (a placeholder stands in for
each, stamped as a real one: 520 WeasyPrint runs would take longer than everything else),
the PDFs' and emails' stamps (they fingerprint the code, which differs by design) and the
search index (Pagefind's bundle is not byte-reproducible; search has its own tests).

Exit status 0 when the outputs are identical, 1 when any file differs or is missing.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1735689600"  # 2025-01-01, after the last synthetic issue (as benchmarks/build.py)
PLACEHOLDER = b"%PDF-1.7\n% placeholder written by benchmarks/same_build.py\n"


def child(config: str) -> None:
    """`digest build` in this process, PDFs as placeholders and no search index."""
    from digest.cli import main as cli_main
    from digest.publish import search
    from digest.publish.pdf import jobs as pdf
    from digest.publish.pdf import render, workers

    def placeholders(jobs, settings, limits, pool=None):
        for job in jobs:
            job.target.write_bytes(PLACEHOLDER)
            yield workers.Outcome(job, value=render.Printed(pages=0))

    pdf.render_jobs = placeholders
    search.index_site = lambda *args, **kwargs: 0
    try:
        code = int(cli_main(["--config", config, "build"], standalone_mode=False) or 0)
    except SystemExit as exc:
        code = int(exc.code or 0)
    import digest

    print(json.dumps({"code": code, "digest": digest.__file__}))


def build(config: Path, code: Path) -> None:
    """Build the project of `config` with the digest found in the checkout `code`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONHASHSEED": "0",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(config)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=code)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines or not lines[-1].startswith("{"):
        sys.exit(f"digest build failed ({code}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    if not result["digest"].startswith(str(code.resolve())):
        sys.exit(f"{code}: the build imported digest from {result['digest']}")
    if result["code"]:
        sys.exit(f"{code}: digest build exited {result['code']}:\n{done.stderr[-2000:]}")


def compared(a: Path, b: Path) -> list[str]:
    """Files that differ or exist in one output only (PDFs, stamps and pagefind/ aside)."""

    def kept(folder: Path) -> set[str]:
        found = set()
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if path.is_dir() or relative.parts[0] == "pagefind":
                continue
            if path.suffix == ".pdf" or path.name.endswith("-cache"):
                continue
            found.add(relative.as_posix())
        return found

    ours, theirs = kept(a), kept(b)
    differ = [f"only in the reference: {name}" for name in sorted(theirs - ours)]
    differ += [f"only in this checkout: {name}" for name in sorted(ours - theirs)]
    for name in sorted(ours & theirs):
        if (a / name).read_bytes() != (b / name).read_bytes():
            differ.append(name)
    return differ


def show(name: str, ours: Path, theirs: Path) -> None:
    try:
        old = (theirs / name).read_text(encoding="utf-8").splitlines()
        new = (ours / name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    lines = difflib.unified_diff(old, new, f"reference/{name}", f"checkout/{name}", n=1)
    for line in list(lines)[:20]:
        print(f"    {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reference", nargs="?", help="another checkout of digest")
    parser.add_argument("--issues", type=int, default=520)
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not args.reference:
        parser.error("give the reference checkout")
    reference = Path(args.reference).resolve()
    if not (reference / "digest" / "__init__.py").is_file():
        sys.exit(f"{reference}: not a checkout of digest (no digest/__init__.py)")
    temp = Path(tempfile.mkdtemp(prefix="digest-same-build-"))
    try:
        from benchmarks.build import make_project  # the same project bench-build times

        ours = make_project(temp / "checkout", args.issues)
        # The reference's own theme and settings: the output is what its code and its theme
        # made (the synthetic archive is this checkout's, the same for both).
        theirs = make_project(temp / "reference", args.issues, source=reference)
        build(theirs, reference)
        build(ours, ROOT)
        differ = compared(ours.parent / "output", theirs.parent / "output")
        files = sum(1 for p in (ours.parent / "output").rglob("*") if p.is_file())
        if not differ:
            print(f"{args.issues} issues: identical ({files} files compared)")
            return
        print(f"{args.issues} issues: {len(differ)} files differ")
        for name in differ[:10]:
            print(f"  {name}")
            if not name.startswith("only "):
                show(name, ours.parent / "output", theirs.parent / "output")
        sys.exit(1)
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
