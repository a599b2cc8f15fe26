"""Plain data shared by every stage: no I/O, no clock.

Two families live here. The *collect* side (Source, RawEntry, Item) describes what comes
in from news sources. The *issue* side has two shapes of one newsletter issue: `Issue`,
the draft digest computes from stored items and writes as Markdown, and `Edition`, what
the (possibly edited) Markdown says, parsed back at build time. Everything shown to
readers is derived from an Edition, so an editor's change shows up everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Selectors:
    """CSS selectors that find items on a feed-less HTML page."""

    item: str
    title: str
    link: str
    date: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Source:
    """One configured news source (an entry of DIGEST_SOURCES)."""

    name: str
    url: str  # an http(s) URL, or an absolute path to a local/bundled file
    kind: str = "feed"  # "feed" (RSS/Atom/JSON Feed, detected) or "html"
    section: str | None = None
    language: str | None = None
    selectors: Selectors | None = None
    domains: tuple[str, ...] = ()  # hosts whose links are credited to this source
    enabled: bool = True

    @property
    def is_remote(self) -> bool:
        return self.url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class RawEntry:
    """One entry as a parser found it: untrusted, unnormalized."""

    title: str  # HTML (plain-text titles arrive escaped); normalize makes it plain text
    url: str | None = None
    guid: str | None = None
    summary_html: str = ""  # HTML (or text) exactly as the source gave it
    published: datetime | None = None  # None when missing or unparseable
    language: str | None = None
    base: str | None = None  # what relative links in summary_html resolve against (xml:base)
    date_text: str | None = None  # the date as written, when there was one (for flagging)


@dataclass(frozen=True)
class ParsedFeed:
    """What a parser made of one fetched document."""

    kind: str  # "rss", "atom", "jsonfeed", "html"
    entries: tuple[RawEntry, ...]
    title: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. feedparser's bozo reason


@dataclass(frozen=True)
class Item:
    """One stored news item: sanitized, normalized, timezone-aware."""

    source: str  # Source.name
    guid: str | None  # the feed's own id for the entry, if it gave one
    url: str | None
    title: str  # plain text, NFC
    summary_html: str  # sanitized HTML
    text: str  # plain text of the summary, NFC
    published: datetime  # aware (UTC)
    language: str | None = None
    date_flag: str | None = None  # None, "missing", "invalid" or "future"
    id: int | None = None  # the store's row id, for items read from the store


# --------------------------------------------------------------------------- issues


@dataclass(frozen=True)
class SectionRule:
    """One entry of DIGEST_SECTIONS."""

    key: str
    title: str
    keywords: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Period:
    """The inclusive run of local dates an issue covers."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Citation:
    source: str  # Source.name
    url: str


@dataclass(frozen=True)
class Decision:
    """Why an item landed in a section: reason is "source", "rule" or "default"."""

    section: str
    reason: str
    detail: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class Entry:
    """One paragraph of a drafted section: one story, told by one or more sources."""

    day: date
    title: str
    text: str  # plain text; the writer escapes it for Markdown
    citations: tuple[Citation, ...]
    decision: Decision | None = None
    says_when: bool = False  # the text already names its day ("on Sunday")


@dataclass(frozen=True)
class Incident:
    day: date
    location: str
    deaths: int | None  # not counting the attackers (militants) killed: see `militants`
    injuries: int | None
    description: str = ""
    kind: str = ""  # "ied", "rocket", "drone", "gunfire", "airstrike", ... ("" unknown)
    militants: int | None = None  # attackers/militants killed, kept apart from deaths


@dataclass(frozen=True)
class DraftOptions:
    """The editor's choices for a draft (DIGEST_* settings, see config/draft.py)."""

    section_order: str = "date"  # paragraphs in "date" order or by "importance"
    takeaway_words: tuple[int, int] = (100, 250)  # a takeaway's length, least and most
    incident_kinds: tuple[str, ...] = ()  # only rows of these kinds; () keeps every kind
    incident_kind_column: bool = False  # a Kind column in the incident table
    militants: str = "note"  # militants killed: "note" under the table, "exclude", "count"


