"""What each past issue teaches the section classifier, kept in the project's cache
(CACHE_PATH/past-issues.json, digest/commands/past_issues.py): the model is the one read
from every file, a file is parsed again only when its bytes change, and a cache that is
damaged or cannot be written costs time, never a different model."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from benchmarks import grouping
from digest.commands import past_issues
from digest.commands.past_issues import section_model

DATA = grouping.ROOT / "benchmarks/data/grouping"


@pytest.fixture
def settings(tmp_path):
    return grouping.project(tmp_path, DATA, with_past_issues=True)


def _cache(settings):
    return settings.cache_path / past_issues.CACHE_NAME


def _uncached(settings, **options):
    """The model read from every file, with no cache to start from (and none left)."""
    shutil.rmtree(settings.cache_path, ignore_errors=True)
    model = section_model(settings, **options)
    shutil.rmtree(settings.cache_path, ignore_errors=True)
    return model


def _parses(monkeypatch) -> list[str]:
    """The issue files parsed from now on."""
    parsed: list[str] = []
    real = past_issues.parse_edition

    def parse(text, *, slug, **kwargs):
        parsed.append(slug)
        return real(text, slug=slug, **kwargs)

    monkeypatch.setattr(past_issues, "parse_edition", parse)
    return parsed


def test_a_second_draft_parses_no_unchanged_issue_and_learns_the_same(settings, monkeypatch):
    expected = _uncached(settings)
    assert expected is not None and expected.issues == 6
    assert section_model(settings) == expected  # parses all six, keeps what they teach
    kept = json.loads(_cache(settings).read_text(encoding="utf-8"))
    names = sorted(p.name for p in settings.issues_path.glob("*.md"))
    assert sorted(kept["files"]) == names
    parsed = _parses(monkeypatch)
    assert section_model(settings) == expected
    assert parsed == []


def test_an_edited_issue_is_parsed_again_and_taught_anew(settings, monkeypatch):
    section_model(settings)
    first = sorted(settings.issues_path.glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("Baghdad", "Basra"), encoding="utf-8")
    assert text.count("Baghdad")
    parsed = _parses(monkeypatch)
    model = section_model(settings)
    assert parsed == [first.stem]
    assert model == _uncached(settings)


def test_the_week_being_drafted_is_left_out_but_stays_kept(settings, monkeypatch):
    last = sorted(settings.issues_path.glob("*.md"))[-1]
    expected = _uncached(settings, exclude=last.stem)
    section_model(settings)
    parsed = _parses(monkeypatch)
    assert section_model(settings, exclude=last.stem) == expected
    assert last.name in json.loads(_cache(settings).read_text(encoding="utf-8"))["files"]
    assert section_model(settings) is not None
    assert parsed == []


@pytest.mark.parametrize(
    "change",
    [
        lambda s: dataclasses.replace(s, sections=s.sections[:-1]),
        lambda s: dataclasses.replace(s, sources=s.sources[:-1]),
    ],
)
def test_other_sections_or_sources_read_every_issue_again(settings, monkeypatch, change):
    """parse_edition reads an issue by the sections and sources the settings name."""
    section_model(settings)
    other = change(settings)
    parsed = _parses(monkeypatch)
    assert section_model(other) == _uncached(other)
    assert len(parsed) == 12  # six, then six again for the model without any cache


@pytest.mark.parametrize(
    "damage",
    [
        lambda kept: "{",
        lambda kept: json.dumps({"token": kept["token"], "files": []}),
        lambda kept: json.dumps(
            {"token": kept["token"], "files": {n: [e[0], 5] for n, e in kept["files"].items()}}
        ),
        lambda kept: json.dumps(
            {"token": kept["token"], "files": {n: [e[0], [[1]]] for n, e in kept["files"].items()}}
        ),
        lambda kept: json.dumps({"token": "another version", "files": kept["files"]}),
        lambda kept: "[" * 100_000,  # deeper than json can read: RecursionError
    ],
)
def test_a_damaged_cache_costs_time_never_a_different_model(settings, damage):
    expected = _uncached(settings)
    section_model(settings)
    kept = json.loads(_cache(settings).read_text(encoding="utf-8"))
    _cache(settings).write_text(damage(kept), encoding="utf-8")
    assert section_model(settings) == expected
    assert json.loads(_cache(settings).read_text(encoding="utf-8")) == kept  # mended


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(settings):
    expected = _uncached(settings)
    settings.cache_path.parent.mkdir(parents=True, exist_ok=True)
    settings.cache_path.write_text("a file, not a folder", encoding="utf-8")
    assert section_model(settings) == expected
    assert settings.cache_path.read_text(encoding="utf-8") == "a file, not a folder"
