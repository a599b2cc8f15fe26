"""An element's computed style taken from the last issue's like element (WeasyPrint 70 only).

Installed by digest.publish.pdf.reuse in a PDF worker, after digest.publish.pdf.faster.
WeasyPrint computes a style one property at a time, as it is asked for (ComputedStyle's
and AnonymousStyle's __missing__): some 29,000 calls an issue, each a Python function,
about a sixth of a worker's time in `invoke bench-pdf`. Within a document it shares a
style between elements of the same parent style and the same rules; but every issue
prints the same masthead, sections, lists and table, and computes them all again.

A computed value is a function of the property's cascaded value (with its weight), the
parent style's values, the root's (for rem units) and the worker's fonts, and of nothing
else for the values kept here: no url() in a custom property or var() (a var() is solved
against the document's address), no viewport or page unit (their length depends on the
document's page size), no value of a kind not known here, no page or margin box. So a
style is known by its pseudo-element, its cascade (each property's value and weight: a
stylesheet's value, parsed once a worker, by its identity; an element's own, such as its
lang or id, parsed with each issue, by what it prints as) and its parent's kind, from the
root down. Every value WeasyPrint computes for a style of a kind is recorded, with what
the box construction reads of position, float and display as specified, and an element
of that kind in a later document starts with them, as does its anonymous style (that of
the boxes WeasyPrint makes around text and markers). What the box construction and the
layout change in a style afterwards (a marker's position, a table cell's padding) is not
recorded: they change it again in the next document.

Also, a pseudo-element's style is made when the box construction first asks for it, not
for every element and every pseudo-element some rule names (_Styles).

tests/test_pdf_styles.py prints pages with and without, and compares the bytes.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

KINDS_KEPT = 20_000  # kinds of style a worker keeps, then forgets all and starts again

# Units whose length depends on the page, which a document sets when it makes its first.
_PAGE_UNITS = frozenset(
    prefix + axis
    for prefix in ("", "l", "s", "d", "p")
    for axis in ("vw", "vh", "vi", "vb", "vmin", "vmax")
)
_SPECIFIED = ("position", "float", "display")  # what __missing__ keeps as specified
_LEAVES = (str, int, float, bool, type(None))


class _Kind:
    """What the styles of one kind computed, in any document."""

    __slots__ = ("anonymous", "specified", "values")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.specified: dict[str, Any] = {}
        self.anonymous: dict[str, Any] = {}


class _Styles(dict):
    """StyleFor's computed styles, where a pseudo-element's style is made when it is first
    asked for. WeasyPrint makes one for every element and every pseudo-element a rule of
    any stylesheet names: six an element (::marker, ::footnote-call, ::footnote-marker,
    ::note-call, ::note-marker and ::note-callback, by the default stylesheet), some
    1,900 an issue, of which the box construction asks for about a hundred. Made later,
    it is the same style: its values are computed as they are asked for in any case, from
    the same parent; one that names an anchor is made at once, as its anchor is collected
    then."""

    make: Any  # install()'s make(), the style made as WeasyPrint makes it

    def __init__(self, made: dict) -> None:
        super().__init__(made)
        self.pending: dict[tuple, tuple] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        found = dict.get(self, key)
        if found is not None:
            return found
        order = self.pending.pop(key, None)
        return default if order is None else self.make(*order)

    def __missing__(self, key: Any) -> Any:
        order = self.pending.pop(key, None)
        if order is None:
            raise KeyError(key)
        return self.make(*order)


def _data(value: Any) -> bool:
    """Whether a value is strings, numbers and tuples of them (a Dimension is a tuple):
    one such value is another's like if they print the same (1 and 1.0 do not)."""
    if isinstance(value, _LEAVES):
        return True
    return isinstance(value, tuple) and all(map(_data, value))


def _keepable(value: Any, ast: Any, pending: type) -> bool:
    """Whether what a cascaded value computes to depends on its style's kind alone: no
    url() the document's address could resolve (a var() is solved with it), no length in
    a page unit, nothing but data, CSS tokens and pending var()s."""
    if isinstance(value, _LEAVES):
        return True
    if isinstance(value, (tuple, list)):
        unit = value[1] if getattr(value, "_fields", None) == ("value", "unit") else None
        if isinstance(unit, str) and unit.lower() in _PAGE_UNITS:
            return False
        return all(_keepable(item, ast, pending) for item in value)
    if isinstance(value, pending):
        return _keepable(value.tokens, ast, pending)
    if isinstance(value, ast.URLToken):
        return False
    if isinstance(value, ast.DimensionToken):
        return value.lower_unit not in _PAGE_UNITS
    if isinstance(value, ast.FunctionBlock):
        return value.lower_name != "url" and _keepable(value.arguments, ast, pending)
    if isinstance(value, ast.Node):
        content = getattr(value, "content", None)
        return content is None or _keepable(content, ast, pending)
    return False


