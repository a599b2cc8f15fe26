"""The email edition: HTML and plain text from an Edition, and the MIME message around them."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

import pytest
from bs4 import BeautifulSoup

from digest.errors import RenderError
from digest.models import Edition, EditionItem, EditionSection, Incident, Period, SectionRule
from digest.publish.email.message import build_message
from digest.publish.email.render import (
    EmailEdition,
    References,
    html_to_text,
    render_email,
)
from digest.render.edition import parse_edition

PAGE = "https://monitor.example.org/issues/2024-02-08/"
PDF = PAGE + "2024-02-08.pdf"
SHAFAQ = "https://shafaq.example/en/politics/governors-elected-in-twelve-provinces"
RUDAW = "https://rudaw.example/english/kurdistan/050220241"
INA = "https://ina.example/ar/news/2024/02/06/قصف-بطائرة-مسيرة"
ARABIC = "قصفت طائرة مسيرة موقعاً قرب سنجار"

POLITICS = EditionSection(
    key="politics",
    label="Politics",
    headline="Twelve Provinces Elect Governors; Baghdad Asks To Resume Talks",
    takeaway_html=(
        "<p>Provincial councils chose governors in twelve provinces. Baghdad asked Erbil "
        'to resume <a href="' + RUDAW + '">budget talks</a>.</p>'
    ),
    takeaway_text="Provincial councils chose governors in twelve provinces.",
    body_html=(
        '<p>On February 4, provincial councils in twelve provinces <a href="'
        + SHAFAQ
        + '">elected governors</a>, ending weeks of bargaining among the winning lists '
        "after the December vote.</p>\n"
        "<p>On February 6, the prime minister's office <a href=\"" + RUDAW + '">asked '
        "the Kurdistan Regional Government</a> to resume talks on salaries and oil exports, "
        'as <a href="' + SHAFAQ + '">Shafaq</a> also reported.</p>'
    ),
    items=(
        EditionItem(date(2024, 2, 4), "On February 4 ...", "<p>...</p>", ("Shafaq",), (SHAFAQ,)),
    ),
    sources_cited=("Shafaq", "Rudaw"),
    links=(),
    line=12,
)

SECURITY = EditionSection(
    key="security",
    label="Security",
    headline="Drone Strike Near Sinjar; IED Hits Patrol in Diyala",
    takeaway_html="<p>A drone struck near Sinjar; an IED hit an army patrol in Diyala.</p>",
    takeaway_text="A drone struck near Sinjar; an IED hit an army patrol in Diyala.",
    body_html=(
        f'<p>On February 6, {ARABIC} (<a href="{INA}">INA</a>), killing two fighters.</p>\n'
        "<p>On February 7, an IED hit an army patrol near Muqdadiyah, wounding three "
        'soldiers (<a href="/issues/2024-02-01/#security">see last week</a>).</p>\n'
        '<table class="incidents"><thead><tr><th>Date</th><th>Location</th><th>Deaths</th>'
        "<th>Injuries</th></tr></thead><tbody>"
        "<tr><td>2024-02-06</td><td>سنجار</td><td>2</td><td>0</td></tr>"
        "<tr><td>2024-02-07</td><td>Muqdadiyah, Diyala</td><td>0</td><td>3</td></tr>"
        "</tbody></table>"
    ),
    items=(),
    sources_cited=("INA",),
    links=(),
    line=30,
)

INCIDENTS = (
    Incident(date(2024, 2, 6), "سنجار", 2, 0),
    Incident(date(2024, 2, 7), "Muqdadiyah, Diyala", 0, 3),
)

EDITION = Edition(
    title="Iraq Weekly Monitor: February 2–8, 2024",
    slug="2024-02-08",
    number=2,
    period=Period(date(2024, 2, 2), date(2024, 2, 8)),
    layout="weekly",
    intro_html="",
    sections=(POLITICS, SECURITY),
    incidents=INCIDENTS,
    html="",
    summary="Twelve provinces elect governors;\na drone strike near Sinjar.",
)

HEADERS = {
    "sender": "Iraq Weekly Monitor <monitor@example.org>",
    "to": "Alice Reader <alice@example.net>",
    "message_id": "<2024-02-08.1f3a@monitor.example.org>",
    "date": datetime(2024, 2, 8, 6, 0, tzinfo=UTC),
    "list_id": "Iraq Weekly Monitor <weekly.monitor.example.org>",
}


def rendered(edition: Edition = EDITION) -> EmailEdition:
    return render_email(edition, sitename="Iraq Weekly Monitor", page_url=PAGE, pdf_url=PDF)


def parse(email: EmailEdition):
    return BytesParser(policy=policy.default).parsebytes(build_message(email, **HEADERS))


# --------------------------------------------------------------------------- HTML part


def test_html_has_every_section_headline_and_sources_line():
    soup = BeautifulSoup(rendered().html, "html.parser")
    headings = [h.get_text() for h in soup.select("td.section h2")]
    assert headings == [POLITICS.headline, SECURITY.headline]
    cited = [p.get_text() for p in soup.select("p.sources-cited")]
    assert cited == [
        "Sources cited in this section include: Shafaq, Rudaw.",
        "Sources cited in this section include: INA.",
    ]


def test_html_key_takeaways_link_to_web_anchors():
    soup = BeautifulSoup(rendered().html, "html.parser")
    bullets = soup.select("ul.key-takeaways > li")
    assert [li.strong.get_text() for li in bullets] == [POLITICS.headline, SECURITY.headline]
    more = [li.find("a", string="more…")["href"] for li in bullets]
    assert more == [PAGE + "#politics", PAGE + "#security"]
    # The takeaway's own <p> is unwrapped so the bullet reads as one line.
    assert bullets[0].find("p") is None


def test_html_header_preheader_and_links():
    html = rendered().html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en" and soup.html["dir"] == "auto"
    assert soup.h1.get_text() == EDITION.title
    # The title names the site and the period: no kicker or dateline says them again.
    assert soup.select_one("p.sitename") is None and soup.select_one("p.period") is None
    assert soup.find("a", string="View in browser")["href"] == PAGE
    assert soup.find("a", string="PDF")["href"] == PDF
    preheader = soup.select_one("div.preheader")
    assert "display: none" in preheader["style"]
    assert preheader.get_text().startswith("Twelve provinces elect governors; a drone strike")
    assert soup.find("meta", attrs={"name": "color-scheme"})["content"] == "light dark"
    assert soup.select_one("td.footer a")["href"] == "https://monitor.example.org/"


def _squeezed(text: str) -> str:
    return " ".join(text.replace("\u2013", "-").split())


def test_the_title_shows_once_above_the_fold_in_both_parts():
    # The Subject says the title; the masthead said it three times more: the site name, the
    # title, the period. Now the title alone, and the preheader is the summary, not it.
    email = rendered()
    soup = BeautifulSoup(email.html, "html.parser")
    masthead = _squeezed(soup.select_one("td.masthead").get_text(" "))
    assert masthead.count("Iraq Weekly Monitor") == 1
    assert masthead.count("February 2-8, 2024") == 1
    assert "Monitor" not in soup.select_one("div.preheader").get_text()
    head = _squeezed(email.text[: email.text.index("KEY TAKEAWAYS")])
    assert head.upper().count("IRAQ WEEKLY MONITOR") == 1
    assert head.count("February 2-8, 2024") == 1


def test_a_title_that_names_neither_keeps_the_site_name_and_period_lines():
    email = rendered(dataclasses.replace(EDITION, title="Kirkuk Elects a Governor"))
    soup = BeautifulSoup(email.html, "html.parser")
    assert soup.select_one("p.sitename").get_text() == "Iraq Weekly Monitor"
    assert soup.h1.get_text() == "Kirkuk Elects a Governor"
    assert soup.select_one("p.period").get_text() == "February 2 – 8, 2024"
    assert email.text.startswith(
        "IRAQ WEEKLY MONITOR\n\nKirkuk Elects a Governor\nFebruary 2 – 8, 2024\n\n"
    )


def test_a_title_naming_the_site_but_not_the_period_keeps_the_period_line():
    email = rendered(dataclasses.replace(EDITION, title="Iraq Weekly Monitor: Kirkuk Votes"))
    soup = BeautifulSoup(email.html, "html.parser")
    assert soup.select_one("p.sitename") is None
    assert soup.select_one("p.period").get_text() == "February 2 – 8, 2024"
    assert email.text.startswith("Iraq Weekly Monitor: Kirkuk Votes\nFebruary 2 – 8, 2024\n")


def test_a_summary_that_is_the_title_leaves_the_preheader_without_it():
    email = rendered(dataclasses.replace(EDITION, summary=EDITION.title))
    preheader = BeautifulSoup(email.html, "html.parser").select_one("div.preheader")
    assert not re.search(r"\w", preheader.get_text())


def test_html_css_is_inlined_and_dark_mode_rules_kept():
    html = rendered().html
    soup = BeautifulSoup(html, "html.parser")
    assert "background-color: #fdfdfb" in soup.select_one("table.container")["style"]
    assert "font-style: italic" in soup.select_one("p.sources-cited")["style"]
    styles = soup.find_all("style")
    assert len(styles) == 1
    assert "prefers-color-scheme: dark" in styles[0].string
    # Only @media rules are left in <style>; plain rules now live in style attributes.
    assert "font-style: italic" not in styles[0].string
    assert "unicode-bidi" not in styles[0].string


def test_html_is_at_most_600_px_wide():
    soup = BeautifulSoup(rendered().html, "html.parser")
    widths = [int(t["width"]) for t in soup.find_all(width=True) if t["width"].isdigit()]
    for tag in soup.find_all(style=True):
        widths += [int(px) for px in re.findall(r"width:\s*(\d+)px", tag["style"])]
    assert 600 in widths
    assert max(widths) <= 600


def test_html_has_no_script_and_escapes_markup_in_text_fields():
    # BAD-INPUTS 29: markup in a headline or title is text, never an element.
    hostile = dataclasses.replace(
        POLITICS, headline="Governors <script>alert(1)</script>", label="<b>Politics</b>"
    )
    edition = dataclasses.replace(
        EDITION, title="Weekly <img src=x onerror=alert(1)>", sections=(hostile, SECURITY)
    )
    email = rendered(edition)
    soup = BeautifulSoup(email.html, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert soup.select("td.section h2")[0].get_text() == "Governors <script>alert(1)</script>"
    assert "<script>" not in rendered().html.lower()
    # The plain part shows the characters as they are: nothing there is markup.
    assert "Governors <script>alert(1)</script>" in email.text


def test_html_arabic_text_and_relative_links():
    soup = BeautifulSoup(rendered().html, "html.parser")
    body = soup.select_one("td#security")
    assert ARABIC in body.get_text()
    hrefs = [a["href"] for a in body.find_all("a")]
    assert "https://monitor.example.org/issues/2024-02-01/#security" in hrefs
    assert len(body.select("table.incidents")) == 1
    # The section already shows the incident table: no second one at the end.
    assert len(soup.select("table.incidents")) == 1


def test_incidents_get_their_own_table_when_no_section_has_one():
    security = dataclasses.replace(SECURITY, body_html="<p>On February 6, a drone struck.</p>")
    email = rendered(dataclasses.replace(EDITION, sections=(POLITICS, security)))
    soup = BeautifulSoup(email.html, "html.parser")
    rows = soup.select("td#incidents table.incidents tbody tr")
    assert [[td.get_text() for td in tr.find_all("td")] for tr in rows] == [
        ["2024-02-06", "سنجار", "2", "0"],
        ["2024-02-07", "Muqdadiyah, Diyala", "0", "3"],
    ]
    assert "SECURITY INCIDENTS" in email.text
    assert re.search(r"^2024-02-07  Muqdadiyah, Diyala\s+0\s+3$", email.text, re.M)


TOTALS_ISSUE = """\
Title: Weekly: February 2 – 8, 2024
Period: 2024-02-02 to 2024-02-08

