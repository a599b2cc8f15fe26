"""A build after one issue was added or edited starts that issue's PDF workers before
Pelican runs (digest/commands/build.py), and the PDF they print is the one a fresh worker
prints."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from tests.conftest import run_cli


def _pdf(site: Path, slug: str) -> Path:
    return site / "output" / "issues" / slug / f"{slug}.pdf"


def test_an_edited_issue_is_printed_by_a_worker_started_ahead_and_the_bytes_are_the_same(
    sample_site, tmp_path, caplog
):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    conf = site / "pelican.conf.py"
    issue = site / "content" / "issues" / "2024-02-08.md"
    issue.write_text(
        issue.read_text("utf-8").replace("## ", "## Late: ", 1), "utf-8"
    )  # a new headline: its page and PDF change
    before = _pdf(site, "2024-02-08").read_bytes()

    with caplog.at_level(logging.INFO, logger="digest"):
        built = run_cli(conf, "-v", "build")
    assert built.exit_code == 0, built.output
    assert "pdf: 1 worker(s) started ahead of the site" in caplog.messages
    assert "PDFs 1 rendered, 1 unchanged" in built.output
    early = _pdf(site, "2024-02-08").read_bytes()
    assert early != before

    _pdf(site, "2024-02-08").unlink()
    again = run_cli(conf, "pdf", "2024-02-08")
    assert again.exit_code == 0, again.output
    assert _pdf(site, "2024-02-08").read_bytes() == early


def test_a_build_with_nothing_new_starts_no_worker(sample_site, tmp_path, caplog):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    with caplog.at_level(logging.INFO, logger="digest"):
        built = run_cli(site / "pelican.conf.py", "-v", "build")
    assert built.exit_code == 0, built.output
    assert "PDFs 0 rendered" in built.output
    assert not [m for m in caplog.messages if "started ahead" in m]
