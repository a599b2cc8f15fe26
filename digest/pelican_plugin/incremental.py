"""Rebuilds that redo only what changed, for `digest build` (plain `pelican` runs are untouched).

Two levers:

- Pelican's content cache (reader layer): an issue file whose bytes are unchanged is not
  parsed again. The cache lives in CACHE_PATH/site/ and is emptied whenever the settings,
  the theme or digest's own code change (Pelican would not notice those on its own).
- A writer that skips pages whose inputs are unchanged: an issue page is made from its
  source file, its previous and next issues in its series (their URL and title), the
  series it names (on a site of several), its audio edition (audio.py), Pelican's pages
  (the menu), whether there is a podcast feed to link to, the settings, the theme's
  templates and digest's code. A ledger (CACHE_PATH/site/pages.json) keeps each
  page's fingerprint and the modification time it was written with; a page whose output
  was deleted or touched since is written again.
  A list of issues written through `write_listing` (a section's page of one year) or a
  by-year archive is made from its issues' files and URLs and is skipped the same way.
  The other lists (the paginated index and series pages, the archive, feeds, sitemap)
  change with every new issue and are always written.

`digest build --full` turns both off for one run and rewrites every page.

Pelican saves its content cache in place: a build killed while it did left half a pickle,
and every later build failed reading it. At the end of a build the cache files' sizes and
times are recorded (CACHE_PATH/site/complete.json); a cache that does not match them was
not saved whole, and is emptied before Pelican reads it. The ledger and the key are
written whole (digest.files), and so is every page (AtomicWriter, atomic.py). When new
PDFs wait for their pages, Pelican's save waits until the pages are written (save_cache_last).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import shutil
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from digest import files, stamps
from digest.pelican_plugin import parallel
from digest.pelican_plugin.atomic import AtomicWriter
from digest.pelican_plugin.audio import CONTEXT_KEY as PODCAST_KEY
from digest.pelican_plugin.reader import HASHES_KEY
from digest.render import jinja

log = logging.getLogger(__name__)

INCREMENTAL_KEY = "_DIGEST_INCREMENTAL"  # set by digest build; absent in plain Pelican runs
COUNTS_KEY = "_DIGEST_PAGE_COUNTS"  # (written, skipped), left in the settings for digest build
FOLDER = "site"
LEDGER = "pages.json"
_KEY_FILE = "key"
_COMPLETE = "complete.json"  # the cache files as the last finished build left them
_UNSAVED_KEY = "_DIGEST_UNSAVED_CACHES"  # Pelican's cache saves put off (save_cache_last)
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def settings_fingerprint(settings: dict[str, Any]) -> str:
    """The settings (runtime keys aside), the theme's templates and digest's code."""

    def stable(value: Any) -> str:
        return _ADDRESS.sub("", repr(value))  # functions in settings: by name, not address

    plain = {k: v for k, v in settings.items() if k.isupper() and not k.startswith("_")}
    text = json.dumps(plain, sort_keys=True, default=stable)
    # The project's own templates (THEME_TEMPLATES_OVERRIDES, `digest init`'s theme/templates)
    # replace the theme's: an edit to either makes every page again.
    folders = [
        *settings.get("THEME_TEMPLATES_OVERRIDES", ()),
        Path(settings["THEME"]) / "templates",
    ]
    theme = [
        part
        for folder in folders
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
        for part in (path.relative_to(folder).as_posix(), path.read_bytes())
    ]
    return stamps.fingerprint(stamps.code_fingerprint(), text, *theme)


def prepare(settings: dict[str, Any], root: Path, *, full: bool) -> bool:
    """Turn on the content cache and the skipping writer for this run (unless `full`).

    CACHE_PATH is taken from the project folder `root` (Pelican takes it from the working
    directory). Returns whether the content cache is empty: every issue will be parsed.
    """
    cache_path = root / str(settings.get("CACHE_PATH") or "cache")
    folder = cache_path / FOLDER
    key = settings_fingerprint(settings)
    key_file = folder / _KEY_FILE
    stale = not key_file.is_file() or key_file.read_text(encoding="ascii") != key
    if full or stale or not _cache_complete(folder):
        shutil.rmtree(folder, ignore_errors=True)  # a stale cache must never be read
    folder.mkdir(parents=True, exist_ok=True)
    files.write_text(key_file, key, encoding="ascii")
    # Compiled templates: Jinja checks them against their source itself, so they outlive
    # the content cache.
    compiled = cache_path / jinja.KEPT_FOLDER
    compiled.mkdir(exist_ok=True)
    bytecode = jinja.KeptTemplates(compiled)
    settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "bytecode_cache": bytecode}
    settings.update(
        CACHE_PATH=str(folder),
        CACHE_CONTENT=True,
        LOAD_CONTENT_CACHE=not full,
        CONTENT_CACHING_LAYER="reader",
        CHECK_MODIFIED_METHOD="sha1",  # not mtime: a git checkout resets mtimes
        GZIP_CACHE=False,  # a rebuild loads the whole cache: plain pickle loads fastest
    )
    settings[INCREMENTAL_KEY] = key
    return not any(folder.glob("*Readers*"))  # Pelican's reader cache files


def _cache_files(folder: Path) -> dict[str, list[int]]:
    """Pelican's cache files in `folder` (all but ours): name -> [size, st_mtime_ns]."""
    ours = {_KEY_FILE, _COMPLETE, LEDGER}
    found = {}
    for path in folder.iterdir():
        if path.is_file() and path.name not in ours and not path.name.endswith(files.TEMP_SUFFIX):
            stat = path.stat()
            found[path.name] = [stat.st_size, stat.st_mtime_ns]
    return found


