"""digest installed from a wheel, outside the checkout, builds a project that has neither
templates/ nor themes/: both come from the installed package (pyproject.toml ships them as
digest.templates and digest.themes).

The wheel and the venv it is installed in are conftest's `wheel` and `venv`; that venv runs
`digest` in a copy of the sample project.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_EPOCH
from tests.support.installed import run

EPOCH = {"SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
# Run by the new venv's Python in the project folder: where digest, its templates and the
# theme come from, and which THEME a project's own setting gives.
PROBE = """
import json, sys
from pathlib import Path
import digest
from digest import config
from digest.render import jinja
own = Path("own.conf.py")
own.write_text(Path("pelican.conf.py").read_text() + "\\nTHEME = 'themes/mine'\\n")
print(json.dumps({
    "digest": digest.__file__,
    "path": sys.path,
    "templates": str(jinja.TEMPLATES),
    "theme": config.load("pelican.conf.py").pelican["THEME"],
    "own_theme": config.load(own).pelican["THEME"],
}))
"""


def expected_files() -> set[str]:
    """The wheel's files as the checkout lays them out: digest/, templates/ and the theme
    (but not its maintenance script, fetch_fonts.py)."""
    names = set()
    for folder, inside in (("digest", "digest"), ("templates", "digest/templates")):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                names.add(f"{inside}/{path.relative_to(ROOT / folder).as_posix()}")
    names.add("digest/themes/__init__.py")
    theme = ROOT / "themes" / "digest"
    for path in [*(theme / "templates").rglob("*"), *(theme / "static").rglob("*")]:
        if path.is_file():
            names.add(f"digest/themes/{path.relative_to(ROOT / 'themes').as_posix()}")
    return names


def test_the_wheel_holds_every_file_of_the_package_its_templates_and_theme(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if ".dist-info/" not in name}
    # A folder of digest/ left out of pyproject.toml's packages is missing here.
    assert shipped == expected_files()


def test_an_installed_digest_builds_a_project_without_templates_or_themes(
    venv: Path, tmp_path: Path
):
    project = tmp_path / "site"
    shutil.copytree(ROOT / "samples", project / "samples")
    settings = (ROOT / "pelican.conf.py").read_text(encoding="utf-8")
    (project / "pelican.conf.py").write_text(settings + "\nDIGEST_AUDIO = False\n")
    (project / "content" / "issues").mkdir(parents=True)
    shutil.copytree(ROOT / "themes" / "digest", project / "themes" / "mine")

    found = json.loads(run(venv / "bin" / "python", "-c", PROBE, cwd=project, env=EPOCH))
    assert Path(found["digest"]).is_relative_to(venv)
    assert ROOT not in [Path(entry).resolve() for entry in found["path"] if entry]
    assert Path(found["templates"]).is_relative_to(venv)
    assert Path(found["theme"]).is_relative_to(venv)
    # A project's own THEME wins over digest's.
    assert found["own_theme"] == str(project / "themes" / "mine")

    digest = venv / "bin" / "digest"
    for args in (("collect",), ("draft", "--week-ending", "2024-02-08"), ("build",)):
        run(digest, "--config", "pelican.conf.py", *args, cwd=project, env=EPOCH)
    issue = project / "output" / "issues" / "2024-02-08"
    assert "Iraq Weekly Monitor" in (issue / "index.html").read_text(encoding="utf-8")
    assert (issue / "2024-02-08.pdf").read_bytes().startswith(b"%PDF-")
    # The theme's stylesheets, copied by Pelican from the installed package.
    assert (project / "output" / "theme" / "css" / "print.css").is_file()
