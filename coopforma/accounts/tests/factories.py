# SPDX-License-Identifier: AGPL-3.0-or-later
import factory

from coopforma.accounts.models import Membership, Organisation, User
from coopforma.accounts.roles import Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme {n}")
    slug = factory.Sequence(lambda n: f"of-{n}")
    legal_form = "SCOP SARL"
    siret = "73282932000074"
    naf_code = "85.59A"
    nda = "11755555575"
    street = "12 rue de la Coopération"
    postal_code = "75011"
    city = "Paris"
    head_name = "Camille Martin"
    head_title = "Gérante"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TRAINER
