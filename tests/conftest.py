"""Shared fixtures: a project folder with settings, a temp store, a frozen clock, the sample."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import digest
from digest import config
from digest.cli import main

ROOT = Path(__file__).resolve().parents[1]
FROZEN = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)
SAMPLE_EPOCH = str(int(FROZEN.timestamp()))


# Module-level caches of pure functions: a result cached by an earlier test would hide from
# a later one what the function does (mutation testing scored 38% on casualties through
# `read`'s cache). Factories of stateless objects (the Markdown parser, the Jinja
# environments, the TLS context) and the code fingerprint are left cached: clearing them
# costs time and changes nothing a test can see.


def _pure_caches() -> tuple[Callable[..., object], ...]:
    """Every functools cache of a function with arguments in digest's modules: found, not
    listed, so none is forgotten. A cache without arguments holds a loaded resource (the
    templates, the TLS context), the same for every test."""
    found = []
    for info in pkgutil.walk_packages(digest.__path__, "digest."):
        # The program, and the parser fork server's first import (it installs digest's
        # kept dataclass code, digest/kept_code.py, and keeps it when the process ends).
        if info.name in ("digest.__main__", "digest.collect.kept"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if not callable(getattr(value, "cache_clear", None)):
                continue
            if value.__module__ == info.name and inspect.signature(value).parameters:
                found.append(value)
    return tuple(found)


PURE_CACHES = _pure_caches()


@pytest.fixture(autouse=True, scope="session")
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's cache folder of the tests' processes (digest's kept dataclass code,
    digest/kept_code.py): pytest's own, not the home folder of whoever runs them."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(autouse=True, scope="session")
def own_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' temporary files, and their processes', go under pytest's own folder,
    which pytest prunes: a process a test kills on purpose (a build, a worker's parent)
    cannot remove its scratch folder, and would leave it in the machine's /tmp."""
    folder = str(tmp_path_factory.mktemp("tmp"))
    before = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = tempfile.tempdir = folder
    yield
    if before[0] is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before[0]
    tempfile.tempdir = before[1]


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    """Every test starts with the pure functions' caches empty, and with Pelican's memory
    of the lines it logged forgotten: its logger class drops a line it has logged before
    in the same process (LimitFilter), so a test would not hear a line another test's
    build logged."""
    from pelican.log import LimitFilter

    for cached in PURE_CACHES:
        cached.cache_clear()
    LimitFilter._raised_messages.clear()


@pytest.fixture
def now() -> datetime:
    return FROZEN


def make_project(folder: Path, extra: str = "", samples: bool = True) -> Path:
    """A project folder like the repository's: config, theme, samples, empty content."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "themes", folder / "themes", dirs_exist_ok=True)
    if samples:
        shutil.copytree(ROOT / "samples", folder / "samples", dirs_exist_ok=True)
    (folder / "content" / "issues").mkdir(parents=True, exist_ok=True)
    conf = (ROOT / "pelican.conf.py").read_text(encoding="utf-8")
    conf += '\nTHEME = "themes/digest"  # the copy above, which tests may edit\n'
    # Reading every sample issue aloud costs a minute: the audio tests turn it on themselves.
    conf += "DIGEST_AUDIO = False\n"
    if not samples:
        conf += "\nDIGEST_SOURCES = []\n"
    path = folder / "pelican.conf.py"
    path.write_text(conf + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Make a project in a temp folder; returns its config path."""

    def make(extra: str = "", samples: bool = True) -> Path:
        return make_project(tmp_path / "site", extra, samples)

    return make


@pytest.fixture
def settings(project: Callable[..., Path]) -> config.Settings:
    return config.load(project())


def run_cli(config_path: Path, *args: str, epoch: str = SAMPLE_EPOCH) -> Result:
    runner = CliRunner()
    return runner.invoke(
        main,
        ["--config", str(config_path), *args],
        env={"SOURCE_DATE_EPOCH": epoch},
        catch_exceptions=False,
    )


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """digest's wheel, built once a session from a copy of the checkout."""
    from tests.support.installed import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv outside the checkout with that wheel installed (nothing downloaded)."""
    from tests.support.installed import install

    return install(wheel, tmp_path_factory.mktemp("installed") / "venv")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample, collected, drafted and built once for the session."""
    conf = make_project(tmp_path_factory.mktemp("sample") / "site")
    for args in (
        ("collect",),
        ("draft", "--week-ending", "2024-02-01"),
        ("draft", "--week-ending", "2024-02-08"),
        ("build",),
    ):
        result = run_cli(conf, *args)
        assert result.exit_code == 0, f"{args}: {result.output}"
    return conf.parent


def edit_headline(site: Path, slug: str = "2024-02-08") -> None:
    """Give the issue `slug` of a built site a new first headline: its page, PDF and email
    edition change."""
    issue = site / "content" / "issues" / f"{slug}.md"
    issue.write_text(issue.read_text("utf-8").replace("## ", "## Late: ", 1), "utf-8")


@pytest.fixture
def edited_site(sample_site: Path, tmp_path: Path) -> Path:
    """A copy of the built sample, with issue 2024-02-08 edited since (edit_headline)."""
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    edit_headline(copy)
    return copy


@pytest.fixture
def mail_project(sample_site: Path, tmp_path: Path):
    """For mail tests: a config beside the built sample (issue 2024-02-08 is built), with
    its own store and outbox, no rate limit, and `settings` appended; returns its path."""
    made = []

    def make(settings: str = "", port: int | None = None, scheme: str = "smtp+plain") -> Path:
        conf = sample_site / f"send-{tmp_path.name}-{len(made)}.conf.py"
        lines = [
            f"DIGEST_STORE_PATH = {str(tmp_path / 'store.sqlite3')!r}",
            f"DIGEST_OUTBOX = {str(tmp_path / 'outbox')!r}",
            "DIGEST_SEND_RATE = 0",
            "DIGEST_SMTP_TIMEOUT = 5",
            "DIGEST_UNSUBSCRIBE_MAILTO = 'leave@monitor.example.org'",
        ]
        if port:
            lines.append(f"DIGEST_SMTP_URL = '{scheme}://127.0.0.1:{port}'")
        base = (sample_site / "pelican.conf.py").read_text()
        conf.write_text(base + "\n" + "\n".join(lines) + "\n" + settings)
        made.append(conf)
        return conf

    yield make
    for conf in made:
        conf.unlink()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """feedparser's tests/ folder (its corpus of feeds), downloaded into .cache/ on first
    use, for the collect tests that compare our readings with feedparser's."""
    from tests.support.corpus import CorpusError, ensure_corpus

    try:
        return ensure_corpus()
    except CorpusError as exc:
        problem = str(exc)  # it says what to run
    pytest.fail(problem, pytrace=False)  # not a skip: that would hide the missing coverage
