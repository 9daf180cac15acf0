# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the network space. Public reads take a slug and see published things only; the back office's reads
take a `NetworkActor` and start from its network, so an id of another network is 404 ("missing or not yours")."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from coopforma.accounts.models import Organisation, User
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import (
    Network,
    NetworkOrganisation,
    NetworkPerson,
    PartnerState,
    PartnerStructure,
)

# --- public -------------------------------------------------------------------------------------------------


def network_public_get(*, slug: str) -> Network:
    """A network whose pages are public; 404 otherwise."""
    network = Network.objects.filter(slug=slug, is_public=True).first()
    if network is None:
        raise Http404
    return network


def network_public_organisations(*, network: Network) -> QuerySet[Organisation]:
    return Organisation.objects.filter(networks__network=network).order_by("name")


def network_public_partners(*, network: Network) -> QuerySet[PartnerStructure]:
    return PartnerStructure.objects.filter(network=network, state=PartnerState.PUBLISHED).order_by("name")


def partner_public_get(*, network_slug: str, partner_slug: str) -> PartnerStructure:
    """A published partner structure of a public network; 404 for a proposed or refused one."""
    partner = (
        PartnerStructure.objects.select_related("network")
        .filter(
            network__slug=network_slug,
            network__is_public=True,
            slug=partner_slug,
            state=PartnerState.PUBLISHED,
        )
        .first()
    )
    if partner is None:
        raise Http404
    return partner


# --- « Mes réseaux » -----------------------------------------------------------------------------------------


def networks_of_user(*, user: User) -> QuerySet[Network]:
    """The networks where the user has a role or manages a partner structure (not a refused one)."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(
        Q(pk__in=NetworkPerson.objects.filter(user=user).values("network_id")) | Q(pk__in=_managed_networks(user))
    ).order_by("name")


def _managed_networks(user: User) -> QuerySet[PartnerStructure, int]:
    """The ids of the networks where the user manages a partner structure (not a refused one)."""
    return (
        PartnerStructure.objects.filter(managers=user)
        .exclude(state=PartnerState.REFUSED)
        .values_list("network_id", flat=True)
    )


def user_has_network_space(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    # One query: the menu asks on every page.
    return Network.objects.filter(
        Q(pk__in=NetworkPerson.objects.filter(user=user).values("network_id")) | Q(pk__in=_managed_networks(user))
    ).exists()


# --- back office --------------------------------------------------------------------------------------------


def person_list(*, actor: NetworkActor) -> QuerySet[NetworkPerson]:
    return (
        NetworkPerson.objects.filter(network=actor.network)
        .select_related("user")
        .order_by("role", "user__last_name", "user__email")
    )


def person_get(*, actor: NetworkActor, person_id: int) -> NetworkPerson:
    person = person_list(actor=actor).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def membership_list(*, actor: NetworkActor) -> QuerySet[NetworkOrganisation]:
    return (
        NetworkOrganisation.objects.filter(network=actor.network)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_get(*, actor: NetworkActor, membership_id: int) -> NetworkOrganisation:
    membership = membership_list(actor=actor).filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def partner_list(*, actor: NetworkActor, state: str = "") -> QuerySet[PartnerStructure]:
    """Moderators: every partner structure of the network; others: the ones they manage or proposed."""
    partners = PartnerStructure.objects.filter(network=actor.network).order_by("name")
    if not actor.is_moderator:
        partners = partners.filter(pk__in=actor.managed_partner_ids) | partners.filter(created_by=actor.user)
    if state:
        partners = partners.filter(state=state)
    return partners


def partner_get(*, actor: NetworkActor, partner_id: int) -> PartnerStructure:
    partner = partner_list(actor=actor).filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    return partner


def partner_queue(*, actor: NetworkActor) -> QuerySet[PartnerStructure]:
    """The partner structures awaiting moderation (moderators only: the view requires the flag)."""
    return PartnerStructure.objects.filter(network=actor.network, state=PartnerState.PROPOSED).order_by("created_at")
