"""Build benchmark: archives of 52 and 520 weekly issues, plain Pelican vs `digest build`.

    .venv/bin/invoke bench-build [--issues 52,520] [--repeat N] [--profile] [--keep]
    .venv/bin/python -m benchmarks.build [--issues 52,520] [--repeat N] [--profile] [--keep]

For each size a temporary project is made: the repository's pelican.conf.py, themes/,
samples/ and content/pages/, and N synthetic issues from benchmarks/archive.py (about
2,100 words each, four sections, citations, an incident table). The script prints, from
one run:

- plain Pelican: the same Markdown built by the same Pelican version with its default
  settings and default theme and no plugin, reading .md with python-markdown (not a
  dependency of digest: it lives in a scratch venv, .cache/bench-pelican/, made with pip on
  the first run, same Python and same Pelican as .venv). Fresh output every time.
- full build: `digest build` (the CLI, in a fresh process) of the whole archive into an
  output folder holding only the PDFs (with their .pdf-cache stamps) and email editions of
  an earlier build: every page, feed and export is written anew, every PDF is checked
  (hashed) and found current, every email edition rendered and found unchanged. Pelican's
  content cache starts empty. This is "rebuilding the site after a theme or settings
  change", minus the PDFs.
- rebuild: the archive built, issue N+1 added, `digest build` again. Its PDF is rendered
  for real with WeasyPrint (shown on its own line).
- search indexing, on its own line: from the start to the end of the index's update in its
  worker process (digest/publish/search_worker.py).

Each build runs in a child, `python -m benchmarks.build --child CONFIG` from the project
root, which imports the installed digest (the parent checks it is the one the parent
imports). The theme, pelican.conf.py and samples/ are copied into each temporary project;
digest itself is not: if digest/, templates/ or themes/ change while the benchmark runs,
it says so at the end (the figures then mix two versions).

Times are wall-clock for the whole command (interpreter start and imports included, for
both), the best of --repeat runs. Ratios: full / plain Pelican (target <= 0.6x at 520
issues, issue 25; issue 5 asked 1.0x), rebuild / plain Pelican (target <= 0.25x, issue 5),
and the rebuild as the user waits for it, search index and the new PDF included (target
<= 0.3x, issue 25). The search index, the PDFs and the email editions may run side by
side: what they add to the rebuild is the span from the first one's start to the last
one's end, less the emails.

The PDFs of the archive are not rendered (520 WeasyPrint runs take longer than the rest
of the benchmark together; benchmarks/pdf.py measures them): in a first build a
placeholder file stands in for each (digest.publish.pdf.jobs.render_jobs, which hands the batch
of stale PDFs to the worker pool, is replaced), stamped by make_pdfs with the real token
and fingerprint, which is exactly what `digest build` checks. The script checks that the
first build reported every issue's PDF made and left each on disk with its stamp, that
the full build then renders 0 and finds all N current, and that the rebuild renders the
new issue's PDF, for real.

After the rebuild, a copy of the project is built again with `digest build --full` (every
issue read, every page written) and its output compared file by file with the rebuild's:
pages the rebuild did not write must still be right.

--profile runs the full build and the rebuild of the largest size once more under
cProfile and prints where the time goes, by phase and by function.
"""

from __future__ import annotations

import argparse
import cProfile
import filecmp
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import digest
from benchmarks.archive import FIRST_WEEK_ENDING, week_ending, write_archive, write_issue

ROOT = Path(__file__).resolve().parents[1]  # the project: where the children run
PLAIN_VENV = ROOT / ".cache" / "bench-pelican"
CACHE = ".cache"  # the temp project's CACHE_PATH (.cache/pelican): removed before a full build
PLAIN_REQUIREMENTS = ("markdown==3.11.3",)
EPOCH = "1735689600"  # SOURCE_DATE_EPOCH: 2025-01-01, after the last synthetic issue
PLACEHOLDER = b"%PDF-1.7\n% placeholder written by benchmarks/build.py\n"
PLAIN_CONF = """\
SITENAME = "Iraq Weekly Monitor"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Baghdad"
"""

