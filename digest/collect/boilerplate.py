"""Outlet boilerplate out of an item's text and HTML: promo lines never reach a paragraph.

What counts as boilerplate is a line the *outlet* addresses to its reader, not news:
- a call to action, in the imperative or to "you": "Read more", "Read our explainer on …",
  "Subscribe to our newsletter", "Follow us on Telegram", "Sign up for …", "Click here to …",
  "Download our app", "Share this article", "You can also follow …"; in Arabic "اقرأ أيضا",
  "اقرأ المزيد", "تابعونا على", "للمزيد من التفاصيل", "اشترك في قناتنا",
  "انضموا إلى قناتنا على تلغرام", "اضغط هنا لـ…" … (a bare "click here" is kept: some feeds
  give it as a summary's only text, the item's one link to the story);
- a note about the article itself: "This article was originally published on …", "The post
  X appeared first on Y" (WordPress), "A version of this story …", "(Reporting by …;
  Editing by …)", "All rights reserved", "نشر هذا المقال أولاً في …", "ظهرت المقالة X أولاً
  على Y";
- a label: "Related:", "Advertisement", "مواضيع ذات صلة", "رابط مختصر", and a link-only
  "Read more »" / "المزيد" at the end of a line; "[…]" (a cut excerpt) becomes "…".

Precision first. A news sentence is never imperative and rarely speaks to "you", so a cue
counts only at the *start* of a sentence ("Lawmakers followed the session" and "The ministry
urged residents to subscribe to the alert service" stay), and the verbs that are also past
tenses in Arabic (تابع "followed", اشترك "took part", انضموا "they joined", شارك "took part")
count only with the objects a promo has: our channel/page/app, a social platform. A cue
that needs context ("For more …", "لمتابعة آخر الأخبار …") counts only with a reader marker
(us/our, click, a platform). A sentence that quotes someone ("…," the group said) is never
boilerplate, and neither is a long one.

Only whole lines (blocks) go, or sentences at either edge of a line: a promo sits before or
after the story, not inside a sentence of it. Arabic is matched with or without diacritics
and tatweel, with any alef (ا أ إ آ), ى for ي and ة for ه.

Work is bounded: only WINDOW characters at each edge of a line are looked at, so a 5 MB
single-line description costs no more than a short one.

The phrases and the patterns built from them are in boilerplate_phrases.py; this module is
the mechanics: which sentence of which line is tested, and HTML cut without unbalancing it.
"""

from __future__ import annotations

import re
from html import escape, unescape

from digest.collect import boilerplate_phrases as phrases

WINDOW = 600  # characters at each edge of a line that can hold boilerplate
MAX_SENTENCE = 400  # a longer sentence is news, whatever it starts with

# ------------------------------------------------------------------- the end of a line

# A sentence ends at . ! ? ؟ … (and the quote or bracket closing it), then a space.
_BOUNDARY = re.compile(r"[.!?؟…]+[\"'”’»)\]]*(\s+)")
# The same, read backwards: whitespace, closers, then the punctuation.
_BOUNDARY_REVERSED = re.compile(r"\s+[\"'”’»)\]]*[.!?؟…]")
# "[…]" that a feed puts where it cut the excerpt.
_TRUNCATED = re.compile(r"\s*(?:\[\s*(?:…|\.{2,})\s*\]|\(\s*(?:…|\.{2,})\s*\))\s*$")
_SENTENCE_END = re.compile(r"[.!?؟…][\"'”’»)\]]*\s*$")


def is_boilerplate(sentence: str) -> bool:
    """Whether one sentence is an outlet's promo, credit or label rather than news."""
    sentence = sentence.strip()
    if not sentence or len(sentence) > MAX_SENTENCE or not _opens_with_cue(sentence):
        return False
    if phrases.ONLY_LABEL.fullmatch(sentence):
        return True
    if phrases.QUOTED.search(sentence):
        return False
    if _strong(sentence, 0, len(sentence)):
        return True
    return bool(phrases.WEAK.match(sentence) and _speaks_to_reader(sentence))


def _speaks_to_reader(sentence: str) -> bool:
    """Whether the sentence holds a reader marker (READER or READER_AR: see _strong)."""
    return bool(
        phrases.READER.search(sentence)
        or (phrases.ARABIC_LETTER.search(sentence) and phrases.READER_AR.search(sentence))
    )


