"""The situation report (issue 23): `Layout: report`, a narrative issue with a period
title, a summary paragraph and a free body, read, judged, drafted and published.

Parse and check on small files; `digest draft --layout report` on the collected sample;
the built report (page, issue.json, PDF text, both email parts) from the sample built with
its three series (test_series.series_site).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest import config
from digest.issues.report import ReportSpec, draft_report, summary, top_stories
from digest.models import Citation, DraftSection, Entry, Issue, Period, SectionRule, Source
from digest.render.edition import parse_edition
from digest.render.issue_check import check_text
from digest.render.issue_markdown import draft_markdown, is_unedited
from tests.conftest import make_project, run_cli
from tests.test_series import series_site

SECTIONS = (SectionRule("politics", "Politics"), SectionRule("security", "Security"))
SOURCES = (
    Source("Wire", "https://wire.example/f", domains=("wire.example",)),
    Source("Observer", "https://obs.example/f", domains=("obs.example",)),
    Source("Rafidain", "https://raf.example/f", domains=("raf.example",), language="ar"),
)
HEADER = (
    "Title: Situation Report: February 2 – 8, 2024\nDate: 2024-02-08\n"
    "Slug: 2024-02-08-report\nPeriod: 2024-02-02 to 2024-02-08\nLayout: report\n"
)
BODY = """
On February 4, the council elected a governor. Talks resumed in Baghdad.

## Politics

