"""Adding sources to the settings file as text (digest/config/edit.py): the new entries go
in before DIGEST_SOURCES' closing bracket in the file's own style, every other byte stays,
and a file digest cannot edit safely is refused with the reason and the block to paste."""

from __future__ import annotations

import ast

import pytest

from digest import config
from digest.config.edit import add_sources, paste_block
from digest.errors import SettingsNotEditable
from tests.conftest import ROOT

ENTRY = {"name": "Shafaq News", "url": "https://shafaq.com/en/rss", "section": "politics"}
ENTRIES = [
    ENTRY,
    {"name": "ISW", "url": "https://feeds.feedburner.com/isw", "domains": ["isw.example"]},
]


def edit(text: str | bytes, entries=(ENTRY,)) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return add_sources(data, list(entries), where="pelican.conf.py").decode("utf-8")


def sources_of(text: str) -> list[dict]:
    """DIGEST_SOURCES as Python reads the file (with the names it needs defined)."""
    scope: dict = {"OTHER": [], "X": 1}
    exec(compile(text, "pelican.conf.py", "exec"), scope)
    return scope["DIGEST_SOURCES"]


def only_inserted(before: str, after: str, *pieces: str) -> None:
    """`after` is `before` with `pieces` inserted and nothing else changed: removing each
    piece (first occurrence after the previous one) gives `before` back, byte for byte."""
    rest, at = after, 0
    for piece in pieces:
        index = rest.index(piece, at)
        rest, at = rest[:index] + rest[index + len(piece) :], index
    assert rest == before


# --------------------------------------------------------------------------- the sample file


def test_the_sample_settings_get_one_entry_in_their_own_style_and_nothing_else_changes():
    before = (ROOT / "pelican.conf.py").read_text(encoding="utf-8")
    after = edit(before)
    block = (
        "    {\n"
        '        "name": "Shafaq News",\n'
        '        "url": "https://shafaq.com/en/rss",\n'
        '        "section": "politics",\n'
        "    },\n"
    )
    assert after.count(block) == 1
    close = before.index("\n]\n", before.index("DIGEST_SOURCES = [")) + 1
    assert after == before[:close] + block + before[close:]
    assert sources_of(after) == [*sources_of(before), ENTRY]


def test_the_edited_sample_still_loads_as_settings(project):
    conf = project()
    conf.write_bytes(add_sources(conf.read_bytes(), ENTRIES, where="pelican.conf.py"))
    settings = config.load(conf)
    assert [s.name for s in settings.sources][-3:] == ["Al-Rafidain", "Shafaq News", "ISW"]
    assert settings.source("ISW").domains == ("isw.example", "feeds.feedburner.com")
    assert settings.source("Shafaq News").section == "politics"


def test_several_entries_go_in_in_one_edit_in_order():
    before = 'DIGEST_SOURCES = [\n    {"name": "A", "url": "https://a.example/"},\n]\n'
    after = edit(before, ENTRIES)
    assert sources_of(after)[1:] == ENTRIES
    only_inserted(
        before,
        after,
        '    {"name": "Shafaq News", "url": "https://shafaq.com/en/rss", "section": "politics"},\n'
        '    {"name": "ISW", "url": "https://feeds.feedburner.com/isw", '
        '"domains": ["isw.example"]},\n',
    )


# --------------------------------------------------------------------------- the file's own style


def test_comments_blank_lines_and_a_commented_out_entry_are_kept_byte_for_byte():
    before = (
        "# My monitor\n"
        "SITENAME = 'M'  # the name\n"
        "\n"
        "DIGEST_SOURCES = [  # where the news comes from\n"
        "    # wires first\n"
        "    {\n"
        "        'name': 'A',  # short\n"
        "        'url': 'https://a.example/feed',\n"
        "    },\n"
        "\n"
        "    # {'name': 'Off for now', 'url': 'https://off.example/'},\n"
        "]  # end of sources\n"
        "\n"
        "# trailing comment, no newline at the end"
    )
    after = edit(before)
    only_inserted(
        before,
        after,
        "    {\n"
        "        'name': 'Shafaq News',\n"
        "        'url': 'https://shafaq.com/en/rss',\n"
        "        'section': 'politics',\n"
        "    },\n",
    )
    # after the commented-out entry: where the editor would have typed it
    assert after.index("Shafaq") > after.index("Off for now")


