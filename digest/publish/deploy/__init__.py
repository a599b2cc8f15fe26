"""`digest deploy`: the built site out to where it is served.

`target.parse` reads a DIGEST_DEPLOY URL; `plan.walk` lists the published files of output/
in upload order, with their headers; `deploy` sends them with the module of the target's
kind: rsync.py (ssh://, rsync://), s3.py (s3://), git.py (git+file://, git+ssh://,
git+https://). Each returns an Outcome: the changes, in order, and the files left as they
were.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from digest.publish.deploy import git, rsync, s3
from digest.publish.deploy.plan import Change, Outcome, Plan, walk
from digest.publish.deploy.target import RsyncTarget, S3Target, Target, parse

__all__ = ["Change", "Outcome", "Plan", "Target", "deploy", "parse", "walk"]


def deploy(
    target: Target,
    plan: Plan,
    *,
    dry_run: bool,
    now: datetime,
    message: str,
    cache: Path,
    progress: Callable[[int], Callable[[str], None]],
    drafts: tuple[str, ...],
) -> Outcome:
    """Publish `plan` at `target` (or, `dry_run`, say what would change there).
    `message` and `now`: a git commit's message and date; `cache`: the project's cache
    folder (CACHE_PATH)."""
    if isinstance(target, RsyncTarget):
        outcome = rsync.deploy(target, plan, drafts, dry_run=dry_run, progress=progress)
    elif isinstance(target, S3Target):
        outcome = s3.deploy(target, plan, dry_run=dry_run, progress=progress)
    else:
        outcome = git.deploy(
            target,
            plan,
            cache=cache / "deploy",
            dry_run=dry_run,
            now=now,
            message=message,
            progress=progress,
        )
    # Listed as they were (or would be) made: uploads in the plan's order, then deletions.
    order = {f.path: n for n, f in enumerate(plan.files)}
    uploads = sorted(
        (c for c in outcome.changes if c.mark != "-"), key=lambda c: order.get(c.path, -1)
    )
    deletions = sorted((c for c in outcome.changes if c.mark == "-"), key=lambda c: c.path)
    outcome.changes = [*uploads, *deletions]
    return outcome
