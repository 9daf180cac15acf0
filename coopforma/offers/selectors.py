# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the map's offers for a network's back office and public pages, and the public map's search.

Back-office reads take a `NetworkActor` and start from its network: an offer of another network's partner, or a
relevance row of another network, is 404 ("missing or not yours").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.catalogue.models import Modality
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import Network, PartnerStructure
from coopforma.offers import geo, map_index
from coopforma.offers.filters import QUALIOPI, MapFilters
from coopforma.offers.models import (
    CompetencyOrigin,
    ExperienceMode,
    ImportRun,
    Offer,
    OfferCompetency,
    OfferRelevance,
    OfferSession,
    OfferSource,
    OfferStatus,
    RelevanceDecision,
    RelevanceRules,
    RelevanceVerdict,
    SourceKind,
)
from coopforma.offers.relevance import rules_for
from coopforma.referentiel import selectors as referentiel_selectors
from coopforma.registry import selectors as registry_selectors
from coopforma.registry.models import RegisteredOrganisation


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


# --- the public map: search, facets, aggregates ------------------------------------------------------------------

PAGE_SIZE = 20
MAX_POINTS = 5000
MAX_FEATURES = 10_000
NEXT_SESSIONS = 3


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class MapPage:
    offers: list[Offer]
    count: int
    page: int
    pages: int
    qualiopi: dict[int, str] = field(default_factory=dict)  # offer id → yes / no / unknown


def qualiopi_status() -> Case:
    return Case(
        When(provider_siret="", then=Value("unknown")),
        When(siren__in=registry_selectors.qualiopi_sirens(), then=Value("yes")),
        When(siren__in=registry_selectors.registered_sirens(), then=Value("no")),
        default=Value("unknown"),
        output_field=CharField(),
    )


def _member_offer_ids(trainings: set[tuple[str, int]]) -> list[str]:
    """The offers' ids in the member catalogues' source (services.sync_member_catalogue) of these trainings."""
    return sorted(f"{slug}/{training_id}" for slug, training_id in trainings)


def map_offers(*, network: Network, filters: MapFilters) -> QuerySet[Offer]:
    """Every offer matching the filters, as a queryset (for the tests and small lists: the map index's ids in an
    `IN`); the map's pages read one page at a time (`map_page`)."""
    found = referentiel_selectors.competency_map(network=network) if filters.competency else None
    index = map_index.for_network(network.pk)
    ids = index.ids[index.query(filters, found).offers()]
    return Offer.objects.filter(pk__in=[int(pk) for pk in ids])


def map_page(*, network: Network, filters: MapFilters) -> MapPage:
    """One page of results (PAGE_SIZE offers by title), with their source, next sessions and Qualiopi status: the
    matching offers from the network's map index (map_index.py), then this page's offers by id (three queries)."""
    index = map_index.for_network(network.pk)
    found = referentiel_selectors.competency_map(network=network) if filters.competency else None
    positions = np.flatnonzero(index.query(filters, found).offers())
    count = len(positions)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(filters.page, pages)
    ids = [int(pk) for pk in index.ids[positions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]]
    today = timezone.localdate()
    upcoming = OfferSession.objects.filter(Q(start__gte=today) | Q(start__isnull=True) | Q(end__gte=today))
    by_id: dict[int, Offer] = {
        offer.pk: offer
        for offer in Offer.objects.filter(pk__in=ids)
        .select_related("source")
        .prefetch_related(Prefetch("sessions", queryset=upcoming.order_by("start", "pk"), to_attr="next_sessions"))
    }
    rows: list[Offer] = [by_id[pk] for pk in ids if pk in by_id]
    qualiopi = qualiopi_of(rows)
    for offer in rows:
        offer.next_sessions = offer.next_sessions[:NEXT_SESSIONS]  # type: ignore[attr-defined]
        offer.qualiopi = qualiopi[offer.pk]  # type: ignore[attr-defined]
    return MapPage(offers=rows, count=count, page=page, pages=pages, qualiopi=qualiopi)


def qualiopi_of(offers: list[Offer]) -> dict[int, str]:
    """yes / no / unknown for each offer, from the register (one query)."""
    sirens = {o.provider_siret[:9] for o in offers if len(o.provider_siret) == 14}
    certified, known = set(), set()
    if sirens:
        for siren, *flags in RegisteredOrganisation.objects.filter(present=True, siren__in=sirens).values_list(
            "siren", "qualiopi_training", "qualiopi_skills_assessment", "qualiopi_vae", "qualiopi_apprenticeship"
        ):
            known.add(siren)
            if any(flags):
                certified.add(siren)
    result = {}
    for offer in offers:
        siren = offer.provider_siret[:9] if len(offer.provider_siret) == 14 else ""
        result[offer.pk] = "yes" if siren in certified else "no" if siren in known else "unknown"
    return result