## Bombs Hit Diyala {#security}

Takeaway: Bombs hit Diyala.

On February 4, a roadside bomb struck a patrol.

| Date | Location | Kind | Deaths | Injuries |
| --- | --- | --- | ---: | ---: |
| 2024-02-04 | Tarmiyah, Baghdad | IED | 2 | 5 |
| 2024-02-05 | Hamrin, Diyala | Drone | ? | 4 |
| 2024-02-06 | Jalawla, Diyala | Rocket | 7 | 5 |

Not counted above: 3 militants killed (February 5, Hamrin, Diyala).
"""


def edited() -> EmailEdition:
    """The email of an issue file, as the build reads it: the table's totals included."""
    edition = parse_edition(
        TOTALS_ISSUE, slug="2024-02-08", sections=(SectionRule("security", "Security"),), sources=()
    )
    return rendered(edition)


def test_html_shows_the_tables_totals_under_it():
    soup = BeautifulSoup(edited().html, "html.parser")
    assert len(soup.select("table.incidents")) == 1
    assert len(soup.select("table.incidents tbody tr")) == 3
    total = [c.get_text() for c in soup.select("table.incidents tfoot tr > *")]
    assert total == ["Total", "3 incidents", "", "at least 9", "14"]
    note = soup.select_one("p.incidents-note").get_text()
    assert note == "Not counted above: 3 militants killed (February 5, Hamrin, Diyala)."


