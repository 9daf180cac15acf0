# SPDX-License-Identifier: AGPL-3.0-or-later
"""A broken database constraint reaches people as a French sentence, never as its name (« org_qualiopi_… »)."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, UniqueConstraint

from coopforma.accounts.tests.factories import OrganisationFactory


def constraints_named_in_their_message() -> list[str]:
    """Constraints whose violation message is Django's default (« La contrainte « nom » n'est pas respectée »).

    A UniqueConstraint on fields without condition is left out: Django reports it with the fields' names
    (« … avec ce nom existe déjà »), not with the constraint's."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("coopforma."):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields and constraint.condition is None:
                continue
            if isinstance(constraint, (CheckConstraint, UniqueConstraint)) and (
                constraint.violation_error_message == constraint.default_violation_error_message
            ):
                found.append(f"{model._meta.label}.{constraint.name}")
    return found


def test_every_constraint_has_a_french_message():
    assert constraints_named_in_their_message() == []


@pytest.mark.django_db
def test_the_qualiopi_dates_say_what_is_wrong():
    organisation = OrganisationFactory.build(
        qualiopi_valid_from=dt.date(2026, 3, 18), qualiopi_valid_until=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        organisation.validate_constraints()
    text = " ".join(error.value.messages)
    assert "org_qualiopi_dates_ordered" not in text
    assert "La fin de validité du certificat Qualiopi doit être postérieure à son début." in text
