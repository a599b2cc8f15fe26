"""DIGEST_* settings: read with Pelican's settings loader, validated once into frozen data.

Every setting is declared once in SETTINGS (name, default, help). `load()` reports every
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
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.config import draft as config_draft
from digest.config import send as config_send
from digest.config.send import SendSettings
from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.errors import ConfigError
from digest.models import DraftOptions, SectionRule, Selectors, Source
from digest.periods import WEEKDAYS
from digest.text import places as gazetteer
from digest.text.places import Gazetteer

SOURCE_KINDS = ("feed", "html")
PAGE_SIZES = ("A4", "Letter")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


# The one list of DIGEST_* settings. The README documents each; tests/test_docs.py checks.
SETTINGS: tuple[Setting, ...] = (
    Setting("DIGEST_SOURCES", [], "News sources: list of dicts (name, url, kind, ...)."),
    Setting("DIGEST_SECTIONS", list(DEFAULT_SECTIONS), "Ordered sections with keywords."),
    Setting("DIGEST_TIMEZONE", "UTC", "IANA time zone of the newsroom."),
    Setting("DIGEST_WEEK_ENDS_ON", "thursday", "Weekday a weekly period ends on (inclusive)."),
    Setting("DIGEST_STORE_PATH", "digest.sqlite3", "SQLite store, relative to the config."),
    Setting("DIGEST_ISSUE_TITLE", "{sitename}: {period}", "Issue title template."),
    Setting("DIGEST_FIRST_ISSUE", None, "Week-ending date (YYYY-MM-DD) of issue number 1."),
    Setting(
        "DIGEST_PLACES",
        None,
        "Gazetteer for incident locations and cross-language merging: 'iraq' or a CSV path.",
    ),
    Setting("DIGEST_FETCH_TIMEOUT", 30, "Total seconds allowed to fetch one source."),
    Setting("DIGEST_MAX_BYTES", 10_000_000, "Largest response body accepted, in bytes."),
    Setting("DIGEST_CONCURRENCY", 8, "Sources fetched at once."),
    Setting("DIGEST_MAX_ITEMS_PER_SOURCE", 500, "Most entries kept from one fetch of a source."),
    Setting(
        "DIGEST_ALLOW_PRIVATE",
        [],
        "Private/loopback endpoints ('host:port') sources may use; normally refused.",
    ),
    Setting("DIGEST_USER_AGENT", "digest/0.1 (+https://github.com/digest)", "HTTP User-Agent."),
    Setting("DIGEST_PDF_PAGE_SIZE", "A4", "PDF page size: A4 or Letter."),
    Setting("DIGEST_PDF_TIMEOUT", 120, "Seconds allowed to make one issue's PDF."),
    Setting("DIGEST_PDF_MEMORY_MB", 2048, "Memory (address space) one PDF renderer may use, MB."),
    Setting("DIGEST_PDF_WORKERS", 0, "PDFs made at once; 0: one per CPU core."),
    Setting("DIGEST_MAX_ISSUE_BYTES", 5_000_000, "Largest issue file read, in bytes."),
    Setting("DIGEST_MAX_EMAIL_BYTES", 2_000_000, "Largest email message sent, in bytes."),
    Setting(
        "DIGEST_SUBSCRIBE_URL",
        None,
        "Where the site's subscribe form posts the reader's email address (http(s) URL).",
    ),
    Setting("DIGEST_EMAIL_FROM", "Newsletter <newsletter@example.org>", "From: of emails."),
    *(Setting(*declared) for declared in config_draft.DECLARED),
    *(Setting(*declared) for declared in config_send.DECLARED),
)
SETTING_NAMES = frozenset(s.name for s in SETTINGS)


@dataclass(frozen=True)
class Settings:
    """Validated settings: everything digest reads from pelican.conf.py."""

    config_path: Path
    sources: tuple[Source, ...]
    sections: tuple[SectionRule, ...]
    timezone: ZoneInfo
    week_ends_on: int  # 0 = Monday
    store_path: Path
    content_path: Path
    output_path: Path
    sitename: str
    site_url: str
    language: str
    issue_title: str
    first_issue: str | None
    fetch_timeout: float
    max_bytes: int
    concurrency: int
    max_items: int
    allow_private: frozenset[str]
    user_agent: str
    pdf_page_size: str
    pdf_timeout: float
    pdf_memory_mb: int
    pdf_workers: int  # 0: one per core
    email_from: str
    send: SendSettings
    draft: DraftOptions = field(default_factory=DraftOptions)
    max_issue_bytes: int = 5_000_000
    max_email_bytes: int = 2_000_000
    places: Gazetteer | None = field(repr=False, compare=False, default=None)
    subscribe_url: str | None = None
    pelican: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config_path.parent

    @property
    def issues_path(self) -> Path:
        return self.content_path / "issues"

    def section(self, key: str) -> SectionRule | None:
        return next((s for s in self.sections if s.key == key), None)

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def read_pelican_settings(path: Path) -> dict[str, Any]:
    """Run the config file through Pelican's own loader (quietly: it logs on defaults)."""
    if not path.is_file():
        raise ConfigError(
            "no such file; pass --config PATH or run from the project folder", path=str(path)
        )
    from pelican.settings import read_settings

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
    still checked): commands that never scrape a page skip soupsieve's 0.25 s warm-up.
    """
    config_path = Path(path).resolve()
    raw = read_pelican_settings(config_path)
    return validate(raw, config_path, compile_selectors=compile_selectors)


def validate(raw: dict[str, Any], config_path: Path, *, compile_selectors: bool = True) -> Settings:
    problems: list[str] = []
    root = config_path.parent

    for name in sorted(k for k in raw if k.startswith("DIGEST_") and k not in SETTING_NAMES):
        close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see the README for the settings"
        problems.append(f"{name}: unknown setting{hint}")

    def get(name: str) -> Any:
        default = next(s.default for s in SETTINGS if s.name == name)
        return raw.get(name, default)

    sections = _sections(get("DIGEST_SECTIONS"), problems)
    section_keys = {s.key for s in sections}
    sources = _sources(get("DIGEST_SOURCES"), root, section_keys, problems, compile_selectors)

    tz_name = get("DIGEST_TIMEZONE")
    timezone = ZoneInfo("UTC")
    try:
        timezone = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"DIGEST_TIMEZONE: unknown time zone {tz_name!r}; use an IANA name "
            "such as 'Asia/Baghdad'"
        )

    week_end = str(get("DIGEST_WEEK_ENDS_ON")).strip().lower()
    if week_end not in WEEKDAYS:
        problems.append(
            f"DIGEST_WEEK_ENDS_ON: {week_end!r} is not a weekday; use one of " + ", ".join(WEEKDAYS)
        )

    store = get("DIGEST_STORE_PATH")
    if not isinstance(store, (str, Path)) or not str(store).strip():
        problems.append("DIGEST_STORE_PATH: must be a file path")
        store = "digest.sqlite3"

    title = get("DIGEST_ISSUE_TITLE")
    if not isinstance(title, str) or "{period}" not in title:
        problems.append("DIGEST_ISSUE_TITLE: must be a string containing {period}")
        title = "{sitename}: {period}"
    else:
        try:
            title.format(sitename="", period="", number=1)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(
                f"DIGEST_ISSUE_TITLE: bad placeholder {exc}; use {{sitename}}, "
                "{period} and {number}"
            )

    first = get("DIGEST_FIRST_ISSUE")
    if first is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(first)):
        problems.append("DIGEST_FIRST_ISSUE: must be a date written YYYY-MM-DD")

    timeout = _number("DIGEST_FETCH_TIMEOUT", get("DIGEST_FETCH_TIMEOUT"), 1, 600, problems)
    max_bytes = _number("DIGEST_MAX_BYTES", get("DIGEST_MAX_BYTES"), 1000, 10**9, problems)
    concurrency = _number("DIGEST_CONCURRENCY", get("DIGEST_CONCURRENCY"), 1, 64, problems)
    max_items = _number(
        "DIGEST_MAX_ITEMS_PER_SOURCE", get("DIGEST_MAX_ITEMS_PER_SOURCE"), 1, 100_000, problems
    )
    allow_private = _endpoints(get("DIGEST_ALLOW_PRIVATE"), problems)
    agent = get("DIGEST_USER_AGENT")
    if not isinstance(agent, str) or not agent.strip() or any(c in agent for c in "\r\n"):
        problems.append("DIGEST_USER_AGENT: must be a one-line string")
    page = get("DIGEST_PDF_PAGE_SIZE")
    if page not in PAGE_SIZES:
        problems.append(f"DIGEST_PDF_PAGE_SIZE: {page!r} is not one of " + ", ".join(PAGE_SIZES))
    pdf_timeout = _number("DIGEST_PDF_TIMEOUT", get("DIGEST_PDF_TIMEOUT"), 1, 3600, problems)
    pdf_memory = _number("DIGEST_PDF_MEMORY_MB", get("DIGEST_PDF_MEMORY_MB"), 256, 65536, problems)
    pdf_workers = _number("DIGEST_PDF_WORKERS", get("DIGEST_PDF_WORKERS"), 0, 64, problems)
    # Whole bytes: a limit is compared with file and message sizes, never a fraction.
    max_issue = _number(
        "DIGEST_MAX_ISSUE_BYTES", get("DIGEST_MAX_ISSUE_BYTES"), 1000, 10**9, problems
    )
    max_email = _number(
        "DIGEST_MAX_EMAIL_BYTES", get("DIGEST_MAX_EMAIL_BYTES"), 1000, 10**9, problems
    )
    sender = get("DIGEST_EMAIL_FROM")
    if not isinstance(sender, str) or "@" not in sender or any(c in sender for c in "\r\n"):
        problems.append("DIGEST_EMAIL_FROM: must be one address, e.g. 'Monitor <m@example.org>'")
    elif not parseaddr(sender)[1].isascii():
        problems.append(
            "DIGEST_EMAIL_FROM: the address must be ASCII (write an international domain in "
            "its xn-- form); the display name may be in any script"
        )

    places = None
    if get("DIGEST_PLACES") is not None:
        if not isinstance(get("DIGEST_PLACES"), str):
            problems.append("DIGEST_PLACES: must be 'iraq' or the path of a CSV gazetteer")
        else:
            try:
                places = gazetteer.load(get("DIGEST_PLACES"), root)
            except ConfigError as exc:
                problems.extend(exc.problems)

    subscribe = get("DIGEST_SUBSCRIBE_URL")
    if subscribe is not None and (
        not isinstance(subscribe, str) or not subscribe.startswith(("http://", "https://"))
    ):
        problems.append(
            "DIGEST_SUBSCRIBE_URL: must be an http(s) URL the subscribe form posts to, or None"
        )

    send = config_send.read(get, root, problems, _number, str(sender))
    draft = config_draft.read(get, problems)

    site_url = str(raw.get("SITEURL") or "")
    if site_url and not site_url.startswith(("http://", "https://")):
        problems.append("SITEURL: must be an absolute http(s) URL (feeds and emails link to it)")

    if problems:
        raise ConfigError(problems, path=str(config_path))

    return Settings(
        config_path=config_path,
        sources=sources,
        sections=sections,
        timezone=timezone,
        week_ends_on=WEEKDAYS.index(week_end),
        store_path=(root / str(store)).resolve(),
        content_path=(root / str(raw.get("PATH") or "content")).resolve(),
        output_path=(root / str(raw.get("OUTPUT_PATH") or "output")).resolve(),
        sitename=str(raw.get("SITENAME") or "Newsletter"),
        site_url=site_url.rstrip("/"),
        language=str(raw.get("DEFAULT_LANG") or "en"),
        issue_title=title,
        first_issue=str(first) if first is not None else None,
        fetch_timeout=float(timeout),
        max_bytes=int(max_bytes),
        concurrency=int(concurrency),
        max_items=int(max_items),
        allow_private=allow_private,
        user_agent=str(agent),
        pdf_page_size=str(page),
        pdf_timeout=float(pdf_timeout),
        pdf_memory_mb=int(pdf_memory),
        pdf_workers=int(pdf_workers),
        email_from=str(sender),
        send=send,
        draft=draft,
        max_issue_bytes=int(max_issue),
        max_email_bytes=int(max_email),
        places=places,
        subscribe_url=subscribe,
        pelican=raw,
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


def _number(name: str, value: Any, low: float, high: float, problems: list[str]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        problems.append(f"{name}: must be a number from {low:g} to {high:g}, got {value!r}")
        return low
    return value


def _endpoints(value: Any, problems: list[str]) -> frozenset[str]:
    """DIGEST_ALLOW_PRIVATE: "ip:port" endpoints (IPv6 as "[::1]:8080"), as collect/http.py
    compares them with the address it resolved."""
    shape = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):\d{1,5}")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        problems.append("DIGEST_ALLOW_PRIVATE: must be a list of 'ip:port' strings")
        return frozenset()
    for endpoint in value:
        if not shape.fullmatch(endpoint):
            problems.append(
                f"DIGEST_ALLOW_PRIVATE: {endpoint!r} is not an address and port like "
                "'10.0.0.5:8080' or '[::1]:8080'"
            )
    return frozenset(value)


def _sections(value: Any, problems: list[str]) -> tuple[SectionRule, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        problems.append("DIGEST_SECTIONS: must be a non-empty list of dicts (key, title, keywords)")
        return ()
    sections: list[SectionRule] = []
    seen: set[str] = set()
    for i, entry in enumerate(value):
        where = f"DIGEST_SECTIONS[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a dict with key, title and keywords")
            continue
        _unknown_fields(where, entry, {"key", "title", "keywords", "description"}, problems)
        key = entry.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            problems.append(
                f"{where}.key: must be lowercase letters, digits or '-' "
                f"(it becomes the HTML id), got {key!r}"
            )
            continue
        if key in seen or key in {"key-takeaways", "incidents"}:
            problems.append(f"{where}.key: {key!r} is used twice or reserved")
        seen.add(key)
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{where}.title: must be a non-empty string")
            title = key.title()
        keywords = entry.get("keywords", [])
        if not isinstance(keywords, (list, tuple)) or not all(
            isinstance(k, str) and k.strip() for k in keywords
        ):
            problems.append(f"{where}.keywords: must be a list of words or phrases")
            keywords = []
        description = entry.get("description")
        if description is not None and not isinstance(description, str):
            problems.append(f"{where}.description: must be a string")
            description = None
        sections.append(
            SectionRule(
                key=key,
                title=title.strip(),
                keywords=tuple(k.strip().lower() for k in keywords),
                description=description,
            )
        )
    return tuple(sections)


def _sources(
    value: Any, root: Path, section_keys: set[str], problems: list[str], compile_selectors: bool
) -> tuple[Source, ...]:
    if not isinstance(value, (list, tuple)):
        problems.append("DIGEST_SOURCES: must be a list of dicts (name, url, ...)")
        return ()
    sources: list[Source] = []
    names: set[str] = set()
    allowed = {"name", "url", "kind", "section", "language", "selectors", "domains", "enabled"}
    for i, entry in enumerate(value):
        where = f"DIGEST_SOURCES[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a dict with at least name and url")
            continue
        _unknown_fields(where, entry, allowed, problems)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip() or any(c in name for c in "\r\n\x00"):
            problems.append(f"{where}.name: must be a one-line, non-empty string")
            continue
        name = name.strip()
        if name.lower() in names:
            problems.append(f"{where}.name: {name!r} is used by another source")
        names.add(name.lower())
        url = _source_url(f"{where}.url", entry.get("url"), root, problems)
        kind = entry.get("kind", "feed")
        if kind not in SOURCE_KINDS:
            problems.append(f"{where}.kind: must be 'feed' or 'html', got {kind!r}")
        section = entry.get("section")
        if section is not None and section not in section_keys:
            problems.append(f"{where}.section: {section!r} is not a key of DIGEST_SECTIONS")
        language = entry.get("language")
        if language is not None and not (
            isinstance(language, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", language)
        ):
            problems.append(f"{where}.language: must be a language tag such as 'en' or 'ar'")
            language = None
        selectors = _selectors(
            f"{where}.selectors", entry.get("selectors"), kind, problems, compile_selectors
        )
        domains = entry.get("domains", [])
        if not isinstance(domains, (list, tuple)) or not all(
            isinstance(d, str) and re.fullmatch(r"[a-z0-9.-]+", d.lower()) for d in domains
        ):
            problems.append(f"{where}.domains: must be a list of host names")
            domains = []
        domains = [d.lower().removeprefix("www.") for d in domains]
        if url and url.startswith(("http://", "https://")):
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            if host and host not in domains:
                domains.append(host)
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append(f"{where}.enabled: must be True or False")
        if url is None:
            continue
        sources.append(
            Source(
                name=name,
                url=url,
                kind=kind if kind in SOURCE_KINDS else "feed",
                section=section,
                language=language,
                selectors=selectors,
                domains=tuple(domains),
                enabled=enabled is not False,
            )
        )
    return tuple(sources)


def _source_url(where: str, url: Any, root: Path, problems: list[str]) -> str | None:
    if not isinstance(url, str) or not url.strip():
        problems.append(f"{where}: missing; give an http(s) URL or a path relative to the config")
        return None
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(url).hostname:
            problems.append(f"{where}: {url!r} has no host name")
            return None
        return url
    # Anything else must be a bundled file inside the project: never an absolute path, a
    # home directory or another scheme, so a config can't make us read /etc/passwd.
    if scheme or url.startswith(("/", "~", "\\")) or ".." in Path(url).parts:
        problems.append(f"{where}: {url!r} is not an http(s) URL or a file inside the project")
        return None
    path = (root / url).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        problems.append(f"{where}: {url!r} is not an http(s) URL or an existing file")
        return None
    return str(path)


def _selectors(
    where: str, value: Any, kind: str, problems: list[str], compile_selectors: bool
) -> Selectors | None:
    if value is None:
        if kind == "html":
            problems.append(f"{where}: an html source needs selectors (item, title, link)")
        return None
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a dict of CSS selectors")
        return None
    _unknown_fields(where, value, {"item", "title", "link", "date", "summary"}, problems)
    good = True
    for part in ("item", "title", "link", "date", "summary"):
        selector = value.get(part)
        if selector is None:
            if part in ("item", "title", "link"):
                problems.append(f"{where}.{part}: missing CSS selector")
                good = False
            continue
        if not compile_selectors:
            continue
        from soupsieve import SelectorSyntaxError
        from soupsieve import compile as compile_selector

        try:
            compile_selector(str(selector))
        except SelectorSyntaxError as exc:
            problems.append(
                f"{where}.{part}: bad CSS selector {selector!r}: {str(exc).splitlines()[0]}"
            )
            good = False
    if not good:
        return None
    return Selectors(
        item=value["item"],
        title=value["title"],
        link=value["link"],
        date=value.get("date"),
        summary=value.get("summary"),
    )


def _unknown_fields(where: str, entry: dict, allowed: set[str], problems: list[str]) -> None:
    for key in sorted(set(entry) - allowed, key=str):
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(f"{where}: unknown field {key!r}{hint}")
