# SPDX-License-Identifier: AGPL-3.0-or-later
import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from coopforma.core.dates import add_months


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(min_value=-40, max_value=40))
def test_add_months_keeps_the_day_or_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


def test_a_publication_period_of_twelve_months_back_from_a_month_end():
    assert add_months(dt.date(2026, 2, 28), -12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)
