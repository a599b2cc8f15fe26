"""Every page the sample builds is valid HTML by the Nu HTML Checker (vnu.jar, the W3C
validator), run once over the whole site: zero errors, each one listed when there are any."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.site_tools import (
    ToolError,
    WebTools,
    demo_site,
    describe,
    ensure_web_tools,
    html_pages,
    run_vnu,
)

# CSS properties that exist only in email clients, so the checker does not know them:
# `mso-hide: all` is how Outlook hides the preheader (it ignores `display: none`), and
# `supported-color-schemes` is Apple Mail's older spelling of `color-scheme`. The email
# edition needs both; every other message still fails the test.
EMAIL_CLIENT_CSS = ("mso-hide", "supported-color-schemes")


@pytest.fixture(scope="session")
def tools() -> WebTools:
    """vnu.jar and axe.min.js, installed into .cache/npm/ on first use."""
    try:
        return ensure_web_tools()
    except ToolError as exc:
        problem = str(exc)  # it says what to run
    pytest.fail(problem, pytrace=False)  # not a skip: that would hide the missing coverage


@pytest.fixture(scope="module")
def output(request: pytest.FixtureRequest) -> Path:
    return demo_site(request)


def test_the_validator_sees_every_kind_of_page(output):
    built = {p.relative_to(output).as_posix() for p in html_pages(output, email=False)}
    # archive, by-year archive, weekly issues, the month page, a section page, search
    expected = {
        "index.html",
        "archives/index.html",
        "issues/2024-02-01/index.html",
        "issues/2024-02-08/index.html",
        "issues/2024-02/index.html",
        "sections/security/index.html",
        "search/index.html",
    }
    assert expected <= built, f"not built: {sorted(expected - built)}"


@pytest.fixture(scope="module")
def report(tools: WebTools, output: Path) -> dict[bool, list[dict[str, Any]]]:
    """The checker's errors for every page, in one run (one JVM start, ~2 s), split into
    the email edition's (True) and the site's (False)."""
    pages = html_pages(output, email=False) + html_pages(output, email=True)
    email = (output / "email").as_uri().removeprefix("file://")
    split: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for message in run_vnu(tools.vnu_jar, pages):
        path = message.get("url", "").removeprefix("file:")
        split[path.startswith(email + "/")].append(message)
    return split


def test_every_site_page_is_valid_html(report, output):
    pages = html_pages(output, email=False)
    messages = report[False]
    assert not messages, (
        f"the Nu HTML Checker found {len(messages)} error(s) in {len(pages)} pages:\n"
        + describe(messages, output)
    )


def test_the_email_editions_are_valid_html_but_for_email_client_css(report, output):
    pages = html_pages(output, email=True)
    assert {p.name for p in pages} == {
        "2024-02-01.html",
        "2024-02-08.html",
        "2024-02.html",
        "2024-02-01-report.html",
        "2024-02-08-report.html",
    }
    messages = [
        m
        for m in report[True]
        if not (
            m.get("message", "").startswith("CSS: ")
            and any(f"Property “{name}” doesn't exist" in m["message"] for name in EMAIL_CLIENT_CSS)
        )
    ]
    assert not messages, (
        f"the Nu HTML Checker found {len(messages)} error(s) in the email edition:\n"
        + describe(messages, output)
    )
