"""Places a text names, from a gazetteer: how incident rows are located and how an Arabic
report and an English one are seen to be about the same town.

A gazetteer is a CSV file (`name,province,kind,aliases,context`; see
digest/data/places/iraq.csv, selected with DIGEST_PLACES = "iraq"). Names match whole words
in either script: Latin ones case-insensitively with "al-"/"Al " and hyphens ignored
("al-Qaim" = "Al Qaim" = "Qaim"), Arabic ones without diacritics, the article or attached
prefixes ("بالموصل" = "موصل"). A name that is also a common word (`context` = yes: "Hit",
"بلد") counts only after a locative word ("in Hit", "في بلد").
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from digest.errors import ConfigError
from digest.text import arabic

KINDS = {
    # How specific a place is: an incident is located at the most specific place named.
    "region": -1,  # wider than a province: the Kurdistan Region, the Nineveh Plains
    "province": 0,
    "city": 1,
    "desert": 1,  # "the Anbar desert near Rutba" happened at Rutba
    "district": 2,
    "subdistrict": 3,
    "town": 3,
    "village": 3,
    "neighbourhood": 3,
    "camp": 4,
    "base": 4,
    "field": 4,
    "mountain": 4,
    "valley": 4,
    "crossing": 4,
    "water": 4,
    "port": 4,
    "site": 4,
}
BUNDLED = ("iraq",)
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+", re.UNICODE)
_ARTICLES = frozenset({"al", "el"})
# Characters that are in no word and that lower() and casefold() leave as they are: a text
# whose only other characters are ASCII is read as an ASCII one is (English copy's dashes,
# double quotes and ellipses). Single quotes are not among them: "Iraq’s" is one word.
_PUNCTUATION = str.maketrans(dict.fromkeys("\u2013\u2014\u201c\u201d\u2026\u00a0", " "))
_LOCATIVE = frozenset(
    "in near at outside from of to around inside across into في قرب قضاء ناحية مدينة".split()
)


@dataclass(frozen=True)
class Place:
    name: str
    province: str
    kind: str
    context: bool = False

    @property
    def rank(self) -> int:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        """How an editor writes it in an incident row: "Daquq, Kirkuk", or "Kirkuk"."""
        if not self.province or self.province.casefold() == self.name.casefold():
            return self.name
        if self.name.casefold() == f"{self.province} city".casefold():
            return self.province  # "Kirkuk city, Kirkuk" is written "Kirkuk"
        return f"{self.name}, {self.province}"


@dataclass(frozen=True)
class Mention:
    place: Place
    start: int  # character offsets of the name in the text
    end: int


def _key_words(text: str) -> list[tuple[str, int, int]]:
    """(normal form, start, end) of each word; Latin articles are dropped."""
    words = []
    for match in _LATIN_WORD.finditer(text):
        word = match.group().casefold().replace("’", "'")
        if word in _ARTICLES:
            continue
        words.append((word, match.start(), match.end()))
    return words


def _normal_name(name: str) -> tuple[str, ...]:
    parts = []
    for word, _, _ in _key_words(name.replace("-", " ")):
        parts.append(next(arabic.forms(word)) if not word.isascii() else re.sub(r"'s$", "", word))
    return tuple(parts)


def _locative(word: str) -> bool:
    """ "in", "near", "في", also with a conjunction attached ("وفي")."""
    return word in _LOCATIVE or (word[:1] in ("و", "ف") and word[1:] in _LOCATIVE)


class Gazetteer:
    """Names (and aliases) of places, looked up by their normal form."""

    def __init__(self, places: list[tuple[Place, list[str]]]) -> None:
        self._names: dict[tuple[str, ...], Place] = {}
        self._longest: dict[str, int] = {}  # a name's first word -> the most words it has
        for place, aliases in places:
            for name in (place.name, *aliases):
                key = _normal_name(name)
                if key:
                    self._names.setdefault(key, place)
                    self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(set(self._names.values()))

    def __bool__(self) -> bool:  # without counting the places (every story asks)
        return bool(self._names)

    def mentions(self, text: str) -> list[Mention]:
        """Every place named in `text`, longest name first where names overlap, in order.
        Offsets are into `text` with Arabic diacritics removed."""
        if text.isascii() or text.translate(_PUNCTUATION).isascii():
            return self._latin_mentions(text)
        return self._any_mentions(text)

    def _any_mentions(self, text: str) -> list[Mention]:
        """mentions() of a text in any script."""
        words = _key_words(arabic.strip_marks(text).replace("-", " "))
        # A word's forms: Latin without a possessive; Arabic as written and without prefixes.
        # A name's later words may only lose the article.
        forms = [
            [w[:-2] if w.endswith("'s") else w] if w.isascii() else list(arabic.forms(w))
            for w, _, _ in words
        ]
        later = [
            f[0] if w.isascii() else arabic.without_article(w)
            for (w, _, _), f in zip(words, forms, strict=True)
        ]
        found = []
        i = 0
        longest_of = self._longest
        while i < len(words):
            if len(forms[i]) == 1:  # a Latin word: one form
                longest = longest_of.get(forms[i][0], 0)
            else:
                longest = max((longest_of.get(f, 0) for f in forms[i]), default=0)
            for size in range(min(longest, len(words) - i), 0, -1):
                tail = tuple(later[i + 1 : i + size])
                place = next(
                    (p for first in forms[i] if (p := self._names.get((first, *tail)))), None
                )
                if place is None:
                    continue
                if place.context and not (i and _locative(words[i - 1][0])):
                    continue
                found.append(Mention(place, words[i][1], words[i + size - 1][2]))
                i += size
                break
            else:
                i += 1
        return found

    def _latin_mentions(self, text: str) -> list[Mention]:
        """mentions() of an ASCII text (or one with _PUNCTUATION besides): the same places,
        found with less Python. Lower case is its casefold, and a word has one form, which
        every word of a name is looked up in; a name is tried only at a word that begins
        one (most words begin none)."""
        words = [
            (m.group(), m.start(), m.end())
            for m in _LATIN_WORD.finditer(text.replace("-", " ").lower())
            if m.group() not in _ARTICLES
        ]
        keys = [w[:-2] if w.endswith("'s") else w for w, _, _ in words]
        longest_of, names = self._longest, self._names
        count = len(keys)
        found = []
        free = 0  # the first word not inside a name found
        for i in [i for i, key in enumerate(keys) if key in longest_of]:
            if i < free:
                continue
            for size in range(min(longest_of[keys[i]], count - i), 0, -1):
                place = names.get(tuple(keys[i : i + size]))
                if place is None:
                    continue
                if place.context and not (i and _locative(words[i - 1][0])):
                    continue
                found.append(Mention(place, words[i][1], words[i + size - 1][2]))
                free = i + size
                break
        return found


def parse(text: str, where: str) -> Gazetteer:
    """A gazetteer from CSV text; every bad row is reported together, naming `where`."""
    problems = []
    places = []
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "province", "kind", "aliases"} - set(reader.fieldnames or ())
    if missing:
        raise ConfigError(f"{where}: missing columns: {', '.join(sorted(missing))}")
    for row in reader:
        line = reader.line_num
        name = (row.get("name") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not name:
            problems.append(f"{where}:{line}: a place needs a name")
            continue
        if kind not in KINDS:
            problems.append(
                f"{where}:{line}: {name}: kind {kind!r} is not one of {', '.join(KINDS)}"
            )
            continue
        aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
        context = (row.get("context") or "").strip().lower() in {"yes", "true", "1"}
        places.append((Place(name, (row.get("province") or "").strip(), kind, context), aliases))
    if problems:
        raise ConfigError(problems)
    return Gazetteer(places)


def load(spec: str, root: Path) -> Gazetteer:
    """DIGEST_PLACES: a bundled gazetteer's name ("iraq") or a CSV path relative to `root`."""
    if spec in BUNDLED:
        text = resources.files("digest.data").joinpath(f"places/{spec}.csv").read_text("utf-8")
        return parse(text, f"DIGEST_PLACES ({spec})")
    path = root / spec
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"DIGEST_PLACES: cannot read {path}: {exc}; give a CSV file with columns "
            f"name,province,kind,aliases or one of: {', '.join(BUNDLED)}"
        ) from exc
    return parse(text, str(path))
