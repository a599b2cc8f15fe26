"""An added or edited issue's PDF is printed while Pelican still builds the site
(digest/commands/early_pdfs.py): the bytes are those a fresh `digest pdf` prints, and
nothing printed early is published unless the site was built with that page and style."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pelican.log import LimitFilter

from digest.files import TEMP_SUFFIX
from tests.conftest import run_cli

SLUG = "2024-02-08"


def _pdf(site: Path, slug: str = SLUG) -> Path:
    return site / "output" / "issues" / slug / f"{slug}.pdf"


def _stamp(site: Path, slug: str = SLUG) -> Path:
    return site / "output" / "issues" / slug / ".pdf-cache"


@pytest.fixture
def site(edited_site: Path) -> Path:
    """The built sample, with issue 2024-02-08 given a new headline (its PDF changes)."""
    return edited_site


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def said():
    """What early_pdfs.py logs, heard on its own logger (the CLI sets the levels and
    handlers of the others). Pelican's logger class drops a line it has logged before in
    the same process (LimitFilter): conftest's fresh_caches forgets them between tests."""
    logger = logging.getLogger("digest.commands.early_pdfs")
    heard, level = _Said(), logger.level
    logger.addHandler(heard)
    logger.setLevel(logging.DEBUG)
    yield heard.messages
    logger.removeHandler(heard)
    logger.setLevel(level)


def _left_over(site: Path) -> list[Path]:
    return sorted((site / "output").rglob(f"*{TEMP_SUFFIX}"))


def _fresh_print(site: Path) -> bytes:
    """The PDF `digest pdf` prints of the published page, in a worker of its own."""
    _pdf(site).unlink()
    printed = run_cli(site / "pelican.conf.py", "pdf", SLUG)
    assert printed.exit_code == 0, printed.output
    return _pdf(site).read_bytes()


def test_the_edited_issue_is_printed_while_pelican_works_with_the_bytes_of_a_fresh_print(
    site, said
):
    before = _pdf(site).read_bytes()
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    assert f"{SLUG}: PDF begun while the site is built" in said
    assert any(m.startswith(f"{SLUG}: PDF written (") and "begun early" in m for m in said)
    # Counted once, as made: the build's line says what a build without the early start said.
    assert "PDFs 1 rendered, 1 unchanged" in built.output
    early = _pdf(site).read_bytes()
    assert early != before
    assert _left_over(site) == []
    assert _fresh_print(site) == early


def test_a_build_that_fails_after_the_page_was_written_publishes_nothing_printed_early(site, said):
    before, stamp = _pdf(site).read_bytes(), _stamp(site).read_bytes()
    archives = site / "themes" / "digest" / "templates" / "archives.html"
    template = archives.read_text("utf-8")
    # Pelican writes the issue pages first, then fails on the archive.
    archives.write_text("{{ no_such_function() }}" + template, "utf-8")
    failed = run_cli(site / "pelican.conf.py", "build")
    assert failed.exit_code != 0, failed.output
    assert f"{SLUG}: PDF begun while the site is built" in said, failed.output
    assert _pdf(site).read_bytes() == before
    assert _stamp(site).read_bytes() == stamp
    assert _left_over(site) == []

    archives.write_text(template, "utf-8")
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    assert "PDFs 1 rendered" in built.output
    made = _pdf(site).read_bytes()
    assert made != before
    assert _fresh_print(site) == made


def test_a_print_style_changed_with_the_issue_is_not_taken_from_the_early_print(site, said):
    css = site / "themes" / "digest" / "static" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\nh1 { letter-spacing: 0.05em; }\n", "utf-8")
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    # The early print used the stylesheet the site served before: thrown away, printed again.
    assert f"{SLUG}: PDF begun while the site is built" in said
    assert not [m for m in said if "begun early" in m]
    assert "PDFs 2 rendered, 0 unchanged" in built.output
    assert _left_over(site) == []
    assert _fresh_print(site) == _pdf(site).read_bytes()


def test_weasyprints_warnings_about_a_page_printed_early_are_said(site, said):
    # A property WeasyPrint does not know: it warns about it in every PDF it prints.
    css = site / "themes" / "digest" / "static" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\nh1 { colour: red; }\n", "utf-8")
    first = run_cli(site / "pelican.conf.py", "build")  # every PDF printed with the new style
    assert first.exit_code == 0, first.output
    issue = site / "content" / "issues" / f"{SLUG}.md"
    issue.write_text(issue.read_text("utf-8").replace("## Late: ", "## Later: ", 1), "utf-8")
    said.clear()
    LimitFilter._raised_messages.clear()  # the same lines as the first build's (see `said`)
    built = run_cli(site / "pelican.conf.py", "build")
    assert built.exit_code == 0, built.output
    assert any(m.startswith(f"{SLUG}: PDF written (") and "begun early" in m for m in said)
    assert any(m.startswith(f"{SLUG}: PDF: ") and "colour" in m for m in said), said
