"""The podcast feed, feeds/podcast.xml: every issue with audio as an episode a podcast app
can subscribe to.

RSS 2.0 with the iTunes namespace (what Apple Podcasts and most apps read: author, owner,
square artwork, category, explicit, each episode's duration) and the Podcasting 2.0
namespace (podcast:guid for the show, podcast:transcript for the WebVTT transcript,
podcast:chapters for the JSON chapters). One <item> per published issue whose audio was
made (audio.py), newest first, all of them: an app shows the back catalogue too. Each
item's <enclosure> gives the file's absolute URL, its length in bytes and its type.

Written with DIGEST_AUDIO on and some issue having audio; with DIGEST_AUDIO on and no
audio at all, a feed an earlier build wrote is removed (it would list files that are
gone). The bytes depend on the issues and their audio only: ids never change (an
episode's guid is its issue's tag: URI, as in the RSS feed of issues, with "#audio"; the
show's podcast:guid is the UUIDv5 of the feed's URL that Podcasting 2.0 prescribes), and
the channel's dates are its newest episode's.

The artwork, feeds/podcast.png, is drawn from the site's name with the theme's fonts
(artwork.py): a site has no square logo of 1400 pixels.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parseaddr
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from feedgenerator import get_tag_uri
from pelican import signals

from digest import files
from digest.pelican_plugin.audio import PODCAST_PATH, PublishedAudio, enabled
from digest.pelican_plugin.pages import newest_first
from digest.pelican_plugin.reader import settings_for

ARTWORK_PATH = "feeds/podcast.png"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCASTING = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
# Podcasting 2.0's namespace for podcast:guid (its "guid" tag's documentation).
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CATEGORY = "News"  # Apple's category for news monitors
CHAPTERS_TYPE = "application/json+chapters"
TRANSCRIPT_TYPE = "text/vtt"


@dataclass(frozen=True)
class Show:
    title: str
    link: str  # the site's home page
    feed_url: str
    description: str
    language: str
    author: str
    email: str
    image_url: str


@dataclass(frozen=True)
class Episode:
    title: str
    link: str  # the issue page
    guid: str
    published: datetime
    updated: datetime
    summary: str
    number: int | None
    audio: PublishedAudio


def show_guid(feed_url: str) -> str:
    """podcast:guid: the UUIDv5 of the feed's URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def _item(episode: Episode, site_url: str) -> list[str]:
    audio = episode.audio
    lines = [
        "<item>",
        _element("title", episode.title),
        _element("link", episode.link),
        f'<guid isPermaLink="false">{escape(episode.guid)}</guid>',
        _element("pubDate", format_datetime(episode.published)),
        _element("description", episode.summary),
        f'<enclosure url={quoteattr(f"{site_url}/{audio.href}")} length="{audio.size}"'
        f" type={quoteattr(audio.mime_type)}/>",
        _element("itunes:duration", str(round(audio.duration))),
        "<itunes:episodeType>full</itunes:episodeType>",
    ]
    if episode.number is not None:
        lines.append(_element("itunes:episode", str(episode.number)))
    lines.append("<itunes:explicit>false</itunes:explicit>")
    if audio.transcript_href:
        url = quoteattr(f"{site_url}/{audio.transcript_href}")
        lines.append(f'<podcast:transcript url={url} type="{TRANSCRIPT_TYPE}"/>')
    if audio.chapters_href:
        url = quoteattr(f"{site_url}/{audio.chapters_href}")
        lines.append(f'<podcast:chapters url={url} type="{CHAPTERS_TYPE}"/>')
    lines.append("</item>")
    return lines


