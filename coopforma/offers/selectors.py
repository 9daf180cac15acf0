# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the map's offers for a network's back office and public pages, and the public map's search.

Back-office reads take a `NetworkActor` and start from its network: an offer of another network's partner, or a
relevance row of another network, is 404 ("missing or not yours").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, DecimalField, F, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Round, Sin, Sqrt, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.catalogue.models import Modality
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import Network, PartnerStructure
from coopforma.offers import geo, search
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


def _session_q(filters: MapFilters, skip: str = "") -> Q:
    """What a session must be for its offer to match the filters on places and dates."""
    q = Q()
    if filters.region and skip != "region":
        q &= Q(region=filters.region)
    if filters.departement and skip != "departement":
        q &= Q(department=filters.departement)
    if filters.date_from:
        q &= Q(Q(end__gte=filters.date_from) | Q(end__isnull=True, start__gte=filters.date_from))
    if filters.date_to:
        q &= Q(start__lte=filters.date_to)
    if filters.near is not None:
        lat, lon = filters.near.lat, filters.near.lon
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, filters.km)
        q &= Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
    return q


def _distance_km(lat: float, lon: float) -> Any:
    """Haversine in SQL (Django's math functions exist on both engines), after the bounding box's prefilter."""
    phi = math.radians(lat)
    half_dphi = Sin((Radians(F("latitude")) - phi) / 2)
    half_dlambda = Sin((Radians(F("longitude")) - math.radians(lon)) / 2)
    a = Power(half_dphi, 2) + Cos(Radians(F("latitude"))) * math.cos(phi) * Power(half_dlambda, 2)
    return 2 * geo.EARTH_RADIUS_KM * ASin(Sqrt(a))


def _matching_sessions(filters: MapFilters, skip: str = "") -> QuerySet[OfferSession]:
    sessions = OfferSession.objects.filter(_session_q(filters, skip))
    if filters.near is not None:
        sessions = sessions.alias(distance=_distance_km(filters.near.lat, filters.near.lon)).filter(
            distance__lte=filters.km
        )
    return sessions


def _has_session_filter(filters: MapFilters, skip: str = "") -> bool:
    return bool(
        (filters.region and skip != "region")
        or (filters.departement and skip != "departement")
        or filters.date_from
        or filters.date_to
        or filters.near
    )


def _qualiopi_status() -> Case:
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


def map_offers(*, network: Network, filters: MapFilters, skip: str = "") -> QuerySet[Offer]:
    """The offers the network shows (`shown_offers`) that match the filters (but `skip`, for a facet's counts)."""
    offers = shown_offers(network_id=network.pk)
    matching = search.matching(filters.q)
    if matching is not None:
        offers = offers.filter(pk__in=matching)
    if filters.modality and skip != "modality":
        offers = offers.filter(modality=filters.modality)
    if filters.certifying is not None and skip != "certifying":
        offers = offers.filter(certifying=filters.certifying)
    if filters.cpf is not None and skip != "cpf":
        offers = offers.filter(cpf_eligible=filters.cpf)
    if filters.mode and skip != "mode":
        offers = offers.filter(experience_mode=filters.mode)
    if filters.competency and skip != "competency":
        found = referentiel_selectors.competency_map(network=network)
        key = found.keys.get(filters.competency)
        links = OfferCompetency.objects.none() if key is None else OfferCompetency.objects.filter(competency_key=key)
        linked = links.filter(network=network, removed=False).values("offer_id")
        offers = offers.filter(
            Q(
                source__kind=SourceKind.MEMBER_CATALOGUE,
                external_id__in=_member_offer_ids(found.trainings.get(filters.competency, set())),
            )
            | Q(pk__in=linked)
        )
    if filters.qualiopi and skip != "qualiopi":
        offers = offers.alias(siren=Substr("provider_siret", 1, 9), qualiopi=_qualiopi_status()).filter(
            qualiopi=filters.qualiopi
        )
    if _has_session_filter(filters, skip):
        offers = offers.filter(pk__in=_matching_sessions(filters, skip).values("offer_id"))
    return offers


