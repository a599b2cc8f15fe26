"""The site's pages beyond Pelican's own: sections across issues, series, 404, sitemap,
robots.txt.

- `sections/<key>/`: one section (Security, Politics ...) in the latest issues, newest
  first, from the Edition the reader attaches to each issue (`article.digest`), and
  `sections/<key>/<year>/`: that section in every issue of a year. Split by year so that
  a new issue rewrites only this year's pages, and no page grows with the archive.
  `sections/` lists the sections in DIGEST_SECTIONS order.
- `series/<name>/`: each series' archive (series.py), written before the sitemap.
- `404.html` with root-relative links: a host serves it at any missing address.
- `tags/`: the tags index, only when issues carry tags (Pelican writes `tags/<slug>/`).
- `sitemap.xml`: every HTML page this Pelican run wrote (but the 404 page and the
  previews of issues marked `Status: draft`), absolute URLs, sorted; `robots.txt` points
  to it and asks crawlers to keep out of the drafts' folder.
- Every file is written whole or not at all: the pages by Pelican's writer (atomic.py),
  sitemap.xml and robots.txt by digest.files.
- Templates get SITE_ABSOLUTE_URL (SITEURL itself is made relative per page by
  RELATIVE_URLS) for canonical and Open Graph links.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from digest import files
from digest.models import EditionSection
from digest.pelican_plugin import series
from digest.pelican_plugin.incremental import write_listing
from digest.pelican_plugin.reader import settings_for
from digest.render.endnotes import add_endnotes

SECTIONS_URL = "sections/"
SECTION_LATEST = 10  # issues on a section's own page; the rest on its year pages
NOT_FOUND_SAVE_AS = "404.html"
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"

# Output paths (relative to OUTPUT_PATH) of the HTML pages Pelican wrote in this run,
# filled from the content_written signal; reset when a run's generators are made.
_written: set[str] = set()


@dataclass
class SectionBlock:
    article: Any  # a Pelican Article carrying .digest (a StoredEdition)
    key: str

    @property
    def section(self) -> EditionSection:
        """Read only for the pages written: it unpacks the issue's stored Edition."""
        return next(s for s in self.article.digest.sections if s.key == self.key)


@dataclass
class SectionPage:
    """One section across issues; `blocks`: every issue's, newest first."""

    key: str
    title: str
    description: str | None
    blocks: list[SectionBlock] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{SECTIONS_URL}{self.key}/"

    def years(self) -> list[SectionYear]:
        """Newest year first."""
        years = dict.fromkeys(b.article.date.year for b in self.blocks)
        return [SectionYear(year, f"{self.url}{year}/") for year in years]

    def views(self) -> list[SectionView]:
        """The pages to write: the latest issues, then one per year."""
        years = self.years()
        latest = SectionView(self, None, self.url, self.blocks[:SECTION_LATEST], years)
        by_year = [
            SectionView(
                self,
                y.year,
                y.url,
                [b for b in self.blocks if b.article.date.year == y.year],
                years,
            )
            for y in years
        ]
        return [latest, *by_year]


@dataclass(frozen=True)
class SectionYear:
    year: int
    url: str


@dataclass
class SectionView:
    """What section.html shows: the section, which year (None: the latest issues), its blocks."""

    section: SectionPage
    year: int | None
    url: str
    blocks: list[SectionBlock]
    years: list[SectionYear]

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"

    @property
    def listing(self) -> tuple[list[Any], str]:
        """For the incremental writer: the issues shown, and the rest of what is shown."""
        # A year's page shows which years exist, not their counts: this year's next issue
        # must not rewrite every earlier year.
        total = len(self.section.blocks) if self.year is None else None
        extra = repr((self.year, [y.year for y in self.years], total))
        return [b.article for b in self.blocks], extra


def site_url(settings: dict[str, Any]) -> str:
    return str(settings.get("SITEURL") or "").rstrip("/")


def newest_first(articles: list[Any]) -> list[Any]:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def section_pages(articles: list[Any], rules: list[Any]) -> list[SectionPage]:
    """Each section key found in an issue, in DIGEST_SECTIONS order, then any others."""
    pages: dict[str, SectionPage] = {
        r.key: SectionPage(r.key, r.title, getattr(r, "description", None)) for r in rules
    }
    for article in newest_first(articles):
        edition = getattr(article, "digest", None)
        if edition is None:
            continue
        for key, label in edition.section_keys:
            page = pages.setdefault(key, SectionPage(key, label, None))
            page.blocks.append(SectionBlock(article, key))
    return [p for p in pages.values() if p.blocks]


def url_of(path: str) -> str:
    """The public URL path of an output file: "a/index.html" -> "a/"."""
    posix = PurePosixPath(path).as_posix()
    if posix == "index.html":
        return ""
    if posix.endswith("/index.html"):
        return posix[: -len("index.html")]
    return posix


