"""Per-issue exports beside each issue page (issue.json, incidents.csv) and the JSON Feed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from digest.models import Edition
from digest.pelican_plugin.reader import settings_for

SCHEMA = "https://digest.example/schema/issue/1"


def issue_json(edition: Edition, url: str) -> dict[str, Any]:
    """The documented issue.json (see README: "issue.json")."""
    cited: list[str] = []
    for part in (*edition.sections, *edition.days):
        cited.extend(name for name in part.sources_cited if name not in cited)
    period = edition.period
    return {
        "schema": SCHEMA,
        "title": edition.title,
        "slug": edition.slug,
        "number": edition.number,
        "url": url,
        "layout": edition.layout,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if period
        else None,
        "summary": edition.summary,
        "takeaways": [
            {"section": s.key, "headline": s.headline, "text": s.takeaway_text, "href": f"#{s.key}"}
            for s in edition.sections
        ],
        "sections": [
            {
                "key": s.key,
                "title": s.label,
                "headline": s.headline,
                "takeaway": s.takeaway_text,
                "sources_cited": list(s.sources_cited),
                "items": [
                    {
                        "date": i.day.isoformat() if i.day else None,
                        "text": i.text,
                        "sources": list(i.sources),
                        "links": list(i.links),
                    }
                    for i in s.items
                ],
            }
            for s in edition.sections
        ],
        "days": [
            {
                "date": d.key,
                "heading": d.heading,
                "href": f"#{d.key}",
                "sources_cited": list(d.sources_cited),
                "items": [
                    {
                        "number": i.number,
                        "title": i.title,
                        "text": i.text,
                        "sources": list(i.sources),
                        "links": list(i.links),
                    }
                    for i in d.items
                ],
            }
            for d in edition.days
        ],
        "sources_cited": cited,
        "incidents": [
            {
                "date": i.day.isoformat(),
                "location": i.location,
                "deaths": i.deaths,
                "injuries": i.injuries,
            }
            for i in edition.incidents
        ],
    }


def incidents_csv(edition: Edition) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "location", "deaths", "injuries"])
    for i in edition.incidents:
        writer.writerow(
            [
                i.day.isoformat(),
                i.location,
                "" if i.deaths is None else i.deaths,
                "" if i.injuries is None else i.injuries,
            ]
        )
    return buffer.getvalue()


def absolute_anchors(content: str, page_url: str) -> str:
    """In-page links ("more…" -> #section) made absolute: feeds are read elsewhere."""
    return content.replace('href="#', f'href="{page_url}#')


def fix_feed_anchors(context: Any, feed: Any) -> None:
    for item in feed.items:
        for key in ("description", "content"):
            if item.get(key):
                item[key] = absolute_anchors(item[key], item["link"])


def json_feed(articles: list[Any], settings: dict[str, Any], site_url: str) -> dict[str, Any]:
    """JSON Feed 1.1 of issues, newest first, full content."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.get("SITENAME", ""),
        "home_page_url": site_url + "/",
        "feed_url": f"{site_url}/feeds/feed.json",
        "language": settings.get("DEFAULT_LANG", "en"),
        "items": [
            {
                "id": f"{site_url}/{a.url}",
                "url": f"{site_url}/{a.url}",
                "title": a.title,
                "content_html": absolute_anchors(a.content, f"{site_url}/{a.url}"),
                "summary": a.digest.summary,
                "date_published": a.date.isoformat(),
            }
            for a in articles[: settings.get("FEED_MAX_ITEMS") or None]
        ],
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_exports(generator: Any, writer: Any = None) -> None:
    settings = generator.settings
    site_url = settings_for(settings).site_url
    output = Path(settings["OUTPUT_PATH"])
    issues = [a for a in generator.articles if getattr(a, "digest", None) is not None]
    for article in issues:
        folder = output / Path(article.save_as).parent
        data = issue_json(article.digest, f"{site_url}/{article.url}")
        _write(folder / "issue.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        _write(folder / "incidents.csv", incidents_csv(article.digest))
    feed = json_feed(issues, settings, site_url)
    _write(output / "feeds" / "feed.json", json.dumps(feed, ensure_ascii=False, indent=2) + "\n")
