"""The podcast's cover: a square PNG with the site's name, drawn with the theme's own fonts.

Podcast apps and directories want a square image of 1400 to 3000 pixels (Apple's rule) and
show it at thumbnail size beside every episode. A site has no logo of that shape, so one is
drawn: the site's name in the theme's bold serif on its accent colour, "Audio edition"
under it. The same name and fonts give the same bytes (no date, no metadata in the PNG).
Pure: text and a font folder in, PNG bytes out.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400  # pixels a side: the smallest square Apple Podcasts accepts
MARGIN = 140
BACKGROUND = (0x8E, 0x1B, 0x2C)  # the theme's --accent (screen.css)
INK = (0xFD, 0xFC, 0xF9)  # its --paper
MUTED = (0xF3, 0xEE, 0xE3)  # its --box-bg
SERIF = "source-serif-4-700-normal.ttf"
SANS = "source-sans-3-400-normal.ttf"
ARABIC = "noto-naskh-arabic-700-normal.ttf"  # the theme's face for Arabic script
LARGEST, SMALLEST = 190, 60  # the name's font size, tried from the largest down
MOST_LINES = 5
SMALLEST_LINES = 12  # what fits above the label at the smallest size
LABEL = "Audio edition"


def _needs_arabic(text: str) -> bool:
    return any("ARABIC" in unicodedata.name(c, "") for c in text)


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(trial) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _fit(text: str, path: Path, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which `text` fits in MOST_LINES lines of `width`."""
    size = LARGEST
    while True:
        font = ImageFont.truetype(str(path), size)
        lines = _lines(text, font, width)
        fits = len(lines) <= MOST_LINES and all(font.getlength(x) <= width for x in lines)
        if fits:
            return font, lines
        if size <= SMALLEST:
            if len(lines) > SMALLEST_LINES:  # a name of a paragraph: what the square holds
                lines = [*lines[: SMALLEST_LINES - 1], lines[SMALLEST_LINES - 1] + " …"]
            return font, lines  # a word wider than the square is cut at its edge
        size -= 10


def artwork_png(name: str, fonts: Path) -> bytes:
    """The cover for a podcast called `name`, drawn with the fonts in `fonts`."""
    name = " ".join(name.split()) or "Podcast"
    face = fonts / (ARABIC if _needs_arabic(name) else SERIF)
    width = SIZE - 2 * MARGIN
    font, lines = _fit(name, face, width)
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    # A rule over the name, as the site's header has one over the site's name.
    draw.rectangle((MARGIN, MARGIN, MARGIN + 220, MARGIN + 18), fill=INK)
    leading = round(font.size * 1.15)
    # A right-to-left name starts at the right edge.
    x, anchor = (SIZE - MARGIN, "ra") if face.name == ARABIC else (MARGIN, "la")
    y = MARGIN + 90
    for line in lines:
        draw.text((x, y), line, font=font, fill=INK, anchor=anchor)
        y += leading
    label = ImageFont.truetype(str(fonts / SANS), 72)
    draw.text((MARGIN, SIZE - MARGIN), LABEL, font=label, fill=MUTED, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
