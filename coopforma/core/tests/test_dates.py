# SPDX-License-Identifier: AGPL-3.0-or-later
import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopforma.core.dates import add_months, minutes_between


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(min_value=-40, max_value=40))
def test_add_months_keeps_the_day_or_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


def test_a_publication_period_of_twelve_months_back_from_a_month_end():
    assert add_months(dt.date(2026, 2, 28), -12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)


PARIS = ZoneInfo("Europe/Paris")


def _paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "start,end,minutes",
    [
        (_paris(2026, 3, 2, 9, 0), _paris(2026, 3, 2, 12, 30), 210),
        # The spring change (29 March 2026, 02:00 → 03:00): 01:30 to 03:30 on the wall clock is one hour.
        (_paris(2026, 3, 29, 1, 30), _paris(2026, 3, 29, 3, 30), 60),
        # The autumn change (25 October 2026, 03:00 → 02:00): midnight to 04:00 on the wall clock is five hours.
        (_paris(2026, 10, 25, 0, 0), _paris(2026, 10, 25, 4, 0), 300),
        # The repeated hour: 02:30 before the change (fold=0) to 02:30 after it (fold=1) is one hour.
        (_paris(2026, 10, 25, 2, 30), _paris(2026, 10, 25, 2, 30).replace(fold=1), 60),
        # Different zones for the same instants.
        (_paris(2026, 3, 2, 9, 0), dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), 60),
        # A started minute is not counted; an empty or reversed span lasts nothing.
        (_paris(2026, 3, 2, 9, 0), _paris(2026, 3, 2, 9, 0, 59), 0),
        (_paris(2026, 3, 2, 9, 0), _paris(2026, 3, 2, 9, 1, 59), 1),
        (_paris(2026, 3, 2, 9, 0), _paris(2026, 3, 2, 9, 0), 0),
        (_paris(2026, 3, 2, 12, 0), _paris(2026, 3, 2, 9, 0), 0),
        (_paris(2026, 3, 2, 9, 0, 30), _paris(2026, 3, 2, 9, 0), 0),
    ],
)
def test_minutes_between_counts_elapsed_minutes(start, end, minutes):
    assert minutes_between(start, end) == minutes


def test_minutes_between_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        minutes_between(dt.datetime(2026, 3, 2, 9, 0), _paris(2026, 3, 2, 10, 0))
