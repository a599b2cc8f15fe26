"""The feeds: what every feed entry carries, the JSON Feed, a feed per section and per series.

Pelican writes the Atom and RSS feeds of issues (FEED_ALL_ATOM, FEED_ALL_RSS); `polish` runs
on each before it is written, and gives it the site's language (DEFAULT_LANG: `xml:lang` on
Atom's feed element, `<language>` in RSS). digest writes the rest after the articles:

- FEED_ALL_JSON: JSON Feed 1.1 of issues;
- FEED_SERIES_ATOM, FEED_SERIES_RSS, FEED_SERIES_JSON (paths with `{series}`, see
  series.py): on a site of several series, each series' issues alone, the Atom and RSS
  through Pelican's own writer, so their entries are the main feeds' entries, ids included;
- FEED_SECTION_ATOM, FEED_SECTION_RSS, FEED_SECTION_JSON (paths with `{key}`): one feed per
  DIGEST_SECTIONS key that has appeared in an issue; an entry is that section of one issue
  (its headline, its HTML, a link to <issue URL>#<key>).

Every entry's content is the issue's own HTML passed once more through the sources'
allow-list (collect/sanitize.py) widened to the page's own structure (no script, style,
event handlers or javascript: links; feeds are read far from our site) with every link
made absolute against the issue's URL. Ids never change on a rebuild: Atom and
RSS keep Pelican's tag: URI of the issue (tag:<host>,<date>:<path>), a section entry adds
`#<key>`; the JSON Feed uses the URL. Dates are the issue's Date (published) and Modified,
else Date (updated), so a feed's bytes depend on the content only; an empty feed's date is
the build's clock (DIGEST_NOW: SOURCE_DATE_EPOCH when set). Every feed file is written
whole or not at all: Pelican's Atom and RSS through its writer (atomic.py), digest's own
through digest.files.

Templates get DIGEST_SECTION_FEEDS: [{key, title, atom, rss, json}], absolute URLs (None
for a format that is switched off), one per section that has a feed, in DIGEST_SECTIONS
order.
"""

from __future__ import annotations

import functools
import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from feedgenerator import Atom1Feed, Rss201rev2Feed, get_tag_uri
from markupsafe import Markup
from pelican import signals

from digest import files
from digest.collect.sanitize import CONTENT
from digest.errors import RenderError
from digest.models import EditionSection
from digest.pelican_plugin.pages import newest_first
from digest.pelican_plugin.reader import settings_for
from digest.pelican_plugin.series import CONTEXT_KEY as SERIES_KEY
from digest.pelican_plugin.series import SeriesPage, feed_paths, several

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CONTEXT_KEY = "DIGEST_SECTION_FEEDS"
# The issue page's own structure may stay (headings, sections, classes, ids), nothing more.
FEED = CONTENT.widened(
    {"h2", "section", "nav", "header", "footer", "article", "aside", "bdi"},
    {"*": {"id", "class"}},
    link_rel=None,
)


@functools.lru_cache(maxsize=1024)
def feed_html(html: str, page_url: str) -> str:
    """`html` safe for a feed: allow-listed, and every link absolute against `page_url`.

    Cached: the same issue or section goes into the Atom, RSS and JSON feeds.
    """
    return FEED.clean(html, page_url)


def _settle_empty_feed(feed: Any, settings: dict[str, Any]) -> None:
    """feedgenerator dates a feed without entries by the system's clock: use the build's
    (DIGEST_NOW), when Pelican was not run by hand."""
    now = settings.get("DIGEST_NOW")
    if not feed.items and now is not None:
        feed.latest_post_date = lambda: now


def polish(context: Any, feed: Any) -> None:
    """Pelican's `feed_generated`: safe absolute content, stable ids, an author everywhere,
    the site's language."""
    if not feed.feed.get("language"):
        feed.feed["language"] = context.get("DEFAULT_LANG") or None
    # A series feed's title as a section feed's reads ("Monitor – Weekly issues"): Pelican
    # joins a feed's own title to the site's name with a hyphen.
    sitename = str(context.get("SITENAME") or "")
    if sitename and str(feed.feed.get("title", "")).startswith(f"{sitename} - "):
        feed.feed["title"] = f"{sitename} – " + feed.feed["title"][len(sitename) + 3 :]
        # Its own id, as a section feed's: the home page is the id of the feed of all issues.
        feed.feed["id"] = feed.feed.get("feed_url") or feed.feed["id"]
    author = context.get("AUTHOR") or context.get("SITENAME") or "unknown"
    for item in feed.items:
        for key in ("description", "content"):
            if item.get(key):
                item[key] = feed_html(item[key], item["link"])
        if not item.get("author_name"):
            item["author_name"] = author
        if isinstance(feed, Rss201rev2Feed) and str(item.get("unique_id")).startswith("tag:"):
            item["unique_id_is_permalink"] = False
    _settle_empty_feed(feed, context)


