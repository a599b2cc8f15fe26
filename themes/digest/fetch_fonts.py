"""Fetch the theme's print fonts from npm (Fontsource) and write them to static/fonts/.

    .venv/bin/invoke fonts      (needs npm and the npm registry; the results are committed)

The PDF embeds these fonts and no other: the PDF renderer's fontconfig sees only this
folder (digest/publish/pdf/render.py), so every build machine prints the same glyphs, and
the same bytes, whatever it has installed. A character none of them has is not printed:
the build warns and names it (render.py), so what they cover is what the PDF can print.

Fontsource splits each style into unicode subsets; the subsets wanted are merged into one
TrueType file per style (fontTools, a WeasyPrint dependency), so WeasyPrint loads one file
per style and never decompresses WOFF2 while printing (its fontconfig ignores the site's
WOFF2 copies, write_woff2 below). Every family is under the SIL Open Font License 1.1;
each licence is copied beside them.

What is covered, and why no more (the PDF embeds only the glyphs it uses, but the
repository and the wheel carry every file whole):
- Latin (with Vietnamese), Greek and Cyrillic: Source Serif 4 for text, Source Sans 3 for
  page furniture and tables, Source Code Pro for code; a few KB a script.
- Arabic script (Arabic, Persian, Kurdish Sorani, Urdu letters): Noto Naskh Arabic.
- Korean and Japanese kana: Noto Sans KR, regular only, cut to the 2,350 Hangul syllables
  of KS X 1001 (the set nearly all Korean text is written in), the Hangul letters, kana and
  CJK punctuation: 0.5 MB, where every syllable would be 2.4 MB and the whole font 4 MB.
  Chinese characters (Han) are left out: a useful set is several MB a style, and a monitor
  in English and Arabic meets them in names now and then, where the build's warning says
  which characters it could not print.
- Arrows (from Noto Sans KR, which has ← and →), geometric shapes, dingbats (✓ ✗ ★),
  technical and miscellaneous symbols: Noto Sans Symbols 2 cut to those blocks. Emoji
  are not covered.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONTS = HERE / "static" / "fonts"

LATIN = ("latin", "latin-ext", "vietnamese", "greek", "cyrillic", "cyrillic-ext")


def _codec_set(codec: str, leads: Iterable[int]) -> frozenset[int]:
    """The characters of a two-byte EUC character set's rows `leads` (Python's codecs
    know the standard sets, so no list is kept here)."""
    found = set()
    for lead in leads:
        for trail in range(0xA1, 0xFF):
            try:
                text = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            found.update(ord(char) for char in text)
    return frozenset(found)


def _ranges(*spans: tuple[int, int]) -> frozenset[int]:
    return frozenset(code for start, end in spans for code in range(start, end + 1))


def korean() -> frozenset[int]:
    return (
        _codec_set("euc_kr", range(0xB0, 0xC9))  # KS X 1001's 2,350 Hangul syllables
        | _ranges(
            # Spaces and punctuation: Pango sets those between two Hangul words in the
            # Hangul font, which must have them (else .notdef boxes for spaces).
            (0x0020, 0x007E),
            (0x00A0, 0x00A0),
            (0x2000, 0x206F),
            (0x1100, 0x11FF),  # Hangul Jamo
            (0x3000, 0x303F),  # CJK symbols and punctuation
            (0x3040, 0x30FF),  # Hiragana, Katakana
            (0x3130, 0x318F),  # Hangul Compatibility Jamo
            (0xFF01, 0xFF60),  # fullwidth forms
            (0x2190, 0x21FF),  # arrows: Noto Sans Symbols 2 lacks the common ones (← →)
        )
    )


def symbols() -> frozenset[int]:
    return _ranges(
        (0x2190, 0x21FF),  # arrows
        (0x2300, 0x23FF),  # miscellaneous technical
        (0x2460, 0x24FF),  # enclosed alphanumerics
        (0x25A0, 0x25FF),  # geometric shapes
        (0x2600, 0x26FF),  # miscellaneous symbols
        (0x2700, 0x27BF),  # dingbats
    )


@dataclass(frozen=True)
class Family:
    spec: str  # npm package, pinned
    stem: str  # file name stem in the package and here
    styles: tuple[str, ...]
    subsets: tuple[str, ...]  # Fontsource subsets to merge; "[*]": every numbered slice
    keep: frozenset[int] | None = None  # cut the merged font to these characters


FAMILIES = (
    Family(
        "@fontsource/source-serif-4@5.3.1",
        "source-serif-4",
        ("400-normal", "400-italic", "700-normal"),
        LATIN,
    ),
    Family(
        "@fontsource/source-sans-3@5.3.1",
        "source-sans-3",
        ("400-normal", "700-normal"),
        LATIN,
    ),
    Family("@fontsource/source-code-pro@5.3.1", "source-code-pro", ("400-normal",), LATIN),
    Family(
        "@fontsource/noto-naskh-arabic@5.3.0",
        "noto-naskh-arabic",
        ("400-normal", "700-normal"),
        ("arabic",),
    ),
    Family("@fontsource/noto-sans-kr@5.3.0", "noto-sans-kr", ("400-normal",), ("[*]",), korean()),
    Family(
        "@fontsource/noto-sans-symbols-2@5.3.0",
        "noto-sans-symbols-2",
        ("400-normal",),
        ("symbols",),
        symbols(),
    ),
)


def unpack(spec: str, scratch: Path) -> Path:
    name = subprocess.run(
        ["npm", "pack", "--silent", spec], cwd=scratch, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    folder = scratch / name.removesuffix(".tgz")
    with tarfile.open(scratch / name) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def wanted_subsets(family: Family, package: Path) -> list[str]:
    """The subsets to merge: "[*]" stands for the numbered slices (Fontsource cuts CJK
    fonts into about a hundred), only those holding a character `keep` asks for."""
    if family.subsets != ("[*]",):
        return list(family.subsets)
    table = json.loads((package / "unicode.json").read_text(encoding="utf-8"))
    chosen = []
    for name, ranges in table.items():
        if not name.startswith("["):
            continue
        codes = set()
        for part in ranges.split(","):
            start, _, end = part.strip().removeprefix("U+").partition("-")
            codes.update(range(int(start, 16), int(end or start, 16) + 1))
        if family.keep is None or codes & family.keep:
            chosen.append(name.strip("[]"))
    return chosen


def truetype(woff2: Path, scratch: Path) -> Path:
    font = TTFont(woff2, recalcTimestamp=False)  # the package's date, not today's
    font.flavor = None
    out = scratch / (woff2.stem + ".ttf")
    font.save(out)
    return out


def cut(font: TTFont, keep: frozenset[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["*"]  # Hangul jamo and kana shaping, whatever the font has
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # a PDF is drawn by the viewer's own rasteriser
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=keep & set(font.getBestCmap()))
    cutter.subset(font)
    return font


def make(family: Family, style: str, package: Path, scratch: Path) -> Path:
    parts = [
        truetype(package / "files" / f"{family.stem}-{name}-{style}.woff2", scratch)
        for name in wanted_subsets(family, package)
    ]
    font = TTFont(parts[0], recalcTimestamp=False)
    if len(parts) > 1:
        dated = font["head"]
        font = Merger().merge([str(p) for p in parts])
        # Merger dates the font now: keep the package's dates, so the bytes repeat.
        font["head"].created, font["head"].modified = dated.created, dated.modified
    if family.keep is not None:
        font = cut(font, family.keep)
    font.recalcTimestamp = False  # the same packages make the same bytes
    target = FONTS / f"{family.stem}-{style}.ttf"
    font.save(target)
    return target


# The site's copies of the text faces (screen.css): WOFF2, made from the files above so the
# site and the PDF draw the same glyphs.
WEB_FONTS = ("source-serif-4", "source-sans-3", "noto-naskh-arabic")


def write_woff2(fonts: Path = FONTS) -> list[Path]:
    """A .woff2 beside each TrueType file of the web faces (brotli compresses them)."""
    written = []
    for ttf in sorted(p for stem in WEB_FONTS for p in fonts.glob(f"{stem}-*.ttf")):
        font = TTFont(ttf, recalcTimestamp=False)  # the same TrueType makes the same bytes
        font.flavor = "woff2"
        target = ttf.with_suffix(".woff2")
        font.save(target)
        print(f"{target.name}: {target.stat().st_size // 1024} KB")
        written.append(target)
    return written


def main() -> None:
    FONTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for family in FAMILIES:
            package = unpack(family.spec, scratch)
            for style in family.styles:
                target = make(family, style, package, scratch)
                print(f"{target.relative_to(HERE)}: {target.stat().st_size // 1024} KB")
            licence = FONTS / f"{family.stem}-OFL.txt"
            licence.write_bytes((package / "LICENSE").read_bytes())
    write_woff2()


if __name__ == "__main__":
    sys.exit(main())
