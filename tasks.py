"""The command index: `invoke -l` lists every task. The Makefile only bootstraps .venv."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

from invoke import Context, task

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DIGEST = f"{BIN / 'digest'} --config {ROOT / 'pelican.conf.py'}"
# The sample fortnight: weeks ending on these Thursdays.
SAMPLE_WEEKS = ("2024-02-01", "2024-02-08")
# ... and the same news as a daily digest: the month page of February 2024, and as a second
# series of situation reports, one a week (slug: the week-ending date and "-report").
SAMPLE_MONTH = "2024-02"
SAMPLE_REPORTS = SAMPLE_WEEKS
# Sample builds are reproducible: a fixed clock for everything that asks for "now".
SAMPLE_EPOCH = "1707566400"  # 2024-02-10 12:00 UTC


@task
def setup(c: Context) -> None:
    """Install the project and its development tools into the current environment."""
    c.run(f"{sys.executable} -m pip install --quiet -e '.[dev]'", echo=True)


@task
def collect(c: Context) -> None:
    """Fetch every configured source into the store."""
    c.run(f"{DIGEST} collect", pty=False)


@task(help={"week": "week-ending date, YYYY-MM-DD"})
def draft(c: Context, week: str) -> None:
    """Draft the issue for the week ending WEEK."""
    c.run(f"{DIGEST} draft --week-ending {week}")


@task
def build(c: Context) -> None:
    """Build the site, feeds, PDFs and email editions into output/."""
    c.run(f"{DIGEST} build")


@task
def demo(c: Context) -> None:
    """Collect the bundled samples, draft the sample weeks, month and reports, build it all."""
    started = time.monotonic()
    env = {"SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    c.run(f"{DIGEST} collect", env=env)
    drafts = [f"--week-ending {week}" for week in SAMPLE_WEEKS]
    drafts.append(f"--layout daily --month {SAMPLE_MONTH}")
    drafts += [f"--layout report --week-ending {week}" for week in SAMPLE_REPORTS]
    for options in drafts:
        result = c.run(f"{DIGEST} draft {options}", env=env, warn=True)
        # 3: the editor changed this issue and digest kept their version (it printed a note).
        if not result.ok and result.exited != 3:
            sys.exit(result.exited)
    c.run(f"{DIGEST} build", env=env)
    # A dry run: the latest sample week's email, one message per sample subscriber.
    latest = SAMPLE_WEEKS[-1]
    c.run(f"{DIGEST} send {latest} --subscribers samples/subscribers.csv", env=env)
    out = ROOT / "output"
    print(f"\nDone in {time.monotonic() - started:.1f} s. What digest built:")
    print(f"  site          {out / 'index.html'}  (archive of issues)")
    for week in SAMPLE_WEEKS:
        print(f"  issue         {out / 'issues' / week / 'index.html'}")
        print(f"    PDF         {out / 'issues' / week / (week + '.pdf')}")
        print(f"    data        {out / 'issues' / week / 'issue.json'}, incidents.csv")
        print(f"    email       {out / 'email' / (week + '.html')}, .txt, .eml")
    month = out / "issues" / SAMPLE_MONTH
    print(f"  daily digest  {month / 'index.html'}  (a heading per day)")
    print(f"    PDF         {month / (SAMPLE_MONTH + '.pdf')}")
    print(f"    data        {month / 'issue.json'}")
    print(f"    email       {out / 'email' / (SAMPLE_MONTH + '.html')}, .txt, .eml")
    for week in SAMPLE_REPORTS:
        report = f"{week}-report"
        print(f"  report        {out / 'issues' / report / 'index.html'}  (a situation report)")
        print(f"    PDF, email  {out / 'issues' / report / (report + '.pdf')}, email/{report}.*")
    print(f"  series        {out / 'series'}/weekly/, daily/, report/  (an archive each)")
    print(f"  feeds         {out / 'feeds'}/atom.xml, rss.xml, feed.json; <series>.atom.xml …")
    print(f"  outbox        {ROOT / 'outbox' / latest / 'new'}  (the email, one per subscriber)")
    print("  Markdown      content/issues/*.md  (edit these, then `make demo` again)")
    print("\nBrowse it: .venv/bin/invoke serve   then open http://127.0.0.1:8000/")


@task(help={"port": "port to listen on (default 8000)"})
def serve(c: Context, port: int = 8000) -> None:
    """Serve output/ on http://127.0.0.1:PORT for a look in the browser."""
    c.run(
        f"{sys.executable} -m http.server {port} --bind 127.0.0.1 --directory {ROOT / 'output'}",
        pty=False,
    )


@task
def wheel(c: Context) -> None:
    """Build digest's wheel into dist/, to `pip install` into any Python 3.11+ environment."""
    c.run(
        f"{sys.executable} -m pip wheel --quiet --no-deps --no-build-isolation -w dist .",
        echo=True,
    )
    for built in sorted(Path("dist").glob("digest-*.whl")):
        print(built)


