"""Series on the site: each kind of issue (weekly, daily, report, or a `Series:` of the
editor's) with its own archive, its own neighbours and its own feeds (feeds.py). A site
of one series has no series pages or feeds (its archive and feeds are the series').

- `series/<name>/` (and `page/N/`, DEFAULT_PAGINATION a page): the series' issues, newest
  first, each with its number or kind, its period and its summary (a report's first
  sentence). Paginated like the index, so always written.
- Previous and next issue links stay within the issue's series: a weekly issue's "Next
  issue" is the next weekly issue, never the month page published after it.
- Feeds per series (feeds.py writes them): FEED_SERIES_ATOM, FEED_SERIES_RSS and
  FEED_SERIES_JSON, paths with `{series}` (default `feeds/<series>.atom.xml`, `.rss.xml`,
  `.json`; None drops one).
- Templates get DIGEST_SERIES: every series (name, title, url, issues newest first,
  latest, count, feeds: {atom, rss, json} absolute URLs), the oldest series first (the
  one a team started with, usually its flagship), so the front page leads with it and not
  with whatever was dated last. On a site with more than one series, each issue carries
  `digest_series` (the page names its series above the title, and so does its PDF); on a
  site with one, its pages stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pelican.generators import Generator

from digest.errors import RenderError
from digest.render.series import series_title
from digest.text.sentences import sentences

SERIES_URL = "series/"
TEMPLATE = "series"
CONTEXT_KEY = "DIGEST_SERIES"
FEED_PATHS = {
    "atom": ("FEED_SERIES_ATOM", "feeds/{series}.atom.xml"),
    "rss": ("FEED_SERIES_RSS", "feeds/{series}.rss.xml"),
    "json": ("FEED_SERIES_JSON", "feeds/{series}.json"),
}


@dataclass
class SeriesPage:
    """One series: its issues, newest first."""

    name: str
    issues: list[Any] = field(default_factory=list)  # Pelican Articles carrying .digest
    feeds: dict[str, str | None] = field(default_factory=dict)  # kind -> absolute URL

    @property
    def title(self) -> str:
        return series_title(self.name)

    @property
    def url(self) -> str:
        return f"{SERIES_URL}{self.name}/"

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"

    @property
    def latest(self) -> Any:
        return self.issues[0]

    @property
    def count(self) -> int:
        return len(self.issues)


@dataclass(frozen=True)
class Shown:
    """What an issue page says of its series (and what its page's fingerprint holds)."""

    name: str
    title: str
    url: str


def several(pages: list[SeriesPage]) -> bool:
    """Whether the site has series to tell apart: pages and feeds per series, kickers."""
    return len(pages) > 1


def newest_first(articles: list[Any]) -> list[Any]:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def series_pages(articles: list[Any]) -> list[SeriesPage]:
    """Every series with a published issue, the one whose first issue is oldest first
    (then by name)."""
    found: dict[str, SeriesPage] = {}
    for article in newest_first(articles):
        name = article.digest.series
        found.setdefault(name, SeriesPage(name)).issues.append(article)
    return sorted(found.values(), key=lambda s: (s.issues[-1].date, s.issues[-1].slug, s.name))


def feed_paths(settings: dict[str, Any], name: str) -> dict[str, str | None]:
    """The series' feed files (relative to the output folder) by kind; None: switched off.
    A path that is already another feed's (a series called "feed" and FEED_ALL_JSON) is
    refused: one would overwrite the other."""
    taken = {
        settings.get(key): key
        for key in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ALL_JSON")
        if settings.get(key)
    }
    paths: dict[str, str | None] = {}
    for kind, (key, default) in FEED_PATHS.items():
        pattern = settings.get(key, default)
        if pattern and "{series}" not in pattern:
            raise RenderError(f"{key}: {pattern!r} must contain {{series}}")
        path = pattern.format(series=name) if pattern else None
        if path in taken:
            raise RenderError(
                f"series '{name}': its feed {path} would overwrite {taken[path]}; "
                f"rename the series or change {key}"
            )
        paths[kind] = path
    return paths


def link_series(generator: Any) -> None:
    """`article_generator_finalized`: each issue's newer_issue and older_issue within its
    series, its `digest_series` on a site of several series, and DIGEST_SERIES.

    Set once here: a template loop over `articles` per issue page is quadratic in the archive.
    """
    issues = [a for a in generator.articles if getattr(a, "digest", None)]
    pages = series_pages(issues)
    base = str(generator.settings.get("SITEURL") or "").rstrip("/")
    for page in pages:
        paths = feed_paths(generator.settings, page.name).items()
        page.feeds = {kind: f"{base}/{path}" if path else None for kind, path in paths}
        shown = Shown(page.name, page.title, page.url) if several(pages) else None
        for index, article in enumerate(page.issues):
            # Pelican formats a URL and an output path from the settings on every access (a
            # dozen per issue per build in the lists, four for the path); its own
            # override_url and override_save_as keep the ones it formatted.
            article.override_url = article.url
            article.override_save_as = article.save_as
            article.newer_issue = page.issues[index - 1] if index > 0 else None
            article.older_issue = page.issues[index + 1] if index + 1 < page.count else None
            article.digest_series = shown
    generator.context[CONTEXT_KEY] = pages


def first_sentence(text: str) -> str:
    """A report's summary as a listing shows it: its first sentence."""
    found = sentences(str(text))
    return found[0] if found else str(text)


def write_series_pages(generator: Generator, writer: Any) -> None:
    """`series/<name>/`, paginated as the index is (PAGINATION_PATTERNS)."""
    settings = generator.settings
    # A copy, not Pelican's shared default: "series" paginates like "index".
    settings["PAGINATED_TEMPLATES"] = {**settings["PAGINATED_TEMPLATES"], TEMPLATE: None}
    pages = generator.context.get(CONTEXT_KEY) or []
    if not several(pages):
        return
    template = generator.get_template(TEMPLATE)
    for page in pages:
        writer.write_file(
            page.save_as,
            template,
            generator.context,
            relative_urls=settings.get("RELATIVE_URLS", False),
            paginated={"articles": page.issues},
            template_name=TEMPLATE,
            url=page.url,
            digest_series_page=page,
        )
