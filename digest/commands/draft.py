"""`digest draft`: the week's items from the store -> a draft issue file in content/issues/
(or, for the daily layout, a month's items -> content/issues/YYYY-MM.md; for a situation
report, the week's draft retold as a narrative -> content/issues/<week-ending>-report.md).

An editor's file is never overwritten: a file still matching the hash digest wrote is
replaced; an edited one only with --force, and then a backup is kept beside it. Keeping
it is not a failure: DraftExistsError is reported as a note (exit 3). `--update` of an
edited file keeps a backup too before it merges. A file a killed or failed write cut short
(empty, or ending inside its header) is nobody's edit: it is replaced, and kept as a backup.
Every file is written whole or not at all (digest.files).

A period with nothing to tell (no stored item dated in it, or only stories an earlier
issue told) is refused: an empty issue would be published as one. `allow_empty` drafts it
anyway, marked `Status: draft` in its header, so it is built as a preview only and never
published until the editor removes that line.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from digest import files, periods
from digest.commands.past_issues import section_model
from digest.config import Settings
from digest.errors import ContentError, DraftExistsError
from digest.issues.compose import LOOKBACK, TOLD_BEFORE, IssueSpec, draft_issue
from digest.issues.daily import MonthSpec, draft_daily
from digest.issues.report import ReportSpec
from digest.issues.report import draft_report as retell
from digest.models import Issue, Item, Period
from digest.periods import month_slug, month_title, parse_month
from digest.render import jinja
from digest.render.issue_markdown import MARKER, draft_markdown, is_unedited, restamp
from digest.render.markdown import url as md_url
from digest.render.merge import merge
from digest.store import Store
from digest.text import casualties
from digest.text.sentences import sentences

# Reports of an event arrive after it: look this far past the period for them.
LATE_REPORTS = timedelta(days=3)
# The header line of an issue that is built as a preview only (Pelican's draft status).
DRAFT_STATUS = "Status: draft"
_PREVIEW_ONLY = f"marked '{DRAFT_STATUS}' (built as a preview, never published)"


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
        sitename=settings.sitename, period=settings.period_style.title(period), number=number or ""
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


def keep_backup(path: Path, data: bytes) -> Path:
    """A backup of `path` holding `data`: an earlier one with the same bytes, else a new
    `<name>.bak`, `.bak1` ... written whole (digest.files)."""
    for earlier in sorted(path.parent.glob(f"{glob.escape(path.name)}.bak*")):
        try:
            if earlier.read_bytes() == data:
                return earlier
        except OSError:
            continue
    backup = _backup_path(path)
    files.write_bytes(backup, data)
    return backup


def broken(data: bytes) -> str | None:
    """What an issue file is when it cannot be anyone's edit (a write cut short), or None.

    Empty; neither a `Title:` header line nor digest's marker (not an issue file); or it
    ends inside its header (the header ends at the first blank line). A file cut later,
    in its body, cannot be told from an editor's cut: it counts as edited.
    """
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    if not text.strip():
        return f"empty ({len(data)} bytes)"
    has_title = any(
        line.lower().startswith("title:") for line in text.split("\n\n")[0].splitlines()
    )
    if not has_title and MARKER not in text:
        return "not an issue file (no Title: header, no digest marker)"
    if "\n\n" not in text.replace("\r\n", "\n"):
        return "cut short inside its header"
    return None


def draft_week(
    settings: Settings, week_ending: str, *, force: bool = False, allow_empty: bool = False
) -> DraftResult:
    spec, issue = plan_week(settings, week_ending)
    empty = not issue.sections and not issue.unplaced
    if empty and not allow_empty:
        raise ContentError(_nothing_to_draft(spec.slug, spec.period, issue.item_count))
    text = draft_markdown(issue, settings.draft)
    if empty:
        text = mark_draft(text)
    path = settings.issues_path / f"{spec.slug}.md"
    summary = (
        f"{spec.slug}: {len(issue.sections)} sections, "
        f"{sum(len(s.entries) for s in issue.sections)} paragraphs, "
        f"{len(issue.incidents)} incidents from {issue.item_count} items"
        + (f"; {_items(len(issue.unplaced))} left for you to place" if issue.unplaced else "")
        + (
            f"; {_items(told)} left out as stories an earlier issue told (see --explain)"
            if (told := sum(TOLD_BEFORE in x.notes for x in issue.explanations))
            else ""
        )
        + (f"; {_PREVIEW_ONLY}" if empty else "")
    )
    result = write_draft(path, text, summary, force=force, shown=_shown(settings, path))
    with Store(settings.store_path) as store:
        store.record_draft(spec.slug, [x.item for x in issue.explanations])
    return result


def period_items(settings: Settings, period: Period) -> list[Item]:
    """The stored items that may belong to `period`: published in it, or up to LATE_REPORTS
    after it (a report arrives after its event); and those of the LOOKBACK days before it,
    which only tell the draft which stories the last issue already told."""
    start, end = periods.utc_window(period, settings.timezone)
    start -= LOOKBACK
    with Store(settings.store_path) as store:
        if store.count_items() == 0:
            raise ContentError(
                f"{settings.store_path.name}: the store has no items yet; "
                "run `digest collect` first"
            )
        return store.items_between(start, end + LATE_REPORTS)


def plan_week(
    settings: Settings, week_ending: str, *, skip: frozenset[int] = frozenset()
) -> tuple[IssueSpec, Issue]:
    """The week's draft as digest would write it (for `draft`, and `draft --explain`), from
    the period's items but those in `skip` (store ids)."""
    spec = issue_spec(settings, periods.parse_day(week_ending, "--week-ending"))
    items = [item for item in period_items(settings, spec.period) if item.id not in skip]
    model = section_model(settings, exclude=spec.slug)
    _use_kept(settings)
    return spec, draft_issue(
        items, spec, settings.sources, settings.sections, model, settings.places, settings.draft
    )