# Phases for the profile: (label, file suffix, function name); cumulative time of each.
PHASES = (
    ("settings and plugins (digest.config.load)", "digest/config/__init__.py", "load"),
    ("check: every issue judged (check_content)", "digest/commands/check.py", "check_content"),
    ("Pelican, all of it (run_pelican)", "digest/commands/build.py", "run_pelican"),
    ("  reading: articles (generate_context)", "pelican/generators.py", "generate_context"),
    ("    Readers.read_file", "pelican/readers.py", "read_file"),
    ("    our reader (IssueReader.read)", "pelican_plugin/reader.py", "read"),
    ("    parse_edition", "render/edition.py", "parse_edition"),
    ("  writing: all generate_output", "pelican/generators.py", "generate_output"),
    ("    Writer.write_file (pages)", "pelican/writers.py", "write_file"),
    ("    Writer.write_feed (Atom, RSS)", "pelican/writers.py", "write_feed"),
    ("    jinja2 Template.render", "jinja2/environment.py", "render"),
    ("    Paginator.page", "pelican/paginator.py", "page"),
    ("    our exports (write_exports)", "pelican_plugin/exports.py", "write_exports"),
    ("    our feed fix (fix_feed_anchors)", "pelican_plugin/exports.py", "fix_feed_anchors"),
    ("    static/theme copy (copy_file)", "pelican/utils.py", "copy"),
    ("  content cache: save_cache", "pelican/cache.py", "save_cache"),
    ("  content cache: load (pickle.load)", "~", "<built-in method _pickle.load>"),
    ("PDFs (make_pdfs: check, or render)", "publish/pdf.py", "make_pdfs"),
    ("  fingerprint (hashing)", "publish/pdf.py", "fingerprint"),
    ("email editions (write_email_edition)", "publish/email/edition.py", "write_email_edition"),
)


# --------------------------------------------------------------------------- the child


def child(config: str, profile: str | None) -> None:
    """`digest build` in this process, with timers around its parts; prints one JSON line.

    The build's modules are imported where `digest build` imports them, once its worker
    processes are started (commands/head_start.py), and only then timed: imported here
    first, they would keep the workers from starting as early as they do for a user."""
    import contextlib

    import digest.commands.head_start as head_start_module
    from digest.cli import main as cli_main

    begun = time.perf_counter()
    timers: dict[str, float] = {}
    calls: dict[str, int] = {}
    spans: dict[str, list[float]] = {}  # name -> [first start, last end], since the child's start
    pdfs: dict[str, Any] = {"rendered": [], "current": 0, "problems": []}  # make_pdfs said

    def timed(name: str, func):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                ended = time.perf_counter()
                timers[name] = timers.get(name, 0.0) + ended - started
                calls[name] = calls.get(name, 0) + 1
                span = spans.setdefault(name, [started - begun, ended - begun])
                span[0], span[1] = min(span[0], started - begun), max(span[1], ended - begun)

        return wrapper

    def reported(func):
        def wrapper(*args, **kwargs):
            report = func(*args, **kwargs)
            pdfs["rendered"] += report.rendered
            pdfs["current"] += report.current
            pdfs["problems"] += report.problems
            return report

        return wrapper

    def instrument() -> None:
        import digest.commands.build as build_module
        from digest.publish.pdf import jobs as pdf

        _instrument(build_module, pdf, timed, reported, timers, calls, spans, pdfs, begun)

    starting = head_start_module.head_start

    @contextlib.contextmanager
    def head_start_then_timed(*args, **kwargs):
        with starting(*args, **kwargs) as started:
            instrument()
            yield started

    head_start_module.head_start = head_start_then_timed

    import logging

    warnings: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(f"{record.levelname}: {record.getMessage()[:200]}")

    logging.getLogger("pelican").addHandler(Keep(level=logging.WARNING))
    args = ["--config", config, "build", *(["--full"] if os.environ.get("BENCH_FULL") else [])]
    started = time.perf_counter()
    code = 0
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler:
            profiler.enable()
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = int(cli_main(args, standalone_mode=False) or 0)
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    timers["total"] = time.perf_counter() - started
    result = {
        "timers": timers,
        "calls": calls,
        "spans": spans,
        "pdfs": pdfs,
        "code": code,
        "warnings": warnings,
    }
    print(json.dumps({**result, "seeded": _SEEDED, "digest": digest.__file__}))
    # The child ends as the `digest` program does (digest.cli.run): its wall time is the
    # user's, the interpreter's teardown left out as the program leaves it out.
    from digest.cli import ending

    ending.end(0)