def test_text_says_the_totals_in_a_line_under_the_table():
    text = edited().text
    table = text[text.index("Date  ") :].split("\n\n")
    assert table[0].splitlines()[0].split() == ["Date", "Location", "Kind", "Deaths", "Injuries"]
    assert len(table[0].splitlines()) == 5  # header, rule, three rows: the totals are no row
    assert table[1] == "Total: 3 incidents, at least 9 killed, 14 injured."
    assert table[2].startswith("Not counted above: 3 militants killed")


def test_the_incidents_own_table_has_kinds_and_totals_too():
    security = dataclasses.replace(SECURITY, body_html="<p>On February 6, a drone struck.</p>")
    rows = (
        Incident(date(2024, 2, 6), "Sinjar, Nineveh", None, 1, kind="drone"),
        Incident(date(2024, 2, 7), "Muqdadiyah, Diyala", 3, 2, kind="ied"),
    )
    email = rendered(dataclasses.replace(EDITION, sections=(POLITICS, security), incidents=rows))
    soup = BeautifulSoup(email.html, "html.parser")
    table = "td#incidents table.incidents"
    assert [th.get_text() for th in soup.select(f"{table} thead th")] == [
        "Date",
        "Location",
        "Kind",
        "Deaths",
        "Injuries",
    ]
    assert [td.get_text() for td in soup.select(f"{table} tbody tr")[0].find_all("td")] == [
        "2024-02-06",
        "Sinjar, Nineveh",
        "Drone",
        "–",
        "1",
    ]
    assert [c.get_text() for c in soup.select(f"{table} tfoot tr > *")] == [
        "Total",
        "2 incidents",
        "",
        "at least 3",
        "3",
    ]
    assert re.search(r"^2024-02-07  Muqdadiyah, Diyala\s+IED\s+3\s+2$", email.text, re.M)
    assert "\n\nTotal: 2 incidents, at least 3 killed, 3 injured.\n" in email.text


