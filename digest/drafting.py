"""`digest draft`: the week's items from the store -> a draft issue file in content/issues/.

An editor's file is never overwritten: a file still matching the hash digest wrote is
replaced; an edited one only with --force, and then a backup is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from digest.config import Settings
from digest.errors import ContentError, DraftExistsError
from digest.issues import periods
from digest.issues.build import IssueSpec, draft_issue
from digest.render.writer import draft_markdown, is_unedited
from digest.store import Store

# Reports of an event arrive after it: look this far past the period for them.
LATE_REPORTS = timedelta(days=3)


@dataclass(frozen=True)
class DraftResult:
    path: Path
    status: str  # "written", "unchanged", "replaced"
    summary: str
    backup: Path | None = None


def issue_spec(settings: Settings, week_ending: date) -> IssueSpec:
    period = periods.week_ending(week_ending, settings.week_ends_on)
    first = (
        periods.parse_day(settings.first_issue, "DIGEST_FIRST_ISSUE")
        if settings.first_issue
        else None
    )
    number = periods.issue_number(period, first)
    title = settings.issue_title.format(
        sitename=settings.sitename, period=periods.period_title(period), number=number or ""
    )
    return IssueSpec(
        slug=period.end.isoformat(),
        title=" ".join(title.split()),
        number=number,
        period=period,
        zone=settings.timezone,
    )


def _backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{n}")
        n += 1
    return candidate


def draft_week(settings: Settings, week_ending: str, *, force: bool = False) -> DraftResult:
    spec = issue_spec(settings, periods.parse_day(week_ending, "--week-ending"))
    start, end = periods.utc_window(spec.period, settings.timezone)
    with Store(settings.store_path) as store:
        if store.count_items() == 0:
            raise ContentError(
                f"{settings.store_path.name}: the store has no items yet; "
                "run `digest collect` first"
            )
        items = store.items_between(start, end + LATE_REPORTS)
    issue = draft_issue(items, spec, settings.sources, settings.sections)
    text = draft_markdown(issue)
    path = settings.issues_path / f"{spec.slug}.md"
    summary = (
        f"{spec.slug}: {len(issue.sections)} sections, "
        f"{sum(len(s.entries) for s in issue.sections)} paragraphs, "
        f"{len(issue.incidents)} incidents from {issue.item_count} items"
        + (f"; {len(issue.unplaced)} items left for you to place" if issue.unplaced else "")
    )
    backup = None
    status = "written"
    if path.exists():
        current = path.read_text(encoding="utf-8")
        if current == text:
            return DraftResult(path, "unchanged", summary + " (file unchanged)")
        if not is_unedited(current):
            if not force:
                raise DraftExistsError(
                    f"{path.name}: you have edited this issue, so digest will not overwrite "
                    "it; pass --force to replace it (a backup is kept)"
                )
            backup = _backup_path(path)
            backup.write_text(current, encoding="utf-8")
            summary += f"; your edited version is kept as {backup.name}"
        status = "replaced"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return DraftResult(path, status, summary, backup)
