"""Settings for Pelican and digest (DIGEST_*). Constants (THEME aside, which asks Python where
digest's theme is installed): `digest check` validates them.

This file builds the bundled sample: a fictional fortnight of news about Iraq from the
files in samples/. Replace DIGEST_SOURCES with your own feeds to publish for real.
"""

from importlib.resources import files

# --- The publication -------------------------------------------------------------
SITENAME = "Iraq Weekly Monitor"
SITESUBTITLE = "Politics, security, humanitarian conditions and the economy, every Thursday"
SITEURL = "https://monitor.example.org"
AUTHOR = "Monitor Research Team"
DEFAULT_LANG = "en"
TIMEZONE = "Asia/Baghdad"

# --- Where things live (relative to this file) ------------------------------------
PATH = "content"
OUTPUT_PATH = "output"
# digest's theme, shipped inside the package (themes/digest in its repository), found where
# digest is installed. For a theme of your own: copy that folder beside this file, edit it
# and set THEME = "themes/digest" (a path relative to this file).
THEME = str(files("digest.themes") / "digest")
CACHE_PATH = ".cache/pelican"  # digest's caches: build, check, search, draft (safe to delete)
ARTICLE_PATHS = ["issues"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
PLUGIN_PATHS: list[str] = []
PLUGINS = ["digest.pelican_plugin"]

# --- URLs: one folder per issue, so issue.json, incidents.csv and the PDF sit beside it
RELATIVE_URLS = True
ARTICLE_URL = "issues/{slug}/"
ARTICLE_SAVE_AS = "issues/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
ARCHIVES_URL = "archives/"
# Issues by year: archives/2024/ (themes/digest/templates/period_archives.html).
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
# Pagefind's search page; `digest build` writes the index into output/pagefind/.
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
DIRECT_TEMPLATES = ["index", "archives", "search"]
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# Tag pages, for issues that carry tags (digest's plugin writes the tags index, tags/,
# only then). Section pages across issues (sections/<key>/), the 404 page, sitemap.xml
# and robots.txt come from digest's plugin too (digest/pelican_plugin/pages.py).
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
# Pages digest does not publish: no author or category listings.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
# An issue marked `Status: draft` is built as a preview only, at drafts/<slug>/: it is in no
# list, feed, sitemap or search index, and gets no PDF, exports or email edition.
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DEFAULT_CATEGORY = "Issues"
USE_FOLDER_AS_CATEGORY = False
SLUGIFY_SOURCE = "basename"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"
# Escape everything in templates: titles and summaries may carry text from feeds.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}

# --- Feeds (absolute links; full content) -------------------------------------------
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/atom.xml"
FEED_ALL_RSS = "feeds/rss.xml"
FEED_ALL_JSON = "feeds/feed.json"  # digest's own (Pelican writes no JSON Feed)
FEED_MAX_ITEMS = 20  # the latest issues, in full: five months of a weekly (Pelican: 100)
# One feed per section (digest's own): that section of every issue; {key} = its DIGEST_SECTIONS
# key. Set one to None to leave that format out. Templates list them: DIGEST_SECTION_FEEDS.
FEED_SECTION_ATOM = "feeds/sections/{key}.atom.xml"
FEED_SECTION_RSS = "feeds/sections/{key}.rss.xml"
FEED_SECTION_JSON = "feeds/sections/{key}.json"
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False

# --- digest ---------------------------------------------------------------------------
DIGEST_TIMEZONE = "Asia/Baghdad"
DIGEST_WEEK_ENDS_ON = "thursday"
DIGEST_STORE_PATH = "digest.sqlite3"
DIGEST_ISSUE_TITLE = "{sitename}: {period}"
DIGEST_FIRST_ISSUE = "2024-02-01"
# The bundled gazetteer: incident rows read "Daquq, Kirkuk", and Arabic and English reports
# naming the same town can merge. Use a CSV of your own for another region.
DIGEST_PLACES = "iraq"
# The audio edition: each issue read aloud (Festival's HTS voice; Arabic by eSpeak NG), with
# a player on its page and feeds/podcast.xml. Needs festival, festvox-us-slt-hts, espeak-ng
# and ffmpeg (Debian packages).
DIGEST_AUDIO = True
DIGEST_EMAIL_FROM = "Iraq Weekly Monitor <monitor@example.org>"
# The subscription service (`digest serve-subscriptions`, behind the site's web server):
# the subscribe box posts to it, and every email's one-click unsubscribe link leads to it.
DIGEST_SUBSCRIPTIONS_URL = "https://monitor.example.org/subscriptions"
DIGEST_SUBSCRIBE_URL = "https://monitor.example.org/subscriptions/subscribe"

DIGEST_SOURCES = [
    {
        "name": "Tigris Wire",
        "url": "samples/feeds/tigris-wire.rss",
        "domains": ["tigriswire.example"],
        "language": "en",
    },
    {
        "name": "Kurdistan Ledger",
        "url": "samples/feeds/kurdistan-ledger.atom",
        "domains": ["kurdistanledger.example"],
        "language": "en",
    },
    {
        "name": "Baghdad Observer",
        "url": "samples/feeds/baghdad-observer.atom",
        "domains": ["baghdadobserver.example"],
        "language": "en",
    },
    {
        "name": "Euphrates News Agency",
        "url": "samples/feeds/euphrates-news.rss",
        "domains": ["euphrates-news.example"],
        "language": "en",
    },
    {
        "name": "Mesopotamia Economic Review",
        "url": "samples/feeds/mesopotamia-economic.json",
        "domains": ["mer.example"],
        "section": "economy",
        "language": "en",
    },
    {
        "name": "Relief Monitor",
        "url": "samples/pages/relief-monitor.html",
        "kind": "html",
        "domains": ["reliefmonitor.example"],
        "language": "en",
        "selectors": {
            "item": "article.update",
            "title": "h3 a",
            "link": "h3 a",
            "date": "time",
            "summary": "p.summary",
        },
    },
    {
        "name": "Al-Rafidain",
        "url": "samples/feeds/al-rafidain.rss",
        "domains": ["alrafidain.example"],
        "language": "ar",
    },
]