def test_a_missing_trailing_comma_is_added_after_the_last_entry_before_its_comment():
    before = (
        "DIGEST_SOURCES = [\n"
        "\t{'name': 'A', 'url': 'https://a.example/'},\n"
        "\t{'name': 'B', 'url': 'https://b.example/'}  # no comma here\n"
        "]\n"
    )
    after = edit(before)
    assert after == (
        "DIGEST_SOURCES = [\n"
        "\t{'name': 'A', 'url': 'https://a.example/'},\n"
        "\t{'name': 'B', 'url': 'https://b.example/'},  # no comma here\n"
        "\t{'name': 'Shafaq News', 'url': 'https://shafaq.com/en/rss', 'section': 'politics'},\n"
        "]\n"
    )


def test_multi_line_entries_without_trailing_commas_and_crlf_line_ends_are_followed():
    before = (
        "X = 1\r\n"
        "DIGEST_SOURCES = [\r\n"
        "  {\r\n"
        "      'name': 'A',\r\n"
        "      'url': 'https://a.example/'\r\n"
        "  }\r\n"
        "]\r\n"
    )
    after = edit(before)
    assert after == (
        "X = 1\r\n"
        "DIGEST_SOURCES = [\r\n"
        "  {\r\n"
        "      'name': 'A',\r\n"
        "      'url': 'https://a.example/'\r\n"
        "  },\r\n"
        "  {\r\n"
        "      'name': 'Shafaq News',\r\n"
        "      'url': 'https://shafaq.com/en/rss',\r\n"
        "      'section': 'politics'\r\n"
        "  },\r\n"
        "]\r\n"
    )


def test_a_list_on_one_line_gets_the_entry_on_that_line():
    before = "DIGEST_SOURCES = [{'name': 'A', 'url': 'https://a.example/'}]  # one\nX = 1\n"
    after = edit(before)
    only_inserted(
        before,
        after,
        ", {'name': 'Shafaq News', 'url': 'https://shafaq.com/en/rss', 'section': 'politics'}",
    )
    trailing = "DIGEST_SOURCES = [{'name': 'A', 'url': 'https://a.example/'},]\n"
    assert sources_of(edit(trailing))[-1] == ENTRY


def test_an_entry_hugging_the_closing_bracket_is_followed_on_its_line():
    before = "DIGEST_SOURCES = [{\n    'name': 'A',\n    'url': 'https://a.example/'}]\n"
    assert sources_of(edit(before)) == [{"name": "A", "url": "https://a.example/"}, ENTRY]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "X = 1\nDIGEST_SOURCES = []\nY = 2\n",
            "X = 1\nDIGEST_SOURCES = [\n"
            "    {\n"
            '        "name": "Shafaq News",\n'
            '        "url": "https://shafaq.com/en/rss",\n'
            '        "section": "politics",\n'
            "    },\n"
            "]\nY = 2\n",
        ),
        (
            "DIGEST_SOURCES = [  # yours\n        # add feeds below\n]\n",
            "DIGEST_SOURCES = [  # yours\n        # add feeds below\n"
            "        {\n"
            '            "name": "Shafaq News",\n'
            '            "url": "https://shafaq.com/en/rss",\n'
            '            "section": "politics",\n'
            "        },\n"
            "]\n",
        ),
        (
            "DIGEST_SOURCES: list[dict] = []\n",
            "DIGEST_SOURCES: list[dict] = [\n"
            "    {\n"
            '        "name": "Shafaq News",\n'
            '        "url": "https://shafaq.com/en/rss",\n'
            '        "section": "politics",\n'
            "    },\n"
            "]\n",
        ),
    ],
    ids=["empty", "empty-with-a-comment", "annotated"],
)
def test_an_empty_list_is_opened_up(before, after):
    assert edit(before) == after


@pytest.mark.parametrize(
    ("before", "separator"),
    [("SITENAME = 'M'\n", "\n"), ("SITENAME = 'M'", "\n\n"), ("", "")],
    ids=["newline-at-end", "no-newline-at-end", "empty-file"],
)
def test_without_digest_sources_an_assignment_is_appended(before, separator):
    assert edit(before) == before + separator + (
        "DIGEST_SOURCES = [\n"
        "    {\n"
        '        "name": "Shafaq News",\n'
        '        "url": "https://shafaq.com/en/rss",\n'
        '        "section": "politics",\n'
        "    },\n"
        "]\n"
    )


