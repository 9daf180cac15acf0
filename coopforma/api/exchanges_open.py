# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: the exchanges' open data (GoGoCarto), public (no token), for a public
network only (404 otherwise). The same document as /reseaux/<network>/echanges/gogocarto.json: the consenting
members and structures with their open offers and requests (never an e-mail or a phone), the public exchanges, the
network's data licence."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from coopforma.api.auth import PUBLIC, permission
from coopforma.exchanges import open_data
from coopforma.networks import selectors as network_selectors

router = Router(tags=["exchanges"])


class NetworkQuery(Schema):
    network: str = Field(..., max_length=100, description="the network's short name (as in /reseaux/<network>/)")


class GeoOut(Schema):
    latitude: float | None
    longitude: float | None


class AddressOut(Schema):
    streetAddress: str  # GoGoCarto's names (camelCase)
    addressLocality: str
    postalCode: str
    addressCountry: str


class ElementOut(Schema):
    id: str
    name: str
    geo: GeoOut
    address: AddressOut
    categories: list[str]
    description: str
    website: str
    url: str
    offers: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    hosts: list[str] = []
    competencies: list[str] = []
    startDate: str = ""
    endDate: str = ""


class GoGoCartoOut(Schema):
    licence: str
    ontology: str
    source: str
    data: list[ElementOut]


@router.get(
    "/exchanges/open-data/gogocarto",
    response=GoGoCartoOut,
    auth=None,
    summary="A network's exchanges of know-how as GoGoCarto elements (consenting members, public exchanges)",
)
@permission(PUBLIC)
def exchanges_gogocarto_get(request: HttpRequest, query: Query[NetworkQuery]) -> dict[str, Any]:
    network = network_selectors.network_public_get(slug=query.network)
    return open_data.gogocarto_json(network)