@task
def lint(c: Context) -> None:
    """Check code style and formatting with ruff."""
    c.run(f"{BIN / 'ruff'} check .", echo=True)
    c.run(f"{BIN / 'ruff'} format --check .", echo=True)


@task
def corpus(c: Context) -> None:
    """Download feedparser's test corpus into .cache/ once (the collect tests read it)."""
    result = c.run(
        f"{sys.executable} {ROOT / 'tests' / 'support' / 'corpus.py'}", pty=False, warn=True
    )
    if not result.ok:  # tests/support/corpus.py has printed what to do
        sys.exit(result.exited)


@task
def site_tools(c: Context) -> None:
    """Install vnu.jar and axe-core (pinned, from npm) into .cache/npm/ once (the site tests)."""
    result = c.run(
        f"{sys.executable} {ROOT / 'tests' / 'support' / 'site_tools.py'}", pty=False, warn=True
    )
    if not result.ok:  # tests/support/site_tools.py has printed what to do
        sys.exit(result.exited)


@task
def fonts(c: Context) -> None:
    """Fetch the print fonts from npm into themes/digest/static/fonts/ (their files are
    committed: run this only to change or update them, then review the PDFs)."""
    c.run(f"{sys.executable} {ROOT / 'themes' / 'digest' / 'fetch_fonts.py'}", pty=False)


@task(help={"k": "only tests matching this expression", "x": "stop at the first failure"})
def test(c: Context, k: str = "", x: bool = False) -> None:
    """Run the whole test suite (and the linter)."""
    lint(c)
    corpus(c)
    site_tools(c)
    args = ["-q"]
    if k:
        args += ["-k", f"'{k}'"]
    if x:
        args.append("-x")
    c.run(
        f"{sys.executable} -m pytest {' '.join(args)}",
        echo=True,
        pty=False,
        env={"PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")},
    )


@task(
    positional=["module"],
    help={
        "module": "one module, e.g. text/dates.py, or `all`: every module in pyproject.toml",
        "jobs": "mutants tested at once (default: one per CPU)",
        "show": "show mutmut's own progress instead of logging it to .mutate/",
    },
)
def mutate(c: Context, module: str, jobs: int = 0, show: bool = False) -> None:
    """Mutation-test MODULE (or `all`) with its tests; print the score and every survivor."""
    # invoke has no optional positional argument: every module is `invoke mutate all`.
    try:
        import mutmut  # noqa: F401
    except ImportError:
        c.run(f"{sys.executable} -m pip install --quiet -e '.[mutation]'", echo=True)
    sys.path.insert(0, str(ROOT))
    from tests.support import mutation

    sys.exit(mutation.main(module, jobs=jobs, show=show))


@task
def update_golden(c: Context) -> None:
    """Regenerate tests/golden/ from the current code; review the diff before committing."""
    c.run(
        f"{sys.executable} -m pytest -q tests/test_golden.py",
        env={"DIGEST_UPDATE_GOLDEN": "1"},
        echo=True,
        warn=True,
    )
    c.run("git diff --stat tests/golden", echo=True)


# --------------------------------------------------------------------------- benchmarks
# Each runs `python -m benchmarks.NAME` from the project root, with the installed digest;
# an option not given is left to the benchmark's own default. Their figures:
# benchmarks/README.md. Run them on a quiet machine.


def _bench(c: Context, name: str, *arguments: str, **options: object) -> None:
    """`python -m benchmarks.NAME ARGUMENTS --OPTION VALUE ...` in the project root."""
    args = list(arguments)
    for option, value in options.items():
        flag = f"--{option.replace('_', '-')}"
        if value is True:
            args.append(flag)
        elif value is not None and value is not False:
            args += [flag, str(value)]
    with c.cd(ROOT):
        # An installed digest has its bytecode compiled (pip does it); a checkout run with
        # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every timed run.
        c.run(shlex.join([sys.executable, "-m", "compileall", "-q", "digest", "benchmarks"]))
        # And, as on a user's machine, each command keeps the code its dataclasses compiled
        # (digest/kept_code.py): not kept where PYTHONDONTWRITEBYTECODE is set (empty: unset).
        env = {"PYTHONDONTWRITEBYTECODE": ""}
        c.run(shlex.join([sys.executable, "-m", f"benchmarks.{name}", *args]), echo=True, env=env)


@task(
    help={
        "issues": "archive sizes, comma-separated (default 52,520)",
        "repeat": "best of N runs (default: 3 below 200 issues, else 1)",
        "profile": "profile the largest size's builds and print where the time goes",
        "keep": "keep the temporary projects",
    }
)
def bench_build(
    c: Context,
    issues: str | None = None,
    repeat: str | None = None,
    profile: bool = False,
    keep: bool = False,
) -> None:
    """Benchmark `digest build` (full and +1 issue) against plain Pelican on synthetic archives."""
    _bench(c, "build", issues=issues, repeat=repeat, profile=profile, keep=keep)


@task(help={"issues": "archive size (default 520)", "keep": "keep the temporary projects"})
def same_build(c: Context, reference: str, issues: str | None = None, keep: bool = False) -> None:
    """Compare a full build's output, file by file, with a REFERENCE checkout's."""
    _bench(c, "same_build", str(Path(reference).resolve()), issues=issues, keep=keep)


