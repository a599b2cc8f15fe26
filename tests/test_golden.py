"""Golden files: the email edition's HTML and plain-text parts, byte for byte.

The bundled sample is collected and drafted as `make demo` does it (the weeks ending
2024-02-01 and 2024-02-08, then February 2024 as a daily digest) under the tests' frozen
clock. Each issue file is read with the build's reader and rendered with fixed URLs (and the
marker a send replaces with each reader's unsubscribe link), so
nothing depends on the machine, the clock or the project's path.

A part that differs from its file under tests/golden/email/ fails with a diff; a part with
no file fails too. `invoke update-golden` sets DIGEST_UPDATE_GOLDEN=1, which writes the
files instead; review `git diff tests/golden` before committing them.
"""

from __future__ import annotations

import difflib
import os

import pytest

from digest import config
from digest.pelican_plugin.reader import read_issue
from digest.publish.email.message import UNSUBSCRIBE_MARKER
from digest.publish.email.render import EmailEdition, render_email
from tests.conftest import ROOT, make_project, run_cli

GOLDEN = ROOT / "tests" / "golden" / "email"
UPDATE = os.environ.get("DIGEST_UPDATE_GOLDEN") == "1"
HINT = "run `.venv/bin/invoke update-golden` and review the diff"
DIFF_LINES = 60
SITE_URL = "https://monitor.example.org"  # fixed: the build would take SITEURL
WEEKLY = "2024-02-08"
DAILY = "2024-02"
# What `make demo` drafts, in its order: the second week's sections learn from the first.
DRAFTS = (
    ("draft", "--week-ending", "2024-02-01"),
    ("draft", "--week-ending", WEEKLY),
    ("draft", "--layout", "daily", "--month", DAILY),
)
PARTS = {"html": ".html", "text": ".txt"}  # EmailEdition field -> golden file suffix
CASES = [(slug, part) for slug in (WEEKLY, DAILY) for part in PARTS]


@pytest.fixture(scope="module")
def emails(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EmailEdition]:
    """The sample's weekly issue and month page, drafted and rendered as email editions."""
    conf = make_project(tmp_path_factory.mktemp("golden") / "site")
    for args in (("collect",), *DRAFTS):
        result = run_cli(conf, *args)
        assert result.exit_code == 0, f"{args}: {result.output}"
    settings = config.load(conf)
    rendered = {}
    for slug in (WEEKLY, DAILY):
        path = settings.issues_path / f"{slug}.md"
        edition, _ = read_issue(path, settings.sections, settings.sources)
        page_url = f"{SITE_URL}/issues/{slug}/"
        rendered[slug] = render_email(
            edition,
            sitename=settings.sitename,
            page_url=page_url,
            pdf_url=f"{page_url}{slug}.pdf",  # as the build names it
            language=settings.language,
            unsubscribe_url=UNSUBSCRIBE_MARKER,  # as a send renders it, before each reader's
        )
    return rendered


def golden_mismatch(name: str, actual: str) -> str | None:
    """Why `actual` is not the golden file `name` (None if it is); writes it when updating."""
    path = GOLDEN / name
    shown = path.relative_to(ROOT).as_posix()
    data = actual.encode("utf-8")
    if UPDATE:
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return None
    if not path.exists():
        return f"{shown}: no golden file; {HINT}"
    expected = path.read_bytes()
    if expected == data:
        return None
    # split("\n"), not splitlines(): a CR or a missing last newline must show in the diff.
    diff = list(
        difflib.unified_diff(
            expected.decode("utf-8", errors="replace").split("\n"),
            actual.split("\n"),
            f"{shown} (golden)",
            f"{shown} (rendered)",
            lineterm="",
        )
    )
    more = len(diff) - DIFF_LINES
    lines = diff[:DIFF_LINES] + ([f"... {more} more diff lines"] if more > 0 else [])
    if b"\r" in expected and "\r" not in actual:
        lines.append("(the golden file has CR LF line ends: git converted it on checkout?)")
    return f"{shown}: differs from the rendered part; {HINT}\n" + "\n".join(lines)


@pytest.mark.parametrize(("slug", "part"), CASES, ids=[f"{s}{PARTS[p]}" for s, p in CASES])
def test_email_part_matches_its_golden_file(emails, slug, part):
    problem = golden_mismatch(f"{slug}{PARTS[part]}", getattr(emails[slug], part))
    if problem:
        pytest.fail(problem, pytrace=False)


def test_every_golden_file_belongs_to_a_case():
    expected = {f"{slug}{PARTS[part]}" for slug, part in CASES}
    stale = sorted(p.name for p in GOLDEN.glob("*") if p.is_file() and p.name not in expected)
    if UPDATE:
        for name in stale:
            (GOLDEN / name).unlink()
    elif stale:
        pytest.fail(
            f"tests/golden/email: no test renders {', '.join(stale)}; {HINT}", pytrace=False
        )
