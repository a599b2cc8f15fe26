"""Period styles (DIGEST_PERIOD_STYLE): how a period reads in titles, lists, feeds, PDF and
email, and reading every style's text back wherever digest reads a period (the issue
header's `Period:`, in `digest check` and in the build).

hypothesis is not installed: the round trips walk every start day of five years, for
several lengths, which covers each shape (one day, same month, two months, a year end),
leap days, AP's "Sept." and the ISO week-53 boundary.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from digest import config
from digest.errors import ConfigError, ContentError
from digest.models import Period
from digest.periods import (
    AP_MONTHS,
    DEFAULT_STYLE,
    STYLES,
    daily_period_title,
    period_style,
    period_title,
    read_period,
)
from digest.render.edition import parse_edition, parse_period
from digest.render.issue_check import check_text
from tests.conftest import make_project, run_cli


def days(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def periods_to_try(*, longest: int = 400) -> list[Period]:
    """Every start day from November 2019 to March 2027 for a day and a week; every fifth
    day for longer periods (two weeks, a month, two months, most of a year, over a year)."""
    found = []
    day = date(2019, 11, 1)
    while day <= date(2027, 3, 31):
        lengths = (0, 6) + ((1, 13, 27, 30, 34, 59, 300, 364, 400) if day.day % 5 == 0 else ())
        found += [Period(day, day + timedelta(n)) for n in lengths if n <= longest]
        day += timedelta(days=1)
    return found


PERIODS = periods_to_try()
MONTHS = "January February March April May June July August September October November December"


def today(period: Period) -> str:
    """periods.period_title as it was before styles: the default must stay byte for byte."""
    names = MONTHS.split()
    s, e = period.start, period.end
    sm, em = names[s.month - 1], names[e.month - 1]
    if s == e:
        return f"{sm} {s.day}, {s.year}"
    if s.year != e.year:
        return f"{sm} {s.day}, {s.year} – {em} {e.day}, {e.year}"
    if s.month != e.month:
        return f"{sm} {s.day} – {em} {e.day}, {e.year}"
    return f"{sm} {s.day} – {e.day}, {e.year}"


# Formats an editor might write (README, "Period styles"), each a round trip too.
DAY_FIRST = {
    "one_day": "{start.day} {start.month} {start.year}",
    "same_month": "{start.day}–{end.day} {end.month} {end.year}",
    "same_year": "{start.day} {start.month} – {end.day} {end.month} {end.year}",
    "two_years": "{start.day} {start.month} {start.year} – {end.day} {end.month} {end.year}",
}
YEAR_ONCE = "{start.mon} {start.day} - {end.mon} {end.day}, {end.year}"
FORMATS = {
    "day first": DAY_FIRST,
    "iso": "{start.year}-{start.mm}-{start.dd} to {end.year}-{end.mm}-{end.dd}",
    "weekdays": "{start.weekday}, {start.abbr} {start.dd}, {start.year} through "
    "{end.weekday}, {end.abbr} {end.dd}, {end.year}",
}


# --------------------------------------------------------------------------- how they read


@pytest.mark.parametrize(
    ("style", "period", "text"),
    [
        ("en-dash", days("2024-02-02", "2024-02-08"), "February 2 – 8, 2024"),
        ("en-dash", days("2024-01-26", "2024-02-01"), "January 26 – February 1, 2024"),
        ("en-dash", days("2023-12-29", "2024-01-04"), "December 29, 2023 – January 4, 2024"),
        ("en-dash", days("2024-02-29", "2024-02-29"), "February 29, 2024"),
        ("en-dash-closed", days("2024-02-02", "2024-02-08"), "February 2–8, 2024"),
        ("en-dash-closed", days("2024-01-28", "2024-02-03"), "January 28–February 3, 2024"),
        ("hyphen", days("2020-08-19", "2020-08-25"), "August 19-25, 2020"),
        ("hyphen", days("2024-01-28", "2024-02-03"), "January 28-February 3, 2024"),
        ("hyphen", days("2023-12-29", "2024-01-04"), "December 29, 2023-January 4, 2024"),
        ("ap", days("2020-08-19", "2020-08-25"), "Aug. 19-25, 2020"),
        ("ap", days("2020-09-01", "2020-09-07"), "Sept. 1-7, 2020"),
        ("ap", days("2024-01-28", "2024-02-03"), "Jan. 28-Feb. 3, 2024"),
        ("ap", days("2023-12-29", "2024-01-04"), "Dec. 29, 2023-Jan. 4, 2024"),
        ("ap", days("2024-03-01", "2024-03-07"), "March 1-7, 2024"),
        ("ap-spaced", days("2020-08-19", "2020-08-25"), "Aug. 19-25, 2020"),
        ("ap-spaced", days("2020-07-29", "2020-08-05"), "July 29 - Aug. 5, 2020"),
        ("ap-spaced", days("2023-12-29", "2024-01-04"), "Dec. 29, 2023 - Jan. 4, 2024"),
    ],
)
def test_each_style_writes_periods_as_its_monitors_do(style, period, text):
    assert period_title(period, STYLES[style]) == text
    assert period_style(style).title(period) == text


def test_ap_abbreviates_seven_months_and_spells_out_the_five_short_ones():
    assert AP_MONTHS == (
        "Jan.", "Feb.", "March", "April", "May", "June",
        "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
    )  # fmt: skip
    sept = period_title(days("2020-09-28", "2020-10-04"), STYLES["ap"])
    assert sept == "Sept. 28-Oct. 4, 2020"


def test_the_default_style_writes_exactly_what_digest_wrote_before_styles():
    # The bundled sample's weeks, as the committed golden email shows them.
    assert period_title(days("2024-02-02", "2024-02-08")) == "February 2 – 8, 2024"
    assert period_title(days("2024-01-26", "2024-02-01")) == "January 26 – February 1, 2024"
    assert daily_period_title(days("2024-02-01", "2024-02-29")) == "February 2024"
    assert config.validate({}, Path("/x/pelican.conf.py")).period_style == DEFAULT_STYLE
    changed = [p for p in PERIODS if period_title(p) != today(p)]
    changed += [p for p in PERIODS if DEFAULT_STYLE.title(p).encode() != today(p).encode()]
    assert changed == []
    assert period_title(None) == "" and DEFAULT_STYLE.title(None) == ""


@pytest.mark.parametrize("style", list(STYLES))
def test_a_month_digest_is_titled_by_its_month_in_every_style(style):
    assert daily_period_title(days("2023-10-01", "2023-10-31"), STYLES[style]) == "October 2023"
    week = days("2023-10-02", "2023-10-08")
    assert daily_period_title(week, STYLES[style]) == period_title(week, STYLES[style])


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("style", list(STYLES))
def test_every_style_reads_back_as_the_same_period(style):  # BAD-INPUTS 22
    lost = [(p, STYLES[style].title(p)) for p in PERIODS]
    lost = [(p, text) for p, text in lost if read_period(text) != p]
    assert lost == []
    assert len(PERIODS) > 7000


@pytest.mark.parametrize("name", list(FORMATS))
def test_an_editors_format_reads_back_as_the_same_period(name):
    style = period_style(FORMATS[name])
    lost = [(p, style.title(p)) for p in PERIODS]
    assert [(p, text) for p, text in lost if read_period(text) != p] == []


def test_a_format_with_the_year_only_at_the_end_reads_a_year_end_back():
    # Without the first year, a period shorter than a year is still one reading.
    style = period_style(YEAR_ONCE)
    assert style.title(days("2023-12-29", "2024-01-04")) == "Dec. 29 - Jan. 4, 2024"
    shorter = periods_to_try(longest=300)
    assert [p for p in shorter if read_period(style.title(p)) != p] == []


@pytest.mark.parametrize(
    ("period", "shape"),
    [
        (days("2024-02-29", "2024-02-29"), "a leap day alone"),
        (days("2024-02-23", "2024-02-29"), "a week ending on a leap day"),
        (days("2024-02-29", "2024-03-06"), "a week starting on one"),
        (days("2020-09-01", "2020-09-07"), "September (AP's Sept.)"),
        (days("2026-12-28", "2027-01-03"), "the ISO week-53 boundary"),
        (days("2099-12-29", "2100-01-04"), "the far future"),
        (days("2023-10-01", "2023-10-31"), "a whole month"),
    ],
)
def test_the_hard_periods_read_back_in_every_style_and_format(period, shape):
    styles = [*STYLES.values(), *map(period_style, FORMATS.values()), period_style(YEAR_ONCE)]
    assert {read_period(style.title(period)) for style in styles} == {period}, shape


# --------------------------------------------------------------------------- reading back


@pytest.mark.parametrize(
    ("text", "period"),
    [
        # The issue header's own form, as before.
        ("2024-02-02 to 2024-02-08", days("2024-02-02", "2024-02-08")),
        ("2024-02-02 – 2024-02-08", days("2024-02-02", "2024-02-08")),
        (" 2024-02-01 / 2024-02-29 ", days("2024-02-01", "2024-02-29")),
        ("2024-02-08", days("2024-02-08", "2024-02-08")),
        # The issue's forms, as monitors write them.
        ("August 19-25, 2020", days("2020-08-19", "2020-08-25")),
        ("July 29 - Aug. 5, 2020", days("2020-07-29", "2020-08-05")),
        ("Jan. 28-Feb. 3, 2024", days("2024-01-28", "2024-02-03")),
        ("December 29, 2023 – January 4, 2024", days("2023-12-29", "2024-01-04")),
        # The year once, at the end: across a year end the first half is the year before.
        ("Dec. 29 - Jan. 4, 2024", days("2023-12-29", "2024-01-04")),
        ("Nov. 30 - Jan. 4, 2024", days("2023-11-30", "2024-01-04")),
        # Or only at the start: the end follows into the next year.
        ("December 29, 2023 – January 4", days("2023-12-29", "2024-01-04")),
        # What copying and typing add: other dashes and spaces, case, words, ordinals, marks.
        ("february 2\u2009\u2013\u20098, 2024", days("2024-02-02", "2024-02-08")),
        ("February\u00a02 — 8, 2024", days("2024-02-02", "2024-02-08")),
        ("FEB 2 through FEB 8 2024", days("2024-02-02", "2024-02-08")),
        ("from Sept 1st to 7th, 2020", days("2020-09-01", "2020-09-07")),
        ("Friday, February 2 – Thursday, February 8, 2024", days("2024-02-02", "2024-02-08")),
        ("\u200fFebruary 2 – 8, 2024\u200e", days("2024-02-02", "2024-02-08")),
        ("2 – 8 February 2024", days("2024-02-02", "2024-02-08")),
        ("(Feb. 2-8, 2024)", days("2024-02-02", "2024-02-08")),
        # Whole months: a daily digest's title.
        ("October 2023", days("2023-10-01", "2023-10-31")),
        ("February 2024", days("2024-02-01", "2024-02-29")),
    ],
)
def test_a_period_is_read_in_any_of_the_forms_titles_write(text, period):
    assert read_period(text) == period
    assert parse_period(text) == period


FORMS = (
    "write YYYY-MM-DD to YYYY-MM-DD, or as titles write periods, e.g. 'February 2 – 8, 2024', "
    "'Aug. 19-25, 2020', 'Jan. 28-Feb. 3, 2024', 'December 29, 2023 – January 4, 2024', "
    "'October 2023'"
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("February 2 – 8", "no year"),
        ("Jan. 28-Feb. 3", "no year"),
        ("2 – 8, 2024", "no month"),
        ("February 30 – March 2, 2024", "February 30, 2024 is not a day"),
        ("Feb. 29, 2023", "February 29, 2023 is not a day"),
        ("2024-02-02 to 2024-02-30", "2024-02-30 is not a day of the calendar"),
        ("February 2 – 8 – 15, 2024", "more than one dash or 'to'"),
        ("February 2 –", "a dash with nothing on one side"),
        ("February 2 – 8 9, 2024", "two days, months or years on one side of the dash"),
        ("February – 8, 2024", "a day on one side only"),
        ("Dec. 29 - Jan. 4, 0001", "year 0 is not in the calendar"),
        ("Febuary 2 – 8, 2024", "'Febuary' is not a month"),
        ("فبراير 2 – 8, 2024", "'فبراير' is not a month"),
        ("February 2 – 8, 20245", "20245 is neither a day nor a year"),
        ("February 2 – 8; 2024", "';' has no place in a date"),
        ("week 6, 2024", "'week' is not a month"),
        ("   ", "it is empty"),
    ],
)
def test_a_period_digest_cannot_read_says_why_and_which_forms_it_reads(text, why):
    with pytest.raises(ValueError) as raised:
        read_period(text)
    assert str(raised.value) == f"is not a real date range ({why}); {FORMS}"


@pytest.mark.parametrize(
    "text", ["Feb. 8 - 2, 2024", "2024-02-08 to 2024-02-02", "February 8, 2024 – February 2"]
)
def test_a_period_that_ends_before_it_starts_is_not_read_as_a_year_long_one(text):
    with pytest.raises(ValueError, match=r"^ends before it starts$"):
        read_period(text)


def test_hostile_periods_are_refused_quickly():
    started = time.monotonic()
    for text in (
        "1-" * 200_000,
        "February " * 100_000,
        "2024-02-02 to " * 50_000,
        "\x00February 2 – 8, 2024",
        "9" * 10_000,
        "February 2 – 8, 2024\n" * 1000,
    ):
        with pytest.raises(ValueError, match=r"^is not a real date range"):
            read_period(text)
    assert time.monotonic() - started < 2
    with pytest.raises(ValueError) as raised:
        read_period("Feb" + "r" * 100_000 + "uary 2 – 8, 2024")
    assert str(raised.value).startswith("is not a real date range ('Febrrrrrrrrrrrrr…' is not")


# --------------------------------------------------------------------------- the issue header

GOOD = """Title: Monitor: February 2 – 8, 2024
Date: 2024-02-08
Slug: 2024-02-08
Period: 2024-02-02 to 2024-02-08

