"""Fetch the theme's print fonts from npm (Fontsource) and write them to static/fonts/.

    .venv/bin/invoke fonts      (needs npm and the npm registry; the results are committed)

The PDF embeds these fonts, so every build machine prints the same glyphs whatever it has
installed. Fontsource splits each style into unicode subsets; the Latin and Latin Extended
subsets are merged into one TrueType file per style (fontTools, a WeasyPrint dependency),
so WeasyPrint loads one file per style and never decompresses WOFF2 while printing. All
three families are under the SIL Open Font License 1.1; each licence is copied beside them.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONTS = HERE / "static" / "fonts"

# npm package (pinned) -> file name stem in the package -> styles -> subsets to merge
PACKAGES = {
    "@fontsource/source-serif-4@5.3.1": (
        "source-serif-4",
        ("400-normal", "400-italic", "700-normal"),
        ("latin", "latin-ext"),
    ),
    "@fontsource/source-sans-3@5.3.1": (
        "source-sans-3",
        ("400-normal", "700-normal"),
        ("latin", "latin-ext"),
    ),
    "@fontsource/noto-naskh-arabic@5.3.0": (
        "noto-naskh-arabic",
        ("400-normal", "700-normal"),
        ("arabic",),
    ),
}


def unpack(spec: str, scratch: Path) -> Path:
    name = subprocess.run(
        ["npm", "pack", "--silent", spec], cwd=scratch, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    folder = scratch / name.removesuffix(".tgz")
    with tarfile.open(scratch / name) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def truetype(woff2: Path, scratch: Path) -> Path:
    font = TTFont(woff2)
    font.flavor = None
    out = scratch / (woff2.stem + ".ttf")
    font.save(out)
    return out


def main() -> None:
    FONTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for spec, (stem, styles, subsets) in PACKAGES.items():
            package = unpack(spec, scratch)
            for style in styles:
                parts = [
                    truetype(package / "files" / f"{stem}-{subset}-{style}.woff2", scratch)
                    for subset in subsets
                ]
                font = (
                    Merger().merge([str(p) for p in parts]) if len(parts) > 1 else TTFont(parts[0])
                )
                target = FONTS / f"{stem}-{style}.ttf"
                font.save(target)
                print(f"{target.relative_to(HERE)}: {target.stat().st_size // 1024} KB")
            licence = FONTS / f"{stem}-OFL.txt"
            licence.write_bytes((package / "LICENSE").read_bytes())


if __name__ == "__main__":
    sys.exit(main())
