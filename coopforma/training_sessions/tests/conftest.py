# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the sessions tests: a training of `member` taught by `trainer`, one of its sessions, a place."""

import datetime as dt

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import PARIS, PlaceFactory, SessionFactory


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def training(org, member, trainer):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    training.trainers.add(trainer)
    return training


@pytest.fixture
def session(training, trainer):  # type: ignore[no-untyped-def]
    session = SessionFactory(training=training, title="Réunions coopératives — mars", status="confirmed")
    session.trainers.add(trainer)
    return session


@pytest.fixture
def other_session(org, other_member, other_trainer):  # type: ignore[no-untyped-def]
    """A session of the other member structure, taught by its trainer (hidden from `manager` and `trainer`)."""
    training = TrainingFactory(organisation=org, member_structure=other_member, title="Gouvernance partagée")
    training.trainers.add(other_trainer)
    session = SessionFactory(training=training, title="Gouvernance partagée — avril")
    session.trainers.add(other_trainer)
    return session


@pytest.fixture
def place(org):  # type: ignore[no-untyped-def]
    return PlaceFactory(organisation=org, name="Salle du Marché")


@pytest.fixture
def company(org, member):  # type: ignore[no-untyped-def]
    return ClientFactory(organisation=org, member_structure=member, name="Boulangerie Coop", kind="company")


@pytest.fixture
def partner_of(org, member):  # type: ignore[no-untyped-def]
    """Another training organisation: we deliver as its subcontractor."""
    return ClientFactory(organisation=org, member_structure=member, name="OF Partenaire", kind="training_org")
