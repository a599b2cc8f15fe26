"""What WeasyPrint would do again for every issue a PDF worker prints, done once a worker.

Runs inside a PDF worker (digest.publish.pdf.render.setup), after WeasyPrint's import.
Changes to how WeasyPrint works, none to what it prints (tests/test_pdf_reuse.py and
tests/test_pdf_lines.py compare the bytes with and without them; issue 25,
benchmarks/README.md):

- print.css is parsed once a worker, not once an issue. WeasyPrint parses every
  stylesheet a page links anew, and the parse also fills lists that belong to the
  document (its @page rules, cascade layers, counter styles, colour profiles). The parse
  of a stylesheet is kept, keyed by its URL and its bytes, when it added nothing but
  @page rules; the next document gets a copy whose @page rules are added to that
  document's list, as a parse would add them, and the warnings the parse logged, logged
  again. Any other stylesheet is parsed as before.
- cffi does not run its C parser for the simple types WeasyPrint asks it for. Its
  parser (pycparser, 3-14 ms a type) reads every type name cffi was given first, for each
  type not seen before: "hb_codepoint_t[N]" for a font's subset (N the glyphs the issue
  uses, so in most issues every time), and in a worker's first issue "char[]",
  "PangoRectangle *", "unsigned int *", "hb_tag_t[100]" and a few more (some 25 ms of the
  PDF a rebuild waits for). A name, a pointer to one (or to a pointer) or an array of one
  is now made from the name's type, as cffi's parser would make it.
- Page 1 is laid out twice, not three times. The takeaways print the page each section
  starts on (`target-counter(attr(href url), page)`). WeasyPrint lays out page 1 not
  knowing the later pages' numbers, then every page, and starts a second pass: page 1
  again, still with the numbers it had after its first layout (those of the sections on
  page 1 only). Only at the end of that layout does it read the numbers again, now all
  known and the total page count with them, and a third pass lays page 1 out with them.
  The second pass now starts by reading them (as its end would have, with the total
  page count), so it lays page 1 out with the right numbers, and its end finds nothing
  changed. A box whose content prints the page count is left to WeasyPrint.
- A line is shaped once for its layout and drawing, not twice. WeasyPrint lays each line's
  text out with Pango to find where it breaks, drops that Pango layout, and makes a new
  one to draw the line: the same text, font and language, shaped again. The layout is
  now kept for drawing when the new one could not differ: the same style, no spacing
  added to the text (letter, word or justification spacing, tabs), no paragraph
  separator in it, and the line laid out without a width or fitting in it whole. So
  that the layout is the one drawing wants, text without a paragraph separator is laid
  out as one paragraph (drawing asks for that; without a separator it changes nothing).
  At most LINES_KEPT layouts a document are kept (their memory: some 2 KB a line); the
  rest are made again, as before.
- Steps done with less Python to the same result: digest.publish.pdf.faster.
- A run of text laid out once a worker where it recurs: digest.publish.pdf.repeats.
- An element's computed style started from the last issue's like one:
  digest.publish.pdf.styles.

All of these reach into WeasyPrint's (and cffi's) internals, so they are made only for the
versions whose code they were written against (VERSIONS); any other version prints as it
always did.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

VERSIONS = frozenset({"70.0"})  # read and tested against these versions' code


@dataclass(frozen=True)
class _Parsed:
    sheet: Any  # a weasyprint CSS, its @page rules in a list of its own
    logged: tuple[tuple[int, str], ...]  # (level, message) WeasyPrint logged parsing it


def install(font_config: Any, fetcher: Any) -> bool:
    """Make these changes for documents printed with `font_config` and `fetcher` (the
    worker's); False, and nothing changed, when this WeasyPrint is not one they know."""
    import weasyprint
    from weasyprint import css, layout
    from weasyprint.text.ffi import ffi

    if weasyprint.__version__ not in VERSIONS:
        return False
    css.CSS = _stylesheets(css.CSS, font_config, fetcher)
    if isinstance(getattr(ffi, "_parsed_types", None), dict) and hasattr(ffi, "_get_cached_btype"):
        ffi._parsed_types = _SimpleTypes(ffi, ffi._parsed_types)  # else: another cffi
    layout.make_all_pages = _numbers_first(layout.make_all_pages)
    _keep_lines()
    from digest.publish.pdf import faster, repeats, styles  # import WeasyPrint's: only now

    if faster.install():
        repeats.install(font_config)  # shares kept layouts: faster's drawing reads them only
    styles.install()  # records what __missing__ computes, whichever is installed
    return True


def _stylesheets(parse: Any, font_config: Any, fetcher: Any) -> Callable[..., Any]:
    """weasyprint.css.CSS as find_stylesheets() calls it for a page's <link>s."""
    from weasyprint.logger import LOGGER
    from weasyprint.urls import fetch

    kept: dict[tuple[str, str], tuple[bytes, _Parsed]] = {}

    def stylesheet(*args: Any, **options: Any) -> Any:
        url = options.get("url")
        if (
            args
            or not isinstance(url, str)
            or options.get("font_config") is not font_config
            or options.get("url_fetcher") is not fetcher
            or set(options) - _LINKED
        ):
            return parse(*args, **options)
        try:
            with fetch(fetcher, url) as response:
                data = response.read()
        except Exception:  # the parse below says what is wrong, as it always did
            return parse(*args, **options)
        key = (url, options.get("media_type", "print"))
        found = kept.get(key)
        if found is not None and found[0] == data:
            parsed = found[1]
            for level, message in parsed.logged:  # as the parse logged them
                LOGGER.log(level, "%s", message)
        else:
            parsed = _parse_alone(parse, options, LOGGER)
            if parsed is None:
                kept.pop(key, None)
                return parse(*args, **options)
            kept[key] = (data, parsed)
        page_rules, layers = options.get("page_rules"), options.get("layers")
        sheet = copy.copy(parsed.sheet)
        if page_rules is not None:
            page_rules.extend(parsed.sheet.page_rules)
            sheet.page_rules = page_rules
        if layers is not None:
            sheet.layers = layers
        return sheet

    return stylesheet


# The keywords find_stylesheets() passes for a <link rel="stylesheet">.
_LINKED = frozenset(
    {
        "url",
        "url_fetcher",
        "media_type",
        "font_config",
        "counter_style",
        "color_profiles",
        "page_rules",
        "layers",
        "_check_mime_type",
    }
)


def _parse_alone(parse: Any, options: dict[str, Any], logger: logging.Logger) -> _Parsed | None:
    """The stylesheet parsed into containers of its own, or None when it added to more
    than the @page rules (those are the document's, and could not be shared)."""
    counter_style = dict(options.get("counter_style") or {})
    color_profiles = dict(options.get("color_profiles") or {})
    layers = list(options.get("layers") or [])
    heard = _Heard()
    logger.addHandler(heard)
    try:
        sheet = parse(
            **{
                **options,
                "counter_style": counter_style,
                "color_profiles": color_profiles,
                "layers": layers,
                "page_rules": [],
            }
        )
    except Exception:
        return None
    finally:
        logger.removeHandler(heard)
    unchanged = (
        counter_style == dict(options.get("counter_style") or {})
        and color_profiles == dict(options.get("color_profiles") or {})
        and layers == list(options.get("layers") or [])
    )
    return _Parsed(sheet, tuple(heard.records)) if unchanged else None


class _Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.records.append((record.levelno, record.getMessage()))


# A type name (a typedef's or a primitive's, "unsigned int"), then nothing, "*", "**", "[]"
# or "[N]": what WeasyPrint asks cffi for.
_SIMPLE = re.compile(r"([A-Za-z_]\w*(?: [A-Za-z_]\w*)*) ?(\*{0,2}|\[([0-9]*)\])")


class _SimpleTypes(dict):
    """cffi's cache of the types it parsed (FFI._parsed_types), which makes the simple
    types itself: the same model type, built by cffi's own _get_cached_btype, that parsing
    the declaration would have given. Any other declaration cffi parses, as it always did."""

    def __init__(self, ffi: Any, parsed: dict) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, cdecl: Any) -> tuple[Any, bool]:
        match = _SIMPLE.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            raise KeyError(cdecl)
        from cffi import model

        name, suffix, length = match.groups()
        with self.ffi._lock:  # as cffi holds it to build a type
            declared = self.ffi._parser._declarations.get(f"typedef {name}")
            if declared is not None and declared[1] == 0:  # a typedef without qualifiers
                made = declared[0]
            elif declared is None and name in model.PrimitiveType.ALL_PRIMITIVE_TYPES:
                made = model.PrimitiveType(name)
            else:
                raise KeyError(cdecl)  # unknown, qualified: cffi parses it (and says why)
            if isinstance(made, model.RawFunctionType):
                raise KeyError(cdecl)  # cffi makes a function pointer of it
            for _ in suffix if suffix.startswith("*") else ():
                made = model.PointerType(made)
            if suffix.startswith("["):
                made = model.ArrayType(made, int(length) if length else None)
            btype = self.ffi._get_cached_btype(made)
        self[cdecl] = found = (btype, False)
        return found