def map_facets(*, network: Network, filters: MapFilters) -> dict[str, list[FacetValue]]:
    """Each facet's values with the number of offers each would give with the other filters (an offer counts once
    per region or département it has a matching session in), from the network's map index (map_index.py)."""
    found = referentiel_selectors.competency_map(network=network)
    query = map_index.for_network(network.pk).query(filters, found)
    yes_no = [("oui", _("Oui"), True), ("non", _("Non"), False)]
    facets: dict[str, list[FacetValue]] = {}
    regions = query.place_counts("region", skip="region")
    facets["region"] = [
        FacetValue(code, geo.region_name(code) or code, n, code == filters.region)
        for code, n in sorted(regions.items(), key=lambda item: geo.key(geo.region_name(item[0])))
    ]
    departements = query.place_counts("departement", skip="departement")
    facets["departement"] = [
        FacetValue(code, f"{code} {geo.departement_name(code)}".strip(), n, code == filters.departement)
        for code, n in sorted(departements.items())
    ]
    modalities = query.counts("modality")
    facets["modality"] = [
        FacetValue(value, str(label), modalities[value], value == filters.modality)
        for value, label in Modality.choices
        if value in modalities
    ]
    for name in ("certifying", "cpf"):
        counts = query.counts(name)
        facets[name] = [
            FacetValue(code, str(label), counts[flag], getattr(filters, name) is flag)
            for code, label, flag in yes_no
            if flag in counts
        ]
    qualiopi_counts = query.counts("qualiopi")
    facets["qualiopi"] = [
        FacetValue(code, str(label), qualiopi_counts[code], code == filters.qualiopi)
        for code, label in QUALIOPI.items()
        if code in qualiopi_counts
    ]
    modes = query.counts("mode")
    facets["mode"] = [
        FacetValue(value, str(label), modes[value], value == filters.mode)
        for value, label in ExperienceMode.choices
        if value in modes
    ]
    facets["competency"] = []
    if found.labels:
        counts = query.competency_counts()
        facets["competency"] = [
            FacetValue(code, label, counts[code], code == filters.competency)
            for code, label in found.labels.items()
            if counts[code]
        ]
    return facets


def map_aggregates(*, network: Network, filters: MapFilters) -> dict[str, Any]:
    """What the map draws: the offers per département and region, and the sessions grouped by position (0.01°),
    at most MAX_POINTS groups (the most offers first), from the network's map index (map_index.py)."""
    found = referentiel_selectors.competency_map(network=network) if filters.competency else None
    query = map_index.for_network(network.pk).query(filters, found)
    departements = query.place_counts("departement")
    regions = query.place_counts("region")
    return {
        "total": int(query.offers().sum()),
        "departements": [
            {"code": code, "name": geo.departement_name(code), "offers": n} for code, n in sorted(departements.items())
        ],
        "regions": [{"code": code, "name": geo.region_name(code), "offers": n} for code, n in sorted(regions.items())],
        "points": query.points(MAX_POINTS),
    }