def _instrument(build_module, pdf, timed, reported, timers, calls, spans, pdfs, begun) -> None:
    """The child's timers around the build's parts."""
    from digest.commands.early_pdfs import EarlyPdfs

    build_module.run_pelican = timed("pelican", build_module.run_pelican)
    # One call a build: every issue's PDF checked, the stale ones rendered in one batch.
    pdf.make_pdfs = timed("pdf", reported(pdf.make_pdfs))

    def settled(func):  # the PDFs begun while Pelican works, published just before
        def wrapper(*args, **kwargs):
            report = func(*args, **kwargs)
            pdfs["current"] -= len(report.rendered)  # make_pdfs then finds them current
            return report

        return wrapper

    EarlyPdfs.settle = timed("pdf", settled(reported(EarlyPdfs.settle)))
    build_module.write_email_edition = timed("email", build_module.write_email_edition)
    searched = build_module._searched  # the index written in a process of its own

    def from_the_process(found):  # its start and end are on this process's clock
        started, ended = found.started, found.ended
        timers["search"] = timers.get("search", 0.0) + ended - started
        calls["search"] = calls.get("search", 0) + 1
        spans["search"] = [started - begun, ended - begun]
        return searched(found)

    build_module._searched = from_the_process
    if os.environ.get("BENCH_SEED_PDFS"):  # the first build: placeholders, not WeasyPrint
        pdf.render_jobs = _seed_pdfs


_SEEDED: list[str] = []  # the slugs _seed_pdfs wrote a placeholder for


def _seed_pdfs(jobs, settings, limits, pool=None):
    """Placeholders for the PDFs, stamped as digest.publish.pdf.jobs stamps a real one."""
    from digest.publish.pdf import render, workers

    for job in jobs:
        job.target.write_bytes(PLACEHOLDER)
        _SEEDED.append(job.slug)
        yield workers.Outcome(job, value=render.Printed(pages=0))


# --------------------------------------------------------------------------- the parent


def plain_python() -> Path:
    """A venv with the same Pelican plus python-markdown, made once under .cache/."""
    import pelican

    python = PLAIN_VENV / "bin" / "python"
    version = pelican.__version__
    probe = f"import markdown, pelican; assert pelican.__version__ == {version!r}"
    check = [str(python), "-c", probe]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"making {PLAIN_VENV} (pelican=={version}, {', '.join(PLAIN_REQUIREMENTS)}) ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PLAIN_VENV)], check=True)
    install = ["install", "--quiet", f"pelican=={version}", *PLAIN_REQUIREMENTS]
    subprocess.run([str(python), "-m", "pip", *install], check=True)
    return python


def tree_state() -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file of digest, its templates and the theme: compared at
    the end, to tell whether the working tree changed under the benchmark."""
    home = Path(digest.__file__).resolve().parent
    folders = [home, ROOT / "templates", ROOT / "themes"]
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                found.append((str(path), info.st_size, info.st_mtime_ns))
    return found


def make_project(folder: Path, issues: int, source: Path = ROOT) -> Path:
    """A digest project in folder with `issues` synthetic issues; returns its config path.
    Its theme, settings, samples and pages are those of the checkout `source`."""
    folder.mkdir(parents=True)
    for name in ("themes", "samples"):
        shutil.copytree(source / name, folder / name)
    shutil.copytree(source / "content" / "pages", folder / "content" / "pages")
    write_archive(folder / "content" / "issues", issues)
    conf = (source / "pelican.conf.py").read_text(encoding="utf-8")
    conf += f'\nDIGEST_FIRST_ISSUE = "{FIRST_WEEK_ENDING.isoformat()}"\n'
    conf += "DIGEST_AUDIO = False\n"  # the site against plain Pelican; audio: benchmarks/audio.py
    # The copied theme, not the one Python finds as digest.themes: for a checkout other than
    # the installed one (same_build's reference) that would be the installed checkout's.
    conf += f"THEME = {str(folder / 'themes' / 'digest')!r}\n"
    (folder / "pelican.conf.py").write_text(conf, encoding="utf-8")
    return folder / "pelican.conf.py"


def run_child(
    config: Path, *, seed: bool = False, profile: Path | None = None, full: bool = False
) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}
    if seed:
        env["BENCH_SEED_PDFS"] = "1"
    if full:
        env["BENCH_FULL"] = "1"
    command = [sys.executable, "-m", "benchmarks.build", "--child", str(config)]
    if profile:
        command += ["--profile-out", str(profile)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines or not lines[-1].startswith("{"):
        sys.exit(f"digest build failed ({config}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1])
    if result["code"]:
        sys.exit(f"digest build exited {result['code']}:\n{done.stdout}\n{done.stderr}")
    result["wall"] = wall
    # The child's digest is the one installed here, not another copy on some path.
    assert result["digest"] == digest.__file__, (result["digest"], digest.__file__)
    if result["pdfs"]["problems"]:
        sys.exit(f"digest build could not make PDFs: {result['pdfs']['problems']}")
    result["summary"] = next((line for line in lines if line.startswith("built ")), "")
    return result


def reset_output(output: Path, keep_slugs: set[str]) -> None:
    """Everything but the archive's PDFs and email editions, with their stamps, goes."""
    for path in sorted(output.rglob("*"), reverse=True):
        relative = path.relative_to(output)
        parts = relative.parts
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
            continue
        if parts[0] == "email" and path.name.lstrip(".").split(".")[0] in keep_slugs:
            continue
        kept_pdf = path.suffix == ".pdf" or path.name == ".pdf-cache"
        if parts[0] == "issues" and len(parts) == 3 and parts[1] in keep_slugs and kept_pdf:
            continue
        path.unlink()