def _use_kept(settings: Settings) -> None:
    """The casualty readers' patterns compiled before any worker is forked, so every worker
    has them (from the forms the project's cache keeps: digest/kept_patterns.py), and the
    draft's template compiled as an earlier draft kept it (kept for the next draft if not)."""
    casualties.compile_patterns()
    jinja.keep_compiled(settings.cache_path / jinja.KEPT_FOLDER)


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _nothing_to_draft(slug: str, period: Period, dated: int) -> str:
    """Why a week's draft would be empty, and the ways out. `dated`: the items dated in the
    week (all of them stories an earlier issue told, when there are any)."""
    span = periods.period_title(period)
    if dated:
        why = (
            f"the {_items(dated)} dated in {span} only repeat stories an earlier issue told; "
            "pick another week"
        )
    else:
        why = (
            f"no stored item is dated in {span}; run `digest collect`, pick a week the store covers"
        )
    return f"--week-ending {slug}: {why}, or pass --allow-empty"


def mark_draft(text: str) -> str:
    """A drafted file with `Status: draft` as the last line of its header (the header ends
    at the first blank line), its edit-guard hash made to match again: still unedited."""
    header, blank, body = text.partition("\n\n")
    return restamp(f"{header}\n{DRAFT_STATUS}{blank}{body}")


def _shown(settings: Settings, path: Path) -> str:
    """`path` as the user knows it: relative to the project folder."""
    try:
        return path.relative_to(settings.config_path.parent).as_posix()
    except ValueError:
        return str(path)


def update_week(settings: Settings, week_ending: str) -> DraftResult:
    """Add the items collected since the week's draft to it; nothing in the file changes.
    An edited file is backed up first (`<name>.bak`): the merge is digest's change."""
    spec = issue_spec(settings, periods.parse_day(week_ending, "--week-ending"))
    path = settings.issues_path / f"{spec.slug}.md"
    if not path.exists():
        raise ContentError(
            f"{path.name}: no draft to update; run `digest draft --week-ending {spec.slug}`"
        )
    files.remove_temporaries(path.parent, path.name)  # of an --update killed mid-write
    what = broken(_read(path))
    if what:
        raise ContentError(
            f"{_shown(settings, path)}: {what}, nothing to add to; "
            f"`digest draft --week-ending {spec.slug}` drafts it again (keeping it as a backup)"
        )
    # New items go only into a file the judge accepts: merging into a broken table or a
    # section without its id would bury them where the build refuses to look. (Imported
    # here: the judge brings the site's plugin, which a plain draft has no use for.)
    from digest.commands.check import refuse_broken

    refuse_broken(settings, [path.stem])
    with Store(settings.store_path) as store:
        done = store.drafted_ids(spec.slug)
    if not done:
        raise ContentError(
            f"{path.name}: {settings.store_path.name} has no record of drafting it, so "
            "digest cannot tell which items are new; --update works with the store "
            "that drafted the file"
        )
    data = _read(path)
    current = data.decode("utf-8")  # the judge has read it: it is UTF-8
    spec, issue = plan_week(settings, week_ending, skip=done)
    # Items whose link the file already cites are in it: an --update killed after it
    # wrote the file but before the store recorded it, or the editor's own paste.
    present = [x.item for x in issue.explanations if _cited(x.item, current)]
    if present:
        spec, issue = plan_week(
            settings, week_ending, skip=done | {i.id for i in present if i.id is not None}
        )
        with Store(settings.store_path) as store:
            store.record_draft(spec.slug, present)
    if not issue.explanations:
        return DraftResult(path, "unchanged", f"{spec.slug}: no new items since the draft")
    merged = merge(current, draft_markdown(issue, settings.draft))
    unedited = is_unedited(current)
    # The editor's words are the one thing here that exists nowhere else: keep a copy
    # before digest changes the file (a merge is digest's change, however careful).
    backup = None if unedited else keep_backup(path, data)
    files.write_text(path, restamp(merged) if unedited else merged)
    with Store(settings.store_path) as store:
        store.record_draft(spec.slug, [x.item for x in issue.explanations])
    added = sum(len(s.entries) for s in issue.sections)
    summary = (
        f"{spec.slug}: added {added} paragraphs, {len(issue.incidents)} incident rows"
        f" and {len(issue.unplaced)} unplaced items from {issue.item_count} new items"
        + (f"; your edited version is kept as {backup.name}" if backup else "")
    )
    return DraftResult(path, "updated", summary, backup)


