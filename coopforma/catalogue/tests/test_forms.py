# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.exceptions import ValidationError

from coopforma.catalogue.forms import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("14", 840),
        ("3,5", 210),
        ("3.5", 210),
        ("7h30", 450),
        ("7 h 30", 450),
        ("7H05", 425),
        ("7h", 420),
        ("0,25", 15),
        ("1,05", 63),
        (" 21 ", 1260),
    ],
)
def test_durations_are_read_exactly(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,001", "minute entière"),
        ("0,333", "minute entière"),
        ("7h75", "de 00 à 59"),
        ("sept heures", "Durée invalide"),
        ("-3", "Durée invalide"),
    ],
)
def test_durations_refused(text, message):
    with pytest.raises(ValidationError) as excinfo:
        parse_duration(text)
    assert message in excinfo.value.messages[0]


@pytest.mark.parametrize("minutes", [840, 450, 63, 15])
def test_duration_round_trip(minutes):
    assert parse_duration(format_duration(minutes)) == minutes
