# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the exchanges of know-how that depend on who asks (a `NetworkActor`).

Everything is scoped by the network: an id of another network's member or listing is 404 ("missing or not
yours"). The open offers and requests of joined members are read by every person who may join; a paused or
closed listing only by its member's people (and the network's facilitators). A member's e-mail and phone are
never read here for someone else: the contact is shared through an exchange, with both parties' consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from coopforma.core.locking import id_or_404
from coopforma.exchanges.access import can_facilitate, require_join
from coopforma.exchanges.models import ExchangeFormat, Listing, ListingKind, ListingState, Member
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import Network, PartnerState, PartnerStructure
from coopforma.referentiel import matching
from coopforma.referentiel.models import Item, ItemKind
from coopforma.referentiel.selectors import latest_published


@dataclass(frozen=True)
class ListingFilters:
    kind: str = ""
    competency: str = ""  # a competency's code in the latest published version
    format: str = ""
    department: str = ""
    q: str = ""
    remote: bool = False


# --- the référentiel's competencies -------------------------------------------------------------------------------


def competencies(*, network: Network | int) -> QuerySet[Item]:
    """The competencies of the network's latest published référentiel version (none without one)."""
    network_obj = network if isinstance(network, Network) else Network(pk=network)
    version = latest_published(network=network_obj)
    if version is None:
        return Item.objects.none()
    return Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position", "code")


def competency_choices(*, network: Network) -> list[tuple[str, str]]:
    return [(item.code, f"{item.code} — {item.label}") for item in competencies(network=network)]


def competencies_by_code(*, network_id: int, codes: list[str]) -> dict[str, Item]:
    if not codes:
        return {}
    return {item.code: item for item in competencies(network=network_id).filter(code__in=codes)}


def competency_suggestions(*, network: Network, text: str, exclude: set[str] | None = None) -> list[Item]:
    """The three competencies whose words best match `text` (the référentiel's suggestion for a training's
    objectives, `referentiel.matching.rank`), leaving out the codes in `exclude`."""
    exclude = exclude or set()
    candidates = [item for item in competencies(network=network) if item.code not in exclude]
    by_id = {item.pk: item for item in candidates}
    pool = [(item.pk, item.label, [*item.aliases, *item.criteria]) for item in candidates]
    return [by_id[s.competency_id] for s in matching.rank(text, pool)]


# --- members ------------------------------------------------------------------------------------------------------


def managed_partners(*, actor: NetworkActor) -> QuerySet[PartnerStructure]:
    """The network's partner structures the person manages (they may join for them)."""
    return (
        PartnerStructure.objects.filter(network=actor.network, pk__in=actor.managed_partner_ids)
        .exclude(state=PartnerState.REFUSED)
        .order_by("name")
    )


def can_edit(*, actor: NetworkActor, member: Member) -> bool:
    """The member's own person, or a manager of the partner structure it represents."""
    if member.network_id != actor.network_id or not actor.user.is_authenticated:
        return False
    return member.user_id == actor.user.pk or (
        member.partner_id is not None and member.partner_id in actor.managed_partner_ids
    )


def _listings_prefetch() -> Prefetch:
    return Prefetch(
        "listings",
        queryset=Listing.objects.prefetch_related(
            Prefetch("competencies", queryset=Item.objects.order_by("position"))
        ).order_by("kind", "-created_at", "-id"),
    )


def my_members(*, actor: NetworkActor) -> list[Member]:
    """The joined members the person acts for here: themself, and the partner structures they manage."""
    if not actor.user.is_authenticated:
        return []
    mine = Q(user=actor.user)
    if actor.managed_partner_ids:
        mine |= Q(partner_id__in=actor.managed_partner_ids)
    return list(
        Member.objects.filter(mine, network=actor.network, joined_at__isnull=False)
        .select_related("partner")
        .prefetch_related(_listings_prefetch())
        .order_by("partner__name", "id")
    )


def member_get(*, actor: NetworkActor, member_id: int) -> Member:
    """A joined member of this network (404 otherwise), with their open offers and requests (`open_listings`)."""
    require_join(actor)
    member = (
        Member.objects.filter(network=actor.network, pk=id_or_404(member_id), joined_at__isnull=False)
        .select_related("partner")
        .first()
    )
    if member is None:
        raise Http404
    return member


