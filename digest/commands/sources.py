"""`digest sources add | import | export | test`: the glue between the settings file, the
network and OPML files.

The settings file is only ever changed through `write_sources`: the new entries are
inserted as text (config/edit.py), the file is written whole (digest.files), and the
settings are loaded again; if they no longer validate, or DIGEST_SOURCES does not read as
the old sources followed by the new ones, the old bytes go back and the caller gets the
block to paste by hand. The user's file is never left broken, and never lost.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from digest import config, files
from digest.collect.discover import FeedLink, advertised_feeds
from digest.collect.http import Fetched
from digest.collect.probe import Discovery, Probe, Prober
from digest.collect.rss_atom import looks_like_html, one_line
from digest.config import Settings, edit, opml
from digest.errors import ConfigError, DigestError, FetchError, ParseError, SettingsNotEditable
from digest.models import Source

MAX_NAME = 80  # characters of a name made from a feed's title
MAX_OPML_BYTES = 20_000_000  # a reader's export of thousands of feeds is a few MB
_ADDRESS = re.compile(r"private address (\S+)$")


@dataclass(frozen=True)
class Added:
    discovery: Discovery
    entry: dict[str, object]  # what goes into DIGEST_SOURCES (write_sources writes it)
    block: str  # the entry as it goes inside DIGEST_SOURCES = [...]
    notes: tuple[str, ...] = ()


@dataclass
class Imported:
    feeds: int  # feeds in the file
    entries: list[dict[str, object]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "'X': already source 'Y'"
    renamed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the file held that is no feed
    sections: Counter[str] = field(default_factory=Counter)  # section key: sources given it
    unmatched: Counter[str] = field(default_factory=Counter)  # categories naming no section


@dataclass(frozen=True)
class Exported:
    data: bytes
    count: int
    left_out: tuple[str, ...]


@dataclass(frozen=True)
class Trial:
    source: Source
    probe: Probe
    configured: bool  # a source of the settings, or a URL tried as one


# --------------------------------------------------------------------------- add


def add_source(
    settings: Settings,
    url: str,
    *,
    now: datetime,
    name: str | None = None,
    section: str | None = None,
    language: str | None = None,
) -> Added:
    """Find the feed at `url` (a feed, or a page that leads to one), fetch it once, and make
    its DIGEST_SOURCES entry (write_sources writes it). DigestError names the URL and what
    to do: it is already a source, no feed was found, the name is taken …"""
    refuse_known_url(settings, url, url)
    if name is not None:
        name = " ".join(name.split())
        refuse_known_name(settings, name, f"--name {name!r}")
    with Prober(settings, now) as prober:
        try:
            discovery = prober.discover(url)
        except FetchError as exc:
            raise FetchError(
                f"{url}: could not fetch: {exc}{private_hint(str(exc), url)}"
            ) from None
        except ParseError as exc:
            raise ParseError(f"{url}: {exc}") from None
    probe = discovery.probe
    for found in dict.fromkeys((probe.url, probe.final_url)):
        refuse_known_url(settings, found, f"{url}: its feed {found}")
    notes = []
    if name is None:
        name = feed_name(probe)
        refuse_known_name(
            settings, name, f"{url}: the feed's title {name!r}", hint="; choose another with --name"
        )
    entry: dict[str, object] = {"name": name, "url": probe.url}
    if section:
        entry["section"] = section
    declared = feed_language(probe)
    if language or declared:
        entry["language"] = language or declared
    site = article_host(probe)
    if site:
        entry["domains"] = [site]
        notes.append(f"its articles are on {site}: added to domains, so links there credit it")
    if not probe.items:
        notes.append("the feed has no items right now; it is added all the same")
    if probe.final_url != probe.url:
        notes.append(
            f"{probe.url} redirects to {probe.final_url}; the address you gave is kept "
            "(add the other one instead if the move is for good)"
        )
    return Added(discovery, entry, edit.paste_block([entry]), tuple(notes))


def feed_name(probe: Probe) -> str:
    """A source name from the feed's title (one line, at most MAX_NAME characters), else
    the host its articles are on."""
    title = one_line(probe.title or "", MAX_NAME)
    return title or article_host(probe) or _host(probe.url)


def feed_language(probe: Probe) -> str | None:
    """The language the feed declares, when all its items agree on one."""
    languages = {item.language for item in probe.items if item.language}
    if len(languages) == 1:
        language = languages.pop()
        if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", language):
            return language
    return None


def article_host(probe: Probe) -> str | None:
    """The host most of the feed's articles are on, when that is not the feed's own host
    (feeds.feedburner.com, a feed service, a CDN)."""
    hosts = Counter(_domain(item.url) for item in probe.items if item.url)
    hosts.pop(None, None)
    if not hosts:
        return None
    host, count = hosts.most_common(1)[0]
    if count * 2 < sum(hosts.values()) or host in (_domain(probe.url), _domain(probe.final_url)):
        return None
    return host


def private_hint(message: str, url: str) -> str:
    """What to do when the safe client refused a loopback/private address."""
    match = _ADDRESS.search(message)
    if not match:
        return ""
    address = match.group(1)
    try:
        port = urlsplit(url).port or (443 if url.startswith("https:") else 80)
    except ValueError:
        port = 80
    shown = f"[{address}]" if ":" in address else address
    return (
        "; digest fetches loopback, private and link-local addresses only when they are "
        f'listed in DIGEST_ALLOW_PRIVATE, e.g. DIGEST_ALLOW_PRIVATE = ["{shown}:{port}"]'
    )


# --------------------------------------------------------------------------- import, export


def import_opml(settings: Settings, path: Path) -> Imported:
    """The entries for every feed of an OPML file that is not a source yet (write_sources
    writes them, in one edit); nothing is fetched."""
    shown = files.shown(path)
    subscriptions = opml.read_opml(_read(path, shown), shown)
    result = Imported(feeds=len(subscriptions.feeds), notes=list(subscriptions.notes))
    urls = {feed_key(s.url): s.name for s in settings.sources}
    names = {s.name.casefold(): s.name for s in settings.sources}
    for feed in subscriptions.feeds:
        label = feed.title or feed.xml_url
        known = urls.get(feed_key(feed.xml_url))
        if known is not None:
            result.skipped.append(f"{label!r}: its feed is already source {known!r}")
            continue
        wanted = (feed.title[:MAX_NAME].rstrip() if feed.title else "") or _host(feed.xml_url)
        name = _free_name(wanted, feed.xml_url, names)
        if name != wanted:
            result.renamed.append(f"{wanted!r} is already a source's name: added as {name!r}")
        entry: dict[str, object] = {"name": name, "url": feed.xml_url}
        matched = opml.section_for(feed.categories, settings.sections)
        if matched:
            entry["section"] = matched[0]
            result.sections[matched[0]] += 1
        else:
            for path_parts in feed.categories[:1]:
                result.unmatched["/".join(path_parts)] += 1
        if feed.language:
            entry["language"] = feed.language
        site = _domain(feed.html_url or "")
        if site and site != _domain(feed.xml_url):
            entry["domains"] = [site]
        result.entries.append(entry)
        urls[feed_key(feed.xml_url)] = name
        names[name.casefold()] = name
    return result


def export_opml(settings: Settings, now: datetime) -> Exported:
    """OPML 2.0 of the settings' http(s) feed sources; what a feed reader cannot read (local
    files, html pages read with selectors) is left out, each with why."""
    feeds, left_out = [], []
    for source in settings.sources:
        if not source.is_remote:
            where = os.path.relpath(source.url, settings.root)
            left_out.append(f"{source.name!r}: a file of this project ({where})")
        elif source.kind != "feed":
            left_out.append(f"{source.name!r}: an html page read with selectors, not a feed")
        else:
            feeds.append(source)
    data = opml.write_opml(feeds, settings.sections, title=settings.sitename, now=now)
    return Exported(data, len(feeds), tuple(left_out))


def _read(path: Path, shown: str) -> bytes:
    try:
        if not path.is_file():
            raise DigestError(f"{shown}: no such file; give the OPML file a feed reader exported")
        with path.open("rb") as stream:
            data = stream.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise files.failure(exc, path, writing=False) from None
    if len(data) > MAX_OPML_BYTES:
        raise DigestError(f"{shown}: larger than {MAX_OPML_BYTES:,} bytes; is it an OPML file?")
    return data


def _free_name(wanted: str, url: str, names: Mapping[str, str]) -> str:
    """`wanted`, or when a source has that name, "wanted (host)", then "wanted (2)" …"""
    if wanted.casefold() not in names:
        return wanted
    candidate = f"{wanted} ({_host(url)})"
    number = 2
    while candidate.casefold() in names:
        candidate = f"{wanted} ({number})"
        number += 1
    return candidate


# --------------------------------------------------------------------------- test


def try_source(settings: Settings, what: str, now: datetime) -> Trial:
    """One unconditional fetch of a source (by name) or a URL, parsed, sanitized and
    normalized as collect would: nothing is written, the store is not even opened."""
    source = find_source(settings, what)
    configured = source is not None
    if source is None:
        if not _is_http_url(what):
            names = ", ".join(repr(s.name) for s in settings.sources) or "none yet"
            raise DigestError(
                f"{what!r}: no source has that name and it is not an http(s) URL (sources: {names})"
            )
        source = Source(name=_host(what), url=what)
    with Prober(settings, now) as prober:
        try:
            fetched = prober.fetch(source)
        except FetchError as exc:
            hint = private_hint(str(exc), source.url)
            raise FetchError(f"{source.name}: could not fetch {source.url}: {exc}{hint}") from None
        try:
            probe = prober.read(fetched, source)
        except ParseError as exc:
            links = advertised_feeds(fetched.body, fetched.url) if _page(fetched) else []
            raise ParseError(f"{source.name}: {exc}{_advertised_hint(links)}") from None
    return Trial(source, probe, configured)


def find_source(settings: Settings, what: str) -> Source | None:
    """The source named `what` (exactly, else ignoring case), else the one at URL `what`."""
    found = settings.source(what)
    if found is None:
        found = next((s for s in settings.sources if s.name.casefold() == what.casefold()), None)
    if found is None and _is_http_url(what):
        found = next((s for s in settings.sources if feed_key(s.url) == feed_key(what)), None)
    return found


def _page(fetched: Fetched) -> bool:
    content_type = fetched.headers.get("content-type", "").lower()
    return looks_like_html(fetched.body) or "html" in content_type


def _advertised_hint(links: Sequence[FeedLink]) -> str:
    if not links:
        return ""
    shown = ", ".join(f"{link.url} ({link.format})" for link in links[:5])
    return f"; the page advertises {shown}: `digest sources add URL` picks one"


# --------------------------------------------------------------------------- the settings file


def write_sources(settings: Settings, entries: Sequence[Mapping[str, object]]) -> Path:
    """Add `entries` to DIGEST_SOURCES in the settings file, checked: afterwards the settings
    validate and hold the old sources and then the new ones, or the file is put back as it
    was and SettingsNotEditable says why (with the block to paste)."""
    path = settings.config_path
    shown = files.shown(path)
    try:
        original = path.read_bytes()
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise files.failure(exc, path, writing=False) from None
    if not mode & 0o222 or not os.access(path, os.W_OK):
        # A rename would replace it all the same: a read-only file says "don't".
        raise SettingsNotEditable(
            f"{shown}: left as it was, since it is read-only; make it writable, or paste "
            f"the entries printed above into {edit.NAME} yourself",
            edit.paste_block(entries),
        )
    edited = edit.add_sources(original, entries, where=shown)
    _replace(path, edited, mode)
    try:
        problem = _not_as_planned(settings, config.load(path), entries)
    except ConfigError as exc:
        problem = "the settings do not validate: " + "; ".join(exc.problems)
    except BaseException:
        _replace(path, original, mode)  # interrupted while checking: never leave it half-done
        raise
    if problem:
        _replace(path, original, mode)
        raise SettingsNotEditable(
            f"{shown}: put back as it was, since after the edit {problem}; fix that, "
            f"or paste the entries printed above into {edit.NAME} yourself",
            edit.paste_block(entries),
        )
    return path


def _replace(path: Path, data: bytes, mode: int) -> None:
    files.write_bytes(path, data)
    try:
        os.chmod(path, mode)  # the new file is the old one's: same permissions
    except OSError as exc:
        raise files.failure(exc, path) from None


def _not_as_planned(
    before: Settings, after: Settings, entries: Sequence[Mapping[str, object]]
) -> str | None:
    old, new = before.sources, after.sources
    if new[: len(old)] != old:
        return f"{edit.NAME} no longer read as before (something else in the file changes it)"
    added = [s.name for s in new[len(old) :]]
    if added != [e["name"] for e in entries]:
        return (
            f"{edit.NAME} did not end with the new entries (something else in the file changes it)"
        )
    return None


# --------------------------------------------------------------------------- names and URLs


def refuse_known_url(settings: Settings, url: str, subject: str) -> None:
    key = feed_key(url)
    known = next((s for s in settings.sources if feed_key(s.url) == key), None)
    if known is not None:
        raise DigestError(f"{subject}: already source {known.name!r}; nothing was added")


def refuse_known_name(settings: Settings, name: str, subject: str, *, hint: str = "") -> None:
    if not name:
        raise DigestError(f"{subject}: a source needs a name; pass --name")
    known = next((s for s in settings.sources if s.name.casefold() == name.casefold()), None)
    if known is not None:
        raise DigestError(f"{subject} is already the name of source {known.name!r}{hint}")


def feed_key(url: str) -> tuple[str, ...]:
    """What makes two feed URLs the same feed: host (no "www."), port, path (no trailing
    "/"), query; not the scheme (http and https serve the same feed) or the fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return (url.strip(),)
    if parts.scheme.lower() not in ("http", "https"):
        return (url.strip(),)
    default = port in (None, 80, 443)
    host = (parts.hostname or "").removeprefix("www.")
    return (host, "" if default else str(port), parts.path.rstrip("/"), parts.query)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _domain(url: str) -> str | None:
    """The host of `url` as DIGEST_SOURCES' `domains` takes it (an international name in its
    xn-- form), or None when it is no such name (an IPv6 address)."""
    host = _host(url)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return host if re.fullmatch(r"[a-z0-9.-]+", host) else None


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
