"""The site's subscribe box in a real browser (Debian's Chromium), posting to the running
subscription service: the reader subscribes, gets the confirmation email, follows it.

The site and the service share one origin on 127.0.0.1, as the README's nginx setup
serves them: the static files at /, the service at /subscriptions/.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from digest import config
from digest.clock import now
from digest.store import Store
from digest.subscriptions.serve import make_app
from tests.conftest import make_project
from tests.support.site_tools import CHROMIUM_ARGS, ToolError, build_project, find_chromium
from tests.support.smtp_server import free_port, smtp_server
from tests.support.wsgi_server import serve_wsgi

SECRET = "browser test secret"


def static_files(root: Path):
    """Files under `root` (index.html for a folder), nothing else."""

    def app(environ, start):
        path = (root / environ.get("PATH_INFO", "/").lstrip("/")).resolve()
        if path.is_dir():
            path = path / "index.html"
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            start("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        start("200 OK", [("Content-Type", kind)])
        return [path.read_bytes()]

    return app


def one_origin(site, service):
    """/subscriptions/... to the service (the prefix taken off), the rest to the files."""

    def app(environ, start):
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/subscriptions/"):
            environ = {**environ, "PATH_INFO": path.removeprefix("/subscriptions")}
            return service(environ, start)
        return site(environ, start)

    return app


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[tuple[str, object, Path]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with smtp_server() as (sink, smtp_port):
        extra = (
            f"SITEURL = '{base}'\nFEED_DOMAIN = SITEURL\n"
            f"DIGEST_SUBSCRIBE_URL = '{base}/subscriptions/subscribe'\n"
            f"DIGEST_SUBSCRIPTIONS_URL = '{base}/subscriptions'\n"
            f"DIGEST_SMTP_URL = 'smtp+plain://127.0.0.1:{smtp_port}'\n"
        )
        conf = make_project(tmp_path_factory.mktemp("subscribe") / "site", extra)
        output = build_project(conf, [("draft", "--week-ending", "2024-02-08")])
        service = make_app(config.load(conf), SECRET.encode(), clock=now)
        with serve_wsgi(one_origin(static_files(output), service), port):
            yield base, sink, conf


def test_a_reader_subscribes_from_the_site_and_confirms(running):
    base, sink, conf = running
    try:
        chromium = find_chromium()
    except ToolError as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/issues/2024-02-08/")
        form = page.locator("form.subscribe-form")
        assert form.get_attribute("action") == f"{base}/subscriptions/subscribe"
        page.fill("#subscribe-email", "reader@example.org")
        with page.expect_navigation():
            page.click("form.subscribe-form button[type=submit]")
        assert page.locator("h1").inner_text() == "Check your inbox"

        deadline = time.monotonic() + 20
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.05)
        (mail,) = sink.received
        body = message_from_bytes(mail.data, policy=policy.default).get_content()
        link = re.search(r"http://\S+/confirm\?token=\S+", body).group(0)
        assert link.startswith(f"{base}/subscriptions/confirm?token=")
        page.goto(link)
        assert page.locator("h1").inner_text() == "Confirm your subscription"
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.locator("h1").inner_text() == "You are subscribed"
        browser.close()
    settings = config.load(conf)
    with Store(settings.store_path) as store:
        (row,) = store.subscribers(["reader@example.org"])
    assert row.status == "subscribed"