def _strong(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] opens with a strong cue, English or Arabic."""
    return bool(
        phrases.STRONG.match(text, start, end)
        or (
            phrases.ARABIC_LETTER.search(text, start, end)
            and phrases.STRONG_AR.match(text, start, end)
        )
    )


def _opens_with_cue(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] opens with a cue: its first words first, then the patterns."""
    end = len(text) if end is None else end
    words = phrases.FIRST_WORDS.match(text, start, end)
    if words is None:  # no word at all: "©", "»", an emoji
        return _cue(text, start, end)
    first = words.group(1).lower()
    if not first.isascii():
        first = first.translate(phrases.FOLD)
    if (
        first not in phrases.OPENERS
        and f"{first} {(words.group(2) or '').lower()}" not in phrases.OPENING_PAIRS
    ):
        return False
    return _cue(text, start, end)


def _cue(text: str, start: int, end: int) -> bool:
    return bool(
        _strong(text, start, end)
        or phrases.WEAK.match(text, start, end)
        or phrases.LABEL.match(text, start, end)
    )


# What kept_span found for each line, when a caller keeps it (normalize reads each paragraph
# twice, as a line of the text and as a segment of the HTML, nearly always the same string).
Spans = dict[str, tuple[int, int, bool]]


def strip_text(text: str, spans: Spans | None = None) -> str:
    """Plain text (one line per block) without boilerplate lines and edge sentences.
    `spans`: kept_span's answers, read and added to."""
    lines = []
    for line in text.split("\n"):
        start, end, ellipsis = kept_span(line, spans)
        kept = line[start:end].strip()
        if kept:
            lines.append(kept + ("…" if ellipsis else ""))
    return "\n".join(lines)


def kept_span(line: str, spans: Spans | None = None) -> tuple[int, int, bool]:
    """What of one line is news: line[start:end], plus whether "…" should close it (the
    excerpt was cut where the feed put "[…]"). start >= end: the whole line goes. `spans`:
    answers already found, by line, which this one joins."""
    if spans is None or len(line) > _KEPT_LINE:
        return _kept_span(line)
    span = spans.get(line)
    if span is None:
        span = _kept_span(line)
        if len(spans) < _KEPT_LINES:
            spans[line] = span
    return span


# A longer line is read again rather than kept: its answer costs no more (only its edges
# are read) and keeping it would hold a copy of its text.
_KEPT_LINE = 4_000  # characters
# Answers kept in one map: 16 entries of a feed hold a few dozen lines, and a hostile one
# with tens of thousands of distinct paragraphs would hold them all: 16 entries of 60,000
# short ones peaked at 176 MB, 33 MB with this bound.
_KEPT_LINES = 1_024


def _kept_span(line: str) -> tuple[int, int, bool]:
    start, end, ellipsis = 0, len(line), False
    # The footer's words are looked for once in a line of a few windows, not once per cut.
    hinted = len(line) > 2 * WINDOW or footer_hinted(line, 0, len(line))
    while (cut := _trailing_cut(line, start, _rstrip(line, start, end), hinted)) is not None:
        end, truncated = cut
        ellipsis = ellipsis or truncated
    end = _rstrip(line, start, end)
    # Leading sentences: only when the line opens with a cue (the cheap test) is the first
    # sentence looked for.
    while start < end and _opens_with_cue(line, start, end):
        high = min(end, start + WINDOW)
        boundary = _BOUNDARY.search(line, start, high)
        stop = boundary.start(1) if boundary else end
        if (boundary is None and high < end) or not is_boilerplate(line[start:stop]):
            break
        start = boundary.end() if boundary else end
    if start >= end:
        return start, start, False
    ellipsis = ellipsis and not _SENTENCE_END.search(line, start, end)
    return start, end, ellipsis


