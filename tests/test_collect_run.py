"""`digest collect` and `digest sources` against real feeds on 127.0.0.1: conditional GET,
back-off, "gone" sources, isolation, caps and reporting, through the CLI."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from digest.collect.http import Fetched
from digest.collect.parsing import parse_items, parser_pool
from digest.errors import ParseError
from digest.models import Source
from digest.store import Store
from tests.conftest import FROZEN, make_project, run_cli
from tests.support import processes
from tests.support.http_server import Handler, LocalServer, drip


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://wire.example/{n}</link>"
        f"<pubDate>Sun, 04 Feb 2024 0{n % 10}:00:00 GMT</pubDate></item>"
        for n, t in enumerate(titles)
    )
    return f"<rss version='2.0'><channel><title>W</title>{items}</channel></rss>".encode()


FEED = rss("Ports reopen", "Talks resume")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def site(project, server) -> Callable[..., Path]:
    """A project whose sources are paths on the test server."""

    def make(*paths: str, extra: str = "") -> Path:
        sources = ", ".join(
            f"{{'name': 'feed{n}', 'url': {server.url(path)!r}}}" for n, path in enumerate(paths)
        )
        return project(
            f"DIGEST_SOURCES = [{sources}]\nDIGEST_ALLOW_PRIVATE = [{server.origin!r}]\n{extra}",
            samples=False,
        )

    return make


def at(delta: timedelta = timedelta(0)) -> str:
    """SOURCE_DATE_EPOCH for the frozen clock plus `delta`."""
    return str(int((FROZEN + delta).timestamp()))


def hits(server: LocalServer, path: str) -> int:
    return sum(1 for seen, _ in server.requests if seen == path)


def row(output: str, source: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(source + " "))


def stored_titles(conf: Path) -> list[str]:
    from digest import config

    with Store(config.load(conf).store_path) as store:
        return sorted(
            i.title for i in store.items_between(FROZEN - timedelta(30), FROZEN + timedelta(1))
        )


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize("etag", ['"v1"', 'W/"v1"'])
def test_a_304_costs_nothing_and_keeps_every_item(site, server, etag):  # BAD-INPUTS 10
    def feed(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            handler.respond(304, headers={"ETag": etag})
        else:
            handler.respond(200, FEED, {"ETag": etag, "Last-Modified": "garbage, 99 Foo 3000"})

    server.route("/feed", feed)
    conf = site("/feed")
    assert "2 new items" in run_cli(conf, "collect").output
    second = run_cli(conf, "collect", "--strict")
    assert second.exit_code == 0
    assert "not modified" in row(second.output, "feed0")
    assert "0 new items, 0 updated, 0 failed" in second.output
    assert server.requests[-1][1]["if-none-match"] == etag
    # The future/garbage Last-Modified is sent back verbatim, never interpreted.
    assert server.requests[-1][1]["if-modified-since"] == "garbage, 99 Foo 3000"
    assert stored_titles(conf) == ["Ports reopen", "Talks resume"]


def test_an_empty_document_is_an_error_and_keeps_stored_items(site, server):  # BAD-INPUTS 19
    server.static("/feed", body=FEED)
    conf = site("/feed")
    run_cli(conf, "collect")
    server.static("/feed", body=b"")
    result = run_cli(conf, "collect")
    assert "not a feed (empty document)" in row(result.output, "feed0")
    assert stored_titles(conf) == ["Ports reopen", "Talks resume"]


# --------------------------------------------------------------------------- status codes


def test_429_retry_after_is_honoured_then_the_source_is_fetched_again(site, server):
    # BAD-INPUTS 11: 429 with Retry-After: 120, no tight retry loop, others unaffected.
    server.static("/busy", 429, b"slow down", {"Retry-After": "120"})
    server.static("/fine", body=FEED)
    conf = site("/busy", "/fine")
    first = run_cli(conf, "collect")
    assert "HTTP 429 Too Many Requests; next try after 2024-02-10 12:02 UTC" in first.output
    assert "2 new items" in first.output  # the other source is unaffected
    waiting = run_cli(conf, "collect", epoch=at(timedelta(seconds=60)))
    assert "backing off" in row(waiting.output, "feed0")
    assert "1 skipped" in waiting.output
    assert hits(server, "/busy") == 1  # not asked again while backing off
    forced = run_cli(conf, "collect", "--force", epoch=at(timedelta(seconds=60)))
    assert "failed" in row(forced.output, "feed0")
    server.static("/busy", body=rss("Late story"))
    later = run_cli(conf, "collect", epoch=at(timedelta(seconds=181)))
    assert "ok" in row(later.output, "feed0")
    assert hits(server, "/busy") == 3


def test_503_with_an_http_date_is_honoured_and_capped(site, server):  # BAD-INPUTS 11
    in_two_hours = format_datetime(FROZEN + timedelta(hours=2), usegmt=True)
    server.static("/down", 503, b"", {"Retry-After": in_two_hours})
    conf = site("/down")
    assert "next try after 2024-02-10 14:00 UTC" in run_cli(conf, "collect").output
    server.static("/down", 503, b"", {"Retry-After": "31536000"})  # a year: capped at a day
    result = run_cli(conf, "collect", epoch=at(timedelta(hours=3)))
    assert "next try after 2024-02-11 15:00 UTC" in result.output


def test_repeated_410_disables_the_source_until_reset(site, server):  # BAD-INPUTS 11
    server.static("/gone", 410, b"gone")
    conf = site("/gone")
    for hour in range(3):
        result = run_cli(conf, "collect", epoch=at(timedelta(hours=hour)))
    assert "disabled (gone: HTTP 410 on 3 fetches in a row)" in result.output
    assert "digest sources --reset feed0" in result.output
    skipped = run_cli(conf, "collect", "--strict", epoch=at(timedelta(hours=5)))
    assert "disabled" in row(skipped.output, "feed0")
    assert skipped.exit_code == 0  # nothing failed in this run
    assert hits(server, "/gone") == 3
    assert "disabled (gone)" in row(run_cli(conf, "sources").output, "feed0")
    assert "forgotten" in run_cli(conf, "sources", "--reset", "feed0").output
    server.static("/gone", body=FEED)
    assert "ok" in row(run_cli(conf, "collect", epoch=at(timedelta(hours=6))).output, "feed0")


def test_reset_names_an_unknown_source_readably(site, server):
    result = run_cli(site("/feed"), "sources", "--reset", "nope")
    assert result.exit_code == 1
    assert "--reset: no source named 'nope' (sources: feed0)" in result.output


def test_repeated_failures_back_off_so_a_dead_source_stops_costing(site, server):
    server.static("/broken", 500, b"oops")
    conf = site("/broken")
    for hour in range(3):
        result = run_cli(conf, "collect", epoch=at(timedelta(hours=hour)))
    assert "HTTP 500 Internal Server Error; next try after" in result.output
    assert "failing: 3 in a row" in row(run_cli(conf, "sources").output, "feed0")


# --------------------------------------------------------------------------- isolation


def test_a_tarpit_times_out_while_the_others_are_collected(site, server):  # BAD-INPUTS 1
    server.route("/tarpit", lambda h: drip(h, every=0.2, limit=10))
    server.static("/fine", body=FEED)
    conf = site("/tarpit", "/fine", extra="DIGEST_FETCH_TIMEOUT = 1")
    result = run_cli(conf, "collect", "--strict")
    assert result.exit_code == 1
    assert "timeout" in row(result.output, "feed0")
    assert "timed out after 1 s" in row(result.output, "feed0")
    assert "ok" in row(result.output, "feed1")
    assert "2 new items, 0 updated, 1 failed" in result.output


def test_a_login_page_is_reported_as_not_a_feed(site, server):  # BAD-INPUTS 12
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>login</body></html>"
    server.static("/feed", body=page, headers={"Content-Type": "text/html"})
    conf = site("/feed")
    result = run_cli(conf, "collect")
    assert "not a feed" in row(result.output, "feed0")
    assert "Traceback" not in result.output
    assert "not a feed" in row(run_cli(conf, "sources").output, "feed0")
    assert stored_titles(conf) == []


def test_the_item_cap_keeps_the_first_entries(site, server):  # BAD-INPUTS 23
    server.static("/feed", body=rss(*(f"Story {n}" for n in range(30))))
    conf = site("/feed", extra="DIGEST_MAX_ITEMS_PER_SOURCE = 10")
    result = run_cli(conf, "-v", "collect")
    assert "10 new items" in result.output
    assert "feed0: kept the first 10 of 30 entries" in result.output


def test_a_changed_source_url_starts_afresh(site, server, project):
    server.static("/old", 410)
    conf = site("/old")
    for hour in range(3):
        run_cli(conf, "collect", epoch=at(timedelta(hours=hour)))
    server.static("/new", body=FEED)
    conf.write_text(conf.read_text().replace("/old", "/new"))
    result = run_cli(conf, "collect", epoch=at(timedelta(hours=4)))
    assert "ok" in row(result.output, "feed0")


# --------------------------------------------------------------------------- parse limits


def test_a_parse_past_its_time_budget_fails_that_source_only():
    entries = "".join(
        f"<item><title>T{n}</title><description>{'<p>x</p>' * 50}</description></item>"
        for n in range(3000)
    )
    body = f"<rss version='2.0'><channel><title>W</title>{entries}</channel></rss>".encode()
    fetched = Fetched(url="https://wire.example/feed", status=200, headers={}, body=body)
    source = Source(name="wire", url="https://wire.example/feed")
    with parser_pool(1) as pool:
        slow = pool.submit(parse_items, fetched, source, now=FROZEN, budget=0.05, max_items=10_000)
        with pytest.raises(ParseError, match=r"parsing took longer than 0.05 s"):
            slow.result()
        quick = pool.submit(parse_items, fetched, source, now=FROZEN, budget=60, max_items=5)
        assert len(quick.result().items) == 5  # the worker survives and serves the next one


# --------------------------------------------------------------------------- terminal


def test_a_progress_bar_runs_on_a_terminal_and_not_in_a_pipe(site, server):
    server.static("/feed", body=FEED)
    conf = site("/feed")
    command = [sys.executable, "-m", "digest", "--config", str(conf), "collect"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": at(), "COLUMNS": "100", "TERM": "xterm"}
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == 0
    assert "collecting" not in piped.stderr + piped.stdout
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        try:
            chunk = os.read(leader, 4096) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=30) == 0
    os.close(leader)
    assert b"collecting" in seen
    assert b"1 sources: 0 new items" in seen  # the second run: the store is the same file


def test_external_entities_and_dtds_are_never_fetched_or_read(site, server, tmp_path):
    # BAD-INPUTS 16: DOCTYPE SYSTEM and external entities pointing at the fixture and a file.
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{server.url("/x.dtd")}" ['
        f'<!ENTITY remote SYSTEM "{server.url("/entity")}">'
        f'<!ENTITY local SYSTEM "file://{secret}">]>'
        "<rss version='2.0'><channel><title>W</title><item><title>A &remote; B &local; C"
        "</title><link>https://wire.example/1</link><description>&local;</description>"
        "</item></channel></rss>"
    ).encode()
    server.static("/feed", body=feed)
    server.static("/x.dtd", body=b'<!ENTITY remote "FETCHED">')
    server.static("/entity", body=b"FETCHED")
    conf = site("/feed")
    result = run_cli(conf, "collect")
    assert "1 new items" in result.output
    assert [path for path, _ in server.requests] == ["/feed"]
    (title,) = stored_titles(conf)
    assert "SECRET-MARKER" not in title and "FETCHED" not in title


# --------------------------------------------------------------------------- processes


def test_a_killed_collect_leaves_no_process_behind(site, server):
    # Two feeds that take seconds to parse keep both parser workers busy; a third that
    # trickles keeps collect waiting. Then the collect is killed as a cron timeout would.
    entries = "".join(
        f"<item><title>T{n}</title><link>https://wire.example/{n}</link>"
        f"<description>{'<p>x</p>' * 50}</description></item>"
        for n in range(8000)
    )
    heavy = f"<rss version='2.0'><channel><title>W</title>{entries}</channel></rss>".encode()
    server.static("/heavy0", body=heavy)
    server.static("/heavy1", body=heavy)
    server.route("/slow", lambda handler: drip(handler, every=0.2, limit=30))
    conf = site("/heavy0", "/heavy1", "/slow", extra="DIGEST_MAX_ITEMS_PER_SOURCE = 10\n")
    command = [sys.executable, "-m", "digest", "--config", str(conf), "collect"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": at()}
    collect = subprocess.Popen(
        command,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:  # collect, the fork server, the resource tracker and the parser workers
        started = processes.wait_for(
            lambda: hits(server, "/heavy1") and len(processes.group(collect.pid)) >= 4, 30
        )
        time.sleep(1.0)  # the workers are parsing
        assert started and len(processes.group(collect.pid)) >= 4
    finally:
        left = processes.kill_and_count(collect)
    assert left == []


def test_the_parsers_fork_server_is_started_before_the_settings_are_read(tmp_path):
    # The settings file is Python, run as the settings are read: it lists this process's
    # children then. The fork server's imports overlap the reading instead of following it.
    seen = tmp_path / "children"
    conf = make_project(tmp_path / "site", samples=False)
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + "\nimport os as _os, pathlib as _pathlib\n_children = []\n"
        "for _entry in _pathlib.Path('/proc').iterdir():\n"
        "    try:\n"
        "        _stat = (_entry / 'stat').read_text()\n"
        "        if int(_stat.rsplit(')', 1)[1].split()[1]) == _os.getpid():\n"
        "            _children.append((_entry / 'cmdline').read_bytes())\n"
        "    except (OSError, ValueError):\n"
        "        pass\n"
        f"_pathlib.Path({str(seen)!r}).write_bytes(b'\\n'.join(_children))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "digest", "--config", str(conf), "collect"],
        cwd=conf.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert b"multiprocessing.forkserver import main" in seen.read_bytes()


def test_a_collect_refused_for_its_settings_leaves_no_process_behind(tmp_path):
    # `digest collect` starts its parsers' fork server before it reads the settings.
    conf = tmp_path / "pelican.conf.py"
    conf.write_text(
        'SITENAME = "M"\nDIGEST_SOURCES = [{"name": "a", "url": "https://a.example/f",'
        ' "kindd": "feed"}]\n',
        encoding="utf-8",
    )
    collect = subprocess.Popen(
        [sys.executable, "-m", "digest", "--config", str(conf), "collect"],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, err = collect.communicate(timeout=60)
        assert collect.returncode == 2
        assert "unknown field 'kindd'; did you mean 'kind'?" in err
        assert "Traceback" not in err
        assert processes.wait_for(lambda: processes.group(collect.pid) == [], 10)
    finally:
        assert processes.kill_and_count(collect) == []


def test_a_fresh_collect_reads_an_html_page_with_a_reader_the_worker_imports(tmp_path):
    # `digest collect` starts the fork server before its settings say a source is a page:
    # the worker that reads the sample's page imports BeautifulSoup itself.
    conf = make_project(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, "-m", "digest", "--config", str(conf), "collect", "--strict"],
        cwd=conf.parent,
        env={**os.environ, "SOURCE_DATE_EPOCH": at()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (row,) = [line for line in done.stdout.splitlines() if line.startswith("Relief Monitor")]
    assert row.split()[2] == "ok" and int(row.split()[3]) > 0, row