On February 4, the council met ([Wire](https://wire.example/a)).

## Security {#attacks}

On February 5, a bomb killed two ([Observer](https://obs.example/b)).

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-05 | Tarmiyah | 2 | 3 |

Note: two attackers were killed.

## Politics

وقال المجلس إن الجلسة ستستأنف الأسبوع المقبل ([Rafidain](https://raf.example/c)).
"""


def parse(text: str):
    return parse_edition(text, slug="2024-02-08-report", sections=SECTIONS, sources=SOURCES)


def check(text: str):
    return check_text(text, "content/issues/r.md", SECTIONS, SOURCES)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


# --------------------------------------------------------------------------- reading


def test_a_report_reads_its_summary_body_sources_and_incidents():
    edition = parse(HEADER + BODY)
    assert (edition.layout, edition.series) == ("report", "report")
    assert edition.sections == () and edition.days == ()
    report = edition.report
    assert report.summary_text == (
        "On February 4, the council elected a governor. Talks resumed in Baghdad."
    )
    assert edition.summary == report.summary_text
    page = soup(edition.html)
    block = page.select_one("section.digest-report#report")
    first = block.find(True)
    assert first.name == "p" and first["class"] == ["report-summary"]
    # The summary is shown once, as the summary: not again as a paragraph of the body.
    assert len(page.find_all(string=re.compile("council elected a governor"))) == 1
    assert [(h.get_text(), h["id"]) for h in block.select("h2")] == [
        ("Politics", "politics"),
        ("Security", "attacks"),
        ("Politics", "politics-2"),
    ]
    assert block.select_one("p.sources-cited").get_text() == (
        "Sources cited in this report include: Wire, Observer, Rafidain."
    )
    assert report.sources_cited == ("Wire", "Observer", "Rafidain")
    # Three paragraphs are items (the table's note is not); each dated, with its sources.
    assert [(i.day, i.sources) for i in report.items] == [
        (date(2024, 2, 4), ("Wire",)),
        (date(2024, 2, 5), ("Observer",)),
        (None, ("Rafidain",)),
    ]
    assert report.items[2].language == "ar"
    assert page.select_one("p[dir=rtl][lang=ar]")
    assert [(i.location, i.deaths, i.injuries) for i in edition.incidents] == [("Tarmiyah", 2, 3)]
    assert block.select_one("div.table-wrap > table.incidents tfoot")
    # The email edition shows the whole report as its intro, without the sources line.
    intro = soup(edition.intro_html)
    assert intro.select_one("p.report-summary") and intro.select_one("table.incidents")
    assert not intro.select("p.sources-cited")


def test_a_summary_header_leads_and_the_first_paragraph_stays_in_the_body():
    text = HEADER.replace("Layout: report\n", "Layout: report\nSummary: A week of *votes*.\n")
    edition = parse(text + BODY)
    assert edition.report.summary_text == "A week of votes."
    assert edition.report.summary_html == "A week of <em>votes</em>."
    body = soup(edition.html).select("section.digest-report > p")
    assert body[0]["class"] == ["report-summary"]
    assert "council elected a governor" in body[1].get_text()
    assert len(edition.report.items) == 4


def test_a_report_that_opens_with_a_heading_has_no_summary_paragraph():
    edition = parse(HEADER + "\n## Politics\n\nOn February 4, the council met.\n")
    assert edition.report.summary_text == "" and edition.summary == ""
    assert not soup(edition.html).select("p.report-summary")
    assert len(edition.report.items) == 1


def test_heading_ids_never_take_the_page_s_own():
    edition = parse(HEADER + "\nSummary.\n\n## Report\n\nText.\n\n## Main {#main}\n\nMore.\n")
    assert [h["id"] for h in soup(edition.html).select("h2")] == ["report-2", "main-2"]


def test_a_heading_s_id_is_a_name_and_its_markup_stays_text():
    text = (
        HEADER + '\nSummary.\n\n## A {#x"><script>alert(1)</script>}\n\nText.\n\n'
        "## <b>Big</b> *news* {#big-news}\n\nMore.\n"
    )
    page = soup(parse(text).html)
    first, second = page.select("h2")
    assert not page.select("script") and not page.select("b")
    assert first["id"] == "a-x-script-alert-1-script"  # not an id: read as the heading's text
    assert first.get_text() == 'A {#x"><script>alert(1)</script>}'
    assert second["id"] == "big-news"
    assert second.get_text() == "<b>Big</b> news" and second.em.get_text() == "news"


def test_a_series_header_files_a_report_in_another_series():
    edition = parse(HEADER.replace("Layout:", "Series: syria-sitrep\nLayout:") + BODY)
    assert edition.series == "syria-sitrep" and edition.layout == "report"


# --------------------------------------------------------------------------- judging


def test_a_report_needs_no_section_ids_or_takeaways():
    verdict = check(HEADER + BODY)
    assert [p for p in verdict.problems if p.severity == "error"] == []
    assert verdict.edition is not None and verdict.edition.layout == "report"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            HEADER.replace("Period: 2024-02-02 to 2024-02-08\n", "") + BODY,
            1,
            "a situation report needs its 'Period:' (YYYY-MM-DD to YYYY-MM-DD)",
        ),
        (HEADER + "\n", 6, "the report has no text; an empty report is not published"),
        (HEADER + "\n## Politics\n\n## Security\n", 6, "the report has no text"),
    ],
)
def test_what_is_an_error_in_a_report(text, line, message):
    errors = [p for p in check(text).problems if p.severity == "error"]
    assert len(errors) == 1, errors
    assert errors[0].line == line and errors[0].message.startswith(message), errors[0]


def test_an_empty_report_may_be_a_draft():
    verdict = check(HEADER + "Status: draft\n\n")
    assert [p for p in verdict.problems if p.severity == "error"] == []


def test_a_report_without_a_summary_is_a_warning():
    problems = check(HEADER + "\n## Politics\n\nOn February 4, the council met.\n").problems
    assert [(p.severity, p.line) for p in problems] == [("warning", 6)]
    assert problems[0].message.startswith("the report has no summary: start it with a paragraph")


# --------------------------------------------------------------------------- drafting (pure)


def entry(day: int, title: str, text: str, outlets: int = 1) -> Entry:
    hosts = {"Wire": "wire.example", "Observer": "obs.example", "Rafidain": "raf.example"}
    cites = tuple(
        Citation(name, f"https://{host}/{day}-{len(title)}")
        for name, host in list(hosts.items())[:outlets]
    )
    return Entry(date(2024, 2, day), title, text, cites)


def weekly() -> Issue:
    politics = (
        entry(4, "Council Meets", "The council met in Kirkuk to discuss the budget."),
        entry(6, "Council Elects Governor", "The council elected a governor.", outlets=3),
    )
    security = (
        entry(5, "Bomb Kills Ten", "A bomb killed ten people and wounded 20 in Tarmiyah.", 3),
        entry(6, "Bomb Kills Four", "A bomb killed four soldiers and wounded six in Hit.", 2),
        entry(7, "Police Arrest Suspect", "Police arrested a suspect in Basra."),
    )
    return Issue(
        slug="2024-02-08",
        title="W",
        number=2,
        period=Period(date(2024, 2, 2), date(2024, 2, 8)),
        layout="weekly",
        sections=(
            DraftSection("politics", "Politics", "H", "T", politics),
            DraftSection("security", "Security", "H", "T", security),
        ),
        incidents=(),
        item_count=5,
        source_count=3,
    )


def test_the_summary_leads_with_each_section_s_top_story():
    stories = top_stories(weekly())
    # Each section's lead first (the bombings outrank the council), then the others: the
    # second bombing does not push the council's election out of the summary.
    assert [story.lead.title for story in stories[:2]] == [
        "Bomb Kills Ten",
        "Council Elects Governor",
    ]
    told = [e.title for story in stories for e in story.entries]
    assert sorted(told) == sorted(e.title for s in weekly().sections for e in s.entries)


def test_the_summary_is_three_or_four_dated_sentences():
    text = summary(top_stories(weekly()))
    sentences = re.findall(r"On February \d+, [^.]+\.", text)
    assert 3 <= len(sentences) <= 4 and " ".join(sentences) == text
    assert text.startswith("On February 5, a bomb killed ten people")


def test_a_drafted_report_is_the_weekly_draft_retold():
    issue = draft_report(
        weekly(),
        ReportSpec("2024-02-08-report", "S: February 2 – 8, 2024", weekly().period),
    )
    text = draft_markdown(issue)
    assert is_unedited(text)
    header, _, body = text.partition("\n\n")
    assert header.splitlines() == [
        "Title: S: February 2 – 8, 2024",
        "Date: 2024-02-08",
        "Slug: 2024-02-08-report",
        "Period: 2024-02-02 to 2024-02-08",
        "Layout: report",
    ]
    assert re.findall(r"^## .*$", body, re.M) == ["## Politics", "## Security"]
    edition = parse(text)
    assert edition.report.summary_text == issue.summary
    assert len(edition.report.items) == 5
    assert check(text).problems == []


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    conf = make_project(tmp_path_factory.mktemp("report") / "site")
    result = run_cli(conf, "collect")
    assert result.exit_code == 0, result.output
    return conf


@pytest.fixture
def conf(collected: Path, tmp_path: Path) -> Path:
    """A copy of the collected sample, to draft in."""
    shutil.copytree(collected.parent, tmp_path / "site")
    return tmp_path / "site" / "pelican.conf.py"


def test_draft_writes_the_week_s_report_beside_its_weekly_issue(conf):
    weekly_result = run_cli(conf, "draft", "--week-ending", "2024-02-08")
    assert weekly_result.exit_code == 0, weekly_result.output
    weekly_text = (conf.parent / "content/issues/2024-02-08.md").read_text(encoding="utf-8")
    result = run_cli(conf, "draft", "--layout", "report", "--week-ending", "2024-02-08")
    assert result.exit_code == 0, result.output
    path = conf.parent / "content" / "issues" / "2024-02-08-report.md"
    assert str(path) in result.output
    assert re.search(r"2024-02-08-report: a summary of [34] sentences, 4 themes", result.output)
    # The weekly issue of the same week keeps its file.
    assert (conf.parent / "content/issues/2024-02-08.md").read_text("utf-8") == weekly_text
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "Title: Iraq Weekly Monitor: Situation Report, February 2 – 8, 2024\n"
        "Date: 2024-02-08\nSlug: 2024-02-08-report\nPeriod: 2024-02-02 to 2024-02-08\n"
        "Layout: report\n\n<!-- digest:draft sha256:"
    )
    settings = config.load(conf)
    edition = parse_edition(
        text, slug="2024-02-08-report", sections=settings.sections, sources=settings.sources
    )
    # The summary: three or four stories, each "On <Month> <day>, ...", from different
    # themes; the themes are the weekly issue's sections, in its order.
    opened = re.findall(r"(?:^| )On February \d+, ", edition.report.summary_text)
    assert 3 <= len(opened) <= 4
    titles = {rule.key: rule.title for rule in settings.sections}
    weekly_keys = re.findall(r"^## .*\{#(\w+)\}$", weekly_text, re.M)
    assert re.findall(r"^## (.*)$", text, re.M) == [titles[k] for k in weekly_keys]
    assert len(weekly_keys) == 4
    # The same stories as the weekly issue, in the same words.
    weekly_paragraphs = {p for p in weekly_text.split("\n\n") if p.startswith("On ") and "](" in p}
    report_paragraphs = {p for p in text.split("\n\n") if p.startswith("On ") and "](" in p}
    assert report_paragraphs == weekly_paragraphs
    assert edition.report.sources_cited and edition.incidents
    check = run_cli(conf, "check")
    assert "2024-02-08-report.md" not in "\n".join(
        line for line in check.output.splitlines() if line.startswith("error:")
    ), check.output


def test_draft_keeps_an_edited_report_and_force_backs_it_up(conf):
    args = ("draft", "--layout", "report", "--week-ending", "2024-02-01")
    assert run_cli(conf, *args).exit_code == 0
    again = run_cli(conf, *args)
    assert again.exit_code == 0 and "(file unchanged)" in again.output
    path = conf.parent / "content" / "issues" / "2024-02-01-report.md"
    edited = path.read_text(encoding="utf-8").replace("## Politics", "## Politics and talks")
    path.write_text(edited, encoding="utf-8")
    kept = run_cli(conf, *args)
    assert kept.exit_code == 3
    assert "note: content/issues/2024-02-01-report.md: kept your edited version" in kept.output
    assert path.read_text(encoding="utf-8") == edited
    forced = run_cli(conf, *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert (path.parent / "2024-02-01-report.md.bak").read_text(encoding="utf-8") == edited
    assert is_unedited(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--layout", "report"),
            "--layout report needs --week-ending YYYY-MM-DD, the week it reports on",
        ),
        (
            ("--layout", "report", "--month", "2024-02"),
            "--month goes with --layout daily; a situation report takes --week-ending",
        ),
        (
            ("--layout", "report", "--week-ending", "2024-02-08", "--update"),
            "--update and --explain work on weekly issues (--week-ending)",
        ),
    ],
)
def test_wrong_report_options_are_usage_errors(conf, args, message):
    result = run_cli(conf, "draft", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_week_without_items_is_refused_or_drafted_as_a_preview(conf):
    result = run_cli(conf, "draft", "--layout", "report", "--week-ending", "2024-03-07")
    assert result.exit_code == 1
    assert "--week-ending 2024-03-07: no stored item is dated in" in result.output
    assert not (conf.parent / "content/issues/2024-03-07-report.md").exists()
    preview = run_cli(
        conf, "draft", "--layout", "report", "--week-ending", "2024-03-07", "--allow-empty"
    )
    assert preview.exit_code == 0, preview.output
    text = (conf.parent / "content/issues/2024-03-07-report.md").read_text(encoding="utf-8")
    assert "Status: draft" in text.partition("\n\n")[0].splitlines()


# --------------------------------------------------------------------------- published


@pytest.fixture(scope="module")
def out(request: pytest.FixtureRequest) -> Path:
    return series_site(request) / "output"


SLUG = "2024-02-08-report"


def test_the_report_page_has_its_hooks(out):
    page = soup((out / "issues" / SLUG / "index.html").read_text(encoding="utf-8"))
    assert page.h1.get_text() == "Iraq Weekly Monitor: Situation Report, February 2 – 8, 2024"
    assert page.select_one(".issue-meta").get_text() == "Situation report · February 2 – 8, 2024"
    report = page.select_one("article.issue section.digest-report#report")
    assert report.select_one("p.report-summary").get_text().startswith("On February ")
    assert [h.get_text() for h in report.select("h2")] == [
        "Politics",
        "Security",
        "Humanitarian",
        "Economy",
    ]
    assert (
        report.select_one("p.sources-cited")
        .get_text()
        .startswith("Sources cited in this report include: ")
    )
    assert len(report.select("table.incidents")) == 1
    # Its links are numbered for print, the addresses listed at the report's end.
    assert report.select_one("aside.endnotes li")
    assert not page.select("ul.key-takeaways") and not page.select("section.digest-section")
    links = [a.get_text() for a in page.select(".issue-links a")]
    assert links == ["PDF", "Email edition", "JSON", "Incidents (CSV)"]


def test_the_report_s_issue_json(out):
    data = json.loads((out / "issues" / SLUG / "issue.json").read_text(encoding="utf-8"))
    assert (data["layout"], data["series"], data["slug"]) == ("report", "report", SLUG)
    assert data["period"] == {"start": "2024-02-02", "end": "2024-02-08"}
    assert data["sections"] == [] and data["days"] == [] and data["takeaways"] == []
    report = data["report"]
    assert report["summary"] == data["summary"]
    assert report["items"] and all(i["sources"] for i in report["items"] if i["links"])
    assert data["sources_cited"] == report["sources_cited"]
    assert data["incidents"]
    weekly = json.loads((out / "issues/2024-02-08/issue.json").read_text(encoding="utf-8"))
    assert weekly["report"] is None and weekly["series"] == "weekly"


def pdf_text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext not found: install the Debian package poppler-utils", pytrace=False)
    done = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_report_s_pdf(out):
    text = pdf_text(out / "issues" / SLUG / f"{SLUG}.pdf")
    data = json.loads((out / "issues" / SLUG / "issue.json").read_text(encoding="utf-8"))
    assert "Situation Report, February 2 – 8, 2024" in text
    assert "Situation report · February 2 – 8, 2024" in text  # what it is
    first_sentence = data["summary"].split(". ")[0]
    assert first_sentence in text
    assert "Sources cited in this report include:" in text
    assert "Security incidents" in text and "Total" in text
    assert "Previous issue" not in text  # screen only


def test_the_report_s_email_edition(out):
    html = soup((out / "email" / f"{SLUG}.html").read_text(encoding="utf-8"))
    text = (out / "email" / f"{SLUG}.txt").read_text(encoding="utf-8")
    data = json.loads((out / "issues" / SLUG / "issue.json").read_text(encoding="utf-8"))
    cited = "Sources cited in this report include: " + ", ".join(data["sources_cited"]) + "."
    assert html.select_one("p.report-summary").get_text() == data["summary"]
    assert [h.get_text() for h in html.select("td.intro h2")] == [
        "Politics",
        "Security",
        "Humanitarian",
        "Economy",
    ]
    assert html.select_one("p.sources-cited").get_text() == cited
    assert len(html.select("table.incidents")) == 1  # the report's own, not a second one
    flat = " ".join(text.split())
    assert data["summary"] in flat
    assert cited in flat
    assert flat.count("Total: ") == 1
    message = email.message_from_bytes(
        (out / "email" / f"{SLUG}.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == data["title"]
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    assert cited in " ".join(parts["text/plain"].split())
