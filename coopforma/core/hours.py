# SPDX-License-Identifier: AGPL-3.0-or-later
"""Hours are exact: stored as integer minutes, shown as decimal hours or 'h:mm', never floats."""

from decimal import Decimal


def minutes_to_hours(minutes: int) -> Decimal:
    """90 -> Decimal('1.5'); exact for every minute count (division by 60 then 2 decimals when needed)."""
    hours = Decimal(minutes) / Decimal(60)
    return hours.quantize(Decimal("0.01")).normalize() if minutes % 60 else Decimal(minutes // 60)


def format_minutes(minutes: int | None) -> str:
    """450 -> '7 h 30', 420 -> '7 h'."""
    if minutes is None:
        return ""
    h, m = divmod(int(minutes), 60)
    return f"{h}\u00a0h\u00a0{m:02d}" if m else f"{h}\u00a0h"


def hours_to_minutes(value: Decimal | str | int) -> int:
    """Decimal('7.5') -> 450. Refuses fractions of a minute."""
    minutes = Decimal(str(value)) * 60
    if minutes != minutes.to_integral_value():
        raise ValueError(f"{value} h is not a whole number of minutes")
    return int(minutes)
