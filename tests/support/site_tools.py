"""Tools the site-quality and browser tests drive: the Nu HTML Checker (vnu.jar), axe-core,
Debian's Chromium, a loopback HTTP server for the built site, and the built sample itself.

vnu.jar and axe.min.js come from the npm registry at pinned versions and are not
committed: `npm install` puts them into .cache/npm/ (git-ignored) once; a marker written
last records the versions, so a version bump or a broken install is fetched again.
Chromium is never downloaded: it is the `chromium-headless-shell` Debian package (.ci/run
installs it), and Playwright only drives it (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).

    python tests/support/site_tools.py      # fetch vnu.jar and axe.min.js if missing

The module-level part is standard library only: tasks.py runs it as a script, before pytest.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
NPM_PREFIX = CACHE / "npm"
VNU_VERSION = "26.9.27"
AXE_VERSION = "4.14.1"
PACKAGES = (f"vnu-jar@{VNU_VERSION}", f"axe-core@{AXE_VERSION}")
MARKER = ".complete"  # written last, holding PACKAGES: anything else is re-installed
INSTALL_TIMEOUT = 300  # seconds for the whole `npm install`
VNU_TIMEOUT = 180
# Debian's headless Chromium first (small: `chromium-headless-shell`), then full Chromium.
CHROMIUM_CANDIDATES = (
    Path("/usr/lib/chromium/chromium-headless-shell"),
    Path("/usr/bin/chromium-headless-shell"),
    Path("/usr/bin/chromium"),
)
# Flags that keep Chromium from calling home during tests.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class ToolError(Exception):
    """A tool is missing and could not be fetched; the message says what to do."""


@dataclass(frozen=True)
class WebTools:
    vnu_jar: Path
    axe_js: Path


def ensure_web_tools(prefix: Path = NPM_PREFIX) -> WebTools:
    """vnu.jar and axe.min.js at their pinned versions, installed with npm first if the
    cache does not have them."""
    tools = WebTools(
        vnu_jar=prefix / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
        axe_js=prefix / "node_modules" / "axe-core" / "axe.min.js",
    )
    marker = prefix / MARKER
    if marker.is_file() and marker.read_text().split() == list(PACKAGES):
        return tools
    npm = shutil.which("npm")
    if npm is None:
        raise ToolError(
            f"npm not found: the site tests need {' and '.join(PACKAGES)} from the npm"
            " registry; install Node.js with npm (not Debian's `npm` package on the CI image),"
            f" then run `{_python()} tests/support/site_tools.py` (or `make test`) again"
        )
    shown = prefix.relative_to(ROOT) if prefix.is_relative_to(ROOT) else prefix
    print(f"site test tools: installing {' '.join(PACKAGES)} into {shown}/")
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=prefix.parent, prefix=".npm-") as tmp:
        staging = Path(tmp) / "npm"
        staging.mkdir()
        command = [
            npm, "install", "--prefix", str(staging), "--no-save", "--ignore-scripts",
            "--no-audit", "--no-fund", "--no-package-lock", *PACKAGES,
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
            )
            failure = _npm_error(result.stderr) if result.returncode else ""
        except subprocess.TimeoutExpired:
            failure = f"no answer from the npm registry in {INSTALL_TIMEOUT} s"
        staged = [staging / path.relative_to(prefix) for path in (tools.vnu_jar, tools.axe_js)]
        if not failure and not all(path.is_file() for path in staged):
            failure = "it finished without " + ", ".join(p.name for p in staged if not p.is_file())
        if failure:
            raise ToolError(
                f"site test tools missing: `npm install {' '.join(PACKAGES)}` failed"
                f" ({failure}); give npm access to its registry, then run"
                f" `{_python()} tests/support/site_tools.py` (or `make test`) again"
            )
        (staging / MARKER).write_text(" ".join(PACKAGES) + "\n")
        if prefix.exists():  # an older version, or an install that never finished
            shutil.rmtree(prefix)
        os.replace(staging, prefix)
    return tools


def find_chromium() -> Path:
    """Debian's Chromium binary; never a browser Playwright downloads."""
    for path in CHROMIUM_CANDIDATES:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise ToolError(
        "Chromium not found (looked for "
        + ", ".join(str(p) for p in CHROMIUM_CANDIDATES)
        + "): install the Debian package with `apt-get install chromium-headless-shell`"
        " (.ci/run does); do not run `playwright install`"
    )


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ToolError(
            "java not found: the Nu HTML Checker (vnu.jar) needs Java 11 or newer;"
            " install it with `apt-get install default-jre-headless`"
        )
    return java


