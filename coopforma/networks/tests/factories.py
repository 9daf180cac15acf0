# SPDX-License-Identifier: AGPL-3.0-or-later
import factory

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.access import NetworkActor, actor_for
from coopforma.networks.models import Network, NetworkPerson, NetworkRole, PartnerState, PartnerStructure


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Réseau {n}")
    slug = factory.Sequence(lambda n: f"reseau-{n}")
    description = "Un réseau de la coopération."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerStructure

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Tiers-lieu {n}")
    slug = factory.Sequence(lambda n: f"tiers-lieu-{n}")
    kind = "tiers_lieu"
    city = "Lyon"
    state = PartnerState.PUBLISHED


def person(network: Network, role: str = NetworkRole.MEMBER, **kwargs: object) -> NetworkPerson:
    """A new user with `role` in `network`."""
    return NetworkPerson.objects.create(network=network, user=UserFactory(**kwargs), role=role)


def moderator_actor(network: Network) -> NetworkActor:
    return actor_for(person(network, NetworkRole.MODERATOR).user, network)
