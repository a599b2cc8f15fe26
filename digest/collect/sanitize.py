"""Untrusted HTML in, safe HTML or plain text out.

One allow-list (nh3, i.e. ammonia on html5ever) serves the site, the email and the PDF, so
it is the strictest of the three: no images (remote images track email readers and make
WeasyPrint fetch URLs), no style (overlays, `expression()`, huge fonts), no embedded
content, only http/https/mailto links, and every link marked nofollow. The feeds pass our
own pages through it once more, widened to their structure (pelican_plugin/feeds.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

import nh3

TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span", "a", "strong", "em", "b", "i", "u", "s", "del", "ins",
        "mark", "small", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "h3", "h4", "h5",
        "h6", "code", "pre", "kbd", "samp", "table", "caption", "thead", "tbody", "tfoot", "tr",
        "th", "td", "abbr", "q", "cite", "sub", "sup", "figure", "figcaption", "time",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"lang", "dir"},  # Arabic and Kurdish sources need dir="rtl"
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
}
# Elements whose *content* goes too, not just the tag: code, invisible text, or foreign
# content (svg/math) that is the usual mXSS vehicle. Not <object> or <applet>: what they
# hold is fallback content, which is what a browser shows when the plugin is missing (always,
# now), so only their tags go (feedparser corpus: "safe<object …> <b>description</b>").
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "embed", "svg", "math", "title",
        "head", "textarea", "select", "noembed", "noframes", "xmp",
    }
)  # fmt: skip
# MathML and SVG never reach a page as markup, but what a reader would read in them is kept
# as plain text: a formula's always ("x=2" belongs to its sentence), an SVG's only when the
# fragment has no other text (a chart's labels beside a story are not the story; an entry
# that is only a chart is not empty). The elements that hold or group their text:
_MATHML = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mtext", "mrow", "mfrac", "msqrt", "mroot", "msub",
        "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mtable", "mtr",
        "mtd", "mstyle", "mpadded", "menclose", "mfenced", "semantics",
    }
)  # fmt: skip
_SVG = frozenset({"svg", "g", "a", "switch", "text", "tspan", "textPath"})
# Text no reader sees: a formula's source (TeX), an SVG's description and embedded HTML.
_FOREIGN_DROPPED = frozenset(
    {"annotation", "annotation-xml", "mphantom", "desc", "metadata", "foreignObject"}
)
_SPACED = frozenset({"text", "tspan", "textPath", "mtr", "mtd"})  # a label, a cell
_FOREIGN = re.compile(r"<(?:math|svg)", re.IGNORECASE)
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>")
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TOP_HEADINGS = re.compile(r"<(/?)h[12](?=[\s/>])", re.IGNORECASE)


@dataclass(frozen=True)
class Policy:
    """An allow-list: the tags and attributes kept, and the rel every link gets. What goes
    with its content, the URL schemes and the comments are the same in every policy."""

    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    link_rel: str | None
    # nh3 builds its allow-list anew on every nh3.clean() call, which costs more than the
    # cleaning of a short fragment: one Cleaner per base URL is built once and kept.
    _cleaners: dict[str | None, nh3.Cleaner] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def widened(
        self,
        tags: Iterable[str],
        attributes: Mapping[str, Iterable[str]],
        *,
        link_rel: str | None,
    ) -> Policy:
        """This policy keeping more tags and attributes, for HTML we wrote ourselves."""
        merged = dict(self.attributes)
        for tag, names in attributes.items():
            merged[tag] = merged.get(tag, frozenset()) | frozenset(names)
        return Policy(self.tags | frozenset(tags), merged, link_rel)

    def clean(self, html: str, base_url: str | None) -> str:
        """`html` keeping only what the policy allows; relative links made absolute against
        `base_url`, or dropped when it is None."""
        cleaner = self._cleaners.get(base_url)
        if cleaner is None:
            if len(self._cleaners) >= _CLEANERS_KEPT:  # one per feed is the usual
                self._cleaners.clear()
            cleaner = self._cleaners[base_url] = nh3.Cleaner(
                tags=set(self.tags),
                clean_content_tags=set(DROP_WITH_CONTENT),
                attributes={tag: set(names) for tag, names in self.attributes.items()},
                url_schemes=set(URL_SCHEMES),
                url_relative="deny" if base_url is None else ("rewrite_with_base", base_url),
                link_rel=self.link_rel,
                strip_comments=True,
            )
        return cleaner.clean(html)


_CLEANERS_KEPT = 64


# What a source may put on our pages, in our email and in our PDF.
CONTENT = Policy(TAGS, {tag: frozenset(names) for tag, names in ATTRIBUTES.items()}, LINK_REL)


def clean_html(html: str, base_url: str | None = None) -> str:
    """Sanitize an HTML fragment; relative links are absolutized against an http(s)
    `base_url`, or dropped without one. Idempotent: clean_html(clean_html(x)) == clean_html(x).
    """
    # h1/h2 belong to the page (an issue section's headline is an h2); demote them rather
    # than strip them, which would glue the heading to the next line of text.
    html = _TOP_HEADINGS.sub(r"<\1h3", html)
    base = _web_base(base_url)
    if not _FOREIGN.search(html):
        return CONTENT.clean(html, base)
    cleaned = CONTENT.clean(foreign_as_text(html, svg=False), base)
    if _visible_text(cleaned):
        return cleaned
    return CONTENT.clean(foreign_as_text(html, svg=True), base)


@functools.lru_cache(maxsize=64)  # a feed's entries share one base, as a rule
def _web_base(base_url: str | None) -> str | None:
    base = safe_url(base_url)
    web = base is not None and urlsplit(base).scheme.lower() in ("http", "https")
    return base if web else None


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment: entities decoded, one line per block element,
    runs of spaces collapsed, script/style content left out; a formula's text kept, and an
    SVG's when there is no other (foreign_as_text)."""
    if not _FOREIGN.search(html):
        return _visible_text(html)
    return _visible_text(foreign_as_text(html, svg=False, keep=_TEXT_TAGS)) or _visible_text(
        foreign_as_text(html, svg=True, keep=_TEXT_TAGS)
    )


