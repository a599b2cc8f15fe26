"""Issue 5: the search index. `digest build` runs Pagefind once over the issue pages."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from digest.errors import RenderError
from digest.publish import search
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def site(sample_site: Path) -> Path:
    return sample_site


def records(bundle: Path) -> list[dict]:
    """The records of a Pagefind bundle: each fragment is gzip("pagefind_dcd" + JSON)."""
    found = []
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        found.append(json.loads(data))
    return found


def indexed_urls(bundle: Path) -> set[str]:
    """The pages the records lead to (a record per section names its page in `meta.url`)."""
    return {r.get("meta", {}).get("url") or r["url"] for r in records(bundle)}


def test_the_build_writes_pagefind_and_its_ui(site):
    bundle = site / "output" / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert (bundle / "pagefind-ui.js").is_file()
    assert (bundle / "pagefind-ui.css").is_file()


def test_the_index_holds_every_issue_page_and_nothing_else(site):
    output = site / "output"
    bundle = output / "pagefind"
    issues = sorted(p.parent.name for p in (output / "issues").glob("*/index.html"))
    assert issues == ["2024-02-01", "2024-02-08"]
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # A record per section, so that search's Section filter counts sections, not pages.
    sections = sum(
        (output / "issues" / slug / "index.html")
        .read_text(encoding="utf-8")
        .count('class="digest-section')
        for slug in issues
    )
    assert sections > len(issues)
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == sections
    assert len(records(bundle)) == sections
    assert search.pages_indexed(bundle) == len(issues)
    # Not the archive, the email edition or the PDFs: only the pages readers search.
    assert indexed_urls(bundle) == {f"/issues/{slug}/" for slug in issues}


def test_nothing_is_written_outside_output(site):
    outside = [p for p in site.rglob("*pagefind*") if (site / "output") not in p.parents]
    assert outside == []
    assert not (Path.cwd() / "pagefind").exists()
    assert not (Path(__file__).parents[1] / "pagefind").exists()


@pytest.fixture
def built(site: Path, tmp_path: Path) -> Path:
    """A copy of the built sample to break things in; returns its config."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    return copy / "pelican.conf.py"


def test_a_rebuild_writes_only_into_output_and_leaves_no_stale_index(built):
    root = built.parent
    bundle = root / "output" / "pagefind"
    stale = bundle / "fragment" / "en_stale.pf_fragment"
    stale.write_bytes(b"old")

    def outside() -> dict[str, bytes]:
        """Files outside output/ and the build's own cache (CACHE_PATH)."""
        kept = (root / "output", root / ".cache" / "pelican")
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not any(folder in p.parents for folder in kept)
        }

    before = outside()
    result = run_cli(built, "build")
    assert result.exit_code == 0, result.output
    assert outside() == before
    assert not stale.exists()
    assert search.pages_indexed(bundle) == 2


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def bundle_files(bundle: Path) -> dict[str, bytes]:
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def test_a_file_in_the_way_of_the_index_is_replaced_by_a_whole_index(built):
    bundle = built.parent / "output" / "pagefind"
    shutil.rmtree(bundle)
    bundle.write_text("not a folder")  # the index is made beside it, then swapped in
    result = run_cli(built, "build")
    assert result.exit_code == 0, result.output
    assert search.pages_indexed(bundle) == 2
    assert [p.name for p in bundle.parent.iterdir() if "digest-tmp" in p.name] == []


FULL_DISK_PAGEFIND = """#!/bin/sh
# Pagefind that writes half an index, then finds the disk full.
while [ $# -gt 0 ]; do
  if [ "$1" = --output-path ]; then mkdir -p "$2/fragment" && echo half > "$2/fragment/x"; fi
  shift
done
echo 'Error: Failed to write fragment' >&2
echo 'No space left on device (os error 28)' >&2
exit 1
"""


def test_a_full_disk_while_indexing_keeps_the_old_index_whole_and_says_so(
    built, tmp_path, monkeypatch
):
    bundle = built.parent / "output" / "pagefind"
    before = bundle_files(bundle)
    fake = tmp_path / "pagefind"
    fake.write_text(FULL_DISK_PAGEFIND)
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    # Without the cache of what the index holds, every record goes to Pagefind again.
    (built.parent / ".cache" / "pelican" / search.CACHE_NAME).unlink()
    result = run_cli(built, "build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = error_lines(result.output)
    assert (
        line.startswith("error: ") and "output/pagefind: could not write the search index: " in line
    )
    assert "no space left on device" in line.lower() and "free some space" in line
    assert bundle_files(bundle) == before  # the old index, every file of it
    leftovers = [p.name for p in bundle.parent.iterdir() if "digest-tmp" in p.name]
    assert leftovers == []


def test_a_failing_pagefind_binary_fails_the_build_in_one_line(built, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false") or "/bin/false")
    result = run_cli(built, "build", "--full")  # every record to Pagefind again
    assert result.exit_code == 1
    (line,) = error_lines(result.output)
    assert line.startswith("error: search: pagefind failed (exit 1) indexing ")


def test_a_missing_pagefind_binary_names_pagefind(tmp_path, monkeypatch):
    (tmp_path / "issues" / "x").mkdir(parents=True)
    (tmp_path / "issues" / "x" / "index.html").write_text("<html><body>x</body></html>")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(RenderError, match=r"^search: pagefind failed .*No such file"):
        search.index_site(tmp_path, "issues/*/index.html")


def test_no_issue_pages_no_index(tmp_path):
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind.js").write_text("stale")
    assert search.index_site(tmp_path, "issues/*/index.html") == 0
    assert not (tmp_path / "pagefind").exists()


def test_the_page_glob_comes_from_article_save_as():
    assert search.page_glob("issues/{slug}/index.html") == "issues/*/index.html"
    assert search.page_glob("{date:%Y}/{slug}.html") == "*/*.html"
