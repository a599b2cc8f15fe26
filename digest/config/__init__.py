"""DIGEST_* settings: read with Pelican's settings loader, validated once into frozen data.

Each setting is declared once, on the field it fills: its name, default, help and check
together (config/schema.py says how). `validate()` walks the declarations and reports every
problem at once, each as `SETTING[index].field: what is wrong`, then raises ConfigError.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.config import pelican_loader, schema
from digest.config import sources as config_sources
from digest.config.draft import DECLARED as DRAFT_SETTINGS
from digest.config.schema import (
    Invalid,
    Reading,
    Setting,
    group,
    number,
    one_of,
    optional,
    setting,
)
from digest.config.send import SendSettings
from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.errors import ConfigError
from digest.models import DraftOptions, SectionRule, Source
from digest.periods import WEEKDAYS, PeriodStyle, period_style
from digest.text import places as gazetteer
from digest.text.places import Gazetteer

PAGE_SIZES = ("A4", "Letter")
AUDIO_ENGINES = ("festival", "espeak", "piper")
AUDIO_FORMATS = ("opus", "mp3")


def _zone(value: Any, reading: Reading) -> ZoneInfo:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown time zone {value!r}; use an IANA name such as 'Asia/Baghdad'"
        ) from None


def _weekday(value: Any, reading: Reading) -> int:
    day = str(value).strip().lower()
    if day not in WEEKDAYS:
        raise Invalid(f"{day!r} is not a weekday; use one of " + ", ".join(WEEKDAYS))
    return WEEKDAYS.index(day)


def _issue_title(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or "{period}" not in value:
        raise Invalid("must be a string containing {period}")
    try:
        value.format(sitename="", period="", number=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise Invalid(
            f"bad placeholder {exc}; use {{sitename}}, {{period}} and {{number}}"
        ) from None
    return value


def _period_style(value: Any, reading: Reading) -> PeriodStyle:
    try:
        return period_style(value)
    except ValueError as exc:
        raise Invalid(*exc.args) from None


def _date(value: Any, reading: Reading) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        raise Invalid("must be a date written YYYY-MM-DD")
    return str(value)


def _endpoints(value: Any, reading: Reading) -> frozenset[str]:
    """Endpoints written "ip:port" (IPv6 as "[::1]:8080"): collect/http.py compares them with
    the address it resolved."""
    shape = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):\d{1,5}")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise Invalid("must be a list of 'ip:port' strings")
    wrong = [
        f"{endpoint!r} is not an address and port like '10.0.0.5:8080' or '[::1]:8080'"
        for endpoint in value
        if not shape.fullmatch(endpoint)
    ]
    if wrong:
        raise Invalid(*wrong)
    return frozenset(value)


def _one_line(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n"):
        raise Invalid("must be a one-line string")
    return value


def _sender(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or "@" not in value or any(c in value for c in "\r\n"):
        raise Invalid("must be one address, e.g. 'Monitor <m@example.org>'")
    if not parseaddr(value)[1].isascii():
        raise Invalid(
            "the address must be ASCII (write an international domain in its xn-- form); "
            "the display name may be in any script"
        )
    return value


class _BundledGazetteer(Gazetteer):
    """A bundled gazetteer, parsed when first looked at: only drafting reads the places, and
    every other command would wait for the parse while its settings load. Once parsed it is
    the Gazetteer `load` makes, attribute for attribute. (A bundled file has no problems to
    report; a CSV of the project's is still read and checked with the settings.)"""

    def __init__(self, name: str, root: Path) -> None:  # Gazetteer.__init__ runs in the parse
        self._spec = (name, root)

    def __getattr__(self, name: str) -> Any:
        # Called only for what the instance lacks: the parsed tables, before the parse.
        if name.startswith("__") or name == "_spec":
            raise AttributeError(name)
        loaded = gazetteer.load(*self._spec)
        self.__dict__.update(vars(loaded))
        return getattr(self, name)


def _places(value: Any, reading: Reading) -> Gazetteer | None:
    if not isinstance(value, str):
        raise Invalid("must be 'iraq' or the path of a CSV gazetteer")
    if value in gazetteer.BUNDLED:
        return _BundledGazetteer(value, reading.root)
    try:
        return gazetteer.load(value, reading.root)
    except ConfigError as exc:  # its problems name the file and line themselves
        reading.problems.extend(exc.problems)
        return None


# DIGEST_DEPLOY: where `digest deploy` publishes output/. The grammar lives here, so that a
# bad value is a settings error like any other; digest/publish/deploy/target.py reads the
# parts of a URL that passed it, and checks `--to` with the same function.
DEPLOY_FORMS = (
    "ssh://[user@]host[:port]/path",
    "rsync://[user@]host[:port]/module/path",
    "s3://bucket[/prefix]",
    "git+file:///absolute/path[#branch]",
    "git+ssh://[user@]host[:port]/path[#branch]",
    "git+https://host/path[#branch]",
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_BRANCH_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


def check_deploy_url(url: Any) -> str:
    """A DIGEST_DEPLOY URL, stripped; ValueError saying what is wrong and what would do."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("must be a URL, one of " + ", ".join(DEPLOY_FORMS))
    url = url.strip()
    if any(c.isspace() for c in url) or not url.isprintable():
        raise ValueError(f"{url!r}: a URL has no spaces or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    form = next((f for f in DEPLOY_FORMS if f.startswith(f"{scheme}://")), None)
    if not scheme or form is None or not url.lower().startswith(f"{scheme}://"):
        raise ValueError(f"{url!r} is not a deploy URL; use one of " + ", ".join(DEPLOY_FORMS))
    wrong = f"{url!r} is not {form}"
    if parts.password is not None:
        raise ValueError(
            f"{url!r}: no password in the URL (it would sit in the settings file); use an "
            "SSH key, RSYNC_PASSWORD, the AWS_* variables or git's credential helper"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{wrong}: bad port") from None
    if parts.query or (parts.fragment and not scheme.startswith("git+")):
        raise ValueError(f"{wrong}: nothing may follow the path")
    path = unquote(parts.path)
    if scheme == "s3":
        if parts.username is not None or port is not None or not _BUCKET.fullmatch(parts.netloc):
            raise ValueError(
                f"{wrong}: a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens"
            )
        prefix = path.strip("/")
        if prefix and any(p in ("", ".", "..") for p in prefix.split("/")):
            raise ValueError(f"{wrong}: the prefix has an empty, '.' or '..' part")
        return url
    if scheme == "git+file":
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ValueError(f"{wrong}: it needs the repository's absolute path")
    elif not parts.hostname or not path.strip("/"):
        raise ValueError(f"{wrong}: it needs a host and a path")
    if parts.fragment:
        branch = unquote(parts.fragment)
        pieces = branch.split("/")
        if ".." in branch or not all(
            _BRANCH_PART.fullmatch(p) and not p.endswith(".lock") for p in pieces
        ):
            raise ValueError(f"{url!r}: {branch!r} is not a branch name")
    return url


def _deploy_url(value: Any, reading: Reading) -> str:
    try:
        return check_deploy_url(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


# Festival's voice goes into a Scheme expression, eSpeak NG's into an argument: a name only.
_AUDIO_VOICE_NAMES = {
    "festival": (re.compile(r"[a-z0-9_]+"), "a Festival voice name, e.g. 'cmu_us_slt_arctic_hts'"),
    "espeak": (re.compile(r"[A-Za-z0-9_+-]+"), "an eSpeak NG voice name, e.g. 'en-us'"),
}


def _audio_voice(value: Any, reading: Reading) -> str:
    """A voice of DIGEST_AUDIO_ENGINE: a name, or for Piper the path of a voice model
    (relative to the config). Whether it is installed is asked when audio is made."""
    if not isinstance(value, (str, Path)) or not str(value).strip() or not str(value).isprintable():
        raise Invalid("must be a voice name, or for piper the path of a voice model (.onnx)")
    engine = reading.checked.get("DIGEST_AUDIO_ENGINE")
    if engine == "piper":
        return str((reading.root / str(value)).resolve())
    shape, what = _AUDIO_VOICE_NAMES.get(str(engine), (None, ""))
    if shape is not None and not shape.fullmatch(str(value)):
        raise Invalid(f"{str(value)!r} is not {what}")
    return str(value)


def _audio_lexicon(value: Any, reading: Reading) -> Path:
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise Invalid("must be the path of a CSV file (abbreviation,spoken)")
    path = (reading.root / str(value)).resolve()
    if reading.checked.get("DIGEST_AUDIO") and not path.is_file():
        raise Invalid(f"no such file: {value}")
    return path


def _form_url(value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise Invalid("must be an http(s) URL the subscribe form posts to, or None")
    return value


@dataclass(frozen=True)
class Settings:
    """Validated settings: everything digest reads from pelican.conf.py.

    The first fields come from Pelican's own settings; the others each declare the DIGEST_*
    setting they are read from, in the order validate() checks them.
    """

    config_path: Path
    content_path: Path  # PATH
    output_path: Path  # OUTPUT_PATH
    sitename: str  # SITENAME
    site_url: str  # SITEURL, without its trailing /
    language: str  # DEFAULT_LANG
    # What the news is and where it comes from (the sources need the sections first).
    sections: tuple[SectionRule, ...] = setting(
        "DIGEST_SECTIONS",
        list(DEFAULT_SECTIONS),
        "Ordered sections with keywords.",
        config_sources.sections,
    )
    sources: tuple[Source, ...] = setting(
        "DIGEST_SOURCES",
        [],
        "News sources: list of dicts (name, url, kind, ...).",
        config_sources.sources,
    )
    # The calendar, the store and the issue.
    timezone: ZoneInfo = setting("DIGEST_TIMEZONE", "UTC", "IANA time zone of the newsroom.", _zone)
    week_ends_on: int = setting(  # 0 = Monday
        "DIGEST_WEEK_ENDS_ON",
        "thursday",
        "Weekday a weekly period ends on (inclusive).",
        _weekday,
    )
    store_path: Path = setting(
        "DIGEST_STORE_PATH",
        "digest.sqlite3",
        "SQLite store, relative to the config.",
        schema.project_path("file"),
    )
    issue_title: str = setting(
        "DIGEST_ISSUE_TITLE", "{sitename}: {period}", "Issue title template.", _issue_title
    )
    period_style: PeriodStyle = setting(
        "DIGEST_PERIOD_STYLE",
        "en-dash",
        "How periods read in titles, lists, feeds, PDF and email: a style name or a format.",
        _period_style,
    )
    first_issue: str | None = setting(
        "DIGEST_FIRST_ISSUE",
        None,
        "Week-ending date (YYYY-MM-DD) of issue number 1.",
        optional(_date),
    )
    # Fetching.
    fetch_timeout: float = setting(
        "DIGEST_FETCH_TIMEOUT", 30, "Total seconds allowed to fetch one source.", number(1, 600)
    )
    max_bytes: int = setting(
        "DIGEST_MAX_BYTES",
        10_000_000,
        "Largest response body accepted, in bytes.",
        number(1000, 10**9, int),
    )
    concurrency: int = setting(
        "DIGEST_CONCURRENCY", 8, "Sources fetched at once.", number(1, 64, int)
    )
    max_items: int = setting(
        "DIGEST_MAX_ITEMS_PER_SOURCE",
        500,
        "Most entries kept from one fetch of a source.",
        number(1, 100_000, int),
    )
    allow_private: frozenset[str] = setting(
        "DIGEST_ALLOW_PRIVATE",
        [],
        "Private/loopback endpoints ('host:port') sources may use; normally refused.",
        _endpoints,
    )
    user_agent: str = setting(
        "DIGEST_USER_AGENT",
        "digest/0.1 (+https://github.com/digest)",
        "HTTP User-Agent.",
        _one_line,
    )
    # PDFs.
    pdf_page_size: str = setting(
        "DIGEST_PDF_PAGE_SIZE", "A4", "PDF page size: A4 or Letter.", one_of(*PAGE_SIZES)
    )
    pdf_timeout: float = setting(
        "DIGEST_PDF_TIMEOUT", 120, "Seconds allowed to make one issue's PDF.", number(1, 3600)
    )
    pdf_memory_mb: int = setting(
        "DIGEST_PDF_MEMORY_MB",
        2048,
        "Memory (address space) one PDF renderer may use, MB.",
        number(256, 65536, int),
    )
    pdf_workers: int = setting(
        "DIGEST_PDF_WORKERS", 0, "PDFs made at once; 0: one per CPU core.", number(0, 64, int)
    )
    # The audio edition (digest/publish/audio/).
    audio: bool = setting(
        "DIGEST_AUDIO",
        False,
        "Make each issue's audio edition (audio file, chapters, transcript) in `digest build`.",
        schema.flag,
    )
    audio_engine: str = setting(
        "DIGEST_AUDIO_ENGINE",
        "festival",
        "Speech engine: festival, espeak or piper.",
        one_of(*AUDIO_ENGINES),
    )
    audio_voice: str | None = setting(
        "DIGEST_AUDIO_VOICE",
        None,
        "The engine's voice: a Festival or eSpeak NG voice name, or a Piper model (.onnx) "
        "path; None: the engine's default.",
        optional(_audio_voice),
    )
    audio_format: str = setting(
        "DIGEST_AUDIO_FORMAT", "opus", "Audio file format: opus or mp3.", one_of(*AUDIO_FORMATS)
    )
    audio_arabic: str = setting(
        "DIGEST_AUDIO_ARABIC",
        "voice",
        "Arabic paragraphs: 'voice' (read by eSpeak NG's Arabic voice) or 'skip' (a note).",
        one_of("voice", "skip", quoted=True),
    )
    audio_sources: str = setting(
        "DIGEST_AUDIO_SOURCES",
        "once",
        "Credits: 'once' (\"Sources: ...\" after each section) or 'none'.",
        one_of("once", "none", quoted=True),
    )
    audio_lexicon: Path | None = setting(
        "DIGEST_AUDIO_LEXICON",
        None,
        "CSV of abbreviation,spoken rows adding to or overriding the bundled lexicon.",
        optional(_audio_lexicon),
    )
    audio_timeout: float = setting(
        "DIGEST_AUDIO_TIMEOUT",
        300,
        "Seconds allowed to synthesise one chapter, or to encode one issue's audio.",
        number(1, 3600),
    )
    # Limits on what is read and sent.
    max_issue_bytes: int = setting(
        "DIGEST_MAX_ISSUE_BYTES",
        5_000_000,
        "Largest issue file read, in bytes.",
        number(1000, 10**9, int),
    )
    max_email_bytes: int = setting(
        "DIGEST_MAX_EMAIL_BYTES",
        2_000_000,
        "Largest email message sent, in bytes.",
        number(1000, 10**9, int),
    )
    email_from: str = setting(
        "DIGEST_EMAIL_FROM", "Newsletter <newsletter@example.org>", "From: of emails.", _sender
    )
    places: Gazetteer | None = setting(
        "DIGEST_PLACES",
        None,
        "Gazetteer for incident locations and cross-language merging: 'iraq' or a CSV path.",
        optional(_places),
        repr=False,
        compare=False,
    )
    subscribe_url: str | None = setting(
        "DIGEST_SUBSCRIBE_URL",
        None,
        "Where the site's subscribe form posts the reader's email address (http(s) URL).",
        optional(_form_url),
    )
    deploy: str | None = setting(
        "DIGEST_DEPLOY",
        None,
        "Where `digest deploy` publishes output/: an ssh://, rsync://, s3:// or git+ URL.",
        optional(_deploy_url),
    )
    send: SendSettings = group(SendSettings)
    draft: DraftOptions = group(DraftOptions, declared=DRAFT_SETTINGS)
    pelican: dict[str, Any] = field(repr=False, compare=False)  # the settings as Pelican read them

    @property
    def root(self) -> Path:
        return self.config_path.parent

    @property
    def issues_path(self) -> Path:
        return self.content_path / "issues"

    @property
    def cache_path(self) -> Path:
        """The project's cache folder (CACHE_PATH, beside the settings file): what is kept
        between runs to save time, never anything that would be lost without it."""
        return self.root / str(self.pelican.get("CACHE_PATH") or ".cache")

    def issue_files(self) -> list[Path]:
        """The issue files, in name order."""
        folder = self.issues_path
        return sorted([*folder.rglob("*.md"), *folder.rglob("*.markdown")])

    def section(self, key: str) -> SectionRule | None:
        return next((s for s in self.sections if s.key == key), None)

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


_DECLARED = schema.declarations(Settings)
# The one list of DIGEST_* settings. The README documents each; tests/test_docs.py checks.
SETTINGS: tuple[Setting, ...] = tuple(schema.walk(_DECLARED))
SETTING_NAMES = frozenset(s.name for s in SETTINGS)
_DEFAULTS = {s.name: s.default for s in SETTINGS}


def read_pelican_settings(path: Path) -> dict[str, Any]:
    """Run the config file through Pelican's own loader (quietly: it logs on defaults)."""
    if not path.is_file():
        raise ConfigError(
            "no such file; pass --config PATH or run from the project folder", path=str(path)
        )
    read_settings = pelican_loader.read_settings()
    pelican_log = logging.getLogger("pelican.settings")
    level = pelican_log.level
    pelican_log.setLevel(logging.ERROR)
    content = path.parent / "content"
    try:
        return read_settings(str(path))
    except ValueError as exc:
        if "path containing the content" in str(exc):
            raise ConfigError(
                f"PATH: the content folder does not exist; create it "
                f"(e.g. mkdir -p {content}/issues)",
                path=str(path),
            ) from exc
        raise ConfigError(f"could not run it: ValueError: {exc}", path=str(path)) from exc
    except SyntaxError as exc:
        raise ConfigError(f"line {exc.lineno}: {exc.msg}", path=str(path)) from exc
    except Exception as exc:  # the config is user code: any error in it is a user error
        raise ConfigError(f"could not run it: {type(exc).__name__}: {exc}", path=str(path)) from exc
    finally:
        pelican_log.setLevel(level)


def load(path: str | Path = "pelican.conf.py", *, compile_selectors: bool = True) -> Settings:
    """Read and validate the settings file; raise ConfigError listing every problem.

    compile_selectors=False leaves out compiling the sources' CSS selectors (their shape is
    still checked): commands that never scrape a page skip soupsieve's warm-up (about
    0.15 CPU-s with the sample's one scraped source).
    """
    config_path = Path(path).resolve()
    raw = read_pelican_settings(config_path)
    return validate(raw, config_path, compile_selectors=compile_selectors)


def validate(raw: dict[str, Any], config_path: Path, *, compile_selectors: bool = True) -> Settings:
    """The settings as Pelican read them, each checked in the order declared; ConfigError
    lists every problem found."""
    root = config_path.parent
    reading = Reading(raw, root, _DEFAULTS, compile_selectors)
    for name in sorted(k for k in raw if k.startswith("DIGEST_") and k not in SETTING_NAMES):
        close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see the README for the settings"
        reading.problems.append(f"{name}: unknown setting{hint}")

    declared = schema.read(_DECLARED, reading)

    site_url = str(raw.get("SITEURL") or "")
    if site_url and not site_url.startswith(("http://", "https://")):
        reading.problems.append(
            "SITEURL: must be an absolute http(s) URL (feeds and emails link to it)"
        )

    if reading.problems:
        raise ConfigError(reading.problems, path=str(config_path))

    return Settings(
        config_path=config_path,
        content_path=(root / str(raw.get("PATH") or "content")).resolve(),
        output_path=(root / str(raw.get("OUTPUT_PATH") or "output")).resolve(),
        sitename=str(raw.get("SITENAME") or "Newsletter"),
        site_url=site_url.rstrip("/"),
        language=str(raw.get("DEFAULT_LANG") or "en"),
        pelican=raw,
        **declared,
    )


def over_limit(size: int, setting: str, limit: int) -> str:
    """`52 MB, larger than DIGEST_MAX_ISSUE_BYTES (5 MB)`: sizes as people say them, in
    bytes when rounding would make the two look alike."""
    said, allowed = _size(size), _size(limit)
    if said == allowed:
        said, allowed = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{said}, larger than {setting} ({allowed})"


def _size(count: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if count >= scale:
            value = count / scale
            text = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{count:,} bytes"
