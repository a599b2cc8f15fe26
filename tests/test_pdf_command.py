"""`digest pdf` with nothing to make (digest/commands/pdf.py): it reads the settings, judges
the issue files from the check cache and checks the stamps, and loads nothing it does not
need for that: not WeasyPrint, not the Pelican plugin, not the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from digest import config
from digest.commands import pdf as pdf_command
from tests.conftest import FROZEN, ROOT

# In a fresh interpreter, what `digest pdf` does before it would start a worker.
NOTHING_TO_MAKE = """
import sys
from datetime import datetime, timezone
from digest import config
from digest.commands.check import refuse_broken
from digest.commands.pdf import issue_pdf_jobs, make_pdfs

settings = config.load(sys.argv[1], compile_selectors=False)
refuse_broken(settings)
jobs = issue_pdf_jobs(settings)
report = make_pdfs(settings, jobs, now=datetime(2024, 2, 10, 12, tzinfo=timezone.utc))
assert jobs and (report.rendered, report.current) == ([], len(jobs)), report
heavy = ("weasyprint", "fontTools", "digest.pelican_plugin", "digest.commands.build",
         "digest.publish.email", "digest.commands.audio")
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] in heavy
                      or any(name.startswith(h) for h in heavy))) or "none")
"""


def test_nothing_to_make_loads_nothing_heavy(sample_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    settings = config.load(site / "pelican.conf.py", compile_selectors=False)
    pdf_command.make_pdfs(settings, pdf_command.issue_pdf_jobs(settings), now=FROZEN)
    done = subprocess.run(
        [sys.executable, "-c", NOTHING_TO_MAKE, str(site / "pelican.conf.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["none"]


def test_the_jobs_are_the_pdfs_the_build_made(sample_site):
    """The issue pages the build printed, and the PDFs it wrote beside them."""
    settings = config.load(sample_site / "pelican.conf.py", compile_selectors=False)
    jobs = pdf_command.issue_pdf_jobs(settings)
    assert [job.slug for job in jobs] == ["2024-02-01", "2024-02-08"]
    assert all(job.target.read_bytes().startswith(b"%PDF-") for job in jobs)
    assert pdf_command.issue_pdf_jobs(settings, ["2024-02-08"]) == jobs[1:]
    page = Path(settings.output_path, "issues", "2024-02-01", "index.html")
    assert jobs[0] == pdf_command.pdf_job(page, "2024-02-01")
