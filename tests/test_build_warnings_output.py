"""`digest build` prints an edited file's warnings in one write (issue 25): the same lines,
in the same order, each on its own line, as `digest check` prints one by one."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.test_issue_check import GOOD


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if "warning:" in line]


def test_the_build_prints_each_warning_on_its_own_line_as_check_does(project):
    conf = project()
    issues = conf.parent / "content" / "issues"
    text = GOOD.replace("On February 4, two", "On Sunday, two").replace(
        "causing no casualties.", "causing no casualties, a day after yesterday's attack."
    )
    (issues / "2024-02-08.md").write_text(text)
    built = run_cli(conf, "build")
    assert built.exit_code == 0, built.output
    printed = _warnings(built.output)
    assert len(printed) >= 2
    assert all(line.startswith("warning: content/issues/2024-02-08.md:") for line in printed)
    assert printed == _warnings(run_cli(conf, "check").output)
