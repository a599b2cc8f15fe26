"""Takeaways as editors write them: a short prose summary of a section's top stories.

The stories are the ones the headline names, in its order (lead first). Each opens with its
absolute date, "On February 4, …", then who did what: the story's lead sentence, compressed
(attribution, parentheticals and outlet credits dropped). A thread adds its other stories'
lead sentences, each with its own date. Then context: the story's sentences that say what
led to it or what comes next ("after", "amid", "expected", "will" …), the lead story's
first, each after its story, up to the middle of the length range; then, while the takeaway
is shorter than the least, the next stories. Never past the most. Extractive: every clause
comes from the reports; deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.issues.importance import Ranked
from digest.models import Entry
from digest.text.dateline import prefix_day
from digest.text.sentences import compress, sentences, words

THREAD_OPENINGS = 2  # a thread is summed up by its lead story and the next one

# Sentences that give context: cause, background, what is expected next, why it matters.
_CONTEXT = re.compile(
    r"\b(?:after|amid|following|since|because|due to|in response|comes? as|came as|"
    r"expected|will|would|plans?|planned|is set to|are set to|aims?|seeks?|first|latest|"
    r"second|third|part of|follows?|followed|ahead of|marks?|ending|ended|amid|despite|"
    r"warn\w*|threat\w*|deadline|dispute|crisis|deadlock|boycott\w*)\b",
    re.I,
)
_LATIN_START = re.compile(r"[A-Za-z0-9\"“]")


def takeaway(stories: Sequence[Ranked], rest: Sequence[Ranked], size: tuple[int, int]) -> str:
    """The takeaway of `stories` (the headline's, lead first), filled from `rest`."""
    least, most = size
    # One block a story: its lead's opening and context, so "why it matters" follows the
    # story it explains, then a thread's next story.
    blocks: list[list[str]] = []
    context: list[tuple[int, int, str]] = []  # (turn, story, sentence)
    # An English takeaway leaves out reports in Arabic (the editor translates those), unless
    # the stories are told only in Arabic.
    latin = any(
        _LATIN_START.match(dated(e)) for story in stories for e in story.entries[:THREAD_OPENINGS]
    )
    for story in stories:
        block: list[str] = []
        for entry in story.entries[:THREAD_OPENINGS]:
            opening = dated(entry)
            if latin and not _LATIN_START.match(opening):
                continue
            if opening and opening not in block:
                block.append(opening)
        if block:
            blocks.append(block)
            index = len(blocks) - 1
            context.extend((turn, index, c) for turn, c in enumerate(_context(story.lead)))
    # EDITORIAL.md: "one or two sentences of context" a story: each story's first context
    # sentence, in headline order, before any story's second.
    context.sort(key=lambda found: found[:2])

    def length() -> int:
        return sum(words(sentence) for block in blocks for sentence in block)

    while length() > most and len(blocks) > 1:  # never past the most: drop the last story
        blocks.pop()
    target = (least + most) // 2  # editors write about 180 words when the reports allow
    added = [0] * len(blocks)
    for _, index, sentence in context:
        if length() >= target:
            break
        if index < len(blocks) and length() + words(sentence) <= most:
            # Right after the lead story's opening (and its earlier context), before the
            # thread's next story.
            added[index] += 1
            blocks[index].insert(added[index], sentence)
    for story in rest:
        if length() >= target:
            break
        opening = dated(story.lead)
        if latin and not _LATIN_START.match(opening):
            continue
        if opening and length() + words(opening) <= most:
            blocks.append([opening])
    return " ".join(sentence for block in blocks for sentence in block)


def dated(entry: Entry) -> str:
    """The story's lead sentence, compressed, opening "On <Month> <day>, "."""
    found = sentences(entry.text) or [entry.title]
    first = found[0].strip()
    if not re.match(r"[A-Za-z0-9\"“]", first):
        return compress(first)  # Arabic: the editor translates it; "On …" would read backwards
    return prefix_day(compress(first), entry.day)


def _context(entry: Entry) -> list[str]:
    """The story's later sentences, those that explain it (cause, what comes next) first,
    then the rest in the order they are told: at most three."""
    later = [compress(s) for s in sentences(entry.text)[1:]]
    later = [s for s in later if words(s) >= 5 and _LATIN_START.match(s)]
    explaining = [s for s in later if _CONTEXT.search(s)]
    return [*explaining, *(s for s in later if s not in explaining)][:3]