def _cache_complete(folder: Path) -> bool:
    """Whether Pelican's cache files are those a finished build left (none is too)."""
    if not folder.is_dir():
        return True
    try:
        recorded = json.loads((folder / _COMPLETE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    return _cache_files(folder) == recorded


class Ledger:
    """Each written page's fingerprint and the st_mtime_ns it was written with."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.pages: dict[str, list[Any]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.pages = {}

    def is_current(self, output: Path, name: str, key: str) -> bool:
        entry = self.pages.get(name)
        if not entry or entry[0] != key:
            return False
        try:
            return output.stat().st_mtime_ns == entry[1]
        except OSError:
            return False

    def record(self, output: Path, name: str, key: str) -> None:
        # Within a batch of writes the page is still under its temporary name; the rename
        # keeps its modification time.
        self.pages[name] = [key, files.written(output).stat().st_mtime_ns]

    def save(self) -> None:
        files.write_text(self.path, json.dumps(self.pages, sort_keys=True))
        # Pelican saved its cache before it wrote the pages: all of it is complete now.
        complete = json.dumps(_cache_files(self.path.parent), sort_keys=True)
        files.write_text(self.path.with_name(_COMPLETE), complete)


def _neighbour(content: Any) -> tuple[str, str] | None:
    return (content.url, content.title) if content is not None else None


def content_key(site: str, source: str, content: Any, pages: str) -> str:
    """What a page of one issue (or of one Pelican page) is made from; `source`: the hash
    of its file; `pages`: the site's Pelican pages, as `pages_shown` gives them."""
    return stamps.fingerprint(
        site,
        source,
        repr(_neighbour(getattr(content, "newer_issue", None))),
        repr(_neighbour(getattr(content, "older_issue", None))),
        repr(getattr(content, "digest_series", None)),  # the series it names, on a site of several
        repr(sorted((t.lang, t.url) for t in getattr(content, "translations", []))),
        pages,
        *_audio(content),
    )


def pages_shown(pages: list[Any]) -> str:
    """What every page shows of the site's Pelican pages (the menu): their URLs and titles."""
    return repr([(p.url, p.title) for p in pages])


def _audio(content: Any) -> list[str]:
    """What an issue page shows of its audio (audio.py); nothing when DIGEST_AUDIO is off."""
    return [repr(content.digest_audio)] if hasattr(content, "digest_audio") else []


def listing_key(site: str, issues: list[tuple[str, str]], extra: str, pages: str) -> str:
    """What a list of issues is made from: each issue's (file hash, URL) and `extra`;
    `pages` as in content_key."""
    return stamps.fingerprint(site, extra, pages, *(" ".join(i) for i in issues))


def write_listing(
    writer: Writer,
    name: str,
    template: Any,
    context: dict[str, Any],
    *,
    listing: Any,
    **kwargs: Any,
) -> None:
    """Write a page listing issues; `listing` = (issues, extra text): what else it shows.

    An IncrementalWriter skips it when neither changed; Pelican's writer writes it.
    """
    if isinstance(writer, IncrementalWriter):
        writer.write_file(name, template, context, listing=listing, **kwargs)
    else:
        writer.write_file(name, template, context, **kwargs)


class IncrementalWriter(AtomicWriter):
    """Pelican's writer (each file written whole), but an issue or page whose inputs are
    unchanged is not rendered."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        assert settings is not None
        self.site_key: str = settings[INCREMENTAL_KEY]
        self.ledger = Ledger(Path(settings["CACHE_PATH"]) / LEDGER)
        self.written = 0  # pages that could have been skipped, rendered
        self.skipped = 0  # ... and not rendered: unchanged
        self._sources: dict[str, str] = {}  # source file -> its hash, read once a run
        self._shown: tuple[list[Any], int, str] | None = None  # pages_shown, of which list
        # Pages to render, held until the next other write (parallel.py).
        self._held: list[tuple[str, str, Any, dict[str, Any], dict[str, Any]]] = []
        signals.finalized.connect(self._save)

    def _save(self, pelican: Any) -> None:
        signals.finalized.disconnect(self._save)
        if pelican.settings is not self.settings:
            # The writer of a run that failed, still alive (its error holds it): this is
            # another run's end, whose ledger and cache are not this writer's to save.
            return
        self.flush()
        for save in self.settings.pop(_UNSAVED_KEY, ()):  # cache_saves_put_off
            save()
        self.ledger.save()
        self.settings[COUNTS_KEY] = (self.written, self.skipped)
        log.info("site: %d unchanged pages not written again", self.skipped)

    def write_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: Any = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        listing: tuple[list[Any], str] | None = None,
        **kwargs: Any,
    ) -> None:
        key = self._key(name, context, paginated, template_name, listing, kwargs)
        if key is not None:
            output = Path(self.output_path) / name
            if self.ledger.is_current(output, name, key):
                self.skipped += 1
                # Plugins that list what was written (the sitemap) still hear of the page.
                signals.content_written.send(str(output), context={**context, **kwargs})
                return
        options = {
            "relative_urls": relative_urls,
            "paginated": paginated,
            "template_name": template_name,
            "override_output": override_output,
            "url": url,
        }
        if key is not None and not _draft(kwargs):
            # Pelican writes the issue pages one after the other, then the lists (ours of
            # each section the same): held here, each run of them is rendered together, on
            # two CPUs (parallel.py).
            self._held.append((name, key, template, context, {**options, **kwargs}))
            return
        self.flush()
        super().write_file(name, template, context, **options, **kwargs)
        if key is None:
            return
        self.ledger.record(output, name, key)
        self.written += 1

    def flush(self) -> None:
        """Render the held pages (before any other write: the order Pelican meant)."""
        held, self._held = self._held, []
        if not held:
            return
        context = held[-1][3]
        if parallel.worth_it(len(held)):
            # Pelican's writer leaves the last page's relative site URL in the shared
            # context for the writes after it; the parent alone may not render that page.
            after = _local_site_url(held[-1][0], context, held[-1][4]["relative_urls"])
            made = parallel.write_in_two(held, self._render)
            if after is not None:
                context["localsiteurl"] = after
        else:
            made = [self._render(page) for page in held]
        for (name, _, _, page_context, options), (recorded, path) in zip(held, made, strict=True):
            self.ledger.pages[name] = recorded
            self.written += 1
            if path not in self._written_files:  # rendered by the other process
                self._written_files.add(path)
                if options.get("override_output"):
                    self._overridden_files.add(path)
                # What Pelican's writer tells plugins of each page (the sitemap listens).
                signals.content_written.send(path, context={**page_context, **options})

    def _render(
        self, page: tuple[str, str, Any, dict[str, Any], dict[str, Any]]
    ) -> tuple[list[Any], str]:
        """One held page written; its ledger entry and the path Pelican's writer knows."""
        name, key, template, context, options = page
        super().write_file(name, template, context, **options)
        output = Path(self.output_path) / name
        path = sanitised_join(self.output_path, name)
        return [key, files.written(output).stat().st_mtime_ns], path

    def _key(
        self,
        name: str,
        context: dict[str, Any],
        paginated: Any,
        template_name: str | None,
        listing: tuple[list[Any], str] | None,
        kwargs: dict[str, Any],
    ) -> str | None:
        """What the page is made from, or None: always written."""
        if not name or paginated or template_name in self.settings["PAGINATED_TEMPLATES"]:
            return None  # several files per call
        pages = self._pages_shown(context.get("pages") or [])
        # Every page links to the podcast feed once some issue has audio (audio.py).
        podcast = context.get(PODCAST_KEY)
        site = stamps.fingerprint(self.site_key, podcast) if podcast else self.site_key
        content = kwargs.get("article") or kwargs.get("page")
        if content is not None and getattr(content, "source_path", None):
            return content_key(site, self._source_hash(content), content, pages)
        if listing is None and template_name == "period_archives":
            listing = (kwargs.get("dates") or [], repr(context.get("period")))
        if listing is None:
            return None
        issues, extra = listing
        return listing_key(site, [(self._source_hash(a), a.url) for a in issues], extra, pages)

    def _pages_shown(self, pages: list[Any]) -> str:
        # The same list for every page of a build: its URLs, each a format of Pelican's
        # settings, are read once, not once for each of 500 issue pages.
        known = self._shown
        if known is None or known[0] is not pages or known[1] != len(pages):
            known = self._shown = (pages, len(pages), pages_shown(pages))
        return known[2]

    def _source_hash(self, content: Any) -> str:
        path = content.source_path
        if path not in self._sources:
            # The hash the build's check took of the bytes the page is made from (as
            # stamp_from_check): reading and hashing every issue file again cost a rebuild
            # 30-50 ms before the new issue's page. Any other file is read.
            known = (self.settings.get(HASHES_KEY) or {}).get(path)
            self._sources[path] = known or hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return self._sources[path]

    def unchanged(self, outputs: list[Path], content: Any) -> tuple[bool, str]:
        """For files written beside a page from its issue alone (issue.json): (current, key)."""
        key = stamps.fingerprint(self.site_key, self._source_hash(content), *_audio(content))
        names = [path.relative_to(self.output_path).as_posix() for path in outputs]
        current = all(
            self.ledger.is_current(p, n, key) for p, n in zip(outputs, names, strict=True)
        )
        return current, key

    def recorded(self, outputs: list[Path], key: str) -> None:
        for path in outputs:
            self.ledger.record(path, path.relative_to(self.output_path).as_posix(), key)


def _draft(kwargs: dict[str, Any]) -> bool:
    """An issue's preview (Pelican writes them last, each on its own)."""
    return getattr(kwargs.get("article"), "status", "") == "draft"


def _local_site_url(name: str, context: dict[str, Any], relative: bool) -> str | None:
    """What Pelican's writer leaves in context["localsiteurl"] after writing `name`."""
    if not relative:
        return None
    return path_to_url(get_relative_path(name)) or None  # an empty one is not set


def save_cache_last(settings: dict[str, Any]) -> None:
    """Have this run save Pelican's content cache once its pages are written
    (IncrementalWriter._save, before the cache is recorded complete), not as Pelican does,
    when it finishes reading and before it writes any page: every issue read, 37 MB at 520
    issues, 0.05-0.07 s. For a run whose new PDFs wait for their pages (digest build after
    an issue was added or edited), where it was measured to shorten the build. A full build
    keeps Pelican's order: nothing waits there for one page, and no gain was measured."""
    settings[_UNSAVED_KEY] = []


def cache_saves_put_off(generator: Any) -> None:
    """At the generators' init signals (as stamp_from_check: their readers are made by
    then): the readers' save waits, in a run that asked (save_cache_last)."""
    unsaved = generator.settings.get(_UNSAVED_KEY)
    readers = getattr(generator, "readers", None)
    if unsaved is None or readers is None:
        return
    readers.save_cache = functools.partial(unsaved.append, readers.save_cache)


def get_writer(pelican: Any) -> type[Writer]:
    """digest build's skipping writer; a plain Pelican run's pages are written whole too."""
    return IncrementalWriter if pelican.settings.get(INCREMENTAL_KEY) else AtomicWriter
