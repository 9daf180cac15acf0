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


# --- VAT: one computation and one wording for every document (convention, quote, invoice, credit note) -------

VAT_RATE_BP = 2000  # taux normal de 20 % in basis points (CGI art. 278)
# Training by a registered OF is exempt (CGI art. 261-4-4° a); the only wording printed, without final period.
VAT_EXEMPT_MENTION = "Exonération de TVA, article 261-4-4° a du Code général des impôts"


def vat_cents(ht_cents: int, rate_bp: int) -> int:
    """VAT of an HT amount at `rate_bp` basis points (2000 = 20 %), rounded half up to the cent, computed once on
    the document's HT total (1 234,59 € HT at 20 % → 246,92 €). Negative amounts round symmetrically."""
    if rate_bp < 0:
        raise ValueError("vat_cents takes a non-negative rate")
    sign = -1 if ht_cents < 0 else 1
    return sign * ((2 * abs(ht_cents) * rate_bp + 10_000) // 20_000)


def vat_mention(rate_bp: int) -> str:
    """The VAT mention printed on a document taxed at `rate_bp` basis points (0: the training exemption)."""
    if rate_bp == 0:
        return VAT_EXEMPT_MENTION
    rate = Decimal(rate_bp) / 100
    return f"TVA au taux de {rate.normalize():f} %".replace(".", ",")