def digest_runs(folder: Path, issues: int, repeat: int) -> dict:
    config = make_project(folder, issues)
    output = folder / "output"
    slugs = {p.stem for p in (folder / "content" / "issues").glob("*.md")}
    assert len(slugs) == issues, len(slugs)
    seed = run_child(config, seed=True)  # placeholder PDFs + stamps, emails written
    # PDFs are made in one batch (one make_pdfs call, the stale ones handed to the worker
    # pool): every issue's must have been made, and be on disk with its stamp.
    assert sorted(seed["pdfs"]["rendered"]) == sorted(slugs), seed["pdfs"]
    assert sorted(seed["seeded"]) == sorted(slugs), seed["seeded"]  # placeholders, every one
    if f"PDFs {issues} rendered, 0 unchanged" not in seed["summary"]:
        sys.exit(f"the first build did not make every PDF: {seed['summary']}")
    for slug in slugs:
        made = output / "issues" / slug / f"{slug}.pdf"
        assert made.read_bytes() == PLACEHOLDER, made
        assert (made.parent / ".pdf-cache").is_file(), made.parent
    # The stamps are put back before each full build, so every run starts from the same ones
    # (the rebuild rewrites issue N's page too, for its "Next issue" link).
    stamps = {path: path.read_bytes() for path in output.glob("issues/*/.pdf-cache")}
    assert len(stamps) == issues, len(stamps)
    best: dict[str, dict] = {}
    new_issue = issues + 1
    for _ in range(repeat):
        for stale in (folder / "content" / "issues").glob("*.md"):
            if stale.stem not in slugs:
                stale.unlink()
        reset_output(output, slugs)
        for path, stamp in stamps.items():
            path.write_bytes(stamp)
        shutil.rmtree(folder / CACHE, ignore_errors=True)
        full = run_child(config)
        if f"PDFs 0 rendered, {issues} unchanged" not in full["summary"]:
            sys.exit(f"full build re-rendered PDFs: {full['summary']}")
        assert full["pdfs"]["current"] == issues and not full["pdfs"]["rendered"], full["pdfs"]
        write_issue(folder / "content" / "issues", new_issue)
        rebuild = run_child(config)
        # Only the new issue's PDF is made, by WeasyPrint: a real PDF, not a placeholder.
        new_slug = week_ending(new_issue).isoformat()
        assert rebuild["pdfs"]["rendered"] == [new_slug], rebuild["pdfs"]
        made = output / "issues" / new_slug / f"{new_slug}.pdf"
        assert made.read_bytes().startswith(b"%PDF-") and made.read_bytes() != PLACEHOLDER
        for name, result in (("full", full), ("rebuild", rebuild)):
            if name not in best or result["wall"] < best[name]["wall"]:
                best[name] = result
    best["stamps"] = stamps  # type: ignore[assignment]
    best["config"] = config  # type: ignore[assignment]
    best["output"] = output  # type: ignore[assignment]
    return best