## Rockets Hit Base {#security}

Takeaway: On February 4, rockets hit a base near Baghdad airport.

On February 4, two rockets hit a base near Baghdad airport, causing no casualties.

| Date | Location | Deaths | Injuries |
| --- | --- | ---: | ---: |
| 2024-02-04 | Baghdad airport | 0 | 0 |
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    conf = make_project(tmp_path_factory.mktemp("rules") / "site")
    return config.load(conf)


@pytest.mark.parametrize("style", [*STYLES, *FORMATS])
def test_check_and_the_build_read_a_period_header_in_every_style(rules, style):
    chosen = STYLES.get(style) or period_style(FORMATS[style])
    text = GOOD.replace("2024-02-02 to 2024-02-08", chosen.title(days("2024-02-02", "2024-02-08")))
    verdict = check_text(text, "x.md", rules.sections, rules.sources)
    assert verdict.problems == []
    edition = parse_edition(text, slug="2024-02-08", sections=rules.sections, sources=rules.sources)
    assert edition.period == days("2024-02-02", "2024-02-08")


def test_checks_error_says_which_forms_of_period_it_reads(rules):
    text = GOOD.replace("2024-02-02 to 2024-02-08", "February 2 – 8")
    found = [
        f"{p.severity} {p.line} {p.message}"
        for p in check_text(text, "x.md", rules.sections, rules.sources).problems
    ]
    assert found == [
        f"error 4 Period: 'February 2 – 8' is not a real date range (no year); {FORMS}"
    ]
    with pytest.raises(ContentError) as raised:
        parse_edition(text, slug="2024-02-08", sections=rules.sections, sources=rules.sources)
    assert (
        str(raised.value) == f"Period: 'February 2 – 8' is not a real date range (no year); {FORMS}"
    )