def _numbers_first(make_all_pages: Callable[..., Any]) -> Callable[..., Any]:
    """weasyprint.layout.make_all_pages, as layout_document() calls it for each pass:
    from the second pass on, the boxes that print other pages' numbers, on a page that
    is to be laid out again, read them before it is."""

    def make_all_pages_numbered(context: Any, root_box: Any, html: Any, pages: list) -> Any:
        if pages:  # not the first pass: every page's number and the count are known
            _read_numbers(context)
        return make_all_pages(context, root_box, html, pages)

    return make_all_pages_numbered


def _read_numbers(context: Any) -> None:
    """What make_page() does for such a box at the end of the page's next layout: its
    content parsed again with the page's counters (the page count now known), which it
    keeps, so that the end of that layout finds them unchanged."""
    lookups = {
        id(lookup): lookup for lookup in context.target_collector.counter_lookup_items.values()
    }
    for _, _, _, state, remake in context.page_maker:
        if not remake["content_changed"]:
            continue
        found = [lookups.get(key) for key in remake["content_lookups"]]
        total = state[1].get("pages")
        for lookup in found:
            values = lookup.cached_page_counter_values if lookup else None
            if (
                not values
                or total is None
                or "pages" not in values
                or "pages" in lookup.missing_counters  # its own text prints the count
                or any("pages" in names for names in lookup.missing_target_counters.values())
            ):
                continue
            values = copy.deepcopy(values)
            values["pages"] = list(total)
            lookup.cached_page_counter_values = values
            lookup.parse_again(values)