def _trailing_cut(line: str, start: int, end: int, hinted: bool) -> tuple[int, bool] | None:
    """Where line[start:end] ends once its last piece of boilerplate is cut, and whether
    that piece was a "[…]"; None when it ends with news. The end-anchored patterns only run
    when the last characters could end them: most lines end with a full stop and skip them.
    `hinted` False: the line holds none of FOOTER_WORDS."""
    if end <= start:
        return None
    last = line[end - 1]
    if last in "])" and (cut := _TRUNCATED.search(line, max(start, end - 20), end)):
        return cut.start(), True
    low = max(start, end - WINDOW)
    footer = (
        phrases.FOOTER.search(line, low, end) if hinted and footer_hinted(line, low, end) else None
    )
    if footer and _at_sentence_start(line, start, footer.start()):
        return footer.start(), False
    # A label ends in a letter, an arrow or "...": a line ending in one full stop has none.
    label = (last != "." or line[end - 2 : end] == "..") and phrases.TAIL_LABEL.search(
        line, max(start, end - 60), end
    )
    if label and _closes_line(label, line, start):
        return label.start(), False
    begins = _last_sentence(line, start, end, low)
    if begins is not None and is_boilerplate(line[begins:end]):
        return begins, False
    return None


def footer_hinted(line: str, start: int, end: int) -> bool:
    """Whether line[start:end] holds one of the footer's fixed words (FOOTER_WORDS)."""
    ed, caps, arabic = phrases.FOOTER_WORDS
    return (
        line.find(ed, start, end) >= 0
        or line.find(caps, start, end) >= 0
        or line.find(arabic, start, end) >= 0
    )


def _rstrip(line: str, start: int, end: int) -> int:
    while end > start and line[end - 1].isspace():
        end -= 1
    return end


def _last_sentence(line: str, start: int, end: int, low: int) -> int | None:
    """Where the last sentence of line[start:end] begins; None when it starts before `low`
    (longer than the window, so not boilerplate). Searched backwards, on the reversed
    window: the last boundary is near the end, the first one may be far."""
    if found := _BOUNDARY_REVERSED.search(line[low:end][::-1]):
        return end - found.start()
    return start if low == start else None


def _at_sentence_start(line: str, start: int, position: int) -> bool:
    before = line[start:position].rstrip()
    return not before or before[-1] in ".!?؟…\"'”’»)]"


def _closes_line(label: re.Match[str], line: str, start: int) -> bool:
    """A link label at the end of a line is boilerplate when it starts a sentence or carries
    an arrow; a multi-word one also when it trails off ("Read more…") or is capitalized
    ("… Read more"). "… and more" and "… and more…" are news."""
    if _at_sentence_start(line, start, label.start()) or label.group("arrow"):
        return True
    multi = label.group("multi")
    return bool(multi) and (bool(label.group("dots")) or not multi.isascii() or multi[0].isupper())


# -------------------------------------------------------------------------------------- HTML

# The block tags, each kept whole as the one group: what re.split puts between the segments.
_BLOCK_SPLIT = re.compile(
    r"(</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|caption|thead|tbody|tfoot"
    r"|figure|figcaption|h[1-6])\b[^>]*>)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_CHARACTER = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);?|[^&]|&", re.IGNORECASE)
_CELL = re.compile(r"</?t[dh]\b", re.IGNORECASE)
# Each opens with a lookahead: at a "<" not followed by a tag and then "</", which is most
# of them, the names are not tried one by one (twice as fast, the same matches).
_EMPTY_INLINE = re.compile(
    r"<(?=[^>]*>\s*</)"
    r"(a|span|strong|em|b|i|u|s|del|ins|mark|small|code|abbr|q|cite|sub|sup|time|kbd|samp)"
    r"\b[^>]*>\s*</\1>",
    re.IGNORECASE,
)
_EMPTY_BLOCK = re.compile(
    r"<(?=[^>]*>\s*</)(p|div|li|dd|dt|blockquote|figcaption|h[3-6]|ul|ol|dl|figure)"
    r"\b[^>]*>\s*</\1>",
    re.IGNORECASE,
)


