"""The incident table's rules (render/incident_table.py): columns, kinds, totals, the note."""

from datetime import date

import pytest

from digest.errors import ContentError
from digest.models import Incident
from digest.render.incident_table import (
    find_columns,
    is_note,
    kind_key,
    kind_label,
    militants_note,
    read_rows,
    totals,
)
from digest.text.attack_kinds import KINDS


def test_columns_are_found_by_header_in_any_order_and_case():
    columns = find_columns(["LOCATION", "Source", "kind", "Date", "Injured", "Killed"])
    assert columns is not None
    assert (columns.date, columns.location, columns.kind) == (3, 0, 2)
    assert (columns.deaths, columns.injuries) == (5, 4)


@pytest.mark.parametrize(
    "header",
    [
        ["Date", "Location", "Deaths"],  # no injuries column
        ["Date", "Event", "Deaths", "Injuries"],
        ["Year", "Budget", "Change", "Share"],
    ],
)
def test_a_table_without_the_four_columns_is_not_an_incident_table(header):
    assert find_columns(header) is None


def test_rows_are_read_through_the_columns_and_unknowns_stay_unknown():
    columns = find_columns(["Kind", "Deaths", "Injuries", "Location", "Date"])
    rows = read_rows(
        columns,
        [
            ["IED", "2", "?", "Tarmiyah, Baghdad", "2024-02-04"],
            ["", "", "", "", ""],  # an empty row is no incident
            ["Air strike", "–", "0", "Hamrin, Diyala", "2024-02-05"],
        ],
    )
    assert rows == [
        Incident(date(2024, 2, 4), "Tarmiyah, Baghdad", 2, None, kind="ied"),
        Incident(date(2024, 2, 5), "Hamrin, Diyala", None, 0, kind="airstrike"),
    ]


def test_a_bad_cell_names_itself():
    columns = find_columns(["Date", "Location", "Deaths", "Injuries"])
    with pytest.raises(ContentError, match="'several' is not a number"):
        read_rows(columns, [["2024-02-04", "Tarmiyah", "several", "1"]])
    with pytest.raises(ContentError, match="date 'Feb 4' is not YYYY-MM-DD"):
        read_rows(columns, [["Feb 4", "Tarmiyah", "1", "1"]])


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("IED", "ied"),
        ("IEDs", "ied"),
        ("Roadside bomb", "ied"),
        ("VBIED", "car-bomb"),
        ("Car bomb", "car-bomb"),
        ("Mortar", "shelling"),
        ("Landmine", "mine"),
        ("Air strike", "airstrike"),
        ("Drones", "drone"),
        ("UAV", "drone"),
        ("Suicide attack", "suicide"),
        ("Kidnapping", "kidnapping"),  # a kind digest does not know is the editor's own
        ("?", ""),
        ("", ""),
    ],
)
def test_a_kind_label_reads_back_as_its_key(label, key):
    assert kind_key(label) == key


def test_every_kind_key_has_a_label_that_reads_back_as_it():
    # The drafting's kinds (DIGEST_INCIDENT_KINDS) are the ones the table reads back.
    for key in KINDS:
        assert kind_key(kind_label(key)) == key
    assert (kind_label("ied"), kind_label("car-bomb"), kind_label("kidnapping")) == (
        "IED",
        "Car bomb",
        "Kidnapping",
    )


def incident(deaths, injuries, militants=None):
    return Incident(date(2024, 2, 4), "Tarmiyah", deaths, injuries, militants=militants)


def test_totals_are_sums_and_a_lower_bound_when_a_count_is_unknown():
    found = totals([incident(2, 3), incident(None, 4), incident(7, 7)])
    assert (found.incidents_text, found.deaths_text, found.injuries_text) == (
        "3 incidents",
        "at least 9",
        "14",
    )
    assert found.sentence() == "Total: 3 incidents, at least 9 killed, 14 injured."


def test_totals_of_counts_nobody_reported_are_unknown_not_zero():
    found = totals([incident(None, 0)])
    assert (found.incidents_text, found.deaths_text, found.injuries_text) == (
        "1 incident",
        "?",
        "0",
    )
    assert found.sentence() == "Total: 1 incident, deaths unknown, 0 injured."
    # Known zeros and an unknown: "at least 0" would tell a reader nothing.
    assert totals([incident(0, 1), incident(None, 1)]).deaths_text == "?"


def test_the_footer_row_puts_counts_under_their_columns():
    columns = find_columns(["Location", "Date", "Kind", "Injuries", "Deaths"])
    cells, label = totals([incident(2, None), incident(1, 5)]).cells(columns, 5)
    assert cells == ["Total", "2 incidents", "", "at least 5", "3"]
    assert label == 0


def test_the_militants_note_says_how_many_and_where():
    rows = [
        Incident(date(2024, 2, 4), "Hamrin, Diyala", 0, 0, militants=3),
        Incident(date(2024, 2, 5), "Tarmiyah, Baghdad", 1, 2),
        Incident(date(2024, 2, 6), "Jalawla, Diyala", 2, 0, militants=2),
    ]
    assert militants_note(rows) == (
        "Not counted above: 5 militants killed "
        "(3 on February 4, Hamrin, Diyala; 2 on February 6, Jalawla, Diyala)."
    )
    assert militants_note(rows[:1]) == (
        "Not counted above: 3 militants killed (February 4, Hamrin, Diyala)."
    )
    assert militants_note(rows[1:2]) == ""
    assert is_note(militants_note(rows)) and is_note("Note: figures from the ministry.")
    assert not is_note("On February 4, a note was found.")