def clean_html_text(html: str) -> str:
    """html_to_text(html) for clean_html's output (which holds no <math> or <svg>, and no
    lone surrogate: it comes from Rust), most often without reading it with html5ever a
    second time (see _reads_back)."""
    if not _MARKUP_OR_ODD.search(html):
        return " ".join(html.split())
    return _flat_text(html, paragraphs_only=True) if _reads_back(html) else _visible_text(html)


def _reads_back(html: str) -> bool:
    """Whether html5ever, reading `html` (clean_html's output) again, builds the tree it was
    written from, so that html_to_text's own reading of it adds nothing: true of HTML holding
    only paragraphs, line breaks and inline elements, no paragraph in a paragraph, no link
    in a link (the parser would close the first: a tree only a removed wrapper such as
    <object> let through), and no character the parser drops or changes (a BOM, NUL, CR).
    Tables (text moved out of them), lists and headings are left to the parser."""
    if "\ufeff" in html or "\x00" in html or "\r" in html:
        return False
    names = _OPENING_OR_CLOSING.findall(html)
    if not _READ_BACK.issuperset(names):
        return False
    for pair in (("p", "/p"), ("a", "/a")):
        tags = [name for name in names if name in pair]
        if tags != [*pair] * (len(tags) // 2):
            return False
    return True


def foreign_as_text(html: str, *, svg: bool, keep: frozenset[str] = TAGS) -> str:
    """`html` with each MathML element, and each SVG one when `svg`, replaced by the text a
    reader sees in it, escaped: no script, style, annotation (a formula's TeX source) or
    description. An SVG left out goes with its content, as before. Tags in `keep` and what
    CONTENT allows of their attributes are left as they are, for the caller to clean."""
    roots = {"math", "svg"} if svg else {"math"}
    # html5ever reads foreign content as browsers do (a <p> inside an <svg> ends it, a
    # <style> inside one is markup), and nh3 keeps only the elements that hold text.
    read = _foreign_reader(keep, svg).clean(html)
    # nh3's output is regular (text escaped, no stray "<"), so scanning its tags is exact.
    out: list[str] = []
    region: list[str] = []  # the text of the <math> or <svg> being read
    depth = position = 0  # depth: <math>/<svg> elements open
    for tag in _ANY_TAG.finditer(read):
        closing, name = tag.group(1), tag.group(2)
        (region if depth else out).append(read[position : tag.start()])
        position = tag.end()
        if name in roots:
            depth = max(0, depth - 1) if closing else depth + 1
            if not depth:  # a formula sits in its sentence; a drawing's labels stand apart
                spaced = " " if name == "svg" else ""
                out.append(spaced + " ".join("".join(region).split()) + spaced)
                region.clear()
        elif depth:
            region.append(" " if name in _SPACED else "")
        else:
            out.append(tag.group())
    (region if depth else out).append(read[position:])
    out.append(" ".join("".join(region).split()))  # one nh3 left open at the end
    return "".join(out).strip()


@functools.cache
def _foreign_reader(keep: frozenset[str], svg: bool) -> nh3.Cleaner:
    roots = {"math", "svg"} if svg else {"math"}
    return nh3.Cleaner(
        tags=set(keep | _MATHML | (_SVG if svg else frozenset())),
        clean_content_tags=set((DROP_WITH_CONTENT - roots) | _FOREIGN_DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="pass_through",
        link_rel=None,
        strip_comments=True,
    )


def _visible_text(html: str) -> str:
    if not _MARKUP_OR_ODD.search(html):
        # Nothing html5ever would read as markup or change (it drops NUL and a leading
        # BOM, turns CR into LF, refuses lone surrogates): it would read the text as is.
        return " ".join(html.split())
    # html5ever reads the markup first, as clean_html and browsers do, so the flat parser
    # below never has to guess: a void <embed> used to hide all the text after it, and a
    # title like "safe<!--" or "sa<!-- -- x >fe" kept its comment as text (feedparser
    # corpus, BAD-INPUTS 25, 28).
    html = _TEXT_READER.clean(html)
    # What nh3 gives back is regular: allowed tags without attributes, and "<", ">", "&" in
    # text escaped. So a scan for tags is exact here, and several times faster than a parser.
    return _flat_text(html) if "<pre" not in html else _walked_text(html)


def _flat_text(html: str, *, paragraphs_only: bool = False) -> str:
    """_walked_text for nh3's output without a <pre>, where no text keeps its line breaks:
    each kind of tag replaced in one pass instead of a walk from tag to tag.
    `paragraphs_only`: the caller knows its only blocks are <p> and <br>, and that it has
    no table cell (_reads_back)."""
    blocks = _PARAGRAPH_TAG if paragraphs_only else _BLOCK_TAG
    text = blocks.sub("\n", html.replace("\n", " "))
    if not paragraphs_only:
        text = _CELL_TAG.sub(" ", text)
    lines = unescape(_ANY_TAG_NAME.sub("", text)).split("\n")
    return "\n".join(filter(None, map(_one_spaced, lines)))


def _one_spaced(line: str) -> str:
    """The line's words joined by single spaces (what " ".join(line.split()) gives), without
    splitting a line that is so already: one whose only white space is single spaces inside
    it (every white space character but " " is unprintable to str.isprintable)."""
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return " ".join(line.split())


def _walked_text(html: str) -> str:
    """The text of nh3's output: a line per block element, a space per cell."""
    parts: list[str] = []
    pre = 0
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        # A newline in HTML source is just a space, except inside <pre>.
        parts.append(text if pre else text.replace("\n", " "))
        name = tag.group(2)
        if name in _BLOCKS:
            parts.append("\n")
            if name == "pre":
                pre = max(0, pre - 1) if tag.group(1) else pre + 1
        elif name in _CELLS:
            parts.append(" ")
        position = tag.end()
    parts.append(html[position:].replace("\n", " "))
    lines = unescape("".join(parts)).split("\n")
    return "\n".join(filter(None, (" ".join(line.split()) for line in lines)))


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """`url` as an absolute http(s) or mailto URL (resolved against an http(s) `base`), or
    None when it is empty, malformed or has any other scheme."""
    if not url:
        return None
    # Browsers drop tabs and newlines inside URLs ("java\tscript:"), so we do the same first.
    url = url.translate(_TAB_AND_NEWLINES).strip(_C0_AND_SPACE)
    if is_plain_web_url(url):  # what every step below would give back unchanged
        return url
    try:
        if base and urlsplit(base).scheme.lower() in ("http", "https"):
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "mailto":
            return url if len(url) > len("mailto:") else None
        if scheme not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:  # "http://bad]test/", a port out of range ...
        return None
    # Of the white space characters only " " is printable: one test for both.
    if " " in url or not url.isprintable():
        return None
    return url


def is_plain_web_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL in its plainest form (lower-case scheme and
    host, no port, user, query, fragment or ";", a path of printable ASCII): one that urljoin
    against any base, and safe_url, give back as it is."""
    return _PLAIN_WEB_URL.fullmatch(url) is not None


_PLAIN_WEB_URL = re.compile(r"https?://[a-z0-9.-]+(?:/[\x21\x22\x24-\x3a\x3c-\x3e\x40-\x7e]*)?")
_BLOCKS = frozenset(
    {
        "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
        "table", "tr", "caption", "thead", "tbody", "tfoot", "figure", "figcaption", "section",
        "article", "header", "footer", "aside", "nav", "main", "address", "details", "summary",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_TEXT_TAGS = TAGS | _BLOCKS | _CELLS
_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")
# The same three kinds of tag as _TAG reads, each matched by its name alone.
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCKS))})(?![a-z0-9])[^>]*>")
_CELL_TAG = re.compile(r"</?(?:td|th)(?![a-z0-9])[^>]*>")
_PARAGRAPH_TAG = re.compile(r"</?(?:p|br)(?![a-z0-9])[^>]*>")  # the blocks _READ_BACK allows
_ANY_TAG_NAME = re.compile(r"</?[a-z0-9]+[^>]*>")
_TEXT_READER = nh3.Cleaner(
    tags=set(_TEXT_TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={},
    link_rel=None,
    strip_comments=True,
)
_MARKUP_OR_ODD = re.compile(r"[<&\x00\r\ud800-\udfff\ufeff]")
# nh3 writes "<", ">" in text and attributes as entities: each "<" in its output opens a tag.
_OPENING_OR_CLOSING = re.compile(r"<(/?[a-z0-9]+)")
_READ_BACK = frozenset(
    name for tag in ({"p", "br"} | (TAGS - _BLOCKS - _CELLS)) for name in (tag, "/" + tag)
)
_TAB_AND_NEWLINES = str.maketrans("", "", "\t\n\r")
