# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network with its people (a moderator, a committee member, a member) and the draft référentiel loaded."""

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import Network, NetworkPerson
from coopforma.referentiel import files, services
from coopforma.referentiel.demo import DRAFT
from coopforma.referentiel.models import Version


def network_with_people(slug: str = "formations-cooperatives", *, is_public: bool = True) -> dict:
    network = Network.objects.create(name=f"Réseau {slug}", slug=slug, is_public=is_public)
    people = {"network": network}
    for role in ("moderator", "committee", "member"):
        user = UserFactory(first_name=role.capitalize(), last_name=slug)
        NetworkPerson.objects.create(network=network, user=user, role=role)
        people[role] = user
    return people


def load_draft(network: Network, *, publish: bool = False) -> Version:
    document = files.read(DRAFT.read_bytes(), "yaml")
    version = services.version_import(user=None, network_id=network.pk, document=document)
    if publish:
        version = services.version_publish(user=None, network_id=network.pk, number=version.number)
    return version
