# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the map's offers for a network's back office and public pages (search and map come later).

Back-office reads take a `NetworkActor` and start from its network: an offer of another network's partner, or a
relevance row of another network, is 404 ("missing or not yours").
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from coopforma.networks.access import NetworkActor
from coopforma.networks.models import PartnerStructure
from coopforma.offers.models import (
    ImportRun,
    Offer,
    OfferRelevance,
    OfferSource,
    OfferStatus,
    RelevanceDecision,
    RelevanceRules,
    RelevanceVerdict,
    SourceKind,
)
from coopforma.offers.relevance import rules_for


def partner_offer_list(*, actor: NetworkActor, partner_id: int | None = None, status: str = "") -> QuerySet[Offer]:
    """Moderators: every partner offer of the network; a structure's managers: their structures' offers."""
    offers = (
        Offer.objects.filter(source__kind=SourceKind.PARTNER, partner__network=actor.network)
        .select_related("partner")
        .prefetch_related("sessions")
        .order_by("-created_at", "pk")
    )
    if not actor.is_moderator:
        offers = offers.filter(partner_id__in=actor.managed_partner_ids)
    if partner_id is not None:
        offers = offers.filter(partner_id=partner_id)
    if status:
        offers = offers.filter(status=status)
    return offers


def partner_offer_get(*, actor: NetworkActor, offer_id: int) -> Offer:
    offer = partner_offer_list(actor=actor).filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


def partner_offer_queue(*, actor: NetworkActor) -> QuerySet[Offer]:
    return partner_offer_list(actor=actor, status=OfferStatus.PENDING).order_by("created_at", "pk")


def relevance_queue(*, actor: NetworkActor) -> QuerySet[OfferRelevance]:
    """Borderline offers (between the two thresholds) no moderator decided on yet, best score first."""
    return (
        OfferRelevance.objects.filter(
            network=actor.network, verdict=RelevanceVerdict.QUEUE, decision="", offer__status=OfferStatus.ACTIVE
        )
        .select_related("offer", "offer__source")
        .prefetch_related("offer__provenances__source")
        .order_by("-score", "offer__title", "pk")
    )


def relevance_decided(*, actor: NetworkActor) -> QuerySet[OfferRelevance]:
    """The moderators' decisions, newest first (they can be undone)."""
    return (
        OfferRelevance.objects.filter(network=actor.network)
        .exclude(decision="")
        .select_related("offer", "offer__source", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def relevance_get(*, actor: NetworkActor, relevance_id: int) -> OfferRelevance:
    row = OfferRelevance.objects.filter(network=actor.network, pk=relevance_id).select_related("offer").first()
    if row is None:
        raise Http404
    return row


def rules_get(*, actor: NetworkActor) -> RelevanceRules:
    return rules_for(actor.network)


def relevance_counts(*, actor: NetworkActor) -> dict[str, int]:
    rows = OfferRelevance.objects.filter(network=actor.network, offer__status=OfferStatus.ACTIVE)
    return {
        "shown": rows.filter(
            Q(decision=RelevanceDecision.KEEP) | Q(decision="", verdict=RelevanceVerdict.SHOWN)
        ).count(),
        "queue": rows.filter(decision="", verdict=RelevanceVerdict.QUEUE).count(),
        "hidden": rows.filter(
            Q(decision=RelevanceDecision.REJECT) | Q(decision="", verdict=RelevanceVerdict.HIDDEN)
        ).count(),
    }


def shown_offers(*, network_id: int) -> QuerySet[Offer]:
    """The active offers the network shows: kept by a moderator, or above the display threshold and undecided.

    One subquery on the network's relevance rows (two chained filters on `relevances` would join twice, and an
    offer kept by another network would pass)."""
    shown = OfferRelevance.objects.filter(network_id=network_id).filter(
        Q(decision=RelevanceDecision.KEEP) | Q(decision="", verdict=RelevanceVerdict.SHOWN)
    )
    return Offer.objects.filter(status=OfferStatus.ACTIVE, pk__in=shown.values("offer_id"))


# --- outside sources: subscriptions and imports (the network's back office) -------------------------------------


def subscription_list(*, actor: NetworkActor) -> QuerySet[OfferSource]:
    """The network's subscriptions and imported feeds, with their offer counts."""
    from django.db.models import Count

    return (
        OfferSource.objects.filter(network=actor.network, kind__in=[SourceKind.FEDERATION, SourceKind.LHEO])
        .annotate(offer_count=Count("offers", filter=Q(offers__status=OfferStatus.ACTIVE), distinct=True))
        .order_by("label", "pk")
    )


def import_run_list(*, actor: NetworkActor) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(source__network=actor.network).select_related("source", "requested_by")


def import_run_get(*, actor: NetworkActor, run_id: int) -> ImportRun:
    """A run of one of the network's sources; 404 for another network's run ("missing or not yours")."""
    run = import_run_list(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def public_partner_offers(*, partner: PartnerStructure) -> QuerySet[Offer]:
    """A published partner structure's published offers, with their sessions."""
    return (
        Offer.objects.filter(partner=partner, source__kind=SourceKind.PARTNER, status=OfferStatus.ACTIVE)
        .prefetch_related("sessions")
        .order_by("title", "pk")
    )
