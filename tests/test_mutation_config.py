"""`invoke mutate`'s settings and ledger: a stale entry or a typo must fail here, not in a
half-hour mutation run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import mutation

ROOT = Path(__file__).resolve().parent.parent


def test_every_listed_module_and_test_file_exists_with_a_target():
    shared, targets = mutation.settings()
    assert shared["source_paths"] == ["digest"]
    assert {t.module for t in targets} >= {
        "digest/text/dates.py",
        "digest/text/casualties.py",
        "digest/issues/incidents.py",
        "digest/issues/cluster.py",
        "digest/store/keys.py",
        "digest/collect/sanitize.py",
        "digest/render/edition.py",
        "digest/render/issue_markdown.py",
    }
    for target in targets:
        assert target.tests and all((ROOT / t).is_file() for t in target.tests)
        assert 90 <= target.score <= 100


@pytest.mark.parametrize(
    "wanted", ["text/dates.py", "digest/text/dates.py", "dates", "digest.text.dates"]
)
def test_a_module_is_named_as_a_path_a_dotted_name_or_its_file(wanted):
    _, targets = mutation.settings()
    assert [t.module for t in mutation.choose(targets, wanted)] == ["digest/text/dates.py"]


def test_all_is_every_module():
    _, targets = mutation.settings()
    assert mutation.choose(targets, "all") == targets


def test_an_unknown_module_is_refused_with_the_ones_there_are():
    _, targets = mutation.settings()
    with pytest.raises(mutation.MutationError, match=r"nosuch: not a module .*dates\.py"):
        mutation.choose(targets, "nosuch")


def test_a_listed_test_file_that_does_not_exist_is_named(tmp_path):
    (tmp_path / "digest").mkdir()
    (tmp_path / "digest" / "m.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.digest.mutation.modules."digest/m.py"]\ntests = ["tests/test_gone.py"]\n'
    )
    with pytest.raises(
        mutation.MutationError, match=r"'digest/m.py': no such file tests/test_gone"
    ):
        mutation.settings(tmp_path)


def test_the_ledger_names_only_mutants_of_listed_modules_each_with_a_reason():
    _, targets = mutation.settings()
    modules = {t.dotted for t in targets}
    text = mutation.LEDGER.read_text(encoding="utf-8")
    listed = mutation.listed_equivalents()
    assert listed, "tests/MUTANTS.md lists the equivalent mutants"
    for name in listed:
        assert mutation.owner(name) in modules, name
        (line,) = [line for line in text.splitlines() if f"`{name}`" in line]
        assert re.search(r"`: \S.{15,}", line), f"{name}: say why it changes nothing"
