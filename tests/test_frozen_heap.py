"""A build leaves its long-lived heap out of the garbage collector's scans while it judges
and renders (heap.frozen_heap, gc.freeze): in its own process and in every process it
forks meanwhile. Nothing stays frozen once the build is over, failed or not, and garbage
is still collected: what is made meanwhile at once, cycles from before at the end."""

from __future__ import annotations

import gc
import os
import weakref

import pytest

from digest.commands import build as builds
from digest.commands.check import check_content
from digest.errors import RenderError
from digest.heap import frozen_heap
from tests.conftest import run_cli
from tests.test_check_later import _archive


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    """A reference cycle nothing else holds: only the collector frees it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def _thawed():
    assert gc.get_freeze_count() == 0, "a test before this one left the heap frozen"
    yield
    gc.unfreeze()


def test_the_outermost_freeze_thaws_and_an_inner_one_does_not():
    with frozen_heap():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= frozen  # still frozen: the outer one ends it
    assert gc.get_freeze_count() == 0


def test_cycles_from_before_wait_for_the_end_new_ones_do_not():
    old = _cycle()
    with frozen_heap():
        new = _cycle()
        gc.collect()
        assert new() is None  # made meanwhile: collected as ever
        assert old() is not None  # frozen: not scanned
    gc.collect()
    assert old() is None  # thawed: collected


def test_a_process_forked_meanwhile_never_scans_what_it_inherited():
    read_end, write_end = os.pipe()
    with frozen_heap():
        pid = os.fork()
        if pid == 0:  # the child: its inherited heap stays frozen after the parent thaws
            os.close(read_end)
            gc.collect()
            os.write(write_end, str(gc.get_freeze_count()).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        child_frozen = int(answer.read() or b"0")
    os.waitpid(pid, 0)
    assert gc.get_freeze_count() == 0
    assert child_frozen > 0


def test_a_judged_archive_leaves_nothing_frozen(project):
    settings = _archive(project, 20)  # a pool judges them, a forked process the warnings
    verdict = check_content(settings, parsed=True, build=True, later=True)
    assert verdict.pending is not None
    assert gc.get_freeze_count() == 0
    verdict.settle()
    assert gc.get_freeze_count() == 0
    assert any(p.severity == "warning" for p in verdict.problems)


def test_a_build_leaves_nothing_frozen(project):
    settings = _archive(project, 20)
    built = run_cli(settings.config_path, "build")
    assert built.exit_code == 0, built.output
    assert gc.get_freeze_count() == 0


def test_a_failed_site_leaves_nothing_frozen(project):
    settings = _archive(project, 2)
    theme = settings.root / "broken-theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "article.html").write_text("{% if %}", encoding="utf-8")  # a syntax error
    settings.pelican["THEME"] = str(theme.parent)
    with pytest.raises(RenderError):
        builds.run_pelican(settings, full=True)
    assert gc.get_freeze_count() == 0