def map_points(*, network: Network, filters: MapFilters) -> list[OfferSession]:
    """The matching sessions with a position, with their offer (the map's markers): at most MAX_FEATURES, by offer,
    start (unknown last) and id, chosen in the network's map index (map_index.py), then read by id (one query)."""
    found = referentiel_selectors.competency_map(network=network) if filters.competency else None
    ids = map_index.for_network(network.pk).query(filters, found).placed_session_ids(MAX_FEATURES)
    by_id = {
        session.pk: session
        for session in OfferSession.objects.filter(pk__in=ids)
        .select_related("offer")
        .only("id", "latitude", "longitude", "city", "start", "geo_precision", "offer__id", "offer__title")
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def map_offer_get(*, network: Network, offer_id: int) -> Offer:
    """A shown offer of the network, with its source and sessions (404 when hidden, retired or another's)."""
    offer = (
        shown_offers(network_id=network.pk)
        .filter(pk=offer_id)
        .select_related("source", "partner")
        .prefetch_related(Prefetch("sessions", queryset=OfferSession.objects.order_by("start", "pk")))
        .first()
    )
    if offer is None:
        raise Http404
    return offer


# --- the competencies of the offers outside the member catalogues (offers/competencies.py) ----------------------


@dataclass
class CompetencyLink:
    code: str
    label: str
    origin: str  # CompetencyOrigin
    origin_label: str
    removed: bool


def competency_links(*, actor: NetworkActor, offer_ids: list[int]) -> dict[int, list[CompetencyLink]]:
    """For the moderators: each offer's links to the competencies of the network's latest published version (in
    its order; the removed ones too, to restore them). Three queries."""
    found = referentiel_selectors.competency_map(network=actor.network)
    code_of_key = {key: code for code, key in found.keys.items()}
    position = {code: i for i, code in enumerate(found.labels)}
    origins = dict(CompetencyOrigin.choices)
    links: dict[int, list[CompetencyLink]] = {}
    for offer_id, key, origin, removed in OfferCompetency.objects.filter(
        network=actor.network, offer_id__in=offer_ids
    ).values_list("offer_id", "competency_key", "origin", "removed"):
        code = code_of_key.get(key)
        if code is not None:
            links.setdefault(offer_id, []).append(
                CompetencyLink(code, found.labels[code], origin, str(origins.get(origin, "")), removed)
            )
    for rows in links.values():
        rows.sort(key=lambda link: position[link.code])
    return links


def competency_choices(*, actor: NetworkActor) -> list[tuple[str, str]]:
    """The competencies of the network's latest published version (code, "code label"), in its order."""
    return list(referentiel_selectors.competency_map(network=actor.network).labels.items())


def partner_offer_competencies(*, actor: NetworkActor, offer: Offer) -> list[str]:
    """The codes of the competencies a partner offer's structure set (latest published version)."""
    keys = set(
        OfferCompetency.objects.filter(
            network=actor.network, offer=offer, origin=CompetencyOrigin.PARTNER, removed=False
        ).values_list("competency_key", flat=True)
    )
    found = referentiel_selectors.competency_map(network=actor.network)
    return [code for code, key in found.keys.items() if key in keys]


@dataclass
class CompetencyModeration:
    relevance_id: int
    links: list[CompetencyLink]
    choices: list[tuple[str, str]]


def offer_competency_moderation(*, actor: NetworkActor, offer: Offer) -> CompetencyModeration | None:
    """For a moderator of the network on a shown offer's page (not a member catalogue's): its competency links to
    correct. None for anyone else, or without a published référentiel."""
    if not actor.is_moderator or offer.source.kind == SourceKind.MEMBER_CATALOGUE:
        return None
    choices = competency_choices(actor=actor)
    row = OfferRelevance.objects.filter(network=actor.network, offer=offer).values_list("pk", flat=True).first()
    if not choices or row is None:
        return None
    links = competency_links(actor=actor, offer_ids=[offer.pk]).get(offer.pk, [])
    return CompetencyModeration(relevance_id=row, links=links, choices=choices)


# --- the competencies an offer aims at, shown publicly (its page, the API) --------------------------------------


@dataclass
class OfferCompetencyShown:
    code: str
    label: str


def offers_competencies(*, network: Network, offers: list[Offer]) -> dict[int, list[OfferCompetencyShown]]:
    """For each offer (its source selected), the competencies of the network's latest published référentiel it
    aims at, in the version's order, as the map's filter by competency reads them: a member catalogue's offer
    through its training's objectives (`referentiel_selectors.competency_map`), any other through its links for
    the network that no moderator removed (suggested, confirmed, set by the partner structure). Four queries
    whatever the number of offers (the version, its competencies, the member trainings, the other offers' links);
    none without offers."""
    result: dict[int, list[OfferCompetencyShown]] = {offer.pk: [] for offer in offers}
    if not offers:
        return result
    found = referentiel_selectors.competency_map(network=network)
    if not found.labels:
        return result
    codes_of_training: dict[str, set[str]] = {}
    for code, trainings in found.trainings.items():
        for external_id in _member_offer_ids(trainings):
            codes_of_training.setdefault(external_id, set()).add(code)
    code_of_key = {key: code for code, key in found.keys.items()}
    linked: dict[int, set[str]] = {}
    outside = [offer.pk for offer in offers if offer.source.kind != SourceKind.MEMBER_CATALOGUE]
    if outside:
        for offer_id, key in OfferCompetency.objects.filter(
            network=network, removed=False, offer_id__in=outside
        ).values_list("offer_id", "competency_key"):
            if key in code_of_key:
                linked.setdefault(offer_id, set()).add(code_of_key[key])
    position = {code: i for i, code in enumerate(found.labels)}
    for offer in offers:
        if offer.source.kind == SourceKind.MEMBER_CATALOGUE:
            codes = codes_of_training.get(offer.external_id, set())
        else:
            codes = linked.get(offer.pk, set())
        result[offer.pk] = [
            OfferCompetencyShown(code, found.names[code]) for code in sorted(codes, key=lambda c: position[c])
        ]
    return result
