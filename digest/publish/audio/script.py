"""An Edition as it is read aloud: chapters of utterances, each in its language. Pure.

The chapters (DESIGN: the audio contract) are "Introduction" (the title and period), "Key
takeaways", one per section (its label, e.g. "Politics"), then "Incidents" when the issue
has an incident table; a daily issue has one per day; a situation report "Summary", then
one per heading. Each utterance is said by the voice of its language and followed by a
pause, so a chapter starts where its first word does.

What is written for the eye is left out: links, the parenthesised credits "(Tigris Wire,
Rudaw)" (or they are said once per section: "Sources: Tigris Wire, Rudaw."), tables other
than the incident table, which is read row by row as sentences. Dates, numbers and
abbreviations are said as words (words.py). A paragraph in a right-to-left language is read
by a voice of its own, or replaced by a spoken note, as the settings say.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from digest.models import Edition, EditionItem, EditionSection, Incident
from digest.publish.audio import words
from digest.publish.audio.blocks import Block, blocks

# Pauses after an utterance, in seconds: a heading is set off from what follows, and a
# chapter ends in a longer silence, so that skipping to a chapter lands on its first word.
PAUSE_HEADING = 0.6
PAUSE_PARAGRAPH = 0.45
PAUSE_CHAPTER = 1.0

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "ckb": "Kurdish",
    "ku": "Kurdish",
    "kmr": "Kurdish",
    "fa": "Persian",
    "he": "Hebrew",
    "tr": "Turkish",
    "syr": "Syriac",
}
_RTL_LETTER = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
_LTR_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class Utterance:
    text: str  # what is said, as words
    language: str  # BCP 47 primary tag: "en", "ar"
    pause: float = PAUSE_PARAGRAPH  # seconds of silence after it


@dataclass(frozen=True)
class Chapter:
    title: str  # as players list it
    utterances: tuple[Utterance, ...]

    @property
    def transcript(self) -> str:
        """What the chapter says, a line an utterance (the WebVTT cue's text)."""
        return "\n".join(_sentence(u.text) for u in self.utterances)


@dataclass(frozen=True)
class Script:
    title: str  # the title as written
    language: str  # the main language, for the file's tags
    chapters: tuple[Chapter, ...]
    date: str | None = None  # YYYY-MM-DD: the period's end, for the file's tags

    def fingerprint(self) -> str:
        """Everything that is said and how it is cut into chapters."""
        data = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    @property
    def words(self) -> int:
        return sum(len(u.text.split()) for c in self.chapters for u in c.utterances)


@dataclass(frozen=True)
class ScriptOptions:
    language: str = "en"  # the site's language: what the main voice speaks
    arabic: str = "voice"  # "voice": right-to-left paragraphs read in their language; "skip"
    sources: str = "once"  # "once": "Sources: ..." at the end of each section; "none"
    voiced: frozenset[str] = frozenset({"en"})  # languages a voice is there for
    lexicon: Mapping[str, str] = field(default_factory=dict)
    source_names: tuple[str, ...] = ()  # credits said as "(Name)" are left out too


def script(edition: Edition, options: ScriptOptions) -> Script:
    """The spoken edition of `edition`."""
    reader = _Reader(options)
    chapters = [_introduction(edition, reader)]
    if edition.layout == "report" and edition.report is not None:
        chapters += _report(edition, reader)
    elif edition.layout == "daily":
        chapters += [
            _day_chapter(day.heading, day.items, day.sources_cited, reader) for day in edition.days
        ]
    else:
        if edition.sections:
            chapters.append(_takeaways(edition.sections, reader))
        chapters += [_section(section, reader) for section in edition.sections]
    if edition.incidents:
        chapters.append(_incidents(edition, reader))
    return Script(
        title=edition.title,
        language=options.language,
        chapters=tuple(_ended(c) for c in chapters if c.utterances),
        date=edition.period.end.isoformat() if edition.period else None,
    )


# --------------------------------------------------------------------------- chapters


def _introduction(edition: Edition, reader: _Reader) -> Chapter:
    said = [reader.heading(edition.title.replace(":", ","))]
    if edition.layout != "report":  # a report's whole text is its intro_html
        said += reader.paragraphs(blocks(edition.intro_html))
    return Chapter("Introduction", tuple(said))


def _takeaways(sections: Sequence[EditionSection], reader: _Reader) -> Chapter:
    said = [reader.heading("Key takeaways")]
    for section in sections:
        said.append(reader.heading(section.label))
        text = section.takeaway_text or _headline(section.headline)
        said += reader.paragraph(text, _language_of(text), ())
    return Chapter("Key takeaways", tuple(said))


def _section(section: EditionSection, reader: _Reader) -> Chapter:
    said = [reader.heading(section.label), reader.heading(_headline(section.headline))]
    for item in section.items:
        said += reader.item(item)
    said += reader.sources(section.sources_cited)
    return Chapter(section.label, tuple(said))


def _day_chapter(
    heading: str, items: Sequence[EditionItem], cited: Sequence[str], reader: _Reader
) -> Chapter:
    said = [reader.heading(heading)]
    for item in items:
        said += reader.item(item)
    said += reader.sources(cited)
    return Chapter(heading, tuple(said))


def _report(edition: Edition, reader: _Reader) -> list[Chapter]:
    report = edition.report
    assert report is not None
    body = blocks(report.body_html)
    top = min((b.level for b in body if b.level), default=0)
    chapters: list[tuple[str, list[Utterance]]] = [("Summary", [])]
    if report.summary_text:
        text = report.summary_text
        chapters[0][1].extend(reader.paragraph(text, _language_of(text), ()))
    for block in body:
        if block.level and block.level == top:
            chapters.append((block.text, [reader.heading(block.text)]))
        elif block.level:
            chapters[-1][1].append(reader.heading(block.text))
        elif "incidents-note" not in block.classes:  # read with the incidents
            chapters[-1][1].extend(reader.paragraphs([block]))
    chapters[-1][1].extend(reader.sources(report.sources_cited))
    return [Chapter(title, tuple(said)) for title, said in chapters]


def _incidents(edition: Edition, reader: _Reader) -> Chapter:
    rows = edition.incidents
    count = len(rows)
    said = [reader.heading("Security incidents")]
    said.append(reader.say(f"{_count(count, 'incident')} recorded."))
    year = edition.period.end.year if edition.period else None
    said += [reader.say(incident_sentence(row, year)) for row in rows]
    said.append(reader.say(_totals(rows)))
    said += reader.paragraphs(_notes(edition))
    return Chapter("Incidents", tuple(said))


def incident_sentence(incident: Incident, year: int | None = None) -> str:
    """ "On February fourth, near Tarmiyah, Baghdad: two killed, three injured." The year
    is said only when it is not the issue's."""
    day = f"{words.MONTHS[incident.day.month - 1]} {words.ordinal(incident.day.day)}"
    if year is not None and incident.day.year != year:
        day += f", {words.year(incident.day.year)}"
    where = f", near {incident.location}" if incident.location.strip() else ""
    return f"On {day}{where}: {_casualties(incident.deaths, incident.injuries)}."


def _casualties(deaths: int | None, injuries: int | None) -> str:
    if deaths == 0 and injuries == 0:
        return "no one killed or injured"
    return f"{_figure(deaths)} killed, {_figure(injuries)} injured"


def _figure(count: int | None) -> str:
    if count is None:
        return "an unknown number"
    return "no one" if count == 0 else words.cardinal(count)


def _totals(rows: Sequence[Incident]) -> str:
    parts = []
    for what, counts in (
        ("killed", [r.deaths for r in rows]),
        ("injured", [r.injuries for r in rows]),
    ):
        known = sum(c for c in counts if c is not None)
        if None in counts and not known:
            parts.append(f"an unknown number {what}")
        elif None in counts:
            parts.append(f"at least {words.cardinal(known)} {what}")
        else:
            parts.append(f"{words.cardinal(known)} {what}")
    return f"In all: {parts[0]}, {parts[1]}."


def _notes(edition: Edition) -> list[Block]:
    """The note under an incident table ("Not counted above: 5 militants killed …")."""
    bodies = [s.body_html for s in edition.sections] + [d.body_html for d in edition.days]
    if edition.report is not None:
        bodies.append(edition.report.body_html)
    return [b for body in bodies for b in blocks(body) if "incidents-note" in b.classes]


def _count(count: int, noun: str) -> str:
    return f"{words.cardinal(count).capitalize()} {noun}{'' if count == 1 else 's'}"


def _headline(headline: str) -> str:
    """A headline strings stories together with semicolons: said as sentences."""
    return ". ".join(part.strip() for part in headline.split(";") if part.strip())


def _ended(chapter: Chapter) -> Chapter:
    """The chapter's last utterance ends in the chapter's pause."""
    *rest, last = chapter.utterances
    return Chapter(chapter.title, (*rest, Utterance(last.text, last.language, PAUSE_CHAPTER)))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _language_of(text: str) -> str | None:
    """ "ar" for text mostly in Arabic script, else None (the site's language)."""
    return "ar" if len(_RTL_LETTER.findall(text)) > len(_LTR_LETTER.findall(text)) else None


# --------------------------------------------------------------------------- reading


class _Reader:
    """Turns written text into utterances under one set of options."""

    def __init__(self, options: ScriptOptions) -> None:
        self.options = options
        self.credits = frozenset(options.source_names)

    def say(self, text: str, pause: float = PAUSE_PARAGRAPH) -> Utterance:
        return Utterance(words.spoken(text, self.options.lexicon), self.options.language, pause)

    def heading(self, text: str) -> Utterance:
        return self.say(text, PAUSE_HEADING)

    def item(self, item: EditionItem) -> list[Utterance]:
        block = blocks(item.html, inline=True)[0] if item.html else Block(text=item.text)
        return self.paragraph(block.text, item.language, block.links)

    def paragraphs(self, found: Iterable[Block]) -> list[Utterance]:
        said: list[Utterance] = []
        for block in found:
            said += self.paragraph(
                block.text, block.language or _language_of(block.text), block.links
            )
        return said

    def paragraph(self, text: str, language: str | None, links: Iterable[str]) -> list[Utterance]:
        text = without_credits(text, self.credits | set(links))
        main = self.options.language
        if language and language.split("-")[0] != main.split("-")[0]:
            tag = language.split("-")[0].lower()
            if self.options.arabic == "voice" and tag in self.options.voiced:
                # Only its own words: digits and abbreviations are the other voice's to say.
                spoken = words.tidy(" ".join(text.split()))
                return [Utterance(spoken, tag)] if spoken else []
            name = LANGUAGE_NAMES.get(tag, "another language")
            return [self.say(f"A paragraph in {name} is not read.")]
        said = self.say(text)
        return [said] if said.text else []

    def sources(self, names: Sequence[str]) -> list[Utterance]:
        if self.options.sources != "once" or not names:
            return []
        return [self.say(f"Sources: {', '.join(names)}.")]


_CREDITS = re.compile(r"\s*\(([^()]*)\)")
_CREDIT_SEPARATORS = re.compile(r",|;|\band\b|\u060c")


def without_credits(text: str, credits: Iterable[str]) -> str:
    """ "… after the vote (Tigris Wire, Rudaw)." -> "… after the vote.": a bracket that
    holds only credits (link texts, source names) goes; any other bracket stays."""
    known = {" ".join(c.split()).casefold() for c in credits if c.strip()}

    def drop(match: re.Match[str]) -> str:
        parts = [" ".join(p.split()).casefold() for p in _CREDIT_SEPARATORS.split(match[1])]
        parts = [p for p in parts if p]
        return "" if parts and all(p in known for p in parts) else match.group(0)

    return words.tidy(_CREDITS.sub(drop, text)) if known else text
