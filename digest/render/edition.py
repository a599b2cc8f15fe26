"""Issue Markdown -> Edition: everything readers see, derived from what the editor wrote.

The contract an issue file follows (see the README):
- `## Headline {#key}` starts a section; `key` is a DIGEST_SECTIONS key and the HTML id;
- the section's first paragraph beginning `Takeaway:` is its Key Takeaways bullet;
- every other paragraph is an item; links in it cite sources, mapped by domain;
- a table whose header names Date, Location, Deaths and Injuries (in any order, with any
  other columns, e.g. Kind) is the incident table (render/incident_table.py): its rows
  become the edition's incidents and a footer row of totals is added to it; a paragraph
  right after it that begins "Not counted above:" or "Note:" is its note, not an item.

A daily digest (`Layout: daily`) has a heading per day instead, `## February 1, 2024
{#2024-02-01}`, each over a numbered list of `**Title** ([Source](url)). Summary.` items.

A situation report (`Layout: report`) is free Markdown: a summary paragraph (`Summary:` in
the header, else the first paragraph), then the body with headings of its own; its links
cite sources for the whole report.

Every issue belongs to a series: its `Series:` header, else its layout's (render/series.py).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from digest.errors import ContentError
from digest.models import (
    Edition,
    EditionDay,
    EditionItem,
    EditionReport,
    EditionSection,
    Incident,
    Link,
    Period,
    SectionRule,
    Source,
)
from digest.periods import day_heading, read_period
from digest.render import bidi, incident_table
from digest.render.markdown import markdown
from digest.render.series import NAME_RULE, is_name, series_of
from digest.render.takeaway_lead import fold_after_lead
from digest.text.dates import event_day

_META_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$")
_KEY_SUFFIX = re.compile(r"\s*\{#([A-Za-z][\w-]*)\}\s*$")
_TAKEAWAY = re.compile(r"^\s*takeaway:\s*", re.I)
_DAY_SUFFIX = re.compile(r"\s*\{#(\d{4}-\d{2}-\d{2})\}\s*$")
LAYOUTS = ("weekly", "daily", "report")


@dataclass(frozen=True)
class Document:
    meta: dict[str, str]  # lower-cased keys
    body: str
    body_line: int  # 0-based line of the body's first line in the file


def split_metadata(text: str) -> Document:
    """Pelican-style `Key: value` lines up to the first blank line, then the body."""
    lines = text.replace("\r\n", "\n").split("\n")
    meta: dict[str, str] = {}
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        match = _META_LINE.match(line)
        if not line.strip() or not match:
            break
        meta[match.group(1).lower()] = match.group(2).strip()
    else:
        index = len(lines)
    return Document(meta=meta, body="\n".join(lines[index:]), body_line=index)


def parse_period(value: str | None) -> Period | None:
    """ "2024-02-02 to 2024-02-08", or as any period style writes it (periods.read_period)."""
    if not value:
        return None
    try:
        return read_period(value)
    except ValueError as exc:
        raise ContentError(f"Period: {value!r} {exc}") from None


def _day_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None  # issue_check reports a Date that is no date


def source_for(url: str, sources: Sequence[Source]) -> str | None:
    """The source a link credits, by its host (subdomains included); the most specific
    domain wins (news.example.org before example.org)."""
    credits = _credits(sources)
    try:
        return credits.urls[url]
    except KeyError:
        pass
    name = _credit(url, credits.domains)
    if len(credits.urls) >= _URLS_KEPT:
        credits.urls.clear()
    credits.urls[url] = name
    return name


def _credit(url: str, by_domain: dict[str, str]) -> str | None:
    hostname = urlsplit(url).hostname
    if not hostname:
        return None  # mailto:, a relative link, "#fn1"
    labels = hostname.lower().split(".")
    # The host itself, then each parent domain: www.example.org, example.org, org.
    for i in range(len(labels)):
        name = by_domain.get(".".join(labels[i:]))
        if name is not None:
            return name
    return None


_URLS_KEPT = 50_000  # links credited, remembered: an issue's links are credited four times


@dataclass
class _Credits:
    domains: dict[str, str]  # domain -> the first source (in settings order) that lists it
    urls: dict[str, str | None]  # link -> the source it credits


_last_credits: tuple[tuple[Source, ...], _Credits] | None = None


def _credits(sources: Sequence[Source]) -> _Credits:
    """The credits of one settings' sources, asked for every link of a build: the same
    tuple is known by identity (hashing seven sources for each link cost more than the
    lookup), any other sequence by value."""
    global _last_credits
    last = _last_credits
    if last is not None and last[0] is sources:
        return last[1]
    frozen = tuple(sources)
    credits = _credits_of(frozen)
    if isinstance(sources, tuple):  # immutable: safe to know by identity
        _last_credits = (sources, credits)
    return credits


@functools.lru_cache(maxsize=32)
def _credits_of(sources: tuple[Source, ...]) -> _Credits:
    found: dict[str, str] = {}
    for source in sources:
        for domain in source.domains:
            found.setdefault(domain, source.name)
    return _Credits(found, {})


def parse_edition(
    text: str,
    *,
    slug: str,
    sections: Sequence[SectionRule],
    sources: Sequence[Source],
    tokens: list[Token] | None = None,
) -> Edition:
    """Parse an issue file; raises ContentError for a file that is not an issue.

    `tokens`: the body already parsed by markdown() (issue_check.py parses it first), used
    here and changed in place."""
    doc = split_metadata(text)
    title = doc.meta.get("title", "").strip()
    if not title:
        raise ContentError("line 1: missing 'Title:' metadata")
    period = parse_period(doc.meta.get("period"))
    number = doc.meta.get("issue")
    if number is not None and not number.isdigit():
        raise ContentError(f"Issue: {number!r} is not a whole number")
    layout = doc.meta.get("layout", "weekly").strip().lower() or "weekly"
    if layout not in LAYOUTS:
        raise ContentError(f"Layout: {layout!r} is not one of {', '.join(LAYOUTS)}")
    # It names a folder, feeds and a List-Id: a name, never a path or header text.
    series = series_of(layout, doc.meta.get("series"))
    if not is_name(series):
        raise ContentError(
            f"Series: {doc.meta.get('series')!r} is not a series name; use {NAME_RULE}"
        )

    md = markdown()
    tokens = md.parse(doc.body) if tokens is None else tokens
    labels = {rule.key: rule.title for rule in sections}
    intro: list[Token] = []
    groups: list[list[Token]] = []
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2":
            groups.append([])
        (groups[-1] if groups else intro).append(token)

    intro_html = md.renderer.render(intro, md.options, {}) if intro else ""
    sections: list[EditionSection] = []
    days: list[EditionDay] = []
    report = None
    if layout == "report":
        end = period.end if period else _day_or_none(doc.meta.get("date"))
        reference = end + timedelta(days=3) if end else None
        report, rows = _report(tokens, sources, doc.body_line, reference, doc.meta.get("summary"))
        read = [(report, rows)]
        # The whole report is its intro: the email edition shows it as one block.
        intro_html = _report_text_html(report)
        page = _report_html(report)
        summary = report.summary_text
        links = list(report.links)
    elif layout == "daily":
        read = [_day(g, sources, doc.body_line) for g in groups]
        days = [d for d, _ in read]
        page = _daily_html(intro_html, days)
        summary = doc.meta.get("summary") or _daily_summary(days)
        links = [link for d in days for link in d.links]
    else:
        # "On February 4" is read against the period's end (or the Date), three
        # days on for a report published late; an issue naming neither dates no item.
        end = period.end if period else _day_or_none(doc.meta.get("date"))
        reference = end + timedelta(days=3) if end else None
        read = [_section(g, labels, sources, doc.body_line, reference) for g in groups]
        sections = [s for s, _ in read]
        page = _page_html(intro_html, sections)
        summary = doc.meta.get("summary") or "; ".join(s.headline for s in sections)
        links = [link for s in sections for link in s.links]
    return Edition(
        title=title,
        slug=slug,
        number=int(number) if number else None,
        period=period,
        layout=layout,
        intro_html=intro_html,
        sections=tuple(sections),
        incidents=tuple(i for _, rows in read for i in rows),
        html=page,
        summary=" ".join(summary.split()),
        unknown_links=unknown_links(links, sources),
        days=tuple(days),
        series=series,
        report=report,
    )


def unknown_links(links: Sequence[Link], sources: Sequence[Source]) -> tuple[Link, ...]:
    """Web links that credit no configured source (`digest check` warns about them)."""
    return tuple(
        link
        for link in links
        if link.url.startswith(("http://", "https://")) and source_for(link.url, sources) is None
    )


def _body_items(
    body: list[Token], sources: Sequence[Source], offset: int, reference: date | None
) -> tuple[list[Link], list[EditionItem], list[Incident]]:
    """A section's or a report's body read in order: every link (each cites a source),
    every paragraph as an item (dated, its direction set and its left-to-right runs
    isolated; its HTML kept on its token for _body_html), every incident table's rows."""
    md = markdown()
    links: list[Link] = []
    items: list[EditionItem] = []
    incidents: list[Incident] = []
    for i, token in enumerate(body):
        if token.type == "table_open":
            incidents.extend(incident_table.mark_table(body, i, _plain))
        if token.type != "inline":
            continue
        own = links_of(token, offset)
        links.extend(own)
        if body[i - 1].type == "paragraph_open" and not incident_table.is_table_note(body, i):
            text = _plain(token.children or [])
            names = _names((link.url for link in own), sources)
            language = _set_direction(body[i - 1], text, names, sources)
            _isolate_ltr_runs(language, [token])
            day, named = event_day(text, reference) if reference else (None, None)
            html = md.renderer.renderInline(token.children or [], md.options, {})
            token.meta[_HTML_MADE] = html
            items.append(
                EditionItem(
                    day=day if named else None,
                    text=text,
                    html=html,
                    sources=names,
                    links=tuple(link.url for link in own),
                    language=language,
                )
            )
    return links, items, incidents