def test_the_file_keeps_its_encoding_and_what_it_cannot_hold_is_escaped():
    before = (
        "# -*- coding: latin-1 -*-\n"
        "SITENAME = 'Caf\xe9'\n"
        "DIGEST_SOURCES = [\n"
        "    {'name': 'A', 'url': 'https://a.example/'},\n"
        "]\n"
    ).encode("latin-1")
    arabic = {"name": "شفق نيوز — Café", "url": "https://shafaq.com/ar/rss"}
    after = add_sources(before, [arabic], where="conf.py")
    assert after.startswith(before[: before.index(b"]\n")])
    assert after.endswith(b"]\n") and b"SITENAME = 'Caf\xe9'" in after
    assert b"\\u0634" in after and b"Caf\xe9'" in after  # Arabic escaped, é as it is
    assert sources_of(after.decode("latin-1"))[-1] == arabic


def test_a_byte_order_mark_stays():
    before = "\ufeffDIGEST_SOURCES = []\n".encode("utf-8")
    after = add_sources(before, [ENTRY], where="conf.py")
    assert after.startswith(b"\xef\xbb\xbfDIGEST_SOURCES = [\n")


@pytest.mark.parametrize(
    "value",
    [
        'He said "hi" \\ and left',
        "it's",
        "ends with a backslash \\",
        "\u202eRLO and\u00a0no-break space",
        "<script>alert(1)</script>",  # BAD-INPUTS 29
        "emoji 📰 and \U0001d400",
    ],
)
def test_any_value_reads_back_exactly(value):
    entry = {"name": value, "url": "https://x.example/?q=" + value}
    for before in ("DIGEST_SOURCES = []\n", "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'},\n]\n"):
        after = edit(before, [entry])
        assert sources_of(after)[-1] == entry
        # one line a key, whatever the value holds
        plain = {"name": "A", "url": "https://a.example/"}
        assert len(after.splitlines()) == len(edit(before, [plain]).splitlines())


def test_the_block_to_paste_is_the_entries_in_the_samples_style():
    assert paste_block(ENTRIES) == (
        "    {\n"
        '        "name": "Shafaq News",\n'
        '        "url": "https://shafaq.com/en/rss",\n'
        '        "section": "politics",\n'
        "    },\n"
        "    {\n"
        '        "name": "ISW",\n'
        '        "url": "https://feeds.feedburner.com/isw",\n'
        '        "domains": ["isw.example"],\n'
        "    },\n"
    )
    assert ast.literal_eval("[" + paste_block(ENTRIES) + "]") == ENTRIES


# --------------------------------------------------------------------------- refusals


