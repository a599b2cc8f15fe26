"""The README documents every setting and every command (a test fails when one is missing)."""

import re
from pathlib import Path

import pytest

from digest.cli import main
from digest.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_in_the_settings_table(name):
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_documented(command):
    assert f"| `digest {command}" in README


@pytest.mark.parametrize(
    "option",
    [
        (name, opt)
        for name, cmd in main.commands.items()
        for p in cmd.params
        for opt in p.opts
        if opt.startswith("--")
    ],
)
def test_every_command_option_is_documented(option):
    command, flag = option
    rows = [line for line in README.splitlines() if line.startswith(f"| `digest {command}")]
    assert any(flag in row for row in rows)


def test_the_quick_start_is_exactly_the_two_make_commands():
    start = README.index("## Quick start")
    block = README[start:].split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.strip().splitlines()] == [
        ["make", "demo"],
        ["make", "test"],
    ]


def test_every_cited_bad_input_is_in_the_catalogue():
    """`# BAD-INPUTS 26` in a test or a module points at item 26 of docs/bad-inputs.md."""
    root = Path(__file__).resolve().parents[1]
    catalogue = (root / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    items = {int(n) for n in re.findall(r"(?m)^(\d+)\. \*\*", catalogue)}
    assert items == set(range(1, len(items) + 1)) and len(items) >= 50
    cited = set()
    for path in [*root.glob("tests/*.py"), *root.glob("digest/**/*.py"), root / "README.md"]:
        for run in re.findall(
            r"BAD-INPUTS ((?:\d+(?:\s*(?:,|and|–|-)\s*)?)+)", path.read_text("utf-8")
        ):
            cited |= {int(n) for n in re.findall(r"\d+", run)}
    assert cited, "the tests cite the catalogue"
    assert cited <= items, sorted(cited - items)