def test_a_period_header_read_from_words_is_still_checked_against_the_date(rules):
    text = GOOD.replace("2024-02-02 to 2024-02-08", "Feb. 1-7, 2024")
    found = [p.message for p in check_text(text, "x.md", rules.sections, rules.sources).problems]
    assert found[0].startswith("Period ends 2024-02-07 but Date is 2024-02-08")


# --------------------------------------------------------------------------- the setting


def problems(value, tmp_path) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        config.validate({"DIGEST_PERIOD_STYLE": value}, tmp_path / "pelican.conf.py")
    return raised.value.problems


PLACEHOLDERS = "month, mon, abbr, mm, day, dd, year, weekday"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "apx",
            "DIGEST_PERIOD_STYLE: 'apx' is not a period style (did you mean 'ap'?); use one of "
            "en-dash, en-dash-closed, hyphen, ap, ap-spaced, or a format such as "
            "'{start.day} {start.month} – {end.day} {end.month} {end.year}'",
        ),
        (
            42,
            "DIGEST_PERIOD_STYLE: must be a style name (en-dash, en-dash-closed, hyphen, ap, "
            "ap-spaced), a format string or a dict of formats by shape (one_day, same_month, "
            "same_year, two_years)",
        ),
        (
            "{start.mnth} {start.day}, {start.year}",
            "DIGEST_PERIOD_STYLE: '{start.mnth} {start.day}, {start.year}': {start.mnth} is not "
            "a placeholder; use {start.<part>} and {end.<part>} with <part> one of " + PLACEHOLDERS,
        ),
        (
            "{start.day:02} {start.month}",
            "DIGEST_PERIOD_STYLE: '{start.day:02} {start.month}': {start.day:02} is not a "
            "placeholder; use {start.<part>} and {end.<part>} with <part> one of " + PLACEHOLDERS,
        ),
        (
            "{start.month {start.day}",
            "DIGEST_PERIOD_STYLE: '{start.month {start.day}': unexpected '{' in field name; "
            "write {{ and }} for a literal brace",
        ),
        (
            "{start.month} {start.day}",
            "DIGEST_PERIOD_STYLE: the format writes 'February 29' for 2024-02-29 to "
            "2024-02-29, which is not a real date range (no year); write the days, the month "
            "and the year (at least at the end)",
        ),
        (
            "{start.mm}/{start.dd}/{start.year} – {end.mm}/{end.dd}/{end.year}",
            "DIGEST_PERIOD_STYLE: the format writes '02/29/2024 – 02/29/2024' for 2024-02-29 to "
            "2024-02-29, which is not a real date range ('/' has no place in a date); write the "
            "days, the month and the year (at least at the end)",
        ),
        (
            "{start.month} {start.day} – {end.month} {end.day}, {start.year}",
            "DIGEST_PERIOD_STYLE: the format writes 'December 29 – January 4, 2023' for "
            "2023-12-29 to 2024-01-04, which reads as 2022-12-29 to 2023-01-04; write the days, "
            "the month and the year (at least at the end)",
        ),
        (
            {"one_day": "{start.month} {start.day}, {start.year}", "same_mont": "x"},
            "DIGEST_PERIOD_STYLE: unknown key 'same_mont'; no 'same_month'; no 'same_year'; "
            "no 'two_years': a dict of formats has the keys one_day, same_month, same_year, "
            "two_years",
        ),
    ],
)
def test_a_bad_period_style_is_a_settings_error_naming_the_setting(value, expected, tmp_path):
    assert problems(value, tmp_path) == [expected]


