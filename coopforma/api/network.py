# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public read routes of a network's map (no token): the offers the network shows, searched and filtered as on the
page /reseaux/<network>/carte/, the aggregates the map draws and the sessions' points as GeoJSON.

Filters (query string, all optional): `q` (French words, accents and endings ignored), `region` (code, 53),
`departement` (code, 35), `modality`, `certifying` and `cpf` (oui/non), `qualiopi` (yes/no/unknown), `mode`
(experience-based way of learning), `from` and `to` (YYYY-MM-DD: sessions in that period), `near` (a commune's
name, postal code or INSEE code) with `km` (1–500, default 30). A bad value is a 422 naming the parameter."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from coopforma.api.auth import PUBLIC, permission
from coopforma.networks import selectors as network_selectors
from coopforma.networks.models import Network
from coopforma.offers import filters as map_filters
from coopforma.offers import selectors
from coopforma.offers.models import Offer, OfferSession

router = Router(tags=["network"])


class MapFilterQuery(Schema):
    network: str = Field(..., max_length=100, description="the network's short name (as in /reseaux/<network>/)")
    q: str = Field("", description="words to find, whatever the accents and the endings")
    region: str = Field("", description="a region's code (53: Bretagne)")
    departement: str = Field("", description="a département's code (35, 2A, 974)")
    modality: str = Field("", description="on_site, remote, hybrid or work_based")
    certifying: str = Field("", description="oui or non")
    cpf: str = Field("", description="oui or non: eligible to the CPF")
    qualiopi: str = Field("", description="yes, no or unknown: the provider's Qualiopi status in the public list")
    mode: str = Field("", description="an experience-based way of learning (peer_learning, afest, mooc…)")
    competency: str = Field(
        "",
        description="a competency's code in the network's latest published référentiel (M1-C2): the member "
        "trainings aiming at it and the other offers linked to it (suggested, confirmed or set by their partner)",
    )
    date_from: str = Field("", alias="from", description="sessions ending on or after this day (YYYY-MM-DD)")
    date_to: str = Field("", alias="to", description="sessions starting on or before this day (YYYY-MM-DD)")
    near: str = Field("", description="a commune: name, postal code or INSEE code")
    km: str = Field("", description="the radius around `near`, 1 to 500 km (default 30)")


class MapPageQuery(MapFilterQuery):
    page: str = Field("", description="the page, 20 offers each (default 1)")


class MapPlaceOut(Schema):
    commune: str
    postal_code: str
    insee: str
    departement: str
    region: str
    latitude: float | None
    longitude: float | None
    precision: str = Field(description="precise, approximate, or empty when the position is unknown")


class MapSessionOut(Schema):
    start: dt.date | None
    end: dt.date | None
    remote: bool
    place: MapPlaceOut


class MapCompetencyOut(Schema):
    code: str
    label: str


class MapOfferOut(Schema):
    id: int
    title: str
    summary: str
    url: str = Field(description="the offer's page on this installation")
    source_url: str = Field(description="the offer's page at its source, if any")
    provider_name: str
    provider_siret: str
    modality: str
    certifying: bool
    cpf_eligible: bool
    qualiopi: str = Field(description="yes, no or unknown")
    experience_mode: str
    source: str = Field(description="the source's name")
    source_kind: str = Field(description="member_catalogue, lheo, federation or partner")
    licence: str
    last_seen_at: dt.datetime | None
    flags: list[str] = Field(description="what the import found doubtful")
    competencies: list[MapCompetencyOut] = Field(
        description="the competencies of the network's latest published référentiel the offer aims at (a member "
        "training's objectives; for the other offers, their links no moderator removed), in the référentiel's order"
    )
    sessions: list[MapSessionOut]


class MapOfferPageOut(Schema):
    count: int = Field(description="how many offers match, in all")
    page: int
    pages: int
    items: list[MapOfferOut]


class MapAreaOut(Schema):
    code: str
    name: str
    offers: int


class MapPointOut(Schema):
    lat: float
    lon: float
    offers: int
    label: str


