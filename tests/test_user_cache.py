"""What digest keeps outside a project lives in the user's own cache folder, never under a
name another user can guess in the shared temporary folder (digest/user_cache.py)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from digest import user_cache
from digest.errors import RenderError
from digest.publish.pdf.render import font_scratch, fontconfig_file
from tests.conftest import ROOT

FONTS = ROOT / "themes" / "digest" / "static" / "fonts"


@pytest.fixture
def shared_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for /tmp, so the tests see what lands there."""
    folder = tmp_path / "shared-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def unusable_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))


def test_the_fontconfig_folder_is_in_the_users_cache(tmp_path, monkeypatch, shared_tmp):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    scratch = font_scratch([FONTS])
    config = fontconfig_file([FONTS], scratch)
    assert scratch.parent == tmp_path / "cache" / "digest"
    assert scratch.name.startswith("fontconfig-")
    assert config.parent == scratch and b"<dir>" in config.read_bytes()
    assert list(shared_tmp.iterdir()) == []  # nothing in the shared temporary folder
    assert font_scratch([FONTS]) == scratch  # one folder per set of fonts, kept


def test_without_a_usable_home_a_private_folder_is_made(tmp_path, monkeypatch, shared_tmp):
    unusable_home(tmp_path, monkeypatch)
    scratch = font_scratch([FONTS])
    private = shared_tmp / f"digest-{os.getuid()}"
    assert scratch.parent == private
    assert stat.S_IMODE(private.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o777, 0o755, 0o770])
def test_a_fallback_folder_others_can_reach_is_refused(tmp_path, monkeypatch, shared_tmp, mode):
    unusable_home(tmp_path, monkeypatch)
    planted = shared_tmp / f"digest-{os.getuid()}"
    planted.mkdir()
    planted.chmod(mode)
    with pytest.raises(RenderError) as refused:
        font_scratch([FONTS])
    assert str(planted) in str(refused.value) and "XDG_CACHE_HOME" in str(refused.value)
    assert list(planted.iterdir()) == []  # nothing written into it


def test_a_link_planted_as_the_fallback_folder_is_refused(tmp_path, monkeypatch, shared_tmp):
    unusable_home(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (shared_tmp / f"digest-{os.getuid()}").symlink_to(elsewhere)
    with pytest.raises(RenderError, match="not a folder of this user's alone"):
        font_scratch([FONTS])
    assert list(elsewhere.iterdir()) == []


def test_no_home_at_all_falls_back_too(monkeypatch, shared_tmp):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert user_cache.private_folder() == shared_tmp / f"digest-{os.getuid()}"