def _section(
    tokens: list[Token],
    labels: dict[str, str],
    sources: Sequence[Source],
    offset: int,
    reference: date | None,
) -> tuple[EditionSection, list[Incident]]:
    md = markdown()
    heading = tokens[1]  # heading_open, inline, heading_close
    line = offset + (heading.map[0] if heading.map else 0) + 1
    match = _KEY_SUFFIX.search(heading.content)
    raw_headline = heading.content[: match.start()] if match else heading.content
    key = match.group(1) if match else _slug(raw_headline)
    body = tokens[3:]

    takeaway_html = takeaway_text = ""
    for i, token in enumerate(body):
        if token.type == "inline" and body[i - 1].type == "paragraph_open":
            if _TAKEAWAY.match(token.content):
                rest = _TAKEAWAY.sub("", token.content, count=1)
                takeaway_html = md.renderInline(rest)
                takeaway_text = _plain(md.parseInline(rest)[0].children or [])
                del body[i - 1 : i + 2]
            break

    links, items, incidents = _body_items(body, sources, offset, reference)

    cited = _names((link.url for link in links), sources)
    body_html = _body_html(md, body)
    section = EditionSection(
        key=key,
        label=labels.get(key, key.replace("-", " ").title()),
        headline=_plain(md.parseInline(raw_headline.strip())[0].children or []),
        takeaway_html=takeaway_html,
        takeaway_text=takeaway_text,
        body_html=body_html,
        items=tuple(items),
        sources_cited=cited,
        links=tuple(links),
        line=line,
    )
    return section, incidents