class MapAggregatesOut(Schema):
    total: int
    departements: list[MapAreaOut]
    regions: list[MapAreaOut]
    points: list[MapPointOut]


def _network_and_filters(request: HttpRequest, network_slug: str) -> tuple[Network, map_filters.MapFilters]:
    network = network_selectors.network_public_get(slug=network_slug)
    try:
        return network, map_filters.parse(request.GET)
    except ValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(messages), "type": "invalid"}
                for name, messages in exc.message_dict.items()
            ]
        ) from exc


def _place(session: OfferSession) -> dict[str, Any]:
    return {
        "commune": session.city,
        "postal_code": session.postal_code,
        "insee": session.insee_code,
        "departement": session.department,
        "region": session.region,
        "latitude": session.latitude,
        "longitude": session.longitude,
        "precision": session.geo_precision,
    }


def _offer(
    request: HttpRequest, network: Network, offer: Offer, competencies: list[selectors.OfferCompetencyShown]
) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "title": offer.title,
        "summary": offer.summary,
        "url": request.build_absolute_uri(
            reverse("offers:offer", kwargs={"network": network.slug, "offer_id": offer.pk})
        ),
        "source_url": offer.url,
        "provider_name": offer.provider_name,
        "provider_siret": offer.provider_siret,
        "modality": offer.modality,
        "certifying": offer.certifying,
        "cpf_eligible": offer.cpf_eligible,
        "qualiopi": getattr(offer, "qualiopi", "unknown"),
        "experience_mode": offer.experience_mode,
        "source": offer.source.label,
        "source_kind": offer.source.kind,
        "licence": offer.source.licence or network.data_licence,
        "last_seen_at": offer.last_seen_at,
        "flags": [str(f) for f in offer.flags or []],
        "competencies": [{"code": c.code, "label": c.label} for c in competencies],
        "sessions": [
            {"start": s.start, "end": s.end, "remote": s.is_remote, "place": _place(s)}
            for s in offer.next_sessions  # type: ignore[attr-defined]
        ],
    }


@router.get("/network/offers", response=MapOfferPageOut, auth=None, summary="The offers a network shows, searched")
@permission(PUBLIC)
def network_offer_list(request: HttpRequest, filters: Query[MapPageQuery]) -> dict[str, Any]:
    network, parsed = _network_and_filters(request, filters.network)
    page = selectors.map_page(network=network, filters=parsed)
    competencies = selectors.offers_competencies(network=network, offers=page.offers)
    return {
        "count": page.count,
        "page": page.page,
        "pages": page.pages,
        "items": [_offer(request, network, offer, competencies[offer.pk]) for offer in page.offers],
    }


@router.get(
    "/network/offers/aggregates",
    response=MapAggregatesOut,
    auth=None,
    summary="What the map draws: offers per département and region, sessions grouped by position",
)
@permission(PUBLIC)
def network_offer_aggregates_get(request: HttpRequest, filters: Query[MapFilterQuery]) -> dict[str, Any]:
    network, parsed = _network_and_filters(request, filters.network)
    return selectors.map_aggregates(network=network, filters=parsed)


@router.get(
    "/network/offers.geojson",
    auth=None,
    summary="The sessions' points as a GeoJSON FeatureCollection (the map's markers)",
    response={200: dict},
)
@permission(PUBLIC)
def network_offer_geojson_get(request: HttpRequest, filters: Query[MapFilterQuery]) -> HttpResponse:
    network, parsed = _network_and_filters(request, filters.network)
    features = []
    for session in selectors.map_points(network=network, filters=parsed):
        offer = session.offer
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [session.longitude, session.latitude]},
                "properties": {
                    "offer": offer.pk,
                    "title": offer.title,
                    "url": reverse("offers:offer", kwargs={"network": network.slug, "offer_id": offer.pk}),
                    "city": session.city,
                    "start": session.start.isoformat() if session.start else None,
                    "precision": session.geo_precision,
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json; charset=utf-8"
    )
