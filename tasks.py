"""The command index: `invoke -l` lists every task. The Makefile only bootstraps .venv."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from invoke import Context, task

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DIGEST = f"{BIN / 'digest'} --config {ROOT / 'pelican.conf.py'}"
# The sample fortnight: weeks ending on these Thursdays.
SAMPLE_WEEKS = ("2024-02-01", "2024-02-08")
# ... and the same news as a daily digest: the month page of February 2024.
SAMPLE_MONTH = "2024-02"
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
    """Collect the bundled samples, draft the sample weeks and month, build everything."""
    started = time.monotonic()
    env = {"SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    c.run(f"{DIGEST} collect", env=env)
    drafts = [f"--week-ending {week}" for week in SAMPLE_WEEKS]
    drafts.append(f"--layout daily --month {SAMPLE_MONTH}")
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
    print(f"  feeds         {out / 'feeds'}/atom.xml, rss.xml, feed.json")
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
def lint(c: Context) -> None:
    """Check code style and formatting with ruff."""
    c.run(f"{BIN / 'ruff'} check .", echo=True)
    c.run(f"{BIN / 'ruff'} format --check .", echo=True)


@task
def corpus(c: Context) -> None:
    """Download feedparser's test corpus into .cache/ once (the collect tests read it)."""
    result = c.run(f"{sys.executable} {ROOT / 'tests' / 'corpus.py'}", pty=False, warn=True)
    if not result.ok:  # tests/corpus.py has printed what to do
        sys.exit(result.exited)


@task
def site_tools(c: Context) -> None:
    """Install vnu.jar and axe-core (pinned, from npm) into .cache/npm/ once (the site tests)."""
    result = c.run(f"{sys.executable} {ROOT / 'tests' / 'site_tools.py'}", pty=False, warn=True)
    if not result.ok:  # tests/site_tools.py has printed what to do
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
        "module": "one module, e.g. issues/dates.py (default: every module in pyproject.toml)",
        "jobs": "mutants tested at once (default: one per CPU)",
        "show": "show mutmut's own progress instead of logging it to .mutate/",
    },
)
def mutate(c: Context, module: str | None = None, jobs: int = 0, show: bool = False) -> None:
    """Mutation-test MODULE with its tests; print the score and every surviving mutant."""
    try:
        import mutmut  # noqa: F401
    except ImportError:
        c.run(f"{sys.executable} -m pip install --quiet -e '.[mutation]'", echo=True)
    sys.path.insert(0, str(ROOT / "tests"))
    import mutation

    sys.exit(mutation.main(module or "", jobs=jobs, show=show))


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
