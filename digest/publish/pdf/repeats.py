"""A run of text laid out once a worker, not each time it recurs (WeasyPrint 70 only).

Installed by digest.publish.pdf.reuse in a PDF worker. WeasyPrint finds where each line of
a text breaks (split_first_line) by shaping it with Pango, again for every occurrence:
every issue prints the same running header, masthead and section names, and every page
the same footer, list markers, "of 6" and column widths asked for again and again (in a
worker's 26 issues of `invoke bench-pdf`, 9,300 of its 17,100 calls repeat one made
before). Their result is a pure function of the text, the width and the other arguments,
and the style values the function reads (_READ) under the worker's fonts: it is kept,
keyed by them, and a repeat gets a copy of it. The numbers are the same; the line's Layout
is a copy of the first one's (its text, width and metrics), sharing the Pango layout
reuse.py keeps for drawing, which drawing then only reads (where drawing would change it,
to cut a line with an ellipsis, faster.draw_first_line makes a layout of its own, as
WeasyPrint did). A new @font-face changes what the fonts lay out: everything kept is
forgotten then.

tests/test_pdf_repeats.py prints pages of repeated text of every kind with and without,
and compares the bytes.
"""

from __future__ import annotations

from typing import Any

# Every style value split_first_line reads, itself or through what it calls (Layout.setup
# and set_text, create_layout, get_font_description, font_features, line_size,
# first_line_metrics), in WeasyPrint 70.
_READ = (
    "white_space",
    "font_size",
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_variant_caps",
    "font_variation_settings",
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
    "font_language_override",
    "lang",
    "direction",
    "text_decoration_line",
    "word_spacing",
    "letter_spacing",
    "overflow_wrap",
    "word_break",
    "tab_size",
    "hyphens",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphenate_character",
)
KEPT = 8_192  # results a worker keeps (each holds a Pango layout, some 2 KB)


def install(font_config: Any) -> None:
    """split_first_line, as WeasyPrint's line layout and its min- and max-content widths
    call it, keeping its results for the documents printed with `font_config`."""
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    split = line_break.split_first_line
    kind = line_break.Layout
    laid: dict[tuple, tuple[dict[str, Any], tuple]] = {}

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: Any,
        justification_spacing: Any,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> tuple:
        arguments = (text, style, context, max_width, justification_spacing, is_line_start)
        if getattr(style, "font_config", None) is not font_config:
            return split(*arguments, minimum)
        try:
            key = (
                text,
                max_width,
                justification_spacing,
                is_line_start,
                minimum,
                *map(style.__getitem__, _READ),
            )
            found = laid.get(key)
        except Exception:  # a value that cannot be a key: laid out as always
            return split(*arguments, minimum)
        if found is None:
            result = split(*arguments, minimum)
            layout = result[0]
            if len(laid) < KEPT and "layout" not in layout.__dict__:  # deactivated, as always
                layout._shared = True
                state = dict(layout.__dict__)
                kept = state.get("_kept")
                if kept is not None:  # the style itself is not kept: it holds its page
                    state["_kept"] = (kept[0], kept[1], None)
                laid[key] = (state, result[1:])
            return result
        state, numbers = found
        layout = kind.__new__(kind)
        layout.__dict__.update(state)
        kept = state.get("_kept")
        if kept is not None:
            layout._kept = (kept[0], kept[1], style)
        return (layout, *numbers)

    add_font_face = getattr(font_config, "add_font_face", None)
    if add_font_face is not None:  # else no style has these fonts: nothing is kept

        def add_font_face_forgetting(*args: Any, **kwargs: Any) -> Any:
            laid.clear()  # the fonts change: what was laid out may not be laid out so again
            return add_font_face(*args, **kwargs)

        font_config.add_font_face = add_font_face_forgetting
    # Where the layout of lines and of widths finds it (preferred.py also imports it from
    # inline as it runs). SVG text, drawn another way, keeps WeasyPrint's own.
    inline.split_first_line = preferred.split_first_line = split_first_line
