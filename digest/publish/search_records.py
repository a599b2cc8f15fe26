"""What the search index holds: a record per section of an issue, not a record per page.

Pagefind counts a filter's values per result, and a result is a record: with one record a
page, every section of an issue matched the Section filter ("cholera" in one Humanitarian
paragraph counted Politics (1), Economy (1) ...). So each built issue page is cut here
into records, one for each of its blocks, each a small HTML document Pagefind indexes:

- a weekly section (`section.digest-section`): its Key Takeaways bullet, label, headline,
  paragraphs and table; Section filter: its label ("Security");
- a day of a daily digest (`section.digest-day`) and a situation report's body
  (`section.digest-report`): no Section value (their series says what they are);
- the issue's header and any text before its first block go with its first record.

Every record carries the issue page's address as its `url` meta (Pagefind's UIs link a
result there; the headings inside it, with their ids, give the sub-results that jump to
the section), a title "<issue title> · <label>", and the Series filter when the page names
its series (a site of several series: pelican_plugin/series.py). A page without these
blocks (a theme of one's own) is one record, as it is. Pure: a page's HTML in, records out;
the markup read is the one edition.py and the theme write (`<html lang>`, h1.issue-title,
p.issue-series, ul.key-takeaways, the blocks above), with regular expressions, so a few
thousand pages are cut in a fraction of a second.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from digest.render import page_blocks

_HTML_LANG = re.compile(r'<html\b[^>]*\blang="([^"]*)"')
_ARTICLE = re.compile(r'<article class="issue"[^>]*>')
_LANG = re.compile(r'\blang="([^"]*)"')
_TITLE = re.compile(r'<h1 class="issue-title"[^>]*>(.*?)</h1>', re.DOTALL)
_PAGE_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_SERIES = re.compile(r'<p class="issue-series">(.*?)</p>', re.DOTALL)
_HEADER = re.compile(r'<header class="issue-header">(.*?)</header>', re.DOTALL)
_INTRO = re.compile(
    r'<div class="issue-body">(.*?)'
    r'(?=<nav class="(?:key-takeaways-box|toc)"|<section class="digest-)',
    re.DOTALL,
)
_TAKEAWAYS = re.compile(r'<ul class="key-takeaways">(.*?)</ul>', re.DOTALL)
_ITEM = re.compile(r"<li\b[^>]*>(.*?)</li>", re.DOTALL)
_MORE = re.compile(r'\s*<a class="more" href="#([^"]*)">.*?</a>', re.DOTALL)
_LABEL = re.compile(r'<p class="section-label">(.*?)</p>', re.DOTALL)
_HEADING = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Record:
    """One search result: what it says, where it leads, what it is filed under."""

    key: str  # the block's id ("security", "2024-02-04", "report"), unique on its page
    url: str  # the issue page's address, root-relative: "/issues/2024-02-08/"
    title: str
    language: str
    body: str  # HTML
    section: str | None = None
    series: str | None = None


def text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def page_url(relative: str) -> str:
    """The address Pagefind gives a page: "issues/x/index.html" -> "/issues/x/"."""
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative


def records(page: str, url: str) -> list[Record]:
    """The records of one built issue page; [] when it has none of the blocks."""
    blocks = [
        (opening.group(1), opening.group(2), page[opening.end() : end])
        for opening, end in page_blocks.blocks(page)
    ]
    if not blocks:
        return []
    article = _ARTICLE.search(page)
    own = _LANG.search(article.group(0)) if article else None
    found = own or _HTML_LANG.search(page)
    language = found.group(1) if found else "en"
    title_found = _TITLE.search(page) or _PAGE_TITLE.search(page)
    title = text(title_found.group(1)) if title_found else url
    series_found = _SERIES.search(page)
    series = text(series_found.group(1)) if series_found else None
    takeaways = {}
    listed = _TAKEAWAYS.search(page)
    for item in _ITEM.findall(listed.group(1) if listed else ""):
        more = _MORE.search(item)
        if more:
            takeaways[more.group(1)] = _MORE.sub("", item)
    header = _HEADER.search(page)
    intro = _INTRO.search(page)
    lead = (header.group(1) if header else "") + (intro.group(1) if intro else "")
    found_records = []
    for index, (kind, key, body) in enumerate(blocks):
        label = None
        if kind == "section":
            found_label = _LABEL.search(body)
            label = text(found_label.group(1)) if found_label else None
        elif kind == "day":
            heading = _HEADING.search(body)
            label = text(heading.group(1)) if heading else None
        if key in takeaways:  # under the headline: its sub-result leads to the section
            head, closing, rest = body.partition("</h2>")
            body = f"{head}{closing}\n<p>{takeaways[key]}</p>{rest}" if closing else body
        found_records.append(
            Record(
                key=key,
                url=url,
                title=f"{title} · {label}" if label else title,
                language=language,
                body=(lead if index == 0 else "") + body,
                section=label if kind == "section" else None,
                series=series,
            )
        )
    return found_records


def document(record: Record) -> str:
    """A record as the HTML document Pagefind indexes."""
    esc = html.escape
    metas = [
        f'<meta data-pagefind-meta="url[content]" content="{esc(record.url)}">',
        f'<meta data-pagefind-meta="title[content]" content="{esc(record.title)}">',
    ]
    if record.series:
        metas.append(
            f'<meta data-pagefind-filter="series[content]" content="{esc(record.series)}">'
        )
    if record.section:
        metas.append(
            f'<meta data-pagefind-filter="section[content]" content="{esc(record.section)}">'
        )
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(record.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(record.title)}</title>\n" + "\n".join(metas) + "\n</head>\n<body>\n"
        f"<main data-pagefind-body>\n{record.body}\n</main>\n</body>\n</html>\n"
    )
