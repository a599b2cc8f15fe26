"""Every issue file gets the same verdict from `digest check` and from `digest build`.

tests/data/content/ holds small issue files an editor got wrong (and a few right), in
feedparser's fixture style: each ends with a comment saying what it tests and what must be
reported, one `Expect:` line per problem, with its exact line:

    <!--
    Description: a typo in the incident table's separator row (one cell short)
    Expect: error 25 the incident table's separator row has 3 cells, the header 4
    Expect: warning 14 relative day word 'on Tuesday'
    -->

`Expect: <error|warning> <line> <text>` is matched by one printed line
`<severity>: content/issues/<file>:<line>: <message>` whose message contains <text>; every
problem printed must be expected; `Expect: none` marks a file with no problem. The files'
bytes are the test (CRLF, a BOM, UTF-16, invalid UTF-8): tests/data/content/.gitattributes
keeps git from converting them.

For each file (and an empty one, generated):
- `check` prints exactly the expected problems and exits 1 if one is an error, else 0;
- `build`, over a site already built with one good issue (published/2024-02-01.md), prints
  the same problem lines. With an error it exits 1 and output/ stays byte for byte as it
  was: nothing of the refused issue is written, the published issue stays. With warnings
  only, `build --strict` refuses the same way and `build` publishes the issue.
Generated, never committed: a 50 MB issue file and an issue with 5,000 sections; both get
one clear line in bounded time, from check and build alike.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import make_project, run_cli

CORPUS = Path(__file__).resolve().parent / "data" / "content"
PUBLISHED = CORPUS / "published" / "2024-02-01.md"  # the good issue every build starts from
# `<severity>: <path>:<line>: <message>`, as check and build print a problem.
PROBLEM = re.compile(r"^(error|warning): ([^:\s][^:]*):(\d+): (.+)$")
EXPECT = re.compile(r"^Expect:\s*(?:(none)|(error|warning) (\d+) (.+))$")


@dataclass(frozen=True)
class Expected:
    severity: str
    line: int
    text: str  # a substring of the message

    def __str__(self) -> str:
        return f"{self.severity} {self.line} {self.text}"


@dataclass(frozen=True)
class Case:
    name: str  # the file name, kept in content/issues/
    data: bytes
    description: str
    expected: tuple[Expected, ...]

    @property
    def has_error(self) -> bool:
        return any(e.severity == "error" for e in self.expected)

    @property
    def slug(self) -> str | None:
        match = re.search(r"^Slug:\s*(\S+)", fixture_text(self.data), re.M)
        return match.group(1) if match else None


def fixture_text(data: bytes) -> str:
    """A corpus file as text, to read its comment: UTF-16 by its BOM, else UTF-8 with the
    invalid bytes (which the file may be about) replaced."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8", errors="replace")


def read_case(path: Path) -> Case:
    data = path.read_bytes()
    text = fixture_text(data)
    comment = text[text.rfind("<!--") :]
    description = ""
    expected: list[Expected] = []
    nones = 0
    for line in comment.splitlines():
        line = line.strip()  # CRLF files: the \r
        if line.startswith("Description:"):
            description = line.removeprefix("Description:").strip()
        elif line.startswith("Expect:"):
            match = EXPECT.match(line)
            assert match, f"{path.name}: malformed {line!r}"
            if match.group(1):
                nones += 1
            else:
                expected.append(Expected(match.group(2), int(match.group(3)), match.group(4)))
    assert description, f"{path.name}: no 'Description:' in its last comment"
    assert (nones == 1) != bool(expected), f"{path.name}: 'Expect: none' or Expect lines"
    return Case(path.name, data, description, tuple(expected))


def corpus() -> list[Case]:
    cases = [read_case(path) for path in sorted(CORPUS.glob("*.md"))]
    # A file of zero bytes cannot hold its comment: its expectation is here (an empty body
    # is not reported on top of another error).
    empty = (Expected("error", 1, "missing 'Title:'"),)
    return [*cases, Case("empty.md", b"", "an empty file", empty)]


CASES = corpus()


def problems(output: str, case: Case, summaries: int = 0) -> list[str]:
    """The problem lines printed about the case's file, checked for shape: a line naming the
    file must be a `severity: path:line: message` line, no other file has problems, and
    at most `summaries` other lines start with "error:" (build's "nothing was published")."""
    assert "Traceback" not in output, output
    path = f"content/issues/{case.name}"
    found, others = [], []
    for line in output.splitlines():
        match = PROBLEM.match(line)
        if match:
            assert match.group(2) == path, f"a problem about another file: {line}"
            found.append(line)
        else:
            assert case.name not in line, f"a problem without file:line: {line}"
            if line.startswith(("error:", "warning:")):
                others.append(line)
    assert len(others) <= summaries and not any(o.startswith("warning:") for o in others), (
        f"lines that are no problem of a file: {others}"
    )
    return found