# --------------------------------------------------------------------------- the files


def _url(site_url: str, path: str) -> str:
    return f"{site_url}/{path}"


def _issue_url(site_url: str, article: Any) -> str:
    return _url(site_url, article.url)


def _author(article: Any, settings: dict[str, Any]) -> str:
    author = getattr(article, "author", None)
    return str(author) if author else settings.get("AUTHOR") or settings.get("SITENAME") or ""


def _updated(article: Any) -> datetime:
    return getattr(article, "modified", None) or article.date


def section_html(section: EditionSection) -> str:
    """A section as the issue page shows it below its headline: paragraphs, table, sources."""
    parts = []
    if section.takeaway_html:
        parts.append(f'<p class="takeaway">{section.takeaway_html}</p>')
    parts.append(section.body_html)
    if section.sources_cited:
        names = Markup.escape(", ".join(section.sources_cited))
        cited = f"Sources cited in this section include: {names}."
        parts.append(f'<p class="sources-cited">{cited}</p>')
    return "\n".join(parts)


def _write(output: Path, path: str, text: str) -> None:
    target = (output / path).resolve()
    if not target.is_relative_to(output.resolve()):
        raise RenderError(f"feeds: {path!r} is outside the output folder")
    files.write_text(target, text)  # whole or not at all: a feed reader never gets half


def _xml(feed: Any, settings: dict[str, Any]) -> str:
    _settle_empty_feed(feed, settings)
    return feed.writeString("utf-8")


def _json(feed: dict[str, Any]) -> str:
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def _json_path(settings: dict[str, Any]) -> str:
    return settings.get("FEED_ALL_JSON") or "feeds/feed.json"


