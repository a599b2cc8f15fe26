"""Issue -> Markdown: the draft the editor edits (templates/issue.md.j2, daily.md.j2 and,
for a situation report, report.md.j2).

The first comment carries a hash of the drafted text; while the file still matches it,
the editor has not touched it and a new draft may replace it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace

from digest.issues.classify import LOW_CONFIDENCE
from digest.issues.daily import LAYOUT as DAILY
from digest.issues.report import LAYOUT as REPORT
from digest.models import DraftDay, DraftOptions, DraftSection, Entry, Incident, Issue
from digest.periods import day_heading
from digest.render import incident_table
from digest.render import markdown as md
from digest.render.jinja import render
from digest.text.dateline import prefix_day

MARKER = "digest:draft"
_MARKER_LINE = re.compile(r"^<!-- " + MARKER + r" sha256:([0-9a-f]{64}) .*-->\n", re.M)
_LATIN = re.compile(r"[A-Za-z]")


def paragraph(entry: Entry) -> str:
    """ "On February 4, <text> ([Source](url), [Other](url))." in escaped Markdown.

    Every English paragraph opens with its day (dateline.prefix_day: a leading date phrase
    is replaced, the sentence's own phrase for that day dropped, "Around" -> "around").
    """
    text = entry.text.strip().rstrip(".")
    # An English date phrase in front of Arabic text would read backwards: leave it be.
    if _LATIN.match(text):
        text = prefix_day(text, entry.day)
    cites = ", ".join(f"[{md.escape(c.source)}]({md.url(c.url)})" for c in entry.citations)
    return md.escape(text) + (f" ({cites})." if cites else ".")


def daily_item(entry: Entry) -> str:
    """ "**Title** ([Source](url), [Other](url)). Summary." in escaped Markdown.

    Read as plain text it is the daily contract "Title (Source, Other). Summary."; an
    outlet whose item had no link is named without one.
    """
    title = md.escape(entry.title.strip().rstrip(".;:,").strip()) or "Untitled"
    cites = ", ".join(
        f"[{md.escape(c.source)}]({md.url(c.url)})" if c.url else md.escape(c.source)
        for c in entry.citations
    )
    line = f"**{title}**" + (f" ({cites})." if cites else ".")
    summary = md.escape(entry.text.strip())
    if summary and summary[-1] not in ".!?؟…":
        summary += "."
    return f"{line} {summary}" if summary else line


def _day(day: DraftDay) -> dict[str, object]:
    return {
        "key": day.day.isoformat(),
        "heading": day_heading(day.day),
        "items": [daily_item(e) for e in day.entries],
    }


def _note(entry: Entry) -> str | None:
    decision = entry.decision
    if decision is None or decision.confidence >= LOW_CONFIDENCE:
        return None
    return _comment(f"digest: low confidence ({decision.confidence:.2f}) — {decision.detail}")


def _comment(text: str) -> str:
    # "--" cannot appear inside an HTML comment; feed text must not end ours early.
    return re.sub(r"-{2,}", "–", " ".join(text.split())).replace(">", "›")


def _incident_cells(row: Incident) -> dict[str, str]:
    def count(n: int | None) -> str:
        return "?" if n is None else str(n)

    return {
        "day": row.day.isoformat(),
        "location": md.escape(row.location),
        "kind": md.escape(incident_table.kind_label(row.kind)) or "?",
        "deaths": count(row.deaths),
        "injuries": count(row.injuries),
    }


def _incident_rows(incidents: tuple[Incident, ...], militants: str) -> tuple[Incident, ...]:
    """The rows as the table shows them: militants killed are added to the deaths only
    when the editor counts them ("count"); otherwise they stay apart (EDITORIAL.md)."""
    if militants != "count":
        return incidents
    return tuple(
        replace(i, deaths=i.deaths + i.militants) if i.deaths is not None and i.militants else i
        for i in incidents
    )


def _incident_section(issue: Issue) -> str | None:
    """The incident table goes in the security section, else the one with most attacks."""
    if not issue.incidents:
        return None
    keys = [s.key for s in issue.sections]
    if "security" in keys:
        return "security"
    titles = Counter(
        s.key
        for s in issue.sections
        for e in s.entries
        for i in issue.incidents
        if i.description == e.title
    )
    return titles.most_common(1)[0][0] if titles else keys[-1]


def _section(section: DraftSection, incidents: tuple[Incident, ...]) -> dict[str, object]:
    return {
        "key": section.key,
        "headline": md.escape(section.headline),
        "takeaway": md.escape(section.takeaway),
        "paragraphs": [{"text": paragraph(e), "note": _note(e)} for e in section.entries],
        "incidents": [_incident_cells(i) for i in incidents],
    }


def draft_markdown(issue: Issue, options: DraftOptions | None = None) -> str:
    """The draft file's full text, marker included; `options` (DIGEST_* drafting settings)
    choose the incident table's Kind column and what it does with militants killed."""
    options = options or DraftOptions()
    if issue.layout == DAILY:
        # Dated by its latest day: a month still being told is not published on its last
        # day, ahead of the issues that came out meanwhile (the archive's order).
        latest = max((d.day for d in issue.days), default=issue.period.end)
        body = render(
            "daily.md.j2",
            title=" ".join(issue.title.split()),
            date=latest.isoformat(),
            slug=issue.slug,
            period=f"{issue.period.start.isoformat()} to {issue.period.end.isoformat()}",
            layout=issue.layout,
            marker="{marker}",
            days=[_day(d) for d in issue.days],
        )
        return _with_marker(body, issue)
    where = _incident_section(issue)
    incidents = _incident_rows(issue.incidents, options.militants)
    note = incident_table.militants_note(issue.incidents) if options.militants == "note" else ""
    if issue.layout == REPORT:
        return _with_marker(_report(issue, options, where, incidents, md.escape(note)), issue)
    body = render(
        "issue.md.j2",
        title=" ".join(issue.title.split()),
        date=issue.period.end.isoformat(),
        slug=issue.slug,
        number=issue.number,
        period=f"{issue.period.start.isoformat()} to {issue.period.end.isoformat()}",
        layout=issue.layout,
        marker="{marker}",
        sections=[_section(s, incidents if s.key == where else ()) for s in issue.sections],
        kind_column=options.incident_kind_column,
        incident_note=md.escape(note),
        unplaced=[_comment(paragraph(e)) for e in issue.unplaced],
    )
    return _with_marker(body, issue)


def _report(
    issue: Issue,
    options: DraftOptions,
    where: str | None,
    incidents: tuple[Incident, ...],
    note: str,
) -> str:
    """A situation report: the summary paragraph, then a theme (a section's title) over
    each section's dated paragraphs; the incident table under its theme, as in a weekly."""
    return render(
        "report.md.j2",
        title=" ".join(issue.title.split()),
        date=issue.period.end.isoformat(),
        slug=issue.slug,
        period=f"{issue.period.start.isoformat()} to {issue.period.end.isoformat()}",
        layout=issue.layout,
        marker="{marker}",
        summary=md.escape(issue.summary),
        themes=[
            {
                "heading": md.escape(s.title),
                "paragraphs": [{"text": paragraph(e), "note": _note(e)} for e in s.entries],
                "incidents": [_incident_cells(i) for i in incidents] if s.key == where else [],
            }
            for s in issue.sections
        ],
        kind_column=options.incident_kind_column,
        incident_note=note,
        unplaced=[_comment(paragraph(e)) for e in issue.unplaced],
    )


def _with_marker(body: str, issue: Issue) -> str:
    """Put the edit-guard comment in place of "{marker}": a hash of everything else."""
    digest = hashlib.sha256(body.replace("{marker}\n", "").encode()).hexdigest()
    note = (
        f"<!-- {MARKER} sha256:{digest} — drafted by digest from {issue.item_count} items "
        f"from {issue.source_count} sources. Edit freely: once you change this file, "
        "`digest draft` leaves it alone unless you pass --force. -->"
    )
    return body.replace("{marker}", note, 1)


def is_unedited(text: str) -> bool:
    """True when the file is exactly what digest drafted (its marker's hash still holds)."""
    match = _MARKER_LINE.search(text)
    if not match:
        return False
    rest = text[: match.start()] + text[match.end() :]
    return hashlib.sha256(rest.encode()).hexdigest() == match.group(1)


def restamp(text: str) -> str:
    """`text` with its marker's hash made to match it again: for digest's own changes to a
    file the editor has not touched (`digest draft --update`)."""
    match = _MARKER_LINE.search(text)
    if not match:
        return text
    rest = text[: match.start()] + text[match.end() :]
    digest = hashlib.sha256(rest.encode()).hexdigest()
    line = match.group(0).replace(match.group(1), digest, 1)
    return text[: match.start()] + line + text[match.end() :]
