"""Issues marked `Status: draft`: previews, never part of the published site.

Pelican keeps drafts out of its lists, archives, tags and feeds and writes each one to
DRAFT_SAVE_AS only (digest's settings: drafts/<slug>/). Everything digest adds takes the
published issues alone (`generator.articles`): issue.json and incidents.csv, section pages
and feeds, the sitemap (pages.py), and in `digest build` the search index, PDFs and email
editions.

What is left is an issue published once and then set back to draft: the page, exports,
PDF and email edition of the earlier build would stay online, and the search index and
`digest pdf` would find the page again. They are withdrawn here, as soon as Pelican has
read the issues and before anything is written or indexed. Only files named after the
issue are removed, and the folder beside its page only when ARTICLE_SAVE_AS gives every
issue a folder of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals
from pelican.urlwrappers import Category

log = logging.getLogger(__name__)

EMAIL_FOLDER = "email"  # where `digest build` writes the email editions (digest/commands/build.py)
# Written beside an issue's page: its exports, its PDF and the PDF's stamp (publish/pdf.py),
# its audio edition, transcript, chapters and their stamp (publish/audio/).
BESIDE_PAGE = (
    "issue.json",
    "incidents.csv",
    "{slug}.pdf",
    ".pdf-cache",
    "{slug}.opus",
    "{slug}.mp3",
    "{slug}.vtt",
    "{slug}.chapters.json",
    ".audio-cache",
)
# Its email edition and that edition's stamp (publish/email_edition.py).
EMAIL_FILES = ("{slug}.html", "{slug}.txt", "{slug}.eml", ".{slug}.email-cache")


def published_files(save_as: str, folder_pattern: str, slug: str) -> list[PurePosixPath]:
    """The files (relative to the output folder) a build wrote for issue `slug` published
    at `save_as`. `folder_pattern`: ARTICLE_SAVE_AS's folder, unformatted; the files
    beside the page count only when it holds `{slug}` (one folder per issue)."""
    page = PurePosixPath(save_as)
    files = [page]
    if "{slug}" in folder_pattern:
        files += [page.parent / name.format(slug=slug) for name in BESIDE_PAGE]
    files += [PurePosixPath(EMAIL_FOLDER) / name.format(slug=slug) for name in EMAIL_FILES]
    return files


def prepare_drafts(generator: Any) -> None:
    """Pelican (4.12) writes a draft with `category=draft.category`, which digest's issues
    lack (CATEGORY_SAVE_AS is empty: no category pages, so Pelican sets none): give each
    the default category, as published issues would have with categories on."""
    settings = generator.settings
    for draft in generator.drafts:
        if not hasattr(draft, "category"):
            draft.category = Category(settings.get("DEFAULT_CATEGORY") or "misc", settings)


def withdraw_drafts(generator: Any) -> None:
    """Remove what an earlier build published of each issue now marked as a draft."""
    settings = generator.settings
    pattern = str(settings.get("ARTICLE_SAVE_AS") or "")
    if not pattern:
        return
    output = Path(settings["OUTPUT_PATH"])
    published = {a.slug for a in generator.articles}
    for draft in generator.drafts:
        if getattr(draft, "digest", None) is None or draft.slug in published:
            continue  # not an issue, or its slug is a published issue's: leave that alone
        save_as = pattern.format(**draft.url_format)
        files = published_files(save_as, str(PurePosixPath(pattern).parent), draft.slug)
        removed = [f for f in files if _remove(output / f)]
        if removed:
            _remove_empty_folder(output / PurePosixPath(save_as).parent, output)
            log.warning(
                "%s: marked 'Status: draft': its published page, PDF, exports, audio and "
                "email edition were withdrawn (%d files)",
                draft.slug,
                len(removed),
            )


def _remove(path: Path) -> bool:
    if path.is_file() and not path.is_symlink():
        path.unlink()
        return True
    return False


def _remove_empty_folder(folder: Path, output: Path) -> None:
    if folder != output and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def register() -> None:
    signals.article_generator_finalized.connect(prepare_drafts)
    signals.article_generator_finalized.connect(withdraw_drafts)
