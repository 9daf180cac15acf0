# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map's filters in SQL: the reference the map index (offers/map_index.py) is compared with in the tests, and
what the tests use to list the offers a filter gives. Not used by the application (it computed the map's
search this way, too slowly at 300,000 sessions: docs/map.md, « The map index »)."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt, Substr

from coopforma.networks.models import Network
from coopforma.offers import geo, search
from coopforma.offers.filters import MapFilters
from coopforma.offers.models import Offer, OfferCompetency, OfferSession, SourceKind
from coopforma.offers.selectors import _member_offer_ids, qualiopi_status, shown_offers
from coopforma.referentiel import selectors as referentiel_selectors


def session_q(filters: MapFilters, skip: str = "") -> Q:
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


def distance_km(lat: float, lon: float) -> Any:
    """Haversine in SQL (Django's math functions exist on both engines), after the bounding box's prefilter."""
    phi = math.radians(lat)
    half_dphi = Sin((Radians(F("latitude")) - phi) / 2)
    half_dlambda = Sin((Radians(F("longitude")) - math.radians(lon)) / 2)
    a = Power(half_dphi, 2) + Cos(Radians(F("latitude"))) * math.cos(phi) * Power(half_dlambda, 2)
    return 2 * geo.EARTH_RADIUS_KM * ASin(Sqrt(a))


def matching_sessions(filters: MapFilters, skip: str = "") -> QuerySet[OfferSession]:
    sessions = OfferSession.objects.filter(session_q(filters, skip))
    if filters.near is not None:
        sessions = sessions.alias(distance=distance_km(filters.near.lat, filters.near.lon)).filter(
            distance__lte=filters.km
        )
    return sessions


def has_session_filter(filters: MapFilters, skip: str = "") -> bool:
    return bool(
        (filters.region and skip != "region")
        or (filters.departement and skip != "departement")
        or filters.date_from
        or filters.date_to
        or filters.near
    )


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
        offers = offers.alias(siren=Substr("provider_siret", 1, 9), qualiopi=qualiopi_status()).filter(
            qualiopi=filters.qualiopi
        )
    if has_session_filter(filters, skip):
        offers = offers.filter(pk__in=matching_sessions(filters, skip).values("offer_id"))
    return offers


def sessions_of(network: Network, filters: MapFilters) -> QuerySet[OfferSession]:
    return matching_sessions(filters).filter(offer_id__in=map_offers(network=network, filters=filters).values("pk"))
