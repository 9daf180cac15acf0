# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch's tests: the shared fixture imported, a network with a member organisation and its people."""

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from coopforma.accounts.models import Membership, Organisation, User
from coopforma.accounts.tests.factories import OrganisationFactory, UserFactory
from coopforma.networks.access import NetworkActor, actor_for
from coopforma.networks.models import Network, NetworkOrganisation, NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, walk_network
from coopforma.quality.models import Evidence
from coopforma.tenders.models import (
    Consortium,
    ConsortiumMember,
    ConsortiumTrainer,
    Interest,
    Notice,
    TenderImport,
    WatchProfile,
)
from coopforma.tenders.services import ImportSummary, tender_import

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "synthetic_boamp_training_notices.json"

_n = itertools.count(1)


def import_fixture() -> ImportSummary:
    return tender_import(source=str(FIXTURE))


def notice(**fields: Any) -> Notice:
    """A notice written directly (the import is tested on its own)."""
    n = next(_n)
    run = TenderImport.objects.first() or TenderImport.objects.create(source="test", started_at=timezone.now())
    values: dict[str, Any] = {
        "idweb": f"99-{n:05}",
        "object": f"Formation numéro {n}",
        "buyer": "ACHETEUR TEST",
        "imported": run,
        "first_seen_at": timezone.now(),
        "content_hash": "x",
    }
    values.update(fields)
    if "departements" in values:
        values["departements_text"] = " " + " ".join(values["departements"]) + " "
    if "cpv_codes" in values:
        values["cpv_text"] = " " + " ".join(values["cpv_codes"]) + " "
    if "deadline" in values and "current_deadline" not in values:
        values["current_deadline"] = values["deadline"]
    return Notice.objects.create(**values)


def member_of(network: Network, organisation: Organisation, role: str = NetworkRole.MEMBER) -> User:
    """A person with `role` in the network who works in `organisation` (a member organisation of the network)."""
    NetworkOrganisation.objects.get_or_create(network=network, organisation=organisation)
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role="admin")
    NetworkPerson.objects.create(network=network, user=user, role=role)
    return user


@dataclass
class Scenario:
    network: Network
    coop: Organisation  # a member organisation
    coop_user: User
    other_coop: Organisation  # another member organisation of the same network
    other_coop_user: User
    moderator: User
    outsider_network: Network
    outsider: User  # a member of another network
    outsider_org: Organisation

    def actor(self, user: User, network: Network | None = None) -> NetworkActor:
        return actor_for(user, network or self.network)


def scenario() -> Scenario:
    network = NetworkFactory(slug="reseau-coop")
    coop, other_coop = OrganisationFactory(name="Coop Alpha"), OrganisationFactory(name="Coop Beta")
    moderator = UserFactory()
    NetworkPerson.objects.create(network=network, user=moderator, role=NetworkRole.MODERATOR)
    outsider_network = NetworkFactory(slug="autre-reseau")
    outsider_org = OrganisationFactory(name="Coop Ailleurs")
    return Scenario(
        network=network,
        coop=coop,
        coop_user=member_of(network, coop),
        other_coop=other_coop,
        other_coop_user=member_of(network, other_coop),
        moderator=moderator,
        outsider_network=outsider_network,
        outsider=member_of(outsider_network, outsider_org, NetworkRole.MODERATOR),
        outsider_org=outsider_org,
    )


def objects_with_id(i: int, **records: Any) -> None:
    """tests/test_every_route.py: a network with id `i` that records["org"] is a member of, one of its interests
    (id `i`) for the public notice 00-90001 (the route's `notice_id`, not an organisation's record) and a
    groupement (id `i`) whose member (id `i`) is records["org"], with its trainer (id `i`, a CV file) in the team and
    a Qualiopi certificate file (the kit's files), and a watch profile (id `i`) of records["org"] in that network."""
    network = walk_network(i, **records)
    run = TenderImport.objects.first() or TenderImport.objects.create(source="test", started_at=timezone.now())
    public, _created = Notice.objects.get_or_create(
        idweb="00-90001",
        defaults={"object": "Formation (FICTIF)", "imported": run, "first_seen_at": timezone.now()},
    )
    Interest.objects.create(
        pk=i, network=network, organisation=records["org"], notice=public, note=f"Intérêt {records['mark']}"
    )
    # A groupement (id `i`) of that network for the notice, records["org"] its mandataire and only member.
    consortium = Consortium.objects.create(
        pk=i, network=network, notice=public, form="joint", mandataire=records["org"], feedback=records["mark"]
    )
    ConsortiumMember.objects.create(pk=i, consortium=consortium, organisation=records["org"])
    ConsortiumTrainer.objects.create(consortium=consortium, trainer=records["trainer"])
    WatchProfile.objects.create(
        pk=i, network=network, organisation=records["org"], name=f"Veille {records['mark']}", recipient=records["admin"]
    )
    Evidence.objects.create(
        organisation=records["org"],
        title=f"Certificat Qualiopi {records['mark']}",
        dated=timezone.localdate(),
        file=ContentFile(b"%PDF-1.4 certificat", name="certificat-qualiopi.pdf"),
    )
