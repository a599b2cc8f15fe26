"""What a command imports before its work: reading the settings loads neither Pelican's
generators nor the scraper's selectors, and Pelican is whole after.

Each case runs in a fresh interpreter: in the test process Pelican is long imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from digest import kept_code
from tests.conftest import make_project, run_cli

PROBE = """
import json, sys
from digest import config

settings = config.load(sys.argv[1], compile_selectors=False)
after_settings = sorted(name for name in sys.modules if name.split(".")[0] == "pelican")
import pelican.settings as first
from pelican import Pelican, signals
import pelican
from pelican.log import LimitFilter

print(json.dumps({
    "after_settings": after_settings,
    "same_settings_module": pelican.settings is first,
    "pelican_class": Pelican.__module__,
    "signals": signals.__name__,
    "package_type": type(pelican).__name__,
    "version": getattr(pelican, "__version__", None) is not None,
    "ignored": sorted(map(list, LimitFilter._ignore)),
    "output": str(settings.output_path),
}))
"""


def probe(config_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_settings_are_read_without_the_generators(tmp_path: Path) -> None:
    seen = probe(make_project(tmp_path / "site", samples=False))
    assert seen["after_settings"], "Pelican's settings loader was not used"
    assert "pelican.generators" not in seen["after_settings"]
    assert "pelican.readers" not in seen["after_settings"]
    assert seen["output"] == str((tmp_path / "site" / "output").resolve())


def test_pelican_is_whole_and_one_after_the_settings(tmp_path: Path) -> None:
    # LOG_FILTER is kept by the settings loader in pelican.log's LimitFilter: had the
    # settings read a private copy of Pelican's modules, the real one would not have it.
    extra = 'LOG_FILTER = [(30, "Empty alt attribute for image %s in %s")]\n'
    seen = probe(make_project(tmp_path / "site", extra, samples=False))
    assert seen["same_settings_module"] is True
    assert seen["pelican_class"] == "pelican"
    assert seen["signals"] == "pelican.plugins.signals"
    assert seen["package_type"] == "module"
    assert seen["version"] is True
    assert [30, "Empty alt attribute for image %s in %s"] in seen["ignored"]


COMMAND = """
import json, sys
from digest.cli import main

try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def command_modules(config_path: Path, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, "--config", str(config_path), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=config_path.parent,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_draft_loads_neither_pelican_nor_the_scraper(tmp_path: Path) -> None:
    # The sample sources are files of the project: collected without a network.
    conf = make_project(tmp_path / "site")
    assert run_cli(conf, "collect").exit_code == 0
    seen = command_modules(conf, "draft", "--week-ending", "2024-02-08")
    assert seen["code"] == 0
    assert (conf.parent / "content" / "issues" / "2024-02-08.md").read_text().startswith("Title: ")
    # Compiling the sources' selectors (soupsieve) cost a draft of the sample about 0.15 s.
    assert "soupsieve" not in seen["modules"]
    assert "pelican.generators" not in seen["modules"]


def test_pdf_with_nothing_to_make_loads_no_judge_nor_renderer(sample_site: Path, tmp_path: Path):
    # The sample was built (its PDFs made, its issue files judged): nothing to make.
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    seen = command_modules(site / "pelican.conf.py", "pdf")
    assert seen["code"] == 0
    # The verdicts kept for the unchanged files were read, not judged again (the Markdown
    # parser and the text readers), and no PDF was begun.
    for heavy in ("digest.render.issue_check", "markdown_it", "pelican.generators", "weasyprint"):
        assert heavy not in seen["modules"], heavy
    stamps = sorted(site.glob("output/issues/*/.pdf-cache"))
    assert len(stamps) == 2


FORK_SERVER = """
import json, sys
import digest.collect.parser_server as server

alone = sorted(name for name in sys.modules if name.startswith("digest."))
for module in server.PARSERS:
    __import__(module)
print(json.dumps({"alone": alone, "loaded": sorted(sys.modules)}))
"""


def test_the_parsers_fork_server_imports_what_parsing_needs_only() -> None:
    # `digest collect` starts it before anything else; what it imports, each worker waits for.
    done = subprocess.run(
        [sys.executable, "-c", FORK_SERVER], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["alone"] == ["digest.collect", "digest.collect.parser_server"]
    loaded = set(seen["loaded"])
    assert {"feedparser", "lxml.etree", "nh3", "digest.collect.normalize"} <= loaded
    for unneeded in ("sqlite3", "digest.store.items", "httpx", "bs4", "pelican", "click"):
        assert unneeded not in loaded, unneeded


def test_collect_imports_httpx_without_its_command_line_client(tmp_path: Path) -> None:
    # httpx's own `httpx` command (rich's progress bars and highlighting, pygments' lexers)
    # was about 20 ms of CPU that `digest collect` spent before its first fetch.
    conf = make_project(tmp_path / "site")
    seen = command_modules(conf, "collect")
    assert seen["code"] == 0
    assert "httpx" in seen["modules"]
    for unused in ("rich.progress", "rich.syntax", "pygments.lexers"):
        assert unused not in seen["modules"], unused


FORK_SERVER_KEPT = """
import json, multiprocessing.forkserver
from digest import kept_code
from digest.collect import parser_server

parser_server.start_parsers(html=False)
with parser_server.forkserver_context(False).Pool(1) as pool:
    assert pool.map(abs, [-1]) == [1]
# The server ends as after a collect, its last client gone, and runs its exit handlers;
# _stop waits for that (CPython's own tests stop the server with it).
multiprocessing.forkserver._forkserver._stop()
print(json.dumps({"file": str(kept_code.cache_file())}))
"""


def test_the_fork_server_keeps_its_dataclass_code_for_the_next(tmp_path: Path) -> None:
    # Its imports make the models' and the sanitizer's dataclasses from the code kept by an
    # earlier server (digest/kept_code.py) in the user's cache folder (here the test's
    # own), and it keeps what it compiled anew as it ends.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")
    server = [sys.executable, "-c", FORK_SERVER_KEPT]
    done = subprocess.run(server, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    kept = Path(json.loads(done.stdout)["file"])
    assert kept.parent == tmp_path / "user-cache" / "digest"
    texts = kept_code._read(kept)
    # Compiled only in the server: its workers sanitize with it, the client never imports it.
    assert any("def __init__(self,tags:_type_tags,attributes:" in t for t in texts)
    before = (kept.read_bytes(), kept.stat().st_mtime_ns)
    done = subprocess.run(server, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (kept.read_bytes(), kept.stat().st_mtime_ns) == before  # nothing compiled anew
