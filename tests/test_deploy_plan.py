"""`digest deploy`'s pure parts: DIGEST_DEPLOY read into a target, and the plan of what is
published, with which headers, in which order."""

from __future__ import annotations

import hashlib

import pytest

from digest import config
from digest.config import DEPLOY_FORMS
from digest.errors import ConfigError
from digest.publish.deploy import plan as deploy_plan
from digest.publish.deploy.plan import ASSETS, EXPORTS, HOME, LONG_CACHE, PAGES, SHORT_CACHE
from digest.publish.deploy.target import GitTarget, RsyncTarget, S3Target, parse

# DIGEST_DEPLOY


@pytest.mark.parametrize(
    ("url", "target", "destination"),
    [
        (
            "ssh://deploy@example.org/srv/www",
            RsyncTarget(
                "ssh://deploy@example.org/srv/www", "example.org", "deploy", None, "/srv/www", False
            ),
            "deploy@example.org:/srv/www/",
        ),
        (
            "ssh://example.org:2222/~/site/",
            RsyncTarget(
                "ssh://example.org:2222/~/site/", "example.org", None, 2222, "site/", False
            ),
            "example.org:site/",
        ),
        (
            "ssh://[::1]/srv/a%20b",
            RsyncTarget("ssh://[::1]/srv/a%20b", "::1", None, None, "/srv/a b", False),
            "[::1]:/srv/a b/",
        ),
        (
            "rsync://me@mirror.example.org:8730/site/news",
            RsyncTarget(
                "rsync://me@mirror.example.org:8730/site/news",
                "mirror.example.org",
                "me",
                8730,
                "/site/news",
                True,
            ),
            "rsync://me@mirror.example.org:8730/site/news/",
        ),
    ],
)
def test_rsync_urls_name_host_login_port_and_folder(url, target, destination):
    assert parse(url) == target
    assert parse(url).destination == destination


def test_s3_urls_name_a_bucket_and_a_prefix_ending_in_a_slash():
    assert parse("s3://my-bucket") == S3Target("s3://my-bucket", "my-bucket", "")
    assert parse("s3://my.bucket/") == S3Target("s3://my.bucket/", "my.bucket", "")
    assert parse("s3://b12/news/site/") == S3Target("s3://b12/news/site/", "b12", "news/site/")
    assert parse("s3://b12/news") == S3Target("s3://b12/news", "b12", "news/")


def test_git_urls_name_a_remote_and_a_branch_gh_pages_by_default():
    assert parse("git+file:///srv/site.git") == GitTarget(
        "git+file:///srv/site.git", "file:///srv/site.git", "gh-pages"
    )
    assert parse("git+ssh://git@github.com/me/monitor.git#site/live") == GitTarget(
        "git+ssh://git@github.com/me/monitor.git#site/live",
        "ssh://git@github.com/me/monitor.git",
        "site/live",
    )
    assert parse("  git+https://github.com/me/monitor.git#main ").remote == (
        "https://github.com/me/monitor.git"
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("ftp://example.org/www", "is not a deploy URL; use one of " + ", ".join(DEPLOY_FORMS)),
        ("/srv/www", "is not a deploy URL; use one of"),
        ("example.org:/srv/www", "is not a deploy URL; use one of"),
        ("s3:bucket", "is not a deploy URL"),
        ("", "must be a URL, one of ssh://"),
        ("ssh://example.org", "is not ssh://[user@]host[:port]/path: it needs a host and a path"),
        ("ssh:///srv/www", "it needs a host and a path"),
        ("ssh://me:secret@example.org/srv", "no password in the URL"),
        ("git+https://me:token@github.com/me/x.git", "no password in the URL"),
        ("ssh://example.org:99999/srv", "bad port"),
        ("ssh://example.org/srv#main", "nothing may follow the path"),
        ("s3://bucket/site?x=1", "nothing may follow the path"),
        ("rsync://example.org/", "it needs a host and a path"),
        ("s3://Bad_Bucket/site", "a bucket name is 3 to 63 lowercase letters"),
        ("s3://ab", "a bucket name is 3 to 63"),
        ("s3://me@bucket/site", "a bucket name is"),
        ("s3://bucket/a//b", "the prefix has an empty, '.' or '..' part"),
        ("s3://bucket/a/../b", "the prefix has an empty"),
        ("git+file://relative/path.git", "it needs the repository's absolute path"),
        ("git+file:///srv/site.git#bad..name", "'bad..name' is not a branch name"),
        ("git+file:///srv/site.git#x.lock", "is not a branch name"),
        ("git+file:///srv/site.git#-x", "is not a branch name"),
        ("git+http://example.org/site.git", "is not a deploy URL"),
        ("ssh://example.org/srv/my site", "no spaces or control characters"),
    ],
)
def test_a_bad_url_says_what_is_wrong_and_what_would_do(url, said):
    with pytest.raises(ValueError) as err:
        parse(url)
    assert said in str(err.value)


