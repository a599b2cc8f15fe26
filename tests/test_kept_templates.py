"""digest's own templates (templates/: the draft, the email edition) compiled once and kept
in the project's cache (digest/render/jinja.py keep_compiled): a later run renders the same
text without compiling them; a cache that cannot be read or written costs time only."""

from __future__ import annotations

from collections.abc import Iterator

import jinja2
import pytest

from digest import config
from digest.render import jinja
from tests.conftest import run_cli

NAME = "email.txt.j2"  # plain text: the email edition's


@pytest.fixture
def fresh() -> Iterator[None]:
    """Each environment made anew, as a new process makes it (and none kept after)."""
    jinja.environment.cache_clear()
    yield
    jinja.environment.cache_clear()


def _compiles(monkeypatch, html: bool = False) -> list[str]:
    """The templates Jinja compiles from their source from now on, in the HTML or the text
    environment (its only way to make one without a kept copy)."""
    compiled: list[str] = []
    environment = jinja.environment(html)
    real = environment.compile

    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(source, name, filename, raw, defer_init)

    monkeypatch.setattr(environment, "compile", compile)
    return compiled


def test_a_template_compiled_once_is_loaded_by_the_next_run(tmp_path, fresh, monkeypatch):
    folder = tmp_path / "cache" / jinja.KEPT_FOLDER
    jinja.keep_compiled(folder)
    first = jinja.environment(False).get_template(NAME)
    kept = sorted(folder.iterdir())
    assert [p.suffix for p in kept] == [".cache"]  # one file, for the one template
    jinja.environment.cache_clear()  # a new run
    jinja.keep_compiled(folder)
    compiled = _compiles(monkeypatch)
    again = jinja.environment(False).get_template(NAME)
    assert compiled == []  # loaded, not compiled
    assert again.root_render_func.__code__ == first.root_render_func.__code__
    assert sorted(folder.iterdir()) == kept


@pytest.mark.parametrize(
    "damage", [b"", b"garbage", jinja2.bccache.bc_magic + b"not a pickle, nor code"]
)
def test_a_damaged_kept_template_is_compiled_anew(tmp_path, fresh, monkeypatch, damage):
    folder = tmp_path / jinja.KEPT_FOLDER
    jinja.keep_compiled(folder)
    first = jinja.environment(False).get_template(NAME)
    (kept,) = folder.iterdir()
    kept.write_bytes(damage)
    jinja.environment.cache_clear()
    jinja.keep_compiled(folder)
    compiled = _compiles(monkeypatch)
    again = jinja.environment(False).get_template(NAME)
    assert compiled == [NAME]
    assert again.root_render_func.__code__ == first.root_render_func.__code__
    assert kept.read_bytes() != damage  # kept again, whole


def test_a_template_kept_by_another_environment_is_not_used(tmp_path, fresh, monkeypatch):
    """The HTML environment escapes what the text one does not: each keeps its own."""
    folder = tmp_path / jinja.KEPT_FOLDER
    jinja.keep_compiled(folder)
    jinja.environment(False).get_template(NAME)
    compiled = _compiles(monkeypatch, html=True)
    jinja.environment(True).get_template(NAME)
    assert compiled == [NAME]
    assert len(list(folder.iterdir())) == 2


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path, fresh):
    (tmp_path / "cache").write_text("a file, not a folder", encoding="utf-8")
    jinja.keep_compiled(tmp_path / "cache" / jinja.KEPT_FOLDER)  # no error
    assert jinja.environment(False).get_template(NAME) is not None
    assert (tmp_path / "cache").read_text(encoding="utf-8") == "a file, not a folder"


def test_the_draft_and_the_build_keep_their_templates_in_the_projects_cache(project, fresh):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    assert run_cli(conf, "draft", "--week-ending", "2024-02-08").exit_code == 0
    folder = config.load(conf).cache_path / jinja.KEPT_FOLDER
    drafted = set(folder.iterdir())
    assert drafted  # the draft's template
    assert run_cli(conf, "build").exit_code == 0
    built = set(folder.iterdir())
    assert built > drafted  # the email edition's two, beside Pelican's theme
    assert all(p.suffix == ".cache" for p in built)