# --------------------------------------------------------------------------- text part


def test_text_lays_out_title_takeaways_and_sections():
    text = rendered().text
    assert text.startswith("Iraq Weekly Monitor: February 2–8, 2024\n\nView in browser:\n")
    assert (
        "KEY TAKEAWAYS\n\n- Twelve Provinces Elect Governors; Baghdad Asks To Resume Talks\n"
        "  Provincial councils chose governors" in text
    )
    assert "\nPOLITICS\n\nTwelve Provinces Elect Governors;" in text
    assert "Sources cited in this section include: Shafaq, Rudaw." in text
    assert "Sources cited in this section include: INA." in text
    assert ARABIC in text
    assert text.index("POLITICS") < text.index("SECURITY\n") < text.index("LINKS")


def test_text_numbers_links_and_lists_them_at_the_end():
    text = rendered().text
    # Takeaways come first, so Rudaw (linked there) is [1]; a repeated URL keeps its number.
    flat = " ".join(text.split())
    assert "budget talks [1]." in flat
    assert "elected governors [2]," in flat
    assert "Shafaq [2] also" in flat
    assert "(INA [3])" in flat
    links = text[text.index("\nLINKS\n") :]
    # A reference stays on the line of the words it belongs to.
    assert not re.search(r"^\s*\[\d+\]", text[: text.index("\nLINKS\n")], re.M)
    assert f"[1] {RUDAW}\n" in links
    assert f"[2] {SHAFAQ}\n" in links
    # An Arabic path is percent-encoded, so plain-text readers link all of it.
    assert "[3] https://ina.example/ar/news/2024/02/06/%D9%82%D8%B5%D9%81-" in links
    assert "[4] https://monitor.example.org/issues/2024-02-01/#security\n" in links
    assert "[5]" not in text


def test_text_lines_fit_a_terminal_except_urls():
    text = rendered().text
    for line in text.splitlines():
        assert len(line) <= 78 or "://" in line, line
    body = text[text.index("\nPOLITICS\n") : text.index("\nLINKS\n")]
    assert max(len(line) for line in body.splitlines()) <= 72


def test_text_incident_table_is_aligned():
    text = rendered().text
    table = text[text.index("Date  ") :].split("\n\n")[0].splitlines()
    assert table[0].split() == ["Date", "Location", "Deaths", "Injuries"]
    assert set(table[1]) == {"-", " "}
    # Numbers are right-aligned in their columns, so every row ends at the same column.
    assert len({len(line.replace("\u200e", "")) for line in table}) == 1
    assert table[2].startswith("2024-02-06  سنجار\u200e")
    assert "SECURITY INCIDENTS" not in text  # the section already has the table


