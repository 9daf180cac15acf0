# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: the offers and requests of know-how of a network's members.

`network_id` is the network's short name (its slug, as in /reseaux/<slug>/echanges/). A token acts for its user;
what that person may do in the network comes from their role there (`networks.access`: NetworkPerson, or the
partner structures they manage), whatever the token's organisation: someone outside the network gets 404, no token
401. The list holds the open offers and requests of the network's joined members (the page's filters); a member's
e-mail and phone are never served. Writes are for the member's own person (or a manager of the structure it
represents): another member's listing is 403. Joining (a profile with an offer and a request) is done on the page.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from coopforma.api.auth import MEMBER, get_network_actor, permission
from coopforma.api.params import coded, paged
from coopforma.exchanges import selectors, services
from coopforma.exchanges.models import Conditions, ExchangeFormat, Listing, ListingKind, ListingState, Member

router = Router(tags=["exchanges"])


class ListingMemberOut(Schema):
    id: int
    display_name: str
    partner: str = Field(description="the partner structure the member represents, or empty")
    city: str
    department: str

    @staticmethod
    def resolve_partner(obj: Member) -> str:
        return obj.partner.name if obj.partner else ""


class ListingCompetencyOut(Schema):
    code: str = Field(description="the competency's code in the network's référentiel (M1-C2)")
    label: str


class ListingOut(Schema):
    id: int
    kind: str = coded(ListingKind)
    state: str = coded(ListingState)
    title: str
    description: str
    competencies: list[ListingCompetencyOut]
    level: str = Field(description="notions, pratique, maitrise, transmission, or empty")
    formats: list[str] = Field(description=f"among: {', '.join(ExchangeFormat.values)}")
    is_remote: bool
    city: str
    department: str
    available_from: date | None
    available_until: date | None
    availability: str
    conditions: str = coded(Conditions)
    member: ListingMemberOut
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_competencies(obj: Listing) -> list[dict[str, str]]:
        return [{"code": item.code, "label": item.label} for item in obj.competencies.all()]


class ListingQuery(Schema):
    kind: str = coded(ListingKind, default="", what="only offers or only requests")
    competency: str = Field("", max_length=30, description="a competency's code in the latest published version")
    format: str = coded(ExchangeFormat, default="", what="only listings offering this format")
    department: str = Field("", max_length=3, description="a département number (26, 2A, 974)")
    q: str = Field("", max_length=200, description="words of the title, the description or the member's name")
    remote: bool = Field(False, description="only listings possible at a distance")


class ListingIn(Schema):
    member_id: int | None = Field(
        None, description="which of my member records (myself or a structure I manage); default: my own"
    )
    kind: str = coded(ListingKind)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    competencies: list[str] = Field(default_factory=list, description="competencies' codes (latest version)")
    level: str = Field("", max_length=20)
    formats: list[str] = Field(default_factory=list)
    is_remote: bool = False
    city: str = Field("", max_length=100, description="a commune (name or postal code); empty: the member's")
    available_from: date | None = None
    available_until: date | None = None
    availability: str = Field("", max_length=300)
    conditions: str = coded(Conditions, default=Conditions.RECIPROCITY)


class ListingPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    competencies: list[str] | None = None
    level: str | None = Field(None, max_length=20)
    formats: list[str] | None = None
    is_remote: bool | None = None
    city: str | None = Field(None, max_length=100)
    available_from: date | None = None
    available_until: date | None = None
    availability: str | None = Field(None, max_length=300)
    conditions: str | None = Field(None, max_length=20)
    state: str | None = Field(None, max_length=10, description="open, paused or closed")


@router.get(
    "/network/{network_id}/exchanges/listings",
    response=list[ListingOut],
    summary="The open offers and requests of know-how of a network's members",
)
@permission(MEMBER)
@paged
def exchange_listing_list(request: HttpRequest, network_id: str, filters: Query[ListingQuery]) -> Any:
    actor = get_network_actor(request, network_id)
    refused = [
        {"loc": ["query", name], "msg": _("Valeur inconnue."), "type": "enum"}
        for name, choices in (("kind", ListingKind), ("format", ExchangeFormat))
        if getattr(filters, name) and getattr(filters, name) not in choices.values
    ]
    if refused:
        raise NinjaValidationError(refused)
    return selectors.listing_list(actor=actor, filters=selectors.ListingFilters(**filters.dict()))


@router.get(
    "/network/{network_id}/exchanges/listings/{listing_id}",
    response=ListingOut,
    summary="An offer or a request of know-how",
)
@permission(MEMBER)
def exchange_listing_get(request: HttpRequest, network_id: str, listing_id: int) -> Listing:
    return selectors.listing_get(actor=get_network_actor(request, network_id), listing_id=listing_id)


@router.post(
    "/network/{network_id}/exchanges/listings",
    response={201: ListingOut},
    summary="Add an offer or a request of know-how (to one of my member records)",
)
@permission(MEMBER)
def exchange_listing_create(request: HttpRequest, network_id: str, payload: ListingIn) -> Status:
    actor = get_network_actor(request, network_id)
    data = payload.dict()
    member = selectors.member_for_write(actor=actor, member_id=data.pop("member_id"))
    listing = services.listing_create(actor=actor, member=member, **data)
    return Status(201, selectors.listing_get(actor=actor, listing_id=listing.pk))


@router.patch(
    "/network/{network_id}/exchanges/listings/{listing_id}",
    response=ListingOut,
    summary="Change one of my offers or requests (its state too: open, paused, closed)",
)
@permission(MEMBER)
def exchange_listing_update(request: HttpRequest, network_id: str, listing_id: int, payload: ListingPatch) -> Listing:
    actor = get_network_actor(request, network_id)
    listing = selectors.editable_listing_get(actor=actor, listing_id=listing_id)
    # A field sent as null keeps its value (the dates excepted: null empties them).
    data = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in ("available_from", "available_until")
    }
    state = data.pop("state", None)
    if data:
        services.listing_update(actor=actor, listing=listing, **data)
    if state is not None:
        services.listing_set_state(actor=actor, listing=listing, state=state)
    return selectors.listing_get(actor=actor, listing_id=listing.pk)