def sitemap_xml(base: str, paths: set[str]) -> str:
    urls = sorted({url_of(p) for p in paths if p != NOT_FOUND_SAVE_AS})
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(f'{base}/{u}')}</loc></url>" for u in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(base: str, drafts: str | None = None) -> str:
    """`drafts`: the folder of the issues' previews (from DRAFT_URL), kept from crawlers."""
    rules = f"Disallow: /{drafts}\n" if drafts else ""
    return f"User-agent: *\n{rules}Allow: /\n\nSitemap: {base}/{SITEMAP_SAVE_AS}\n"


def drafts_folder(draft_url: str | None) -> str | None:
    """The fixed folder DRAFT_URL puts previews in: "drafts/{slug}/" -> "drafts/"."""
    folder = (draft_url or "").partition("{")[0]
    folder = folder[: folder.rfind("/") + 1]
    return folder.lstrip("/") or None


class DigestPagesGenerator(Generator):
    """Runs after the articles and pages generators (Pelican appends plugin generators)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _written.clear()

    def generate_context(self) -> None:
        articles = [a for a in self.context.get("articles", []) if getattr(a, "digest", None)]
        rules = list(settings_for(self.settings).sections)
        self.sections = section_pages(articles, rules)
        self.context["digest_sections"] = self.sections

    def generate_output(self, writer: Any) -> None:
        relative = self.settings.get("RELATIVE_URLS", False)
        series.write_series_pages(self, writer)
        template = self.get_template("section")
        for page in self.sections:
            for view in page.views():
                write_listing(
                    writer,
                    view.save_as,
                    template,
                    self.context,
                    listing=view.listing,
                    relative_urls=relative,
                    digest_section=page,
                    digest_view=view,
                    template_name="section",
                )
        writer.write_file(
            f"{SECTIONS_URL}index.html",
            self.get_template("sections"),
            self.context,
            relative_urls=relative,
            template_name="sections",
        )
        tags = self.context.get("tags") or []
        tags_save_as = self.settings.get("TAGS_SAVE_AS")
        if tags and tags_save_as and self.settings.get("TAG_SAVE_AS"):
            writer.write_file(
                tags_save_as,
                self.get_template("tags"),
                self.context,
                relative_urls=relative,
                template_name="tags",
            )
        base = site_url(self.settings)
        # A host serves 404.html at any missing address: links start from the site root.
        writer.write_file(
            NOT_FOUND_SAVE_AS,
            self.get_template("404"),
            self.context,
            relative_urls=False,
            template_name="404",
            SITEURL=urlsplit(base).path.rstrip("/"),
        )
        output = Path(self.output_path)
        if hasattr(writer, "flush"):
            writer.flush()  # the pages it holds (incremental.py) are in the sitemap too
        files.write_text(output / SITEMAP_SAVE_AS, sitemap_xml(base, _written))
        previews = self.settings.get("DRAFT_URL") if self.settings.get("DRAFT_SAVE_AS") else None
        files.write_text(output / ROBOTS_SAVE_AS, robots_txt(base, drafts_folder(previews)))


def remember_written(path: str, context: Any = None) -> None:
    if str(path).endswith(".html") and context is not None:
        if getattr(context.get("article"), "status", None) == "draft":
            return  # a preview: not a page of the published site
        output = context.get("OUTPUT_PATH")
        if output:
            _written.add(Path(os.path.relpath(path, output)).as_posix())


def link_section_labels(content: str, sections: Any, siteurl: str) -> Markup:
    """An issue body with each section's label ("Security") linked to its section page.
    `sections`: the edition's (key, label) pairs (`section_keys`) or its sections."""
    for section in sections:
        key, label = (section.key, section.label) if hasattr(section, "key") else section
        label = html.escape(label)
        old = f'<p class="section-label">{label}</p>'
        href = html.escape(f"{siteurl}/{SECTIONS_URL}{key}/")
        new = f'<p class="section-label"><a href="{href}">{label}</a></p>'
        content = content.replace(old, new, 1)
    return Markup(content)  # the reader's own HTML, with links of ours added


def endnotes(content: str) -> Markup:
    """The issue body with numbered endnotes for print (digest.render.endnotes)."""
    return Markup(add_endnotes(str(content)))  # the reader's own HTML, numbered


def prepare_templates(generator: Any) -> None:
    """Absolute site URL (canonical, Open Graph) and the theme's filter for every template."""
    generator.context["SITE_ABSOLUTE_URL"] = site_url(generator.settings)
    env = getattr(generator, "env", None)
    if env is not None:
        env.filters["digest_link_sections"] = link_section_labels
        env.filters["digest_endnotes"] = endnotes
        env.filters["digest_first_sentence"] = series.first_sentence
        # The theme's period macro uses it when present: one implementation, and the
        # lists of a large archive render faster than with the macro's own.
        env.filters.setdefault("period_title", settings_for(generator.settings).period_style.title)


def get_generators(pelican: Any) -> type[Generator]:
    return DigestPagesGenerator


def register() -> None:
    signals.generator_init.connect(prepare_templates)
    signals.article_generator_finalized.connect(series.link_series)
    signals.get_generators.connect(get_generators)
    signals.content_written.connect(remember_written)