def test_both_parts_end_with_exactly_one_newline():
    email = rendered()
    assert email.html.endswith("</html>\n") and not email.html.endswith("\n\n")
    assert email.text.endswith("\n") and not email.text.endswith("\n\n")
    assert "\n\n\n" not in email.text


def test_html_to_text_lists_breaks_and_wide_tables():
    refs = References()
    html = (
        "<p>First line<br>second line</p><ul><li>one <a href='https://a.example/'>A</a></li>"
        "<li>two<ol><li>nested</li></ol></li></ul>"
        "<table><tr><th>Name</th><th>Note</th></tr>"
        f"<tr><td>Long</td><td>{'word ' * 20}</td></tr></table>"
    )
    text = html_to_text(html, refs)
    assert text.split("\n\n")[:2] == [
        "First line\nsecond line",
        "- one A [1]\n- two\n  1. nested",
    ]
    assert "Name: Long\nNote: word word" in text
    assert refs.links == [(1, "https://a.example/")]


# --------------------------------------------------------------------------- MIME


def test_message_has_one_text_and_one_html_part_and_the_headers():
    email = rendered()
    message = parse(email)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in parts] == ["utf-8", "utf-8"]
    # Bodies travel with CRLF line ends (RFC 5322); the text is otherwise unchanged.
    assert parts[0].get_content().replace("\r\n", "\n") == email.text
    assert parts[1].get_content().replace("\r\n", "\n") == email.html
    assert sorted(message.keys()) == sorted(
        ["From", "To", "Subject", "Date", "Message-ID", "List-Id", "MIME-Version", "Content-Type"]
    )
    assert message["Subject"] == "Iraq Weekly Monitor: February 2–8, 2024"
    assert message["From"].addresses[0].addr_spec == "monitor@example.org"
    assert message["To"].addresses[0].addr_spec == "alice@example.net"
    assert message["Date"].datetime == HEADERS["date"]
    assert message["Message-ID"] == HEADERS["message_id"]
    assert message["List-Id"] == HEADERS["list_id"]


@pytest.mark.parametrize(
    "title",
    [
        "Weekly\r\nBcc: x@example.com",  # BAD-INPUTS 38
        "Weekly=?UTF-8?Q?=0A?=Bcc: x@example.com",  # BAD-INPUTS 38
        "Weekly =?UTF-8?Q?=0D=0A?= Bcc: x@example.com\n",  # BAD-INPUTS 38
        "Weekly\x00\u2028Bcc: x@example.com\u2029",  # BAD-INPUTS 38
    ],
)
def test_hostile_title_cannot_add_a_header(title):
    email = rendered(dataclasses.replace(EDITION, title=title))
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "\u2028" not in email.subject and "\x00" not in email.subject
    message = parse(email)
    assert "Bcc" not in message
    assert message["Subject"] == email.subject
    assert "\n" not in message["Subject"]
    assert message["Subject"].startswith("Weekly")


def test_subject_round_trips_exactly_for_long_mixed_script_titles():
    # Python 3.11's folder drops spaces beside the encoded words it makes; we must not.
    title = "Café 2024 هەولێر مرصد هەولێر العراق Monitor Café انتخابات انتخابات کوردستان " * 2
    email = rendered(dataclasses.replace(EDITION, title=title))
    assert email.subject == " ".join(title.split())
    assert parse(email)["Subject"] == email.subject


def test_header_values_spanning_lines_are_refused():
    email = rendered()
    for name, value in [
        ("to", "alice@example.net\r\nBcc: x@example.com"),
        ("sender", "m@example.org\n"),
        ("list_id", "List <l.example.org>\u2028X: y"),
        ("message_id", "<a@b>\rBcc: x@example.com"),
    ]:
        with pytest.raises(RenderError, match="spans lines"):
            build_message(email, **{**HEADERS, name: value})


def test_self_check_refuses_a_recipient_that_parses_as_two_addresses():
    with pytest.raises(RenderError, match="self-check"):
        build_message(rendered(), **{**HEADERS, "to": "alice@example.net, bob@example.net"})


def test_naive_date_and_bad_message_id_are_refused():
    with pytest.raises(RenderError, match="timezone-aware"):
        build_message(rendered(), **{**HEADERS, "date": datetime(2024, 2, 8, 6, 0)})
    with pytest.raises(RenderError, match="Message-ID"):
        build_message(rendered(), **{**HEADERS, "message_id": "no-brackets@example.org"})
