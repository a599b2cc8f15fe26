"""Issue 25, round 5: a big week's items are placed in their sections by a pool's worker
while the main process merges them into stories (parallel.Later, classify.always_placed).

The drafts themselves are compared with digest's before the speed work in
tests/test_draft_speed_equivalence.py (every pool forced on, and none); here the pieces:
the answers a Later hands back are those of reading in one process, a Later left early
leaves no worker behind, and a model that has seen two sections places every item.

Round 6: the placing worker then reads ahead the figures of the reports clustering's pool
read as attacks (Later.read_ahead, casualties.remember), as far as it gets while the
merging goes on: what it hands back is a prefix of the true readings, the rest is read
where it is needed, and the distinct 10,000-item week (every pool on, as a user's draft of
it runs) is still drafted byte for byte as at 56038dd.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import time
from collections import Counter
from dataclasses import replace

import pytest

from benchmarks import grouping
from digest.commands.draft import issue_spec
from digest.commands.past_issues import section_model
from digest.issues import classify, compose, parallel
from digest.render.issue_markdown import draft_markdown
from digest.text import casualties

DATA = grouping.ROOT / "benchmarks/data/grouping"


def _square_plus(n: int, plus: int) -> int:
    return n * n + plus


def _slow_when_negative(n: int) -> int:
    if n < 0:
        time.sleep(0.5)  # a text read ahead that takes long: not waited for
    return n * n


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


def _read_in_a_daemon(texts: list[int]) -> tuple[bool, list[int]]:
    read = functools.partial(_square_plus, plus=2)
    with parallel.Later(read, texts, workers=2, at_least=1, spare=0) as later:
        later.start()
        return later.pooled, later.result()


def test_a_pools_own_worker_reads_its_texts_itself():
    # A daemon (a multiprocessing pool's worker, as bench-grouping drafts in) may not fork
    # a pool of its own: multiprocessing refuses with an AssertionError.
    texts = list(range(400))
    with multiprocessing.get_context("fork").Pool(1) as outer:
        pooled, answers = outer.apply(_read_in_a_daemon, (texts,))
    assert pooled is False
    assert answers == [n * n + 2 for n in texts]


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
        saved = parallel.PARALLEL_FROM, parallel.OVERLAP_FROM, incidents.PARALLEL_STORIES
        parallel.PARALLEL_FROM = parallel.OVERLAP_FROM = incidents.PARALLEL_STORIES = at
        try:
            issue = compose.draft_issue(
                items, spec, settings.sources, settings.sections, model, settings.places
            )
        finally:
            parallel.PARALLEL_FROM, parallel.OVERLAP_FROM, incidents.PARALLEL_STORIES = saved
        why = Counter(
            f"{x.item.guid}|{x.day}|{x.day_from}|{x.decision}|{x.story}|{x.story_size}|{x.notes}"
            for x in issue.explanations
        )
        return hashlib.sha256(draft_markdown(issue).encode()).hexdigest(), why

    assert drafted(1) == drafted(10**9)


def test_texts_read_ahead_come_back_as_far_as_they_are_ready():
    """The answers asked for, all of them; then of the texts read ahead only a prefix (what
    was ready), each the true answer, and the result does not wait for the rest."""
    texts = list(range(parallel.PARALLEL_FROM))
    ahead = list(range(-1, -parallel._AHEAD_CHUNK * 20, -1))  # 20 chunks, about 10 s each
    with parallel.Later(_slow_when_negative, texts, workers=2) as later:
        later.read_ahead(ahead)
        later.start()
        started = time.perf_counter()
        answers = later.result()
        waited = time.perf_counter() - started
    assert answers[: len(texts)] == [n * n for n in texts]
    got = answers[len(texts) :]
    assert got == [n * n for n in ahead[: len(got)]]
    assert len(got) < len(ahead) and waited < 30  # far less than reading every text ahead
    assert not multiprocessing.active_children()


def _fails_when_negative(n: int) -> int:
    if n < 0:
        raise ValueError(f"cannot read {n}")
    return n * n


def test_a_text_read_ahead_that_fails_is_left_to_the_caller():
    """Reading ahead is a favour: a text it fails on ends what is taken of it, and the
    caller, reading that text itself, meets the failure where it would have."""
    texts = list(range(parallel.PARALLEL_FROM))
    with parallel.Later(_fails_when_negative, texts, workers=2) as later:
        later.read_ahead([-1, 5])
        answers = later.result()
    assert answers == [n * n for n in texts]
    assert not multiprocessing.active_children()


def test_a_later_without_a_pool_reads_nothing_ahead():
    """Below PARALLEL_FROM the texts asked for are read here, and nothing more: the caller
    reads the rest itself, when and where it needs them."""
    with parallel.Later(_slow_when_negative, list(range(50)), workers=2) as later:
        later.read_ahead([-1, -2])
        assert not later.pooled
        assert later.result() == [n * n for n in range(50)]


def test_a_reading_remembered_is_the_reading_asked_for():
    """casualties.read answers what another process read (remember), until it is forgotten."""
    text = "Two soldiers were killed and five wounded in an attack near Tarmiyah."
    own = casualties.read(text)
    assert (own.deaths, own.injuries) == (2, 5)
    casualties.read.cache_clear()
    try:
        casualties.remember({text: casualties.Reading(deaths=7)})
        assert casualties.read(text).deaths == 7  # the path incident rows take
    finally:
        casualties.remember({})
    casualties.read.cache_clear()
    assert casualties.read(text) == own


def test_readings_remembered_from_a_worker_answer_as_reading_here(tmp_path):
    """Every attack report of the labeled set and of a distinct week, read ahead by a pool's
    worker (ahead.jobs, ahead.read) and remembered: its incident-row readings (figures, the
    place named_place picks) are those read in this process, the gazetteer and outlets the
    draft's. (Readings of the reports the pool did not read as attacks are not asked.)"""
    from digest.issues import ahead, incidents
    from digest.text import locations

    labeled, _ = grouping.load(DATA)
    settings = grouping.project(tmp_path, DATA, with_past_issues=True)
    reports = [row.item for row in labeled] + grouping.distinct_week_items(labeled, 600)
    attacks = {(r.title, r.text): incidents.is_attack(r.title, r.text) for r in reports}
    outlets = incidents.week_outlets([reports])
    texts = list(
        dict.fromkeys(t for (title, text), yes in attacks.items() if yes for t in (text, title))
    )
    assert len(texts) > 300

    def readings() -> list[object]:
        casualties.read.cache_clear()
        return [
            (casualties.read(t), locations.named_place([t], settings.places, t, outlets))
            for t in texts
        ]

    here = readings()
    incidents.remember_attacks(attacks)
    try:
        todo = ahead.jobs(reports, settings.places)
        assert {job[1] for job in todo} == set(texts)
        with parallel.Later(ahead.read, todo, workers=2, at_least=1, spare=0) as later:
            ahead.remember(todo, later.result())
        assert set(casualties._READ_ELSEWHERE) == set(texts)
        # keyed as named_place looks them up: each text as it masks it for the week's outlets
        masked = {locations.read_ahead(t, settings.places, outlets)[0] for t in texts}
        assert set(locations._READ_ELSEWHERE) == masked
        assert readings() == here
    finally:
        ahead.forget()
        incidents.remember_attacks({})


def test_the_distinct_10000_item_week_is_drafted_as_before(tmp_path):
    """The week a user's `digest draft` reads with every pool on (dates, words and attacks,
    placing with its reading ahead, stories): the draft 56038dd wrote, hashed here."""
    labeled, _ = grouping.load(DATA)
    settings = grouping.project(tmp_path, DATA, with_past_issues=True)
    model = section_model(settings)
    spec = issue_spec(settings, grouping.WEEKS[-1])
    items = grouping.distinct_week_items(labeled, 10_000)
    assert parallel.pooled(len(items), workers=2)
    issue = compose.draft_issue(
        items, spec, settings.sources, settings.sections, model, settings.places
    )
    assert hashlib.sha256(draft_markdown(issue).encode()).hexdigest() == DISTINCT_10000
    assert not casualties._READ_ELSEWHERE  # what was read ahead was for this week only


# sha256 of the Markdown 56038dd drafts for the distinct 10,000-item week (benchmarks/
# grouping.py's distinct_week_items with the learned classifier, as the hashes of
# tests/test_draft_speed_equivalence.py's weeks).
DISTINCT_10000 = "b8ed0d3104c18ed6d5bb171926ad8b1533cac3f11c50a6a1404d3ae3f964a523"
