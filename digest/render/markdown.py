"""The one markdown-it-py factory, shared by the site, the email edition and `digest check`.

Issue Markdown may carry text that came from feeds, so raw HTML never passes through:
HTML comments (editor notes) are dropped, any other HTML is shown as text, and links
are limited to http(s), mailto, in-page anchors and relative paths.
"""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace

from markdown_it import MarkdownIt, helpers
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|/(?!/)|\.{0,2}/|[^:/?#]+(?:[/?#]|$))", re.I)


# An http(s) URL with a lowercase ASCII host and only characters percent-encoding keeps:
# markdown-it's normalizeLink returns it unchanged, after a parse and an encode that take
# a sixth of the time of reading an issue (a few dozen links each).
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9\-._~/?#&=+,;:@!$'()*]*)?"
)


def normalize_link(url: str) -> str:
    return url if _PLAIN_URL.fullmatch(url) else normalizeLink(url)


# A link destination without "<" first, backslashes or parentheses: markdown-it reads it
# to the first space, control character or ")" one character at a time (a tenth of the
# time of parsing an issue); a search finds the same end.
_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f\\()]+")
_DESTINATION_ENDS = frozenset(")" + "".join(map(chr, [*range(0x21), 0x7F])))


def link_destination(string: str, pos: int, maximum: int) -> _Result:
    """markdown-it's parseLinkDestination, the same result, faster for plain URLs."""
    found = _PLAIN_DESTINATION.match(string, pos, maximum)
    if found is None or string[pos] == "<":
        return helpers.parseLinkDestination(string, pos, maximum)
    end = found.end()
    if end < maximum and string[end] not in _DESTINATION_ENDS:  # "(" or "\\": its rules
        return helpers.parseLinkDestination(string, pos, maximum)
    result = _Result()
    result.str = unescapeAll(string[pos:end])
    result.pos = end
    result.ok = True
    return result


def safe_link(url: str) -> bool:
    """http(s), mailto, fragments and relative paths; no javascript:, data:, file: ..."""
    return bool(_SAFE_URL.match(url.strip()))


def _neutralize_html(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "html_block":
            if _COMMENT.fullmatch(token.content):
                token.type, token.content, token.hidden = "text", "", True
            else:
                token.type = "text"
        for child in token.children or ():
            if child.type == "html_inline":
                child.content = "" if _COMMENT.fullmatch(child.content) else child.content
                child.type = "text"


# Inline text of plain words and [label](address) links to plain http(s) addresses, most
# of what an issue says (its paragraphs, headlines, table cells): its tokens are made here,
# as markdown-it's inline rules make them, at a fraction of their cost. Text with any
# character that starts other inline syntax in CommonMark (emphasis, code, escapes,
# entities, HTML, autolinks, images, line breaks; and, for caution, ">" and "~"), or a
# bracket outside such a link, goes to markdown-it (tests/test_markdown_plain_inline.py
# compares the two on every issue file the tests have and on generated text).
_NOT_PLAIN = re.compile(r"[\n\\`*_<>&!~]")
_PLAIN_LINK = re.compile(
    r"\[([^\[\]]+)\]\((https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9\-._~/?#=+,;:@$]*)?)\)"
)


def _plain_inline(content: str, md: MarkdownIt) -> list[Token] | None:
    """The inline tokens of `content` when it is plain text and plain links, else None."""
    if _NOT_PLAIN.search(content) is not None:
        return None
    parts = _PLAIN_LINK.split(content)  # text, label, address, text, label, address ... text
    tokens: list[Token] = []
    for at in range(0, len(parts), 3):
        text = parts[at]
        if "[" in text or "]" in text:
            return None  # a reference, a link markdown-it reads otherwise, or just a bracket
        if text:
            tokens.append(Token("text", "", 0, content=text))
        if at + 1 < len(parts):
            href = md.normalizeLink(parts[at + 2])
            if not md.validateLink(href):
                return None
            tokens += [
                Token("link_open", "a", 1, attrs={"href": href}),
                Token("text", "", 0, content=parts[at + 1], level=1),
                Token("link_close", "a", -1),
            ]
    return tokens


def _inline(state: StateCore) -> None:
    """markdown-it's core rule "inline", with plain text and links read by _plain_inline."""
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            plain = _plain_inline(token.content, md)
            if plain is None:
                md.inline.parse(token.content, md, state.env, token.children)
            else:
                token.children += plain


def _normalize(state: StateCore) -> None:
    """markdown-it's core rule "normalize" (CommonMark's line endings, NUL as U+FFFD), the
    same text: its regular expression replaces every line end, "\n" by "\n" too, which
    takes a tenth of parsing an issue; text with neither "\r" nor NUL is left as it is."""
    text = state.src
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    state.src = text


@cache
def markdown() -> MarkdownIt:
    """CommonMark plus tables; no raw HTML, no images, safe links.

    One parser for the process (parsing keeps no state in it); callers must not change it.
    """
    md = reference_parser()
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("inline", _inline)
    return md


def reference_parser() -> MarkdownIt:
    """markdown()'s parser with markdown-it's own inline rule: what _plain_inline is
    checked against."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    md.disable("image")
    md.validateLink = safe_link
    md.normalizeLink = normalize_link
    md.helpers = SimpleNamespace(  # this parser's own: the module stays as it is
        parseLinkLabel=helpers.parseLinkLabel,
        parseLinkDestination=link_destination,
        parseLinkTitle=helpers.parseLinkTitle,
    )
    md.core.ruler.push("neutralize_html", _neutralize_html)
    return md


def escape(text: str) -> str:
    """Plain text -> Markdown that renders as exactly that text, on one line."""
    text = " ".join(text.split())
    text = re.sub(r"([\\`*_\[\]{}<>#|!~&])", r"\\\1", text)
    # A line that starts like a list item, heading or quote must not become one.
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([-+=])", r"\\\1", text))


def url(href: str) -> str:
    """A URL safe inside Markdown's (...) link destination."""
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