LINES_KEPT = 20_000  # Pango layouts a document keeps for drawing: memory stays bounded

# What ends a paragraph for Pango or a line for Unicode: a text holding one is laid out and
# drawn as WeasyPrint always did.
_SEPARATOR = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _keep_lines() -> None:
    """weasyprint.text.line_break.Layout, which keeps a line's Pango layout from the line's
    layout to its drawing when drawing would make the same one again."""
    from weasyprint import document
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    ffi.cdef("int pango_layout_get_width (PangoLayout *layout);")
    kind = line_break.Layout
    set_text, deactivate, reactivate = kind.set_text, kind.deactivate, kind.reactivate
    layout_document = document.layout_document
    room = [LINES_KEPT]

    def set_text_in_one_paragraph(self: Any, text: str, justify: bool = False) -> None:
        set_text(self, text, justify)
        # Drawing lays a line out as one paragraph: without a separator, the same lines.
        single = _SEPARATOR.search(self.text) is None
        pango.pango_layout_set_single_paragraph_mode(self.layout, single)

    def deactivate_keeping(self: Any) -> None:
        drawn = self.__dict__.pop("_drawn", False)  # what drawing changed is not kept
        self._kept = None
        if not drawn and room[0] > 0:
            room[0] -= 1
            self._kept = (self.layout, self.language, self.style)
        deactivate(self)

    def reactivate_kept(self: Any, style: Any) -> None:
        kept = self.__dict__.pop("_kept", None)
        self._drawn = True
        if kept is not None and kept[2] is style and _drawn_alike(self, style, kept[0], ffi, pango):
            self.layout, self.language, self.style = kept
        else:
            reactivate(self, style)

    def layout_counted(*args: Any, **kwargs: Any) -> Any:
        room[0] = LINES_KEPT  # a new document
        return layout_document(*args, **kwargs)

    kind.set_text = set_text_in_one_paragraph
    kind.deactivate = deactivate_keeping
    kind.reactivate = reactivate_kept
    document.layout_document = layout_counted


def _drawn_alike(layout: Any, style: Any, kept: Any, ffi: Any, pango: Any) -> bool:
    """Whether Layout.reactivate(style) would make a Pango layout whose first line is
    `kept`'s: set_text(text, justify=True) adds no spacing nor tabs (so neither did the
    line's layout), the text is one paragraph, and `kept` was laid out without a width, or
    on one line that fits in it (the width changed nothing then)."""
    letter = style["letter_spacing"]
    if (
        layout.justification_spacing
        or style["word_spacing"]
        or (letter != "normal" and letter)
        or style["overflow_wrap"] in ("anywhere", "break-word")
        or "\t" in layout.text
        or _SEPARATOR.search(layout.text) is not None
    ):
        return False
    width = pango.pango_layout_get_width(kept)
    if width == -1:
        return True
    if pango.pango_layout_get_line_readonly(kept, 1) != ffi.NULL:
        return False
    extents = ffi.new("PangoRectangle *")
    pango.pango_layout_line_get_extents(
        pango.pango_layout_get_line_readonly(kept, 0), ffi.NULL, extents
    )
    return extents.width <= width
