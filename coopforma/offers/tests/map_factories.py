# SPDX-License-Identifier: AGPL-3.0-or-later
"""Offers shown on a network's map, with sessions placed in real communes (offers/geo.py), indexed for search."""

import datetime as dt

from django.utils import timezone

from coopforma.networks.models import Network
from coopforma.offers import geo, search
from coopforma.offers.models import GeoPrecision, Offer, OfferRelevance, OfferSession, RelevanceVerdict
from coopforma.offers.tests.network_factories import feed_offer


def place(insee: str) -> dict[str, object]:
    commune = geo.commune_by_insee(insee)
    assert commune is not None
    return {
        "city": commune.name,
        "insee_code": commune.insee,
        "postal_code": commune.postal_codes[0],
        "department": commune.departement,
        "region": commune.region,
        "latitude": commune.lat,
        "longitude": commune.lon,
        "geo_precision": GeoPrecision.PRECISE,
    }


def shown_offer(
    network: Network,
    *,
    where: str = "35238",
    start: dt.date | None = None,
    verdict: str = RelevanceVerdict.SHOWN,
    decision: str = "",
    sessions: int = 1,
    **fields: object,
) -> Offer:
    """An active offer the network shows (its relevance verdict `shown`), with `sessions` sessions in the commune
    of INSEE code `where`."""
    offer = feed_offer(**fields)
    start = start or dt.date(2027, 3, 1)
    for n in range(sessions):
        OfferSession.objects.create(
            offer=offer, start=start + dt.timedelta(days=n), end=start + dt.timedelta(days=n + 2), **place(where)
        )
    OfferRelevance.objects.create(
        network=network, offer=offer, score=80, verdict=verdict, decision=decision, scored_at=timezone.now()
    )
    search.index_offers([offer.pk])
    return offer
