"""Pelican's search for `{static}` links is skipped only where it would find none
(digest/pelican_plugin/static_links.py): the links found are the ones Pelican finds."""

from __future__ import annotations

import copy
import random
from datetime import datetime
from pathlib import Path

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from benchmarks.archive import write_issue
from digest.pelican_plugin import static_links
from digest.render.markdown import markdown

ROOT = Path(__file__).resolve().parents[1]

LINKING = [
    '<a href="{static}/images/map.png">map</a>',
    "<img src='{attach}chart.svg'>",
    '<a href = "|static|/files/report.pdf">report</a>',
    '<video poster="{static}poster.jpg"></video>',
    '<a href="{filename}/pages/about.md">about</a>',
    '<a title="a {brace}" href="{static}/x.png">x</a>',
]
NOT_LINKING = [
    "<p>No links at all, only {braces} and | pipes |.</p>",
    '<a href="https://example.org/{static}/x.png">absolute</a>',
    '<p>A quote " then { later</p>',
    "",
]


def _article(body: str, settings: dict) -> Article:
    return Article(
        body,
        metadata={"title": "T", "date": datetime(2024, 2, 8)},
        settings=settings,
        source_path=str(ROOT / "content" / "issues" / "2024-02-08.md"),
        context={"static_content": {}, "generated_content": {}},
    )


def _bodies(tmp_path: Path) -> list[str]:
    folder = tmp_path / "issues"
    folder.mkdir()
    for number in (1, 7, 30):
        write_issue(folder, number)
    bodies = [markdown().render(p.read_text("utf-8")) for p in sorted(folder.glob("*.md"))]
    chance = random.Random(25)
    for body in list(bodies):  # the same bodies with a link put somewhere inside
        cut = chance.randrange(len(body))
        bodies += [body[:cut] + link + body[cut:] for link in LINKING]
    return [*bodies, *LINKING, *NOT_LINKING]


@pytest.mark.parametrize("pattern", [None, r"\|(?P<what>.*?)\|"])
def test_the_links_found_are_pelicans(tmp_path, pattern):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    if pattern is not None:  # another INTRASITE_LINK_REGEX: searched as Pelican does
        settings["INTRASITE_LINK_REGEX"] = pattern
    found_some = 0
    for body in _bodies(tmp_path):
        article = _article(body, settings)
        pelicans = static_links._searched(article)
        assert static_links.get_static_links(article) == pelicans, body[:200]
        found_some += bool(pelicans)
    # The corpus has links to find, not only bodies without (one kind with the other pattern).
    assert found_some >= (5 if pattern is None else 4)


def test_the_plugin_puts_the_shortcut_in_place():
    from digest import pelican_plugin

    pelican_plugin.register()
    assert Article.get_static_links is static_links.get_static_links
