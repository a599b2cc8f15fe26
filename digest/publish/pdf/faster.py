"""Four of WeasyPrint's steps done with less Python, to the same result (WeasyPrint 70 only).

Installed by digest.publish.pdf.reuse in a PDF worker, after WeasyPrint's import (this
module imports WeasyPrint: nothing else imports it). tests/test_pdf_reuse.py and
tests/test_pdf_lines.py compare the PDFs' bytes with and without; issue 25,
benchmarks/README.md:

- ComputedStyle.__missing__, which computes an element's style one property at a time as
  it is asked for (some 25,000 times an issue): a property the stylesheets do not set,
  and that no other property's value depends on, takes its parent's value or its
  initial one directly, as that function's own steps would; any other goes to it.
- resolve_percentages, which gives a box its used margins, paddings, widths and heights
  (some 1,500 boxes an issue, each laid out several times): the same values, set in the
  same order, without two calls a property; and those found for a style in a containing
  block of a size are kept (two calls in three find them) and set again at once.
- Box.is_in_normal_flow (some 7,000 calls an issue): the same questions to the style, in
  one function.
- draw_first_line, which writes a line's glyphs to the page: the glyphs' ids, advances and
  offsets are read from Pango's array in one go, not as a C structure a glyph; a line it
  cuts with an ellipsis gets a Pango layout of its own if it shares one (repeats.py); the
  rest is WeasyPrint 70's code as it is.
"""

from __future__ import annotations

import importlib
from io import BytesIO
from math import inf
from typing import Any
from xml.etree import ElementTree

from PIL import Image
from weasyprint import css
from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
from weasyprint.css.functions import check_math
from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES
from weasyprint.draw import text as drawing
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage, SVGImage
from weasyprint.layout import percent
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

# The modules of weasyprint.layout that call resolve_percentages by their own name for it.
_CALLERS = ("absolute", "block", "column", "float", "grid", "inline", "page", "table")
# A PangoGlyphInfo: the glyph id, its width, x and y offsets, then its flags; 4 bytes each.
_GLYPH_INFO = ffi.sizeof("PangoGlyphInfo")


def install() -> bool:
    """Put both in WeasyPrint's place; False, nothing changed, if Pango's glyph record is
    not the one read here."""
    if _GLYPH_INFO != 20:
        return False
    css.ComputedStyle.__missing__ = _computed
    boxes.Box.is_in_normal_flow = is_in_normal_flow
    percent.resolve_percentages = resolve_percentages
    for name in _CALLERS:
        importlib.import_module(
            f"weasyprint.layout.{name}"
        ).resolve_percentages = resolve_percentages
    drawing.draw_first_line = draw_first_line
    return True


_COMPUTE = css.ComputedStyle.__missing__
# What ComputedStyle.__missing__ treats apart: properties whose value reads or sets others,
# the logical ones, the propagated text decorations, the variables ("__" names).
_APART = frozenset({"float", "display", "position", "page", *PHYSICAL_FUNCTIONS})


def _computed(self: Any, key: str) -> Any:
    """weasyprint.css.ComputedStyle.__missing__ for a property not in the cascade: inherited,
    the parent's computed value; else its initial value, computed if it must be."""
    if key in self.cascaded or key in _APART or key[:2] == "__" or key[:16] == "text_decoration_":
        return _COMPUTE(self, key)
    parent_style = self.parent_style
    if key in INHERITED and parent_style is not None:
        value = parent_style[key]
        if check_math(value):
            return _COMPUTE(self, key)
        self[key] = value
        return value
    value = INITIAL_VALUES[key]
    if check_math(value):
        return _COMPUTE(self, key)
    if key not in INITIAL_NOT_COMPUTED:  # the same value computed
        self[key] = value
        return value
    if key in COMPUTER_FUNCTIONS:
        value = COMPUTER_FUNCTIONS[key](self, key, value)
    self[key] = value
    return value


# What resolve_percentages sets on a box: with the border widths, all it reads from the box.
_RESOLVED = (
    "margin_left",
    "margin_right",
    "margin_top",
    "margin_bottom",
    "padding_left",
    "padding_right",
    "padding_top",
    "padding_bottom",
    "width",
    "min_width",
    "max_width",
    "height",
    "min_height",
    "max_height",
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
)
# (id(style), containing width, height, page box?) -> (style, the values of _RESOLVED). The
# style is held, so its id is not another's while the entry lives.
_resolved: dict[tuple, tuple] = {}
RESOLVED_KEPT = 4_096