def json_feed(
    articles: list[Any],
    settings: dict[str, Any],
    site_url: str,
    *,
    path: str | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """JSON Feed 1.1 of issues, newest first, full content; `path` and `label`: a series'
    feed and its title (default: FEED_ALL_JSON, the whole site)."""
    items = []
    for a in articles[: settings.get("FEED_MAX_ITEMS") or None]:
        url = _issue_url(site_url, a)
        items.append(
            {
                "id": url,
                "url": url,
                "title": a.title,
                "content_html": feed_html(a.content, url),
                "summary": a.digest.summary,
                "date_published": a.date.isoformat(),
                "date_modified": _updated(a).isoformat(),
                "authors": [{"name": _author(a, settings)}],
            }
        )
    title = settings.get("SITENAME", "")
    return {
        "version": JSON_FEED_VERSION,
        "title": f"{title} – {label}" if label else title,
        "home_page_url": site_url + "/",
        "feed_url": _url(site_url, path or _json_path(settings)),
        "description": settings.get("SITESUBTITLE") or "",
        "language": settings.get("DEFAULT_LANG", "en"),
        "authors": [{"name": settings.get("AUTHOR") or settings.get("SITENAME", "")}],
        "items": items,
    }


def _section_paths(settings: dict[str, Any], key: str) -> dict[str, str | None]:
    paths: dict[str, str | None] = {}
    for kind in ("atom", "rss", "json"):
        pattern = settings.get(f"FEED_SECTION_{kind.upper()}")
        if pattern and "{key}" not in pattern:
            raise RenderError(f"FEED_SECTION_{kind.upper()}: {pattern!r} must contain {{key}}")
        paths[kind] = pattern.format(key=key) if pattern else None
    return paths


def _has(article: Any, key: str) -> bool:
    return any(k == key for k, _ in article.digest.section_keys)


def has_section(articles: list[Any], key: str) -> bool:
    return any(_has(a, key) for a in articles)


def section_entries(
    articles: list[Any], key: str, limit: int | None
) -> list[tuple[Any, EditionSection]]:
    """That section of the newest `limit` issues that have it, newest issue first.

    Only those issues' stored Editions are unpacked.
    """
    having = [a for a in newest_first(articles) if _has(a, key)]
    return [(a, s) for a in having[:limit] for s in a.digest.sections if s.key == key]


def section_feeds(articles: list[Any], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """DIGEST_SECTION_FEEDS: the sections that have feeds, with their feeds' URLs."""
    site_url = settings_for(settings).site_url
    found = []
    for rule in settings_for(settings).sections:
        if not has_section(articles, rule.key):
            continue
        paths = _section_paths(settings, rule.key)
        if not any(paths.values()):
            continue
        urls = {kind: _url(site_url, p) if p else None for kind, p in paths.items()}
        found.append({"key": rule.key, "title": rule.title, **urls})
    return found


def _section_xml(
    kind: str,
    label: str,
    url: str,
    entries: list[tuple[Any, EditionSection]],
    settings: dict[str, Any],
    site_url: str,
) -> str:
    feed_class = Atom1Feed if kind == "atom" else Rss201rev2Feed
    title = f"{settings.get('SITENAME', '')} – {label}"
    feed = feed_class(
        title=title,
        link=site_url + "/",
        feed_url=url,
        feed_guid=url,  # not the home page: that is the id of the feed of whole issues
        description=settings.get("SITESUBTITLE") or title,
        subtitle=settings.get("SITESUBTITLE") or None,
        language=settings.get("DEFAULT_LANG", "en"),
    )
    for article, section in entries:
        issue_url = _issue_url(site_url, article)
        content = feed_html(section_html(section), issue_url)
        feed.add_item(
            title=section.headline,
            link=f"{issue_url}#{section.key}",
            unique_id=f"{get_tag_uri(issue_url, article.date)}#{section.key}",
            unique_id_is_permalink=False if kind == "rss" else None,
            # RSS has one field for content; Atom gets the takeaway as its summary
            # (an Atom summary is type="html": the plain-text takeaway is escaped for it).
            description=content if kind == "rss" else html.escape(section.takeaway_text) or None,
            content=None if kind == "rss" else content,
            categories=[label],
            author_name=_author(article, settings),
            pubdate=article.date,
            updateddate=_updated(article),
        )
    return _xml(feed, settings)


def _section_json(
    label: str,
    url: str,
    entries: list[tuple[Any, EditionSection]],
    settings: dict[str, Any],
    site_url: str,
) -> dict[str, Any]:
    items = []
    for article, section in entries:
        issue_url = _issue_url(site_url, article)
        link = f"{issue_url}#{section.key}"
        items.append(
            {
                "id": link,
                "url": link,
                "title": section.headline,
                "content_html": feed_html(section_html(section), issue_url),
                "summary": section.takeaway_text,
                "date_published": article.date.isoformat(),
                "date_modified": _updated(article).isoformat(),
                "authors": [{"name": _author(article, settings)}],
                "tags": [label],
            }
        )
    return {
        "version": JSON_FEED_VERSION,
        "title": f"{settings.get('SITENAME', '')} – {label}",
        "home_page_url": site_url + "/",
        "feed_url": url,
        "description": settings.get("SITESUBTITLE") or "",
        "language": settings.get("DEFAULT_LANG", "en"),
        "authors": [{"name": settings.get("AUTHOR") or settings.get("SITENAME", "")}],
        "items": items,
    }


def offer_section_feeds(generator: Any) -> None:
    """`article_generator_finalized`: DIGEST_SECTION_FEEDS for every template."""
    issues = [a for a in generator.articles if getattr(a, "digest", None) is not None]
    generator.context[CONTEXT_KEY] = section_feeds(issues, generator.settings)


def write_feeds(generator: Any, writer: Any = None) -> None:
    """`article_writer_finalized`: the JSON Feed of issues and every section's feeds."""
    settings = generator.settings
    site_url = settings_for(settings).site_url
    output = Path(settings["OUTPUT_PATH"])
    issues = [a for a in generator.articles if getattr(a, "digest", None) is not None]
    if settings.get("FEED_ALL_JSON", "feeds/feed.json"):
        _write(output, _json_path(settings), _json(json_feed(issues, settings, site_url)))
    series = generator.context.get(SERIES_KEY) or []
    for page in series if several(series) else []:
        _series_feeds(page, generator, writer, site_url)
    limit = settings.get("FEED_MAX_ITEMS") or None
    for rule in settings_for(settings).sections:
        entries = section_entries(issues, rule.key, limit)
        if not entries:
            continue
        for kind, path in _section_paths(settings, rule.key).items():
            if not path:
                continue
            url = _url(site_url, path)
            if kind == "json":
                text = _json(_section_json(rule.title, url, entries, settings, site_url))
            else:
                text = _section_xml(kind, rule.title, url, entries, settings, site_url)
            _write(output, path, text)


def _series_feeds(page: SeriesPage, generator: Any, writer: Any, site_url: str) -> None:
    """One series' feeds: Atom and RSS as Pelican writes its own (polish included), JSON."""
    settings = generator.settings
    output = Path(settings["OUTPUT_PATH"])
    for kind, path in feed_paths(settings, page.name).items():
        if not path:
            continue
        if kind == "json":
            data = json_feed(page.issues, settings, site_url, path=path, label=page.title)
            _write(output, path, _json(data))
        elif writer is not None:
            writer.write_feed(
                page.issues, generator.context, path, feed_type=kind, feed_title=page.title
            )


def register() -> None:
    signals.feed_generated.connect(polish)
    signals.article_generator_finalized.connect(offer_section_feeds)
    signals.article_writer_finalized.connect(write_feeds)