def map_page(*, network: Network, filters: MapFilters) -> MapPage:
    """One page of results (PAGE_SIZE offers by title), with their source, next sessions and Qualiopi status."""
    offers = map_offers(network=network, filters=filters)
    count = offers.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(filters.page, pages)
    today = timezone.localdate()
    upcoming = OfferSession.objects.filter(Q(start__gte=today) | Q(start__isnull=True) | Q(end__gte=today))
    rows: list[Offer] = list(
        offers.select_related("source")
        .prefetch_related(Prefetch("sessions", queryset=upcoming.order_by("start", "pk"), to_attr="next_sessions"))
        .order_by("title", "pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    )
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


# The offer-level facets: their filter's name in MapFilters → the column (or annotation) they count.
OFFER_FACETS = {
    "modality": "modality",
    "certifying": "certifying",
    "cpf": "cpf_eligible",
    "mode": "experience_mode",
    "qualiopi": "qualiopi",
}


def _offer_cube(network: Network, filters: MapFilters) -> list[dict[str, Any]]:
    """The matching offers under every filter but the offer-level facets', counted per combination of those
    facets' columns: a few dozen rows from ONE query, from which every offer-level facet's counts (each under the
    other facets' choices) are sums in Python (`_cube_counts`) instead of one GROUP BY a facet."""
    base = filters
    for name in OFFER_FACETS:
        base = base.without(name)
    return list(
        map_offers(network=network, filters=base)
        .alias(siren=Substr("provider_siret", 1, 9))
        .annotate(qualiopi=_qualiopi_status())
        .order_by()
        .values(*OFFER_FACETS.values())
        .annotate(n=Count("pk"))
    )


def _cube_counts(cube: list[dict[str, Any]], filters: MapFilters, name: str) -> dict[str, int]:
    """Facet `name`'s counts: the cube's rows that pass every other offer-level facet's choice, summed by value."""
    chosen = {
        other: getattr(filters, other)
        for other in OFFER_FACETS
        if other != name and getattr(filters, other) not in ("", None)
    }
    counts: dict[str, int] = {}
    for row in cube:
        if all(row[OFFER_FACETS[other]] == value for other, value in chosen.items()):
            key = str(row[OFFER_FACETS[name]])
            counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _place_facet(network: Network, filters: MapFilters, name: str, column: str) -> dict[str, int]:
    offers = map_offers(network=network, filters=filters, skip=name)
    rows = (
        _matching_sessions(filters, name)
        .filter(offer_id__in=offers.values("pk"))
        .exclude(**{column: ""})
        .order_by()
        .values(column)
        .annotate(n=Count("offer_id", distinct=True))
    )
    return {row[column]: row["n"] for row in rows}


def map_facets(*, network: Network, filters: MapFilters) -> dict[str, list[FacetValue]]:
    """Each facet's values with the number of offers each would give with the other filters: one query for each
    place facet (region, département: an offer counts once per place it has a session in), one for all the
    offer-level facets (modality, certifying, CPF, Qualiopi, experience-based mode: `_offer_cube`), and the
    competencies'."""
    yes_no = [("oui", _("Oui"), "True", True), ("non", _("Non"), "False", False)]
    facets: dict[str, list[FacetValue]] = {}
    regions = _place_facet(network, filters, "region", "region")
    facets["region"] = [
        FacetValue(code, geo.region_name(code) or code, n, code == filters.region)
        for code, n in sorted(regions.items(), key=lambda item: geo.key(geo.region_name(item[0])))
    ]
    departements = _place_facet(network, filters, "departement", "department")
    facets["departement"] = [
        FacetValue(code, f"{code} {geo.departement_name(code)}".strip(), n, code == filters.departement)
        for code, n in sorted(departements.items())
    ]
    cube = _offer_cube(network, filters)
    modalities = _cube_counts(cube, filters, "modality")
    facets["modality"] = [
        FacetValue(value, str(label), modalities[value], value == filters.modality)
        for value, label in Modality.choices
        if value in modalities
    ]
    for name in ("certifying", "cpf"):
        counts = _cube_counts(cube, filters, name)
        facets[name] = [
            FacetValue(code, str(label), counts[key], getattr(filters, name) is flag)
            for code, label, key, flag in yes_no
            if key in counts
        ]
    qualiopi_counts = _cube_counts(cube, filters, "qualiopi")
    facets["qualiopi"] = [
        FacetValue(code, str(label), qualiopi_counts[code], code == filters.qualiopi)
        for code, label in QUALIOPI.items()
        if code in qualiopi_counts
    ]
    modes = _cube_counts(cube, filters, "mode")
    facets["mode"] = [
        FacetValue(value, str(label), modes[value], value == filters.mode)
        for value, label in ExperienceMode.choices
        if value in modes
    ]
    facets["competency"] = _competency_facet(network, filters)
    return facets


def _competency_facet(network: Network, filters: MapFilters) -> list[FacetValue]:
    """The référentiel's competencies that offers shown on the map aim at, with their offers' count under the
    other filters (four queries: the version's competencies, their member trainings, the member offers, and the
    other offers' links counted by competency — an offer is in one or the other, never both)."""
    found = referentiel_selectors.competency_map(network=network)
    if not found.labels:
        return []
    matching = map_offers(network=network, filters=filters, skip="competency")
    member_offers: set[str] = set()
    if found.trainings:
        member_offers = set(
            matching.filter(source__kind=SourceKind.MEMBER_CATALOGUE).values_list("external_id", flat=True)
        )
    linked = dict(
        OfferCompetency.objects.filter(network=network, removed=False, offer_id__in=matching.values("pk"))
        .order_by()
        .values("competency_key")
        .annotate(n=Count("offer_id", distinct=True))
        .values_list("competency_key", "n")
    )
    facet = []
    for code, label in found.labels.items():
        count = len(member_offers.intersection(_member_offer_ids(found.trainings.get(code, set()))))
        count += linked.get(found.keys[code], 0)
        if count:
            facet.append(FacetValue(code, label, count, code == filters.competency))
    return facet


def _sessions_of(network: Network, filters: MapFilters) -> QuerySet[OfferSession]:
    return _matching_sessions(filters).filter(offer_id__in=map_offers(network=network, filters=filters).values("pk"))


def map_aggregates(*, network: Network, filters: MapFilters) -> dict[str, Any]:
    """What the map draws: the offers per département and region, and the sessions grouped by position (0.01°),
    at most MAX_POINTS groups (the most offers first). Four queries."""
    total = map_offers(network=network, filters=filters).count()
    sessions = _sessions_of(network, filters).order_by()
    departements = sessions.exclude(department="").values("department").annotate(n=Count("offer_id", distinct=True))
    regions = sessions.exclude(region="").values("region").annotate(n=Count("offer_id", distinct=True))
    points = (
        sessions.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(lat=Round(Cast("latitude", DecimalField(max_digits=9, decimal_places=4)), 2))
        .annotate(lon=Round(Cast("longitude", DecimalField(max_digits=9, decimal_places=4)), 2))
        .values("lat", "lon")
        .annotate(n=Count("offer_id", distinct=True), label=Min("city"))
        .order_by("-n", "lat", "lon")[:MAX_POINTS]
    )
    return {
        "total": total,
        "departements": sorted(
            (
                {"code": row["department"], "name": geo.departement_name(row["department"]), "offers": row["n"]}
                for row in departements
            ),
            key=lambda row: row["code"],
        ),
        "regions": sorted(
            ({"code": row["region"], "name": geo.region_name(row["region"]), "offers": row["n"]} for row in regions),
            key=lambda row: row["code"],
        ),
        "points": [
            {"lat": float(row["lat"]), "lon": float(row["lon"]), "offers": row["n"], "label": row["label"] or ""}
            for row in points
        ],
    }


def map_points(*, network: Network, filters: MapFilters) -> list[OfferSession]:
    """The sessions with a position of the matching offers, with their offer (the map's markers)."""
    return list(
        _sessions_of(network, filters)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("offer")
        .only("id", "latitude", "longitude", "city", "start", "geo_precision", "offer__id", "offer__title")
        .order_by("offer_id", "start", "pk")[:MAX_FEATURES]
    )


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
