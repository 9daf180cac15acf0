# SPDX-License-Identifier: AGPL-3.0-or-later
"""Money is integer cents everywhere; these helpers parse and format it, never through floats."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def parse_euros(text: str | int | Decimal) -> int:
    """'1 234,50' or '1234.5' or Decimal('12.30') -> cents. More than 2 decimals is an error, not a rounding."""
    if isinstance(text, int):
        return text * 100
    raw = str(text).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    if not _AMOUNT.match(raw):
        raise ValidationError(
            _("Montant invalide : « %(value)s ». Écrivez par exemple 1 250,00 (deux décimales au plus)."),
            code="amount_format",
            params={"value": text},
        )
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ValidationError(_("Montant invalide."), code="amount_format") from exc
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_cents(cents: int | None, *, currency: bool = True) -> str:
    """12345 -> '123,45 €' (French grouping with a narrow no-break space)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    text = f"{sign}{grouped},{rest:02d}"
    return f"{text}\u00a0€" if currency else text


def cents_to_input(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros},{rest:02d}"
