"""Issue 25: search after a rebuild that indexed only the new issue finds what a search of
an index made from scratch finds, in Debian's Chromium: Pagefind's own search script
(pagefind/pagefind.js) run over both bundles, served from 127.0.0.1, for a set of queries;
the same results, each with the same score, and the same filter counts."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from digest.publish import search
from tests.support.site_tools import CHROMIUM_ARGS, ToolError, find_chromium, serve
from tests.test_search_incremental import GLOB, Site, sample_pages

# Every result of a query: its score, its record's address and page, and the filter
# counts with and without a Section filter.
SEARCH = """
async ([query, section]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const run = async (filters) => {
    const found = await pagefind.search(query, { filters });
    const results = [];
    for (const result of found.results) {
      const data = await result.data();
      results.push([Math.round(result.score * 1e6) / 1e6, data.url, data.meta.url]);
    }
    return { results, filters: found.filters, total: found.unfilteredResultCount };
  };
  return { all: await run({}), section: await run({ section: section }) };
}
"""


@pytest.fixture(scope="module")
def templates(sample_site: Path) -> list[str]:
    return sample_pages(sample_site)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    try:
        path = find_chromium()
    except ToolError as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def searched(browser: Browser, root: Path, queries: list[str], section: str) -> dict:
    (root / "index.html").write_text("<!DOCTYPE html><title>search</title>", encoding="utf-8")
    found = {}
    with serve(root) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base, wait_until="load")
        for query in queries:
            answer = page.evaluate(SEARCH, [query, section])
            for part in answer.values():  # equal scores: Pagefind's page order decides
                part["results"].sort(key=lambda r: (-r[0], r[1]))
            found[query] = answer
        context.close()
    return found


def frequent_words(output: Path, count: int) -> list[str]:
    words: Counter[str] = Counter()
    for page in output.glob(GLOB):
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).lower()
        words.update(re.findall(r"\b[a-z]{6,}\b", text))
    return [word for word, _ in words.most_common(count)]


def test_search_after_adding_an_issue_finds_what_a_whole_new_index_finds(
    tmp_path, templates, monkeypatch, chromium
):
    site = Site(tmp_path / "rebuilt", templates, monkeypatch)
    for number in range(1, 7):
        site.write(number)
    site.index()
    site.write(7)
    site.index()
    assert site.runs()[1:] == [site.records_of(7)]  # the rebuild indexed issue 7 only
    scratch = tmp_path / "scratch"
    shutil.copytree(site.output, scratch, ignore=shutil.ignore_patterns("pagefind"))
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    search.index_site(scratch, GLOB)  # Pagefind over every record, as before issue 25

    queries = ["zephyr007x", "quokka2y", "zephyr003x quokka2y", *frequent_words(scratch, 6)]
    ours = searched(chromium, site.output, queries, "Security")
    expected = searched(chromium, scratch, queries, "Security")
    assert ours == expected
    new = ours["zephyr007x"]["all"]["results"]
    assert new and {url for _, _, url in new} == {"/issues/issue-007/"}
    # Not an empty comparison: most queries find records, and the Section filter counts.
    assert sum(1 for q in queries if ours[q]["all"]["results"]) >= 5
    assert any(ours[q]["all"]["filters"].get("section") for q in queries)