def plain_runs(folder: Path, issues: int, repeat: int, python: Path) -> dict:
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "pages", folder / "content" / "pages")
    write_archive(folder / "content" / "issues", issues)
    (folder / "pelican.conf.py").write_text(PLAIN_CONF, encoding="utf-8")
    best = None
    for _ in range(repeat):
        shutil.rmtree(folder / "output", ignore_errors=True)
        command = [str(python), "-m", "pelican", "content", "-s", "pelican.conf.py", "-o", "output"]
        started = time.perf_counter()
        done = subprocess.run([*command, "-q"], cwd=folder, capture_output=True)
        wall = time.perf_counter() - started
        if done.returncode:
            sys.exit(f"plain Pelican failed:\n{done.stdout.decode()}\n{done.stderr.decode()}")
        best = wall if best is None else min(best, wall)
    return {"wall": best, "output": folder / "output"}


def site_size(output: Path) -> str:
    pages = list(output.rglob("*.html"))
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    return f"{len(pages)} HTML files, {size / 1e6:.0f} MB in all"


def compare_outputs(a: Path, b: Path) -> list[str]:
    """Files that differ between two outputs (PDFs aside, and pagefind/: not reproducible)."""
    different = []
    for path in sorted(a.rglob("*")):
        if path.is_dir() or path.suffix == ".pdf" or path.name.endswith("-cache"):
            continue  # PDFs are placeholders; stamps hold mtimes' verdicts, not output
        if path.relative_to(a).parts[0] == "pagefind":
            continue
        other = b / path.relative_to(a)
        if not other.exists() or not filecmp.cmp(path, other, shallow=False):
            different.append(str(path.relative_to(a)))
    return different


