# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what in a network: a user and a network give a `NetworkActor` with named flags.

Like `accounts.roles` for an organisation: a role in the network (`NetworkPerson`) grants flags; the managers of a
partner structure (`PartnerStructure.managers`) edit their own structure and enter its offers, with or without a
role. A staff superuser creates networks in the admin; they have no flag here unless they hold a role.

Views call `network_actor(user, slug)` (404 when the network does not exist, or when the user has neither a
role nor a structure in it and the page is not public), then `actor.require(flag)` (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from coopforma.accounts.models import User
from coopforma.networks.models import Network, NetworkPerson, NetworkRole, PartnerState, PartnerStructure

# Flag -> roles that hold it.
FLAGS: dict[str, set[str]] = {
    # The back office: people and roles, member organisations, partner structures, the moderation queues.
    "network.moderate": {NetworkRole.MODERATOR},
    # The relevance rules of the map (what is "on cooperation").
    "network.rules": {NetworkRole.MODERATOR},
    # The map's outside sources: subscriptions to other installations' feeds, LHEO imports from the web page.
    "offers.sources": {NetworkRole.MODERATOR},
    # See the network's space (« Mes réseaux ») and propose a partner structure.
    "network.view": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "partners.propose": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    # The référentiel (referentiel/access.py): members propose and comment, the committee decides and publishes.
    "referentiel.propose": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "referentiel.decide": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE},
    # The certifiers directory (registry, docs/certifiers.md): members read it (the certifiers, the consented
    # reviews and figures, the audit calendar, the group agreements); moderators record the group agreements.
    "certifiers.view": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "certifiers.manage": {NetworkRole.MODERATOR},
    # The tender watch (tenders/): members read the notices, keep watch profiles and say « Ça m'intéresse » for
    # the organisations they act for; the moderators see every member's interests (`network.moderate`).
    "tenders.view": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "tenders.watch": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    # Certification projects (recognition): members read them, the committee and moderators build and file them.
    "recognition.view": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "recognition.edit": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE},
    # Validate or refuse the competencies trainers of member organisations declare (referentiel.TrainerCompetency).
    "referentiel.validate_trainer": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE},
    # The exchanges of know-how (exchanges/): every person of the network (and the managers of its partner
    # structures, exchanges/access.py) joins with an offer and a request; the facilitators (and the moderators)
    # see every suggestion, arrange the meetings and turn an exchange into a training action.
    "exchanges.join": {NetworkRole.MODERATOR, NetworkRole.COMMITTEE, NetworkRole.MEMBER, NetworkRole.FACILITATOR},
    "exchanges.facilitate": {NetworkRole.MODERATOR, NetworkRole.FACILITATOR},
    # The e-mails the exchanges send in the network's name (exchanges/mails.py): the network's outbox (what left,
    # delivery attempts, « Renvoyer ») and their texts, rewritten for the network. Those who arrange the meetings.
    "exchanges.outbox": {NetworkRole.MODERATOR, NetworkRole.FACILITATOR},
    "exchanges.mail_texts": {NetworkRole.MODERATOR, NetworkRole.FACILITATOR},
}


def flags_for(role: str) -> frozenset[str]:
    return frozenset(flag for flag, roles in FLAGS.items() if role in roles)


@dataclass
class NetworkActor:
    """A user acting in one network: their role (or ""), its flags, and the partner structures they manage."""

    user: User
    network: Network
    role: str
    flags: frozenset[str]
    managed_partner_ids: frozenset[int] = field(default_factory=frozenset)

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def require(self, flag: str) -> None:
        if flag not in self.flags:
            raise PermissionDenied(flag)

    @property
    def is_moderator(self) -> bool:
        return "network.moderate" in self.flags

    @property
    def role_label(self) -> str:
        """The role as people read it (« Modérateur·rice »), or "" without a role."""
        return str(NetworkRole(self.role).label) if self.role else ""

    @property
    def network_id(self) -> int:
        return self.network.pk

    def manages(self, partner_id: int) -> bool:
        """Edits this partner structure's page and offers: a moderator, or one of its managers."""
        return self.is_moderator or partner_id in self.managed_partner_ids

    @property
    def has_space(self) -> bool:
        """Has something to do in the network's space: a role, or a partner structure to manage."""
        return bool(self.role) or bool(self.managed_partner_ids)

    def __str__(self) -> str:
        return f"{self.user} ({self.role or '-'}) @ {self.network.slug}"


def person_role(user: User | None, network: Network) -> str:
    """The user's role in `network` (a NetworkRole value), or "" (anonymous, inactive, or not in the network)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    return NetworkPerson.objects.filter(network=network, user=user).values_list("role", flat=True).first() or ""


def actor_for(user: User, network: Network) -> NetworkActor:
    """`user` in `network` (anonymous or without a role: no flag)."""
    if not user.is_authenticated:
        return NetworkActor(user=user, network=network, role="", flags=frozenset())
    role = person_role(user, network)
    managed = frozenset(
        PartnerStructure.objects.filter(network=network, managers=user)
        .exclude(state=PartnerState.REFUSED)
        .values_list("pk", flat=True)
    )
    return NetworkActor(user=user, network=network, role=role, flags=flags_for(role), managed_partner_ids=managed)


def network_actor(user: User, slug: str, *, space: bool = True) -> NetworkActor:
    """The user's actor in the network `slug`. 404 when the network does not exist; with `space` (the back
    office and « Mes réseaux »), 404 too when the user has no role and no partner structure in it."""
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404
    actor = actor_for(user, network)
    if space and not actor.has_space:
        raise Http404
    return actor


def require_manages(actor: NetworkActor, partner_id: int) -> None:
    if not actor.manages(partner_id):
        raise PermissionDenied("partners.manage")