def strip_html(html: str, spans: Spans | None = None) -> str:
    """Sanitized HTML (clean_html's output) without boilerplate: a block whose text is all
    boilerplate goes, and edge sentences are cut from the text of the others. Tags are kept
    around what is cut, then empty elements removed, so the markup stays balanced. `spans`
    as for strip_text."""
    # The segments between block tags, and the tags: [segment, tag, segment, ..., segment].
    parts = _BLOCK_SPLIT.split(html)
    cells = _CELL.search(html) is not None
    changed = False
    drop_next_break = False
    for index in range(0, len(parts), 2):
        segment = parts[index]
        cut = _strip_segment(segment, cells, spans) if segment else None
        if cut is not None:
            changed = True
            whole, parts[index] = cut
            if whole:  # a dropped line takes its <br> with it, before or after
                if index and _is_break(parts[index - 1]):
                    parts[index - 1] = ""
                else:
                    drop_next_break = True
        if index + 1 < len(parts):
            if drop_next_break and _is_break(parts[index + 1]):
                parts[index + 1] = ""
            drop_next_break = False
    if not changed:
        return html
    return _remove_empty("".join(parts))


def _is_break(tag: str) -> bool:
    return tag[:3].lower() == "<br"


def _strip_segment(segment: str, cells: bool, spans: Spans | None) -> tuple[bool, str] | None:
    """The inline HTML between two block tags without its boilerplate text: (whether all its
    text went, what is left), or None when nothing goes. `cells`: whether the HTML the
    segment is from holds a table cell's tag at all."""
    if segment.isspace():
        return None
    # The cheap test first, on the segment's text read whole; only a segment that loses
    # something is read again character by character, to know where each one sits.
    tokens = _TOKEN.findall(segment)
    # Without entities or table cells, a text run is its own text and a tag has none.
    plain = "&" not in segment and not (cells and _CELL.search(segment))
    if plain:
        whole = "".join([token for token in tokens if token[0] != "<"]).replace("\n", " ")
    else:
        whole = _segment_text(tokens)
    start, end, ellipsis = kept_span(whole, spans)
    if start == 0 and end >= len(whole.rstrip()) and not ellipsis:
        return None
    if plain:
        return start >= end, _cut_plain(tokens, start, end, ellipsis)
    # (html, text) per tag, per run of plain text (its characters are their own text), or
    # per character of a run holding entities (one "&amp;" is one character of text).
    pieces: list[tuple[str, str]] = []
    for token in tokens:
        if token.startswith("<"):
            pieces.append((token, " " if _CELL.match(token) else ""))
        elif "&" not in token:
            pieces.append((token, token.replace("\n", " ")))
        else:
            pieces.extend((c, unescape(c).replace("\n", " ")) for c in _CHARACTER.findall(token))
    text = "".join(t for _, t in pieces)
    if text != whole:  # entities read one by one can differ from the run read whole
        start, end, ellipsis = kept_span(text, spans)
    return start >= end, _cut(pieces, start, end, ellipsis)


def _cut(pieces: list[tuple[str, str]], start: int, end: int, ellipsis: bool) -> str:
    """The markup of `pieces` ((html, text) pairs) keeping the text in [start, end)."""
    out: list[str] = []
    position = 0
    for markup, piece in pieces:
        if markup.startswith("<"):
            out.append(markup)
        elif len(markup) == 1 or "&" not in markup:  # characters kept by their place
            lo, hi = max(start - position, 0), min(end - position, len(piece))
            if lo < hi:
                out.append(markup[lo:hi])
        elif start <= position < end:  # an entity: kept whole or not at all
            out.append(markup)
        if ellipsis and position < end <= position + len(piece):
            out.append(escape("…", quote=False))
        position += len(piece)
    return "".join(out)


def _cut_plain(tokens: list[str], start: int, end: int, ellipsis: bool) -> str:
    """_cut for a segment whose text runs are their own text and whose tags have none: the
    tags, and of the text what lies in [start, end), without making the pairs."""
    out: list[str] = []
    append = out.append
    keep = start < end
    position = 0
    for token in tokens:
        if token[0] == "<":
            append(token)
            continue
        after = position + len(token)
        if keep and start < after and end > position:
            append(token[start - position if start > position else 0 : end - position])
        if ellipsis and position < end <= after:
            append("…")
        position = after
    return "".join(out)


def _segment_text(tokens: list[str]) -> str:
    return "".join(
        (" " if _CELL.match(token) else "")
        if token.startswith("<")
        else unescape(token).replace("\n", " ")
        for token in tokens
    )


def _remove_empty(html: str) -> str:
    for pattern in (_EMPTY_INLINE, _EMPTY_BLOCK):
        while True:
            html, count = pattern.subn("", html)
            if not count:
                break
    return html.strip()