def _names(urls: object, sources: Sequence[Source]) -> tuple[str, ...]:
    """Source names in order of first appearance, each once."""
    names: list[str] = []
    for url in urls:  # type: ignore[attr-defined]
        name = source_for(url, sources)
        if name and name not in names:
            names.append(name)
    return tuple(names)


# What is kept in an inline token's meta once made: (offset, its links), its HTML.
_LINKS_READ = "digest_links"
_HTML_MADE = "digest_html"


def links_of(inline: Token, offset: int) -> list[Link]:
    """The links of an inline token, each with its text and line. Kept on the token: the
    check reads every link of an issue, then parse_edition those of its paragraphs again
    (what changes the token later, bidi.isolate, changes neither address nor text)."""
    kept = inline.meta.get(_LINKS_READ)
    if kept is not None and kept[0] == offset:
        return list(kept[1])
    line = offset + (inline.map[0] if inline.map else 0) + 1
    found: list[Link] = []
    children = inline.children or []
    for i, child in enumerate(children):
        if child.type == "link_open":
            end = next(
                (j for j in range(i, len(children)) if children[j].type == "link_close"),
                len(children),
            )
            found.append(
                Link(
                    url=str(child.attrGet("href") or ""),
                    text=_plain(children[i + 1 : end]),
                    line=line,
                )
            )
    inline.meta[_LINKS_READ] = (offset, tuple(found))
    return found


