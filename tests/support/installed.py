"""digest as a user installs it: a wheel built from a copy of the checkout, installed into a
new venv outside it. The venv sees the test venv's packages (digest's dependencies) through
a .pth file, so nothing is downloaded, and the checkout itself is not on its path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the wheel is built from: the package and the two folders pyproject.toml maps into it.
SOURCES = ("pyproject.toml", "README.md", "digest", "templates", "themes")


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run outside this test process's environment (no PYTHONPATH, no user site); the
    command must succeed. Returns what it printed on stdout."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean.update(PYTHONNOUSERSITE="1", **(env or {}))
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(top: Path) -> Path:
    # Built from a copy: building in the checkout would leave build/ and egg-info in it.
    source = top / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = top / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist, source)
    (built,) = dist.glob("digest-*.whl")
    return built


def install(wheel: Path, venv: Path) -> Path:
    """A new venv at `venv` with the wheel installed; returns the venv."""
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    # A path in a .pth file only extends sys.path: the test venv's own .pth files (the
    # editable install of this checkout among them) are not run.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python]
    run(*pip, "install", "--quiet", "--no-deps", "--no-index", wheel)
    return venv
