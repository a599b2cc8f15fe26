"""The fonts' coverage (which characters the PDF can print) is kept between workers, under
the fonts' bytes: the same answer as reading the fonts, and never a stale one."""

from __future__ import annotations

import shutil
from pathlib import Path

from digest.publish.pdf.render import coverage, kept_coverage
from tests.conftest import ROOT

FONTS = ROOT / "themes" / "digest" / "static" / "fonts"


def fonts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "fonts"
    shutil.copytree(FONTS, folder)
    return folder


def test_kept_coverage_is_the_fonts_coverage_and_is_kept(tmp_path: Path) -> None:
    folder, scratch = fonts_copy(tmp_path), tmp_path / "scratch"
    scratch.mkdir()
    first = kept_coverage([folder], scratch)
    assert first == coverage([folder])
    assert ord("A") in first and 0x0628 in first  # Latin and Arabic (Noto Naskh)
    [kept] = scratch.glob("coverage-*.json")
    # What the next worker gets is what the file holds: shown by a file that says less.
    kept.write_text("[65]", encoding="ascii")
    assert kept_coverage([folder], scratch) == frozenset({65})


def test_other_fonts_are_read_again(tmp_path: Path) -> None:
    folder, scratch = fonts_copy(tmp_path), tmp_path / "scratch"
    scratch.mkdir()
    before = kept_coverage([folder], scratch)
    for arabic in folder.glob("noto-naskh-arabic-*"):
        arabic.unlink()
    after = kept_coverage([folder], scratch)
    assert after == coverage([folder])
    assert 0x0628 in before and 0x0628 not in after
    assert len(list(scratch.glob("coverage-*.json"))) == 2


def test_a_spoiled_file_is_made_again(tmp_path: Path) -> None:
    folder, scratch = fonts_copy(tmp_path), tmp_path / "scratch"
    scratch.mkdir()
    truth = kept_coverage([folder], scratch)
    [kept] = scratch.glob("coverage-*.json")
    for spoiled in (b"", b"[65, ", b'{"65": 1}', b'"AB"', b"[65, 1.5]", b"\xff\xfe"):
        kept.write_bytes(spoiled)
        assert kept_coverage([folder], scratch) == truth, spoiled
        assert kept.read_bytes() != spoiled