def mismatches(found: list[str], expected: tuple[Expected, ...]) -> list[str]:
    """What is missing and what is unexpected; each expectation takes one printed line."""
    left = list(found)
    missing = []
    for want in expected:
        hit = next(
            (
                line
                for line in left
                if (m := PROBLEM.match(line))
                and m.group(1) == want.severity
                and int(m.group(3)) == want.line
                and want.text in m.group(4)
            ),
            None,
        )
        if hit is None:
            missing.append(f"missing: {want}")
        else:
            left.remove(hit)
    return missing + [f"unexpected: {line}" for line in left]


def install(case: Case, site: Path) -> Path:
    (site / "content" / "issues" / case.name).write_bytes(case.data)
    return site / "pelican.conf.py"


def snapshot(output: Path) -> dict[str, str]:
    """Every file and folder under output/, files with their content's hash."""
    return {
        path.relative_to(output).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        )
        for path in sorted(output.rglob("*"))
    }


# --------------------------------------------------------------------------- the corpus


def test_the_corpus_covers_every_error_and_warning():
    assert len(CASES) >= 45
    stated = [e.text for case in CASES for e in case.expected]
    for message in (
        "not UTF-8 text at byte",
        "unknown header",
        "missing 'Title:'",
        "is not a real date",
        "is not a real date range",
        "ends before it starts",
        "but Date is",
        "does not match Date",
        "does not match Period",
        "is not a whole number",
        "is not one of weekly, daily",
        "is not a key of DIGEST_SECTIONS",
        "heading has no section id",
        "appears twice",
        "has no paragraphs",
        "has no 'Takeaway:' paragraph",
        "has an empty headline",
        "the headline has an empty part",
        "separator row has",
        "incident table row has",
        "in Deaths is not a number",
        "in Injuries is not a number",
        "is outside the Period",
        "the issue has no paragraphs",
        "the issue has no items",
        "has two headings",
        "relative day word",
        "paragraph in Arabic script",
        "have the same date and place",
        "link to unknown source",
        "names none of its stories",
    ):
        assert any(message in text for text in stated), message
    raw = [case.data for case in CASES]
    assert any(b"\r\n" in data for data in raw)  # CRLF, kept as bytes by .gitattributes
    assert any(data.startswith(codecs.BOM_UTF8) for data in raw)
    assert sum(not case.expected for case in CASES) >= 5  # controls


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_reports_exactly_the_expected_problems(case: Case, project):
    conf = install(case, project().parent)
    result = run_cli(conf, "check")
    assert mismatches(problems(result.output, case), case.expected) == [], result.output
    assert result.exit_code == (1 if case.has_error else 0), result.output
    if case.expected and not case.has_error:
        assert run_cli(conf, "check", "--strict").exit_code == 1


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose site is built with one good issue; each test builds over a copy."""
    site = tmp_path_factory.mktemp("published") / "site"
    conf = make_project(site)
    shutil.copy(PUBLISHED, site / "content" / "issues" / PUBLISHED.name)
    result = run_cli(conf, "build")
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if PROBLEM.match(line)]
    assert (site / "output" / "issues" / "2024-02-01" / "index.html").is_file()
    return site


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_build_gives_the_same_verdict_and_never_publishes_a_refused_issue(
    case: Case, published: Path, tmp_path: Path
):
    site = tmp_path / "site"
    shutil.copytree(published, site)
    conf = install(case, site)
    output = site / "output"
    checked = problems(run_cli(conf, "check").output, case)
    before = snapshot(output)

    if case.expected and not case.has_error:  # warnings only: --strict refuses
        strict = run_cli(conf, "build", "--strict")
        assert sorted(problems(strict.output, case, 1)) == sorted(checked), strict.output
        assert strict.exit_code == 1, strict.output
        assert snapshot(output) == before

    result = run_cli(conf, "build")
    built = problems(result.output, case, 1)
    assert sorted(built) == sorted(checked), result.output
    assert mismatches(built, case.expected) == [], result.output
    page = output / "issues" / (case.slug or "-") / "index.html"
    if case.has_error:
        assert result.exit_code == 1, result.output
        assert snapshot(output) == before  # not one byte of output/ changed
        assert not page.parent.exists() or case.slug == "2024-02-01"
        for listing in ("index.html", "archives/index.html", "feeds/atom.xml"):
            assert f"issues/{case.slug}/" not in (output / listing).read_text(encoding="utf-8")
    else:
        assert result.exit_code == 0, result.output
        assert page.is_file(), f"{case.name}: not published at {page}"
    assert (output / "issues" / "2024-02-01" / "index.html").is_file()


# --------------------------------------------------------------------------- generated


def big_issue(target_bytes: int) -> Iterator[str]:
    """A weekly issue of about target_bytes, all of it well-formed: a takeaway and as many
    distinct paragraphs as fit, then an incident table whose last row says 'one'."""
    yield (
        "Title: Iraq Weekly Monitor: February 2 – 8, 2024\nDate: 2024-02-08\n"
        "Slug: 2024-02-08\nIssue: 2\nPeriod: 2024-02-02 to 2024-02-08\nLayout: weekly\n\n"
        "## Council Session on the Budget Runs Long {#politics}\n\n"
        "Takeaway: On February 5, the Anbar provincial council met on the 2024 budget.\n"
    )
    size, number = 0, 0
    while size < target_bytes:
        number += 1
        paragraph = (
            f"\nOn February 5, the Anbar provincial council discussed budget line {number} "
            "for water treatment plants and schools in al-Qaim and Rutba "
            f"([Euphrates News Agency](https://euphrates-news.example/en/news/{number})).\n"
        )
        size += len(paragraph)
        yield paragraph
    yield (
        "\n| Date | Location | Deaths | Injuries |\n| --- | --- | ---: | ---: |\n"
        "| 2024-02-04 | Tarmiyah, Baghdad | 2 | 3 |\n| 2024-02-05 | Rutba, Anbar | one | 2 |\n"
    )


def many_sections(count: int) -> str:
    lines = [
        "Title: Iraq Weekly Monitor: February 2 – 8, 2024",
        "Date: 2024-02-08",
        "Slug: 2024-02-08",
        "Issue: 2",
        "Period: 2024-02-02 to 2024-02-08",
        "Layout: weekly",
    ]
    for number in range(1, count + 1):
        lines += [
            "",
            f"## Council Approves Project {number} in Rutba {{#s{number}}}",
            "",
            f"Takeaway: On February 5, the Anbar council approved project {number} in Rutba.",
            "",
            f"On February 5, the Anbar council approved project {number} in Rutba.",
        ]
    return "\n".join(lines) + "\n"


def sections_setting(count: int) -> str:
    entries = ",\n".join(
        f'    {{"key": "s{n}", "title": "Section {n}", "keywords": []}}'
        for n in range(1, count + 1)
    )
    return f"DIGEST_SECTIONS = [\n{entries},\n]\n"


def one_verdict(conf: Path, case: Case, seconds: float) -> None:
    """check and build print the same problem lines, the expected ones, each in bounded
    time; the refused build writes nothing."""
    output = conf.parent / "output"
    before = snapshot(output) if output.exists() else {}
    started = time.perf_counter()
    checked = run_cli(conf, "check")
    took = time.perf_counter() - started
    assert took < seconds, f"check took {took:.1f} s"
    found = problems(checked.output, case)
    assert mismatches(found, case.expected) == [], checked.output
    assert checked.exit_code == 1
    started = time.perf_counter()
    built = run_cli(conf, "build")
    took = time.perf_counter() - started
    assert took < seconds, f"build took {took:.1f} s"
    assert sorted(problems(built.output, case, 1)) == sorted(found), built.output
    assert built.exit_code == 1
    assert (snapshot(output) if output.exists() else {}) == before


@pytest.mark.timeout(300)
def test_a_50_mb_issue_gets_one_clear_line_in_bounded_time(project):
    conf = project("DIGEST_MAX_ISSUE_BYTES = 100_000_000\n")  # the judge itself, at scale
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(big_issue(50 * 1024 * 1024))
    assert path.stat().st_size > 50 * 1024 * 1024
    with path.open("rb") as data:
        last = sum(1 for _ in data)  # the 'one' row is the file's last line
    case = Case(path.name, b"", "50 MB", (Expected("error", last, "'one' in Deaths"),))
    one_verdict(conf, case, seconds=90)


@pytest.mark.timeout(300)
def test_an_issue_with_5000_sections_gets_one_clear_line_in_bounded_time(project):
    conf = project(sections_setting(5000), samples=False)  # no sources: no links either
    text = many_sections(5000)
    path = conf.parent / "content" / "issues" / "2024-02-08.md"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    passed = run_cli(conf, "check")
    assert passed.exit_code == 0, passed.output[-2000:]
    assert time.perf_counter() - started < 60
    # One mistake in the last section: the one line, from check and build alike.
    broken = text.replace("{#s5000}", "{#s50000}")
    path.write_text(broken, encoding="utf-8")
    line = broken.split("\n").index(next(s for s in broken.split("\n") if "{#s50000}" in s)) + 1
    case = Case(path.name, b"", "5,000 sections", (Expected("error", line, "'s50000'"),))
    one_verdict(conf, case, seconds=60)
