# SPDX-License-Identifier: AGPL-3.0-or-later
import factory

from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.people.models import Client, Contact, MemberStructure, Trainee, Trainer


class MemberStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberStructure

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = "cae"
    siret = "73282932000074"


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    organisation = factory.SubFactory(OrganisationFactory)
    member_structure = factory.SubFactory(MemberStructureFactory, organisation=factory.SelfAttribute("..organisation"))
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Formateur{n}")
    email = factory.Sequence(lambda n: f"trainer{n}@example.org")
    status = "entrepreneur"
    onboarding_state = "active"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "company"
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    siret = "73282932000074"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    organisation = factory.SelfAttribute("client.organisation")
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Contact{n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = "Sacha"
    last_name = factory.Sequence(lambda n: f"Stagiaire{n}")
    email = factory.Sequence(lambda n: f"trainee{n}@example.org")