_IN_FLOW = boxes.Box.is_in_normal_flow
_FLOATS = ("left", "right", "inline-start", "inline-end")


def is_in_normal_flow(self: Any) -> bool:
    """weasyprint.formatting_structure.boxes.Box.is_in_normal_flow, its five questions to
    the style asked in one function, in the same order (some 7,000 calls an issue)."""
    if "is_floated" in self.__dict__:  # a flex item's, made never floated: as WeasyPrint
        return _IN_FLOW(self)
    style = self.style
    float_ = style["float"]
    if float_ in _FLOATS:
        return False
    position = style["position"]
    return not (
        position in ("absolute", "fixed")
        or position[0] == "running()"
        or float_ == "footnote"
        or position[0] == "note()"
    )


def resolve_percentages(box: Any, containing_block: Any) -> None:
    """weasyprint.layout.percent.resolve_percentages, with resolve_one_percentage() and
    percentage() written in for lengths and percentages (calc() and auto still go to
    percentage()); the values found for a style and a containing block's size are kept,
    and set again on the next box of that style in a block of that size (the boxes of a
    paragraph's lines, a page laid out again)."""
    if isinstance(containing_block, boxes.Box):
        cb_width = containing_block.width
        cb_height = containing_block.height
    else:
        cb_width, cb_height = containing_block
    page = isinstance(box, boxes.PageBox)
    style = box.style
    key = (id(style), cb_width, cb_height, page)
    found = _resolved.get(key)
    if found is not None and found[0] is style:
        if type(box).__setattr__ is object.__setattr__:
            box.__dict__.update(found[1])
        else:  # an absolutely positioned box's placeholder sets them on its box
            for name, value in found[1].items():
                setattr(box, name, value)
        return
    _resolve(box, style, cb_width, cb_height, page)
    if style["border_collapse"] != "collapse":  # else the borders may be the table's
        if len(_resolved) >= RESOLVED_KEPT:
            _resolved.clear()
        _resolved[key] = (style, {name: getattr(box, name) for name in _RESOLVED})


def _resolve(box: Any, style: Any, cb_width: Any, cb_height: Any, page: bool) -> None:
    maybe_height = cb_height if page else cb_width
    heights = (
        ()
        if cb_height == "auto"
        else (("height", cb_height), ("min_height", cb_height), ("max_height", cb_height))
    )
    for name, refer_to in (
        ("margin_left", cb_width),
        ("margin_right", cb_width),
        ("margin_top", maybe_height),
        ("margin_bottom", maybe_height),
        ("padding_left", cb_width),
        ("padding_right", cb_width),
        ("padding_top", maybe_height),
        ("padding_bottom", maybe_height),
        ("width", cb_width),
        ("min_width", cb_width),
        ("max_width", cb_width),
        *heights,
    ):
        value = style[name]
        unit = getattr(value, "unit", None)
        if unit is None:  # auto, None, calc()
            value = percent.percentage(value, style, refer_to)
            if value == "auto" and name in ("min_width", "min_height"):
                value = 0
        elif unit == "%":
            value = refer_to * value.value / 100
        else:
            value = value.value
        setattr(box, name, value)
    if cb_height == "auto":
        height = style["height"]
        if height == "auto" or percent.check_math(height) or height.unit == "%":
            box.height = "auto"
        else:
            assert height.unit.lower() == "px"
            box.height = height.value
        percent.resolve_one_percentage(box, "min_height", 0)
        percent.resolve_one_percentage(box, "max_height", inf)
    collapse = style["border_collapse"] == "collapse"
    for side in ("top", "right", "bottom", "left"):
        prop = f"border_{side}_width"
        if not (collapse and hasattr(box, prop)):
            setattr(box, prop, style[prop])
    percent.adjust_box_sizing(box, "width")
    percent.adjust_box_sizing(box, "height")


