# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records."""

from typing import Any


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's API addresses by {id}, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, member, trainer, client, training,
    session, enrolment and participant, all with id `i`).

    The quality API addresses no record by id: `/quality/indicators/{number}` takes an indicator number
    (1–32), so `i` answers 404 for every organisation and there is nothing to create."""
