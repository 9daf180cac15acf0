# SPDX-License-Identifier: AGPL-3.0-or-later
"""Calendar arithmetic shared by the apps (audit windows, non-conformity deadlines, publication periods)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative); the last day of the month when it does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes elapsed from `start` to `end`: exact across a DST change (computed in UTC, so the night of
    the spring change counts one hour less than the wall clock shows), 0 when `end` is not after `start` (a
    departure before the arrival attends nothing), a started minute not counted. Both must be aware."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("minutes_between takes aware datetimes")
    seconds = (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds()
    return max(int(seconds // 60), 0)
