"""A rebuild's email editions are rendered by a worker process of their own
(digest/publish/email/worker.py): the same bytes as rendered in the build, the same errors,
and the build process never imports the renderer."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest import config, stamps
from digest.errors import RenderError
from digest.publish.email import worker as email_worker
from digest.publish.email.edition import EmailJob, Stale
from digest.render.edition import parse_edition
from tests.conftest import SAMPLE_EPOCH, run_cli

SLUG = "2024-02-08"
EDITION_FILES = (f"{SLUG}.html", f"{SLUG}.txt", f"{SLUG}.eml")


@pytest.fixture
def site(edited_site: Path) -> Path:
    """The built sample, with issue 2024-02-08 given a new headline (its email changes)."""
    return edited_site


def _edition_files(site: Path) -> dict[str, bytes]:
    return {name: (site / "output" / "email" / name).read_bytes() for name in EDITION_FILES}


def test_the_rebuild_renders_the_edition_in_the_worker_with_the_bytes_rendered_here(site):
    before = _edition_files(site)
    # In a process of its own, which says whether the renderer was imported in it.
    script = (
        "import sys\n"
        "from digest.cli import main\n"
        f"main(['--config', {str(site / 'pelican.conf.py')!r}, 'build'], standalone_mode=False)\n"
        "print('renderer imported:', 'bs4' in sys.modules)\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    built = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert built.returncode == 0, built.stderr
    assert "email editions 1 written" in built.stdout, built.stdout
    assert "renderer imported: False" in built.stdout
    by_worker = _edition_files(site)
    assert by_worker != before
    # The same edition rendered in the build process: `--full` starts no worker.
    for name in EDITION_FILES:
        (site / "output" / "email" / name).unlink()
    (site / "output" / "email" / f".{SLUG}.email-cache").unlink()
    again = run_cli(site / "pelican.conf.py", "build", "--full")
    assert again.exit_code == 0, again.output
    assert "email editions 1 written" in again.output
    assert _edition_files(site) == by_worker


def _untitled(site: Path, folder: Path) -> Stale:
    settings = config.load(site / "pelican.conf.py", compile_selectors=False)
    text = (site / "content" / "issues" / f"{SLUG}.md").read_text("utf-8")
    edition = parse_edition(text, slug=SLUG, sections=settings.sections, sources=settings.sources)
    job = EmailJob(
        dataclasses.replace(edition, title=""),
        "",  # nor a site name: nothing for the Subject
        settings.language,
        settings.period_style,
        settings.email_from,
        "https://monitor.example.org/issues/2024-02-08/",
        "https://monitor.example.org/issues/2024-02-08/2024-02-08.pdf",
        datetime(2024, 2, 8, tzinfo=UTC),
        (),
    )
    outputs = (folder / "a.html", folder / "a.txt", folder / "a.eml")
    return Stale(job, outputs, stamps.Stamp(folder / ".a.email-cache", "token"))


def test_a_renderers_error_in_the_worker_is_the_error_said_without_it(site, tmp_path):
    folder = tmp_path / "email"
    folder.mkdir()
    stale = _untitled(site, folder)
    with pytest.raises(RenderError) as here:
        email_worker.write([stale], None)
    with email_worker.start() as pool, pytest.raises(RenderError) as there:
        email_worker.write([stale], pool)
    assert str(there.value) == str(here.value)
    assert "has no title for the Subject" in str(there.value)
    assert list(folder.iterdir()) == []  # nothing written, no stamp