def test_a_dict_of_formats_reports_each_broken_shape(tmp_path):
    value = {**DAY_FIRST, "same_month": "{start.dya}", "two_years": "line\none"}
    assert problems(value, tmp_path) == [
        "DIGEST_PERIOD_STYLE: same_month: '{start.dya}': {start.dya} is not a placeholder; use "
        "{start.<part>} and {end.<part>} with <part> one of " + PLACEHOLDERS,
        "DIGEST_PERIOD_STYLE: two_years: a format is one line of text",
    ]


def test_style_names_are_read_case_blind_and_formats_keep_their_literal_braces(tmp_path):
    settings = config.validate({"DIGEST_PERIOD_STYLE": " AP "}, tmp_path / "pelican.conf.py")
    assert settings.period_style is STYLES["ap"]
    braced = period_style("[{start.month} {start.day} – {end.month} {end.day}, {end.year}]")
    assert braced.title(days("2024-02-02", "2024-02-08")) == "[February 2 – February 8, 2024]"
    braced = period_style("{{{start.month} {start.day} – {end.month} {end.day}, {end.year}}}")
    assert braced.title(days("2023-12-29", "2024-01-04")) == "{December 29 – January 4, 2024}"


def test_check_refuses_a_bad_style_in_one_line_naming_the_setting(tmp_path):
    conf = make_project(tmp_path / "site", 'DIGEST_PERIOD_STYLE = "ap-spaceed"\n')
    result = run_cli(conf, "check")
    assert result.exit_code == 2
    assert (
        "DIGEST_PERIOD_STYLE: 'ap-spaceed' is not a period style (did you mean 'ap-spaced'?)"
        in (result.output)
    )
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- wherever it shows


