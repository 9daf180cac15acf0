# SPDX-License-Identifier: AGPL-3.0-or-later
"""Calendar arithmetic shared by the apps (audit windows, non-conformity deadlines, publication periods)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative); the last day of the month when it does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