def print_profile(stats_path: Path, title: str, wall: float) -> None:
    stats = pstats.Stats(str(stats_path))
    raw = stats.stats  # type: ignore[attr-defined]
    print(f"\n### profile: {title} (under cProfile: {wall:.2f} s wall)")
    for label, suffix, func in PHASES:
        found = [
            (cc, nc, tt, ct)
            for (file, _, name), (cc, nc, tt, ct, _) in raw.items()
            if name == func and file.replace(os.sep, "/").endswith(suffix)
        ]
        if found:
            calls = sum(f[1] for f in found)
            total = sum(f[3] for f in found)
            print(f"  {label:<46} {total:7.2f} s  ({calls} calls)")
    print("  top functions by own time:")
    own = sorted(raw.items(), key=lambda kv: -kv[1][2])[:15]
    for (file, line, name), (_, nc, tt, ct, _) in own:
        where = "/".join(Path(file).parts[-2:]) if file != "~" else ""
        print(f"    {tt:6.2f} s own {ct:6.2f} s cum {nc:8d}x  {name}  {where}:{line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", default="52,520")
    parser.add_argument("--repeat", type=int, default=None, help="default: 3 below 200, else 1")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp projects")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.profile_out)
        return

    sizes = [int(n) for n in args.issues.split(",")]
    python = plain_python()
    import pelican

    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Pelican {pelican.__version__}; plain Pelican: {python}"
    )
    temp = Path(tempfile.mkdtemp(prefix="digest-build-bench-"))
    before = tree_state()
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "log", "-1", "--format=%h %cs"], capture_output=True, text=True)
    status = [*git, "status", "--porcelain", "digest", "templates", "themes", "pelican.conf.py"]
    changed = subprocess.run(status, capture_output=True, text=True).stdout.splitlines()
    print(f"digest at {head.stdout.strip()} + {len(changed)} changed files ({digest.__file__})")
    try:
        for issues in sizes:
            repeat = args.repeat or (3 if issues < 200 else 1)
            print(f"\n## {issues} issues (best of {repeat})")
            plain = plain_runs(temp / f"plain-{issues}", issues, repeat, python)
            base_wall = plain["wall"]
            print(f"  {'plain Pelican, full build':<44} {base_wall:7.2f} s   1.00x")
            print(f"    ({site_size(plain['output'])})")
            runs = digest_runs(temp / f"digest-{issues}", issues, repeat)
            full, rebuild = runs["full"], runs["rebuild"]
            # The targets leave out search indexing (on its own line) and, for the rebuild,
            # rendering the new issue's PDF with WeasyPrint: the site build is what is timed.
            site_full = full["wall"] - full["timers"].get("search", 0.0)
            ratio = full["wall"] / base_wall
            print(f"  {'digest build, full':<44} {full['wall']:7.2f} s   {ratio:.2f}x")
            _parts(full)
            print(
                f"  {'  without search indexing':<44} {site_full:7.2f} s   "
                f"{site_full / base_wall:.2f}x  (target <= 0.6x)"
            )
            print(
                f"  {'digest build, rebuild +1 issue':<44} {rebuild['wall']:7.2f} s   "
                f"{rebuild['wall'] / base_wall:.2f}x"
            )
            _parts(rebuild)
            site_rebuild = rebuild["wall"] - _publishing(rebuild)
            print(
                f"  {'  without search and the new PDF':<44} {site_rebuild:7.2f} s   "
                f"{site_rebuild / base_wall:.2f}x  (target <= 0.25x)"
            )
            waited = rebuild["wall"]
            print(
                f"  {'add one issue and rebuild, as the user waits':<44} {waited:7.2f} s   "
                f"{waited / base_wall:.2f}x  (target <= 0.3x)\n"
                "    (search index and the new PDF included: the whole `digest build`)"
            )
            print(f"    ({site_size(runs['output'])})")
            for warning in sorted(set(full["warnings"] + rebuild["warnings"]))[:5]:
                print(f"    Pelican said: {warning}")
            folder = temp / f"digest-{issues}"
            again = temp / f"digest-{issues}-full"
            shutil.copytree(folder, again, ignore=shutil.ignore_patterns(".cache"))
            run_child(again / "pelican.conf.py", full=True)
            diff = compare_outputs(again / "output", runs["output"])
            verdict = "identical" if not diff else f"{len(diff)} differ: {diff[:5]}"
            print(f"    rebuild's output vs `digest build --full`: {verdict}")
            if args.profile and issues == max(sizes):
                config = folder / "pelican.conf.py"
                (folder / "content" / "issues" / f"{_slug(issues + 1)}.md").unlink()
                keep = {p.stem for p in (folder / "content" / "issues").glob("*.md")}
                reset_output(folder / "output", keep)
                for path, stamp in runs["stamps"].items():
                    path.write_bytes(stamp)
                shutil.rmtree(folder / CACHE, ignore_errors=True)
                stats = temp / "full.prof"
                full = run_child(config, profile=stats)
                print_profile(stats, f"full build, {issues} issues", full["wall"])
                write_issue(folder / "content" / "issues", issues + 1)
                stats = temp / "rebuild.prof"
                rebuild = run_child(config, profile=stats)
                print_profile(stats, f"rebuild +1, {issues} issues", rebuild["wall"])
    finally:
        if args.keep:
            print(f"\nkept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    if tree_state() != before:
        print("\nWARNING: digest/, templates/ or themes/ changed while the benchmark ran: the")
        print("figures above may mix two versions; run it again on a quiet working tree.")


def _slug(number: int) -> str:
    return week_ending(number).isoformat()


def _publishing(result: dict) -> float:
    """The time from the first start of the search index, the PDFs and the email editions
    to the last end, less the emails': what search and PDFs add to the wait, whether they
    run one after the other or side by side."""
    spans = [result["spans"][n] for n in ("search", "pdf", "email") if n in result["spans"]]
    if not spans:
        return 0.0
    block = max(end for _, end in spans) - min(start for start, _ in spans)
    return max(0.0, block - result["timers"].get("email", 0.0))


def _parts(result: dict) -> None:
    timers = result["timers"]
    startup = result["wall"] - timers["total"]
    parts = [f"start+imports {startup:.2f}", f"Pelican {timers.get('pelican', 0):.2f}"]
    pdfs = result["pdfs"]
    made = len(pdfs["rendered"])
    checked = made + pdfs["current"]
    parts.append(f"PDFs {timers.get('pdf', 0):.2f} ({checked} checked, {made} rendered)")
    parts.append(f"emails {timers.get('email', 0):.2f}")
    if "search" in timers:
        parts.append(f"search index {timers['search']:.2f}")
    print(f"    {'; '.join(parts)}  — {result['summary']}")
    if "search" in timers:
        print(f"    {'search indexing (Pagefind), in the build':<42} {timers['search']:7.2f} s")
    else:
        print("    search indexing: not run by digest build (no pagefind/search step in it)")


if __name__ == "__main__":
    main()