def _cited(item: Item, text: str) -> bool:
    """Whether `text` links to the item as a Markdown link, `[...](url)`, does."""
    return bool(item.url) and f"]({md_url(item.url or '')})" in text


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise files.failure(exc, path, writing=False) from exc


def draft_month(
    settings: Settings, month: str, *, force: bool = False, allow_empty: bool = False
) -> DraftResult:
    """The daily layout: the month's items, a heading per day, into content/issues/YYYY-MM.md."""
    spec = month_spec(settings, month)
    items = period_items(settings, spec.period)
    _use_kept(settings)
    issue = draft_daily(items, spec)
    empty = not issue.days
    if empty and not allow_empty:
        raise ContentError(
            f"--month {spec.slug}: no stored item is dated in {month_title(spec.period)}; "
            "run `digest collect`, pick a month the store covers, or pass --allow-empty"
        )
    stories = sum(len(day.entries) for day in issue.days)
    summary = (
        f"{spec.slug}: {len(issue.days)} days, {stories} numbered items "
        f"from {issue.item_count} items"
    ) + (f"; {_PREVIEW_ONLY}" if empty else "")
    text = draft_markdown(issue, settings.draft)
    path = settings.issues_path / f"{spec.slug}.md"
    return write_draft(
        path,
        text=mark_draft(text) if empty else text,
        summary=summary,
        force=force,
        shown=_shown(settings, path),
    )


# A report's slug and file name: the week-ending date and this, so that the weekly issue of
# the same week (slug: the date alone) keeps its own.
REPORT_SUFFIX = "-report"


def draft_report(
    settings: Settings, week_ending: str, *, force: bool = False, allow_empty: bool = False
) -> DraftResult:
    """A situation report of the week: its top stories as the summary, then its stories by
    theme, into content/issues/<week-ending>-report.md, under the same edit guard."""
    spec, weekly = plan_week(settings, week_ending)
    report_spec = ReportSpec(
        slug=spec.slug + REPORT_SUFFIX,
        title=" ".join(
            settings.issue_title.format(
                sitename=settings.sitename,
                period=f"Situation Report, {settings.period_style.title(spec.period)}",
                number="",
            ).split()
        ),
        period=spec.period,
    )
    issue = retell(weekly, report_spec)
    empty = not issue.sections and not issue.unplaced
    if empty and not allow_empty:
        raise ContentError(_nothing_to_draft(spec.slug, spec.period, issue.item_count))
    text = draft_markdown(issue, settings.draft)
    summary = (
        f"{report_spec.slug}: a summary of {len(sentences(issue.summary))} sentences, "
        f"{len(issue.sections)} themes, "
        f"{sum(len(s.entries) for s in issue.sections)} paragraphs, "
        f"{len(issue.incidents)} incidents from {issue.item_count} items"
        + (f"; {_items(len(issue.unplaced))} left for you to place" if issue.unplaced else "")
        + (f"; {_PREVIEW_ONLY}" if empty else "")
    )
    path = settings.issues_path / f"{report_spec.slug}.md"
    return write_draft(
        path,
        mark_draft(text) if empty else text,
        summary,
        force=force,
        shown=_shown(settings, path),
    )


def month_spec(settings: Settings, month: str) -> MonthSpec:
    period = parse_month(month, "--month")
    title = settings.issue_title.format(
        sitename=settings.sitename, period=month_title(period), number=""
    )
    return MonthSpec(
        slug=month_slug(period.start),
        title=" ".join(title.split()),
        period=period,
        zone=settings.timezone,
    )


def write_draft(
    path: Path, text: str, summary: str, *, force: bool, shown: str | None = None
) -> DraftResult:
    """The edit guard both layouts share: an edited file is replaced only with --force.
    `shown`: the path as messages name it (default: the file's name)."""
    backup = None
    status = "written"
    files.remove_temporaries(path.parent, path.name)  # of a draft killed mid-write
    if path.exists():
        data = _read(path)
        current = data.decode("utf-8", "replace")
        if data == text.encode("utf-8"):
            return DraftResult(path, "unchanged", summary + " (file unchanged)")
        what = broken(data)
        if what:  # a write cut short is nobody's edit: replace it, but keep it
            backup = keep_backup(path, data)
            summary += f"; the file was {what}: replaced, the old one kept as {backup.name}"
        elif not is_unedited(current):
            if not force:
                raise DraftExistsError(
                    f"{shown or path.name}: kept your edited version "
                    "(digest draft --force replaces it, keeping a backup)"
                )
            backup = keep_backup(path, data)
            summary += f"; your edited version is kept as {backup.name}"
        status = "replaced"
    files.write_text(path, text)
    return DraftResult(path, status, summary, backup)
