"""Issue 25, round 5: a big week's items are placed in their sections by a pool's worker
while the main process merges them into stories (parallel.Later, classify.always_placed).

The drafts themselves are compared with digest's before the speed work in
tests/test_draft_speed_equivalence.py (every pool forced on, and none); here the pieces:
the answers a Later hands back are those of reading in one process, a Later left early
leaves no worker behind, and a model that has seen two sections places every item.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
from collections import Counter
from dataclasses import replace

import pytest

from benchmarks import grouping
from digest.commands.draft import issue_spec
from digest.commands.past_issues import section_model
from digest.issues import classify, compose, parallel
from digest.render.issue_markdown import draft_markdown

DATA = grouping.ROOT / "benchmarks/data/grouping"


def _square_plus(n: int, plus: int) -> int:
    return n * n + plus


@pytest.mark.parametrize("workers", [2, 3])
def test_a_later_reading_by_a_pool_answers_as_one_process_does(workers):
    texts = list(range(parallel.PARALLEL_FROM + 7))  # chunks of unequal size
    read = functools.partial(_square_plus, plus=3)
    with parallel.Later(read, texts, workers=workers) as later:
        later.start()
        later.start()  # once: a second start forks nothing more
        assert len(multiprocessing.active_children()) == max(1, workers - 1)
        answers = later.result()
    assert answers == [read(n) for n in texts]
    assert not multiprocessing.active_children()


def test_a_small_later_reading_is_read_here_when_asked():
    read = functools.partial(_square_plus, plus=1)
    with parallel.Later(read, list(range(50)), workers=2) as later:
        later.start()
        assert not multiprocessing.active_children()  # below PARALLEL_FROM: no pool
        assert later.result() == [read(n) for n in range(50)]


def test_a_later_reading_left_before_its_result_ends_its_worker():
    texts = list(range(parallel.PARALLEL_FROM))
    with pytest.raises(RuntimeError), parallel.Later(str, texts, workers=2) as later:
        later.start()
        assert multiprocessing.active_children()
        raise RuntimeError("merging failed")
    assert not multiprocessing.active_children()
    assert parallel._job is None


def test_a_model_of_two_sections_or_more_places_every_item(tmp_path):
    """always_placed says so only where classify never leaves an item unplaced: with the
    learned model, every labeled item (of a settings' outlet or not) gets a section; with
    the keyword rules alone, some are left for the editor."""
    labeled, _ = grouping.load(DATA)
    settings = grouping.project(tmp_path, DATA, with_past_issues=True)
    model = section_model(settings)
    rules = settings.sections
    sources = {s.name: s for s in settings.sources}
    plain = replace(labeled[0].item, title="Notes", text="A quiet day, nothing to add.")
    items = [row.item for row in labeled] + [
        grouping.distinct_week_items(labeled, 300)[n] for n in range(0, 300, 7)
    ]
    items.append(plain)  # no keyword of any section
    assert classify.always_placed(rules, model)
    assert all(classify.classify(i, sources.get(i.source), rules, model) for i in items)
    assert not classify.always_placed(rules, None)
    # why items placed by the keyword rules alone are read before they are merged
    assert classify.classify(plain, None, rules, None) is None
    assert not classify.always_placed(rules[:1], model)  # one section: keywords decide


@pytest.mark.parametrize("with_model", [True, False])
def test_a_week_placed_while_it_is_merged_is_the_week_placed_first(tmp_path, with_model):
    """The 1,000-item distinct week with every pool forced on: placed by a Later while it
    is merged (a model) or before (none), the draft and every explanation are those of one
    process reading everything in order."""
    from digest.issues import incidents

    labeled, _ = grouping.load(DATA)
    settings = grouping.project(tmp_path, DATA, with_past_issues=True)
    model = section_model(settings) if with_model else None
    spec = issue_spec(settings, grouping.WEEKS[-1])
    items = grouping.distinct_week_items(labeled, 1000)

    def drafted(at: int) -> tuple[str, Counter[str]]:
        saved = parallel.PARALLEL_FROM, incidents.PARALLEL_STORIES
        parallel.PARALLEL_FROM = incidents.PARALLEL_STORIES = at
        try:
            issue = compose.draft_issue(
                items, spec, settings.sources, settings.sections, model, settings.places
            )
        finally:
            parallel.PARALLEL_FROM, incidents.PARALLEL_STORIES = saved
        why = Counter(
            f"{x.item.guid}|{x.day}|{x.day_from}|{x.decision}|{x.story}|{x.story_size}|{x.notes}"
            for x in issue.explanations
        )
        return hashlib.sha256(draft_markdown(issue).encode()).hexdigest(), why

    assert drafted(1) == drafted(10**9)