def test_digest_deploy_is_checked_with_the_settings(project):
    with pytest.raises(ConfigError) as err:
        config.load(project("DIGEST_DEPLOY = 'ftp://example.org/www'\n", samples=False))
    assert err.value.problems == [
        "DIGEST_DEPLOY: 'ftp://example.org/www' is not a deploy URL; use one of "
        "ssh://[user@]host[:port]/path, rsync://[user@]host[:port]/module/path, "
        "s3://bucket[/prefix], git+file:///absolute/path[#branch], "
        "git+ssh://[user@]host[:port]/path[#branch], git+https://host/path[#branch]"
    ]
    with pytest.raises(ConfigError) as err:
        config.load(project("DIGEST_DEPLOY = 42\n", samples=False))
    assert err.value.problems[0].startswith("DIGEST_DEPLOY: must be a URL, one of ssh://")


def test_digest_deploy_is_off_by_default_and_kept_as_written(project):
    assert config.load(project(samples=False)).deploy is None
    settings = config.load(project("DIGEST_DEPLOY = ' s3://news/site '\n", samples=False))
    assert settings.deploy == "s3://news/site"


# The plan


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("issues/2024-02-08/index.html", "text/html; charset=utf-8"),
        ("feeds/atom.xml", "application/atom+xml; charset=utf-8"),
        ("feeds/sections/security.atom.xml", "application/atom+xml; charset=utf-8"),
        ("feeds/rss.xml", "application/rss+xml; charset=utf-8"),
        ("feeds/sections/security.rss.xml", "application/rss+xml; charset=utf-8"),
        ("feeds/feed.json", "application/feed+json; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("issues/2024-02-08/issue.json", "application/json; charset=utf-8"),
        ("issues/2024-02-08/incidents.csv", "text/csv; charset=utf-8"),
        ("issues/2024-02-08/2024-02-08.pdf", "application/pdf"),
        ("email/2024-02-08.eml", "message/rfc822"),
        ("email/2024-02-08.txt", "text/plain; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("theme/css/screen.css", "text/css; charset=utf-8"),
        ("pagefind/pagefind.js", "text/javascript; charset=utf-8"),
        ("theme/fonts/source-serif-4-400-normal.ttf", "font/ttf"),
        ("theme/fonts/x.woff2", "font/woff2"),
        ("pagefind/pagefind.wasm", "application/wasm"),
        ("pagefind/wasm.en.pagefind", "application/octet-stream"),
        ("pagefind/pagefind.en_6bec892a9c.pf_meta", "application/octet-stream"),
        ("pagefind/fragment/en_1f3af0f.pf_fragment", "application/octet-stream"),
        ("pagefind/index/en_196d4e6.pf_index", "application/octet-stream"),
        ("pagefind/filter/en_2bc8b88.pf_filter", "application/octet-stream"),
        ("images/logo.svg", "image/svg+xml; charset=utf-8"),
        ("images/photo.JPG", "image/jpeg"),
        ("audio/2024-02-08.mp3", "audio/mpeg"),
        ("files/data.unknownsuffix", "application/octet-stream"),
        ("files/archive.zip", "application/zip"),
    ],
)
def test_each_file_gets_its_content_type(path, kind):
    assert deploy_plan.content_type(path) == kind


def test_a_feed_with_another_name_is_told_by_its_first_bytes():
    atom = b'<?xml version="1.0"?>\n<!-- made by digest -->\n<feed xml:lang="en">'
    rss = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    rdf = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    jsonfeed = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}'
    assert deploy_plan.content_type("news/all.xml", atom) == "application/atom+xml; charset=utf-8"
    assert deploy_plan.content_type("news/all.xml", rss) == "application/rss+xml; charset=utf-8"
    assert deploy_plan.content_type("news/old.xml", rdf) == "application/rss+xml; charset=utf-8"
    assert (
        deploy_plan.content_type("news/all.json", jsonfeed)
        == "application/feed+json; charset=utf-8"
    )
    assert deploy_plan.content_type("sitemap.xml", b"<urlset>") == "application/xml; charset=utf-8"
    assert (
        deploy_plan.content_type("data.json", b'{"feed": 1}') == "application/json; charset=utf-8"
    )