def draw_first_line(
    stream: Any, textbox: Any, text_overflow: Any, block_ellipsis: Any, matrix: Any
) -> list:
    """weasyprint.draw.text.draw_first_line (WeasyPrint 70), its glyphs read in one go."""
    if not textbox.text.strip():
        return []
    if textbox.style["font_size"] < 1e-6:
        return []
    ellipsis = text_overflow == "ellipsis" or block_ellipsis != "none"
    if ellipsis and textbox.pango_layout.__dict__.get("_shared"):
        # Cutting it would change the Pango layout other lines draw (repeats.py): a new one.
        textbox.pango_layout.reactivate(textbox.style)
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    if ellipsis:
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(
                    new_text[: -len(textbox.style["hyphenate_character"])], textbox.style["lang"]
                )
                if last_word_end:
                    new_text = new_text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
    first_line, index = textbox.pango_layout.get_first_line()
    if block_ellipsis != "none":
        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[: -len(ellipsis)], textbox.style["lang"]
            )
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    x_advance = 0
    emojis = []
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        utf8_text = None
        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style["font_size"]
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        string += "<"
        data = memoryview(ffi.buffer(glyphs_info, num_glyphs * _GLYPH_INFO))
        glyph_ids, geometry = data.cast("I"), data.cast("i")
        for i in range(num_glyphs):
            glyph_id = glyph_ids[5 * i]
            width = geometry[5 * i + 1]
            if glyph_id == empty:
                string += f">{-width / font_size}<"
                continue
            if glyph_id & unknown:
                codepoint = glyph_id - unknown
                LOGGER.warning(
                    '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
                    chr(codepoint),
                    codepoint,
                )
                glyph_id = font.get_unused_glyph_id(codepoint)
                font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                if 0 not in font.widths:
                    font.widths[0] = font.widths[glyph_id]
            if glyph_id not in font.to_unicode:
                offset = glyph_item.item.offset
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:
                    t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs - 1 else clusters[i + 1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                font.to_unicode[glyph_id] = utf8_text[offset + t1 : offset + t2].decode()
            offset = geometry[5 * i + 2] / font_size
            rise = geometry[5 * i + 3] / 1000
            if rise:
                if string[-1] == "<":
                    string = string[:-1]
                else:
                    string += ">"
                if string:
                    stream.show_text(string)
                stream.set_text_rise(-rise)
                string = ""
                if offset:
                    string = f"{-offset}"
                string += f"<{glyph_id:02x}>" if font.bitmap else f"<{glyph_id:04x}>"
                stream.show_text(string)
                stream.set_text_rise(0)
                string = "<"
            else:
                if offset:
                    string += f">{-offset}<"
                string += f"{glyph_id:02x}" if font.bitmap else f"{glyph_id:04x}"
            if glyph_id in font.widths:
                logical_width = font.widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                )
                logical_width = font.widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                )
            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f">{int(kerning)}<"
            if font.svg:
                svg_data = get_hb_object_data(font.hb_face, "svg", glyph_id)
                if svg_data:
                    tree = ElementTree.fromstring(svg_data)
                    if tree.get("id") != f"glyph{glyph_id}":
                        defs = ElementTree.Element("defs")
                        for child in list(tree):
                            defs.append(child)
                            tree.remove(child)
                        tree.append(defs)
                        ElementTree.SubElement(tree, "use", attrib={"href": f"#glyph{glyph_id}"})
                    if "viewBox" not in tree.attrib:
                        tree.attrib["viewBox"] = f"0 0 {font.upem} {font.upem}"
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    emojis.append([image, font, a, d, x_advance, 0])
            elif font.png:
                png_data = get_hb_object_data(font.hb_font, "png", glyph_id)
                if png_data:
                    pillow_image = Image.open(BytesIO(png_data))
                    image_id = f"{font.hash}{glyph_id}"
                    image = RasterImage(pillow_image, image_id, png_data)
                    d = logical_width / 1000
                    a = pillow_image.width / pillow_image.height * d
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                    )
                    f = -stream.logical_rect.y
                    f = f * FROM_UNITS / font_size - font_size
                    emojis.append([image, font, a, d, x_advance, f])
            elif font.colr:
                svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
                if svg_data:
                    tree = ElementTree.fromstring(svg_data)
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    e = x_advance - kerning
                    emojis.append([image, font, a, d, e, -textbox.baseline])
            x_advance += (logical_width + offset - kerning) / 1000
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
    stream.show_text(string)
    return emojis
