"""Round 3 of collect's speed (issue 25): what each shortcut leaves out gives nothing.

- the text of sanitized HTML is read from nh3's output as it is, without html5ever reading
  it a second time, when that reading would build the same tree (sanitize._reads_back);
- a line's footer words are looked for once, not once per cut (boilerplate._kept_span);
- a source's items and its fetch record go in one transaction (Store.save_fetch), with
  the store's keys hashed in the parser process;
- the parser processes never import httpx (collect/fetched.py);
- namespace declarations are searched from their word, not tried at every character;
- the boilerplate patterns English needs are compiled once by the fork server (warm.py).

Each is held to the general path on feedparser's corpus, our fixtures (the hostile ones
included), the benchmark's documents and seeded random markup.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.collect import make_feed
from digest.collect import boilerplate, fast_feed, sanitize, warm
from digest.collect.detect import parse
from digest.collect.fetched import Fetched
from digest.collect.normalize import clean_text, normalize
from digest.collect.parsing import parser_pool
from digest.errors import StoreError
from digest.models import Source
from digest.store import FetchRecord, Store
from digest.store.keys import batch_rows

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2024, 2, 10, 12, 0, tzinfo=UTC)
SOURCE = Source(name="site", url="https://site.example/feed")


def _markup(count: int) -> list[str]:
    """Random fragments of what the parser treats specially: paragraphs and links nested
    through a removed <object>, lists, tables, <pre>, a BOM, CR, entities."""
    rnd = random.Random(25)
    bits = [
        "<p>", "</p>", "<a href='/x'>", "</a>", "<object>", "</object>", "<applet>", "<li>",
        "</li>", "<ul>", "<span>", "</span>", "<b>", "</b>", "<i>", "<table>", "<td>", "<tr>",
        "</table>", "<pre>", "</pre>", "<br>", "<div>", "</div>", "<h2>", "<dd>", "<dt>",
        "<marquee>", "<template>", "<math>x</math>", "<svg><text>y</text></svg>", "<!-- c -->",
        "word", " more ", "\n", "\r", "\ufeff", "&amp;", "&nbsp;", "&lt;b&gt;", "Read more »",
    ]  # fmt: skip
    return ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 18))) for _ in range(count)]


def _benchmark_summaries() -> list[str]:
    summaries = []
    for number in range(20):
        content_type, body = make_feed(number, 20)
        fetched = Fetched(SOURCE.url, 200, {"content-type": content_type}, body)
        summaries += [entry.summary_html for entry in parse(fetched, SOURCE).entries]
    return summaries


def test_the_text_of_clean_html_is_read_as_html5ever_reads_it(corpus):
    inputs = [p.read_text("utf-8", "replace") for p in sorted(corpus.rglob("*.xml"))]
    inputs += [p.read_text("utf-8", "replace") for p in sorted(FEEDS.glob("*"))]
    inputs += _benchmark_summaries() + _markup(12000)
    inputs += [  # a tree html5ever builds only with the <object> that nh3 then removes
        "<span><object><li>a<object><li>b</li></object>c</li></object>d</span>",
        "<p>a<object><p>b</p></object>c</p>",
        "<a href=/1><object><a href=/2>y</a></object>z</a>",
        "<b></b>\ufeffx<p>a</p>",
    ]
    read_back = 0
    for raw in inputs:
        for base in (None, "https://e.example/a/"):
            cleaned = sanitize.clean_html(clean_text(raw), base)
            read_back += sanitize._reads_back(cleaned)
            assert sanitize.clean_html_text(cleaned) == sanitize.html_to_text(cleaned), raw
    assert read_back > 10000  # the shortcut is really taken, not only refused


@pytest.mark.parametrize(
    "cleaned",
    [
        "<ul><li>a</li></ul>",  # lists, tables, headings, <pre>: the parser's own
        "<table><tbody><tr><td>a</td></tr></tbody></table>",
        "<h3>a</h3>",
        "<pre>a</pre>",
        "<p><p>a</p></p>",  # a paragraph in a paragraph: the parser closes the first
        '<a href="https://e.x/"><a href="https://e.x/2">a</a></a>',
        "\ufeffa<b>b</b>",  # a BOM the parser drops at the start
    ],
)
def test_what_the_text_shortcut_leaves_to_html5ever(cleaned):
    assert not sanitize._reads_back(cleaned)
    assert sanitize.clean_html_text(cleaned) == sanitize.html_to_text(cleaned)


def test_benchmark_items_take_the_text_shortcut():
    for summary in _benchmark_summaries():
        assert sanitize._reads_back(sanitize.clean_html(clean_text(summary), SOURCE.url))


def test_a_line_without_footer_words_is_cut_the_same_without_looking_for_them(corpus):
    lines = []
    for summary in _benchmark_summaries() + _markup(3000):
        lines += sanitize.html_to_text(sanitize.clean_html(clean_text(summary))).split("\n")
    lines += [
        "The post Talks resume appeared first on Wire.",
        "The minister said the talks resumed. Read more »",
        "ظهرت المقالة محادثات أولاً على الموقع",
        "word " * 300 + "The post X appeared first on Y",
    ]
    rnd = random.Random(3)
    checked = 0
    for line in lines:
        hinted = boilerplate.footer_hinted(line, 0, len(line))
        for _ in range(4):
            start, end = sorted(rnd.randint(0, len(line)) for _ in range(2))
            looked = boilerplate._trailing_cut(line, start, end, True)
            assert boilerplate._trailing_cut(line, start, end, hinted) == looked, line
            checked += not hinted
    assert checked > 5000


def _rows(path: Path) -> dict[str, list[tuple]]:
    with Store(path) as store:
        return {
            table: [tuple(row) for row in store._db.execute(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("items", "sources", "fetches")
        }


def test_items_and_their_fetch_go_in_as_they_did_in_two_steps(tmp_path):
    content_type, body = make_feed(2, 30)
    fetched = Fetched(SOURCE.url, 200, {"content-type": content_type}, body)
    items = [
        normalize(entry, SOURCE, now=NOW, base_url=SOURCE.url)
        for entry in parse(fetched, SOURCE).entries
    ]
    record = FetchRecord(at=NOW, status="ok", http_status=200, etag='"v1"')
    with Store(tmp_path / "two.sqlite3") as store:
        for batch in (items[:10], items):  # all new, then some known: both ways of saving
            counts = store.save_items(batch, NOW)
            store.record_fetch(SOURCE.name, SOURCE.url, replace(record, counts=counts))
    with Store(tmp_path / "one.sqlite3") as store:
        rows = batch_rows(items[:10])
        assert store.save_fetch(SOURCE.name, SOURCE.url, rows, record).new == 10
        counts = store.save_fetch(SOURCE.name, SOURCE.url, batch_rows(items), record)
        assert (counts.new, counts.unchanged) == (20, 10)
    assert _rows(tmp_path / "one.sqlite3") == _rows(tmp_path / "two.sqlite3")


def test_a_fetch_record_that_fails_takes_its_items_with_it(tmp_path):
    content_type, body = make_feed(0, 5)
    fetched = Fetched(SOURCE.url, 200, {"content-type": content_type}, body)
    items = [
        normalize(entry, SOURCE, now=NOW, base_url=SOURCE.url)
        for entry in parse(fetched, SOURCE).entries
    ]
    unwritable = FetchRecord(at=NOW, status="ok", error=object())  # type: ignore[arg-type]
    with Store(tmp_path / "s.sqlite3") as store:
        with pytest.raises(StoreError):
            store.save_fetch(SOURCE.name, SOURCE.url, batch_rows(items), unwritable)
        assert store.count_items() == 0
        assert store.fetch_state(SOURCE.name) is None


def test_the_parser_processes_never_import_httpx():
    imports = (
        "import pickle, sys\n"
        "import digest.collect.parsing, digest.collect.detect, digest.collect.normalize\n"
        "from digest.collect.fetched import Fetched\n"
        "pickle.loads(pickle.dumps(Fetched('u', 200, {}, b'')))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", imports], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    from digest.collect import http

    assert http.Fetched is Fetched  # what the fetching side builds is what the parsers read


def test_namespace_declarations_are_found_from_their_word(corpus):
    texts = [p.read_text("utf-8", "replace") for p in sorted(corpus.rglob("*.xml"))]
    rnd = random.Random(8)
    bits = [
        " xmlns", "xmlns", "\txmlns:a", ":b", "=", " = ", '"x"', "'y'", '"', "'", " ", "a",
        "\n", "\u2028xmlns", "\x85xmlns='q'", "http://www.w3.org/2005/Atom",
    ]  # fmt: skip
    texts += ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 15))) for _ in range(20000)]
    found = 0
    for text in texts:
        every = [(m.span(), m.groups()) for m in fast_feed._DECLARATION.finditer(text)]
        assert [
            ((m.start() - 1, m.end()), m.groups()) for m in fast_feed.declarations(text)
        ] == every
        found += len(every)
    assert found > 5000


def test_workers_inherit_the_english_patterns_and_the_collecting_process_never_compiles_them():
    probe = "sorted(n for n in {names!r} if n in vars(__import__({module!r}, fromlist=['_'])))"
    job = probe.format(names=warm.ENGLISH, module="digest.collect.boilerplate_phrases")
    with parser_pool(1, html=False) as pool:  # a worker that has parsed nothing yet
        assert pool.submit(eval, job).result(timeout=60) == sorted(warm.ENGLISH)
    collecting = (
        "import sys\n"
        "import digest.collect.run\n"
        "from digest.collect import boilerplate_phrases as p\n"
        "print('digest.collect.warm' in sys.modules, [n for n in ('STRONG', 'READER') if n in vars(p)])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", collecting], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "[]"]


def test_a_line_already_spaced_once_is_kept_as_it_is():
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    assert all(c == " " or not c.isprintable() for c in spaces)  # what the shortcut relies on
    rnd = random.Random(11)
    alphabet = ["a", "b", " ", "  ", "é", "&", "\u200b", "\ufeff", *spaces]
    for _ in range(20000):
        line = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        assert sanitize._one_spaced(line) == " ".join(line.split()), repr(line)
