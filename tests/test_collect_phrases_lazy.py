"""The boilerplate patterns are compiled when first used, and the strong cues and the reader
markers are each split in two (English, and Arabic tried only on a text with an Arabic
letter): the verdicts must be the ones of the single alternations compiled before (issue 25).

The old pattern is rebuilt here from the same phrase lists, and both are run at every word
start of the texts the boilerplate tests use, feedparser's corpus, the benchmark's feeds
and Arabic cues spelled with diacritics, tatweel and every alef."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from html import unescape

import pytest

from benchmarks.collect import make_feed
from digest.collect import boilerplate_phrases as phrases
from digest.collect.boilerplate import _speaks_to_reader, _strong, is_boilerplate, strip_text
from tests.support.corpus import CorpusError, ensure_corpus
from tests.test_collect_boilerplate import BOILERPLATE_AR, BOILERPLATE_EN, NEWS_SENTENCES

OLD_STRONG = re.compile(
    phrases._JUNK
    + "(?:"
    + "|".join([*phrases._STRONG_EN, *(phrases._ar(p) for p in phrases._STRONG_AR)])
    + ")",
    re.IGNORECASE,
)
# The reader markers were one alternation too, before READER_AR was split from READER.
OLD_READER = re.compile(f"{phrases._READER[0]}|{phrases._READER_ARABIC[0]}", re.IGNORECASE)
_WORD_START = re.compile(r"(?:^|(?<=[\s.!?؟…»\"'(\[]))\S")
_TAG = re.compile(r"<[^>]*>")


def _texts_of_corpus() -> list[str]:
    try:
        corpus = ensure_corpus()
    except CorpusError as exc:
        pytest.fail(str(exc), pytrace=False)
    texts = []
    for path in sorted(corpus.rglob("*.xml")):
        raw = path.read_bytes().decode("utf-8", "replace")
        texts.append(unescape(_TAG.sub(" ", unescape(raw))))
    return texts


def _arabic_spellings() -> list[str]:
    """Every Arabic test sentence with marks and tatweel after random letters, and the
    other spellings of alef, ya and ta marbuta."""
    rnd = random.Random(25)
    marks = ["\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0640", "\u0670"]
    swaps = {"ا": "أإآٱ", "ي": "ى", "ه": "ة", "ة": "ه", "ى": "ي"}
    out = []
    for sentence in [*BOILERPLATE_AR, *NEWS_SENTENCES]:
        for _ in range(30):
            chars = []
            for char in sentence:
                if char in swaps and rnd.random() < 0.3:
                    char = rnd.choice(swaps[char])
                chars.append(char)
                if "\u0621" <= char <= "\u064a" and rnd.random() < 0.2:
                    chars.append(rnd.choice(marks))
            prefix = rnd.choice(["", "» ", "• ", "\u0640", "(", "🔴 ", "- ", "x "])
            out.append(prefix + "".join(chars))
    return out


def _verdicts_agree(texts: list[str]) -> int:
    checked = 0
    for text in texts:
        for line in text.split("\n"):
            for start in (m.start() for m in _WORD_START.finditer(line[:3000])):
                end = min(len(line), start + 600)
                old = bool(OLD_STRONG.match(line, start, end))
                assert _strong(line, start, end) == old, line[start:end]
                sentence = line[start:end]
                assert _speaks_to_reader(sentence) == bool(OLD_READER.search(sentence)), sentence
                checked += 1
    return checked


def test_the_split_strong_cues_match_as_the_one_alternation_did_on_the_test_sentences():
    sentences = [*BOILERPLATE_EN, *BOILERPLATE_AR, *NEWS_SENTENCES, *_arabic_spellings()]
    assert _verdicts_agree(sentences) > 10_000
    assert sum(bool(OLD_STRONG.match(s)) for s in sentences) > 1_000  # cues were met, too
    readers = [s for s in sentences if OLD_READER.search(s)]  # and reader markers
    assert sum(bool(phrases.ARABIC_LETTER.search(s)) for s in readers) > 100
    assert sum(not phrases.ARABIC_LETTER.search(s) for s in readers) > 10


def test_the_split_strong_cues_match_as_the_one_alternation_did_on_feedparsers_corpus():
    assert _verdicts_agree(_texts_of_corpus()) > 10_000


def test_the_split_strong_cues_match_as_the_one_alternation_did_on_the_benchmark_feeds():
    texts = [unescape(_TAG.sub(" ", make_feed(n, 20)[1].decode())) for n in range(40)]
    assert _verdicts_agree(texts) > 10_000


def test_every_arabic_reader_marker_needs_an_arabic_letter():
    # READER_AR is skipped for a text without one: each of its words is spelled in Arabic.
    lists = phrases._PLATFORMS_OR_OURS + "|" + phrases._READER_WORDS_AR
    words = [w.strip() for w in re.split(r"\(\?:|[|()]", lists) if w.strip()]
    assert len(words) > 40
    for word in words:
        assert phrases.ARABIC_LETTER.match(word), word


def test_every_arabic_cue_needs_an_arabic_letter():
    # The reason STRONG_AR is skipped for a text without one: each cue opens, after an
    # optional "و" or "ال", with a letter (or a group of words that each open with one).
    for cue in phrases._STRONG_AR:
        rest = re.sub(r"^\(\?:(?:و|ال)\)\?", "", cue)
        group = re.match(r"\(\?:([^()]*)\)", rest)
        openings = group.group(1).split("|") if group else [rest]
        for opening in openings:
            assert opening[:1] and "\u0621" <= opening[0] <= "\u064a", (cue, opening)
    assert all(phrases.ARABIC_LETTER.match(c) for c in "اأإآٱيىهةوءغ")
    assert not phrases.ARABIC_LETTER.search("Read more » © \u064b")


def test_sentences_get_the_same_verdicts_whatever_was_compiled_first():
    # Lazy compiling must not make a verdict depend on which pattern a process met first.
    sentences = [*BOILERPLATE_EN, *BOILERPLATE_AR, *NEWS_SENTENCES]
    script = (
        "import sys, json\n"
        "from digest.collect.boilerplate import is_boilerplate, strip_text\n"
        "lines = json.loads(sys.stdin.read())\n"
        "print(json.dumps([[is_boilerplate(s), strip_text(s)] for s in lines]))\n"
    )
    import json

    fresh = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(sentences[::-1]),
        capture_output=True,
        text=True,
        check=True,
    )
    here = [[is_boilerplate(s), strip_text(s)] for s in sentences[::-1]]
    assert json.loads(fresh.stdout) == here


def test_the_import_compiles_none_of_the_costly_patterns():
    probe = (
        "import re, time\n"
        "started = time.process_time()\n"
        "import digest.collect.boilerplate_phrases as p\n"
        "cost = time.process_time() - started\n"
        "print(sorted(n for n in ('STRONG', 'STRONG_AR', 'READER', 'READER_AR') if n in vars(p)), cost)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    names, cost = done.stdout.rsplit(" ", 1)
    assert names == "[]"
    assert float(cost) < 0.1  # was 0.34 s of regex compiling
    assert is_boilerplate("اقرأ أيضا: البرلمان يقر الموازنة")  # and the Arabic cues still work