def install() -> None:
    """Record and reuse computed styles for every document printed from now on."""
    import tinycss2.ast
    from weasyprint import css
    from weasyprint.css.tokens import Pending

    kinds: dict[tuple, _Kind] = {}
    # id(value) -> (value, what stands for it in a kind's key, or None: not to be kept).
    # A value is held while its id is in a key: no other value can take that id meanwhile.
    parts: dict[int, tuple[Any, Any]] = {}

    def part(value: Any) -> Any:
        if not _keepable(value, tinycss2.ast, Pending):
            stands = None
        elif _data(value):
            stands = (0, repr(value))  # an element's own (lang, id): each issue parses it
        else:
            stands = (1, id(value))  # a stylesheet's: parsed once a worker, the same value
        parts[id(value)] = (value, stands)
        return stands

    def kind_of(cascaded: dict, parent: _Kind | None, pseudo_type: Any) -> _Kind | None:
        if len(parts) >= KINDS_KEPT or len(kinds) >= KINDS_KEPT:
            # Both at once, and never while a key is made: a key names values by their id,
            # so they must be held as long as it is kept.
            parts.clear()
            kinds.clear()
        cascade = []
        for name, (value, weight) in cascaded.items():
            found = parts.get(id(value))
            stands = found[1] if found is not None and found[0] is value else part(value)
            if stands is None:
                return None
            cascade.append((name, stands, weight))
        key = (parent, pseudo_type, tuple(cascade))
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _Kind()
        return kind

    compute = css.ComputedStyle.__missing__
    compute_anonymous = css.AnonymousStyle.__missing__

    def set_computed_styles(
        self: Any,
        element: Any,
        parent: Any,
        root: Any = None,
        pseudo_type: Any = None,
        base_url: Any = None,
        target_collector: Any = None,
    ) -> None:
        # WeasyPrint 70's StyleFor.set_computed_styles, the style started from its kind's,
        # and an element's pseudo-element's made when it is first asked for.
        cascaded = self.get_cascaded_styles().get((element, pseudo_type), {})
        if pseudo_type is None or isinstance(element, tuple) or "anchor" in cascaded:
            make(self, element, parent, root, pseudo_type, base_url, target_collector, cascaded)
            return
        styles = self._computed_styles
        if type(styles) is not _Styles:
            # The first pseudo-element: the elements' styles are all made, and the dict
            # they are in is no longer StyleFor.__init__'s to fill.
            styles = self._computed_styles = _Styles(styles)
        styles.pending[element, pseudo_type] = (
            self,
            element,
            parent,
            root,
            pseudo_type,
            base_url,
            target_collector,
            cascaded,
        )

    def make(
        self: Any,
        element: Any,
        parent: Any,
        root: Any,
        pseudo_type: Any,
        base_url: Any,
        target_collector: Any,
        cascaded: dict,
    ) -> Any:
        computed_styles = self.get_computed_styles()
        if element == root and pseudo_type is None:
            assert parent is None
            parent_style = None
            root_style = css.InitialStyle(self.font_config)
        else:
            assert parent is not None
            parent_style = computed_styles[parent, None]
            root_style = computed_styles[root, None]
        computed = computed_styles[element, pseudo_type] = css.ComputedStyle(
            parent_style,
            cascaded,
            pseudo_type,
            root_style,
            base_url,
            self.font_config,
            self.initial_page_sizes,
        )
        if not isinstance(element, tuple):  # a page type is a tuple: pages are left alone
            parent_kind = None if parent_style is None else parent_style._kind
            if parent_style is None or parent_kind is not None:
                kind = kind_of(cascaded, parent_kind, pseudo_type)
                if kind is not None:
                    computed.update(kind.values)
                    computed.specified.update(kind.specified)
                    computed._kind = kind
        if target_collector and computed["anchor"]:
            target_collector.collect_anchor(computed["anchor"])
        return computed

    _Styles.make = staticmethod(make)

    def missing(self: Any, key: str) -> Any:
        value = compute(self, key)
        kind = self._kind
        if kind is not None and key != "page" and key in self:  # "page" is never kept
            kind.values[key] = self[key]
            if key in _SPECIFIED and key in self.specified:
                kind.specified[key] = self.specified[key]
        return value

    def missing_anonymous(self: Any, key: str) -> Any:
        value = compute_anonymous(self, key)
        kept = self._kept
        if kept is not None and key in self:
            kept[key] = self[key]
        return value

    def anonymous_style(self: Any) -> Any:
        style = css.AnonymousStyle(self)
        kind = self._kind
        if kind is not None:
            style.update(kind.anonymous)
            style._kept = kind.anonymous
        return style

    css.ComputedStyle._kind = None
    css.AnonymousStyle._kept = None
    css.StyleFor.set_computed_styles = set_computed_styles
    css.ComputedStyle.__missing__ = missing
    css.AnonymousStyle.__missing__ = missing_anonymous
    anonymous = cached_property(anonymous_style)
    anonymous.__set_name__(css.ComputedStyle, "anonymous_style")
    css.ComputedStyle.anonymous_style = anonymous
