"""Issue 25: the reader reads an issue's ISO day (its file name's, its header's) itself,
into exactly what Pelican's dateutil-based processor gives, errors included."""

from __future__ import annotations

import datetime as dt

import pytest
from pelican.readers import METADATA_PROCESSORS

from digest.pelican_plugin.reader import IssueReader


def pelicans(value: str):
    try:
        found = METADATA_PROCESSORS["date"](value, {})
    except ValueError as exc:
        return ("error", str(exc))
    return (type(found), found)


def ours(value: str):
    try:
        found = IssueReader({}).process_metadata("date", value)
    except ValueError as exc:
        return ("error", str(exc))
    return (type(found), found)


def days() -> list[str]:
    found = []
    for year in (1, 12, 99, 100, 999, 1000, 1899, 1900, 1970, 2000, 2023, 2024, 2100, 9999):
        day = dt.date(year, 1, 1)
        step = dt.timedelta(days=1 if year in (2000, 2024, 2100, 9999) else 9)
        while day.year == year:
            found.append(day.isoformat())
            if dt.date.max - day < step:
                break
            day += step
    return found


NOT_DAYS = [
    "0000-01-01", "2024-00-10", "2024-13-01", "2024-02-30", "2023-02-29", "2100-02-29",
    "2024-04-31", "2024-01-00", "2024-01-32", "99999-01-01", "2024-1-05", "2024-01-05 ",
    "２０２４-01-05", "2024-01-05T10:00", "2024-01-05 10:00", "5 January 2024", "",
]  # fmt: skip


def test_every_day_reads_as_pelican_reads_it():
    assert [d for d in days() if ours(d) != pelicans(d)] == []


@pytest.mark.parametrize("value", NOT_DAYS)
def test_what_is_not_a_day_goes_to_pelican(value):
    assert ours(value) == pelicans(value)


def test_the_sweep_covers_leap_days_and_both_ends():
    found = days()
    assert {"2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"} <= set(found)
    assert len(found) > 1500