def texts(output: Path) -> dict[str, str]:
    """Every text file of the built site and email edition, and the PDF's text."""
    found = {
        str(path.relative_to(output)): path.read_text(encoding="utf-8")
        for path in output.rglob("*")
        if path.suffix in (".html", ".xml", ".json", ".txt")
        and "pagefind" not in path.parts
        and "theme" not in path.parts
    }
    pdf = output / "issues" / "2024-02-01" / "2024-02-01.pdf"
    found["pdf"] = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return found


def test_the_style_shows_in_the_title_lists_feeds_pdf_and_email(tmp_path):
    conf = make_project(tmp_path / "site", 'DIGEST_PERIOD_STYLE = "ap-spaced"\n')
    for args in (("collect",), ("draft", "--week-ending", "2024-02-01")):
        assert run_cli(conf, *args).exit_code == 0
    issue = conf.parent / "content" / "issues" / "2024-02-01.md"
    text = issue.read_text(encoding="utf-8")
    title = re.search(r"^Title: (.*)$", text, re.M)[1]
    assert title.endswith(": Jan. 26 - Feb. 1, 2024")
    # The editor copies the title's period into the header: digest reads it back.
    assert "\nPeriod: 2024-01-26 to 2024-02-01\n" in text
    edited = text.replace(
        "\nPeriod: 2024-01-26 to 2024-02-01\n", "\nPeriod: Jan. 26 - Feb. 1, 2024\n"
    )
    issue.write_text(edited, encoding="utf-8")
    assert run_cli(conf, "check").exit_code == 0
    built = run_cli(conf, "build")
    assert built.exit_code == 0, built.output

    output = conf.parent / "output"
    found = texts(output)
    page = found["issues/2024-02-01/index.html"]
    assert '<span class="issue-period">Jan. 26 - Feb. 1, 2024</span>' in page
    assert json.loads(found["issues/2024-02-01/issue.json"])["period"] == {
        "start": "2024-01-26",
        "end": "2024-02-01",
    }
    assert "Jan. 26 - Feb. 1, 2024" in found["archives/index.html"]
    assert "Jan. 26 - Feb. 1, 2024" in found["index.html"]
    atom = ET.fromstring(found["feeds/atom.xml"])
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.findtext("{http://www.w3.org/2005/Atom}title") for e in entries] == [title]
    rss = ET.fromstring(found["feeds/rss.xml"])
    assert [item.findtext("title") for item in rss.iter("item")] == [title]
    # The email's masthead: the title, and the period under it unless the title says it.
    assert title in found["email/2024-02-01.txt"]
    assert "Jan. 26 - Feb. 1, 2024" in found["email/2024-02-01.html"]
    # The issue's own line and the running head on every page after the first.
    assert found["pdf"].count("Jan. 26 - Feb. 1, 2024") >= 2
    assert [name for name, body in found.items() if "January 26 – February 1" in body] == []

    # Another style: the lists, the PDF and the email follow; the title is the editor's.
    conf.write_text(
        conf.read_text(encoding="utf-8").replace('"ap-spaced"', '"en-dash"'), encoding="utf-8"
    )
    assert run_cli(conf, "build").exit_code == 0
    found = texts(output)
    page = found["issues/2024-02-01/index.html"]
    assert '<span class="issue-period">January 26 – February 1, 2024</span>' in page
    assert "January 26 – February 1, 2024" in found["archives/index.html"]
    assert "\nJanuary 26 – February 1, 2024\n" in found["email/2024-02-01.txt"]
    assert "January 26 – February 1, 2024" in found["pdf"]
    assert title in found["email/2024-02-01.txt"] and title in found["feeds/atom.xml"]
