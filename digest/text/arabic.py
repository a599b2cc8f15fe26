"""Arabic words in the forms they are listed under, and their English news equivalents.

A word is compared without diacritics or tatweel, with one alef, final ة as ه and final ى
as ي, and optionally without the conjunction, preposition and article it carries
("وبالموصل" -> "موصل"). The glossary (digest/data/lexicon/ar-en.csv) gives, for a news word
in that form, the English stem a report of the same event would use ("عبوه" -> "bomb"), so an
Arabic and an English report of one event share words.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_ALEF = str.maketrans("أإآٱ", "اااا")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def strip_marks(text: str) -> str:
    """Text without diacritics and tatweel (which split words for a regex)."""
    if text.isascii():
        return text  # no mark to strip: English reports, read word by word many times
    return _DIACRITICS.sub("", text)


def normal(word: str) -> str:
    if word.isascii():
        return word  # every change below is to Arabic letters, digits or marks
    word = _DIACRITICS.sub("", word).translate(_ALEF).translate(_DIGITS)
    if word.endswith("ة"):
        word = word[:-1] + "ه"
    if word.endswith("ى"):
        word = word[:-1] + "ي"
    return word


def forms(word: str) -> Iterator[str]:
    """The word as written, then without the prefixes it may carry, most stripped last."""
    word = normal(word)
    yield word
    for conjunction in ("", "و", "ف"):
        if conjunction and not word.startswith(conjunction):
            continue
        rest = word[len(conjunction) :]
        for preposition in ("", "ب", "ل", "ك"):
            if preposition and not rest.startswith(preposition):
                continue
            stem = rest[len(preposition) :]
            if stem.startswith("ال") and len(stem) > 4:
                yield stem[2:]
            elif preposition == "ل" and stem.startswith("ل") and len(stem) > 3:
                yield stem[1:]  # "للموصل": li- + al- written with the alef dropped
            elif (conjunction or preposition) and len(stem) > 2:
                yield stem


def without_article(word: str) -> str:
    """A word that follows another in a name: it may carry the article, nothing else
    ("عين الأسد" -> "عين" + "اسد"; the ب of "بغداد" stays)."""
    word = normal(word)
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def english(word: str) -> str | None:
    """The glossary's English stem for an Arabic word, trying its prefix-stripped forms."""
    glossary = _glossary()
    return next((glossary[form] for form in forms(word) if form in glossary), None)


@cache
def _glossary() -> dict[str, str]:
    path = resources.files("digest.data").joinpath("lexicon/ar-en.csv")
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8")))
    return {normal(row["arabic"].strip()): row["english"].strip() for row in rows}
