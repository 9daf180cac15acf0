# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt
import zoneinfo

import factory

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Place, Session, Slot

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    organisation = factory.SubFactory("coopforma.accounts.tests.factories.OrganisationFactory")
    name = factory.Sequence(lambda n: f"Salle {n}")
    street = "3 place du Marché"
    postal_code = "35000"
    city = "Rennes"
    capacity = 20


class SessionFactory(factory.django.DjangoModelFactory):
    """A session copied from its training (no slots: add them with SlotFactory)."""

    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    organisation = factory.SelfAttribute("training.organisation")
    member_structure = factory.SelfAttribute("training.member_structure")
    title = factory.SelfAttribute("training.title")
    programme = factory.LazyAttribute(lambda o: o.training.programme_snapshot())
    status = "confirmed"
    min_capacity = 1
    max_capacity = 12


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    session = factory.SubFactory(SessionFactory)
    organisation = factory.SelfAttribute("session.organisation")
    starts_at = factory.Sequence(lambda n: dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS) + dt.timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3, minutes=30))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    organisation = factory.SelfAttribute("session.organisation")
    client = factory.SubFactory(ClientFactory, organisation=factory.SelfAttribute("..organisation"))
    price_cents = 140000


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    enrolment = factory.SubFactory(EnrolmentFactory)
    organisation = factory.SelfAttribute("enrolment.organisation")
    payer_kind = "company"
    amount_cents = 140000


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    enrolment = factory.SubFactory(EnrolmentFactory)
    session = factory.SelfAttribute("enrolment.session")
    organisation = factory.SelfAttribute("enrolment.organisation")
    trainee = factory.SubFactory(
        TraineeFactory,
        organisation=factory.SelfAttribute("..organisation"),
        client=factory.SelfAttribute("..enrolment.client"),
    )
    bpf_trainee_type = "a"