def _plain(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


_RTL_LETTER = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
_HEBREW_LETTER = re.compile(r"[\u0590-\u05FF\uFB1D-\uFB4F]")
_LTR_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


def _right_to_left(text: str) -> bool:
    """Mostly Arabic/Hebrew-script letters (Arabic, Kurdish Sorani, Persian ...)."""
    if text.isascii() or _RTL_LETTER.search(text) is None:  # most: no letters to count
        return False
    return len(_RTL_LETTER.findall(text)) > len(_LTR_LETTER.findall(text))


def _set_direction(
    opening: Token, text: str, names: Sequence[str], sources: Sequence[Source]
) -> str | None:
    """dir (and, for right-to-left text, lang) on a paragraph or item; returns the lang.

    WeasyPrint ignores dir="auto", so right-to-left text says "rtl" outright. Its language
    is the one its sources share in DIGEST_SOURCES (Kurdish Sorani: "ckb"), else Arabic or
    Hebrew by script, so screen readers and fonts pick the right one.
    """
    if not _right_to_left(text):
        opening.attrSet("dir", "auto")
        return None
    declared = {s.language for s in sources if s.name in names and s.language}
    hebrew = len(_HEBREW_LETTER.findall(text)) * 2 > len(_RTL_LETTER.findall(text))
    language = declared.pop() if len(declared) == 1 else "he" if hebrew else "ar"
    opening.attrSet("dir", "rtl")
    opening.attrSet("lang", language)
    return language


def _isolate_ltr_runs(language: str | None, inlines: Sequence[Token]) -> None:
    """In a right-to-left paragraph or item, each left-to-right run (an outlet's name, a
    date, a number) goes into <bdi dir="ltr"> (render/bidi.py); others are left as written."""
    if language is None:
        return
    for inline in inlines:
        inline.children = bidi.isolate(inline.children or [])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _body_html(md: MarkdownIt, body: list[Token]) -> str:
    """A section's or a day's body; its tables scroll sideways in a narrow window, and the
    incident table is captioned."""
    return (
        _render(md, body)
        .replace(
            '<table class="incidents">',
            '<div class="table-wrap"><table class="incidents">\n'
            "<caption>Security incidents</caption>",
        )
        .replace("</table>", "</table></div>")
    )


def _render(md: MarkdownIt, tokens: list[Token]) -> str:
    """md.renderer.render(tokens, md.options, {}): the same loop over the tokens, but an
    inline token whose HTML _body_items kept (renderInline of the same children) is not
    rendered again: the paragraphs' HTML is a section's largest part, and each item holds
    its own."""
    renderer, options, env = md.renderer, md.options, {}
    rules = renderer.rules
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "inline":
            if token.children:
                done = token.meta.get(_HTML_MADE)
                out.append(
                    done
                    if done is not None
                    else renderer.renderInline(token.children, options, env)
                )
        elif token.type in rules:
            out.append(rules[token.type](tokens, i, options, env))
        else:
            out.append(renderer.renderToken(tokens, i, options, env))
    return "".join(out)


def _page_html(intro_html: str, sections: Sequence[EditionSection]) -> str:
    """The issue body with the stable hooks: ul.key-takeaways, section.digest-section ..."""
    esc = html.escape
    takeaways = [
        f'<li dir="auto"><strong class="takeaway-headline">{esc(s.headline)}</strong>'
        + (f" – {fold_after_lead(s.takeaway_html)}" if s.takeaway_html else "")
        + f' <a class="more" href="#{esc(s.key)}">more…</a></li>'
        for s in sections
    ]
    blocks = [
        _Block(
            "digest-section",
            s.key,
            s.headline,
            s.body_html,
            s.sources_cited,
            "Sources cited in this section include:",
            label=f'<p class="section-label">{esc(s.label)}</p>\n',
        )
        for s in sections
    ]
    nav = ("key-takeaways-box", "key-takeaways-title", "Key Takeaways", "key-takeaways")
    return _page(intro_html, nav, takeaways, blocks)


@dataclass(frozen=True)
class _Block:
    """A section of a weekly issue or a day of a daily one, as the page shows it."""

    css: str
    key: str
    heading: str
    body_html: str
    cited: tuple[str, ...]
    cited_intro: str
    label: str = ""  # HTML above the heading


def _page(
    intro_html: str, nav: tuple[str, str, str, str], entries: list[str], blocks: list[_Block]
) -> str:
    """Intro, a box listing the blocks (nav class, its heading's id and text, the list's
    class), then each block with its heading, body and the sources it cites."""
    esc = html.escape
    box, title_id, title, list_class = nav
    out = [intro_html] if intro_html else []
    if blocks:
        out.append(
            f'<nav class="{box}" aria-labelledby="{title_id}">\n'
            f'<h2 id="{title_id}">{title}</h2>\n<ul class="{list_class}">'
        )
        out.extend(entries)
        out.append("</ul>\n</nav>")
    for b in blocks:
        key = esc(b.key)
        out.append(
            f'<section class="{b.css}" id="{key}" aria-labelledby="{key}-title">\n'
            f'{b.label}<h2 id="{key}-title" dir="auto">{esc(b.heading)}</h2>\n'
            f"{b.body_html}"
        )
        if b.cited:
            out.append(f'<p class="sources-cited">{b.cited_intro} {esc(", ".join(b.cited))}.</p>')
        out.append("</section>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- daily layout


def _day(
    tokens: list[Token], sources: Sequence[Source], offset: int
) -> tuple[EditionDay, list[Incident]]:
    """One `## February 1, 2024 {#2024-02-01}` heading and what follows it.

    Each top-level list item is an item (numbered when the list is), and so is a paragraph
    outside a list; links anywhere cite sources. The top-level numbered list gets the
    `daily-items` class.
    """
    md = markdown()
    heading = tokens[1]  # heading_open, inline, heading_close
    line = offset + (heading.map[0] if heading.map else 0) + 1
    match = _DAY_SUFFIX.search(heading.content)
    try:
        day = date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        day = None
    if day is None:
        raise ContentError(
            f"line {line}: in a daily digest every '##' heading ends with its day, "
            "e.g. '## February 1, 2024 {#2024-02-01}'"
        )
    raw_heading = heading.content[: match.start()].strip() if match else ""
    title = _plain(md.parseInline(raw_heading)[0].children or []) if raw_heading else ""
    body = tokens[3:]

    links: list[Link] = []
    items: list[EditionItem] = []
    incidents: list[Incident] = []
    lists: list[list[int]] = []  # open lists: [next number] when ordered, [] when not
    item: list[Token] | None = None  # the inline tokens of the top-level item being read
    opening = Token("list_item_open", "li", 1)  # that item's <li>
    for i, token in enumerate(body):
        if token.type in ("ordered_list_open", "bullet_list_open"):
            ordered = token.type == "ordered_list_open"
            start = str(token.attrGet("start") or "1")
            lists.append([int(start) if start.isdigit() else 1] if ordered else [])
            if ordered and len(lists) == 1:
                token.attrSet("class", "daily-items")
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and len(lists) == 1:
            item, opening = [], token
        elif token.type == "list_item_close" and len(lists) == 1:
            counter = lists[-1]
            number = counter[0] if counter else None
            if counter:
                counter[0] += 1
            items.append(_daily_item(item or [], opening, day, number, sources, offset))
            item = None
        elif token.type == "table_open":
            incidents.extend(incident_table.mark_table(body, i, _plain))
        elif token.type == "inline":
            links.extend(links_of(token, offset))
            if item is not None:
                item.append(token)
            elif body[i - 1].type == "paragraph_open" and not incident_table.is_table_note(body, i):
                items.append(_daily_item([token], body[i - 1], day, None, sources, offset))

    body_html = _body_html(md, body)
    found = EditionDay(
        key=day.isoformat(),
        day=day,
        heading=title or day_heading(day),
        body_html=body_html,
        items=tuple(items),
        sources_cited=_names((link.url for link in links), sources),
        links=tuple(links),
        line=line,
    )
    return found, incidents


def _daily_item(
    inlines: list[Token],
    opening: Token,
    day: date,
    number: int | None,
    sources: Sequence[Source],
    offset: int,
) -> EditionItem:
    """An item "**Title** ([Source](url)). Summary.": its title is the leading bold text."""
    md = markdown()
    if not inlines:  # an empty list item
        inlines = [Token("inline", "", 0, children=[])]
    text = " ".join(_plain(inline.children or []) for inline in inlines)
    urls = [link.url for inline in inlines for link in links_of(inline, offset)]
    names = _names(urls, sources)
    language = _set_direction(opening, text, names, sources)
    children = [c for c in (inlines[0].children or []) if c.content or c.type != "text"]
    title = None
    if children and children[0].type == "strong_open":
        end = next((j for j, c in enumerate(children) if c.type == "strong_close"), 0)
        title = _plain(children[1:end]) or None
    _isolate_ltr_runs(language, inlines)  # after the title is read from the first tokens
    return EditionItem(
        day=day,
        text=" ".join(text.split()),
        html=" ".join(
            md.renderer.renderInline(inline.children or [], md.options, {}) for inline in inlines
        ),
        sources=names,
        links=tuple(urls),
        title=title,
        number=number,
        language=language,
    )


def _daily_summary(days: Sequence[EditionDay]) -> str:
    """ "43 items on 9 days: <the three stories told by most outlets>"."""
    items = [item for day in days for item in day.items]
    if not items:
        return ""
    top = sorted(items, key=lambda item: -len(item.sources))[:3]  # stable: reading order
    titles = "; ".join((item.title or item.text).rstrip(".") for item in top)
    count = f"{len(items)} item{'' if len(items) == 1 else 's'}"
    return f"{count} on {len(days)} day{'' if len(days) == 1 else 's'}: {titles}"


def _daily_html(intro_html: str, days: Sequence[EditionDay]) -> str:
    """The month page with its hooks: nav.toc, section.digest-day[id], ol.daily-items > li."""
    esc = html.escape
    contents = [
        f'<li><a href="#{esc(d.key)}">{esc(d.heading)}</a> '
        f'<span class="toc-count">({len(d.items)} item{"" if len(d.items) == 1 else "s"})'
        "</span></li>"
        for d in days
    ]
    blocks = [
        _Block(
            "digest-day",
            d.key,
            d.heading,
            d.body_html,
            d.sources_cited,
            "Sources cited on this day:",
        )
        for d in days
    ]
    return _page(intro_html, ("toc", "toc-title", "Contents", "toc-days"), contents, blocks)


# --------------------------------------------------------------------------- report layout


def _report(
    tokens: list[Token],
    sources: Sequence[Source],
    offset: int,
    reference: date | None,
    summary_header: str | None,
) -> tuple[EditionReport, list[Incident]]:
    """A situation report: its summary paragraph (the `Summary:` header, else the first
    paragraph before any heading, taken out of the body), then the body as written. Every
    heading gets an id (its `{#id}`, else one made from its text); every paragraph is an
    item; every link cites a source."""
    md = markdown()
    body = list(tokens)
    summary_html = summary_text = ""
    links: list[Link] = []  # the summary's first: it is read first
    if summary_header and summary_header.strip():
        inline = md.parseInline(summary_header.strip())[0]
        summary_html = md.renderer.renderInline(inline.children or [], md.options, {})
        summary_text = _plain(inline.children or [])
        links = [Link(url=link.url, text=link.text, line=1) for link in links_of(inline, 0)]
    else:
        first = _first_paragraph(body)
        if first is not None:
            inline = body[first + 1]
            summary_html = md.renderer.renderInline(inline.children or [], md.options, {})
            summary_text = _plain(inline.children or [])
            links = links_of(inline, offset)
            del body[first : first + 3]
    _heading_ids(body)
    body_links, items, incidents = _body_items(body, sources, offset, reference)
    links.extend(body_links)
    report = EditionReport(
        summary_html=summary_html,
        summary_text=summary_text,
        body_html=_body_html(md, body),
        items=tuple(items),
        sources_cited=_names((link.url for link in links), sources),
        links=tuple(links),
    )
    return report, incidents


def _first_paragraph(body: list[Token]) -> int | None:
    """The index of the first top-level paragraph's opening, when no heading comes first."""
    for i, token in enumerate(body):
        if token.type == "heading_open":
            return None
        if token.type == "paragraph_open" and token.level == 0:
            return i
    return None


def _heading_ids(body: list[Token]) -> None:
    """An id on every heading (its `{#id}`, written or made from its text, each once) and
    dir="auto": a report's headings are its own, not DIGEST_SECTIONS keys."""
    seen: set[str] = set()
    for i, token in enumerate(body):
        if token.type != "heading_open":
            continue
        inline = body[i + 1]
        # The same `{#id}` a weekly section's heading takes; anything else is its text.
        match = _KEY_SUFFIX.search(inline.content)
        if match:
            inline.content = inline.content[: match.start()]
            inline.children = markdown().parseInline(inline.content)[0].children
        written = match.group(1) if match else ""
        wanted = written or _slug(_plain(inline.children or []))
        key, n = wanted, 2
        while key in seen or key in _RESERVED_IDS:
            key, n = f"{wanted}-{n}", n + 1
        seen.add(key)
        token.attrSet("id", key)
        token.attrSet("dir", "auto")


# Ids the page itself uses: a report heading must not take one.
_RESERVED_IDS = frozenset({"report", "main", "feeds", "subscribe-title", "feeds-title"})


def _report_text_html(report: EditionReport) -> str:
    """The report as one block of text (summary, then body), without the sources line."""
    summary = (
        f'<p class="report-summary" dir="auto">{report.summary_html}</p>\n'
        if report.summary_html
        else ""
    )
    return summary + report.body_html


def _report_html(report: EditionReport) -> str:
    """The report's page body with its hooks: section.digest-report#report holding
    p.report-summary, the body and p.sources-cited."""
    out = [
        '<section class="digest-report" id="report" aria-label="Report">',
        _report_text_html(report).rstrip("\n"),
    ]
    if report.sources_cited:
        names = html.escape(", ".join(report.sources_cited))
        out.append(f'<p class="sources-cited">Sources cited in this report include: {names}.</p>')
    out.append("</section>")
    return "\n".join(out) + "\n"
