"""The audio edition published (issue 24, item 4): the player on the issue page, the
"audio" of issue.json, the link in the email edition, and feeds/podcast.xml.

The audio is the outside world here: real Ogg Opus and MP3 files made by ffmpeg (a tone),
with a hand-written .chapters.json and .vtt beside the page, where `digest audio` puts
them. The site is built by digest's own Pelican run (digest.commands.build.run_pelican)
and the email edition by write_email_edition, as `digest build` does after making the
audio; feeds are read back with feedparser, durations with mutagen.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import mutagen
import pytest
from bs4 import BeautifulSoup

from digest import config
from digest.commands.build import run_pelican
from digest.errors import RenderError
from digest.pelican_plugin import artwork, audio, podcast
from digest.pelican_plugin.drafts import published_files
from digest.publish.email.edition import spoken_minutes, write_email_edition
from digest.publish.pdf.render import printed_part
from tests.conftest import FROZEN, ROOT, make_project
from tests.support.site_tools import png_size

SITE = "https://monitor.example.org"
WEEK, MONTH = "2024-02-08", "2024-02"  # the weekly issue has audio, the month page none
CHAPTERS = (
    ("Introduction", 0.0),
    ("Key takeaways", 1.5),
    ("Politics", 3.25),
    ("Security", 5.0),
    ("Humanitarian", 7.5),
)
SECONDS = 9
NS = {"itunes": podcast.ITUNES, "podcast": podcast.PODCASTING}


# --------------------------------------------------------------------------- the outside world


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        pytest.fail("ffmpeg not found: install the Debian package `ffmpeg`", pytrace=False)
    return found


def make_tone(path: Path, seconds: float = SECONDS) -> Path:
    """A real audio file of `seconds` (Ogg Opus or MP3, by the suffix), made by ffmpeg."""
    codec = {".opus": ["-c:a", "libopus", "-b:a", "24k"], ".mp3": ["-c:a", "libmp3lame"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [ffmpeg(), "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=440:duration={seconds}", "-ac", "1",
         "-map_metadata", "-1", "-fflags", "+bitexact", *codec[path.suffix], str(path)],
        check=True,
    )  # fmt: skip
    return path


def vtt(chapters: tuple[tuple[str, float], ...], end: float) -> str:
    def stamp(t: float) -> str:
        return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:06.3f}"

    cues = []
    for i, (title, start) in enumerate(chapters):
        stop = chapters[i + 1][1] if i + 1 < len(chapters) else end
        cues.append(f"{title}\n{stamp(start)} --> {stamp(stop)}\nWhat {title} says.\n")
    return "WEBVTT\n\n" + "\n".join(cues)


def make_audio(
    folder: Path, slug: str, fmt: str = "opus", chapters=CHAPTERS, seconds: float = SECONDS
) -> Path:
    """What `digest audio` leaves beside an issue page: audio, transcript, chapters, stamp."""
    path = make_tone(folder / f"{slug}.{fmt}", seconds)
    data = {"version": "1.2.0", "chapters": [{"startTime": s, "title": t} for t, s in chapters]}
    (folder / f"{slug}.chapters.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / f"{slug}.vtt").write_text(vtt(chapters, seconds), encoding="utf-8")
    (folder / ".audio-cache").write_text("stamp", encoding="ascii")
    return path


def remove_audio(folder: Path, slug: str) -> None:
    for name in (f"{slug}.opus", f"{slug}.mp3", f"{slug}.vtt", f"{slug}.chapters.json"):
        (folder / name).unlink(missing_ok=True)


def length(path: Path) -> float:
    return float(mutagen.File(path).info.length)


# --------------------------------------------------------------------------- the site


@dataclass
class Site:
    conf: Path

    @property
    def output(self) -> Path:
        return self.conf.parent / "output"

    def folder(self, slug: str) -> Path:
        return self.output / "issues" / slug

    def build(self, *, full: bool = False) -> list[str]:
        """The site as `digest build` makes it once the audio is made: Pelican, then each
        issue's email edition. Returns the issues' slugs."""
        settings = config.load(self.conf)
        articles = run_pelican(settings, full=full, now=FROZEN)
        for article in articles:
            page_url = f"{settings.site_url}/{article.url}"
            write_email_edition(
                article.digest,
                settings,
                settings.output_path / "email",
                page_url=page_url,
                pdf_url=f"{page_url}{article.slug}.pdf",
                date=article.date,
                source=Path(article.source_path),
            )
        return [a.slug for a in articles]

    def page(self, slug: str) -> BeautifulSoup:
        text = (self.folder(slug) / "index.html").read_text(encoding="utf-8")
        return BeautifulSoup(text, "html.parser")

    def issue_json(self, slug: str) -> dict:
        return json.loads((self.folder(slug) / "issue.json").read_text(encoding="utf-8"))


def new_site(folder: Path, extra: str = "DIGEST_AUDIO = True\n") -> Site:
    conf = make_project(folder, extra, samples=False)
    issues = conf.parent / "content" / "issues"
    for name, slug in (("control-weekly.md", WEEK), ("control-daily.md", MONTH)):
        shutil.copy(ROOT / "tests" / "data" / "content" / name, issues / f"{slug}.md")
    return Site(conf)


_KEY = pytest.StashKey[Site]()


def audio_site(request: pytest.FixtureRequest) -> Site:
    """A weekly issue with audio (Ogg Opus) and a month page without, built once a session
    (the browser tests share it)."""
    stash = request.config.stash
    if _KEY not in stash:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        site = new_site(factory.mktemp("audio") / "site")
        make_audio(site.folder(WEEK), WEEK)
        site.build()
        stash[_KEY] = site
    return stash[_KEY]


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> Site:
    return audio_site(request)


# --------------------------------------------------------------------------- the issue page


def test_the_issue_page_plays_its_audio_above_the_text(site):
    page = site.page(WEEK)
    box = page.select_one("article.issue section.audio-edition")
    assert box is not None
    # Above the text: after the header, before the issue's body.
    assert box.find_previous_sibling("header", class_="issue-header") is not None
    assert box.find_next_sibling("div", class_="issue-body") is not None
    assert " ".join(box.h2.get_text().split()) == "Listen to this issue · 1 min"
    player = box.select_one("audio")
    assert player.has_attr("controls") and player["preload"] == "metadata"
    source = player.select_one("source")
    assert source["src"] == f"../../issues/{WEEK}/{WEEK}.opus"
    assert source["type"] == "audio/ogg; codecs=opus"
    track = player.select_one("track")
    assert (track["kind"], track["src"], track["srclang"]) == (
        "chapters",
        f"../../issues/{WEEK}/{WEEK}.vtt",
        "en",
    )
    chapters = box.select("ol.audio-chapters > li")
    assert [li.select_one(".audio-chapter-title").get_text() for li in chapters] == [
        t for t, _ in CHAPTERS
    ]
    assert [float(li["data-start"]) for li in chapters] == [s for _, s in CHAPTERS]
    # Without JavaScript a chapter opens the file at its time.
    assert chapters[2].a["href"] == f"../../issues/{WEEK}/{WEEK}.opus#t=3.25"
    assert [li.select_one(".audio-chapter-time").get_text() for li in chapters] == [
        "0:00", "0:01", "0:03", "0:05", "0:07",
    ]  # fmt: skip
    transcript = box.select_one("p.audio-links a[type='text/vtt']")
    assert transcript.get_text() == "Transcript"
    assert transcript["href"] == f"../../issues/{WEEK}/{WEEK}.vtt"
    size = (site.folder(WEEK) / f"{WEEK}.opus").stat().st_size
    download = box.select_one("p.audio-links a[download]")
    assert download.get_text() == f"Download (Opus, {max(1, round(size / 1000))} kB)"
    scripts = [s["src"] for s in page.select("head script[src]")]
    assert scripts == ["../../theme/js/audio.js"]
    assert (site.output / "theme" / "js" / "audio.js").is_file()


def test_the_player_is_never_printed_nor_searched(site):
    raw = (site.folder(WEEK) / "index.html").read_bytes()
    printed = printed_part(raw).decode()
    # The PDF is made from the printed part: audio coming or going makes no PDF again.
    assert "audio-edition" not in printed and "audio.js" not in printed
    assert "podcast.xml" not in printed
    box = site.page(WEEK).select_one("section.audio-edition")
    assert "no-print" in box["class"] and box["data-pagefind-ignore"] == "all"


def test_an_issue_without_audio_has_no_player(site):
    page = site.page(MONTH)
    assert page.select("section.audio-edition, audio, script[src]") == []
    assert site.issue_json(MONTH)["audio"] is None


def test_every_page_links_the_podcast_feed(site):
    for path in ("index.html", f"issues/{MONTH}/index.html", "archives/index.html"):
        page = BeautifulSoup((site.output / path).read_text(encoding="utf-8"), "html.parser")
        head = page.select_one("head link[rel='alternate'][title='Iraq Weekly Monitor (podcast)']")
        assert head is not None, path
        assert head["href"] == f"{SITE}/feeds/podcast.xml"
        assert head["type"] == "application/rss+xml"
        listed = page.select_one("#feeds a[href$='podcast.xml']")
        assert listed.get_text() == "Podcast", path


# --------------------------------------------------------------------------- issue.json


def test_issue_json_describes_the_audio(site):
    path = site.folder(WEEK) / f"{WEEK}.opus"
    found = site.issue_json(WEEK)["audio"]
    assert found.pop("duration") == pytest.approx(length(path), abs=0.001)
    assert found == {
        "url": f"{SITE}/issues/{WEEK}/{WEEK}.opus",
        "type": "audio/ogg",
        "size": path.stat().st_size,
        "transcript": f"{SITE}/issues/{WEEK}/{WEEK}.vtt",
        "chapters": [{"title": t, "start": s} for t, s in CHAPTERS],
    }


# --------------------------------------------------------------------------- email


def test_the_email_edition_links_the_audio_in_both_parts(site):
    url = f"{SITE}/issues/{WEEK}/{WEEK}.opus"
    html = BeautifulSoup((site.output / "email" / f"{WEEK}.html").read_text(), "html.parser")
    link = html.select_one("p.actions a.listen")
    assert (link.get_text(), link["href"]) == ("Listen to this issue (1 min)", url)
    text = (site.output / "email" / f"{WEEK}.txt").read_text()
    assert f"\nListen to this issue (1 min):\n{url}\n" in text
    for suffix in (".html", ".txt"):
        without = (site.output / "email" / f"{MONTH}{suffix}").read_text()
        assert "Listen to this issue" not in without


# --------------------------------------------------------------------------- the podcast feed


def test_the_podcast_feed_parses_with_one_enclosure_per_issue_with_audio(site):
    data = (site.output / "feeds" / "podcast.xml").read_bytes()
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Iraq Weekly Monitor"
    assert not feed.feed.itunes_explicit  # feedparser reads only "yes" as explicit
    assert feed.feed.author_detail.name == "Monitor Research Team"
    assert feed.feed.image.href == f"{SITE}/feeds/podcast.png"
    assert [t.term for t in feed.feed.tags] == ["News"]
    path = site.folder(WEEK) / f"{WEEK}.opus"
    (entry,) = feed.entries  # the month page has no audio
    assert entry.link == f"{SITE}/issues/{WEEK}/"
    assert entry.title == "Iraq Weekly Monitor: February 2 – 8, 2024"
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"{SITE}/issues/{WEEK}/{WEEK}.opus"
    assert int(enclosure.length) == path.stat().st_size
    assert enclosure.type == "audio/ogg"
    assert int(entry.itunes_duration) == round(length(path))
    assert entry.itunes_episode == "2"
    assert entry.published == "Thu, 08 Feb 2024 00:00:00 +0300"  # the issue's Date, Baghdad time


def test_the_podcast_feed_has_the_podcasting_2_tags(site):
    root = ElementTree.fromstring((site.output / "feeds" / "podcast.xml").read_bytes())
    channel = root.find("channel")
    guid = channel.find("podcast:guid", NS).text
    assert guid == str(uuid.uuid5(podcast.GUID_NAMESPACE, "monitor.example.org/feeds/podcast.xml"))
    item = channel.find("item")
    transcript = item.find("podcast:transcript", NS)
    assert transcript.attrib == {"url": f"{SITE}/issues/{WEEK}/{WEEK}.vtt", "type": "text/vtt"}
    chapters = item.find("podcast:chapters", NS)
    assert chapters.attrib == {
        "url": f"{SITE}/issues/{WEEK}/{WEEK}.chapters.json",
        "type": "application/json+chapters",
    }
    # Every URL the feed gives is a file of the site.
    for url in (
        item.find("enclosure").get("url"),
        transcript.get("url"),
        chapters.get("url"),
        channel.find("itunes:image", NS).get("href"),
    ):
        assert (site.output / url.removeprefix(f"{SITE}/")).is_file(), url
    # Apple's values (feedparser knows only the older "yes" and "clean").
    assert channel.find("itunes:explicit", NS).text == "false"
    assert item.find("itunes:explicit", NS).text == "false"
    assert item.find("guid").text.startswith("tag:monitor.example.org,2024-02-08:")
    assert channel.find("itunes:owner/itunes:email", NS).text == "monitor@example.org"


def test_the_podcast_artwork_is_a_square_png(site):
    path = site.output / "feeds" / "podcast.png"
    assert png_size(path) == (1400, 1400)


def test_a_rebuild_writes_the_same_bytes(site, tmp_path):
    names = ("feeds/podcast.xml", "feeds/podcast.png", f"issues/{WEEK}/index.html",
             f"issues/{WEEK}/issue.json", f"email/{WEEK}.html", f"email/{WEEK}.txt")  # fmt: skip
    before = {n: (site.output / n).read_bytes() for n in names}
    copy = Site(shutil.copytree(site.conf.parent, tmp_path / "copy") / "pelican.conf.py")
    shutil.rmtree(copy.output / "feeds")
    copy.build(full=True)
    assert {n: (copy.output / n).read_bytes() for n in names} == before


# --------------------------------------------------------------------------- coming and going


def test_audio_made_after_a_build_shows_on_the_next_and_leaves_with_its_files(tmp_path):
    site = new_site(tmp_path / "site", extra='DIGEST_AUDIO = True\nDIGEST_AUDIO_FORMAT = "mp3"\n')
    site.build()
    assert site.page(WEEK).select("section.audio-edition") == []
    assert site.issue_json(WEEK)["audio"] is None
    assert not (site.output / "feeds" / "podcast.xml").exists()
    assert "podcast" not in (site.output / "index.html").read_text()
    pdf_part = printed_part((site.folder(WEEK) / "index.html").read_bytes())

    make_audio(site.folder(WEEK), WEEK, fmt="mp3")
    make_tone(site.folder(WEEK) / f"{WEEK}.opus")  # left by DIGEST_AUDIO_FORMAT = "opus"
    site.build()  # incremental: the page's fingerprint has its audio
    box = site.page(WEEK).select_one("section.audio-edition")
    assert box.select_one("source")["type"] == "audio/mpeg"
    assert site.issue_json(WEEK)["audio"]["type"] == "audio/mpeg"
    # Every page links the new feed: the month page too, though its own file is unchanged.
    for path in ("index.html", f"issues/{MONTH}/index.html", "sections/politics/index.html"):
        assert "podcast.xml" in (site.output / path).read_text(), path
    (entry,) = feedparser.parse((site.output / "feeds/podcast.xml").read_bytes()).entries
    assert entry.enclosures[0].type == "audio/mpeg"
    # What the PDF is made from did not change: no PDF is made again for audio.
    assert printed_part((site.folder(WEEK) / "index.html").read_bytes()) == pdf_part

    # The audio made again (the issue was edited): the page and issue.json follow.
    path = make_audio(site.folder(WEEK), WEEK, fmt="mp3", chapters=CHAPTERS[:2], seconds=4)
    site.build()
    titles = [t.get_text() for t in site.page(WEEK).select(".audio-chapter-title")]
    assert titles == ["Introduction", "Key takeaways"]
    assert site.issue_json(WEEK)["audio"]["size"] == path.stat().st_size

    remove_audio(site.folder(WEEK), WEEK)
    site.build()
    assert site.page(WEEK).select("section.audio-edition") == []
    assert site.issue_json(WEEK)["audio"] is None
    assert not (site.output / "feeds" / "podcast.xml").exists()
    assert not (site.output / "feeds" / "podcast.png").exists()
    for path in ("index.html", f"issues/{MONTH}/index.html", "sections/politics/index.html"):
        assert "podcast" not in (site.output / path).read_text(), path


def _tree(output: Path) -> dict[str, bytes]:
    skip = {f"{WEEK}.opus", f"{WEEK}.vtt", f"{WEEK}.chapters.json", ".audio-cache"}
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def test_with_digest_audio_off_no_output_shows_audio_files_left_beside_a_page(tmp_path):
    plain = new_site(tmp_path / "plain", extra="")
    plain.build()
    left = new_site(tmp_path / "left", extra="DIGEST_AUDIO = False\n")
    make_audio(left.folder(WEEK), WEEK)
    left.build()
    assert _tree(left.output) == _tree(plain.output)
    assert "audio" not in left.issue_json(WEEK)


# --------------------------------------------------------------------------- the parts


@pytest.mark.parametrize("damage", ["chapters", "cut", "noise"])
def test_an_unreadable_audio_edition_is_one_line_naming_it(tmp_path, damage):
    folder = tmp_path / "issues" / WEEK
    path = make_audio(folder, WEEK)
    if damage == "chapters":
        (folder / f"{WEEK}.chapters.json").write_text("{not json", encoding="utf-8")
    elif damage == "cut":  # a file cut short after its headers
        path.write_bytes(path.read_bytes()[:3000])
    else:
        path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(RenderError) as caught:
        audio.issue_audio(tmp_path, f"issues/{WEEK}/index.html", WEEK)
    message = str(caught.value)
    assert message.startswith(f"{folder / WEEK}: the audio edition cannot be read (")
    assert message.endswith(f"run `digest audio {WEEK}` to make it again")
    assert "\n" not in message


def test_a_build_with_an_unreadable_audio_edition_fails_naming_it(tmp_path):
    site = new_site(tmp_path / "site")
    make_audio(site.folder(WEEK), WEEK).write_bytes(b"OggS" + bytes(4000))
    with pytest.raises(RenderError, match=rf"{WEEK}: the audio edition cannot be read"):
        site.build()


def test_audio_without_transcript_or_chapters_still_plays(tmp_path):
    folder = tmp_path / "issues" / WEEK
    make_tone(folder / f"{WEEK}.mp3")
    found = audio.issue_audio(tmp_path, f"issues/{WEEK}/index.html", WEEK)
    assert (found.href, found.html_type, found.chapters) == (
        f"issues/{WEEK}/{WEEK}.mp3",
        "audio/mpeg",
        (),
    )
    assert found.transcript_href is None and found.chapters_href is None
    assert audio.issue_audio(tmp_path, f"issues/{MONTH}/index.html", MONTH) is None


def test_lengths_and_times_as_readers_see_them():
    assert [spoken_minutes(s) for s in (3, 89, 91, 720, 749, 751)] == [1, 1, 2, 12, 12, 13]
    assert [audio.clock(s) for s in (0, 65.9, 3723)] == ["0:00", "1:05", "1:02:03"]
    assert [audio.seconds_text(s) for s in (0, 3.25, 754.1234, 12.0)] == [
        "0", "3.25", "754.123", "12",
    ]  # fmt: skip


def test_a_draft_s_audio_is_withdrawn_with_its_page():
    found = {
        p.as_posix() for p in published_files(f"issues/{WEEK}/index.html", "issues/{slug}", WEEK)
    }
    assert {
        f"issues/{WEEK}/{WEEK}.opus",
        f"issues/{WEEK}/{WEEK}.mp3",
        f"issues/{WEEK}/{WEEK}.vtt",
        f"issues/{WEEK}/{WEEK}.chapters.json",
        f"issues/{WEEK}/.audio-cache",
    } <= found


def test_the_artwork_is_the_same_bytes_for_the_same_name_and_fits_any_name():
    fonts = ROOT / "themes" / "digest" / "static" / "fonts"
    first = artwork.artwork_png("Iraq Weekly Monitor", fonts)
    assert first == artwork.artwork_png("Iraq  Weekly\nMonitor", fonts)
    assert first != artwork.artwork_png("Syria Weekly Monitor", fonts)
    for name in ("المرصد الأسبوعي", "Monitor " * 80, "x" * 300, ""):
        image = artwork.artwork_png(name, fonts)
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 10_000, name[:20]
