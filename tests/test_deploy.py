"""`digest deploy` against real servers on 127.0.0.1: OpenSSH's sshd and an rsync daemon,
moto's S3 server, and bare git repositories. What is checked is what arrived there: the
files and their bytes, the S3 headers, the commits of the branch; and that a failure is one
line, exit 1, with the target as it was."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner, Result

from digest.cli import main
from digest.publish.deploy import parse, rsync
from digest.publish.deploy import plan as deploy_plan
from tests.conftest import SAMPLE_EPOCH, make_project
from tests.support.rsyncd import PASSWORD, rsyncd
from tests.support.sshd import keygen, need, sshd

# A built site, made by hand: every kind of file a build writes, and what must never leave.
SITE = {
    "index.html": b"<!doctype html><title>Monitor</title><h1>Home</h1>",
    "404.html": b"<!doctype html><title>Not found</title>",
    "archives/index.html": b"<!doctype html><title>Archive</title>",
    "issues/2024-02-08/index.html": b"<!doctype html><title>Issue</title>",
    "issues/2024-02-08/2024-02-08.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>\n%%EOF\n",
    "issues/2024-02-08/issue.json": b'{"slug": "2024-02-08"}\n',
    "issues/2024-02-08/incidents.csv": b"date,location,deaths,injuries\n2024-02-04,Tarmiyah,2,3\n",
    "feeds/atom.xml": b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
    "feeds/rss.xml": b'<?xml version="1.0"?><rss version="2.0"/>',
    "feeds/feed.json": b'{"version": "https://jsonfeed.org/version/1.1"}',
    "feeds/sections/security.atom.xml": b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
    "sitemap.xml": b'<?xml version="1.0"?><urlset/>',
    "robots.txt": b"User-agent: *\n",
    "theme/css/screen.css": b"body { margin: 0 }\n",
    "theme/fonts/source-serif-4-400-normal.ttf": bytes(range(256)) * 4,
    "pagefind/pagefind.js": b"export const pagefind = 1;\n",
    "pagefind/pagefind-entry.json": b'{"version": "1.3.0"}',
    "pagefind/pagefind.en_6bec892a9c.pf_meta": b"\x1f\x8b meta",
    "pagefind/fragment/en_1f3af0f.pf_fragment": b"\x1f\x8b fragment",
    "pagefind/wasm.en.pagefind": b"\x1f\x8b wasm",
    "email/2024-02-08.eml": b"Subject: Issue\r\n\r\nHello\r\n",
    "about/café & more.html": "<title>Café</title>".encode(),  # rsync escapes é as \#303\#251
}
NEVER = {
    "issues/2024-02-08/.pdf-cache": b"stamp",
    "email/.2024-02-08.email-cache": b"stamp",
    "drafts/2024-02-15/index.html": b"<title>Draft</title>",
    ".pagefind.k3j4.digest-tmp/pagefind.js": b"half an index",
    "feeds/.atom.xml.x9y8.digest-tmp": b"half a feed",
    ".htaccess": b"Deny from all\n",
}


def built(root: Path) -> Path:
    """A project whose output/ holds SITE and NEVER; returns its config."""
    conf = make_project(root, "SITENAME = 'Test Monitor'\n", samples=False)
    write(conf.parent / "output", {**SITE, **NEVER})
    return conf


def write(folder: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (dot-files too) and its bytes."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def closed_port():
    """A port held for the module and never listening: every connection to it is refused
    (a free port could be taken meanwhile by another test's server)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        yield lambda: port


def deploy(conf: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["--config", str(conf), "deploy", *args],
        env={"SOURCE_DATE_EPOCH": SAMPLE_EPOCH},
        catch_exceptions=False,
    )


def summary(result: Result) -> str:
    return result.stdout.splitlines()[-1]


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# The command itself


def test_without_a_destination_it_says_how_to_set_one(tmp_path):
    result = deploy(built(tmp_path / "site"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: nowhere to deploy: set DIGEST_DEPLOY in the settings (or pass --to URL) to "
        "ssh://[user@]host[:port]/path, rsync://[user@]host[:port]/module/path, "
        "s3://bucket[/prefix], git+file:///absolute/path[#branch], "
        "git+ssh://[user@]host[:port]/path[#branch], git+https://host/path[#branch]"
    ]


def test_a_bad_to_url_is_a_usage_error(tmp_path):
    result = deploy(built(tmp_path / "site"), "--to", "ftp://example.org/www")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --to: 'ftp://example.org/www' is not a deploy URL")


def test_a_bad_digest_deploy_is_a_settings_error(tmp_path):
    conf = built(tmp_path / "site")
    conf.write_text(conf.read_text() + "DIGEST_DEPLOY = 's3://Not_A_Bucket'\n")
    result = deploy(conf)
    assert result.exit_code == 2
    assert "DIGEST_DEPLOY: 's3://Not_A_Bucket' is not s3://bucket[/prefix]: a bucket name" in (
        result.stderr
    )


def test_a_site_never_built_is_refused(tmp_path):
    conf = make_project(tmp_path / "site", samples=False)
    remote = tmp_path / "remote.git"
    line = one_error_line(deploy(conf, "--to", f"git+file://{remote}"))
    assert line.endswith("no built site here (no index.html); run `digest build` first")


def test_a_missing_rsync_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", "ssh://example.org/srv/www"))
    assert line == (
        "error: ssh://example.org/srv/www: rsync is not installed: "
        "apt-get install rsync openssh-client"
    )


def test_a_missing_boto3_names_the_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if it were not installed
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", "s3://news/site"))
    assert line == "error: s3://news/site: boto3 is not installed: pip install 'digest[s3]'"


# rsync over SSH


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory):
    need("rsync", "ssh", "/usr/sbin/sshd")
    with sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def over_ssh(ssh_server, monkeypatch):
    monkeypatch.setenv("RSYNC_RSH", ssh_server.rsync_rsh)
    return ssh_server


def test_rsync_over_ssh_publishes_exactly_the_site(tmp_path, over_ssh):
    conf = built(tmp_path / "site")
    served = tmp_path / "srv" / "www"
    served.parent.mkdir()
    write(served, {".well-known/security.txt": b"Contact: x\n"})  # the server's own
    result = deploy(conf, "--to", over_ssh.url(served))
    assert result.exit_code == 0, result.output
    assert summary(result) == (
        f"deployed to {over_ssh.url(served)}: {len(SITE)} uploaded, 0 unchanged, 0 deleted"
    )
    assert tree(served) == {**SITE, ".well-known/security.txt": b"Contact: x\n"}
    assert not list(served.rglob(".~tmp~"))  # --delay-updates' folder is gone

    again = deploy(conf, "--to", over_ssh.url(served))
    assert summary(again).endswith(f": 0 uploaded, {len(SITE)} unchanged, 0 deleted")


def test_rsync_sends_a_change_deletes_what_is_gone_and_withdraws_drafts(tmp_path, over_ssh):
    conf = built(tmp_path / "site")
    served = tmp_path / "www"
    url = over_ssh.url(served)
    assert deploy(conf, "--to", url).exit_code == 0
    output = conf.parent / "output"
    (output / "theme/css/screen.css").write_bytes(b"body { margin: 1em }\n")
    (output / "feeds/rss.xml").unlink()
    write(served, {"drafts/2024-01-01/index.html": b"an old preview"})
    dry = deploy(conf, "--to", url, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[:3] == [
        "~ theme/css/screen.css",
        "- drafts/2024-01-01/index.html",
        "- feeds/rss.xml",
    ]
    assert "  (drafts/: 1 file left out: previews are never published)" in dry.stdout.splitlines()
    assert summary(dry) == (
        f"would upload 1, leave {len(SITE) - 2} unchanged and delete 2 at {url} "
        "(dry run: nothing was changed)"
    )
    assert (served / "theme/css/screen.css").read_bytes() == SITE["theme/css/screen.css"]
    assert (served / "feeds/rss.xml").exists()

    result = deploy(conf, "--to", url)
    assert summary(result) == f"deployed to {url}: 1 uploaded, {len(SITE) - 2} unchanged, 2 deleted"
    expected = {**SITE, "theme/css/screen.css": b"body { margin: 1em }\n"}
    del expected["feeds/rss.xml"]
    assert tree(served) == expected


def test_rsync_publishes_what_the_plan_lists_and_nothing_else(tmp_path, over_ssh):
    """The filter rules given to rsync and plan.published are one rule: held to each other."""
    conf = built(tmp_path / "site")
    output = conf.parent / "output"
    (output / "hostname").symlink_to("/etc/hostname")
    (output / "etc").symlink_to("/etc")
    write(output, {"x.digest-tmp": b"odd", "nested/.git/config": b"[core]", "drafts.html": b"ok"})
    served = tmp_path / "www"
    assert deploy(conf, "--to", over_ssh.url(served)).exit_code == 0
    plan = deploy_plan.walk(output, ("drafts",))
    assert set(tree(served)) == plan.paths == {*SITE, "drafts.html"}


def test_rsync_with_a_refused_key_fails_in_one_line_and_changes_nothing(
    tmp_path, ssh_server, monkeypatch
):
    stranger = keygen(tmp_path / "stranger", "not authorized")
    monkeypatch.setenv(
        "RSYNC_RSH", ssh_server.rsync_rsh.replace(str(ssh_server.client_key), str(stranger))
    )
    served = tmp_path / "www"
    write(served, {"index.html": b"the old site"})
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", ssh_server.url(served)))
    assert "Permission denied (publickey) (rsync exit " in line
    assert "; ssh could not connect or log in: check the host, the port and the key" in line
    assert line.endswith("nothing there was switched to the new build")
    assert tree(served) == {"index.html": b"the old site"}


def test_rsync_to_a_port_nobody_listens_on_fails_in_one_line(tmp_path, over_ssh, closed_port):
    url = f"ssh://{over_ssh.user}@127.0.0.1:{closed_port()}{tmp_path / 'www'}"
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", url))
    assert "Connection refused (rsync exit " in line  # 255 or 12: rsync may see the pipe first
    assert "; ssh could not connect or log in: check the host, the port and the key" in line
    assert not (tmp_path / "www").exists()


def test_rsync_switches_the_site_only_once_everything_has_arrived():
    """What a test cannot stage cheaply (a transfer cut halfway), the command line states:
    new files wait in a hidden folder until all are there, deletions come after, and ssh
    never waits for a password."""
    target = parse("ssh://deploy@example.org:2222/srv/www")
    args = rsync.command(target, Path("/site/output"), ("drafts",), {}, dry_run=False)
    assert {"--delay-updates", "--delete-delay", "--checksum"} <= set(args)
    assert "--delete" not in args and "--links" not in args
    shell = args[args.index("-e") + 1]
    assert shell.startswith("ssh ") and "-o BatchMode=yes" in shell and "-p 2222" in shell
    assert args[-2:] == ["/site/output/", "deploy@example.org:/srv/www/"]
    assert "--dry-run" in rsync.command(target, Path("/o"), (), {}, dry_run=True)


# rsync to an rsync daemon


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    with rsyncd(tmp_path_factory.mktemp("rsyncd")) as server:
        yield server


def test_rsync_daemon_publishes_the_site_with_rsync_password(tmp_path, daemon, monkeypatch):
    conf = built(tmp_path / "site")
    monkeypatch.setenv("RSYNC_PASSWORD", PASSWORD)
    folder = f"/{tmp_path.name}"
    result = deploy(conf, "--to", daemon.url(folder))
    assert result.exit_code == 0, result.output
    assert tree(daemon.root / tmp_path.name) == SITE


def test_rsync_daemon_refusing_the_password_fails_in_one_line(tmp_path, daemon, monkeypatch):
    monkeypatch.setenv("RSYNC_PASSWORD", "wrong")
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", daemon.url("/refused")))
    assert "@ERROR: auth failed on module site (rsync exit 5); the rsync daemon refused" in line
    assert not (daemon.root / "refused").exists()
    monkeypatch.delenv("RSYNC_PASSWORD")  # nothing to answer the prompt with: no hang
    line = one_error_line(deploy(built(tmp_path / "other"), "--to", daemon.url("/refused")))
    assert "auth failed on module site" in line


# S3


class Recorder:
    """Wraps moto's S3 server: notes every request in order, refuses keys it does not know
    (as a store refuses credentials) and, on request, one upload (as a full store would)."""

    def __init__(self, app):
        self.app = app
        self.requests: list[tuple[str, str]] = []
        self.access_keys = {"AKIADIGESTTEST"}
        self.refuse_put: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, environ, respond):
        method = environ["REQUEST_METHOD"]
        path = unquote(environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8"))
        query = environ.get("QUERY_STRING", "")
        key = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        with self.lock:
            self.requests.append((method, path + (f"?{query}" if query else "")))
        if key and key.group(1) not in self.access_keys:
            return self._error(respond, "403 Forbidden", "InvalidAccessKeyId", "No such key.")
        if method == "PUT" and path in self.refuse_put:
            return self._error(respond, "400 Bad Request", "EntityTooLarge", "Too large.")
        return self.app(environ, respond)

    @staticmethod
    def _error(respond, status, code, message):
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
        respond(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
        return [body]

    def puts(self, bucket: str) -> list[str]:
        return [
            p.split("/", 2)[2]
            for m, p in self.requests
            if m == "PUT" and "?" not in p and p.startswith(f"/{bucket}/")
        ]


@pytest.fixture(scope="module")
def s3_server():
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class Quiet(MotoRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    recorder = Recorder(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, recorder, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorder
    server.shutdown()
    thread.join()


@pytest.fixture
def s3(s3_server, monkeypatch, tmp_path):
    """The store's address and keys in the usual AWS variables; a fresh bucket."""
    import boto3

    for name, value in {
        "AWS_ENDPOINT_URL": s3_server.url,
        "AWS_ACCESS_KEY_ID": "AKIADIGESTTEST",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3")
    client.create_bucket(Bucket=bucket)
    s3_server.requests.clear()
    s3_server.refuse_put.clear()
    return client, bucket, s3_server


def objects(client, bucket: str, prefix: str = "") -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_s3_uploads_the_site_with_its_headers_assets_first_home_page_last(tmp_path, s3):
    client, bucket, server = s3
    conf = built(tmp_path / "site")
    url = f"s3://{bucket}/news"
    result = deploy(conf, "--to", url)
    assert result.exit_code == 0, result.output
    assert summary(result) == f"deployed to {url}: {len(SITE)} uploaded, 0 unchanged, 0 deleted"
    assert objects(client, bucket) == {f"news/{path}": data for path, data in SITE.items()}

    headers = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "feeds/atom.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        "feeds/rss.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "feeds/feed.json": ("application/feed+json; charset=utf-8", "public, max-age=300"),
        "theme/css/screen.css": ("text/css; charset=utf-8", "public, max-age=300"),
        "issues/2024-02-08/2024-02-08.pdf": ("application/pdf", "public, max-age=300"),
        "issues/2024-02-08/incidents.csv": ("text/csv; charset=utf-8", "public, max-age=300"),
        "email/2024-02-08.eml": ("message/rfc822", "public, max-age=300"),
        "theme/fonts/source-serif-4-400-normal.ttf": ("font/ttf", "public, max-age=300"),
        "pagefind/pagefind.en_6bec892a9c.pf_meta": (
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        ),
        "pagefind/fragment/en_1f3af0f.pf_fragment": (
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        ),
    }
    for path, (kind, cache) in headers.items():
        head = client.head_object(Bucket=bucket, Key=f"news/{path}")
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), path
        assert head["Metadata"]["sha256"] == hashlib.sha256(SITE[path]).hexdigest()

    order = [key.removeprefix("news/") for key in server.puts(bucket)]
    assert sorted(order) == sorted(SITE)
    ranks = [deploy_plan.rank(path) for path in order]
    assert ranks == sorted(ranks), order  # assets, then feeds and exports, then pages
    assert order[-1] == "index.html"
    assert order.index("theme/css/screen.css") < order.index("issues/2024-02-08/index.html")


def test_s3_sends_only_changes_and_deletes_only_stale_keys_of_its_prefix(tmp_path, s3):
    client, bucket, server = s3
    conf = built(tmp_path / "site")
    url = f"s3://{bucket}/news/"
    assert deploy(conf, "--to", url).exit_code == 0
    keep = {"news/.well-known/security.txt", "newsletter/index.html", "other/file.txt", "news2/a"}
    for key in keep:
        client.put_object(Bucket=bucket, Key=key, Body=b"not the site's")
    client.put_object(Bucket=bucket, Key="news/drafts/2024-01-01/index.html", Body=b"old preview")
    server.requests.clear()

    again = deploy(conf, "--to", url)
    assert summary(again) == f"deployed to {url}: 0 uploaded, {len(SITE)} unchanged, 1 deleted"
    assert server.puts(bucket) == []

    output = conf.parent / "output"
    (output / "theme/css/screen.css").write_bytes(b"body { margin: 1em }\n")
    (output / "feeds/rss.xml").unlink()
    server.requests.clear()
    dry = deploy(conf, "--to", url, "--dry-run")
    assert dry.stdout.splitlines()[0] == "~ theme/css/screen.css"
    assert dry.stdout.splitlines()[1] == "- feeds/rss.xml"
    assert summary(dry).startswith(f"would upload 1, leave {len(SITE) - 2} unchanged and delete 1")
    assert [m for m, _ in server.requests if m not in ("GET", "HEAD")] == []

    result = deploy(conf, "--to", url)
    assert summary(result) == f"deployed to {url}: 1 uploaded, {len(SITE) - 2} unchanged, 1 deleted"
    stored = objects(client, bucket)
    assert stored["news/theme/css/screen.css"] == b"body { margin: 1em }\n"
    assert "news/feeds/rss.xml" not in stored
    assert keep <= set(stored)
    deletes = [i for i, (m, p) in enumerate(server.requests) if m == "POST" and "delete" in p]
    puts = [i for i, (m, p) in enumerate(server.requests) if m == "PUT"]
    assert deletes and puts and max(puts) < min(deletes)


def test_s3_reads_a_multipart_etag_through_the_stored_sha256(tmp_path, s3):
    client, bucket, _ = s3
    conf = built(tmp_path / "site")
    assert deploy(conf, "--to", f"s3://{bucket}").exit_code == 0
    for path, sha in (
        ("robots.txt", hashlib.sha256(SITE["robots.txt"]).hexdigest()),
        ("404.html", "0" * 64),
    ):
        upload = client.create_multipart_upload(
            Bucket=bucket, Key=path, Metadata={"sha256": sha}, ContentType="text/plain"
        )
        part = client.upload_part(
            Bucket=bucket, Key=path, UploadId=upload["UploadId"], PartNumber=1, Body=SITE[path]
        )
        client.complete_multipart_upload(
            Bucket=bucket,
            Key=path,
            UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        )
        assert "-" in client.head_object(Bucket=bucket, Key=path)["ETag"]
    result = deploy(conf, "--to", f"s3://{bucket}", "--dry-run")
    assert result.stdout.splitlines()[0] == "~ 404.html"  # its sha256 says another content
    assert summary(result).startswith(f"would upload 1, leave {len(SITE) - 1} unchanged")


def test_s3_a_failed_upload_stops_before_the_pages_and_deletes_nothing(tmp_path, s3):
    client, bucket, server = s3
    conf = built(tmp_path / "site")
    client.put_object(Bucket=bucket, Key="stale.html", Body=b"from an older build")
    server.requests.clear()
    server.refuse_put.add(f"/{bucket}/feeds/atom.xml")
    line = one_error_line(deploy(conf, "--to", f"s3://{bucket}"))
    assert line.startswith(
        f"error: s3://{bucket}: could not upload feeds/atom.xml: EntityTooLarge: Too large; 8 files"
    )
    assert line.endswith("(assets and feeds only: no page changed); nothing was deleted")
    stored = objects(client, bucket)
    assert "stale.html" in stored
    assert not [key for key in stored if key.endswith(".html") and key != "stale.html"]
    assert all(deploy_plan.rank(key) != deploy_plan.PAGES for key in server.puts(bucket))


def test_s3_a_missing_bucket_is_one_line(tmp_path, s3):
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", "s3://no-such-bucket-here"))
    assert line == (
        "error: s3://no-such-bucket-here: the bucket no-such-bucket-here does not exist; "
        "nothing was changed"
    )


def test_s3_refused_credentials_are_one_line(tmp_path, s3, monkeypatch):
    client, bucket, _ = s3
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASTRANGER")
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", f"s3://{bucket}"))
    assert line == (
        f"error: s3://{bucket}: the store refused the credentials "
        "(InvalidAccessKeyId: No such key); nothing was changed"
    )
    assert objects(client, bucket) == {}


def test_s3_an_unreachable_store_is_one_line(tmp_path, s3, monkeypatch, closed_port):
    _, bucket, _ = s3
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    line = one_error_line(deploy(built(tmp_path / "site"), "--to", f"s3://{bucket}"))
    assert line == (
        f"error: s3://{bucket}: could not reach the store at {os.environ['AWS_ENDPOINT_URL']} "
        "(AWS_ENDPOINT_URL, or Amazon's by default); nothing was changed"
    )


# A git branch


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def remote(tmp_path) -> Path:
    need("git")
    path = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(path))
    return path


def branch_files(repository: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    names = git("--git-dir", str(repository), "ls-tree", "-r", "-z", "--name-only", branch)
    return {
        name: subprocess.run(
            ["git", "--git-dir", str(repository), "cat-file", "blob", f"{branch}:{name}"],
            capture_output=True,
            check=True,
        ).stdout
        for name in names.split("\0")
        if name
    }


def commits(repository: Path, branch: str = "gh-pages") -> list[str]:
    said = git("--git-dir", str(repository), "log", "--format=%H %P|%s|%at|%ct", branch)
    return said.splitlines()


def test_git_commits_the_site_to_gh_pages_once_per_deploy(tmp_path, remote):
    conf = built(tmp_path / "site")
    url = f"git+file://{remote}"
    result = deploy(conf, "--to", url)
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"deployed to {re.escape(url)}: {len(SITE)} uploaded, 0 unchanged, 0 deleted "
        r"\(commit [0-9a-f]{12} on gh-pages\)",
        summary(result),
    )
    assert branch_files(remote) == {**SITE, ".nojekyll": b""}
    [first] = commits(remote)
    sha, subject, authored, committed = first.split("|")
    assert subject == "digest deploy: Test Monitor"
    assert authored == committed == SAMPLE_EPOCH
    assert len(sha.split()) == 1  # no parent

    again = deploy(conf, "--to", url)
    assert summary(again) == (
        f"deployed to {url}: 0 uploaded, {len(SITE)} unchanged, 0 deleted "
        "(nothing changed: no commit on gh-pages)"
    )
    assert len(commits(remote)) == 1

    output = conf.parent / "output"
    (output / "index.html").write_bytes(b"<h1>New home</h1>")
    (output / "robots.txt").unlink()
    result = deploy(conf, "--to", url)
    assert summary(result).startswith(
        f"deployed to {url}: 1 uploaded, {len(SITE) - 2} unchanged, 1 deleted"
    )
    second, first_again = commits(remote)
    assert first_again == first
    assert second.split("|")[0].split()[1] == first.split()[0]  # its parent: the first deploy
    files = branch_files(remote)
    assert files["index.html"] == b"<h1>New home</h1>" and "robots.txt" not in files


def test_git_dry_run_lists_the_changes_and_pushes_nothing(tmp_path, remote):
    conf = built(tmp_path / "site")
    result = deploy(conf, "--to", f"git+file://{remote}#site", "--dry-run")
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert [line[2:] for line in listed] == [
        f.path for f in deploy_plan.walk(conf.parent / "output", ("drafts",)).files
    ]
    assert "(would commit on site)" in summary(result)
    assert git("--git-dir", str(remote), "for-each-ref") == ""


def test_git_keeps_every_byte_whatever_the_attributes_say(tmp_path, remote):
    conf = built(tmp_path / "site")
    output = conf.parent / "output"
    (output / ".gitattributes").write_text("* text eol=crlf\n*.css filter=nothing-here\n")
    (output / "notes.txt").write_bytes(b"one\ntwo\n")
    assert deploy(conf, "--to", f"git+file://{remote}").exit_code == 0
    files = branch_files(remote)
    assert files["notes.txt"] == b"one\ntwo\n"
    assert files["theme/css/screen.css"] == SITE["theme/css/screen.css"]
    assert ".gitattributes" not in files


def test_git_never_touches_the_users_repository(tmp_path, remote, monkeypatch):
    conf = built(tmp_path / "site")
    mine = tmp_path / "site"
    git("init", "--quiet", str(mine))
    monkeypatch.setenv("GIT_DIR", str(mine / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(mine))
    monkeypatch.chdir(mine)
    before = git("count-objects", "-v", cwd=mine), git("for-each-ref", cwd=mine)
    assert deploy(conf, "--to", f"git+file://{remote}").exit_code == 0
    assert (git("count-objects", "-v", cwd=mine), git("for-each-ref", cwd=mine)) == before
    assert not (mine / ".git" / "index").exists()
    assert "gh-pages" in git("--git-dir", str(remote), "branch")


def test_git_under_source_date_epoch_makes_the_same_commit(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Editor")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "editor@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Editor")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "editor@example.org")
    made = []
    for n in range(2):
        remote = tmp_path / f"remote{n}.git"
        git("init", "--quiet", "--bare", str(remote))
        assert deploy(built(tmp_path / f"site{n}"), "--to", f"git+file://{remote}").exit_code == 0
        made.append(git("--git-dir", str(remote), "rev-parse", "gh-pages"))
    assert made[0] == made[1]
    author = git(
        "--git-dir", str(tmp_path / "remote0.git"), "log", "--format=%an <%ae>", "gh-pages"
    )
    assert author.strip() == "Editor <editor@example.org>"


def test_git_without_an_identity_commits_as_digest(tmp_path, remote, monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL"):
            monkeypatch.delenv(f"GIT_{role}_{part}", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert deploy(built(tmp_path / "site"), "--to", f"git+file://{remote}").exit_code == 0
    said = git("--git-dir", str(remote), "log", "--format=%an <%ae>|%cn <%ce>", "gh-pages")
    assert said.strip() == "digest <digest@localhost>|digest <digest@localhost>"


def test_git_a_rejected_push_is_one_line_and_the_branch_stays(tmp_path, remote):
    conf = built(tmp_path / "site")
    url = f"git+file://{remote}"
    assert deploy(conf, "--to", url).exit_code == 0
    tip = git("--git-dir", str(remote), "rev-parse", "gh-pages")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'the site is frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    (conf.parent / "output" / "index.html").write_bytes(b"<h1>New home</h1>")
    line = one_error_line(deploy(conf, "--to", url))
    assert line.startswith(f"error: {url}: the remote refused the push: [remote rejected]")
    assert "pre-receive hook declined" in line
    assert line.endswith("nothing was changed on gh-pages")
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip


def test_git_a_remote_that_is_no_repository_is_one_line(tmp_path):
    need("git")
    line = one_error_line(
        deploy(built(tmp_path / "site"), "--to", f"git+file://{tmp_path}/none.git")
    )
    assert line.startswith(f"error: git+file://{tmp_path}/none.git: ")
    assert "does not appear to be a git repository" in line or "not a git repository" in line


def test_the_built_sample_goes_out_whole_and_without_its_stamps(sample_site, tmp_path):
    """The real build: every page, feed, PDF and search file arrives; no stamp, no draft."""
    need("git")
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote))
    conf = sample_site / "pelican.conf.py"
    result = deploy(conf, "--to", f"git+file://{remote}")
    assert result.exit_code == 0, result.output
    files = branch_files(remote)
    output = sample_site / "output"
    published = {
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(output).parts)
    }
    assert set(files) == published | {".nojekyll"}
    assert files["issues/2024-02-08/2024-02-08.pdf"].startswith(b"%PDF-")
    assert {"index.html", "feeds/atom.xml", "pagefind/pagefind.js", "sitemap.xml"} <= set(files)
    assert any(p.endswith(".pf_fragment") for p in files)
    assert not any(".pdf-cache" in p or ".email-cache" in p for p in files)
