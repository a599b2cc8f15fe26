"""Per-issue exports beside each issue page: issue.json and incidents.csv (feeds: feeds.py).

Each is written whole or not at all (digest.files)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from digest import files
from digest.models import Edition, EditionReport
from digest.pelican_plugin import parallel
from digest.pelican_plugin.reader import settings_for

SCHEMA = "https://digest.example/schema/issue/1"


def issue_json(edition: Edition, url: str) -> dict[str, Any]:
    """The documented issue.json (see README: "issue.json")."""
    cited: list[str] = []
    report = edition.report
    for part in (*edition.sections, *edition.days, *([report] if report else [])):
        cited.extend(name for name in part.sources_cited if name not in cited)
    period = edition.period
    return {
        "schema": SCHEMA,
        "title": edition.title,
        "slug": edition.slug,
        "number": edition.number,
        "url": url,
        "layout": edition.layout,
        "series": edition.series,
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
        "report": _report_json(report) if report else None,
        "sources_cited": cited,
        "incidents": [
            {
                "date": i.day.isoformat(),
                "location": i.location,
                "deaths": i.deaths,
                "injuries": i.injuries,
                "kind": i.kind or None,
            }
            for i in edition.incidents
        ],
    }


def _report_json(report: EditionReport) -> dict[str, Any]:
    """A situation report's summary and paragraphs (a weekly issue's and a month page's
    "report" is null)."""
    return {
        "summary": report.summary_text,
        "sources_cited": list(report.sources_cited),
        "items": [
            {
                "date": i.day.isoformat() if i.day else None,
                "text": i.text,
                "sources": list(i.sources),
                "links": list(i.links),
            }
            for i in report.items
        ],
    }


def incidents_csv(edition: Edition) -> str:
    """One row per incident; a `kind` column only when some row has a kind, so a table
    without a Kind column keeps the four columns its readers already parse."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    kinds = any(i.kind for i in edition.incidents)
    writer.writerow(["date", "location", "deaths", "injuries", *(["kind"] if kinds else [])])
    for i in edition.incidents:
        writer.writerow(
            [
                i.day.isoformat(),
                i.location,
                "" if i.deaths is None else i.deaths,
                "" if i.injuries is None else i.injuries,
                *([i.kind] if kinds else []),
            ]
        )
    return buffer.getvalue()


def write_exports(generator: Any, writer: Any = None) -> None:
    settings = generator.settings
    site_url = settings_for(settings).site_url
    output = Path(settings["OUTPUT_PATH"])
    issues = [a for a in generator.articles if getattr(a, "digest", None) is not None]
    skipping = getattr(writer, "unchanged", None)  # digest build's incremental writer
    if hasattr(writer, "flush"):
        writer.flush()  # the issue pages it holds come first, as Pelican would write them
    jobs: list[tuple[Any, list[Path], str | None]] = []
    for article in issues:
        folder = output / Path(article.save_as).parent
        outputs = [folder / "issue.json", folder / "incidents.csv"]
        key = None
        if skipping:
            current, key = writer.unchanged(outputs, article)
            if current:
                continue
        jobs.append((article, outputs, key))

    def write(job: tuple[Any, list[Path], str | None]) -> None:
        _write_exports(job[0], job[1], site_url)

    if parallel.worth_it(len(jobs)):  # a full build: both CPUs
        parallel.write_in_two(jobs, write)
    else:
        for job in jobs:
            write(job)
    if skipping:
        for _, outputs, key in jobs:
            writer.recorded(outputs, key)


def _write_exports(article: Any, outputs: list[Path], site_url: str) -> None:
    data = issue_json(article.digest, f"{site_url}/{article.url}")
    if hasattr(article, "digest_audio"):  # DIGEST_AUDIO is on (audio.py)
        audio = article.digest_audio
        data["audio"] = audio.as_json(site_url) if audio is not None else None
    # One line: json's C encoder does not indent, and 520 indented files take a second.
    files.write_text(outputs[0], json.dumps(data, ensure_ascii=False) + "\n")
    files.write_text(outputs[1], incidents_csv(article.digest))
