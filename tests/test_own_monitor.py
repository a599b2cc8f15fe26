"""A team's own monitor, the way the README's "Your own monitor in five minutes" takes it:
digest installed from its wheel into a new venv outside the checkout, `digest init
--no-input`, an OPML file of feeds served on 127.0.0.1 imported, then collect, draft, build,
and deploy to each kind of host — rsync over SSH to a real sshd, an S3-compatible server
(moto), a bare git repository — with what arrived checked on each."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_EPOCH
from tests.support.http_server import LocalServer
from tests.support.installed import run
from tests.support.sshd import sshd

FEEDS = {  # the sample's feeds, served as an outlet's server labels them
    "tigris-wire.rss": ("Tigris Wire", "application/rss+xml", "tigriswire.example", ""),
    "kurdistan-ledger.atom": (
        "Kurdistan Ledger",
        "application/atom+xml",
        "kurdistanledger.example",
        "",
    ),
    "baghdad-observer.atom": (
        "Baghdad Observer",
        "application/atom+xml",
        "baghdadobserver.example",
        "",
    ),
    "euphrates-news.rss": ("Euphrates News Agency", "text/xml", "euphrates-news.example", ""),
    "mesopotamia-economic.json": (
        "Mesopotamia Economic Review",
        "application/feed+json",
        "mer.example",
        "Economy",
    ),
}
ISSUE = "2024-02-08"


def opml(server: LocalServer) -> str:
    outlines = []
    for path, (title, _kind, host, folder) in FEEDS.items():
        line = (
            f'<outline type="rss" text="{title}" title="{title}" '
            f'xmlUrl="{server.url("/" + path)}" htmlUrl="https://{host}/"/>'
        )
        outlines.append(f'<outline text="{folder}">{line}</outline>' if folder else line)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Feeds'
        "</title></head><body>" + "".join(outlines) + "</body></opml>\n"
    )


def published(output: Path) -> dict[str, bytes]:
    """What a deploy must deliver: the built site without dot-files (build stamps) and
    without draft previews."""
    found = {}
    for path in output.rglob("*"):
        relative = path.relative_to(output)
        hidden = any(p.startswith(".") for p in relative.parts) or relative.parts[0] == "drafts"
        if path.is_file() and not hidden:
            found[relative.as_posix()] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def monitor(venv: Path, tmp_path_factory: pytest.TempPathFactory):
    """A new team's monitor, made and built by the installed digest."""
    top = tmp_path_factory.mktemp("team")
    digest = venv / "bin" / "digest"
    env = {"SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    with LocalServer() as server:
        for path, (_title, kind, _host, _folder) in FEEDS.items():
            body = (ROOT / "samples" / "feeds" / path).read_bytes()
            server.static(f"/{path}", body=body, headers={"Content-Type": kind})
        (top / "feeds.opml").write_text(opml(server), encoding="utf-8")

        said = run(
            digest,
            "init",
            "mon",
            "--no-input",
            "--name",
            "Test Monitor",
            "--site-url",
            "https://monitor.test",
            "--timezone",
            "Asia/Baghdad",
            cwd=top,
            env=env,
        )
        project = top / "mon"
        assert "created mon/" in said
        conf = project / "pelican.conf.py"
        with conf.open("a", encoding="utf-8") as settings:  # what a team on an intranet adds
            settings.write(
                f'\nDIGEST_ALLOW_PRIVATE = ["{server.origin}"]\nDIGEST_PLACES = "iraq"\n'
            )

        imported = run(digest, "sources", "import", "../feeds.opml", cwd=project, env=env)
        collected = run(digest, "collect", cwd=project, env=env)
        run(digest, "draft", "--week-ending", ISSUE, cwd=project, env=env)
        built = run(digest, "build", cwd=project, env=env)
    return digest, project, {"import": imported, "collect": collected, "build": built}


def test_the_installed_digest_makes_and_builds_a_team_monitor(monitor, venv: Path):
    digest, project, said = monitor
    assert digest.resolve().is_relative_to(venv.resolve())
    settings = (project / "pelican.conf.py").read_text(encoding="utf-8")
    # The import wrote five sources into the list and kept the file's own comments.
    assert "# The news sources. Kinds of source, each with an example to copy:" in settings
    for title, *_ in FEEDS.values():
        assert f'"name": "{title}"' in settings
    assert '"section": "economy"' in settings  # the OPML folder "Economy"
    assert "5 sources: " in said["collect"] and ", 0 failed" in said["collect"]

    issue = project / "content" / "issues" / f"{ISSUE}.md"
    text = issue.read_text(encoding="utf-8")
    assert text.startswith("Title: Test Monitor: ")
    assert "(https://tigriswire.example/" in text  # a story linked to its outlet

    out = project / "output"
    page = (out / "issues" / ISSUE / "index.html").read_text(encoding="utf-8")
    assert "Test Monitor" in page and 'class="digest-section' in page
    assert (out / "issues" / ISSUE / f"{ISSUE}.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    assert (out / "email" / f"{ISSUE}.eml").is_file()
    # Templates, theme and fonts came from the installed package.
    assert (out / "theme" / "fonts" / "source-serif-4-400-normal.ttf").is_file()


def test_deploy_over_ssh_delivers_the_whole_site(monitor, tmp_path: Path):
    digest, project, _ = monitor
    with sshd(tmp_path / "sshd") as server:
        target = tmp_path / "www" / "monitor"
        target.parent.mkdir()
        said = run(
            digest,
            "deploy",
            "--to",
            server.url(target),
            cwd=project,
            env={"RSYNC_RSH": server.rsync_rsh},
        )
    wanted = published(project / "output")
    arrived = {
        p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()
    }
    assert arrived == wanted
    assert f"{len(wanted)} uploaded, 0 unchanged, 0 deleted" in said


def test_deploy_to_s3_delivers_the_site_with_its_content_types(monitor, tmp_path: Path):
    import boto3
    from moto.server import ThreadedMotoServer

    digest, project, _ = monitor
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    store.start()
    try:
        host, port = store.get_host_and_port()
        env = {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "AKIATEAM",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        }
        client = boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="AKIATEAM",
            aws_secret_access_key="secret",
        )
        client.create_bucket(Bucket="team-site")
        said = run(digest, "deploy", "--to", "s3://team-site/monitor", cwd=project, env=env)
        wanted = published(project / "output")
        listed = client.list_objects_v2(Bucket="team-site", Prefix="monitor/", MaxKeys=1000)
        keys = {o["Key"].removeprefix("monitor/") for o in listed.get("Contents", [])}
        assert keys == set(wanted)
        assert f"{len(wanted)} uploaded, 0 unchanged, 0 deleted" in said

        def head(key: str) -> dict:
            return client.head_object(Bucket="team-site", Key=f"monitor/{key}")

        for key, kind in (
            ("index.html", "text/html"),
            (f"issues/{ISSUE}/index.html", "text/html"),
            ("feeds/atom.xml", "application/atom+xml"),
            ("feeds/rss.xml", "application/rss+xml"),
            ("feeds/feed.json", "application/feed+json"),
            (f"issues/{ISSUE}/{ISSUE}.pdf", "application/pdf"),
            ("pagefind/pagefind-entry.json", "application/json"),
            ("theme/css/screen.css", "text/css"),
        ):
            assert head(key)["ContentType"].split(";")[0] == kind, key
        body = client.get_object(Bucket="team-site", Key=f"monitor/issues/{ISSUE}/{ISSUE}.pdf")
        assert body["Body"].read() == wanted[f"issues/{ISSUE}/{ISSUE}.pdf"]
        # Built again unchanged, deployed again: nothing goes up.
        again = run(digest, "deploy", "--to", "s3://team-site/monitor", cwd=project, env=env)
        assert f"0 uploaded, {len(wanted)} unchanged, 0 deleted" in again
    finally:
        store.stop()


def test_deploy_to_a_git_branch_commits_the_site(monitor, tmp_path: Path):
    digest, project, _ = monitor
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    said = run(digest, "deploy", "--to", f"git+file://{remote}#gh-pages", cwd=project)
    wanted = published(project / "output")
    assert f"{len(wanted)} uploaded" in said
    listed = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert set(listed) == set(wanted) | {".nojekyll"}
    shown = subprocess.run(
        ["git", "--git-dir", str(remote), "show", f"gh-pages:issues/{ISSUE}/{ISSUE}.pdf"],
        check=True,
        capture_output=True,
    ).stdout
    assert shown == wanted[f"issues/{ISSUE}/{ISSUE}.pdf"]