@task(
    help={
        "feeds": "feeds served (default 200)",
        "items": "items a feed (default 50)",
        "repeat": "best of N runs (default 3)",
    }
)
def bench_collect(
    c: Context, feeds: str | None = None, items: str | None = None, repeat: str | None = None
) -> None:
    """Benchmark `digest collect` (cold and warm) against bare feedparser, from a local server."""
    _bench(c, "collect", feeds=feeds, items=items, repeat=repeat)


@task(
    help={
        "show": "print gold vs drafted for the week ending SHOW (YYYY-MM-DD)",
        "misses": "list every miss (incident rows, days)",
        "size": "items in the week whose drafting is timed (default 1000)",
    }
)
def bench_drafting(
    c: Context, show: str | None = None, misses: bool = False, size: str | None = None
) -> None:
    """Score drafted headlines, takeaways, rows and days against the editor's (ROUGE, LexRank)."""
    try:
        import rouge_score  # noqa: F401
        import sumy  # noqa: F401
    except ImportError:
        with c.cd(ROOT):
            c.run(f"{sys.executable} -m pip install --quiet -e '.[bench]'", echo=True)
    _bench(c, "drafting", show=show, misses=misses, size=size)


@task(
    help={
        "misses": "list every wrong incident row",
        "sizes": "week sizes to time drafting at, comma-separated (default 1000,10000)",
    }
)
def bench_grouping(c: Context, misses: bool = False, sizes: str | None = None) -> None:
    """Score sections, same-story merges and incident rows on the labeled weeks; time drafting."""
    _bench(c, "grouping", misses=misses, sizes=sizes)


@task(
    auto_shortflags=False,  # -h would be --headless-shell
    help={
        "issues": "issues to print (default 52)",
        "repeat": "best of N runs (default 1)",
        "browsers": "references to time: chromium,headless-shell (default), one of them, or none",
        "chromium": "the chromium command (default /usr/bin/chromium)",
        "headless_shell": "the headless shell (default /usr/lib/chromium/chromium-headless-shell)",
    },
)
def bench_pdf(
    c: Context,
    issues: str | None = None,
    repeat: str | None = None,
    browsers: str | None = None,
    chromium: str | None = None,
    headless_shell: str | None = None,
) -> None:
    """Benchmark `digest pdf` (cold and warm) against Chromium's --print-to-pdf."""
    options = {"chromium": chromium, "headless_shell": headless_shell}
    _bench(c, "pdf", issues=issues, repeat=repeat, browsers=browsers, **options)


@task(
    help={
        "messages": "messages to send (default 10000)",
        "connections": "digest's SMTP connections (default 4)",
        "repeat": "best of N runs (default 1)",
        "sink": "per-connection (default: a process a connection) or shared (one process)",
    }
)
def bench_send(
    c: Context,
    messages: str | None = None,
    connections: str | None = None,
    repeat: str | None = None,
    sink: str | None = None,
) -> None:
    """Benchmark `digest send --send` against bare smtplib, into a local SMTP sink."""
    _bench(c, "send", messages=messages, connections=connections, repeat=repeat, sink=sink)


@task(
    positional=["out"],
    help={"out": "folder to write the issue files into", "issues": "how many (default 52)"},
)
def bench_archive(c: Context, out: str, issues: str | None = None) -> None:
    """Write the benchmarks' synthetic weekly issues (issue files) into OUT."""
    _bench(c, "archive", str(Path(out).resolve()), issues=issues)


@task(
    help={
        "requests": "requests in all, half of each kind (default 200)",
        "seed": "seed of the requests' order (default 1)",
        "warmup": "warm-up requests of each kind, not counted (default 20)",
        "source": "another copy of digest to serve (default: the installed one)",
    }
)
def bench_subscribe_timing(
    c: Context,
    requests: str | None = None,
    seed: str | None = None,
    warmup: str | None = None,
    source: str | None = None,
) -> None:
    """Time the subscription service's answer for known vs unknown addresses."""
    source = str(Path(source).resolve()) if source else None
    _bench(c, "subscribe_timing", requests=requests, seed=seed, warmup=warmup, source=source)


@task(
    help={
        "words": "the synthetic issue's length in words (default 2000)",
        "engine": "festival (default) or espeak",
        "paragraphs": "paragraphs of plain news English transcribed, 1-5 (default 5)",
        "baseline": "also time one text2wave over the whole text, then ffmpeg (default on)",
        "show": "print each paragraph's script and what pocketsphinx heard",
    }
)
def bench_audio(
    c: Context,
    words: str | None = None,
    engine: str | None = None,
    paragraphs: str | None = None,
    baseline: bool = True,
    show: bool = False,
) -> None:
    """Benchmark the audio edition: a 2,000-word issue's real-time factor, and word accuracy."""
    _bench(
        c,
        "audio",
        words=words,
        engine=engine,
        paragraphs=paragraphs,
        no_baseline=not baseline,
        show=show,
    )
