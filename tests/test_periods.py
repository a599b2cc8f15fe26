from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from digest import periods
from digest.errors import ContentError
from digest.models import Period

BAGHDAD = ZoneInfo("Asia/Baghdad")
THURSDAY = 3


def test_week_is_the_seven_days_ending_on_the_configured_weekday():
    assert periods.week_ending(date(2024, 2, 8), THURSDAY) == Period(
        date(2024, 2, 2), date(2024, 2, 8)
    )


def test_week_ending_on_the_wrong_weekday_says_which_day_to_use():
    with pytest.raises(ContentError) as err:
        periods.week_ending(date(2024, 2, 7), THURSDAY)
    assert "Wednesday" in str(err.value) and "2024-02-01" in str(err.value)


@pytest.mark.parametrize(
    ("start", "end", "title"),
    [
        (date(2024, 2, 2), date(2024, 2, 8), "February 2 – 8, 2024"),
        (date(2024, 1, 26), date(2024, 2, 1), "January 26 – February 1, 2024"),
        (date(2023, 12, 29), date(2024, 1, 4), "December 29, 2023 – January 4, 2024"),
    ],
)
def test_period_titles_read_like_an_editor_writes_them(start, end, title):
    assert periods.period_title(Period(start, end)) == title


def test_utc_window_starts_at_local_midnight():
    start, end = periods.utc_window(Period(date(2024, 2, 2), date(2024, 2, 8)), BAGHDAD)
    assert start == datetime(2024, 2, 1, 21, 0, tzinfo=UTC)
    assert end == datetime(2024, 2, 8, 21, 0, tzinfo=UTC)


def test_issue_numbers_count_weeks_from_the_first_issue():
    first = date(2024, 2, 1)
    assert periods.issue_number(Period(date(2024, 1, 26), first), first) == 1
    assert periods.issue_number(Period(date(2024, 2, 2), date(2024, 2, 8)), first) == 2
    assert periods.issue_number(Period(date(2024, 1, 19), date(2024, 1, 25)), first) is None