def run_vnu(vnu_jar: Path, files: Iterable[Path]) -> list[dict[str, Any]]:
    """The Nu HTML Checker's error messages for these files (one JVM for all of them)."""
    paths = [str(f) for f in files]
    if not paths:
        raise ValueError("no files to check")
    command = [
        find_java(), "-jar", str(vnu_jar), "--errors-only", "--skip-non-html",
        "--format", "json", "--stdout", *paths,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=VNU_TIMEOUT)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"vnu.jar gave no JSON report (exit {result.returncode}): "
            f"{(result.stdout + result.stderr)[-2000:]}"
        ) from None
    messages = report.get("messages", [])
    # Exit 1 means "errors found"; anything else non-zero is the checker failing.
    assert result.returncode in (0, 1), f"vnu.jar exited {result.returncode}: {result.stderr}"
    return messages


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]  # WCAG 2.1 A and AA


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG violations on a loaded Playwright page (axe.min.js injected with
    add_init_script), one line each: rule, impact, help and up to 5 offending nodes."""
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n      `
                + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join('\\n      '));
        }""",
        AXE_TAGS,
    )


def describe(messages: Iterable[dict[str, Any]], root: Path) -> str:
    """vnu messages as `path:line: message` lines, for an assertion."""
    lines = []
    for m in messages:
        url = m.get("url", "")
        path = url.removeprefix("file:")
        shown = Path(path).relative_to(root) if path.startswith(str(root)) else path
        lines.append(f"  {shown}:{m.get('lastLine', '?')}: {m.get('type')}: {m.get('message')}")
    return "\n".join(lines)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    with path.open("rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


class _QuietHandler(SimpleHTTPRequestHandler):
    """A static server that answers byte ranges, as every web host and CDN does: a
    browser reads an Ogg file's duration from its last page, which it asks for by range
    (without ranges Chromium's <audio> says Infinity)."""

    _range: tuple[int, int] | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        asked = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not asked or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(asked[1])
        end = min(int(asked[2]) if asked[2] else size - 1, size - 1)
        if start >= size:
            self.send_error(416)
            return None
        stream = path.open("rb")
        stream.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._range = (start, end)
        return stream

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._range is None:
            return super().copyfile(source, outputfile)
        left = self._range[1] - self._range[0] + 1
        while left > 0:
            chunk = source.read(min(left, 64 * 1024))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on a free port of 127.0.0.1, byte ranges too; yields the base URL
    (with `/`)."""
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; fails (never skips) naming what to install.
    Enter it after anything that runs its own event loop (a build): Playwright's sync API
    keeps one running in this thread."""
    import pytest
    from playwright.sync_api import sync_playwright

    try:
        path = find_chromium()
    except ToolError as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def html_pages(output: Path, *, email: bool) -> list[Path]:
    """Every built HTML page under output/: the email edition's, or all the others."""
    pages = sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)
    return [p for p in pages if (p.relative_to(output).parts[0] == "email") == email]


# --------------------------------------------------------------------------- built sites

DEMO_DRAFTS = (
    ("draft", "--week-ending", "2024-02-01"),
    ("draft", "--week-ending", "2024-02-08"),
    ("draft", "--layout", "daily", "--month", "2024-02"),
    ("draft", "--layout", "report", "--week-ending", "2024-02-01"),
    ("draft", "--layout", "report", "--week-ending", "2024-02-08"),
)


def build_project(conf: Path, drafts: Iterable[tuple[str, ...]] = DEMO_DRAFTS) -> Path:
    """Collect, draft and build the project of `conf` as `make demo` does; its output/."""
    from tests.conftest import run_cli  # pytest-only: the script part stays stdlib-only

    for args in (("collect",), *drafts, ("build",)):
        result = run_cli(conf, *args)
        assert result.exit_code == 0, f"digest {' '.join(args)}: {result.output}"
    return conf.parent / "output"


def demo_site(request: Any) -> Path:
    """The output/ of `make demo` (two weekly issues, the February month page and two
    situation reports), built once per session into a temp folder and shared by every
    module that asks for it."""
    import pytest

    from tests.conftest import make_project

    key = _DEMO_KEY
    stash = request.config.stash
    if key not in stash:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        conf = make_project(factory.mktemp("demo") / "site")
        stash[key] = build_project(conf)
    return stash[key]


def _stash_key() -> Any:
    try:
        import pytest
    except ImportError:  # run as a script: no pytest needed
        return None
    return pytest.StashKey[Path]()


_DEMO_KEY = _stash_key()


def _python() -> str:
    python = Path(sys.executable)
    return str(python.relative_to(ROOT)) if python.is_relative_to(ROOT) else str(python)


def _npm_error(text: str) -> str:
    """npm's own error lines, without the pointer to its log file."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("npm error") and "complete log" not in line]
    return ("; ".join(errors[:3]) or (lines[-1] if lines else "no error output"))[:400]


def main() -> int:
    try:
        ensure_web_tools()
    except ToolError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
