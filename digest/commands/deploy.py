"""`digest deploy`: the settings and the built site to a target, then the deploy.

The destination is DIGEST_DEPLOY, or the URL given for one run. Only a built site goes out
(output/index.html must exist), and only its published files (publish/deploy/plan.py):
never the drafts folder, whose issue previews are not published.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePosixPath

from digest import files
from digest.config import Settings
from digest.errors import DeployError
from digest.publish import deploy as publish
from digest.publish.deploy.plan import HOME_PAGE, Outcome

log = logging.getLogger(__name__)


def draft_folders(pelican: dict) -> tuple[str, ...]:
    """The top folders Pelican writes drafts into (DRAFT_SAVE_AS, DRAFT_PAGE_SAVE_AS;
    Pelican's default and the sample's: drafts/)."""
    folders = {"drafts"}
    for key in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS", "DRAFT_LANG_SAVE_AS"):
        parts = PurePosixPath(str(pelican.get(key) or "")).parts
        if len(parts) > 1 and "{" not in parts[0]:
            folders.add(parts[0])
    return tuple(sorted(folders))


def deploy(
    settings: Settings,
    url: str,
    *,
    dry_run: bool,
    now: datetime,
    progress: Callable[[int], Callable[[str], None]],
) -> tuple[Outcome, publish.Plan]:
    """Deploy settings.output_path to `url` (already checked by config.check_deploy_url)."""
    try:
        target = publish.parse(url)
    except ValueError as exc:
        raise DeployError(f"DIGEST_DEPLOY: {exc}") from None
    output = settings.output_path
    if not (output / HOME_PAGE).is_file():
        raise DeployError(
            f"{files.shown(output)}: no built site here (no {HOME_PAGE}); run `digest build` first"
        )
    drafts = draft_folders(settings.pelican)
    plan = publish.walk(output, drafts)
    if plan.drafts:
        log.info(
            "deploy: %d files of the drafts folder left out (previews, never published)",
            len(plan.drafts),
        )
    for link in plan.links:
        log.info("deploy: %s: a symbolic link, left out", link)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S UTC")
    outcome = publish.deploy(
        target,
        plan,
        dry_run=dry_run,
        now=now,
        message=f"digest deploy: {settings.sitename}\n\nBuilt site deployed at {stamp}.",
        cache=settings.cache_path,
        progress=progress,
        drafts=drafts,
    )
    for change in outcome.changes:
        log.info("deploy: %s", change)
    return outcome, plan
