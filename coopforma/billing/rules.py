# SPDX-License-Identifier: AGPL-3.0-or-later
"""The arithmetic of billing, pure and explicit: integer cents, no floats, every rounding named.

- VAT is computed once per piece on its HT total, rounded half up to the cent (`core.money.vat_cents`).
- A member structure's contribution is basis × rate, rounded half up to the cent (`contribution_cents`).
- An amount split between member structures uses the largest remainder method (`split_largest_remainder`): each
  part is the floor of its exact share, the cents left go one by one to the largest fractional parts, so the
  parts always add up exactly to the amount.
"""

import datetime as dt
from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def div_round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both non-negative integers)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("div_round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def rate_hundredths(rate: Decimal) -> int:
    """A percentage with 2 decimals (Decimal('12.50')) as an integer of hundredths of a percent (1250)."""
    value = Decimal(rate) * 100
    if value != value.to_integral_value():
        raise ValueError(f"rate {rate} has more than 2 decimals")
    return int(value)


def contribution_cents(basis_cents: int, rate: Decimal) -> int:
    """basis × rate % rounded half up to the cent (rate in percent, e.g. Decimal('10.00'))."""
    return div_round_half_up(basis_cents * rate_hundredths(rate), 10_000)


def split_largest_remainder(total: int, weights: Mapping[K, int]) -> dict[K, int]:
    """`total` (≥ 0) split in proportion to the positive `weights`; the parts add up exactly to `total`.
    Ties between equal remainders go to the key given first."""
    if total < 0:
        raise ValueError("split_largest_remainder takes a non-negative total")
    keys = [k for k, w in weights.items() if w > 0]
    whole = sum(weights[k] for k in keys)
    if not keys:
        return {}
    parts = {k: total * weights[k] // whole for k in keys}
    remainders = {k: total * weights[k] % whole for k in keys}
    left = total - sum(parts.values())
    for k in sorted(keys, key=lambda k: -remainders[k])[:left]:
        parts[k] += 1
    return parts


def fiscal_year_of(start_month: int, day: dt.date) -> int:
    """The fiscal year containing `day`, named by the calendar year in which it ends (like
    `Organisation.fiscal_year_bounds`): with a start in September, 15/10/2025 belongs to 2026."""
    if start_month == 1:
        return day.year
    return day.year + 1 if day.month >= start_month else day.year


def national_funders() -> list[dict[str, object]]:
    """The national funders shipped in billing/data/funders.json (the 11 OPCOs, the Caisse des dépôts, France
    Travail): plain rows for the seeding migration and `services.funders_seed`."""
    import json
    from pathlib import Path

    data = Path(__file__).resolve().parent / "data" / "funders.json"
    return list(json.loads(data.read_text(encoding="utf-8"))["funders"])