def member_open_listings(*, member: Member) -> list[Listing]:
    return list(
        member.listings.filter(state=ListingState.OPEN)
        .prefetch_related(Prefetch("competencies", queryset=Item.objects.order_by("position")))
        .order_by("kind", "-created_at", "-id")
    )


def member_for_write(*, actor: NetworkActor, member_id: int | None) -> Member:
    """The member record a new listing goes to: `member_id` (one of mine, else 403/404) or my own (refused with a
    French message when I have not joined)."""
    if member_id is not None:
        return editable_member_get(actor=actor, member_id=member_id)
    require_join(actor)
    member = Member.objects.filter(
        network=actor.network, user=actor.user, partner__isnull=True, joined_at__isnull=False
    ).first()
    if member is None:
        raise ValidationError(
            {
                "member_id": _(
                    "Inscrivez-vous d'abord aux échanges (sur la page du réseau), avec une offre et une demande."
                )
            }
        )
    return member


def editable_member_get(*, actor: NetworkActor, member_id: int) -> Member:
    """One of my members (404 when it is not this network's; 403 when it is someone else's)."""
    member = member_get(actor=actor, member_id=member_id)
    if not can_edit(actor=actor, member=member):
        raise PermissionDenied("exchanges.member.edit")
    return member


# --- listings -----------------------------------------------------------------------------------------------------


def _listings(network: Network) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(network=network, member__network=network, member__joined_at__isnull=False)
        .select_related("member", "member__partner")
        .prefetch_related(Prefetch("competencies", queryset=Item.objects.order_by("position")))
    )


def listing_list(*, actor: NetworkActor, filters: ListingFilters | None = None) -> QuerySet[Listing]:
    """The open offers and requests of the network's joined members, newest first."""
    require_join(actor)
    filters = filters or ListingFilters()
    listings = _listings(actor.network).filter(state=ListingState.OPEN)
    if filters.kind in ListingKind.values:
        listings = listings.filter(kind=filters.kind)
    if filters.competency:
        listings = listings.filter(
            competencies__code=filters.competency, competencies__version__referentiel__network=actor.network
        )
    if filters.format in ExchangeFormat.values:
        listings = listings.filter(formats__icontains=f'"{filters.format}"')
    if filters.department.strip():
        listings = listings.filter(department=filters.department.strip().upper())
    if filters.remote:
        listings = listings.filter(is_remote=True)
    for word in filters.q.split()[:8]:
        listings = listings.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(member__display_name__icontains=word)
        )
    return listings.distinct().order_by("-created_at", "-id")


def listing_get(*, actor: NetworkActor, listing_id: int) -> Listing:
    """A listing of this network: open for anyone who may join; paused or closed for its member's people and
    the facilitators; 404 otherwise."""
    require_join(actor)
    listing = _listings(actor.network).filter(pk=id_or_404(listing_id)).first()
    if listing is None:
        raise Http404
    if listing.state != ListingState.OPEN and not (
        can_edit(actor=actor, member=listing.member) or can_facilitate(actor)
    ):
        raise Http404
    return listing


def editable_listing_get(*, actor: NetworkActor, listing_id: int) -> Listing:
    """A listing I may edit: 404 when it is not this network's (or not visible), 403 when it is someone else's."""
    listing = listing_get(actor=actor, listing_id=listing_id)
    if not can_edit(actor=actor, member=listing.member):
        raise PermissionDenied("exchanges.listing.edit")
    return listing


def listing_values(listing: Listing) -> dict[str, Any]:
    """The listing's editable values, as the form and the API take them."""
    return {
        "title": listing.title,
        "description": listing.description,
        "competencies": [item.code for item in listing.competencies.all()],
        "level": listing.level,
        "formats": list(listing.formats or []),
        "is_remote": listing.is_remote,
        "city": listing.city,
        "available_from": listing.available_from,
        "available_until": listing.available_until,
        "availability": listing.availability,
        "conditions": listing.conditions,
    }


def format_labels(listing: Listing) -> list[str]:
    labels = dict(ExchangeFormat.choices)
    return [str(labels[f]) for f in listing.formats or [] if f in labels]


def department_choices(*, network: Network) -> list[str]:
    """The départements where the network's open listings are."""
    return sorted(
        set(
            Listing.objects.filter(network=network, state=ListingState.OPEN, member__joined_at__isnull=False)
            .exclude(department="")
            .values_list("department", flat=True)
        )
    )