REFUSED = [
    (
        "DIGEST_SOURCES = []\nDIGEST_SOURCES = [{'name': 'A', 'url': 'u'}]\n",
        "DIGEST_SOURCES is set 2 times (lines 1, 2)",
    ),
    (
        "DIGEST_SOURCES = [{'name': n, 'url': u} for n, u in OTHER]\n",
        "DIGEST_SOURCES is set to a list comprehension on line 1, not a list of dicts",
    ),
    (
        "def load():\n    return []\nDIGEST_SOURCES = load()\n",
        "DIGEST_SOURCES is set to the result of a call on line 3, not a list of dicts",
    ),
    (
        "DIGEST_SOURCES = OTHER + [{'name': 'A', 'url': 'u'}]\n",
        "DIGEST_SOURCES is set to an expression (an operator such as `+`) on line 1, "
        "not a list of dicts",
    ),
    (
        "DIGEST_SOURCES = OTHER\n",
        "DIGEST_SOURCES is set to another name on line 1, not a list of dicts",
    ),
    (
        "DIGEST_SOURCES = ({'name': 'A', 'url': 'u'},)\n",
        "DIGEST_SOURCES is set to a tuple (write it as a list, [...]) on line 1, "
        "not a list of dicts",
    ),
    (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}, *OTHER]\n",
        "DIGEST_SOURCES[1] (line 1) unpacks another list (*…)",
    ),
    (
        "BASE = {'kind': 'feed'}\nDIGEST_SOURCES = [{**BASE, 'name': 'A', 'url': 'u'}]\n",
        "DIGEST_SOURCES[0] (line 2) unpacks another dict (**…)",
    ),
    (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}, OTHER]\n",
        "DIGEST_SOURCES[1] (line 1) is not a {...} dict",
    ),
    (
        "DIGEST_SOURCES = []\nDIGEST_SOURCES.append({'name': 'A', 'url': 'u'})\n",
        "DIGEST_SOURCES.append(…) on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "DIGEST_SOURCES = []\nDIGEST_SOURCES.extend(OTHER)\n",
        "DIGEST_SOURCES.extend(…) on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "DIGEST_SOURCES = []\nDIGEST_SOURCES += OTHER\n",
        "DIGEST_SOURCES += … on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}]\nDIGEST_SOURCES[0] = {}\n",
        "DIGEST_SOURCES[0] = … on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}]\nDIGEST_SOURCES[0]['url'] = 'v'\n",
        "DIGEST_SOURCES[0]['url'] = … on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}]\ndel DIGEST_SOURCES[0]\n",
        "del DIGEST_SOURCES[0] on line 2 changes DIGEST_SOURCES after it is set",
    ),
    (
        "import os\nif os.environ.get('FULL'):\n    DIGEST_SOURCES = []\n",
        "DIGEST_SOURCES is set inside an `if` block (line 2)",
    ),
    (
        "def sources():\n    global DIGEST_SOURCES\n    DIGEST_SOURCES = []\nsources()\n",
        "DIGEST_SOURCES is set 2 times (lines 2, 3)",
    ),
    (
        "def sources():\n    DIGEST_SOURCES = []\n    return DIGEST_SOURCES\n",
        "DIGEST_SOURCES is set inside a function (line 1)",
    ),
    (
        "try:\n    DIGEST_SOURCES = []\nexcept ImportError:\n    pass\n",
        "DIGEST_SOURCES is set inside a `try` block (line 1)",
    ),
    (
        "A = DIGEST_SOURCES = []\n",
        "DIGEST_SOURCES is set together with other names (line 1): the edit would change them too",
    ),
    (
        "DIGEST_SOURCES, X = [], 1\n",
        "DIGEST_SOURCES is set together with other names (line 1): the edit would change them too",
    ),
    (
        "from base_settings import *\n",
        "it has no DIGEST_SOURCES of its own but imports * from base_settings (line 1), "
        "which may set it",
    ),
    (
        "DIGEST_SOURCES = []\nfrom .local import *\n",
        "it imports * from .local (line 2) after setting DIGEST_SOURCES, which may set it again",
    ),
    (
        "DIGEST_SOURCES = [\n    {'name': 'A', 'url': 'u'},\n",
        "it is not valid Python (line 1: '[' was never closed)",
    ),
    (
        b"# -*- coding: klingon -*-\nDIGEST_SOURCES = []\n",
        "it has a coding declaration Python cannot use (unknown encoding: klingon)",
    ),
    (b"DIGEST_SOURCES = ['\xff']\n", "it is not valid utf-8 (byte 19)"),
]


@pytest.mark.parametrize(("before", "reason"), REFUSED)
def test_a_file_digest_cannot_edit_safely_is_refused_saying_which_and_why(before, reason):
    data = before.encode("utf-8") if isinstance(before, str) else before
    with pytest.raises(SettingsNotEditable) as refused:
        add_sources(data, ENTRIES, where="site/pelican.conf.py")
    assert str(refused.value) == (
        f"site/pelican.conf.py: left as it was, since {reason}; paste the entries printed "
        "above into DIGEST_SOURCES yourself"
    )
    assert refused.value.block == paste_block(ENTRIES)


def test_reading_the_list_is_no_reason_to_refuse():
    before = (
        "DIGEST_SOURCES = [{'name': 'A', 'url': 'u'}]\n"
        "COUNT = len(DIGEST_SOURCES)\n"
        "NAMES = [s['name'] for s in DIGEST_SOURCES]\n"
        "FIRST = DIGEST_SOURCES[0].get('name')\n"
        "COPY = DIGEST_SOURCES.copy()\n"
    )
    assert sources_of(edit(before))[-1] == ENTRY


def test_positions_are_right_after_non_ascii_text_and_a_comma_in_a_comment_is_no_comma():
    plain = {"name": "n", "url": "v"}
    one_line = 'X = "ك"; DIGEST_SOURCES = [{"name": "شفق نيوز", "url": "u"}]  # تعليق\n'
    assert edit(one_line, [plain]) == (
        'X = "ك"; DIGEST_SOURCES = [{"name": "شفق نيوز", "url": "u"}, {"name": "n", "url": "v"}]'
        "  # تعليق\n"
    )
    commented = 'DIGEST_SOURCES = [\n    {"name": "شفق نيوز", "url": "u"}  # تعليق, مع فاصلة\n]\n'
    assert edit(commented, [plain]) == (
        "DIGEST_SOURCES = [\n"
        '    {"name": "شفق نيوز", "url": "u"},  # تعليق, مع فاصلة\n'
        '    {"name": "n", "url": "v"},\n'
        "]\n"
    )