@dataclass(frozen=True)
class DraftSection:
    key: str
    title: str
    headline: str
    takeaway: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class DraftDay:
    """One day of a daily digest: its stories, numbered in this order."""

    day: date
    entries: tuple[Entry, ...]  # title, text (the summary) and every outlet that told it


@dataclass(frozen=True)
class Issue:
    """A drafted issue, before the editor touches it."""

    slug: str
    title: str
    number: int | None
    period: Period
    layout: str  # "weekly" (sections), "daily" (days) or "report" (themes, a summary)
    sections: tuple[DraftSection, ...]
    incidents: tuple[Incident, ...]
    item_count: int
    source_count: int
    unplaced: tuple[Entry, ...] = ()  # items no rule placed: shown to the editor, not readers
    days: tuple[DraftDay, ...] = ()  # the daily layout's days, in date order
    explanations: tuple[Explanation, ...] = ()  # every decision, for `digest draft --explain`
    summary: str = ""  # the report layout's summary paragraph, plain text


@dataclass(frozen=True)
class Explanation:
    """What the draft did with one item of its period, and why."""

    item: Item
    day: date
    day_from: str  # the phrase that dated it ("on Sunday"), or "published"
    decision: Decision | None  # None: left for the editor to place
    story: int  # items with the same number were merged into one paragraph
    story_size: int
    notes: tuple[str, ...] = ()  # what else the draft decided (a day resolved, a conflict)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    line: int  # 1-based line in the Markdown file


@dataclass(frozen=True)
class EditionItem:
    """One paragraph of a published section, or one numbered item of a day."""

    day: date | None
    text: str  # plain text
    html: str
    sources: tuple[str, ...]
    links: tuple[str, ...]
    title: str | None = None  # daily layout: the item's **bold** title
    number: int | None = None  # daily layout: its number in the day's list
    language: str | None = None  # BCP 47 tag of right-to-left text ("ar"); else the site's


@dataclass(frozen=True)
class EditionSection:
    key: str  # HTML id
    label: str  # the section's title from DIGEST_SECTIONS, e.g. "Security"
    headline: str  # the h2 text
    takeaway_html: str
    takeaway_text: str
    body_html: str  # paragraphs, tables ... without the takeaway
    items: tuple[EditionItem, ...]
    sources_cited: tuple[str, ...]
    links: tuple[Link, ...]
    line: int


@dataclass(frozen=True)
class EditionDay:
    """One day of a published daily digest: `## February 1, 2024 {#2024-02-01}`."""

    key: str  # HTML id: the day, YYYY-MM-DD
    day: date
    heading: str  # the h2 text
    body_html: str  # the numbered list (ol.daily-items), tables ...
    items: tuple[EditionItem, ...]
    sources_cited: tuple[str, ...]
    links: tuple[Link, ...]
    line: int


@dataclass(frozen=True)
class EditionReport:
    """The body of a published situation report (`Layout: report`): a summary paragraph,
    then free Markdown with its own headings."""

    summary_html: str  # the summary paragraph's inline HTML
    summary_text: str
    body_html: str  # everything after the summary: headings, paragraphs, tables ...
    items: tuple[EditionItem, ...]  # every paragraph, the summary's aside
    sources_cited: tuple[str, ...]  # from every link of the report, in order
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Edition:
    """A published issue as its Markdown says it, with everything derived from it."""

    title: str
    slug: str
    number: int | None
    period: Period | None
    layout: str
    intro_html: str
    sections: tuple[EditionSection, ...]
    incidents: tuple[Incident, ...]
    html: str  # the full issue body with the stable HTML hooks
    summary: str  # plain text, for archives and feeds
    unknown_links: tuple[Link, ...] = field(default=())  # links that map to no source
    days: tuple[EditionDay, ...] = field(default=())  # the daily layout's days
    series: str = ""  # its `Series:`, else its layout's (render/series.py)
    report: EditionReport | None = None  # the report layout's summary and body
