# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the billing tests: a session of `member` taught by `trainer` (two slots), a company enrolled at
1 400 € of which an OPCO pays 1 000 € directly, and an organisation with its legal mentions."""

import datetime as dt

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    FundingLineFactory,
    SessionFactory,
    SlotFactory,
)


@pytest.fixture(autouse=True)
def _funders(db):  # type: ignore[no-untyped-def]
    """The national address book (migration 0003), again after a transactional test flushed the tables."""
    from coopforma.billing.services import funders_seed

    funders_seed()


@pytest.fixture(autouse=True)
def _legal(org):  # type: ignore[no-untyped-def]
    org.siret = "73282932000074"
    org.nda = "53350999935"
    org.nda_region = "Bretagne"
    org.street = "12 rue de la Coopération"
    org.postal_code = "35000"
    org.city = "Rennes"
    org.save()
    return org


@pytest.fixture
def session(org, member, trainer):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    session = SessionFactory(training=training, title="Réunions coopératives", status="done")
    session.trainers.add(trainer)
    for day in (2, 3):
        slot = SlotFactory(
            session=session,
            starts_at=dt.datetime(2026, 3, day, 9, 0, tzinfo=PARIS),
            ends_at=dt.datetime(2026, 3, day, 12, 30, tzinfo=PARIS),
        )
        slot.trainers.add(trainer)
    session.start_date, session.end_date, session.total_minutes = dt.date(2026, 3, 2), dt.date(2026, 3, 3), 420
    session.save()
    return session


@pytest.fixture
def client_company(org, member):  # type: ignore[no-untyped-def]
    return ClientFactory(
        organisation=org,
        name="Scop Exemple",
        kind="company",
        street="3 rue des Lilas",
        postal_code="35000",
        city="Rennes",
        email="compta@scop.example",
    )


@pytest.fixture
def enrolment(session, client_company):  # type: ignore[no-untyped-def]
    return EnrolmentFactory(session=session, client=client_company, price_cents=140000)


@pytest.fixture
def opco_line(enrolment):  # type: ignore[no-untyped-def]
    return FundingLineFactory(
        enrolment=enrolment,
        payer_kind="opco",
        payer_name="AKTO",
        scheme="skills_plan",
        amount_cents=100000,
        reference="PEC-42",
    )