def podcast_xml(show: Show, episodes: list[Episode], site_url: str) -> str:
    """The feed; `episodes` newest first."""
    newest = episodes[0] if episodes else None
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0" xmlns:itunes="{ITUNES}" xmlns:podcast="{PODCASTING}"'
        f' xmlns:atom="{ATOM}">',
        "<channel>",
        _element("title", show.title),
        _element("link", show.link),
        f'<atom:link href={quoteattr(show.feed_url)} rel="self" type="application/rss+xml"/>',
        _element("description", show.description),
        _element("language", show.language),
    ]
    if newest is not None:
        lines.append(_element("pubDate", format_datetime(newest.published)))
        latest = max(e.updated for e in episodes)
        lines.append(_element("lastBuildDate", format_datetime(latest)))
    lines += [
        _element("generator", "digest"),
        "<image>",
        _element("url", show.image_url),
        _element("title", show.title),
        _element("link", show.link),
        "</image>",
        _element("podcast:guid", show_guid(show.feed_url)),
        _element("itunes:author", show.author),
        "<itunes:owner>",
        _element("itunes:name", show.author),
        _element("itunes:email", show.email),
        "</itunes:owner>",
        f"<itunes:image href={quoteattr(show.image_url)}/>",
        f"<itunes:category text={quoteattr(CATEGORY)}/>",
        "<itunes:explicit>false</itunes:explicit>",
        "<itunes:type>episodic</itunes:type>",
    ]
    for episode in episodes:
        lines += _item(episode, site_url)
    lines += ["</channel>", "</rss>"]
    return "\n".join(lines) + "\n"


def show_of(settings: dict[str, Any]) -> Show:
    digest_settings = settings_for(settings)
    site_url = digest_settings.site_url
    sitename = digest_settings.sitename
    return Show(
        title=sitename,
        link=f"{site_url}/",
        feed_url=f"{site_url}/{PODCAST_PATH}",
        description=str(settings.get("SITESUBTITLE") or "") or f"{sitename}, read aloud.",
        language=digest_settings.language,
        author=str(settings.get("AUTHOR") or "") or sitename,
        email=parseaddr(digest_settings.email_from)[1],
        image_url=f"{site_url}/{ARTWORK_PATH}",
    )


def episodes_of(articles: list[Any], site_url: str) -> list[Episode]:
    found = []
    for article in newest_first(articles):
        audio = getattr(article, "digest_audio", None)
        if audio is None:
            continue
        link = f"{site_url}/{article.url}"
        found.append(
            Episode(
                title=article.digest.title,
                link=link,
                guid=f"{get_tag_uri(link, article.date)}#audio",
                published=article.date,
                updated=getattr(article, "modified", None) or article.date,
                summary=article.digest.summary,
                number=article.digest.number,
                audio=audio,
            )
        )
    return found


def _fonts(settings: dict[str, Any]) -> Path:
    """The theme's fonts; digest's own theme's when a theme of one's own brings none."""
    own = Path(settings["THEME"]) / "static" / "fonts"
    if (own / "source-serif-4-700-normal.ttf").is_file():
        return own
    return Path(str(package_files("digest.themes") / "digest" / "static" / "fonts"))


def write_podcast(generator: Any, writer: Any = None) -> None:
    """`article_writer_finalized`: the podcast feed and its artwork."""
    settings = generator.settings
    if not enabled(settings):
        return
    output = Path(settings["OUTPUT_PATH"])
    site_url = settings_for(settings).site_url
    issues = [a for a in generator.articles if getattr(a, "digest", None) is not None]
    episodes = episodes_of(issues, site_url)
    if not episodes:
        for path in (PODCAST_PATH, ARTWORK_PATH):
            (output / path).unlink(missing_ok=True)
        return
    show = show_of(settings)
    # Imported only now: Pillow's import is paid by the sites with an audio edition alone.
    from digest.pelican_plugin.artwork import artwork_png

    files.write_if_changed(output / ARTWORK_PATH, artwork_png(show.title, _fonts(settings)))
    files.write_if_changed(
        output / PODCAST_PATH, podcast_xml(show, episodes, site_url).encode("utf-8")
    )


def register() -> None:
    signals.article_writer_finalized.connect(write_podcast)
