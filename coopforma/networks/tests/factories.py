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


def walk_network(i: int, **records: object) -> Network:
    """tests/test_every_route.py: the one network with primary key and slug `i` that the later apps' records hang
    on (registry's certifiers, tenders' interests, recognition's projects): records["org"] is a member and
    records["admin"] a moderator (every flag of the committee and of the members too). Created by the first app
    that asks, the same one for the next."""
    from coopforma.networks.models import NetworkOrganisation

    network, created = Network.objects.get_or_create(
        pk=i, defaults={"name": f"Réseau {records['mark']}", "slug": str(i)}
    )
    if created:
        NetworkOrganisation.objects.create(network=network, organisation=records["org"])
        NetworkPerson.objects.create(network=network, user=records["admin"], role=NetworkRole.MODERATOR)
    return network
