# SPDX-License-Identifier: AGPL-3.0-or-later
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from coopforma.core.hours import format_minutes, hours_to_minutes, minutes_to_hours
from coopforma.core.identifiers import validate_nda, validate_siren, validate_siret
from coopforma.core.money import format_cents, parse_euros


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_known_siren_and_siret_pass():
    validate_siren("732 829 320")
    validate_siret("732 829 320 00074")


@pytest.mark.parametrize("bad", ["73282932000075", "1234", "abcdefghijklmn", "732829320000741"])
def test_bad_siret_is_refused_with_the_value_in_the_message(bad):
    with pytest.raises(ValidationError) as exc:
        validate_siret(bad)
    assert bad in exc.value.messages[0]


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_siret_validation_is_luhn(digits):
    if digits.startswith("356000000"):
        return  # La Poste's establishments follow another rule (tested by python-stdnum)
    try:
        validate_siret(digits)
        accepted = True
    except ValidationError:
        accepted = False
    # INSEE: the SIRET and its SIREN (first 9 digits) each pass Luhn.
    assert accepted == (luhn_ok(digits) and luhn_ok(digits[:9]))


@pytest.mark.parametrize(
    "nda,ok", [("11755555575", True), ("1175555557", False), ("1175555557A", False), ("11 75 55555 75", True)]
)
def test_nda_is_eleven_digits(nda, ok):
    if ok:
        validate_nda(nda)
    else:
        with pytest.raises(ValidationError):
            validate_nda(nda)


@pytest.mark.parametrize(
    "text,cents",
    [("1250", 125000), ("1 250,50", 125050), ("12.3", 1230), ("0,01", 1), ("1\u202f000,00 €", 100000)],
)
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["12,345", "abc", "1,2,3", ""])
def test_parse_euros_refuses_ambiguous_amounts(text):
    with pytest.raises(ValidationError):
        parse_euros(text)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_round_trip_through_french_format(cents):
    assert parse_euros(format_cents(cents, currency=False)) == cents


def test_hours_are_exact():
    assert minutes_to_hours(450) == Decimal("7.5")
    assert minutes_to_hours(20) == Decimal("0.33")
    assert hours_to_minutes(Decimal("3.5")) == 210
    assert format_minutes(450) == "7\u00a0h\u00a030"
    with pytest.raises(ValueError):
        hours_to_minutes("0.001")