@pytest.mark.parametrize(
    ("path", "cache"),
    [
        ("pagefind/pagefind.en_6bec892a9c.pf_meta", LONG_CACHE),
        ("pagefind/fragment/en_1f3af0f.pf_fragment", LONG_CACHE),
        ("pagefind/index/en_196d4e6.pf_index", LONG_CACHE),
        ("pagefind/filter/en_2bc8b88.pf_filter", LONG_CACHE),
        ("assets/app.3f9a2c1b.js", LONG_CACHE),
        ("assets/app-3f9a2c1b7d.css", LONG_CACHE),
        ("pagefind/pagefind.js", SHORT_CACHE),
        ("pagefind/wasm.en.pagefind", SHORT_CACHE),
        ("pagefind/pagefind-entry.json", SHORT_CACHE),
        ("theme/css/screen.css", SHORT_CACHE),  # its name has no hash: it changes in place
        ("theme/fonts/source-serif-4-400-normal.ttf", SHORT_CACHE),
        ("index.html", SHORT_CACHE),
        ("issues/2024-02-08/index.html", SHORT_CACHE),
        ("issues/2024-02-08/2024-02-08.pdf", SHORT_CACHE),
        ("issues/20240208/report.pdf", SHORT_CACHE),  # digits alone are a date, not a hash
        ("images/defaced.png", SHORT_CACHE),  # letters alone are a word
        ("pages/a1b2c3d4e5.html", SHORT_CACHE),  # a page is never kept long
        ("feeds/atom.xml", SHORT_CACHE),
        ("feeds/feed.json", SHORT_CACHE),
    ],
)
def test_only_a_name_with_a_content_hash_is_cached_long(path, cache):
    assert deploy_plan.cache_control(path) == cache


@pytest.mark.parametrize(
    ("path", "rank"),
    [
        ("theme/css/screen.css", ASSETS),
        ("pagefind/fragment/en_1f3af0f.pf_fragment", ASSETS),
        ("issues/2024-02-08/2024-02-08.pdf", ASSETS),
        ("theme/fonts/x.ttf", ASSETS),
        ("feeds/atom.xml", EXPORTS),
        ("feeds/feed.json", EXPORTS),
        ("issues/2024-02-08/issue.json", EXPORTS),
        ("issues/2024-02-08/incidents.csv", EXPORTS),
        ("email/2024-02-08.eml", EXPORTS),
        ("sitemap.xml", EXPORTS),
        ("issues/2024-02-08/index.html", PAGES),
        ("404.html", PAGES),
        ("archives/index.html", PAGES),
        ("index.html", HOME),
    ],
)
def test_assets_come_first_then_feeds_and_exports_then_pages_then_the_home_page(path, rank):
    assert deploy_plan.rank(path) == rank


@pytest.mark.parametrize(
    ("path", "published"),
    [
        ("index.html", True),
        ("issues/2024-02-08/2024-02-08.pdf", True),
        ("issues/2024-02-08/.pdf-cache", False),
        ("email/.2024-02-08.email-cache", False),
        (".pagefind.x1y2.digest-tmp/pagefind.js", False),
        ("feeds/.atom.xml.k3j4.digest-tmp", False),
        ("feeds/atom.xml.digest-tmp", False),
        (".htaccess", False),
        ("drafts/2024-02-15/index.html", False),
        ("issues/drafts/index.html", True),  # only the top folder holds drafts
    ],
)
def test_what_is_published(path, published):
    assert deploy_plan.published(path) is published


def test_walk_lists_the_published_files_in_upload_order(tmp_path):
    root = tmp_path / "output"
    files = {
        "index.html": b"<h1>home</h1>",
        "404.html": b"<h1>not found</h1>",
        "issues/2024-02-08/index.html": b"<h1>issue</h1>",
        "issues/2024-02-08/2024-02-08.pdf": b"%PDF-1.7",
        "issues/2024-02-08/.pdf-cache": b"stamp",
        "feeds/atom.xml": b"<feed/>",
        "theme/css/screen.css": b"body{}",
        "drafts/2024-02-15/index.html": b"<h1>draft</h1>",
        ".pagefind.abc.digest-tmp/pagefind.js": b"half",
        "pagefind/pagefind.en_6bec892a9c.pf_meta": b"meta",
    }
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "secret.txt").symlink_to("/etc/hostname")
    (root / "etc").symlink_to("/etc")
    plan = deploy_plan.walk(root, ("drafts",))
    assert [f.path for f in plan.files] == [
        "issues/2024-02-08/2024-02-08.pdf",
        "pagefind/pagefind.en_6bec892a9c.pf_meta",
        "theme/css/screen.css",
        "feeds/atom.xml",
        "404.html",
        "issues/2024-02-08/index.html",
        "index.html",
    ]
    assert plan.drafts == ("drafts/2024-02-15/index.html",)
    assert sorted(plan.links) == ["etc", "secret.txt"]  # followed, they would publish /etc
    first = plan.files[0]
    assert (first.size, first.content_type, first.cache_control) == (
        8,
        "application/pdf",
        SHORT_CACHE,
    )
    assert deploy_plan.fingerprint(root / "index.html") == (
        hashlib.md5(b"<h1>home</h1>").hexdigest(),
        hashlib.sha256(b"<h1>home</h1>").hexdigest(),
    )
    assert (root / ".pagefind.abc.digest-tmp").is_dir()  # left alone, only skipped
